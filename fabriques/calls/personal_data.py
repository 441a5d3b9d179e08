"""The applications a person filled in or is named in, and the scores they gave (RGPD)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fabriques.accounts.models import User

from .models import Application, ApplicationScore, ApplicationStatus
from .services import applications_erase_person


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_applications(user: User) -> list[dict[str, Any]]:
    """The applications the person filled in, whole; those naming them, as a mere mention.

    An application belongs to whoever filled it in. Someone whose address was typed in it
    (as elected official or technical referent) learns that they were named, where and when
    it was deposited, but nothing that was typed: the address may be a shared mailbox
    (mairie@…), and the names, phone, texts and drafts are the applicant's and the other
    person's. Drafts do not mention anyone: nobody but their author has seen them.
    """
    rows: list[dict[str, Any]] = []
    own = (
        Application.objects.filter(applicant_id=user.pk)
        .select_related("call__fabrique", "commune", "epci", "qpv")
        .order_by("pk")
    )
    for application in own:
        rows.append(
            {
                "fabrique": application.call.fabrique.title,
                "territoire": application.territory_label,
                "rôles": ["déposant"],
                "statut": str(application.get_status_display()),
                "créée_le": _iso(application.created_at),
                "déposée_le": _iso(application.submitted_at),
                "décidée_le": _iso(application.decided_at),
                "élu_nom": application.elected_name,
                "élu_mandat": application.elected_mandate,
                "élu_courriel": application.elected_email,
                "référent_nom": application.technical_name,
                "référent_fonction": application.technical_role,
                "référent_courriel": application.technical_email,
                "référent_téléphone": application.technical_phone,
                "motivation": application.motivation,
                "groupe_de_travail": application.working_group_intent,
                "délibération_déposée": bool(application.deliberation),
            }
        )
    email = (user.email or "").strip().lower()
    if not email:
        return rows
    named = (
        Application.objects.filter(
            Q(elected_email__iexact=email) | Q(technical_email__iexact=email)
        )
        .exclude(applicant_id=user.pk)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("call__fabrique", "commune", "epci", "qpv")
        .order_by("pk")
    )
    for application in named:
        roles = []
        if application.elected_email.lower() == email:
            roles.append("élu")
        if application.technical_email.lower() == email:
            roles.append("référent technique")
        rows.append(
            {
                "fabrique": application.call.fabrique.title,
                "territoire": application.territory_label,
                "rôles": roles,
                "déposée_le": _iso(application.submitted_at),
            }
        )
    return rows


def erase_applications(user: User) -> int:
    return applications_erase_person(user=user)


def export_scores(user: User) -> list[dict[str, Any]]:
    """The scores and comments the person gave, with the application and criterion scored."""
    scores = (
        ApplicationScore.objects.filter(scored_by_id=user.pk)
        .select_related(
            "criterion",
            "application__call__fabrique",
            "application__commune",
            "application__epci",
            "application__qpv",
        )
        .order_by("scored_at", "pk")
    )
    return [
        {
            "fabrique": score.application.call.fabrique.title,
            "candidature": score.application.territory_label,
            "critère": score.criterion.label,
            "note": score.score,
            "note_maximale": score.criterion.max_score,
            "commentaire": score.comment,
            "date": _iso(score.scored_at),
        }
        for score in scores
    ]


def erase_scores(user: User) -> int:
    """The scores stay (they explain a decision); the link to the person goes."""
    return ApplicationScore.objects.filter(scored_by_id=user.pk).update(scored_by=None)
