import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.models import AuditEvent
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.territories.tests.factories import ParticipationFactory
from fabriques.workinggroups import services
from fabriques.workinggroups.models import Member, WorkingGroup

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def data(**overrides: Any) -> dict[str, Any]:
    return {
        "first_name": " Alix ",
        "last_name": "Martin",
        "email": "Alix.Martin@Exemple.fr",
        "phone": "06 12 34 56 78",
        "organisation_name": "Centre social",
        "organisation_identifier": "W751234567",
        "family": "association",
        "family_detail": "Centre social",
        "role": "member",
        "joined_how": "cooption",
        "joined_on": datetime.date(2026, 3, 1),
        "lawful_basis": "public_interest",
        "consent_on": None,
        "gender": "",
        "age_band": "",
        "qpv_inhabitant": None,
        "public_name_opt_in": False,
    } | overrides


def test_the_group_is_created_with_the_first_member():
    participation = ParticipationFactory()
    assert not WorkingGroup.objects.exists()
    member = services.member_add(participation=participation, actor=None, data=data())
    group = WorkingGroup.objects.get()
    assert member.working_group == group and group.participation == participation
    assert member.first_name == "Alix" and member.email == "alix.martin@exemple.fr"
    assert member.gender is None and member.age_band is None
    assert services.working_group_for(participation=participation) == group


def test_adding_links_an_existing_account_and_audits_without_personal_data():
    actor = UserFactory.create()
    account = UserFactory.create(email="alix.martin@exemple.fr")
    participation = ParticipationFactory()
    member = services.member_add(participation=participation, actor=actor, data=data())
    assert member.user == account
    event = AuditEvent.objects.get(action="member.added")
    assert event.actor == actor and event.object_id == str(member.pk)
    assert "alix" not in (event.summary + str(event.data)).lower()


def test_no_account_no_link():
    member = services.member_add(participation=ParticipationFactory(), actor=None, data=data())
    assert member.user is None


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"organisation_identifier": "13002603200017"}, "organisation_identifier", "Luhn"),
        ({"gender": "female"}, "consent_on", "consentement"),
        ({"lawful_basis": "consent"}, "__all__", "date"),
        ({"family": "pirates"}, "family", "pirates"),
        ({"consent_on": datetime.date(2099, 1, 1)}, "consent_on", "futur"),
    ],
)
def test_bad_input_is_refused_with_a_precise_message_and_nothing_written(
    overrides, field, fragment
):
    participation = ParticipationFactory()
    with pytest.raises(ValidationError) as caught:
        services.member_add(participation=participation, actor=None, data=data(**overrides))
    assert fragment in " ".join(caught.value.message_dict[field])
    assert not Member.objects.exists()
    assert not WorkingGroup.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_duplicate_current_address_is_named_on_the_email_field():
    participation = ParticipationFactory()
    services.member_add(participation=participation, actor=None, data=data())
    with pytest.raises(ValidationError) as caught:
        services.member_add(
            participation=participation, actor=None, data=data(email="ALIX.martin@exemple.fr")
        )
    assert caught.value.message_dict["email"] == [
        "Un membre actuel du groupe de travail a déjà l’adresse électronique "
        "« alix.martin@exemple.fr »."
    ]
    assert Member.objects.count() == 1


def test_update_changes_the_fields_and_audits_their_names_only():
    member = MemberFactory()
    services.member_update(
        member=member, actor=None, data=data(email=member.email, role="expert", phone="0102")
    )
    member.refresh_from_db()
    assert member.role == "expert" and member.phone == "0102"
    event = AuditEvent.objects.get(action="member.updated")
    assert "phone" in event.data["fields"] and "0102" not in str(event.data)


def test_update_refused_changes_nothing():
    member = MemberFactory(role="member")
    with pytest.raises(ValidationError):
        services.member_update(
            member=member, actor=None, data=data(role="expert", organisation_identifier="123")
        )
    member.refresh_from_db()
    assert member.role == "member"


