from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Application, ApplicationScore, Call, CallCriterion


class CallCriterionInline(admin.TabularInline):
    model = CallCriterion
    extra = 0
    fields = ["position", "label", "weight", "max_score", "description"]


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = ["fabrique", "opens_at", "closes_at", "decision_expected_on"]
    list_select_related = ["fabrique"]
    search_fields = ["fabrique__title", "fabrique__slug"]
    autocomplete_fields = ["fabrique"]
    inlines = [CallCriterionInline]


@admin.register(CallCriterion)
class CallCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["label", "call", "weight", "max_score", "position"]
    list_select_related = ["call__fabrique"]
    search_fields = ["label", "call__fabrique__title"]


class ApplicationScoreInline(admin.TabularInline):
    model = ApplicationScore
    extra = 0
    fields = ["criterion", "score", "comment", "scored_by", "scored_at"]
    readonly_fields = ["scored_by", "scored_at"]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    # Lists show the territory and the decision only; personal data stays on the detail page
    # and the deliberation is downloaded through the access-checked view, never from here.
    list_display = ["__str__", "call", "kind", "departement", "status", "submitted_at"]
    list_filter = ["status", "kind", "call__fabrique"]
    list_select_related = ["call__fabrique", "commune", "epci", "qpv", "departement"]
    search_fields = ["commune__name", "epci__name", "qpv__name", "call__fabrique__title"]
    raw_id_fields = ["applicant", "commune", "epci", "qpv", "participation"]
    exclude = ["deliberation"]
    readonly_fields = ["has_deliberation", "submitted_at", "decided_at", "notified_at"]
    inlines = [ApplicationScoreInline]

    @admin.display(boolean=True, description=_("délibération déposée"))
    def has_deliberation(self, obj: Application) -> bool:
        return bool(obj.deliberation)
