"""Services: the contract, the deliverables owed, submission and review, with their e-mails."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives

from fabriques.accounts.models import MembershipRole
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.core.models import AuditEvent
from fabriques.deliverables import services
from fabriques.deliverables.models import (
    Contract,
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    DeliverableVersion,
    ReminderSent,
)
from fabriques.territories.tests.factories import ParticipationFactory

from .factories import (
    DeliverableFactory,
    docx_upload,
    exe_as_pdf_upload,
    pdf_upload,
    text_as_docx_upload,
)

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 9, 30)


@pytest.fixture
def deliverable(cast):
    return DeliverableFactory(
        fabrique=cast.fabrique_a,
        participation=cast.participation_a,
        title="Feuille de route",
        kind=DeliverableKind.ROADMAP,
        due_on=DUE,
    )


def _submit(cast, deliverable, upload=None, note=""):
    return services.deliverable_submit(
        deliverable=deliverable, file=upload or pdf_upload(), note=note, actor=cast.provider_a
    )


# Contract ---------------------------------------------------------------------------------------


def test_contract_created_then_updated_with_audit(cast):
    contract = services.contract_save(
        fabrique=cast.fabrique_a,
        provider=cast.provider_org_a,
        reference=" 2026-ANCT-012 ",
        signed_on=datetime.date(2026, 2, 3),
        amount=Decimal("48000.00"),
        actor=cast.pilot_a,
    )
    assert contract.reference == "2026-ANCT-012"
    services.contract_save(
        fabrique=cast.fabrique_a,
        provider=cast.provider_org_a,
        reference="2026-ANCT-012",
        signed_on=datetime.date(2026, 2, 3),
        amount=Decimal("52000.00"),
        actor=cast.pilot_a,
    )
    contract.refresh_from_db()
    assert contract.amount == Decimal("52000.00")
    assert Contract.objects.count() == 1
    update = AuditEvent.objects.filter(action="contract.updated").get()
    assert update.actor == cast.pilot_a
    assert update.data["changes"] == {"amount": ["48000.00", "52000.00"]}
    assert contract.history.count() == 2


def test_contract_with_an_organisation_that_is_not_the_provider_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.contract_save(
            fabrique=cast.fabrique_a,
            provider=cast.provider_org_b,
            reference="X",
            actor=cast.pilot_a,
        )
    assert "n’est pas le prestataire de la Fabrique" in error.value.message_dict["provider"][0]
    assert not Contract.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="contract").exists()


# Definition -------------------------------------------------------------------------------------


def test_deliverable_create_refuses_a_territory_of_another_fabrique(cast):
    with pytest.raises(ValidationError) as error:
        services.deliverable_create(
            fabrique=cast.fabrique_a,
            participation=cast.participation_b,
            title="Feuille de route",
            kind=DeliverableKind.ROADMAP,
            due_on=DUE,
            actor=cast.pilot_a,
        )
    assert error.value.message_dict["participation"] == [
        "Ce territoire n’est pas accompagné par cette Fabrique."
    ]
    assert not Deliverable.objects.exists()


def test_deliverable_update_records_changes_and_resets_reminders(cast, deliverable):
    ReminderSent.objects.create(deliverable=deliverable, kind="before_due", sent_on=DUE)
    services.deliverable_update(
        deliverable=deliverable,
        title="Feuille de route",
        kind=DeliverableKind.ROADMAP,
        participation=cast.participation_a,
        due_on=DUE + datetime.timedelta(days=30),
        actor=cast.pilot_a,
    )
    deliverable.refresh_from_db()
    assert deliverable.due_on == datetime.date(2026, 10, 30)
    assert not deliverable.reminders.exists()  # the new due date gets its own reminders
    event = AuditEvent.objects.get(action="deliverable.updated")
    assert event.data["changes"] == {"due_on": ["2026-09-30", "2026-10-30"]}


def test_territory_of_a_submitted_deliverable_cannot_change(cast, deliverable):
    _submit(cast, deliverable)
    other = ParticipationFactory(fabrique=cast.fabrique_a)
    with pytest.raises(ValidationError) as error:
        services.deliverable_update(
            deliverable=deliverable,
            title="Feuille de route",
            kind=DeliverableKind.ROADMAP,
            participation=other,
            due_on=DUE,
            actor=cast.pilot_a,
        )
    assert "son territoire ne peut plus changer" in error.value.message_dict["participation"][0]


def test_delete_only_while_nothing_was_handed_in(cast, deliverable):
    spare = DeliverableFactory(fabrique=cast.fabrique_a, title="Annexe")
    services.deliverable_delete(deliverable=spare, actor=cast.pilot_a)
    assert not Deliverable.objects.filter(pk=spare.pk).exists()
    assert AuditEvent.objects.filter(action="deliverable.deleted").count() == 1
    _submit(cast, deliverable)
    with pytest.raises(ValidationError) as error:
        services.deliverable_delete(deliverable=deliverable, actor=cast.pilot_a)
    assert "ne peut plus être supprimé" in error.value.messages[0]
    assert Deliverable.objects.filter(pk=deliverable.pk).exists()


def test_generate_defaults_once_per_territory_and_idempotent(cast):
    second = ParticipationFactory(fabrique=cast.fabrique_a, position=2)
    created = services.deliverables_generate_defaults(
        fabrique=cast.fabrique_a, due_on=DUE, actor=cast.pilot_a
    )
    assert sorted((d.kind, d.participation_id, d.title) for d in created) == sorted(
        [
            (DeliverableKind.ROADMAP, cast.participation_a.pk, "Feuille de route"),
            (DeliverableKind.ROADMAP, second.pk, "Feuille de route"),
            (DeliverableKind.SYNTHESIS, None, "Synthèse et préconisations"),
        ]
    )
    assert all(d.due_on == DUE and d.status == DeliverableStatus.PENDING for d in created)
    # Run again, even after a new territory joined: only what is missing is added.
    third = ParticipationFactory(fabrique=cast.fabrique_a, position=3)
    again = services.deliverables_generate_defaults(
        fabrique=cast.fabrique_a, due_on=DUE, actor=cast.pilot_a
    )
    assert [(d.kind, d.participation_id) for d in again] == [(DeliverableKind.ROADMAP, third.pk)]
    assert (
        services.deliverables_generate_defaults(
            fabrique=cast.fabrique_a, due_on=DUE, actor=cast.pilot_a
        )
        == []
    )
    assert Deliverable.objects.filter(fabrique=cast.fabrique_a).count() == 4
    assert not Deliverable.objects.filter(fabrique=cast.fabrique_b).exists()


def test_generate_defaults_explains_a_title_clash(cast):
    DeliverableFactory(
        fabrique=cast.fabrique_a,
        participation=cast.participation_a,
        title="Feuille de route",
        kind=DeliverableKind.OTHER,
    )
    with pytest.raises(ValidationError) as error:
        services.deliverables_generate_defaults(
            fabrique=cast.fabrique_a, due_on=DUE, actor=cast.pilot_a
        )
    assert "Le livrable type «\u00a0Feuille de route —" in error.value.messages[0]
    assert Deliverable.objects.filter(fabrique=cast.fabrique_a).count() == 1  # rolled back


# Submission -------------------------------------------------------------------------------------


def test_submit_stores_a_version_and_tells_the_pilots(
    cast, deliverable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = _submit(cast, deliverable, note="Version validée en comité local.")
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.SUBMITTED
    assert version.number == 1
    assert version.original_name == "feuille-de-route.pdf"
    assert version.size == pdf_upload().size
    assert version.submitted_by == cast.provider_a
    assert re.fullmatch(r"deliverables/[0-9a-f]{32}\.pdf", version.file.name)
    assert version.file.open("rb").read().startswith(b"%PDF-")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.pilot_a.email]
    assert "Livrable déposé" in message.subject
    assert "Feuille de route — " in message.body
    assert "Version validée en comité local." in message.body
    assert f"/espace/livrables/{deliverable.pk}/" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, _mimetype = message.alternatives[0]
    assert isinstance(html, str)
    assert "Examiner le livrable" in html
    event = AuditEvent.objects.get(action="deliverable.submitted")
    assert event.data["from"] == "pending" and event.data["to"] == "submitted"


def test_submit_without_pilot_tells_the_anct_administrators(
    cast, django_capture_on_commit_callbacks
):
    deliverable = DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse")
    cast.pilot_a.memberships.all().delete()
    second_admin = UserFactory(username="admin2@exemple.fr")
    MembershipFactory(user=second_admin, role=MembershipRole.ANCT_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(cast, deliverable)
    assert mail.outbox[0].to == sorted([cast.admin.email, second_admin.email])


@pytest.mark.parametrize(
    "upload",
    [exe_as_pdf_upload, text_as_docx_upload],
    ids=["exe-renamed-pdf", "text-renamed-docx"],
)
def test_submit_refuses_a_file_whose_content_lies(cast, deliverable, upload):
    with pytest.raises(ValidationError) as error:
        _submit(cast, deliverable, upload())
    assert "ne correspond pas à un document" in error.value.message_dict["file"][0]
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.PENDING
    assert not DeliverableVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="deliverable.submitted").exists()


def test_submit_refuses_an_oversize_file(cast, deliverable, settings):
    settings.DELIVERABLE_MAX_UPLOAD_BYTES = 2048
    with pytest.raises(ValidationError) as error:
        _submit(cast, deliverable, pdf_upload(size=4096))
    assert "la taille maximale est de 2,0\xa0Kio" in error.value.message_dict["file"][0]
    assert not DeliverableVersion.objects.exists()


def test_versions_are_numbered_and_resubmission_before_review_is_allowed(cast, deliverable):
    first = _submit(cast, deliverable)
    second = _submit(cast, deliverable, docx_upload())
    assert (first.number, second.number) == (1, 2)
    assert second.file.name.endswith(".docx")


# Review -----------------------------------------------------------------------------------------


def test_accepting_the_latest_version_tells_the_provider(
    cast, deliverable, django_capture_on_commit_callbacks
):
    version = _submit(cast, deliverable)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review = services.deliverable_review(
            version=version, decision="accepted", comment="Très clair.", actor=cast.pilot_a
        )
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.ACCEPTED
    assert review.reviewer == cast.pilot_a
    assert [m.to for m in mail.outbox] == [[cast.provider_a.email]]
    assert "Livrable accepté" in mail.outbox[0].subject
    assert "a été acceptée par l’ANCT" in mail.outbox[0].body
    assert "Très clair." in mail.outbox[0].body
    # Nothing more can be handed in once accepted.
    with pytest.raises(ValidationError) as error:
        _submit(cast, deliverable)
    assert "déjà été accepté" in error.value.messages[0]


def test_changes_requested_needs_a_comment_and_sends_it(
    cast, deliverable, django_capture_on_commit_callbacks
):
    version = _submit(cast, deliverable)
    with pytest.raises(ValidationError) as error:
        services.deliverable_review(
            version=version, decision="changes_requested", comment="  ", actor=cast.pilot_a
        )
    assert error.value.message_dict["comment"] == [
        "Indiquez les modifications demandées au prestataire dans le commentaire."
    ]
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.SUBMITTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.deliverable_review(
            version=version,
            decision="changes_requested",
            comment="Préciser le calendrier des actions.",
            actor=cast.pilot_a,
        )
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.CHANGES_REQUESTED
    message = mail.outbox[0]
    assert message.to == [cast.provider_a.email]
    assert "Modifications demandées" in message.subject
    assert "Préciser le calendrier des actions." in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, _mimetype = message.alternatives[0]
    assert isinstance(html, str)
    assert "Préciser le calendrier des actions." in html


def test_only_the_latest_version_can_be_reviewed_and_only_once(cast, deliverable):
    old = _submit(cast, deliverable)
    latest = _submit(cast, deliverable)
    with pytest.raises(ValidationError) as error:
        services.deliverable_review(version=old, decision="accepted", actor=cast.pilot_a)
    assert error.value.messages == [
        "Seule la dernière version déposée (version 2) peut être examinée\u202f; "
        "la version 1 a été remplacée."
    ]
    services.deliverable_review(version=latest, decision="accepted", actor=cast.pilot_a)
    with pytest.raises(ValidationError) as error:
        services.deliverable_review(version=latest, decision="accepted", actor=cast.pilot_a)
    assert error.value.messages == ["Cette version a déjà été examinée."]


def test_full_status_flow(cast, deliverable):
    statuses = [deliverable.status]
    first = _submit(cast, deliverable)
    deliverable.refresh_from_db()
    statuses.append(deliverable.status)
    services.deliverable_review(
        version=first, decision="changes_requested", comment="Compléter.", actor=cast.pilot_a
    )
    deliverable.refresh_from_db()
    statuses.append(deliverable.status)
    second = _submit(cast, deliverable)
    deliverable.refresh_from_db()
    statuses.append(deliverable.status)
    services.deliverable_review(version=second, decision="accepted", actor=cast.pilot_a)
    deliverable.refresh_from_db()
    statuses.append(deliverable.status)
    assert statuses == [
        "pending",
        "submitted",
        "changes_requested",
        "submitted",
        "accepted",
    ]
    assert deliverable.history.count() == 5  # created + four status changes
    actions = list(
        AuditEvent.objects.filter(object_type="deliverables.deliverable")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "deliverable.submitted",
        "deliverable.changes_requested",
        "deliverable.submitted",
        "deliverable.accepted",
    ]
