import factory

from fabriques.core.text import normalize
from fabriques.territories import models


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 90) + 10:02d}")
    name = factory.Sequence(lambda n: f"Région {n}")


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Departement
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 95) + 1:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commune
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 100000:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: normalize(o.name))
    departement = factory.SubFactory(DepartementFactory)
    population = 1000


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Epci
        django_get_or_create = ["siren"]

    siren = factory.Sequence(lambda n: f"2{n % 100000000:08d}")
    name = factory.Sequence(lambda n: f"Communauté d'agglomération {n}")
    search_name = factory.LazyAttribute(lambda o: normalize(o.name))
    nature = models.EpciNature.CA
    departement = factory.SubFactory(DepartementFactory)
    population = 50000


class QpvFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Qpv

    code = ""
    name = factory.Sequence(lambda n: f"Quartier {n}")
    search_name = factory.LazyAttribute(lambda o: normalize(o.name))
    departement = factory.SubFactory(DepartementFactory)


class ParticipationFactory(factory.django.DjangoModelFactory):
    """A commune participation by default; use the traits for EPCI and QPV."""

    class Meta:
        model = models.Participation

    fabrique = factory.SubFactory("fabriques.programme.tests.factories.FabriqueFactory")
    kind = models.ParticipationKind.COMMUNE
    commune = factory.SubFactory(CommuneFactory)
    label = factory.LazyAttribute(lambda o: o.commune.name if o.commune else "")
    departement = factory.LazyAttribute(lambda o: (o.qpv or o.epci or o.commune).departement)

    class Params:
        as_epci = factory.Trait(
            kind=models.ParticipationKind.EPCI,
            commune=None,
            epci=factory.SubFactory(EpciFactory),
            label=factory.LazyAttribute(lambda o: o.epci.name),
        )
        as_qpv = factory.Trait(
            kind=models.ParticipationKind.QPV,
            qpv=factory.SubFactory(QpvFactory),
            label=factory.LazyAttribute(lambda o: f"{o.commune.name} – QPV {o.qpv.name}"),
        )
