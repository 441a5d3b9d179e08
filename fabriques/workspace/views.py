"""The signed-in workspace: a thin surface over the domain apps' selectors."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from fabriques.accounts.roles import grants_for
from fabriques.deliverables.selectors import dashboard_counts
from fabriques.programme.access import require_admin
from fabriques.programme.selectors import (
    active_workspace_fabriques,
    fabrique_role_labels,
    year_progress,
)
from fabriques.workshops.access import member_scope
from fabriques.workshops.selectors.minutes import actions_summary

from .forms import AuditFilterForm
from .selectors import (
    audit_actions,
    audit_events,
    audit_object_types,
    audit_objects,
    object_type_label,
)

HOME_FABRIQUES = 12
AUDIT_PER_PAGE = 50


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    grants = grants_for(request.user)
    fabriques = list(active_workspace_fabriques(grants=grants)[: HOME_FABRIQUES + 1])
    year = timezone.localdate().year
    return render(
        request,
        "workspace/home.html",
        {
            "cards": [
                {"fabrique": fabrique, "roles": fabrique_role_labels(grants, fabrique.pk)}
                for fabrique in fabriques[:HOME_FABRIQUES]
            ],
            "more_fabriques": len(fabriques) > HOME_FABRIQUES,
            "current_year": year,
            "progress": year_progress(year=year) if grants.is_anct else None,
            # What is late or waiting, for those who follow or owe deliverables.
            "todo": dashboard_counts(user=request.user)
            if grants.is_anct or grants.provider_fabriques
            else None,
            # Actions decided in workshops, for those who follow some (None otherwise).
            "actions": actions_summary(user=request.user),
            # A working group's member: their workshops are in their own space.
            "is_member": member_scope(request.user).is_member,
            "workspace_nav": "dashboard",
        },
    )


@login_required
@require_safe
def audit(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = AuditFilterForm(
        request.GET or None, actions=audit_actions(), object_types=audit_object_types()
    )
    page = Paginator(audit_events(form.filters()), AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    objects = audit_objects(page.object_list)
    rows = [
        {
            "event": event,
            "object": objects.get((event.object_type, event.object_id)),
            "type_label": object_type_label(event.object_type),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "workspace/audit.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "workspace_nav": "audit",
        },
    )
