"""`manage.py purge_inactive_accounts`."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fabriques.accounts.models import User
from fabriques.accounts.services import ERASED_NAME
from fabriques.accounts.tests.factories import UserFactory
from fabriques.core.models import AuditEvent

pytestmark = pytest.mark.django_db


class TestPurgeInactiveAccounts:
    def test_erases_accounts_unused_for_a_year(self):
        now = timezone.now()
        stale = UserFactory.create(username="ancien@commune.fr")
        User.objects.filter(pk=stale.pk).update(last_login=now - datetime.timedelta(days=400))
        never = UserFactory.create(username="jamais@commune.fr")
        User.objects.filter(pk=never.pk).update(
            date_joined=now - datetime.timedelta(days=366), last_login=None
        )
        recent = UserFactory.create(username="actif@commune.fr")
        User.objects.filter(pk=recent.pk).update(last_login=now - datetime.timedelta(days=30))
        out = StringIO()

        call_command("purge_inactive_accounts", "--dry-run", stdout=out)
        assert "2 compte(s)" in out.getvalue()
        assert User.objects.filter(email="ancien@commune.fr").exists()

        call_command("purge_inactive_accounts", stdout=out)

        assert set(User.objects.exclude(email="").values_list("email", flat=True)) == {
            "actif@commune.fr"
        }
        stale.refresh_from_db()
        assert stale.display_name == ERASED_NAME and not stale.is_active
        assert AuditEvent.objects.filter(action="user.erased", data__reason="inactive").count() == 2
        # Already erased accounts are not erased again.
        call_command("purge_inactive_accounts", stdout=out)
        assert AuditEvent.objects.filter(action="user.erased").count() == 2
