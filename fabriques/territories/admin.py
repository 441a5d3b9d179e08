from django.contrib import admin

from fabriques.core.text import normalize

from .models import Commune, Departement, Epci, Participation, Qpv, ReferentialRelease, Region


class ReadOnlyReferentialAdmin(admin.ModelAdmin):
    """The official referential is imported, never edited by hand (except QPV)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyReferentialAdmin):
    list_display = ["code", "name", "zone"]
    search_fields = ["code", "name"]
    list_filter = ["zone"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyReferentialAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name"]
    list_filter = ["region", "zone"]
    list_select_related = ["region"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyReferentialAdmin):
    list_display = ["code", "name", "departement", "population"]
    search_fields = ["code", "search_name", "siren"]
    list_filter = ["departement__region"]
    list_select_related = ["departement"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize(search_term))


@admin.register(Epci)
class EpciAdmin(ReadOnlyReferentialAdmin):
    list_display = ["siren", "name", "nature", "departement", "population"]
    search_fields = ["siren", "search_name"]
    list_filter = ["nature", "departement__region"]
    list_select_related = ["departement"]
    raw_id_fields = ["communes"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize(search_term))


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "departement"]
    search_fields = ["code", "name", "search_name"]
    list_filter = ["departement__region"]
    list_select_related = ["departement"]
    raw_id_fields = ["communes"]

    def save_model(self, request, obj, form, change):
        obj.search_name = normalize(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(ReferentialRelease)
class ReferentialReleaseAdmin(ReadOnlyReferentialAdmin):
    list_display = ["package", "version", "licence", "created_at"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "fabrique", "departement"]
    list_filter = ["kind", "fabrique__programme_year", "departement__region"]
    search_fields = ["label", "fabrique__title"]
    list_select_related = ["fabrique", "departement"]
    autocomplete_fields = ["commune", "epci", "qpv", "fabrique"]

    def save_model(self, request, obj, form, change):
        entity = obj.qpv or obj.epci or obj.commune
        obj.departement = entity.departement
        super().save_model(request, obj, form, change)
