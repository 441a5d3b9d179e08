"""Factories of the roadmaps: a roadmap of a territory, its axes, its sheets and their parts.

Each factory builds the smallest valid object; the parent is created when not given.
"""

import datetime
from decimal import Decimal

import factory

from fabriques.roadmaps import models
from fabriques.territories.tests.factories import ModelFactory, ParticipationFactory


class RoadmapFactory(ModelFactory[models.Roadmap]):
    class Meta:
        model = models.Roadmap

    participation = factory.SubFactory(ParticipationFactory)
    fabrique = factory.LazyAttribute(lambda o: o.participation.fabrique)
    title = factory.LazyAttribute(lambda o: f"Feuille de route — {o.participation.label}")


class AxisFactory(ModelFactory[models.Axis]):
    class Meta:
        model = models.Axis

    roadmap = factory.SubFactory(RoadmapFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe {n + 1} : mieux vivre ensemble")


class ActionSheetFactory(ModelFactory[models.ActionSheet]):
    """A sheet in its own axis (given or created with the roadmap), numbered in sequence."""

    class Meta:
        model = models.ActionSheet

    axis = factory.SubFactory(AxisFactory)
    roadmap = factory.LazyAttribute(lambda o: o.axis.roadmap)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Fiche action {n + 1} : une maison de santé")


class CompleteSheetFactory(ActionSheetFactory):
    """A sheet that passes the completeness check once given an indicator, a budget line and a
    funding line (see `complete_sheet`)."""

    description = "Ouvrir une maison de santé pluriprofessionnelle."
    objectives = "Trois médecins installés d’ici deux ans."
    pilot_organisation = "Commune"
    pilot_person = "Camille Martin"
    planned_start = datetime.date(2027, 1, 1)
    planned_end = datetime.date(2027, 12, 31)


class SheetStatusChangeFactory(ModelFactory[models.SheetStatusChange]):
    class Meta:
        model = models.SheetStatusChange

    sheet = factory.SubFactory(ActionSheetFactory)
    status = models.SheetStatus.IN_PROGRESS


class SheetPartnerFactory(ModelFactory[models.SheetPartner]):
    class Meta:
        model = models.SheetPartner

    sheet = factory.SubFactory(ActionSheetFactory)
    name = "Agence régionale de santé"
    role = "Cofinanceur"


class StepFactory(ModelFactory[models.Step]):
    class Meta:
        model = models.Step

    sheet = factory.SubFactory(ActionSheetFactory)
    name = "Étude de faisabilité"


class BudgetLineFactory(ModelFactory[models.BudgetLine]):
    class Meta:
        model = models.BudgetLine

    sheet = factory.SubFactory(ActionSheetFactory)
    year = 2027
    nature = models.BudgetNature.INVESTMENT
    planned = Decimal("150000.00")


class FundingLineFactory(ModelFactory[models.FundingLine]):
    class Meta:
        model = models.FundingLine

    sheet = factory.SubFactory(ActionSheetFactory)
    funder = "État"
    scheme = models.FundingScheme.DETR
    amount_asked = Decimal("60000.00")


class IndicatorFactory(ModelFactory[models.Indicator]):
    class Meta:
        model = models.Indicator

    sheet = factory.SubFactory(ActionSheetFactory)
    definition = "Nombre de médecins installés"
    unit = "médecins"
    target = Decimal("3")


class IndicatorValueFactory(ModelFactory[models.IndicatorValue]):
    class Meta:
        model = models.IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    measured_on = datetime.date(2027, 6, 30)
    value = Decimal("1")


class SheetNoteFactory(ModelFactory[models.SheetNote]):
    class Meta:
        model = models.SheetNote

    sheet = factory.SubFactory(ActionSheetFactory)
    text = "Rencontre avec l’ARS : accord de principe."


class RoadmapPartnerFactory(ModelFactory[models.RoadmapPartner]):
    class Meta:
        model = models.RoadmapPartner

    roadmap = factory.SubFactory(RoadmapFactory)
    name = "Conseil départemental"
    role = "Partenaire financier"


class ContractLinkFactory(ModelFactory[models.ContractLink]):
    class Meta:
        model = models.ContractLink

    roadmap = factory.SubFactory(RoadmapFactory)
    kind = models.ContractKind.PVD
    reference = "PVD-2021-001"


class RoadmapCommentFactory(ModelFactory[models.RoadmapComment]):
    class Meta:
        model = models.RoadmapComment

    roadmap = factory.SubFactory(RoadmapFactory)
    text = "Bel équilibre entre les axes."


def complete_sheet(**fields: object) -> models.ActionSheet:
    """A sheet with everything the completeness check asks for."""
    sheet = CompleteSheetFactory(**fields)
    IndicatorFactory(sheet=sheet)
    BudgetLineFactory(sheet=sheet)
    FundingLineFactory(sheet=sheet)
    return sheet


def build_roadmap_world():  # type: ignore[no-untyped-def]
    """The shared personas (programme.tests.personas) plus, for Fabrique A's territory A:
    a roadmap with two axes and three sheets, a working group with `member_a` (an account,
    invited on sheet 1) and `member_a_idle` (an account, not invited); and `elected_a2`, the
    referent of a second territory of Fabrique A (who must not see territory A's draft)."""
    from types import SimpleNamespace
    from typing import Any

    from fabriques.accounts.models import MembershipRole
    from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
    from fabriques.programme.tests.personas import build_personas
    from fabriques.workinggroups.tests.factories import MemberFactory, WorkingGroupFactory

    cast = build_personas()
    group_a = WorkingGroupFactory(participation=cast.participation_a)
    users: dict[str, Any] = dict(cast.users)
    members = {}
    for name in ("member_a", "member_a_idle"):
        user = UserFactory(username=f"{name}@exemple.fr", email=f"{name}@exemple.fr")
        members[name] = MemberFactory(working_group=group_a, user=user, email=user.email)
        users[name] = user
    second_a = ParticipationFactory(fabrique=cast.fabrique_a)
    users["elected_a2"] = UserFactory(username="elected_a2@exemple.fr")
    MembershipFactory(
        user=users["elected_a2"], role=MembershipRole.ELECTED_REFERENT, participation=second_a
    )
    roadmap = RoadmapFactory(participation=cast.participation_a)
    axes = [AxisFactory(roadmap=roadmap, position=1), AxisFactory(roadmap=roadmap, position=2)]
    sheets = [
        ActionSheetFactory(axis=axes[0], number=1),
        ActionSheetFactory(axis=axes[0], number=2),
        ActionSheetFactory(axis=axes[1], number=3),
    ]
    sheets[0].editors.add(users["member_a"])
    roadmap_b = RoadmapFactory(participation=cast.participation_b)
    return SimpleNamespace(
        cast=cast,
        users=users,
        members=members,
        group_a=group_a,
        participation_a2=second_a,
        roadmap=roadmap,
        axes=axes,
        sheets=sheets,
        roadmap_b=roadmap_b,
    )
