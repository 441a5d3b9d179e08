from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from fabriques.core import failsafe

admin.site.site_header = _("Fabriques Prospectives — administration")
admin.site.site_title = _("Administration des Fabriques")
admin.site.index_title = _("Gestion du programme")

urlpatterns = [
    path("healthz", failsafe.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("compte/", include("fabriques.accounts.urls")),
    path("espace/", include("fabriques.workspace.urls")),
    path("espace/fabriques/", include("fabriques.programme.urls")),
    path("espace/fabriques/", include("fabriques.cycle.urls")),
    path("", include("fabriques.calls.urls")),
    path("", include("fabriques.deliverables.urls")),
    path("", include("fabriques.workinggroups.urls")),
    path("", include("fabriques.workshops.urls")),
    path("", include("fabriques.roadmaps.urls")),
    path("", include("fabriques.recommendations.urls")),
    path("", include("fabriques.studies.urls")),
    path("api/", include("fabriques.api.urls")),
    path("donnees/", include("fabriques.opendata.urls")),
    path("", include("fabriques.public.urls")),
]

handler403 = "fabriques.public.views.permission_denied"
handler404 = "fabriques.public.views.page_not_found"
handler500 = "fabriques.public.views.server_error"
