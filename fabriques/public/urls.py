from django.urls import path, register_converter

from . import converters, document_views, search_views, statistics_views, views

register_converter(converters.CommuneCodeConverter, "commune_code")
register_converter(converters.SirenConverter, "siren")

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("fabriques/", views.catalogue, name="catalogue"),
    path("fabriques/<slug:slug>/", views.fabrique_detail, name="fabrique_detail"),
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
    # The public library's documents (docs).
    *document_views.urlpatterns,
]
# The public search (issue 12).
urlpatterns += search_views.urlpatterns
