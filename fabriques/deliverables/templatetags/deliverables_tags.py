"""Status badges of deliverables (DSFR), from values the selectors already loaded."""

from django import template

register = template.Library()

STATUS_BADGES = {
    "pending": "fr-badge--info",
    "submitted": "fr-badge--new",
    "changes_requested": "fr-badge--warning",
    "accepted": "fr-badge--success",
}


@register.inclusion_tag("deliverables/includes/status.html")
def deliverable_status(deliverable) -> dict:
    return {
        "label": deliverable.get_status_display(),
        "badge_class": STATUS_BADGES.get(deliverable.status, ""),
        "late": deliverable.is_late,
    }
