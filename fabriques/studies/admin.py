from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Study, StudyRun


@admin.register(Study)
class StudyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "method", "fabrique", "participation", "status", "updated_at")
    list_filter = ("method", "status")
    search_fields = ("title",)
    raw_id_fields = ("fabrique", "participation", "created_by")
    filter_horizontal = ("meetings",)


@admin.register(StudyRun)
class StudyRunAdmin(admin.ModelAdmin):
    list_display = ("study", "run_at", "foresight_version", "duration_ms")
    raw_id_fields = ("study", "run_by")
