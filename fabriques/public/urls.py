from django.urls import path, register_converter

from . import converters, document_views, library_views, search_views, statistics_views, views

register_converter(converters.CommuneCodeConverter, "commune_code")
register_converter(converters.SirenConverter, "siren")

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("fabriques/", views.catalogue, name="catalogue"),
    path("fabriques/<slug:slug>/", views.fabrique_detail, name="fabrique_detail"),
    path("fabriques/<slug:slug>/ressources/<int:pk>/", views.resource_file, name="resource_file"),
    path("territoires/", views.territory_list, name="territory_list"),
    path(
        "territoires/communes/<commune_code:code>/",
        views.territory_commune,
        name="territory_commune",
    ),
    path("territoires/epci/<siren:siren>/", views.territory_epci, name="territory_epci"),
    path("territoires/qpv/<int:pk>/", views.territory_qpv, name="territory_qpv"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("statistiques/", statistics_views.statistics_page, name="statistics"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    # The public library (published roadmaps, action sheets and recommendations).
    path("bibliotheque/", library_views.library, name="library"),
    path("bibliotheque/feuilles-de-route/<int:pk>/", library_views.roadmap_detail, name="roadmap"),
    path("bibliotheque/fiches-action/<int:pk>/", library_views.sheet_detail, name="sheet"),
    path(
        "bibliotheque/preconisations/<int:pk>/",
        library_views.recommendation_detail,
        name="recommendation",
    ),
    # The public library's documents (docs).
    *document_views.urlpatterns,
]
# The public search (issue 12).
urlpatterns += search_views.urlpatterns
