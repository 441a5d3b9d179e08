from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Answer,
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationComment,
    ReviewReminder,
)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    raw_id_fields = ["organisation", "recorded_by"]


class ReviewInline(admin.TabularInline):
    model = ImplementationReview
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "fabrique", "status", "addressee", "published_at"]
    list_display_links = ["number", "title"]
    list_select_related = ["fabrique"]
    list_filter = ["status", "kind", "addressee_kind"]
    search_fields = ["title", "addressee", "fabrique__title"]
    raw_id_fields = [
        "fabrique",
        "theme",
        "addressee_organisation",
        "participations",
        "workshops",
        "action_sheets",
    ]
    inlines = [PositionInline, ReviewInline]


@admin.register(Position)
class PositionAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "organisation", "stance", "given_on"]
    list_select_related = ["recommendation", "organisation"]
    list_filter = ["stance"]
    raw_id_fields = ["recommendation", "organisation", "recorded_by"]


admin.site.register(RecommendationComment, raw_id_fields=["recommendation", "author"])
admin.site.register(Answer, raw_id_fields=["recommendation", "recorded_by"])
admin.site.register(ReviewReminder, raw_id_fields=["recommendation"])
