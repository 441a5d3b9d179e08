from typing import TYPE_CHECKING, Any, TypeVar

import factory

from fabriques.core.text import normalize
from fabriques.territories import models

ModelT = TypeVar("ModelT")


class ModelFactory(factory.django.DjangoModelFactory[ModelT]):
    """A Django model factory whose call is typed as the model it creates.

    factory-boy's metaclass turns `SomeFactory(...)` into `SomeFactory.create(...)` and so returns
    a model instance; its `__call__` is unannotated, so mypy takes the call for an instantiation of
    the factory class. This declaration, seen by the type checker only, tells it the truth.
    """

    if TYPE_CHECKING:
        # mypy insists that __new__ returns the class it belongs to; factory-boy's metaclass
        # makes the call return the model instead.
        def __new__(cls, *args: Any, **kwargs: Any) -> ModelT: ...  # type: ignore[misc]


class RegionFactory(ModelFactory[models.Region]):
    class Meta:
        model = models.Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 90) + 10:02d}")
    name = factory.Sequence(lambda n: f"Région {n}")


class DepartementFactory(ModelFactory[models.Departement]):
    class Meta:
        model = models.Departement
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 95) + 1:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(ModelFactory[models.Commune]):
    class Meta:
        model = models.Commune
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 100000:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: normalize(o.name))
    departement = factory.SubFactory(DepartementFactory)
    population = 1000


class EpciFactory(ModelFactory[models.Epci]):
    class Meta:
        model = models.Epci
        django_get_or_create = ["siren"]

    siren = factory.Sequence(lambda n: f"2{n % 100000000:08d}")
    name = factory.Sequence(lambda n: f"Communauté d'agglomération {n}")
    search_name = factory.LazyAttribute(lambda o: normalize(o.name))
    nature = models.EpciNature.CA
    departement = factory.SubFactory(DepartementFactory)
    population = 50000


class QpvFactory(ModelFactory[models.Qpv]):
    class Meta:
        model = models.Qpv

    code = ""
    name = factory.Sequence(lambda n: f"Quartier {n}")
    search_name = factory.LazyAttribute(lambda o: normalize(o.name))
    departement = factory.SubFactory(DepartementFactory)


class ParticipationFactory(ModelFactory[models.Participation]):
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
