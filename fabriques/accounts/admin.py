from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from fabriques.core.services import audit_event_create

from .models import Invitation, Membership, User
from .services import membership_revoke

admin.site.register(User, UserAdmin)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "fabrique", "organisation", "participation", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "fabrique", "organisation", "participation"]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "fabrique__title",
        "organisation__name",
        "participation__label",
        "mandate",
    ]
    autocomplete_fields = ["user", "fabrique", "organisation", "participation"]
    readonly_fields = ["granted_by", "created_at", "updated_at"]
    fields = [
        "user",
        "role",
        "fabrique",
        "organisation",
        "participation",
        "mandate",
        "granted_by",
        "created_at",
        "updated_at",
    ]

    # Writes made here leave the same audit events as the services.
    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
        audit_event_create(
            action="membership.changed" if change else "membership.granted",
            obj=obj,
            actor=request.user,
            summary=str(obj),
            data={"user": obj.user_id, "role": obj.role, "via": "admin"},
        )

    def delete_model(self, request, obj):
        membership_revoke(membership=obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user"):
            membership_revoke(membership=membership, actor=request.user)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent from the workspace or `manage.py invite`."""

    list_display = ["email", "purpose", "created_at", "expires_at", "accepted_at", "invited_by"]
    list_filter = ["purpose", ("accepted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["invited_by"]
    search_fields = ["email", "user__email"]
    date_hierarchy = "created_at"
    # The token's hash stays out of sight: it is of no use to anyone reading this page.
    fields = ("user", "email", "purpose", "created_at", "expires_at", "accepted_at", "invited_by")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
