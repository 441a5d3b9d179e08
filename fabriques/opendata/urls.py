from django.urls import path, re_path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(
        r"^(?P<dataset>[a-z][a-z-]*)\.(?P<ext>csv|json|schema\.json)$",
        views.download,
        name="download",
    ),
]
