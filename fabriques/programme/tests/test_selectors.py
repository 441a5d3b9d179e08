"""Selectors behind the public pages: home figures, catalogue, Fabrique and organisation
pages, and the public territory pages (territory_selectors)."""

from typing import TYPE_CHECKING, TypedDict, cast

import pytest

from fabriques.programme import selectors, territory_selectors
from fabriques.programme.models import FabriqueStatus, Organisation, Role
from fabriques.programme.tests.dataset import SharedTerritories, build_fabrique, build_programme
from fabriques.programme.tests.factories import (
    FabriqueOrganisationFactory,
    OrganisationFactory,
    ProgrammeYearFactory,
)
from fabriques.territories.tests.factories import ParticipationFactory

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class RoleCounts(TypedDict):
    """The counts `organisation_list` annotates each organisation with (those read here)."""

    n_fabriques: int
    n_elected_association: int
    n_partner: int


def test_search_words_are_normalised():
    assert selectors.search_words("  Santé  l’Économie ") == ["sante", "l", "economie"]
    assert selectors.search_words("") == []


# --- Programme selectors -----------------------------------------------------------------


@pytest.mark.django_db
def test_home_overview_keeps_declared_and_counted_apart():
    build_programme(4, shared=False)  # one Fabrique per year 2018–2021, 3 territories each
    overview = selectors.home_overview()
    assert overview.fabriques == 4
    assert overview.counted_territories == 12
    assert overview.declared_territories == 12 + 12 + 20 + 4
    assert overview.declared_complete is True
    assert (overview.first_year, overview.last_year) == (2018, 2021)
    assert overview.departements == 2
    assert [f.programme_year.year for f in overview.latest] == [2021, 2020, 2019]


@pytest.mark.django_db
def test_home_overview_ignores_years_and_fabriques_that_are_not_public():
    build_fabrique(year=2019)
    build_fabrique(year=2022, status=FabriqueStatus.DESIGNED)
    ProgrammeYearFactory.create(year=2019, declared_territories=None)
    overview = selectors.home_overview()
    assert [row.year for row in overview.years] == [2019]
    assert overview.declared_territories is None and overview.declared_complete is False


@pytest.mark.django_db
def test_catalogue_lists_a_fabrique_once_even_when_several_territories_match():
    fabrique = build_fabrique()
    first = fabrique.participations.first()
    assert first is not None
    SharedTerritories(first.departement).join(fabrique)
    departement = first.departement
    filters = selectors.CatalogueFilters(departement=departement.code, kind="commune")
    assert list(selectors.fabrique_catalogue(filters)) == [fabrique]


@pytest.mark.django_db
def test_catalogue_options_only_offer_values_of_public_fabriques():
    public = build_fabrique(year=2019)
    draft = build_fabrique(year=2023, status=FabriqueStatus.IDEA)
    secret = OrganisationFactory.create(slug="secret")
    FabriqueOrganisationFactory.create(
        fabrique=draft, organisation=secret, role=Role.ELECTED_ASSOCIATION
    )
    options = selectors.catalogue_options()
    assert options.years == [2019]
    assert [o.slug for o in options.associations] == ["amf"]
    departements = {p.departement.code for p in public.participations.all()}
    assert {d.code for d in options.departements} == departements
    assert len(options.regions) == 1


@pytest.mark.django_db
def test_fabrique_detail_splits_roles_and_hides_drafts():
    fabrique = build_fabrique()
    detail = selectors.fabrique_detail(slug=fabrique.slug)
    assert detail is not None
    assert [r.role for r in detail.associations] == [Role.ELECTED_ASSOCIATION]
    assert detail.partners[0].contact_name == "Coline Perrin"
    assert len(detail.cofunders) == len(detail.providers) == 1
    assert [p.kind for p in detail.participations] == ["commune", "epci", "qpv"]
    draft = build_fabrique(status=FabriqueStatus.DESIGNED)
    assert selectors.fabrique_detail(slug=draft.slug) is None
    assert selectors.fabrique_detail(slug="inconnue") is None


