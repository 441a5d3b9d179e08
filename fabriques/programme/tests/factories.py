import datetime

import factory

from fabriques.core.text import normalize
from fabriques.programme import models


class ProgrammeYearFactory(factory.django.DjangoModelFactory[models.ProgrammeYear]):
    class Meta:
        model = models.ProgrammeYear
        django_get_or_create = ["year"]

    year = 2020
    declared_territories = None


class ThemeFactory(factory.django.DjangoModelFactory[models.Theme]):
    class Meta:
        model = models.Theme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Thème {n}")


class AnctProgrammeFactory(factory.django.DjangoModelFactory[models.AnctProgramme]):
    class Meta:
        model = models.AnctProgramme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")


class OrganisationFactory(factory.django.DjangoModelFactory[models.Organisation]):
    class Meta:
        model = models.Organisation
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = models.OrganisationKind.ELECTED_ASSOCIATION
    acronym = ""
    search_text = factory.LazyAttribute(lambda o: normalize(f"{o.name} {o.acronym}"))


class FabriqueFactory(factory.django.DjangoModelFactory[models.Fabrique]):
    class Meta:
        model = models.Fabrique
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"fabrique-{n}")
    title = factory.Sequence(lambda n: f"Fabrique {n}")
    programme_year = factory.SubFactory(ProgrammeYearFactory)
    objective = "Accompagner des territoires."
    start_month = datetime.date(2021, 2, 1)
    end_month = datetime.date(2022, 3, 1)
    status = models.FabriqueStatus.PUBLISHED
    search_text = factory.LazyAttribute(lambda o: normalize(f"{o.title} {o.objective}"))


class FabriqueOrganisationFactory(factory.django.DjangoModelFactory[models.FabriqueOrganisation]):
    class Meta:
        model = models.FabriqueOrganisation

    fabrique = factory.SubFactory(FabriqueFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = models.Role.ELECTED_ASSOCIATION


class MilestoneFactory(factory.django.DjangoModelFactory[models.Milestone]):
    class Meta:
        model = models.Milestone

    fabrique = factory.SubFactory(FabriqueFactory)
    kind = models.MilestoneKind.SEMINAR
    title = factory.Sequence(lambda n: f"Séminaire {n}")
    date = datetime.date(2026, 5, 1)


class ResourceFactory(factory.django.DjangoModelFactory[models.Resource]):
    class Meta:
        model = models.Resource

    fabrique = factory.SubFactory(FabriqueFactory)
    title = factory.Sequence(lambda n: f"Synthèse {n}")
    url = factory.Sequence(lambda n: f"https://example.org/ressources/{n}.pdf")
