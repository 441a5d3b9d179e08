"""Rows for the library's tests, written with the ORM directly.

The roadmaps and recommendations services are written elsewhere at the same time; these
builders set the published state the way those services end up storing it. Every private
thing a public page must never show carries a marker string (PRIVATE) for the tests to look for.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from fabriques.accounts.tests.factories import UserFactory
from fabriques.programme.models import Fabrique
from fabriques.programme.tests.factories import (
    FabriqueFactory,
    OrganisationFactory,
    ProgrammeYearFactory,
    ThemeFactory,
)
from fabriques.recommendations.models import (
    AddresseeKind,
    Answer,
    Implementation,
    ImplementationReview,
    Position,
    Recommendation,
    RecommendationComment,
    RecommendationKind,
    RecommendationStatus,
    ReviewHorizon,
    Stance,
)
from fabriques.roadmaps.models import (
    ActionSheet,
    Axis,
    BudgetLine,
    BudgetNature,
    BudgetUnit,
    ContractKind,
    ContractLink,
    FollowUp,
    FollowUpEntry,
    FundingLine,
    FundingScheme,
    FundingStatus,
    Indicator,
    IndicatorValue,
    Roadmap,
    RoadmapComment,
    RoadmapPartner,
    RoadmapStatus,
    SheetNote,
    SheetPartner,
    SheetStatus,
    SheetStatusChange,
    Step,
)
from fabriques.territories.models import Participation
from fabriques.territories.tests.factories import ParticipationFactory

PRIVATE = "CONFIDENTIEL-NE-PAS-PUBLIER"
PUBLISHED_AT = datetime.datetime(2024, 5, 14, 10, 0, tzinfo=datetime.UTC)
# Sheet statuses cycled through a roadmap's sheets.
STATUS_CYCLE = [
    SheetStatus.DONE,
    SheetStatus.IN_PROGRESS,
    SheetStatus.DROPPED,
    SheetStatus.LATE,
    SheetStatus.NOT_STARTED,
]


def fabrique(*, year: int = 2022, title: str = "", slug: str = "", theme: str = "") -> Fabrique:
    kwargs: dict = {"programme_year": ProgrammeYearFactory.create(year=year)}
    if title:
        kwargs["title"] = title
    if slug:
        kwargs["slug"] = slug
    result = FabriqueFactory.create(**kwargs)
    if theme:
        result.themes.add(ThemeFactory.create(slug=theme, name=theme.capitalize()))
    return result


def roadmap(
    *,
    participation: Participation | None = None,
    fabrique_obj: Fabrique | None = None,
    sheets: int = 3,
    published: bool = True,
    title: str = "Feuille de route de Bourg-Vert",
) -> Roadmap:
    """A roadmap with two axes and ``sheets`` sheets, each with every part filled in."""
    if participation is None:
        participation = ParticipationFactory.create(
            fabrique=fabrique_obj or fabrique(), label="Bourg-Vert"
        )
    result = Roadmap.objects.create(
        participation=participation,
        fabrique=participation.fabrique,
        title=title,
        horizon=2030,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2030, 12, 31),
        diagnostic="Un territoire rural qui vieillit.",
        issues="L’accès aux soins, la mobilité.",
        vision="Un bourg où l’on vieillit bien.",
        easy_summary="Nous voulons que chacun puisse voir un médecin près de chez lui.",
        steering_body="Comité de pilotage intercommunal",
        meeting_rhythm="Tous les trimestres",
        elected_referent="Mme la maire adjointe à la santé",
        project_lead="Chargé de mission santé",
        status=RoadmapStatus.PUBLISHED if published else RoadmapStatus.ADOPTED,
        published_at=PUBLISHED_AT if published else None,
        deliberation_body="Conseil municipal",
        deliberation_date=datetime.date(2024, 4, 2),
        deliberation_number="2024-17",
    )
    RoadmapPartner.objects.create(
        roadmap=result, name="Agence régionale de santé", role="Cofinanceur"
    )
    ContractLink.objects.create(
        roadmap=result, kind=ContractKind.PVD, label="Convention PVD", reference="PVD-42"
    )
    RoadmapComment.objects.create(roadmap=result, text=f"Relecture {PRIVATE}")
    axes = [
        Axis.objects.create(roadmap=result, position=1, title="Santé de proximité"),
        Axis.objects.create(roadmap=result, position=2, title="Mobilités douces"),
    ]
    editor = UserFactory.create(first_name="Invitée", last_name=f"Rédactrice{PRIVATE}")
    for number in range(1, sheets + 1):
        add_sheet(result, axes[number % 2], number, editor=editor)
    return result


def add_sheet(roadmap: Roadmap, axis: Axis, number: int, *, editor=None) -> ActionSheet:
    status = STATUS_CYCLE[(number - 1) % len(STATUS_CYCLE)]
    sheet = ActionSheet.objects.create(
        roadmap=roadmap,
        axis=axis,
        number=number,
        title=f"Action {number} : maison de santé",
        description="Ouvrir une maison de santé pluriprofessionnelle.",
        objectives="Deux médecins de plus.",
        pilot_organisation="Communauté de communes du Val",
        pilot_person="M. le directeur général des services",
        elected_referent="Mme la vice-présidente",
        project_owner="Commune de Bourg-Vert",
        status=status,
        planned_start=datetime.date(2024, 9, 1),
        planned_end=datetime.date(2026, 6, 30),
    )
    if editor is not None:
        sheet.editors.add(editor)
    SheetPartner.objects.create(sheet=sheet, name="Ordre des médecins", role="Conseil")
    Step.objects.create(sheet=sheet, name="Étude de faisabilité", done=True)
    BudgetLine.objects.create(
        sheet=sheet,
        year=2025,
        nature=BudgetNature.INVESTMENT,
        unit=BudgetUnit.EUR_HT,
        planned=Decimal("100000"),
        actual=Decimal("40000"),
    )
    BudgetLine.objects.create(
        sheet=sheet,
        year=2025,
        nature=BudgetNature.OPERATING,
        unit=BudgetUnit.FTE,
        planned=Decimal("1.5"),
    )
    FundingLine.objects.create(
        sheet=sheet,
        funder="État",
        scheme=FundingScheme.DETR,
        amount_asked=Decimal("50000"),
        amount_granted=Decimal("30000"),
        status=FundingStatus.OBTAINED,
    )
    indicator = Indicator.objects.create(
        sheet=sheet, definition="Médecins installés", unit="médecins"
    )
    IndicatorValue.objects.create(
        indicator=indicator, measured_on=datetime.date(2025, 1, 1), value=1
    )
    SheetNote.objects.create(sheet=sheet, text="Réunion avec l’ARS tenue.")
    SheetNote.objects.create(sheet=sheet, is_comment=True, text=f"Avis ANCT {PRIVATE}")
    SheetStatusChange.objects.create(
        sheet=sheet, status=status, changed_on=datetime.date(2025, 2, 1)
    )
    return sheet


def close_follow_up(roadmap: Roadmap, statuses: dict[int, str], *, horizon: int = 1) -> FollowUp:
    """A closed follow-up whose entries give ``statuses`` ({sheet number: status})."""
    follow_up = FollowUp.objects.create(
        roadmap=roadmap,
        horizon=horizon,
        due_on=datetime.date(2025, 6, 30),
        closed_at=datetime.datetime(2025, 6, 20, 9, 0, tzinfo=datetime.UTC)
        + datetime.timedelta(days=365 * (horizon - 1)),
    )
    for sheet in roadmap.sheets.all():
        if sheet.number in statuses:
            FollowUpEntry.objects.create(
                follow_up=follow_up,
                sheet=sheet,
                status=statuses[sheet.number],
                spent=Decimal("12000"),
                comment="Travaux commencés.",
            )
    return follow_up


def recommendation(
    *,
    fabrique_obj: Fabrique | None = None,
    number: int = 1,
    published: bool = True,
    degree: str = "",
    addressee: str = "Ministère de la santé",
    addressee_kind: str = AddresseeKind.MINISTRY,
    published_at: datetime.datetime = PUBLISHED_AT,
) -> Recommendation:
    """A recommendation with a support and a dissent, an answer, and a review if ``degree``."""
    result = Recommendation.objects.create(
        fabrique=fabrique_obj or fabrique(),
        number=number,
        title=f"Préconisation {number} : simplifier l’installation des médecins",
        finding="Les jeunes médecins hésitent à s’installer.",
        proposal="Créer un guichet unique départemental.",
        kind=RecommendationKind.PUBLIC_POLICY,
        addressee_kind=addressee_kind,
        addressee=addressee,
        status=RecommendationStatus.PUBLISHED if published else RecommendationStatus.ENDORSEMENT,
        published_at=published_at if published else None,
        sent_on=datetime.date(2024, 6, 1) if published else None,
    )
    recorder = UserFactory.create(last_name=f"Saisie{PRIVATE}")
    Position.objects.create(
        recommendation=result,
        organisation=OrganisationFactory.create(name="Association des maires ruraux"),
        stance=Stance.SUPPORT,
        signatory="Le président",
        given_on=datetime.date(2024, 4, 1),
        recorded_by=recorder,
    )
    Position.objects.create(
        recommendation=result,
        organisation=OrganisationFactory.create(name="Villes moyennes de France"),
        stance=Stance.DISSENT,
        comment="Ce guichet existe déjà dans certains départements.",
        signatory="La déléguée générale",
        given_on=datetime.date(2024, 4, 3),
    )
    RecommendationComment.objects.create(recommendation=result, text=f"Brouillon {PRIVATE}")
    if published:
        Answer.objects.create(
            recommendation=result,
            answered_on=datetime.date(2024, 9, 1),
            text="Le ministère étudie la proposition.",
        )
    if degree:
        ImplementationReview.objects.create(
            recommendation=result,
            horizon=ReviewHorizon.ONE_YEAR,
            reviewed_on=datetime.date(2025, 6, 1),
            degree=degree,
            measure="Circulaire du 3 mars 2025" if degree != Implementation.REFUSED else "",
        )
    return result
