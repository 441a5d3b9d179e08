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
from dataclasses import dataclass

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
from fabriques.territories.models import Commune, EpciNature, Zone
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
        year: ProgrammeYearFactory(year=year, declared_territories=declared)
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
    fabriques: dict
    organisations: dict


def month(year: int, month_: int) -> datetime.date:
    return datetime.date(year, month_, 1)


def build_reference_programme() -> Programme:
    years = programme_years()
    regions = {
        code: RegionFactory(code=code, name=name)
        for code, name in [
            ("04", "La Réunion"),
            ("11", "Île-de-France"),
            ("75", "Nouvelle-Aquitaine"),
            ("84", "Auvergne-Rhône-Alpes"),
        ]
    }
    deps = {
        code: DepartementFactory(code=code, name=name, region=regions[region])
        for code, name, region in [
            ("07", "Ardèche", "84"),
            ("16", "Charente", "75"),
            ("93", "Seine-Saint-Denis", "11"),
            ("974", "La Réunion", "04"),
        ]
    }
    saint_peray = CommuneFactory(
        code="07281", name="Saint-Péray", departement=deps["07"], population=7650
    )
    saint_joseph = CommuneFactory(
        code="97412", name="Saint-Joseph", departement=deps["974"], population=38137
    )
    angouleme = CommuneFactory(
        code="16015", name="Angoulême", departement=deps["16"], population=41423
    )
    grand_angouleme = EpciFactory(
        siren="200071827",
        name="CA du Grand Angoulême",
        nature=EpciNature.CA,
        departement=deps["16"],
        population=141316,
    )
    plaine_commune = EpciFactory(
        siren="200057867",
        name="Plaine Commune",
        nature=EpciNature.EPT,
        departement=deps["93"],
        population=450000,
    )
    basseau = QpvFactory(code="", name="Basseau - Grande Garenne", departement=deps["16"])
    vieux_saint_ouen = QpvFactory(code="QPTEST01", name="Vieux Saint-Ouen", departement=deps["93"])

    sante = ThemeFactory(slug="sante", name="Santé")
    alimentation = ThemeFactory(slug="alimentation", name="Alimentation")
    pvd = AnctProgrammeFactory(slug="petites-villes-de-demain", name="Petites villes de demain")
    pdv = AnctProgrammeFactory(slug="politique-de-la-ville", name="Politique de la ville")

    orgs = {
        slug: OrganisationFactory(slug=slug, name=name, acronym=acronym, kind=kind)
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

    sante_fabrique = FabriqueFactory(
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
    alimentation_fabrique = FabriqueFactory(
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
    temps_fabrique = FabriqueFactory(
        slug="2021-temps-des-villes",
        title="Temps et rythmes des villes",
        programme_year=years[2021],
        status=FabriqueStatus.RUNNING,
        start_month=None,
        end_month=None,
        objective="",
    )
    hidden = FabriqueFactory(
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
        FabriqueOrganisationFactory(
            fabrique=fabrique,
            organisation=orgs[slug],
            role=role,
            position=position,
            contact_name="Coline Perrin" if slug == "inrae" else "",
        )

    ParticipationFactory(fabrique=sante_fabrique, commune=saint_peray, label="Saint-Péray")
    ParticipationFactory(
        fabrique=sante_fabrique, commune=saint_joseph, label="Saint-Joseph", position=1
    )
    ParticipationFactory(
        fabrique=alimentation_fabrique,
        as_qpv=True,
        commune=None,
        epci=grand_angouleme,
        qpv=basseau,
        label="Grand-Angoulême – QPV Basseau-Grande Garenne",
        position=0,
    )
    ParticipationFactory(
        fabrique=alimentation_fabrique,
        as_qpv=True,
        commune=None,
        epci=plaine_commune,
        qpv=vieux_saint_ouen,
        label="Plaine Commune – QPV Vieux Saint Ouen",
        position=1,
    )
    ParticipationFactory(
        fabrique=alimentation_fabrique, commune=saint_joseph, label="Saint-Joseph", position=2
    )
    ParticipationFactory(
        fabrique=temps_fabrique,
        as_epci=True,
        epci=grand_angouleme,
        label="Grand Angoulême",
        position=0,
    )
    ParticipationFactory(fabrique=hidden, commune=angouleme, label="Angoulême")
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
    year = ProgrammeYearFactory(year=2020, declared_territories=DECLARED_TERRITORIES[2020])
    region = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    departement = DepartementFactory(code="16", name="Charente", region=region)
    for index in range(start, start + count):
        fabrique = FabriqueFactory(
            slug=f"fabrique-{index:03d}", title=f"Fabrique {index:03d}", programme_year=year
        )
        fabrique.themes.set([ThemeFactory(slug=f"theme-{index:03d}", name=f"Thème {index:03d}")])
        fabrique.anct_programmes.set(
            [AnctProgrammeFactory(slug=f"programme-{index:03d}", name=f"Programme {index:03d}")]
        )
        for role in (Role.ELECTED_ASSOCIATION, Role.PARTNER):
            FabriqueOrganisationFactory(
                fabrique=fabrique,
                role=role,
                organisation=OrganisationFactory(
                    slug=f"organisation-{role}-{index:03d}", name=f"Organisation {role} {index}"
                ),
            )
        commune = CommuneFactory(
            code=f"16{index:03d}", name=f"Commune {index:03d}", departement=departement
        )
        ParticipationFactory(fabrique=fabrique, commune=commune, label=commune.name)
        epci = EpciFactory(
            siren=f"2000{index:05d}", name=f"EPCI {index:03d}", departement=departement
        )
        ParticipationFactory(fabrique=fabrique, as_epci=True, epci=epci, label=epci.name)
        qpv = QpvFactory(name=f"Quartier {index:03d}", departement=departement)
        ParticipationFactory(
            fabrique=fabrique, as_qpv=True, commune=commune, qpv=qpv, label=f"QPV {index:03d}"
        )


# --------------------------------------------------------------------------- statistics


def build_figures_programme(suffix: str = "") -> dict:
    """A small programme whose every figure is worked out by hand in the tests below.

    Public: F1 (2020, published), F2 (2020, running), F3 (2019, follow-up).
    Not public: H (2020, idea) — its theme, programme, département and territories must not
    show anywhere.
    """
    na = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    ge = RegionFactory(code="44", name="Grand Est")
    reunion = RegionFactory(code="04", name="La Réunion", zone=Zone.DROM)
    corse = RegionFactory(code="94", name="Corse")
    charente = DepartementFactory(code="16", name="Charente", region=na)
    gironde = DepartementFactory(code="33", name="Gironde", region=na)
    bas_rhin = DepartementFactory(code="67", name="Bas-Rhin", region=ge)
    dep_reunion = DepartementFactory(code="974", name="La Réunion", region=reunion, zone=Zone.DROM)
    corse_du_sud = DepartementFactory(code="2A", name="Corse-du-Sud", region=corse)

    y2019 = ProgrammeYearFactory(year=2019, declared_territories=12)
    y2020 = ProgrammeYearFactory(year=2020, declared_territories=20)
    ProgrammeYearFactory(year=2021, declared_territories=None)

    alimentation = ThemeFactory(slug="alimentation", name="Alimentation")
    sante = ThemeFactory(slug="sante", name="Santé")
    industrie = ThemeFactory(slug="industrie", name="Industrie")
    acv = AnctProgrammeFactory(slug="acv", name="Action cœur de ville")
    pvd = AnctProgrammeFactory(slug="pvd", name="Petites villes de demain")
    amf = OrganisationFactory(slug="amf", name="Association des maires de France", acronym="AMF")
    vdf = OrganisationFactory(slug="vdf", name="Villes de France", acronym="")
    partner = OrganisationFactory(slug="cerema", name="Cerema", kind="operator")

    f1 = FabriqueFactory(slug="f1", programme_year=y2020, status=FabriqueStatus.PUBLISHED)
    f1.themes.set([alimentation, sante])
    f1.anct_programmes.set([acv])
    FabriqueOrganisationFactory(fabrique=f1, organisation=amf, role=Role.ELECTED_ASSOCIATION)
    FabriqueOrganisationFactory(fabrique=f1, organisation=vdf, role=Role.ELECTED_ASSOCIATION)
    FabriqueOrganisationFactory(fabrique=f1, organisation=partner, role=Role.PARTNER)
    ParticipationFactory(fabrique=f1, commune=CommuneFactory(code="16015", departement=charente))
    ParticipationFactory(fabrique=f1, as_epci=True, epci=EpciFactory(departement=gironde))
    ParticipationFactory(
        fabrique=f1,
        as_qpv=True,
        commune=CommuneFactory(code="97411", departement=dep_reunion),
        qpv=QpvFactory(departement=dep_reunion),
    )

    f2 = FabriqueFactory(slug="f2", programme_year=y2020, status=FabriqueStatus.RUNNING)
    f2.themes.set([sante])
    FabriqueOrganisationFactory(fabrique=f2, organisation=amf, role=Role.ELECTED_ASSOCIATION)
    ParticipationFactory(fabrique=f2, commune=CommuneFactory(code="16102", departement=charente))
    ParticipationFactory(fabrique=f2, commune=CommuneFactory(code="67482", departement=bas_rhin))

    f3 = FabriqueFactory(slug="f3", programme_year=y2019, status=FabriqueStatus.FOLLOW_UP)
    f3.themes.set([alimentation])
    FabriqueOrganisationFactory(fabrique=f3, organisation=vdf, role=Role.ELECTED_ASSOCIATION)
    ParticipationFactory(fabrique=f3, as_epci=True, epci=EpciFactory(departement=bas_rhin))

    hidden = FabriqueFactory(slug="hidden", programme_year=y2020, status=FabriqueStatus.IDEA)
    hidden.themes.set([industrie])
    hidden.anct_programmes.set([pvd])
    FabriqueOrganisationFactory(fabrique=hidden, organisation=amf, role=Role.ELECTED_ASSOCIATION)
    ParticipationFactory(
        fabrique=hidden, commune=CommuneFactory(code="2A004", departement=corse_du_sud)
    )
    ParticipationFactory(
        fabrique=hidden, commune=CommuneFactory(code="16200", departement=charente)
    )
    return {
        "years": (y2019, y2020),
        "themes": (alimentation, sante),
        "departements": (charente, bas_rhin),
    }


def grow_programme(objects: dict, fabriques: int) -> None:
    """More public Fabriques, themes, programmes, associations and territories."""
    y2019, y2020 = objects["years"]
    charente, bas_rhin = objects["departements"]
    for i in range(fabriques):
        f = FabriqueFactory(slug=f"more-{i}", programme_year=y2019 if i % 2 else y2020)
        f.themes.set([*objects["themes"], ThemeFactory(slug=f"theme-more-{i}")])
        f.anct_programmes.set([AnctProgrammeFactory(slug=f"programme-more-{i}")])
        FabriqueOrganisationFactory(
            fabrique=f,
            organisation=OrganisationFactory(slug=f"asso-more-{i}", acronym=f"A{i}"),
            role=Role.ELECTED_ASSOCIATION,
        )
        for j in range(5):
            departement = charente if j % 2 else bas_rhin
            if j == 4:
                ParticipationFactory(
                    fabrique=f, as_epci=True, epci=EpciFactory(departement=departement)
                )
            else:
                ParticipationFactory(fabrique=f, commune=CommuneFactory(departement=departement))
