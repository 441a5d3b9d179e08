import datetime

import pytest
from django.db import IntegrityError, transaction

from fabriques.programme.models import Fabrique, FabriqueOrganisation, Role
from fabriques.territories.models import Participation, ParticipationKind, Qpv
from fabriques.territories.tests.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    ParticipationFactory,
    QpvFactory,
)

from .factories import FabriqueFactory, OrganisationFactory, ProgrammeYearFactory

pytestmark = pytest.mark.django_db


def assert_violates(constraint_name, create):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        create()
    # SQLite names CHECK constraints in its message; PostgreSQL names every constraint.
    message = str(excinfo.value)
    assert constraint_name in message or "UNIQUE" in message, message


def test_fabrique_end_must_follow_start():
    year = ProgrammeYearFactory.create()
    assert_violates(
        "programme_fabrique_end_after_start",
        lambda: Fabrique.objects.create(
            slug="x",
            title="x",
            programme_year=year,
            start_month=datetime.date(2021, 6, 1),
            end_month=datetime.date(2021, 6, 1),
        ),
    )


def test_fabrique_months_are_first_days():
    year = ProgrammeYearFactory.create()
    assert_violates(
        "programme_fabrique_start_first_of_month",
        lambda: Fabrique.objects.create(
            slug="x", title="x", programme_year=year, start_month=datetime.date(2021, 6, 2)
        ),
    )


def test_fabrique_slug_is_unique():
    FabriqueFactory.create(slug="meme-slug")
    with pytest.raises(IntegrityError), transaction.atomic():
        Fabrique.objects.create(
            slug="meme-slug", title="y", programme_year=ProgrammeYearFactory.create()
        )


def test_organisation_role_is_unique_per_fabrique():
    role = FabriqueOrganisation.objects.create(
        fabrique=FabriqueFactory.create(),
        organisation=OrganisationFactory.create(),
        role=Role.PARTNER,
    )
    assert_violates(
        "programme_fabriqueorganisation_unique_role",
        lambda: FabriqueOrganisation.objects.create(
            fabrique=role.fabrique, organisation=role.organisation, role=Role.PARTNER
        ),
    )
    # The same organisation may hold another role (partner and co-funder, like the CDC).
    FabriqueOrganisation.objects.create(
        fabrique=role.fabrique, organisation=role.organisation, role=Role.COFUNDER
    )


def test_organisation_siren_has_nine_digits():
    assert_violates(
        "programme_organisation_siren_format", lambda: OrganisationFactory.create(siren="12345")
    )


def test_participation_points_to_exactly_one_entity():
    fabrique = FabriqueFactory.create()
    commune, epci = CommuneFactory.create(), EpciFactory.create()
    dep = commune.departement
    # A commune participation with an EPCI as well.
    assert_violates(
        "territories_participation_one_entity",
        lambda: Participation.objects.create(
            fabrique=fabrique,
            kind="commune",
            commune=commune,
            epci=epci,
            label="x",
            departement=dep,
        ),
    )
    # An EPCI participation without its EPCI.
    assert_violates(
        "territories_participation_one_entity",
        lambda: Participation.objects.create(
            fabrique=fabrique, kind="epci", commune=commune, label="x", departement=dep
        ),
    )
    # A QPV without its host authority.
    qpv = QpvFactory.create(departement=dep)
    assert_violates(
        "territories_participation_one_entity",
        lambda: Participation.objects.create(
            fabrique=fabrique, kind="qpv", qpv=qpv, label="x", departement=dep
        ),
    )
    # A QPV with its host commune is fine.
    Participation.objects.create(
        fabrique=fabrique,
        kind=ParticipationKind.QPV,
        qpv=qpv,
        commune=commune,
        label="x",
        departement=dep,
    )


def test_one_participation_per_territory_per_fabrique():
    participation = ParticipationFactory.create()
    assert_violates(
        "territories_participation_unique_commune",
        lambda: ParticipationFactory.create(
            fabrique=participation.fabrique, commune=participation.commune
        ),
    )
    # The same commune may join another Fabrique.
    ParticipationFactory.create(commune=participation.commune)


def test_qpv_code_unique_when_known_but_may_be_empty_several_times():
    dep = DepartementFactory.create()
    QpvFactory.create(code="", name="A", departement=dep)
    QpvFactory.create(code="", name="B", departement=dep)
    QpvFactory.create(code="QN01234A", name="C", departement=dep)
    assert_violates(
        "territories_qpv_code_unique",
        lambda: Qpv.objects.create(code="QN01234A", name="D", departement=dep),
    )
