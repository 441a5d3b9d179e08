from django.contrib import admin
from django.http import HttpRequest
from django_tasks_db.models import DBTaskResult

from .models import AuditEvent

# django_tasks_db shows every task's arguments, return value and traceback to staff allowed
# to view task results; those may name people. Nobody needs them in the admin (core comes
# after django_tasks_db in INSTALLED_APPS, so its registration is already there).
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["created_at", "action", "object_type", "object_id", "actor", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["summary", "object_id", "action"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
