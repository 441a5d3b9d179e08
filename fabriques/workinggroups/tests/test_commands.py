import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from fabriques.core.management.commands.run_daily import DAILY
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.workinggroups.models import Member

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_run_daily_purges_members_past_the_retention_setting(cast):
    assert "purge_working_group_members" in DAILY
    member = MemberFactory(working_group__participation=cast.participation_a)
    cast.fabrique_a.status = FabriqueStatus.PUBLISHED
    cast.fabrique_a.save()
    Fabrique.history.filter(id=cast.fabrique_a.pk, status=FabriqueStatus.PUBLISHED).update(
        history_date=timezone.now() - datetime.timedelta(days=40)
    )
    out = io.StringIO()
    with override_settings(WORKING_GROUP_RETENTION_DAYS=60):
        call_command("purge_working_group_members", stdout=out)
    assert Member.objects.filter(pk=member.pk).exists()
    with override_settings(WORKING_GROUP_RETENTION_DAYS=30):
        call_command("run_daily", stdout=out)
    assert not Member.objects.filter(pk=member.pk).exists()
    assert "1 membre(s) de groupes de travail supprimé(s)" in out.getvalue()


def test_the_privacy_page_states_the_retention(client):
    with override_settings(WORKING_GROUP_RETENTION_DAYS=200):
        page = client.get("/donnees-personnelles/").content.decode()
    assert "supprimées 200 jours après la publication de la Fabrique" in page
