"""The « Retenir » section of a run's page and the « Résultats retenus » section of a study's
page, as inclusion tags: the pages include one template each, whose tag reads the selector
(the views of the pages stay as they are)."""

from __future__ import annotations

from typing import Any

from django import template

from .. import access, selectors

register = template.Library()


def _may_write(context: template.Context, study: Any) -> bool:
    request = context.get("request")
    return request is not None and access.may_write_study(request.user, study)


@register.inclusion_tag("studies/retained/_run_section.html", takes_context=True)
def run_retain_section(context: template.Context) -> dict[str, Any]:
    run = context["run"]
    return {
        "study": run.study,
        "run": run,
        "groups": selectors.run_candidates(run),
        "may_write": _may_write(context, run.study),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("studies/retained/_study_section.html", takes_context=True)
def study_retained_section(context: template.Context) -> dict[str, Any]:
    study = context["study"]
    return {
        "study": study,
        "retained": selectors.study_retained(study),
        "may_write": _may_write(context, study),
        "csrf_token": context.get("csrf_token"),
    }
