from django.urls import path

from . import views

app_name = "deliverables"
urlpatterns = [
    path("espace/livrables/", views.dashboard, name="dashboard"),
    path("espace/fabriques/<slug:slug>/livrables/", views.fabrique_list, name="fabrique_list"),
    path(
        "espace/fabriques/<slug:slug>/livrables/ajouter/",
        views.deliverable_create,
        name="deliverable_create",
    ),
    path(
        "espace/fabriques/<slug:slug>/livrables/generer/",
        views.deliverables_generate,
        name="deliverables_generate",
    ),
    path("espace/fabriques/<slug:slug>/contrat/", views.contract_edit, name="contract_edit"),
    path("espace/livrables/<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path("espace/livrables/<int:pk>/modifier/", views.deliverable_edit, name="deliverable_edit"),
    path(
        "espace/livrables/<int:pk>/supprimer/",
        views.deliverable_delete,
        name="deliverable_delete",
    ),
    path("espace/livrables/<int:pk>/deposer/", views.deliverable_submit, name="deliverable_submit"),
    path(
        "espace/livrables/versions/<int:pk>/examiner/",
        views.version_review,
        name="version_review",
    ),
    path("espace/livrables/versions/<int:pk>/fichier/", views.version_file, name="version_file"),
]