@pytest.mark.django_db
def test_organisation_selectors_count_only_public_fabriques():
    fabriques = build_programme(3, shared=False)
    draft = build_fabrique(status=FabriqueStatus.DESIGNED)
    amf = cast(
        "WithAnnotations[Organisation, RoleCounts]",
        selectors.organisation_list(kind="elected_association").get(),
    )
    assert amf.slug == "amf" and amf.n_fabriques == 3 and amf.n_elected_association == 3
    assert amf.n_partner == 0
    detail = selectors.organisation_detail(slug="amf")
    assert detail is not None
    assert detail.fabriques_count == 3
    assert {r.fabrique for r in detail.groups[0].roles} == set(fabriques)
    assert draft not in {r.fabrique for r in detail.groups[0].roles}
    assert [o.slug for o in selectors.organisation_list(q="MAIRES")] == ["amf"]


# --- Territory selectors -----------------------------------------------------------------


@pytest.mark.django_db
def test_commune_page_relations():
    fabriques = build_programme(1)
    shared = SharedTerritories.load()
    # A QPV of the commune, hosted by the EPCI rather than the commune.
    ParticipationFactory.create(
        fabrique=build_fabrique(title="Autre"),
        as_qpv=True,
        qpv=shared.qpv,
        commune=None,
        epci=shared.epci,
        label="Nantes Métropole – QPV Bellevue",
    )
    page = territory_selectors.commune_page(code="44109")
    assert page is not None
    relations = {(row.fabrique.title, row.relation) for row in page.fabriques}
    assert relations == {
        (fabriques[0].title, "self"),
        (fabriques[0].title, "epci"),
        (fabriques[0].title, "hosted_qpv"),
        ("Autre", "qpv_in_commune"),
    }
    assert territory_selectors.commune_page(code="00000x") is None


@pytest.mark.django_db
def test_epci_and_qpv_pages():
    build_programme(2)
    shared = SharedTerritories.load()
    epci = territory_selectors.epci_page(siren=shared.epci.siren)
    assert epci is not None
    assert [c.code for c in epci.communes] == ["44109"]
    assert sorted(row.relation for row in epci.fabriques) == sorted(
        ["self", "member", "member_qpv"] * 2
    )
    qpv = territory_selectors.qpv_page(pk=shared.qpv.pk)
    assert qpv is not None
    assert qpv.hosts == [shared.commune]
    assert len(qpv.fabriques) == 2
    assert territory_selectors.epci_page(siren="000000000") is None
    assert territory_selectors.qpv_page(pk=0) is None


@pytest.mark.django_db
def test_accompanied_territories_groups_participations_and_hides_drafts():
    build_programme(2)
    build_fabrique(status=FabriqueStatus.DESIGNED)
    page = territory_selectors.accompanied_territories_page(per_page=100)
    items = page.object_list
    assert page.paginator.count == len(items) == 2 * 3 + 3
    shared = [t for t in items if len(t.participations) == 2]
    assert {t.kind for t in shared} == {"commune", "epci", "qpv"}
    assert [t.departement.code for t in items] == sorted(t.departement.code for t in items)
    epcis = territory_selectors.accompanied_territories_page(kind="epci", per_page=100).object_list
    assert epcis and {t.kind for t in epcis} == {"epci"}
    # Paginated in the database: a page of 4 then the rest, in the same order.
    first = territory_selectors.accompanied_territories_page(per_page=4)
    second = territory_selectors.accompanied_territories_page(per_page=4, page_number=2)
    third = territory_selectors.accompanied_territories_page(per_page=4, page_number=3)
    paged = [*first.object_list, *second.object_list, *third.object_list]
    assert [(t.kind, t.entity.pk) for t in paged] == [(t.kind, t.entity.pk) for t in items]
