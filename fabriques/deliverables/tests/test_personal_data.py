"""RGPD: a person's submissions and reviews are exported, and erasure unlinks them."""

import pytest

from fabriques.accounts.personal_data import sources
from fabriques.deliverables import services
from fabriques.deliverables.models import Deliverable, DeliverableReview, DeliverableVersion

from .factories import DeliverableFactory, pdf_upload

pytestmark = pytest.mark.django_db


def _source():
    return next(s for s in sources() if s.key == "deliverables.submissions")


def test_export_then_erase(cast):
    deliverable = DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse")
    version = services.deliverable_submit(
        deliverable=deliverable,
        file=pdf_upload("synthese.pdf"),
        note="Relue.",
        actor=cast.provider_a,
    )
    services.deliverable_review(
        version=version,
        decision="changes_requested",
        comment="Ajouter les annexes.",
        actor=cast.pilot_a,
    )
    source = _source()
    provider_rows = source.export(cast.provider_a)
    assert provider_rows == [
        {
            "type": "version déposée",
            "fabrique": "Fabrique A",
            "livrable": "Synthèse",
            "version": 1,
            "fichier": "synthese.pdf",
            "note": "Relue.",
            "date": version.submitted_at.isoformat(),
        }
    ]
    pilot_rows = source.export(cast.pilot_a)
    assert [(r["type"], r["décision"], r["commentaire"]) for r in pilot_rows] == [
        ("examen", "Demander des modifications", "Ajouter les annexes.")
    ]
    assert source.export(cast.partner_a) == []

    assert source.erase(cast.provider_a) == 1
    assert source.erase(cast.pilot_a) == 1
    # The deliverable owed under the public contract stays, without the link to the people.
    version = DeliverableVersion.objects.get()
    assert version.submitted_by is None and version.original_name == "synthese.pdf"
    assert DeliverableReview.objects.get().reviewer is None
    assert Deliverable.objects.get().status == "changes_requested"
    assert source.export(cast.provider_a) == []
