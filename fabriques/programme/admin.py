from typing import Any

from django.contrib import admin
from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from fabriques.territories.models import Participation

from .models import (
    AnctProgramme,
    Fabrique,
    FabriqueOrganisation,
    Milestone,
    Organisation,
    ProgrammeYear,
    Resource,
    Theme,
)
from .services import fabrique_refresh_search_text, organisation_search_text


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history is untyped
    list_display = ["year", "declared_territories", "target_fabriques"]
    search_fields = ["year"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AnctProgramme)
class AnctProgrammeAdmin(admin.ModelAdmin[AnctProgramme]):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history is untyped
    list_display = ["name", "acronym", "kind", "siren"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "siren", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    @transaction.atomic
    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm[Organisation], change: bool
    ) -> None:
        obj.search_text = organisation_search_text(organisation=obj)
        super().save_model(request, obj, form, change)


class FabriqueOrganisationInline(admin.TabularInline[FabriqueOrganisation, Fabrique]):
    model = FabriqueOrganisation
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "contact_name", "amount", "position"]


class ParticipationInline(admin.TabularInline[Participation, Fabrique]):
    model = Participation
    extra = 0
    autocomplete_fields = ["commune", "epci", "qpv"]
    fields = ["label", "kind", "commune", "epci", "qpv", "position"]


class ResourceInline(admin.TabularInline[Resource, Fabrique]):
    model = Resource
    extra = 0


@admin.register(Fabrique)
class FabriqueAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history is untyped
    list_display = ["title", "programme_year", "status", "start_month", "end_month"]
    list_filter = ["programme_year", "status", "themes", "anct_programmes"]
    search_fields = ["title", "slug", "search_text"]
    list_select_related = ["programme_year"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes", "anct_programmes"]
    inlines = [FabriqueOrganisationInline, ParticipationInline, ResourceInline]
    # The status changes only through the guarded, audited transitions of the cycle app
    # (fabriques/cycle/services.py), on the Fabrique's status page in the workspace.
    readonly_fields = ["status"]
    fieldsets = [
        (None, {"fields": ["title", "title_note", "slug", "programme_year", "status"]}),
        (_("Contenu"), {"fields": ["summary", "objective", "themes", "anct_programmes"]}),
        (_("Calendrier et financement"), {"fields": ["start_month", "end_month", "cofinancing"]}),
        (_("Provenance"), {"fields": ["source"]}),
    ]

    # One formset per inline (organisations, participations, resources), hence Any models.
    @transaction.atomic
    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[Fabrique],
        formsets: list[BaseInlineFormSet[Any, Fabrique, Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        # The catalogue searches titles, organisations and territories: refresh once all is saved.
        fabrique_refresh_search_text(fabrique=form.instance)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Fabrique],
        formset: BaseInlineFormSet[Any, Fabrique, Any],
        change: bool,
    ) -> None:
        if formset.model is Participation:
            # The denormalised département follows the referential entity.
            for instance in formset.save(commit=False):
                entity = instance.qpv or instance.epci or instance.commune
                instance.departement = entity.departement
                instance.save()
            for obj in formset.deleted_objects:
                obj.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history is untyped
    list_display = ["title", "fabrique", "kind", "date"]
    list_filter = ["kind", "fabrique__programme_year"]
    search_fields = ["title", "fabrique__title"]
    date_hierarchy = "date"
