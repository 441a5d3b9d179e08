"""Minimal factories for the lifecycle and follow-up tests (rm-edit owns factories.py)."""

from __future__ import annotations

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
    title = factory.Sequence(lambda n: f"Feuille de route n° {n}")
    horizon = 2030
    diagnostic = "Un centre-bourg qui se vide, des commerces fermés."


class AxisFactory(ModelFactory[models.Axis]):
    class Meta:
        model = models.Axis

    roadmap = factory.SubFactory(RoadmapFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe {n} : santé et quartiers")


class SheetFactory(ModelFactory[models.ActionSheet]):
    class Meta:
        model = models.ActionSheet

    axis = factory.SubFactory(AxisFactory)
    roadmap = factory.LazyAttribute(lambda o: o.axis.roadmap)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Maison de santé n° {n}")
    planned_start = datetime.date(2027, 1, 1)
    planned_end = datetime.date(2028, 12, 31)


class BudgetLineFactory(ModelFactory[models.BudgetLine]):
    class Meta:
        model = models.BudgetLine

    sheet = factory.SubFactory(SheetFactory)
    year = 2027
    nature = models.BudgetNature.INVESTMENT
    planned = Decimal("120000")


class FundingLineFactory(ModelFactory[models.FundingLine]):
    class Meta:
        model = models.FundingLine

    sheet = factory.SubFactory(SheetFactory)
    funder = "Préfecture"
    scheme = models.FundingScheme.DETR
    amount_asked = Decimal("50000")


class IndicatorFactory(ModelFactory[models.Indicator]):
    class Meta:
        model = models.Indicator

    sheet = factory.SubFactory(SheetFactory)
    definition = "Nombre de médecins installés"
    unit = "médecins"


def roadmap_with_sheets(participation: object, sheets: int = 2, **fields: object) -> models.Roadmap:
    """A roadmap of `participation` with one axis and `sheets` sheets."""
    roadmap = RoadmapFactory(participation=participation, **fields)
    axis = AxisFactory(roadmap=roadmap, position=1)
    for number in range(1, sheets + 1):
        SheetFactory(axis=axis, roadmap=roadmap, number=number)
    return roadmap
