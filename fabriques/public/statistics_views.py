from django.http import HttpResponse


def statistics_page(request):
    return HttpResponse("Statistiques")
