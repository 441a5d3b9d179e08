"""The test programmes, built once for every layer that reads them.

Programme, public site, API and open-data tests all import their data from here (downward),
so that one scenario is never written twice. Every scenario shares ANCT's real programme years
(``programme_years``: 2018–2021 with the declared figures of ``data/programme/years.yaml``).

- ``build_fabrique`` / ``build_programme``: realistic public-site Fabriques with every kind of
  role and territory, any number of them (``SharedTerritories`` joins them to one commune).
- ``build_reference_programme`` / ``make_fabriques``: a small deterministic programme with fixed
  slugs and codes, for the API golden files and the open-data exports; Fabriques in bulk for
  query budgets.
- ``build_figures_programme`` / ``grow_programme``: a programme whose every statistic is worked
  out by hand in the statistics tests.

Communes, EPCI, départements and régions of the reference programme are real records of the
official referential (COG); the QPV code "QPTEST01" is deliberately fictitious (no official code
is invented here).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from fabriques.core.text import normalize
from fabriques.programme import models as programme
from fabriques.programme.models import FabriqueStatus, Resource, Role
from fabriques.programme.tests.factories import (
    AnctProgrammeFactory,
    FabriqueFactory,
    FabriqueOrganisationFactory,
    OrganisationFactory,
    ProgrammeYearFactory,
    ResourceFactory,
    ThemeFactory,
)
from fabriques.territories.models import Commune, Departement, Epci, EpciNature, Qpv, Zone
from fabriques.territories.tests.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    ParticipationFactory,
    QpvFactory,
    RegionFactory,
)

# ANCT's figures (data/programme/years.yaml): « 12 territoires accompagnés en 2018, 12 en 2019,
# 20 en 2020 et 4 en 2021 ».
DECLARED_TERRITORIES = {2018: 12, 2019: 12, 2020: 20, 2021: 4}


def programme_years() -> dict[int, programme.ProgrammeYear]:
    """The programme years 2018–2021 with the territories ANCT declared for each."""
    return {
        year: ProgrammeYearFactory.create(year=year, declared_territories=declared)
        for year, declared in DECLARED_TERRITORIES.items()
    }


# --------------------------------------------------------------------------- public site


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
    departement: Departement | None = None,
    association: programme.Organisation | None = None,
    themes: Sequence[programme.Theme] | None = None,
    status: str = programme.FabriqueStatus.PUBLISHED,
    **kwargs: object,
) -> programme.Fabrique:
    """A Fabrique with two themes, a programme, four roles, a resource and three territories
    (a commune, an EPCI with two member communes, a QPV hosted by a commune)."""
    departement = departement or DepartementFactory.create()
    fabrique = FabriqueFactory.create(
        programme_year=ProgrammeYearFactory.create(year=year),
        status=status,
        **({"title": title} if title else {}),
        **kwargs,
    )
    fabrique.themes.set(
        themes or [ThemeFactory.create(slug="sante", name="Santé"), ThemeFactory.create()]
    )
    fabrique.anct_programmes.set(
        [AnctProgrammeFactory.create(slug="acv", name="Action cœur de ville")]
    )
    FabriqueOrganisationFactory.create(
        fabrique=fabrique,
        organisation=association
        or OrganisationFactory.create(
            slug="amf", name="Association des maires de France", acronym="AMF"
        ),
        role=programme.Role.ELECTED_ASSOCIATION,
    )
    FabriqueOrganisationFactory.create(
        fabrique=fabrique,
        organisation=OrganisationFactory.create(kind=programme.OrganisationKind.RESEARCH),
        role=programme.Role.PARTNER,
        contact_name="Coline Perrin",
    )
    FabriqueOrganisationFactory.create(
        fabrique=fabrique,
        organisation=OrganisationFactory.create(
            slug="cdc", name="Caisse des dépôts", kind=programme.OrganisationKind.OTHER
        ),
        role=programme.Role.COFUNDER,
    )
    FabriqueOrganisationFactory.create(
        fabrique=fabrique,
        organisation=OrganisationFactory.create(kind=programme.OrganisationKind.PROVIDER),
        role=programme.Role.PROVIDER,
    )
    ResourceFactory.create(fabrique=fabrique)
    ParticipationFactory.create(
        fabrique=fabrique, commune=CommuneFactory.create(departement=departement), position=1
    )
    epci = EpciFactory.create(departement=departement)
    epci.communes.set(CommuneFactory.create_batch(2, departement=departement))
    ParticipationFactory.create(fabrique=fabrique, as_epci=True, epci=epci, position=2)
    ParticipationFactory.create(
        fabrique=fabrique,
        as_qpv=True,
        qpv=QpvFactory.create(departement=departement),
        commune=CommuneFactory.create(departement=departement),
        position=3,
    )
    return refresh_search_text(fabrique)


class SharedTerritories:
    """A commune, the EPCI it belongs to and a QPV it hosts, joined by every Fabrique built
    with them, so that their pages list as many rows as there are Fabriques."""

    commune: Commune
    epci: Epci
    qpv: Qpv

    def __init__(self, departement: Departement) -> None:
        self.commune = CommuneFactory.create(
            code="44109", name="Nantes", search_name="nantes", departement=departement
        )
        self.epci = EpciFactory.create(
            siren="244400404",
            name="Nantes Métropole",
            search_name="nantes metropole",
            nature="METRO",
            departement=departement,
        )
        self.epci.communes.add(self.commune)
        self.qpv = QpvFactory.create(
            name="Bellevue", search_name="bellevue", departement=departement
        )
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
        ParticipationFactory.create(
            fabrique=fabrique, commune=self.commune, label="Nantes", position=4
        )
        ParticipationFactory.create(fabrique=fabrique, as_epci=True, epci=self.epci, position=5)
        ParticipationFactory.create(
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
    regions = [
        RegionFactory.create(code="52", name="Pays de la Loire"),
        RegionFactory.create(code="76"),
    ]
    departements = [
        DepartementFactory.create(code="44", name="Loire-Atlantique", region=regions[0]),
        DepartementFactory.create(code="31", name="Haute-Garonne", region=regions[1]),
    ]
    programme_years()
    territories = SharedTerritories(departements[0]) if shared else None
    fabriques = []
    for i in range(n):
        fabrique = build_fabrique(year=2018 + i % 4, departement=departements[i % 2])
        if territories:
            territories.join(fabrique)
            refresh_search_text(fabrique)
        fabriques.append(fabrique)
    return fabriques


# --------------------------------------------------------------------------- API and open data


@dataclass
class Programme:
    fabriques: dict[str, programme.Fabrique]
    organisations: dict[str, programme.Organisation]


def month(year: int, month_: int) -> datetime.date:
    return datetime.date(year, month_, 1)


def build_reference_programme() -> Programme:
    years = programme_years()
    regions = {
        code: RegionFactory.create(code=code, name=name)
        for code, name in [
            ("04", "La Réunion"),
            ("11", "Île-de-France"),
            ("75", "Nouvelle-Aquitaine"),
            ("84", "Auvergne-Rhône-Alpes"),
        ]
    }
    deps = {
        code: DepartementFactory.create(code=code, name=name, region=regions[region])
        for code, name, region in [
            ("07", "Ardèche", "84"),
            ("16", "Charente", "75"),
            ("93", "Seine-Saint-Denis", "11"),
            ("974", "La Réunion", "04"),
        ]
    }
    saint_peray = CommuneFactory.create(
        code="07281", name="Saint-Péray", departement=deps["07"], population=7650
    )
    saint_joseph = CommuneFactory.create(
        code="97412", name="Saint-Joseph", departement=deps["974"], population=38137
    )
    angouleme = CommuneFactory.create(
        code="16015", name="Angoulême", departement=deps["16"], population=41423
    )
    grand_angouleme = EpciFactory.create(
        siren="200071827",
        name="CA du Grand Angoulême",
        nature=EpciNature.CA,
        departement=deps["16"],
        population=141316,
    )
    plaine_commune = EpciFactory.create(
        siren="200057867",
        name="Plaine Commune",
        nature=EpciNature.EPT,
        departement=deps["93"],
        population=450000,
    )
    basseau = QpvFactory.create(code="", name="Basseau - Grande Garenne", departement=deps["16"])
    vieux_saint_ouen = QpvFactory.create(
        code="QPTEST01", name="Vieux Saint-Ouen", departement=deps["93"]
    )

    sante = ThemeFactory.create(slug="sante", name="Santé")
    alimentation = ThemeFactory.create(slug="alimentation", name="Alimentation")
    pvd = AnctProgrammeFactory.create(
        slug="petites-villes-de-demain", name="Petites villes de demain"
    )
    pdv = AnctProgrammeFactory.create(slug="politique-de-la-ville", name="Politique de la ville")

    orgs = {
        slug: OrganisationFactory.create(slug=slug, name=name, acronym=acronym, kind=kind)
        for slug, name, acronym, kind in [
            ("apvf", "Association des petites villes de France", "APVF", "elected_association"),
            ("adcf", "Assemblée des communautés de France", "AdCF", "elected_association"),
            ("anct", "Agence nationale de la cohésion des territoires", "ANCT", "operator"),
            ("inrae", "INRAE", "INRAE", "research"),
            ("ministere-sante", "Ministère de la Santé", "", "ministry"),
            ("cabinet-exemple", "Cabinet Exemple (fictif)", "", "provider"),
            ("organisation-cachee", "Organisation cachée", "", "other"),
        ]
    }
    orgs["anct"].siren = "130026032"
    orgs["anct"].website = "https://anct.gouv.fr"
    orgs["anct"].save()

    sante_fabrique = FabriqueFactory.create(
        slug="2019-sante-environnementale",
        title="Santé environnementale des petites villes",
        programme_year=years[2019],
        start_month=month(2019, 11),
        end_month=month(2021, 6),
        summary="Quatre petites villes anticipent les risques de santé environnementale.",
        objective="Aider quatre **petites villes**.",
    )
    sante_fabrique.themes.set([sante])
    sante_fabrique.anct_programmes.set([pvd])
    alimentation_fabrique = FabriqueFactory.create(
        slug="2020-alimentation-durable",
        title="Alimentation durable dans les quartiers",
        programme_year=years[2020],
        start_month=month(2021, 6),
        end_month=month(2022, 6),
        cofinancing="Elle est cofinancée par l'ANCT.",
        objective="Une alimentation durable, accessible à tous.",
    )
    alimentation_fabrique.themes.set([alimentation, sante])
    alimentation_fabrique.anct_programmes.set([pdv])
    Resource.objects.create(
        fabrique=alimentation_fabrique,
        title="Synthèse des travaux",
        url="https://example.org/synthese.pdf",
    )
    temps_fabrique = FabriqueFactory.create(
        slug="2021-temps-des-villes",
        title="Temps et rythmes des villes",
        programme_year=years[2021],
        status=FabriqueStatus.RUNNING,
        start_month=None,
        end_month=None,
        objective="",
    )
    hidden = FabriqueFactory.create(
        slug="2021-idee-non-publiee",
        title="Idée non publiée",
        programme_year=years[2021],
        status=FabriqueStatus.IDEA,
    )
    hidden.themes.set([sante])

    for fabrique, slug, role, position in [
        (sante_fabrique, "apvf", Role.ELECTED_ASSOCIATION, 0),
        (sante_fabrique, "ministere-sante", Role.PARTNER, 0),
        (alimentation_fabrique, "adcf", Role.ELECTED_ASSOCIATION, 0),
        (alimentation_fabrique, "apvf", Role.ELECTED_ASSOCIATION, 1),
        (alimentation_fabrique, "inrae", Role.PARTNER, 0),
        (alimentation_fabrique, "anct", Role.PARTNER, 1),
        (alimentation_fabrique, "anct", Role.COFUNDER, 0),
        (alimentation_fabrique, "cabinet-exemple", Role.PROVIDER, 0),
        (hidden, "organisation-cachee", Role.PARTNER, 0),
        (hidden, "apvf", Role.ELECTED_ASSOCIATION, 0),
    ]:
        FabriqueOrganisationFactory.create(
            fabrique=fabrique,
            organisation=orgs[slug],
            role=role,
            position=position,
            contact_name="Coline Perrin" if slug == "inrae" else "",
        )

    ParticipationFactory.create(fabrique=sante_fabrique, commune=saint_peray, label="Saint-Péray")
    ParticipationFactory.create(
        fabrique=sante_fabrique, commune=saint_joseph, label="Saint-Joseph", position=1
    )
    ParticipationFactory.create(
        fabrique=alimentation_fabrique,
        as_qpv=True,
        commune=None,
        epci=grand_angouleme,
        qpv=basseau,
        label="Grand-Angoulême – QPV Basseau-Grande Garenne",
        position=0,
    )
    ParticipationFactory.create(
        fabrique=alimentation_fabrique,
        as_qpv=True,
        commune=None,
        epci=plaine_commune,
        qpv=vieux_saint_ouen,
        label="Plaine Commune – QPV Vieux Saint Ouen",
        position=1,
    )
    ParticipationFactory.create(
        fabrique=alimentation_fabrique, commune=saint_joseph, label="Saint-Joseph", position=2
    )
    ParticipationFactory.create(
        fabrique=temps_fabrique,
        as_epci=True,
        epci=grand_angouleme,
        label="Grand Angoulême",
        position=0,
    )
    ParticipationFactory.create(fabrique=hidden, commune=angouleme, label="Angoulême")
    return Programme(
        fabriques={
            f.slug: f for f in [sante_fabrique, alimentation_fabrique, temps_fabrique, hidden]
        },
        organisations=orgs,
    )


def make_fabriques(count: int, *, start: int = 0) -> None:
    """``count`` public Fabriques, each with its own theme, programme, two organisations and
    three participations (a commune, an EPCI, a QPV hosted by the commune): every relation
    an API list or an export reads grows with ``count``."""
    year = ProgrammeYearFactory.create(year=2020, declared_territories=DECLARED_TERRITORIES[2020])
    region = RegionFactory.create(code="75", name="Nouvelle-Aquitaine")
    departement = DepartementFactory.create(code="16", name="Charente", region=region)
    for index in range(start, start + count):
        fabrique = FabriqueFactory.create(
            slug=f"fabrique-{index:03d}", title=f"Fabrique {index:03d}", programme_year=year
        )
        fabrique.themes.set(
            [ThemeFactory.create(slug=f"theme-{index:03d}", name=f"Thème {index:03d}")]
        )
        fabrique.anct_programmes.set(
            [
                AnctProgrammeFactory.create(
                    slug=f"programme-{index:03d}", name=f"Programme {index:03d}"
                )
            ]
        )
        for role in (Role.ELECTED_ASSOCIATION, Role.PARTNER):
            FabriqueOrganisationFactory.create(
                fabrique=fabrique,
                role=role,
                organisation=OrganisationFactory.create(
                    slug=f"organisation-{role}-{index:03d}", name=f"Organisation {role} {index}"
                ),
            )
        commune = CommuneFactory.create(
            code=f"16{index:03d}", name=f"Commune {index:03d}", departement=departement
        )
        ParticipationFactory.create(fabrique=fabrique, commune=commune, label=commune.name)
        epci = EpciFactory.create(
            siren=f"2000{index:05d}", name=f"EPCI {index:03d}", departement=departement
        )
        ParticipationFactory.create(fabrique=fabrique, as_epci=True, epci=epci, label=epci.name)
        qpv = QpvFactory.create(name=f"Quartier {index:03d}", departement=departement)
        ParticipationFactory.create(
            fabrique=fabrique, as_qpv=True, commune=commune, qpv=qpv, label=f"QPV {index:03d}"
        )


# --------------------------------------------------------------------------- statistics


class FiguresProgramme(TypedDict):
    """What ``build_figures_programme`` returns, for the tests' own figures and
    ``grow_programme``."""

    years: tuple[programme.ProgrammeYear, programme.ProgrammeYear]
    themes: tuple[programme.Theme, programme.Theme]
    departements: tuple[Departement, Departement]


def build_figures_programme(suffix: str = "") -> FiguresProgramme:
    """A small programme whose every figure is worked out by hand in the tests below.

    Public: F1 (2020, published), F2 (2020, running), F3 (2019, follow-up).
    Not public: H (2020, idea) — its theme, programme, département and territories must not
    show anywhere.
    """
    na = RegionFactory.create(code="75", name="Nouvelle-Aquitaine")
    ge = RegionFactory.create(code="44", name="Grand Est")
    reunion = RegionFactory.create(code="04", name="La Réunion", zone=Zone.DROM)
    corse = RegionFactory.create(code="94", name="Corse")
    charente = DepartementFactory.create(code="16", name="Charente", region=na)
    gironde = DepartementFactory.create(code="33", name="Gironde", region=na)
    bas_rhin = DepartementFactory.create(code="67", name="Bas-Rhin", region=ge)
    dep_reunion = DepartementFactory.create(
        code="974", name="La Réunion", region=reunion, zone=Zone.DROM
    )
    corse_du_sud = DepartementFactory.create(code="2A", name="Corse-du-Sud", region=corse)

    y2019 = ProgrammeYearFactory.create(year=2019, declared_territories=12)
    y2020 = ProgrammeYearFactory.create(year=2020, declared_territories=20)
    ProgrammeYearFactory.create(year=2021, declared_territories=None)

    alimentation = ThemeFactory.create(slug="alimentation", name="Alimentation")
    sante = ThemeFactory.create(slug="sante", name="Santé")
    industrie = ThemeFactory.create(slug="industrie", name="Industrie")
    acv = AnctProgrammeFactory.create(slug="acv", name="Action cœur de ville")
    pvd = AnctProgrammeFactory.create(slug="pvd", name="Petites villes de demain")
    amf = OrganisationFactory.create(
        slug="amf", name="Association des maires de France", acronym="AMF"
    )
    vdf = OrganisationFactory.create(slug="vdf", name="Villes de France", acronym="")
    partner = OrganisationFactory.create(slug="cerema", name="Cerema", kind="operator")

    f1 = FabriqueFactory.create(slug="f1", programme_year=y2020, status=FabriqueStatus.PUBLISHED)
    f1.themes.set([alimentation, sante])
    f1.anct_programmes.set([acv])
    FabriqueOrganisationFactory.create(fabrique=f1, organisation=amf, role=Role.ELECTED_ASSOCIATION)
    FabriqueOrganisationFactory.create(fabrique=f1, organisation=vdf, role=Role.ELECTED_ASSOCIATION)
    FabriqueOrganisationFactory.create(fabrique=f1, organisation=partner, role=Role.PARTNER)
    ParticipationFactory.create(
        fabrique=f1, commune=CommuneFactory.create(code="16015", departement=charente)
    )
    ParticipationFactory.create(
        fabrique=f1, as_epci=True, epci=EpciFactory.create(departement=gironde)
    )
    ParticipationFactory.create(
        fabrique=f1,
        as_qpv=True,
        commune=CommuneFactory.create(code="97411", departement=dep_reunion),
        qpv=QpvFactory.create(departement=dep_reunion),
    )

    f2 = FabriqueFactory.create(slug="f2", programme_year=y2020, status=FabriqueStatus.RUNNING)
    f2.themes.set([sante])
    FabriqueOrganisationFactory.create(fabrique=f2, organisation=amf, role=Role.ELECTED_ASSOCIATION)
    ParticipationFactory.create(
        fabrique=f2, commune=CommuneFactory.create(code="16102", departement=charente)
    )
    ParticipationFactory.create(
        fabrique=f2, commune=CommuneFactory.create(code="67482", departement=bas_rhin)
    )

    f3 = FabriqueFactory.create(slug="f3", programme_year=y2019, status=FabriqueStatus.FOLLOW_UP)
    f3.themes.set([alimentation])
    FabriqueOrganisationFactory.create(fabrique=f3, organisation=vdf, role=Role.ELECTED_ASSOCIATION)
    ParticipationFactory.create(
        fabrique=f3, as_epci=True, epci=EpciFactory.create(departement=bas_rhin)
    )

    hidden = FabriqueFactory.create(slug="hidden", programme_year=y2020, status=FabriqueStatus.IDEA)
    hidden.themes.set([industrie])
    hidden.anct_programmes.set([pvd])
    FabriqueOrganisationFactory.create(
        fabrique=hidden, organisation=amf, role=Role.ELECTED_ASSOCIATION
    )
    ParticipationFactory.create(
        fabrique=hidden, commune=CommuneFactory.create(code="2A004", departement=corse_du_sud)
    )
    ParticipationFactory.create(
        fabrique=hidden, commune=CommuneFactory.create(code="16200", departement=charente)
    )
    return {
        "years": (y2019, y2020),
        "themes": (alimentation, sante),
        "departements": (charente, bas_rhin),
    }


def grow_programme(objects: FiguresProgramme, fabriques: int) -> None:
    """More public Fabriques, themes, programmes, associations and territories."""
    y2019, y2020 = objects["years"]
    charente, bas_rhin = objects["departements"]
    for i in range(fabriques):
        f = FabriqueFactory.create(slug=f"more-{i}", programme_year=y2019 if i % 2 else y2020)
        f.themes.set([*objects["themes"], ThemeFactory.create(slug=f"theme-more-{i}")])
        f.anct_programmes.set([AnctProgrammeFactory.create(slug=f"programme-more-{i}")])
        FabriqueOrganisationFactory.create(
            fabrique=f,
            organisation=OrganisationFactory.create(slug=f"asso-more-{i}", acronym=f"A{i}"),
            role=Role.ELECTED_ASSOCIATION,
        )
        for j in range(5):
            departement = charente if j % 2 else bas_rhin
            if j == 4:
                ParticipationFactory.create(
                    fabrique=f, as_epci=True, epci=EpciFactory.create(departement=departement)
                )
            else:
                ParticipationFactory.create(
                    fabrique=f, commune=CommuneFactory.create(departement=departement)
                )
