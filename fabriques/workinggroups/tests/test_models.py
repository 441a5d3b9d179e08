import datetime

import pytest
from django.db import IntegrityError, transaction

from fabriques.workinggroups.models import LawfulBasis, Member

from .factories import MemberFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db


def test_one_current_member_per_address_and_group_whatever_the_case():
    member = MemberFactory(email="alix@exemple.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(working_group=member.working_group, email="ALIX@exemple.fr")
    # Another group may have the same person.
    MemberFactory(email="alix@exemple.fr")


def test_a_member_who_left_frees_the_address():
    member = MemberFactory(email="alix@exemple.fr", left_on=datetime.date(2026, 4, 1))
    MemberFactory(working_group=member.working_group, email="alix@exemple.fr")
    assert Member.objects.filter(email="alix@exemple.fr").count() == 2


def test_optional_facts_need_a_consent_date():
    group = WorkingGroupFactory()
    for facts in ({"gender": "female"}, {"age_band": "25_39"}, {"qpv_inhabitant": False}):
        with pytest.raises(IntegrityError), transaction.atomic():
            MemberFactory(working_group=group, **facts)
    MemberFactory(working_group=group, gender="female", consent_on=datetime.date(2026, 3, 1))


def test_the_consent_basis_needs_its_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(lawful_basis=LawfulBasis.CONSENT)


def test_leaving_cannot_precede_joining():
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(joined_on=datetime.date(2026, 3, 1), left_on=datetime.date(2026, 2, 1))


def test_personal_data_stays_out_of_the_history():
    member = MemberFactory(first_name="Secrète", email="secret@exemple.fr", phone="0600000000")
    fields = {f.name for f in Member.history.model._meta.get_fields()}
    assert not {"first_name", "last_name", "email", "phone", "gender", "user"} & fields
    assert {"family", "role", "joined_on", "left_on", "consent_on"} <= fields
    assert member.history.count() == 1
