"""Mounted at /espace/fabriques/. Fixed paths come before <slug>/ (see services.RESERVED_SLUGS).

The status page, <slug>/statut/, is mounted at the same place by the cycle app.
"""

from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("", views.fabrique_list, name="fabrique_list"),
    path("ajouter/", views.fabrique_create_view, name="fabrique_create"),
    path("annees/", views.year_list, name="year_list"),
    path("annees/ajouter/", views.year_create, name="year_create"),
    path("annees/<int:year>/modifier/", views.year_edit, name="year_edit"),
    path("<slug:slug>/", views.fabrique_detail, name="fabrique_detail"),
    path("<slug:slug>/modifier/", views.fabrique_edit, name="fabrique_edit"),
    path("<slug:slug>/organisations/", views.fabrique_organisations, name="fabrique_organisations"),
    path(
        "<slug:slug>/organisations/<int:pk>/retirer/",
        views.fabrique_organisation_remove_view,
        name="fabrique_organisation_remove",
    ),
    path("<slug:slug>/equipe/", views.fabrique_team_view, name="fabrique_team"),
    path(
        "<slug:slug>/equipe/<int:pk>/retirer/",
        views.fabrique_team_revoke_view,
        name="fabrique_team_revoke",
    ),
    path("<slug:slug>/calendrier/", views.fabrique_milestones, name="fabrique_milestones"),
    path(
        "<slug:slug>/calendrier/generer/",
        views.fabrique_milestones_generate,
        name="fabrique_milestones_generate",
    ),
    path("<slug:slug>/historique/", views.fabrique_history_view, name="fabrique_history"),
]
