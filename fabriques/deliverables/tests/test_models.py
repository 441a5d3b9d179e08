"""Database constraints and clean() rules of the provider follow-up."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fabriques.deliverables.models import (
    Contract,
    Deliverable,
    DeliverableKind,
    DeliverableReview,
    ReminderSent,
    ReviewDecision,
)

from .factories import (
    DeliverableFactory,
    DeliverableReviewFactory,
    DeliverableVersionFactory,
)

pytestmark = pytest.mark.django_db


def _violates(name: str, make) -> None:
    """The write fails; check constraints are named in the error on SQLite and PostgreSQL,
    unique ones only on PostgreSQL (SQLite names the columns)."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        make()
    message = str(error.value)
    if "CHECK" in message.upper() or "check constraint" in message:
        assert name in message


def test_deliverable_title_unique_per_fabrique_and_per_territory(cast):
    DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse")
    _violates(
        "deliverables_deliverable_unique_fabrique_title",
        lambda: DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse"),
    )
    # The same title is fine for a territory, and in another Fabrique.
    DeliverableFactory(
        fabrique=cast.fabrique_a, participation=cast.participation_a, title="Synthèse"
    )
    DeliverableFactory(fabrique=cast.fabrique_b, title="Synthèse")
    _violates(
        "deliverables_deliverable_unique_participation_title",
        lambda: DeliverableFactory(
            fabrique=cast.fabrique_a, participation=cast.participation_a, title="Synthèse"
        ),
    )


def test_deliverable_status_kind_and_title_checked_by_the_database(cast):
    _violates(
        "deliverables_deliverable_status_valid",
        lambda: DeliverableFactory(fabrique=cast.fabrique_a, status="lost"),
    )
    _violates(
        "deliverables_deliverable_kind_valid",
        lambda: DeliverableFactory(fabrique=cast.fabrique_a, kind="poem"),
    )
    _violates(
        "deliverables_deliverable_title_not_blank",
        lambda: DeliverableFactory(fabrique=cast.fabrique_a, title=""),
    )


def test_participation_of_another_fabrique_is_refused_in_french(cast):
    deliverable = Deliverable(
        fabrique=cast.fabrique_a,
        participation=cast.participation_b,
        title="Feuille de route",
        kind=DeliverableKind.ROADMAP,
        due_on=datetime.date(2026, 9, 1),
    )
    with pytest.raises(ValidationError) as error:
        deliverable.full_clean()
    assert error.value.message_dict["participation"] == [
        "Ce territoire n’est pas accompagné par cette Fabrique."
    ]


def test_duplicate_title_reported_by_full_clean_in_french(cast):
    DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse")
    duplicate = Deliverable(
        fabrique=cast.fabrique_a,
        title="Synthèse",
        kind=DeliverableKind.SYNTHESIS,
        due_on=datetime.date(2026, 9, 1),
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Un livrable de la Fabrique porte déjà ce titre" in str(error.value)


def test_version_numbers_unique_and_positive(cast):
    deliverable = DeliverableFactory(fabrique=cast.fabrique_a)
    DeliverableVersionFactory(deliverable=deliverable, number=1)
    _violates(
        "deliverables_deliverableversion_unique_number",
        lambda: DeliverableVersionFactory(deliverable=deliverable, number=1),
    )
    _violates(
        "deliverables_deliverableversion_number_positive",
        lambda: DeliverableVersionFactory(deliverable=deliverable, number=0),
    )


def test_changes_requested_needs_a_comment(cast):
    version = DeliverableVersionFactory(deliverable__fabrique=cast.fabrique_a, number=1)
    review = DeliverableReview(version=version, decision=ReviewDecision.CHANGES_REQUESTED)
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "Indiquez les modifications demandées" in str(error.value)
    _violates(
        "deliverables_deliverablereview_comment_required",
        lambda: DeliverableReviewFactory(
            version=version, decision=ReviewDecision.CHANGES_REQUESTED, comment=""
        ),
    )
    DeliverableReviewFactory(
        version=version, decision=ReviewDecision.CHANGES_REQUESTED, comment="Ajouter le budget."
    )


def test_one_review_per_version(cast):
    review = DeliverableReviewFactory(version__deliverable__fabrique=cast.fabrique_a)
    _violates(
        "version_id",
        lambda: DeliverableReviewFactory(version=review.version),
    )


def test_reminder_unique_per_deliverable_and_kind(cast):
    deliverable = DeliverableFactory(fabrique=cast.fabrique_a)
    ReminderSent.objects.create(deliverable=deliverable, kind="before_due", sent_on="2026-06-23")
    _violates(
        "deliverables_remindersent_unique_kind",
        lambda: ReminderSent.objects.create(
            deliverable=deliverable, kind="before_due", sent_on="2026-06-24"
        ),
    )
    _violates(
        "deliverables_remindersent_kind_format",
        lambda: ReminderSent.objects.create(
            deliverable=deliverable, kind="sometime", sent_on="2026-06-24"
        ),
    )


def test_contract_provider_must_be_the_fabriques_provider(cast):
    contract = Contract(fabrique=cast.fabrique_a, provider=cast.partner_org_a, reference="M-1")
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert "n’est pas le prestataire de la Fabrique" in error.value.message_dict["provider"][0]
    contract.provider = cast.provider_org_b  # the provider of another Fabrique
    with pytest.raises(ValidationError):
        contract.full_clean()
    contract.provider = cast.provider_org_a
    contract.full_clean()


def test_contract_amount_not_negative_and_reference_required(cast):
    _violates(
        "deliverables_contract_amount_not_negative",
        lambda: Contract.objects.create(
            fabrique=cast.fabrique_a, provider=cast.provider_org_a, reference="M", amount=-1
        ),
    )
    _violates(
        "deliverables_contract_reference_not_blank",
        lambda: Contract.objects.create(
            fabrique=cast.fabrique_a, provider=cast.provider_org_a, reference=""
        ),
    )


def test_one_contract_per_fabrique(cast):
    Contract.objects.create(fabrique=cast.fabrique_a, provider=cast.provider_org_a, reference="A")
    _violates(
        "fabrique_id",
        lambda: Contract.objects.create(
            fabrique=cast.fabrique_a, provider=cast.provider_org_a, reference="B"
        ),
    )


def test_is_late_only_for_owed_deliverables(cast):
    past = datetime.date(2020, 1, 1)
    assert DeliverableFactory(fabrique=cast.fabrique_a, due_on=past).is_late
    assert DeliverableFactory(
        fabrique=cast.fabrique_a, due_on=past, status="changes_requested"
    ).is_late
    assert not DeliverableFactory(fabrique=cast.fabrique_a, due_on=past, status="submitted").is_late
    assert not DeliverableFactory(fabrique=cast.fabrique_a, due_on=past, status="accepted").is_late
