"""The studies' personal data of a person (RGPD export and erasure).

- the studies they created, the runs they launched, the matrix cells they filled, the
  scenarios they saved and the results they retained: exported with what they concern;
  erasure cuts the link (the field becomes empty), the studies' content stays the Fabrique's;
- their participations in votes (`Voter`): linked to their account, or named after them. A
  named voter without an account cannot be tied to a person by the platform (a name is not
  an identity), so only the voters linked to the account are found; erasure unlinks the
  account and clears the name, the anonymous ballots stay counted.
"""

from __future__ import annotations

from typing import Any

from fabriques.accounts.models import User

from .models import CellEntry, RetainedResult, Scenario, Study, StudyRun, Voter


def _study(study: Study) -> dict[str, Any]:
    return {"étude": study.title, "fabrique": str(study.fabrique), "méthode": study.method}


def export_studies(user: User) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for study in Study.objects.filter(created_by=user).select_related("fabrique").order_by("pk"):
        rows.append({"type": "étude créée", **_study(study), "le": study.created_at.isoformat()})
    runs = StudyRun.objects.filter(run_by=user).select_related("study__fabrique").order_by("pk")
    for run in runs.defer("input", "output"):
        rows.append({"type": "calcul lancé", **_study(run.study), "le": run.run_at.isoformat()})
    cells = (
        CellEntry.objects.filter(filled_by=user)
        .select_related("study__fabrique")
        .order_by("study_id", "matrix", "row", "column")
    )
    for cell in cells:
        rows.append(
            {
                "type": "cellule saisie",
                **_study(cell.study),
                "matrice": cell.matrix,
                "ligne": cell.row + 1,
                "colonne": cell.column + 1,
                "le": cell.filled_at.isoformat(),
            }
        )
    scenarios = (
        Scenario.objects.filter(created_by=user).select_related("study__fabrique").order_by("pk")
    )
    for scenario in scenarios:
        rows.append(
            {
                "type": "scénario enregistré",
                **_study(scenario.study),
                "scénario": scenario.name,
                "le": scenario.created_at.isoformat(),
            }
        )
    retained = (
        RetainedResult.objects.filter(retained_by=user)
        .select_related("study__fabrique")
        .order_by("pk")
    )
    for result in retained:
        rows.append(
            {
                "type": "résultat retenu",
                **_study(result.study),
                "résultat": result.label,
                "note": result.note,
                "le": result.retained_at.isoformat(),
            }
        )
    return rows


def erase_studies(user: User) -> int:
    changed = Study.objects.filter(created_by=user).update(created_by=None)
    changed += StudyRun.objects.filter(run_by=user).update(run_by=None)
    changed += CellEntry.objects.filter(filled_by=user).update(filled_by=None)
    changed += Scenario.objects.filter(created_by=user).update(created_by=None)
    changed += RetainedResult.objects.filter(retained_by=user).update(retained_by=None)
    return changed


def export_voters(user: User) -> list[dict[str, Any]]:
    voters = (
        Voter.objects.filter(user=user)
        .select_related("session__study__fabrique")
        .prefetch_related("ballots")
        .order_by("pk")
    )
    return [
        {
            **_study(voter.session.study),
            "vote": voter.session.code,
            "nom_donné": voter.name,
            "arrivé_le": voter.joined_at.isoformat(),
            "réponses": [
                {
                    "énoncé_ou_question": ballot.item + 1,
                    "couleur": ballot.value,
                    "estimation": ballot.number,
                    "justification": ballot.justification,
                }
                for ballot in voter.ballots.all()
            ],
        }
        for voter in voters
    ]


def erase_voters(user: User) -> int:
    return Voter.objects.filter(user=user).update(user=None, name="")
