from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import docs, errors, library, views

app_name = "api"

v1 = [
    path("", views.Root.as_view(), name="root"),
    path("fabriques/", views.FabriqueList.as_view(), name="fabrique-list"),
    path("fabriques/<slug:slug>/", views.FabriqueDetail.as_view(), name="fabrique-detail"),
    path("territories/", views.TerritoryList.as_view(), name="territory-list"),
    path(
        "territories/<str:identifier>/",
        views.TerritoryDetail.as_view(),
        name="territory-detail",
    ),
    path("organisations/", views.OrganisationList.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetail.as_view(),
        name="organisation-detail",
    ),
    path("themes/", views.ThemeList.as_view(), name="theme-list"),
    path("programmes/", views.ProgrammeList.as_view(), name="programme-list"),
    path("statistics/", views.Statistics.as_view(), name="statistics"),
    # The library (published roadmaps, action sheets, recommendations).
    path("roadmaps/", library.RoadmapList.as_view(), name="roadmap-list"),
    path("roadmaps/<int:pk>/", library.RoadmapDetail.as_view(), name="roadmap-detail"),
    path("action-sheets/", library.ActionSheetList.as_view(), name="sheet-list"),
    path("action-sheets/<int:pk>/", library.ActionSheetDetail.as_view(), name="sheet-detail"),
    path("recommendations/", library.RecommendationList.as_view(), name="recommendation-list"),
    path(
        "recommendations/<int:pk>/",
        library.RecommendationDetail.as_view(),
        name="recommendation-detail",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
    # Anything else under /api/ answers a JSON 404 in the API's error format, whatever the
    # characters in the address: « . » would not match a newline (%0A), which then fell
    # through to the site's HTML 404 (and Django cannot reverse the (?s) flag). The view
    # redirects an endpoint's address written without its final slash, as CommonMiddleware
    # did before this pattern made every address valid.
    re_path(r"^[\s\S]*$", errors.not_found),
]
