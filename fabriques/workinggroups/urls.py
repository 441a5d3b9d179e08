from django.urls import path

from . import views

app_name = "workinggroups"
GROUP = "espace/fabriques/<slug:slug>/territoires/<int:participation>/groupe/"
urlpatterns = [
    path(GROUP, views.group, name="group"),
    path(GROUP + "ajouter/", views.member_add, name="member_add"),
    path(GROUP + "importer/", views.members_import, name="members_import"),
    path(GROUP + "modele/", views.import_template, name="import_template"),
    path(GROUP + "exporter/", views.members_export, name="members_export"),
    path(GROUP + "membres/<int:pk>/modifier/", views.member_edit, name="member_edit"),
    path(GROUP + "membres/<int:pk>/depart/", views.member_leave, name="member_leave"),
    path(GROUP + "membres/<int:pk>/retour/", views.member_rejoin, name="member_rejoin"),
]
