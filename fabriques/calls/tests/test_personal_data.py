"""RGPD: a person's export holds their own applications and scores, not other people's data."""

import json

import pytest
from django.utils import timezone

from fabriques.accounts.personal_data import sources
from fabriques.accounts.services import user_data_export
from fabriques.accounts.tests.factories import UserFactory
from fabriques.calls.models import ApplicationScore

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db

# What someone else typed in their application: names, addresses, phone, texts.
FOREIGN = {
    "elected_name": "Marie Curie",
    "elected_mandate": "Maire de Sainte-Foy",
    "elected_email": "marie.curie@commune.fr",
    "technical_name": "Paul Langevin",
    "technical_role": "Directeur général des services",
    "technical_phone": "04 77 00 00 01",
    "motivation": "Notre centre-bourg se vide",
    "working_group_intent": "Commerçants et conseil citoyen",
}


def _source(key):
    return next(s for s in sources() if s.key == key)


def test_signing_up_with_an_address_typed_as_referent_exports_no_one_elses_data(call):
    applicant = UserFactory()
    typed = "dgs@commune.fr"
    ApplicationFactory(call=call, applicant=applicant, technical_email=typed, **FOREIGN)
    submitted = ApplicationFactory(
        call=call, applicant=applicant, technical_email=typed, submitted=True, **FOREIGN
    )
    # Whoever reads that mailbox signs up with it.
    newcomer = UserFactory.create(username=typed)

    export = json.dumps(user_data_export(user=newcomer), ensure_ascii=False)

    leaked = [field for field, value in FOREIGN.items() if value in export]
    assert leaked == []
    # One row: the draft, which only its author has seen, is not even mentioned.
    (row,) = _source("calls.applications").export(newcomer)
    assert submitted.submitted_at is not None
    assert row == {
        "fabrique": call.fabrique.title,
        "territoire": submitted.territory_label,
        "rôles": ["référent technique"],
        "déposée_le": submitted.submitted_at.isoformat(),
    }
    # Its author gets it all.
    rows = _source("calls.applications").export(applicant)
    assert len(rows) == 2 and {r["référent_téléphone"] for r in rows} == {"04 77 00 00 01"}


def test_the_scores_and_comments_a_person_gave_are_exported_then_unlinked(call):
    pilot = UserFactory.create()
    application = ApplicationFactory(call=call, submitted=True)
    criterion = call.criteria.first()
    ApplicationScore.objects.create(
        application=application,
        criterion=criterion,
        score=4,
        comment="Portage solide",
        scored_by=pilot,
        scored_at=timezone.now(),
    )
    source = _source("calls.scores")

    (row,) = source.export(pilot)

    assert (row["critère"], row["note"], row["note_maximale"], row["commentaire"]) == (
        criterion.label,
        4,
        criterion.max_score,
        "Portage solide",
    )
    assert row["candidature"] == application.territory_label
    assert source.export(UserFactory()) == []
    assert source.erase(pilot) == 1
    assert ApplicationScore.objects.get().scored_by is None
    assert source.export(pilot) == []
