"""The roadmaps' factories with the defaults the lifecycle and follow-up tests read: a numbered
title, a horizon and a diagnostic, sheets with planned dates (roadmaps.tests.factories)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from fabriques.roadmaps import models

from . import factories


class RoadmapFactory(factories.RoadmapFactory):
    title = factory.Sequence(lambda n: f"Feuille de route n° {n}")  # type: ignore[assignment]
    horizon = 2030
    diagnostic = "Un centre-bourg qui se vide, des commerces fermés."


class AxisFactory(factories.AxisFactory):
    roadmap = factory.SubFactory(RoadmapFactory)
    title = factory.Sequence(lambda n: f"Axe {n} : santé et quartiers")


class SheetFactory(factories.ActionSheetFactory):
    axis = factory.SubFactory(AxisFactory)
    title = factory.Sequence(lambda n: f"Maison de santé n° {n}")
    planned_start = datetime.date(2027, 1, 1)
    planned_end = datetime.date(2028, 12, 31)


class BudgetLineFactory(factories.BudgetLineFactory):
    sheet = factory.SubFactory(SheetFactory)
    planned = Decimal("120000")


class FundingLineFactory(factories.FundingLineFactory):
    sheet = factory.SubFactory(SheetFactory)
    funder = "Préfecture"
    amount_asked = Decimal("50000")


class IndicatorFactory(factories.IndicatorFactory):
    sheet = factory.SubFactory(SheetFactory)
    target = None  # type: ignore[assignment]


def roadmap_with_sheets(participation: object, sheets: int = 2, **fields: object) -> models.Roadmap:
    """A roadmap of `participation` with one axis and `sheets` sheets."""
    roadmap = RoadmapFactory(participation=participation, **fields)
    axis = AxisFactory(roadmap=roadmap, position=1)
    for number in range(1, sheets + 1):
        SheetFactory(axis=axis, roadmap=roadmap, number=number)
    return roadmap
