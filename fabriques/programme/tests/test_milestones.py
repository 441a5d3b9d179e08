"""The calendar: generated from the platform's template, then edited."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.models import AuditEvent
from fabriques.programme.milestones import add_months, plan_milestones
from fabriques.programme.models import Milestone, MilestoneKind
from fabriques.programme.services import milestones_generate, milestones_save

from .factories import FabriqueFactory, MilestoneFactory

K = MilestoneKind


@pytest.fixture
def pilot(db):
    return UserFactory.create(username="pilote@anct.gouv.fr")


def test_add_months_crosses_years():
    assert add_months(datetime.date(2026, 11, 17), 0) == datetime.date(2026, 11, 1)
    assert add_months(datetime.date(2026, 11, 1), 2) == datetime.date(2027, 1, 1)
    assert add_months(datetime.date(2026, 1, 31), 11) == datetime.date(2026, 12, 1)


def test_the_template_spreads_a_year_from_the_kick_off():
    planned = plan_milestones(datetime.date(2026, 3, 1))
    assert [(m.kind, m.title, m.date) for m in planned] == [
        (K.KICKOFF, "Séminaire de lancement", datetime.date(2026, 3, 1)),
        (K.SEMINAR, "Premier séminaire collectif", datetime.date(2026, 6, 1)),
        (K.SEMINAR, "Deuxième séminaire collectif", datetime.date(2026, 9, 1)),
        (K.SEMINAR, "Troisième séminaire collectif", datetime.date(2026, 12, 1)),
        (K.DELIVERABLE_DUE, "Remise des livrables", datetime.date(2027, 1, 1)),
        (K.CLOSING, "Séminaire de clôture", datetime.date(2027, 2, 1)),
    ]
    assert [m.position for m in planned] == [0, 1, 2, 3, 4, 5]


def test_generate_from_the_fabrique_first_month(pilot):
    fabrique = FabriqueFactory.create(
        start_month=datetime.date(2026, 2, 1), end_month=datetime.date(2027, 2, 1)
    )
    created = milestones_generate(fabrique=fabrique, actor=pilot)
    assert len(created) == 6
    dates = list(fabrique.milestones.values_list("date", flat=True))
    assert dates[0] == datetime.date(2026, 2, 1)
    assert dates[-1] == datetime.date(2027, 1, 1)
    event = AuditEvent.objects.get(action="fabrique.milestones_generated")
    assert event.actor == pilot
    assert event.object_id == str(fabrique.pk)
    assert event.data == {"start": "2026-02-01", "count": 6}
    # Every milestone has its first version in the history.
    assert Milestone.history.filter(fabrique_id=fabrique.pk, history_type="+").count() == 6


def test_generate_from_a_chosen_month_takes_its_first_day(pilot):
    fabrique = FabriqueFactory.create(
        start_month=datetime.date(2026, 2, 1), end_month=datetime.date(2027, 2, 1)
    )
    milestones_generate(fabrique=fabrique, actor=pilot, start=datetime.date(2026, 9, 15))
    first = fabrique.milestones.order_by("date").first()
    assert first is not None
    assert first.date == datetime.date(2026, 9, 1)
    assert first.kind == K.KICKOFF


def test_generating_twice_is_refused_and_duplicates_nothing(pilot):
    fabrique = FabriqueFactory.create(
        start_month=datetime.date(2026, 2, 1), end_month=datetime.date(2027, 2, 1)
    )
    milestones_generate(fabrique=fabrique, actor=pilot)
    with pytest.raises(ValidationError) as info:
        milestones_generate(fabrique=fabrique, actor=pilot)
    assert info.value.messages == [
        "Le calendrier de cette Fabrique contient déjà des jalons : modifiez-les, ou "
        "supprimez-les tous avant d’en générer de nouveaux."
    ]
    assert fabrique.milestones.count() == 6
    assert AuditEvent.objects.filter(action="fabrique.milestones_generated").count() == 1


def test_generating_needs_a_start(pilot):
    fabrique = FabriqueFactory.create(start_month=None, end_month=None)
    with pytest.raises(ValidationError) as info:
        milestones_generate(fabrique=fabrique, actor=pilot)
    assert info.value.message_dict == {
        "start": ["Indiquez le mois de lancement, ou le mois de début de la Fabrique."]
    }
    assert not fabrique.milestones.exists()


def test_save_creates_updates_and_deletes(pilot):
    fabrique = FabriqueFactory.create()
    kept, removed = (
        MilestoneFactory.create(fabrique=fabrique),
        MilestoneFactory.create(fabrique=fabrique),
    )
    kept.title = "Séminaire à Blois"
    new = Milestone(kind=K.LOCAL_WORKSHOP, title="Atelier local", date=datetime.date(2026, 4, 2))
    milestones_save(fabrique=fabrique, actor=pilot, milestones=[kept, new], deleted=[removed])
    assert sorted(fabrique.milestones.values_list("title", flat=True)) == [
        "Atelier local",
        "Séminaire à Blois",
    ]
    event = AuditEvent.objects.get(action="fabrique.milestones_updated")
    assert event.data == {"created": 1, "updated": 1, "deleted": 1}
    assert kept.history.latest().title == "Séminaire à Blois"


def test_save_refuses_a_milestone_of_another_fabrique(pilot):
    fabrique, other = FabriqueFactory.create(), FabriqueFactory.create()
    foreign = MilestoneFactory.create(fabrique=other, title="Séminaire de B")
    with pytest.raises(ValidationError) as info:
        milestones_save(fabrique=fabrique, actor=pilot, milestones=[], deleted=[foreign])
    assert info.value.messages == ["Ce jalon n’appartient pas à cette Fabrique."]
    assert Milestone.objects.filter(pk=foreign.pk).exists()


def test_save_without_change_records_nothing(pilot):
    milestones_save(fabrique=FabriqueFactory.create(), actor=pilot, milestones=[], deleted=[])
    assert not AuditEvent.objects.exists()
