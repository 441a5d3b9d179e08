"""Builders of realistic public-site data: Fabriques with every kind of role and territory."""

import factory

from fabriques.core.text import normalize
from fabriques.programme import models as programme
from fabriques.programme.tests.factories import (
    AnctProgrammeFactory,
    FabriqueFactory,
    FabriqueOrganisationFactory,
    OrganisationFactory,
    ProgrammeYearFactory,
    ThemeFactory,
)
from fabriques.territories.models import Commune
from fabriques.territories.tests.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    ParticipationFactory,
    QpvFactory,
    RegionFactory,
)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = programme.Resource

    fabrique = factory.SubFactory(FabriqueFactory)
    title = factory.Sequence(lambda n: f"Synthèse {n}")
    url = factory.Sequence(lambda n: f"https://example.org/ressources/{n}.pdf")


def refresh_search_text(fabrique: programme.Fabrique) -> programme.Fabrique:
    """What the programme services store: normalised title, objective, themes, names, labels."""
    parts = [fabrique.title, fabrique.objective, fabrique.summary]
    parts += [t.name for t in fabrique.themes.all()]
    parts += [str(r.organisation) for r in fabrique.roles.select_related("organisation")]
    parts += [p.label for p in fabrique.participations.all()]
    fabrique.search_text = normalize(" ".join(parts))
    fabrique.save(update_fields=["search_text"])
    return fabrique


def build_fabrique(
    *,
    year: int = 2020,
    title: str | None = None,
    departement=None,
    association=None,
    themes=None,
    status: str = programme.FabriqueStatus.PUBLISHED,
    **kwargs,
) -> programme.Fabrique:
    """A Fabrique with two themes, a programme, four roles, a resource and three territories
    (a commune, an EPCI with two member communes, a QPV hosted by a commune)."""
    departement = departement or DepartementFactory()
    fabrique = FabriqueFactory(
        programme_year=ProgrammeYearFactory(year=year),
        status=status,
        **({"title": title} if title else {}),
        **kwargs,
    )
    fabrique.themes.set(themes or [ThemeFactory(slug="sante", name="Santé"), ThemeFactory()])
    fabrique.anct_programmes.set([AnctProgrammeFactory(slug="acv", name="Action cœur de ville")])
    FabriqueOrganisationFactory(
        fabrique=fabrique,
        organisation=association
        or OrganisationFactory(slug="amf", name="Association des maires de France", acronym="AMF"),
        role=programme.Role.ELECTED_ASSOCIATION,
    )
    FabriqueOrganisationFactory(
        fabrique=fabrique,
        organisation=OrganisationFactory(kind=programme.OrganisationKind.RESEARCH),
        role=programme.Role.PARTNER,
        contact_name="Coline Perrin",
    )
    FabriqueOrganisationFactory(
        fabrique=fabrique,
        organisation=OrganisationFactory(
            slug="cdc", name="Caisse des dépôts", kind=programme.OrganisationKind.OTHER
        ),
        role=programme.Role.COFUNDER,
    )
    FabriqueOrganisationFactory(
        fabrique=fabrique,
        organisation=OrganisationFactory(kind=programme.OrganisationKind.PROVIDER),
        role=programme.Role.PROVIDER,
    )
    ResourceFactory(fabrique=fabrique)
    ParticipationFactory(
        fabrique=fabrique, commune=CommuneFactory(departement=departement), position=1
    )
    epci = EpciFactory(departement=departement)
    epci.communes.set(CommuneFactory.create_batch(2, departement=departement))
    ParticipationFactory(fabrique=fabrique, as_epci=True, epci=epci, position=2)
    ParticipationFactory(
        fabrique=fabrique,
        as_qpv=True,
        qpv=QpvFactory(departement=departement),
        commune=CommuneFactory(departement=departement),
        position=3,
    )
    return refresh_search_text(fabrique)


class SharedTerritories:
    """A commune, the EPCI it belongs to and a QPV it hosts, joined by every Fabrique built
    with them, so that their pages list as many rows as there are Fabriques."""

    def __init__(self, departement):
        self.commune = CommuneFactory(
            code="44109", name="Nantes", search_name="nantes", departement=departement
        )
        self.epci = EpciFactory(
            siren="244400404",
            name="Nantes Métropole",
            search_name="nantes metropole",
            nature="METRO",
            departement=departement,
        )
        self.epci.communes.add(self.commune)
        self.qpv = QpvFactory(name="Bellevue", search_name="bellevue", departement=departement)
        self.qpv.communes.add(self.commune)

    @classmethod
    def load(cls) -> "SharedTerritories":
        """The shared territories that build_programme created."""
        territories = cls.__new__(cls)
        territories.commune = Commune.objects.get(code="44109")
        territories.epci = territories.commune.epcis.get()
        territories.qpv = territories.commune.qpvs.get()
        return territories

    def join(self, fabrique: programme.Fabrique) -> None:
        ParticipationFactory(fabrique=fabrique, commune=self.commune, label="Nantes", position=4)
        ParticipationFactory(fabrique=fabrique, as_epci=True, epci=self.epci, position=5)
        ParticipationFactory(
            fabrique=fabrique,
            as_qpv=True,
            qpv=self.qpv,
            commune=self.commune,
            label="Nantes – QPV Bellevue",
            position=6,
        )


def build_programme(n: int, *, shared: bool = True) -> list[programme.Fabrique]:
    """n complete Fabriques spread over 2018–2021 and two régions.

    With `shared`, each also joins the same commune, EPCI and QPV (see SharedTerritories):
    the Fabriques then have six territories each.
    """
    regions = [RegionFactory(code="52", name="Pays de la Loire"), RegionFactory(code="76")]
    departements = [
        DepartementFactory(code="44", name="Loire-Atlantique", region=regions[0]),
        DepartementFactory(code="31", name="Haute-Garonne", region=regions[1]),
    ]
    for year, declared in ((2018, 12), (2019, 12), (2020, 20), (2021, 4)):
        ProgrammeYearFactory(year=year, declared_territories=declared)
    territories = SharedTerritories(departements[0]) if shared else None
    fabriques = []
    for i in range(n):
        fabrique = build_fabrique(year=2018 + i % 4, departement=departements[i % 2])
        if territories:
            territories.join(fabrique)
            refresh_search_text(fabrique)
        fabriques.append(fabrique)
    return fabriques
