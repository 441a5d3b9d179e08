from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from fabriques.core.services import audit_event_create

from .models import Invitation, Membership, User
from .services import membership_revoke
from .types import AuthenticatedHttpRequest

admin.site.register(User, UserAdmin)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history is untyped
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

    # Writes made here leave the same audit events as the services. The admin site lets only
    # signed-in staff in, so request.user is a User.
    @transaction.atomic
    def save_model(
        self,
        request: AuthenticatedHttpRequest,
        obj: Membership,
        form: ModelForm[Membership],
        change: bool,
    ) -> None:
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

    def delete_model(self, request: AuthenticatedHttpRequest, obj: Membership) -> None:
        membership_revoke(membership=obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Membership]
    ) -> None:
        for membership in queryset.select_related("user"):
            membership_revoke(membership=membership, actor=request.user)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Read-only: invitations are sent from the workspace or `manage.py invite`."""

    list_display = ["email", "purpose", "created_at", "expires_at", "accepted_at", "invited_by"]
    list_filter = ["purpose", ("accepted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["invited_by"]
    search_fields = ["email", "user__email"]
    date_hierarchy = "created_at"
    # The token's hash stays out of sight: it is of no use to anyone reading this page.
    fields = ("user", "email", "purpose", "created_at", "expires_at", "accepted_at", "invited_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False