def test_leave_keeps_the_row_and_rejoin_brings_it_back():
    member = MemberFactory(joined_on=datetime.date(2026, 3, 1))
    services.member_leave(member=member, actor=None, left_on=datetime.date(2026, 6, 1))
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 6, 1)
    with pytest.raises(ValidationError, match="déjà quitté"):
        services.member_leave(member=member, actor=None)
    services.member_rejoin(member=member, actor=None)
    member.refresh_from_db()
    assert member.left_on is None
    assert [h.left_on for h in member.history.order_by("history_date")] == [
        None,
        datetime.date(2026, 6, 1),
        None,
    ]
    assert {"member.left", "member.rejoined"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_leaving_before_joining_is_refused():
    member = MemberFactory(joined_on=datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="précéder"):
        services.member_leave(member=member, actor=None, left_on=datetime.date(2026, 1, 1))
    member.refresh_from_db()
    assert member.left_on is None


def test_rejoining_is_refused_when_the_address_was_taken_meanwhile():
    member = MemberFactory(email="a@exemple.fr", left_on=datetime.date(2026, 4, 1))
    MemberFactory(working_group=member.working_group, email="a@exemple.fr")
    with pytest.raises(ValidationError) as caught:
        services.member_rejoin(member=member, actor=None)
    assert "a@exemple.fr" in caught.value.message_dict["email"][0]
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 4, 1)


def test_consent_recorded_then_withdrawn_erases_the_facts():
    member = MemberFactory()
    services.member_consent_record(
        member=member,
        actor=None,
        consent_on=datetime.date(2026, 3, 2),
        gender="female",
        age_band="40_54",
        qpv_inhabitant=True,
    )
    member.refresh_from_db()
    assert (member.gender, member.age_band, member.qpv_inhabitant) == ("female", "40_54", True)
    services.member_consent_record(member=member, actor=None, consent_on=None)
    member.refresh_from_db()
    assert (member.consent_on, member.gender, member.age_band, member.qpv_inhabitant) == (
        None,
        None,
        None,
        None,
    )


def test_erasure_blanks_the_person_and_keeps_the_shape():
    user = UserFactory.create(email="alix@exemple.fr")
    linked = MemberFactory(user=user, email="autre@exemple.fr")
    by_address = MemberFactory(
        email="ALIX@exemple.fr", consent_on=datetime.date(2026, 3, 1), gender="male"
    )
    other = MemberFactory(email="bob@exemple.fr")
    assert services.members_erase_person(user=user) == 2
    for member in (linked, by_address):
        member.refresh_from_db()
        assert (member.first_name, member.last_name, member.email, member.phone) == ("", "", "", "")
        assert member.user is None and member.gender is None and member.left_on is not None
        assert member.family == "association"
    other.refresh_from_db()
    assert other.email == "bob@exemple.fr"


def _publish(fabrique: Fabrique, when: datetime.datetime) -> None:
    fabrique.status = FabriqueStatus.PUBLISHED
    fabrique.save()
    Fabrique.history.filter(id=fabrique.pk, status=FabriqueStatus.PUBLISHED).update(
        history_date=when
    )


def test_purge_deletes_members_of_fabriques_published_long_ago(cast):
    now = datetime.datetime(2028, 6, 1, tzinfo=datetime.UTC)
    old = MemberFactory(working_group__participation=cast.participation_a)
    recent = MemberFactory(working_group__participation=cast.participation_b)
    _publish(cast.fabrique_a, now - datetime.timedelta(days=400))
    _publish(cast.fabrique_b, now - datetime.timedelta(days=10))
    assert services.members_purge(days=365, now=now) == 1
    assert not Member.objects.filter(pk=old.pk).exists()
    assert not Member.history.filter(id=old.pk).exists()
    assert Member.objects.filter(pk=recent.pk).exists()
    assert WorkingGroup.objects.filter(participation=cast.participation_a).exists()
    assert AuditEvent.objects.filter(action="members.purged").count() == 1


def test_purge_leaves_running_fabriques_alone(cast):
    member = MemberFactory(working_group__participation=cast.participation_a)
    assert services.members_purge(days=0) == 0
    assert Member.objects.filter(pk=member.pk).exists()
