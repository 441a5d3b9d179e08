"""The admin pages of the provider follow-up open, and never link to the raw media file."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from fabriques.deliverables import services
from fabriques.deliverables.models import Contract

from .factories import DeliverableFactory, pdf_upload

pytestmark = pytest.mark.django_db


def test_admin_pages(cast, client):
    superuser = get_user_model().objects.create_superuser("root", "root@exemple.fr", "x" * 16)
    client.force_login(superuser)
    deliverable = DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse")
    version = services.deliverable_submit(
        deliverable=deliverable, file=pdf_upload(), actor=cast.provider_a
    )
    services.deliverable_review(version=version, decision="accepted", actor=cast.pilot_a)
    Contract.objects.create(fabrique=cast.fabrique_a, provider=cast.provider_org_a, reference="M")
    for model in (
        "contract",
        "deliverable",
        "deliverableversion",
        "deliverablereview",
        "remindersent",
    ):
        assert client.get(reverse(f"admin:deliverables_{model}_changelist")).status_code == 200
    page = client.get(reverse("admin:deliverables_deliverable_change", args=[deliverable.pk]))
    html = page.content.decode()
    assert reverse("deliverables:version_file", args=[version.pk]) in html
    assert "/media/deliverables/" not in html
    page = client.get(reverse("admin:deliverables_deliverableversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert "/media/deliverables/" not in page.content.decode()
