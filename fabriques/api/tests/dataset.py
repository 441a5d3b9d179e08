"""A small deterministic programme, with fixed slugs and codes, for golden files and exports.

Communes, EPCI, départements and régions are real records of the official referential (COG);
the QPV code "QPTEST01" is deliberately fictitious (no official code is invented here).
"""

import datetime
from dataclasses import dataclass

from fabriques.programme.models import FabriqueStatus, Resource, Role
from fabriques.programme.tests.factories import (
    AnctProgrammeFactory,
    FabriqueFactory,
    FabriqueOrganisationFactory,
    OrganisationFactory,
    ProgrammeYearFactory,
    ThemeFactory,
)
from fabriques.territories.models import EpciNature
from fabriques.territories.tests.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    ParticipationFactory,
    QpvFactory,
    RegionFactory,
)


@dataclass
class Programme:
    fabriques: dict
    organisations: dict


def month(year: int, month_: int) -> datetime.date:
    return datetime.date(year, month_, 1)


def build_programme() -> Programme:
    years = {
        year: ProgrammeYearFactory(year=year, declared_territories=declared)
        for year, declared in [(2018, 12), (2019, 12), (2020, 20), (2021, 4)]
    }
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
    year = ProgrammeYearFactory(year=2020, declared_territories=20)
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
