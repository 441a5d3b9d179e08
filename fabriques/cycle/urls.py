"""Mounted at /espace/fabriques/, next to the programme's pages of each Fabrique."""

from django.urls import path

from . import views

app_name = "cycle"
urlpatterns = [
    path("<slug:slug>/statut/", views.fabrique_transition_view, name="fabrique_transition"),
]
