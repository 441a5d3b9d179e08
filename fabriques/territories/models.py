"""Official territorial referential (COG) and the territories accompanied by Fabriques."""

import operator
from functools import reduce

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabriques.core.models import TimeStampedModel


class Zone(models.TextChoices):
    METRO = "metro", _("Métropole")
    DROM = "drom", _("Outre-mer (DROM)")
    COM = "com", _("Collectivité d'outre-mer")


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("région"), on_delete=models.PROTECT, related_name="departements"
    )
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(
        _("nom normalisé"), max_length=200, db_index=True, editable=False
    )
    departement = models.ForeignKey(
        Departement,
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EpciNature(models.TextChoices):
    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d'agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")
    EPT = "EPT", _("Établissement public territorial")


class Epci(models.Model):
    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(
        _("nom normalisé"), max_length=200, db_index=True, editable=False
    )
    nature = models.CharField(_("nature juridique"), max_length=5, choices=EpciNature.choices)
    financing = models.CharField(_("mode de financement"), max_length=10, blank=True)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    departement = models.ForeignKey(
        Departement,
        verbose_name=_("département principal"),
        help_text=_("Département où se trouve la majorité des communes membres."),
        on_delete=models.PROTECT,
        related_name="epcis",
    )
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes membres"), related_name="epcis", blank=True
    )

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Qpv(models.Model):
    """Quartier prioritaire de la politique de la ville; the code may be unknown (empty)."""

    code = models.CharField(_("code QPV"), max_length=20, blank=True)
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(
        _("nom normalisé"), max_length=200, db_index=True, editable=False
    )
    departement = models.ForeignKey(
        Departement, verbose_name=_("département"), on_delete=models.PROTECT, related_name="qpvs"
    )
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes"), related_name="qpvs", blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="territories_qpv_code_unique"
            ),
            models.UniqueConstraint(
                fields=["departement", "name"], name="territories_qpv_name_unique_per_departement"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReferentialRelease(TimeStampedModel):
    """Which official package the referential was imported from (provenance)."""

    package = models.CharField(_("paquet"), max_length=100)
    version = models.CharField(_("version"), max_length=30)
    licence = models.CharField(_("licence"), max_length=200)
    integrity = models.CharField(_("empreinte"), max_length=200)
    counts = models.JSONField(_("effectifs"), default=dict)

    class Meta:
        verbose_name = _("version du référentiel")
        verbose_name_plural = _("versions du référentiel")
        constraints = [
            models.UniqueConstraint(
                fields=["package", "version"], name="territories_referentialrelease_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.package}@{self.version}"


class ParticipationKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité (EPCI)")
    QPV = "qpv", _("Quartier prioritaire (QPV)")


# The referential model behind each kind of territory.
ENTITY_MODELS: dict[str, type[Commune] | type[Epci] | type[Qpv]] = {
    ParticipationKind.COMMUNE: Commune,
    ParticipationKind.EPCI: Epci,
    ParticipationKind.QPV: Qpv,
}

# The one-territory rule of participations and applications, written once: which of the
# `commune`, `epci` and `qpv` fields each kind sets. A QPV is carried by a commune or an EPCI.
# The order is the migrations': reordering the shapes would change the constraints' condition.
TERRITORY_FIELDS = ("commune", "epci", "qpv")
TERRITORY_SHAPES: tuple[tuple[str, frozenset[str]], ...] = (
    (ParticipationKind.COMMUNE.value, frozenset({"commune"})),
    (ParticipationKind.EPCI.value, frozenset({"epci"})),
    (ParticipationKind.QPV.value, frozenset({"qpv", "commune"})),
    (ParticipationKind.QPV.value, frozenset({"qpv", "epci"})),
)


def one_territory_condition() -> Q:
    """The rule as a check constraint's condition on `kind`, `commune`, `epci` and `qpv`."""
    return reduce(
        operator.or_,
        (
            Q(kind=kind, **{f"{name}__isnull": name not in fields for name in TERRITORY_FIELDS})
            for kind, fields in TERRITORY_SHAPES
        ),
    )


def is_one_territory(kind: str, *, commune: object, epci: object, qpv: object) -> bool:
    """The rule checked in Python, to explain a refusal before the database makes one."""
    values = {"commune": commune, "epci": epci, "qpv": qpv}
    present = frozenset(name for name in TERRITORY_FIELDS if values[name] is not None)
    return (kind, present) in TERRITORY_SHAPES


class Participation(TimeStampedModel):
    """One territory accompanied in one Fabrique (« territoire accompagné »)."""

    fabrique = models.ForeignKey(
        "programme.Fabrique",
        verbose_name=_("Fabrique"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    label = models.CharField(
        _("libellé publié"),
        max_length=300,
        help_text=_("Le nom du territoire tel que publié par l'ANCT."),
    )
    kind = models.CharField(
        _("type de territoire"), max_length=10, choices=ParticipationKind.choices
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text=_("La commune accompagnée, ou la commune qui porte le QPV."),
    )
    epci = models.ForeignKey(
        Epci,
        verbose_name=_("EPCI"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text=_("L'EPCI accompagné, ou l'EPCI qui porte le QPV."),
    )
    qpv = models.ForeignKey(
        Qpv,
        verbose_name=_("QPV"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    # Denormalised from the referential entity by the service, so that catalogue filters by
    # département/région are one indexed join instead of three OR-ed ones.
    departement = models.ForeignKey(
        Departement,
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        related_name="participations",
        editable=False,
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("territoire accompagné")
        verbose_name_plural = _("territoires accompagnés")
        ordering = ["fabrique", "position", "id"]
        constraints = [
            # Exactly one referential entity: a commune, an EPCI, or a QPV with one host.
            models.CheckConstraint(
                condition=one_territory_condition(),
                name="territories_participation_one_entity",
            ),
            models.UniqueConstraint(
                fields=["fabrique", "commune"],
                condition=Q(kind="commune"),
                name="territories_participation_unique_commune",
            ),
            models.UniqueConstraint(
                fields=["fabrique", "epci"],
                condition=Q(kind="epci"),
                name="territories_participation_unique_epci",
            ),
            models.UniqueConstraint(
                fields=["fabrique", "qpv"],
                condition=Q(kind="qpv"),
                name="territories_participation_unique_qpv",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def entity(self):
        """The referential record the participation points to."""
        return {"commune": self.commune, "epci": self.epci, "qpv": self.qpv}[self.kind]

    @property
    def host(self):
        """For a QPV, the local authority that hosts it."""
        return (self.commune or self.epci) if self.kind == ParticipationKind.QPV else None

    @property
    def code(self) -> str:
        """INSEE code of a commune, SIREN of an EPCI, QPV code (may be empty)."""
        if self.kind == ParticipationKind.COMMUNE and self.commune is not None:
            return self.commune.code
        if self.kind == ParticipationKind.EPCI and self.epci is not None:
            return self.epci.siren
        return self.qpv.code if self.qpv is not None else ""
