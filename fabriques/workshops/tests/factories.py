import datetime

import factory
from django.utils import timezone

from fabriques.territories.tests.factories import ModelFactory, ParticipationFactory
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops import models

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def in_days(days: int, hour: int = 14) -> datetime.datetime:
    """A time `days` from now at `hour` o'clock (Paris winter time), for workshops to come."""
    day = (timezone.now() + datetime.timedelta(days=days)).date()
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


class WorkshopFactory(ModelFactory[models.Workshop]):
    """A local workshop of a territory, in person, in three weeks, without capacity."""

    class Meta:
        model = models.Workshop

    participation = factory.SubFactory(ParticipationFactory)
    fabrique = factory.LazyAttribute(lambda o: o.participation.fabrique)
    kind = models.WorkshopKind.LOCAL
    title = factory.Sequence(lambda n: f"Atelier local n° {n}")
    starts_at = factory.LazyFunction(lambda: in_days(21))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    venue = "Salle du conseil"
    address = "Place de la mairie"


class SeminarFactory(WorkshopFactory):
    """An inter-territory seminar of the whole Fabrique, by video."""

    participation = None  # type: ignore[assignment]
    fabrique = factory.SubFactory(  # type: ignore[assignment]
        "fabriques.programme.tests.factories.FabriqueFactory"
    )
    kind = models.WorkshopKind.SEMINAR
    title = factory.Sequence(lambda n: f"Séminaire inter-territoires n° {n}")
    mode = models.WorkshopMode.VIDEO
    video_url = "https://webconf.numerique.gouv.fr/seminaire"
    venue = ""
    address = ""


class RegistrationFactory(ModelFactory[models.Registration]):
    class Meta:
        model = models.Registration

    workshop = factory.SubFactory(WorkshopFactory)
    member = factory.SubFactory(
        MemberFactory,
        working_group__participation=factory.SelfAttribute("...workshop.participation"),
    )
    status = models.RegistrationStatus.REGISTERED
    invited_at = factory.LazyFunction(timezone.now)
    requested_at = factory.LazyFunction(timezone.now)


class MinutesFactory(ModelFactory[models.Minutes]):
    class Meta:
        model = models.Minutes

    workshop = factory.SubFactory(WorkshopFactory)
    body = "Tour de table, puis travail en sous-groupes sur les mobilités."


class OutcomeFactory(ModelFactory[models.Outcome]):
    class Meta:
        model = models.Outcome

    minutes = factory.SubFactory(MinutesFactory)
    kind = models.OutcomeKind.DECISION
    text = "Le groupe retient trois axes de travail."
