from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionSheet,
    Axis,
    BudgetLine,
    ContractLink,
    FundingLine,
    Indicator,
    Roadmap,
    RoadmapAttachment,
    RoadmapComment,
    RoadmapPartner,
    SheetNote,
    SheetPartner,
    SheetStatusChange,
    Step,
)


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0


class RoadmapPartnerInline(admin.TabularInline):
    model = RoadmapPartner
    extra = 0


class ContractLinkInline(admin.TabularInline):
    model = ContractLink
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = RoadmapAttachment
    extra = 0
    raw_id_fields = ["uploaded_by"]


class CommentInline(admin.TabularInline):
    model = RoadmapComment
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Roadmap)
class RoadmapAdmin(SimpleHistoryAdmin):
    list_display = ["title", "fabrique", "participation", "status", "published_at"]
    list_select_related = ["fabrique", "participation"]
    list_filter = ["status"]
    search_fields = ["title", "fabrique__title", "participation__label"]
    raw_id_fields = ["participation"]
    readonly_fields = ["lock_version"]
    inlines = [
        AxisInline,
        RoadmapPartnerInline,
        ContractLinkInline,
        AttachmentInline,
        CommentInline,
    ]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


class SheetPartnerInline(admin.TabularInline):
    model = SheetPartner
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class SheetNoteInline(admin.TabularInline):
    model = SheetNote
    extra = 0
    raw_id_fields = ["author"]


class StatusChangeInline(admin.TabularInline):
    model = SheetStatusChange
    extra = 0
    raw_id_fields = ["changed_by"]


@admin.register(ActionSheet)
class ActionSheetAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "roadmap", "axis", "status", "priority"]
    list_select_related = ["roadmap", "axis"]
    list_filter = ["status", "priority", "maturity"]
    search_fields = ["title", "roadmap__title", "pilot_organisation"]
    raw_id_fields = ["roadmap", "axis", "commune", "qpv", "related", "outcomes", "editors"]
    readonly_fields = ["lock_version"]
    inlines = [
        StepInline,
        SheetPartnerInline,
        BudgetLineInline,
        FundingLineInline,
        IndicatorInline,
        SheetNoteInline,
        StatusChangeInline,
    ]
