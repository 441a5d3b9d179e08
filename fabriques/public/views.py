from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError


def home(request):
    return HttpResponse("Fabriques")


def page_not_found(request, exception=None):
    return HttpResponseNotFound("Page non trouvée")


def server_error(request):
    return HttpResponseServerError("Erreur")
