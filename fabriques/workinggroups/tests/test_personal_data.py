import datetime

import pytest

from fabriques.accounts.services import user_data_export, user_erase
from fabriques.accounts.tests.factories import UserFactory
from fabriques.workinggroups.models import Member

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_person_export_holds_their_member_rows_only():
    user = UserFactory.create(email="alix@exemple.fr")
    MemberFactory(
        email="alix@exemple.fr",
        phone="06 11 22 33 44",
        working_group__participation__label="Saint-Flour",
        consent_on=datetime.date(2026, 3, 1),
        age_band="25_39",
    )
    MemberFactory(email="bob@exemple.fr", phone="06 99 99 99 99")
    rows = user_data_export(user=user)["sources"]["workinggroups.members"]["rows"]
    assert len(rows) == 1
    assert rows[0]["téléphone"] == "06 11 22 33 44"
    assert rows[0]["territoire"] == "Saint-Flour"
    assert rows[0]["tranche_d_âge"] == "25_39"


def test_erasing_the_account_blanks_the_member_rows():
    user = UserFactory.create(email="alix@exemple.fr")
    member = MemberFactory(user=user, email="alix@exemple.fr", last_name="Martin")
    user_erase(user=user, actor=None)
    member.refresh_from_db()
    assert (member.last_name, member.email, member.phone, member.user) == ("", "", "", None)
    assert Member.objects.filter(pk=member.pk).exists()
