from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    Minutes,
    MinutesComment,
    Outcome,
    Registration,
    Workshop,
    WorkshopDocument,
)


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "fabrique", "participation", "starts_at", "status"]
    list_select_related = ["fabrique", "participation"]
    list_filter = ["kind", "status", "mode"]
    search_fields = ["title", "fabrique__title", "participation__label"]
    raw_id_fields = ["fabrique", "participation", "facilitator", "deliverable"]
    inlines = [AgendaInline]


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["workshop", "status", "attendance", "requested_at"]
    list_select_related = ["workshop"]
    list_filter = ["status", "attendance"]
    raw_id_fields = ["workshop", "member"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    raw_id_fields = ["agenda_item", "owner_member"]


@admin.register(Minutes)
class MinutesAdmin(SimpleHistoryAdmin):
    list_display = ["workshop", "status", "visibility", "published_at"]
    list_select_related = ["workshop"]
    list_filter = ["status", "visibility"]
    raw_id_fields = ["workshop", "validated_by"]
    inlines = [OutcomeInline]


admin.site.register(WorkshopDocument, raw_id_fields=["workshop", "uploaded_by"])
admin.site.register(MinutesComment, raw_id_fields=["minutes", "outcome", "author", "author_member"])
