from django.urls import path

from . import views

app_name = "calls"
# Included at the site root: paths are written in full.
urlpatterns = [
    # Public
    path("appels/", views.call_list, name="call_list"),
    # Before « appels/<slug>/ » so that no Fabrique slug can shadow it.
    path("appels/territoires/", views.territory_search_view, name="territory_search"),
    path("appels/<slug:slug>/", views.call_detail, name="call_detail"),
    path("appels/<slug:slug>/candidater/", views.application_start, name="application_start"),
    # Applicants
    path("espace/candidatures/", views.my_applications, name="my_applications"),
    path("espace/candidatures/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "espace/candidatures/<int:pk>/modifier/",
        views.application_edit,
        name="application_edit",
    ),
    path(
        "espace/candidatures/<int:pk>/deliberation/",
        views.application_file,
        name="application_file",
    ),
    # ANCT
    path("espace/candidatures/recues/", views.received_applications, name="received_applications"),
    path(
        "espace/candidatures/<int:pk>/evaluer/",
        views.application_review,
        name="application_review",
    ),
    path("espace/fabriques/<slug:slug>/appel/", views.call_edit, name="call_edit"),
    path(
        "espace/fabriques/<slug:slug>/candidatures/",
        views.application_review_list,
        name="application_review_list",
    ),
    path(
        "espace/fabriques/<slug:slug>/candidatures/export.csv",
        views.application_export,
        name="application_export",
    ),
    path(
        "espace/fabriques/<slug:slug>/candidatures/informer/",
        views.notify_outcomes,
        name="notify_outcomes",
    ),
]
