from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Contract, Deliverable, DeliverableReview, DeliverableVersion, ReminderSent


def _file_link(version: DeliverableVersion) -> str:
    # Files are served only through the access-checked view, never from MEDIA_URL.
    if not version.pk:
        return ""
    url = reverse("deliverables:version_file", args=[version.pk])
    return format_html('<a href="{}">{}</a>', url, version.original_name)


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["fabrique", "provider", "reference", "signed_on", "amount"]
    list_select_related = ["fabrique", "provider"]
    search_fields = ["reference", "fabrique__title", "provider__name"]
    autocomplete_fields = ["fabrique", "provider"]


class DeliverableVersionInline(admin.TabularInline):
    model = DeliverableVersion
    extra = 0
    fields = ["number", "download", "size", "submitted_by", "submitted_at", "note"]
    readonly_fields = ["number", "download", "size", "submitted_by", "submitted_at", "note"]
    can_delete = False
    show_change_link = True

    @admin.display(description=_("fichier"))
    def download(self, obj: DeliverableVersion) -> str:
        return _file_link(obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Deliverable)
class DeliverableAdmin(SimpleHistoryAdmin):
    list_display = ["title", "fabrique", "participation", "kind", "due_on", "status"]
    list_filter = ["status", "kind", "fabrique__programme_year"]
    list_select_related = ["fabrique", "participation"]
    search_fields = ["title", "fabrique__title", "participation__label"]
    autocomplete_fields = ["fabrique", "participation"]
    # The status follows submissions and reviews (services, audited), never a hand edit.
    readonly_fields = ["status"]
    date_hierarchy = "due_on"
    inlines = [DeliverableVersionInline]


@admin.register(DeliverableVersion)
class DeliverableVersionAdmin(admin.ModelAdmin):
    list_display = [
        "deliverable",
        "number",
        "original_name",
        "size",
        "submitted_by",
        "submitted_at",
    ]
    list_select_related = ["deliverable__fabrique", "deliverable__participation", "submitted_by"]
    search_fields = ["deliverable__title", "original_name"]
    readonly_fields = ["deliverable", "number", "download", "original_name", "size", "submitted_at"]
    exclude = ["file"]
    autocomplete_fields = ["submitted_by"]

    @admin.display(description=_("fichier"))
    def download(self, obj: DeliverableVersion) -> str:
        return _file_link(obj)

    def has_add_permission(self, request) -> bool:
        # A version is a file handed in by the provider, through its page.
        return False


@admin.register(DeliverableReview)
class DeliverableReviewAdmin(admin.ModelAdmin):
    list_display = ["version", "decision", "reviewer", "reviewed_at"]
    list_filter = ["decision"]
    list_select_related = [
        "version__deliverable__fabrique",
        "version__deliverable__participation",
        "reviewer",
    ]
    search_fields = ["version__deliverable__title", "comment"]
    raw_id_fields = ["version"]
    autocomplete_fields = ["reviewer"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["deliverable", "kind", "sent_on"]
    list_filter = ["kind", "sent_on"]
    list_select_related = ["deliverable__fabrique", "deliverable__participation"]
    search_fields = ["deliverable__title"]
    raw_id_fields = ["deliverable"]
