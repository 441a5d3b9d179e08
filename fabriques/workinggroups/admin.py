from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Member, WorkingGroup


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["participation", "name", "created_at"]
    list_select_related = ["participation__fabrique"]
    search_fields = ["participation__label", "participation__fabrique__title", "name"]
    raw_id_fields = ["participation"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "working_group", "family", "role", "joined_on", "left_on"]
    list_select_related = ["working_group__participation"]
    list_filter = ["family", "role"]
    raw_id_fields = ["working_group", "user"]
