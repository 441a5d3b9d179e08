"""Minimal builders of roadmaps for the documents' tests, written with the
ORM directly (the roadmaps' and recommendations' factories are written in parallel).

Texts carry French typography and characters that fonts and encoders get wrong: œ, Œ, «
guillemets », apostrophes ’, €, accented capitals (É, À, Ç), no-break spaces.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from fabriques.roadmaps.models import (
    ActionSheet,
    Axis,
    BudgetLine,
    BudgetNature,
    BudgetUnit,
    ContractKind,
    ContractLink,
    FundingLine,
    FundingScheme,
    FundingStatus,
    Indicator,
    IndicatorValue,
    Maturity,
    Priority,
    Roadmap,
    RoadmapPartner,
    RoadmapStatus,
    SheetNote,
    SheetPartner,
    SheetStatus,
    SheetStatusChange,
    Step,
)
from fabriques.territories.models import Participation

UNICODE = "Cœur de bourg : « l’œuvre commune » — ÉCOLE, À VÉLO, ÇA ROULE ; 1 250,50 €"


def long_text(label: str, sentences: int = 12) -> str:
    """Numbered, distinct sentences: a lost or repeated piece shows in the read-back text."""
    return " ".join(
        f"{label} phrase {n} : les habitants du quartier prioritaire réinvestissent l’œuvre "
        f"commune, « sans exclusive », avec l’école et l’EHPAD."
        for n in range(1, sentences + 1)
    )


def make_roadmap(
    participation: Participation,
    *,
    sheets: int = 3,
    axes: int = 2,
    status: str = RoadmapStatus.DRAFT,
    title: str = "",
    sentences: int = 3,
) -> Roadmap:
    """A roadmap with every part filled: framing, governance, partners, contracts, axes, and
    sheets spread over the axes, each with partners, steps, budget, funding, indicators with
    values, a status change and a note."""
    roadmap = Roadmap.objects.create(
        participation=participation,
        fabrique=participation.fabrique,
        title=title or f"Feuille de route de {participation.label} — {UNICODE}",
        horizon=2030,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2030, 12, 31),
        diagnostic=long_text("Diagnostic", sentences),
        issues=long_text("Enjeux", sentences),
        vision=long_text("Vision", sentences),
        easy_summary="Une ville plus verte, plus proche, où l’on se déplace à pied.",
        steering_body="Comité de pilotage « Territoire 2030 »",
        meeting_rhythm="Tous les trimestres",
        elected_referent="Mme Œnone Dupré-Lefèvre",
        project_lead="M. Loïc Hervé",
        status=status,
        published_at=timezone.now() if status == RoadmapStatus.PUBLISHED else None,
        deliberation_body="Conseil municipal",
        deliberation_date=datetime.date(2026, 11, 20),
        deliberation_number="DEL-2026-042",
    )
    RoadmapPartner.objects.create(
        roadmap=roadmap, name="Banque des Territoires", role="Cofinanceur"
    )
    RoadmapPartner.objects.create(roadmap=roadmap, name="Région Centre-Val de Loire", role="Appui")
    ContractLink.objects.create(
        roadmap=roadmap,
        kind=ContractKind.PVD,
        label="Convention Petites villes de demain",
        reference="PVD-45-012",
        signed_on=datetime.date(2021, 6, 3),
    )
    axis_rows = [
        Axis.objects.create(
            roadmap=roadmap,
            position=n,
            title=f"Axe {n} — Mobilités et œuvre commune",
            description=long_text(f"Axe {n}", 2),
        )
        for n in range(1, axes + 1)
    ]
    for number in range(1, sheets + 1):
        make_sheet(roadmap, axis_rows[(number - 1) % axes], number, sentences=sentences)
    return roadmap


def make_sheet(roadmap: Roadmap, axis: Axis, number: int, *, sentences: int = 3) -> ActionSheet:
    sheet = ActionSheet.objects.create(
        roadmap=roadmap,
        axis=axis,
        number=number,
        title=f"Fiche {number} : piste cyclable « cœur de bourg » n° {number}",
        description=long_text(f"Description {number}", sentences),
        objectives=long_text(f"Objectifs {number}", max(1, sentences // 2)),
        expected_effects=f"Effets {number} : moins de voitures, plus d’œuvres partagées.",
        targets="Collégiens, aînés, salariés",
        pilot_organisation="Communauté de communes du Val d’Œuf",
        pilot_person="Mme Zoé Lefèvre",
        elected_referent="M. Gaël Œttinger",
        project_owner="Commune de Saint-Éloi",
        project_owner_siret="21450012300018",
        priority=Priority.HIGH,
        maturity=Maturity.STUDY,
        status=SheetStatus.IN_PROGRESS,
        planned_start=datetime.date(2026, 3, 1),
        planned_end=datetime.date(2027, 6, 30),
        actual_start=datetime.date(2026, 4, 15),
    )
    SheetPartner.objects.create(sheet=sheet, name="Département du Loiret", role="Maîtrise d’œuvre")
    Step.objects.create(sheet=sheet, position=1, name="Étude de faisabilité", done=True)
    Step.objects.create(sheet=sheet, position=2, name="Travaux", due_on=datetime.date(2027, 3, 1))
    BudgetLine.objects.create(
        sheet=sheet,
        year=2026,
        nature=BudgetNature.INVESTMENT,
        unit=BudgetUnit.EUR_HT,
        planned=Decimal("125000.50"),
        actual=Decimal("98000"),
    )
    BudgetLine.objects.create(
        sheet=sheet,
        year=2027,
        nature=BudgetNature.OPERATING,
        unit=BudgetUnit.FTE,
        planned=Decimal("0.5"),
    )
    FundingLine.objects.create(
        sheet=sheet,
        funder="Préfecture du Loiret",
        scheme=FundingScheme.DETR,
        amount_asked=Decimal("50000"),
        amount_granted=Decimal("40000"),
        status=FundingStatus.OBTAINED,
    )
    FundingLine.objects.create(
        sheet=sheet,
        funder='=HYPERLINK("http://exemple.invalid")',  # a formula, to stay text in exports
        scheme=FundingScheme.FONDS_VERT,
        amount_asked=Decimal("30000"),
        status=FundingStatus.ASKED,
    )
    indicator = Indicator.objects.create(
        sheet=sheet,
        definition=f"Kilomètres de pistes cyclables (fiche {number})",
        unit="km",
        target=Decimal("12.5"),
        target_on=datetime.date(2028, 12, 31),
        source="Observatoire des mobilités",
    )
    IndicatorValue.objects.create(
        indicator=indicator, measured_on=datetime.date(2026, 12, 31), value=Decimal("3.25")
    )
    SheetStatusChange.objects.create(
        sheet=sheet,
        status=SheetStatus.IN_PROGRESS,
        changed_on=datetime.date(2026, 4, 15),
        comment="Démarrage après l’étude",
    )
    SheetNote.objects.create(
        sheet=sheet,
        text=f"Note interne {number} : relancer l’ABF.",
        written_on=datetime.date(2026, 5, 2),
    )
    SheetNote.objects.create(
        sheet=sheet, is_comment=True, text=f"Commentaire de relecture {number} (hors document)."
    )
    return sheet
