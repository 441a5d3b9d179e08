import datetime
import re
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.accounts.tests.factories import UserFactory
from fabriques.calls import services
from fabriques.calls.models import Application, ApplicationScore, ApplicationStatus
from fabriques.calls.services import ApplicationInput, CriterionInput, ScoreInput
from fabriques.calls.services import applications as applications_module
from fabriques.core.models import AuditEvent
from fabriques.programme.models import FabriqueStatus
from fabriques.territories.models import Participation, ParticipationKind
from fabriques.territories.tests.factories import (
    CommuneFactory,
    EpciFactory,
    ParticipationFactory,
    QpvFactory,
)

from .factories import (
    ApplicationFactory,
    CallCriterionFactory,
    CallFactory,
    docx_renamed_pdf,
    pdf_upload,
    text_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(db) -> User:
    """Whoever takes a decision that the test does not look at."""
    return UserFactory.create()


def complete(commune, **overrides) -> ApplicationInput:
    values: dict[str, Any] = {
        "territory": (ParticipationKind.COMMUNE, commune.pk),
        "elected_name": "Gaël Perdriau",
        "elected_mandate": "Maire",
        "elected_email": "maire@saint-etienne.fr",
        "technical_name": "Claire Dupont",
        "technical_role": "Directrice générale des services",
        "technical_email": "dgs@saint-etienne.fr",
        "motivation": "Imaginer la ville de 2040 avec ses habitants.",
        "working_group_intent": "Services de l’État, Maison de l’emploi, conseil citoyen.",
    }
    values.update(overrides)
    return ApplicationInput(**values)


@contextmanager
def refused(text: str):
    """Expect a ValidationError one of whose French messages contains `text`."""
    with pytest.raises(ValidationError) as caught:
        yield
    assert any(text in message for message in caught.value.messages), caught.value.messages


def errors_of(caught) -> dict[str, list[str]]:
    return caught.value.message_dict


# --------------------------------------------------------------------------------------------
# Drafting and submitting


class TestDraft:
    def test_a_draft_needs_only_the_territory(self, call, applicant, commune):
        application = services.application_save_draft(
            call=call,
            applicant=applicant,
            data=ApplicationInput(territory=(ParticipationKind.COMMUNE, commune.pk)),
        )
        assert application.status == ApplicationStatus.DRAFT
        assert application.commune == commune
        assert application.departement == commune.departement
        assert AuditEvent.objects.filter(action="application.draft_created").count() == 1

    def test_unknown_territory_is_refused(self, call, applicant):
        with pytest.raises(ValidationError) as caught:
            services.application_save_draft(
                call=call,
                applicant=applicant,
                data=ApplicationInput(territory=(ParticipationKind.COMMUNE, 999999)),
            )
        assert errors_of(caught) == {"territory": ["Ce territoire est inconnu du référentiel."]}
        assert not Application.objects.exists()

    def test_someone_else_draft_cannot_be_saved(self, call, applicant, commune):
        draft = ApplicationFactory(call=call)
        with pytest.raises(ValidationError, match="ne vous appartient pas"):
            services.application_save_draft(
                call=call, applicant=applicant, data=complete(commune), application=draft
            )

    def test_a_submitted_application_can_no_longer_be_changed(self, call, applicant, commune):
        submitted = ApplicationFactory(call=call, applicant=applicant, submitted=True)
        with pytest.raises(ValidationError, match="déjà déposée"):
            services.application_save_draft(
                call=call, applicant=applicant, data=complete(commune), application=submitted
            )

    def test_saving_the_same_new_draft_twice_resumes_it(self, call, applicant, commune):
        # The form posted twice (a double click, two tabs) before either response came back.
        first = services.application_save_draft(
            call=call, applicant=applicant, data=complete(commune, deliberation=pdf_upload())
        )
        second = services.application_save_draft(
            call=call,
            applicant=applicant,
            data=complete(commune, motivation="Deuxième envoi.", deliberation=pdf_upload()),
        )
        assert second.pk == first.pk
        draft = Application.objects.get(call=call, applicant=applicant)
        assert draft.motivation == "Deuxième envoi."
        actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
        assert actions == ["application.draft_created", "application.draft_saved"]

    def test_the_database_refuses_a_second_draft_for_the_same_key(self, call, applicant, commune):
        ApplicationFactory(call=call, applicant=applicant, commune=commune)
        with pytest.raises(IntegrityError), transaction.atomic():
            ApplicationFactory(call=call, applicant=applicant, commune=commune)
        # Another person, another territory, or a deposited application: no conflict.
        ApplicationFactory(call=call, commune=commune)
        ApplicationFactory(call=call, applicant=applicant)
        ApplicationFactory(call=call, applicant=applicant, commune=commune, submitted=True)
        assert Application.objects.filter(call=call, commune=commune).count() == 3

    def test_a_concurrent_save_resumes_the_draft_that_won_and_leaves_no_file(
        self, call, applicant, commune, django_capture_on_commit_callbacks
    ):
        winner = services.application_save_draft(
            call=call, applicant=applicant, data=complete(commune, deliberation=pdf_upload())
        )
        before = set(default_storage.listdir("applications")[1])
        real = applications_module._own_draft
        calls = []

        def missed_once(application):
            # The first look-up runs before the winner commits, so it finds nothing…
            calls.append(application)
            return None if len(calls) == 1 else real(application)

        with (
            mock.patch.object(applications_module, "_own_draft", missed_once),
            # … and neither does full_clean's check of the constraint: only the insert fails.
            mock.patch.object(Application, "validate_constraints", lambda self, exclude=None: None),
            django_capture_on_commit_callbacks(execute=True),
        ):
            saved = services.application_save_draft(
                call=call,
                applicant=applicant,
                data=complete(commune, motivation="Perdant.", deliberation=pdf_upload()),
            )
        assert len(calls) == 2  # missed, then found after the insert failed
        assert saved.pk == winner.pk
        assert Application.objects.filter(applicant=applicant).count() == 1
        assert saved.motivation == "Perdant."
        # The winner's file was replaced by the loser's; the insert that failed left nothing.
        after = set(default_storage.listdir("applications")[1])
        assert saved.deliberation.name is not None
        assert after - before == {saved.deliberation.name.removeprefix("applications/")}
        assert len(after) == len(before)

    def test_moving_a_draft_onto_another_draft_of_the_same_territory_is_explained(
        self, call, applicant, commune
    ):
        other = CommuneFactory(name="Roanne", code="42187")
        services.application_save_draft(call=call, applicant=applicant, data=complete(commune))
        second = services.application_save_draft(
            call=call, applicant=applicant, data=complete(other)
        )
        with refused("Vous avez déjà un brouillon de candidature pour ce territoire à cet appel"):
            services.application_save_draft(
                call=call, applicant=applicant, data=complete(commune), application=second
            )


class TestSubmit:
    def test_submission_is_confirmed_to_the_three_people(
        self, call, applicant, commune, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            application = services.application_save_and_submit(
                call=call, applicant=applicant, data=complete(commune)
            )
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.submitted_at is not None
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert sorted(message.to) == [
            "agent@saint-etienne.fr",
            "dgs@saint-etienne.fr",
            "maire@saint-etienne.fr",
        ]
        assert message.subject == (
            "Votre candidature à la Fabrique « Centres-bourgs 2040 » est déposée"
        )
        assert "La candidature de Saint-Étienne (42218)" in message.body
        assert "Gaël Perdriau, Maire" in message.body
        assert isinstance(message, EmailMultiAlternatives)
        html, _mimetype = message.alternatives[0]
        assert isinstance(html, str)
        assert "Saint-Étienne (42218)" in html
        assert f"/espace/candidatures/{application.pk}/" in message.body
        assert AuditEvent.objects.filter(action="application.submitted").count() == 1

    def test_missing_fields_are_named_and_nothing_is_saved(
        self, call, applicant, commune, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(ValidationError) as caught,
        ):
            services.application_save_and_submit(
                call=call,
                applicant=applicant,
                data=complete(commune, elected_email="", motivation="  "),
            )
        assert errors_of(caught) == {
            "elected_email": ["Ce champ est obligatoire pour déposer la candidature."],
            "motivation": ["Ce champ est obligatoire pour déposer la candidature."],
        }
        assert not Application.objects.exists()
        assert mail.outbox == []

    def test_an_incomplete_draft_is_not_submitted(self, call, applicant, commune):
        draft = services.application_save_draft(
            call=call,
            applicant=applicant,
            data=ApplicationInput(territory=(ParticipationKind.COMMUNE, commune.pk)),
        )
        with pytest.raises(ValidationError) as caught:
            services.application_submit(application=draft, actor=applicant)
        assert set(errors_of(caught)) == set(services.REQUIRED_TO_SUBMIT)
        draft.refresh_from_db()
        assert draft.status == ApplicationStatus.DRAFT

    def test_duplicate_from_another_applicant_is_refused(self, call, applicant, commune):
        ApplicationFactory(call=call, commune=commune, submitted=True)
        with pytest.raises(ValidationError) as caught:
            services.application_save_and_submit(
                call=call, applicant=applicant, data=complete(commune)
            )
        assert (
            "Une candidature a déjà été déposée pour Saint-Étienne à cet appel"
            in (errors_of(caught)["territory"][0])
        )
        assert Application.objects.filter(applicant=applicant).count() == 0

    def test_two_drafts_for_one_territory_only_the_first_is_deposited(
        self, call, applicant, commune
    ):
        other = UserFactory.create()
        first = services.application_save_draft(call=call, applicant=other, data=complete(commune))
        second = services.application_save_draft(
            call=call, applicant=applicant, data=complete(commune)
        )
        services.application_submit(application=first, actor=other)
        with pytest.raises(ValidationError, match="déjà été déposée pour Saint-Étienne"):
            services.application_submit(application=second, actor=applicant)
        second.refresh_from_db()
        assert second.status == ApplicationStatus.DRAFT

    def test_the_same_territory_may_apply_to_another_fabrique(self, call, applicant, commune):
        ApplicationFactory(commune=commune, submitted=True)  # another call
        application = services.application_save_and_submit(
            call=call, applicant=applicant, data=complete(commune)
        )
        assert application.status == ApplicationStatus.SUBMITTED

    def test_submitting_twice_is_refused(self, call, applicant, commune):
        application = services.application_save_and_submit(
            call=call, applicant=applicant, data=complete(commune)
        )
        with pytest.raises(ValidationError, match="déjà été déposée"):
            services.application_submit(application=application, actor=applicant)


class TestClosedCall:
    def test_before_opening(self, call, applicant, commune):
        before = call.opens_at - datetime.timedelta(hours=1)
        with pytest.raises(ValidationError) as caught:
            services.application_save_and_submit(
                call=call, applicant=applicant, data=complete(commune), now=before
            )
        assert "L’appel à volontaires ouvrira le" in caught.value.messages[0]
        assert not Application.objects.exists()

    def test_after_closing(self, call, applicant, commune):
        draft = services.application_save_draft(
            call=call, applicant=applicant, data=complete(commune)
        )
        after = call.closes_at + datetime.timedelta(minutes=1)
        with pytest.raises(ValidationError) as caught:
            services.application_submit(application=draft, actor=applicant, now=after)
        assert caught.value.messages[0].startswith("L’appel à volontaires est clos depuis le")
        with pytest.raises(ValidationError, match="clos depuis"):
            services.application_save_draft(
                call=call, applicant=applicant, data=complete(commune), application=draft, now=after
            )
        draft.refresh_from_db()
        assert draft.status == ApplicationStatus.DRAFT

    @pytest.mark.parametrize(
        ("status", "message"),
        [
            (FabriqueStatus.DESIGNED, "n’est pas encore ouvert"),
            (FabriqueStatus.SELECTION, "est clos"),
            (FabriqueStatus.RUNNING, "est clos"),
        ],
    )
    def test_fabrique_not_in_call_open(self, call, applicant, commune, status, message):
        call.fabrique.status = status
        call.fabrique.save()
        with pytest.raises(ValidationError, match=message):
            services.application_save_and_submit(
                call=call, applicant=applicant, data=complete(commune)
            )
        assert not Application.objects.exists()


class TestDeliberation:
    def test_a_real_pdf_is_kept_under_a_random_name(self, call, applicant, commune):
        application = services.application_save_draft(
            call=call, applicant=applicant, data=complete(commune, deliberation=pdf_upload())
        )
        name = application.deliberation.name
        assert name is not None
        assert re.fullmatch(r"applications/[0-9a-f]{32}\.pdf", name)
        with default_storage.open(name, "rb") as stored:
            assert len(PdfReader(stored).pages) == 1

    @pytest.mark.parametrize("upload", [docx_renamed_pdf, text_upload])
    def test_not_a_pdf_is_refused(self, call, applicant, commune, upload):
        with pytest.raises(ValidationError) as caught:
            services.application_save_draft(
                call=call, applicant=applicant, data=complete(commune, deliberation=upload())
            )
        assert errors_of(caught)["deliberation"][0].startswith("Ce fichier n’est pas un PDF valide")
        assert not Application.objects.exists()

    def test_a_pdf_under_another_name_is_refused(self, call, applicant, commune):
        with pytest.raises(ValidationError, match=r"Seuls les fichiers PDF \(\.pdf\)"):
            services.application_save_draft(
                call=call,
                applicant=applicant,
                data=complete(commune, deliberation=pdf_upload("deliberation.exe")),
            )

    @override_settings(APPLICATION_MAX_UPLOAD_BYTES=100)
    def test_oversize_is_refused(self, call, applicant, commune):
        with pytest.raises(ValidationError) as caught:
            services.application_save_draft(
                call=call, applicant=applicant, data=complete(commune, deliberation=pdf_upload())
            )
        assert "la taille maximale est de 100\xa0octets" in errors_of(caught)["deliberation"][0]
        assert not Application.objects.exists()

    def test_replacing_or_removing_deletes_the_old_file(
        self, call, applicant, commune, django_capture_on_commit_callbacks
    ):
        application = services.application_save_draft(
            call=call, applicant=applicant, data=complete(commune, deliberation=pdf_upload())
        )
        first = application.deliberation.name
        with django_capture_on_commit_callbacks(execute=True):
            application = services.application_save_draft(
                call=call,
                applicant=applicant,
                data=complete(commune, deliberation=pdf_upload()),
                application=application,
            )
        second = application.deliberation.name
        assert first is not None and second is not None
        assert second != first
        assert not default_storage.exists(first)
        assert default_storage.exists(second)
        with django_capture_on_commit_callbacks(execute=True):
            application = services.application_save_draft(
                call=call,
                applicant=applicant,
                data=complete(commune, deliberation=False),
                application=application,
            )
        assert not application.deliberation
        assert not default_storage.exists(second)


class TestQpv:
    def test_the_host_comes_from_the_only_commune(self, call, applicant, commune):
        qpv = QpvFactory(name="Montreynaud")
        qpv.communes.add(commune)
        application = services.application_save_draft(
            call=call,
            applicant=applicant,
            data=ApplicationInput(territory=(ParticipationKind.QPV, qpv.pk)),
        )
        assert (application.qpv, application.commune, application.epci) == (qpv, commune, None)
        assert application.departement == qpv.departement

    def test_an_unknown_host_must_be_given(self, call, applicant):
        qpv = QpvFactory()
        with pytest.raises(ValidationError) as caught:
            services.application_save_draft(
                call=call,
                applicant=applicant,
                data=ApplicationInput(territory=(ParticipationKind.QPV, qpv.pk)),
            )
        assert (
            "qui porte la candidature de ce quartier prioritaire" in (errors_of(caught)["host"][0])
        )

    def test_an_epci_may_carry_it(self, call, applicant):
        qpv, epci = QpvFactory(), EpciFactory()
        application = services.application_save_draft(
            call=call,
            applicant=applicant,
            data=ApplicationInput(
                territory=(ParticipationKind.QPV, qpv.pk), host=(ParticipationKind.EPCI, epci.pk)
            ),
        )
        assert application.host == epci

    def test_a_qpv_cannot_carry_a_qpv(self, call, applicant):
        qpv, other = QpvFactory(), QpvFactory()
        with pytest.raises(ValidationError, match="une commune ou un EPCI"):
            services.application_save_draft(
                call=call,
                applicant=applicant,
                data=ApplicationInput(
                    territory=(ParticipationKind.QPV, qpv.pk),
                    host=(ParticipationKind.QPV, other.pk),
                ),
            )


# --------------------------------------------------------------------------------------------
# Scores


def _criteria(call):
    return list(call.criteria.order_by("position"))


class TestScore:
    def test_weighted_total(self, call):
        application = ApplicationFactory(call=call, submitted=True)
        pilot = UserFactory.create()
        politics, group = _criteria(call)
        services.application_score(
            application=application,
            scores=[ScoreInput(politics.pk, 4, "Maire très engagée"), ScoreInput(group.pk, 3)],
            actor=pilot,
        )
        from fabriques.calls.selectors import application_score_sheet

        total = application_score_sheet(application=application).total
        # (4 × 2 + 3 × 1) / (5 × 2 + 5 × 1) = 11 / 15
        assert (total.points, total.maximum) == (11, 15)
        assert str(total.percent) == "73.3"
        assert total.complete

    def test_the_last_scorer_wins_and_history_keeps_both(self, call):
        application = ApplicationFactory(call=call, submitted=True)
        politics, _group = _criteria(call)
        first, second = UserFactory.create(), UserFactory.create()
        services.application_score(
            application=application, scores=[ScoreInput(politics.pk, 2)], actor=first
        )
        services.application_score(
            application=application, scores=[ScoreInput(politics.pk, 5)], actor=second
        )
        score = ApplicationScore.objects.get(application=application, criterion=politics)
        assert (score.score, score.scored_by) == (5, second)
        assert [h.score for h in score.history.order_by("history_date")] == [2, 5]

    def test_out_of_range_is_refused(self, call, pilot):
        application = ApplicationFactory(call=call, submitted=True)
        politics, _group = _criteria(call)
        with pytest.raises(ValidationError) as caught:
            services.application_score(
                application=application, scores=[ScoreInput(politics.pk, 6)], actor=pilot
            )
        assert errors_of(caught) == {
            f"score_{politics.pk}": [
                "La note du critère « Portage politique » est comprise entre 0 et 5."
            ]
        }
        assert not ApplicationScore.objects.exists()

    def test_a_criterion_of_another_call_is_refused(self, call, pilot):
        application = ApplicationFactory(call=call, submitted=True)
        foreign = CallCriterionFactory()
        with pytest.raises(ValidationError, match="n’appartient pas à cet appel"):
            services.application_score(
                application=application, scores=[ScoreInput(foreign.pk, 1)], actor=pilot
            )

    def test_a_draft_is_not_scored(self, call, pilot):
        draft = ApplicationFactory(call=call)
        politics, _group = _criteria(call)
        with pytest.raises(ValidationError, match="brouillon ne peut pas être noté"):
            services.application_score(
                application=draft, scores=[ScoreInput(politics.pk, 3)], actor=pilot
            )

    def test_blank_removes_a_score(self, call, pilot):
        application = ApplicationFactory(call=call, submitted=True)
        politics, _group = _criteria(call)
        services.application_score(
            application=application, scores=[ScoreInput(politics.pk, 3)], actor=pilot
        )
        services.application_score(
            application=application, scores=[ScoreInput(politics.pk, None)], actor=pilot
        )
        assert not ApplicationScore.objects.exists()


# --------------------------------------------------------------------------------------------
# Decisions


def _in_selection(call):
    call.fabrique.status = FabriqueStatus.SELECTION
    call.fabrique.save()


class TestSelect:
    def test_selection_creates_the_participation_and_invites_the_referents(
        self, call, commune, django_capture_on_commit_callbacks
    ):
        _in_selection(call)
        pilot = UserFactory.create()
        application = ApplicationFactory(
            call=call,
            commune=commune,
            submitted=True,
            elected_name="Gaël Perdriau",
            elected_mandate="Maire",
            elected_email="maire@saint-etienne.fr",
            technical_name="Claire Dupont",
            technical_role="DGS",
            technical_email="dgs@saint-etienne.fr",
        )
        with django_capture_on_commit_callbacks(execute=True):
            application = services.application_select(
                application=application, actor=pilot, note="Très bon dossier"
            )
        participation = application.participation
        assert participation is not None
        assert application.status == ApplicationStatus.SELECTED
        assert application.decided_at is not None
        assert (participation.fabrique, participation.kind, participation.commune) == (
            call.fabrique,
            ParticipationKind.COMMUNE,
            commune,
        )
        assert participation.label == "Saint-Étienne"
        assert participation.departement == commune.departement
        memberships = {
            (m.user.email, m.role, m.mandate, m.user.first_name, m.user.last_name)
            for m in Membership.objects.filter(participation=participation).select_related("user")
        }
        assert memberships == {
            (
                "maire@saint-etienne.fr",
                MembershipRole.ELECTED_REFERENT,
                "Maire",
                "Gaël",
                "Perdriau",
            ),
            ("dgs@saint-etienne.fr", MembershipRole.TECHNICAL_REFERENT, "DGS", "Claire", "Dupont"),
        }
        invitations = {tuple(m.to): m for m in mail.outbox}
        assert set(invitations) == {("maire@saint-etienne.fr",), ("dgs@saint-etienne.fr",)}
        body = invitations[("maire@saint-etienne.fr",)].body
        assert "Élu référent" in body
        assert "Centres-bourgs 2040" in body
        assert "/compte/invitation/" in body
        assert AuditEvent.objects.filter(action="application.selected").count() == 1
        assert AuditEvent.objects.filter(action="participation.created").count() == 1

    def test_one_person_holding_both_roles_gets_one_invitation(
        self, call, django_capture_on_commit_callbacks, pilot
    ):
        _in_selection(call)
        application = ApplicationFactory(
            call=call,
            submitted=True,
            elected_email="maire@petite-commune.fr",
            technical_email="Maire@petite-commune.fr",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.application_select(application=application, actor=pilot)
        assert len(mail.outbox) == 1
        roles = set(
            Membership.objects.filter(user__email="maire@petite-commune.fr").values_list(
                "role", flat=True
            )
        )
        assert roles == {MembershipRole.ELECTED_REFERENT, MembershipRole.TECHNICAL_REFERENT}

    def test_not_while_the_call_is_open(self, call, pilot):
        application = ApplicationFactory(call=call, submitted=True)
        with pytest.raises(ValidationError) as caught:
            services.application_select(application=application, actor=pilot)
        assert caught.value.messages == [
            "Les territoires se retiennent pendant la phase de sélection ; la Fabrique est au "
            "statut « Appel à volontaires ouvert »."
        ]
        assert not Participation.objects.exists()

    def test_not_a_ninth_territory(self, call, django_capture_on_commit_callbacks, pilot):
        _in_selection(call)
        ParticipationFactory.create_batch(8, fabrique=call.fabrique)
        application = ApplicationFactory(call=call, submitted=True)
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(ValidationError) as caught,
        ):
            services.application_select(application=application, actor=pilot)
        assert "La Fabrique réunit déjà 8 territoires, le maximum" in caught.value.messages[0]
        assert call.fabrique.participations.count() == 8
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        assert mail.outbox == []

    def test_not_twice(self, call, pilot):
        _in_selection(call)
        application = ApplicationFactory(call=call, submitted=True)
        services.application_select(application=application, actor=pilot)
        with pytest.raises(ValidationError, match="déjà retenue"):
            services.application_select(application=application, actor=pilot)

    def test_not_a_draft(self, call, pilot):
        _in_selection(call)
        with refused("elle est « Brouillon »"):
            services.application_select(application=ApplicationFactory(call=call), actor=pilot)

    def test_a_qpv_joins_with_its_host(self, call, pilot):
        _in_selection(call)
        host = CommuneFactory(name="Saint-Étienne")
        qpv = QpvFactory(name="Montreynaud")
        application = ApplicationFactory(
            call=call, kind=ParticipationKind.QPV, qpv=qpv, commune=host, submitted=True
        )
        participation = services.application_select(
            application=application, actor=pilot
        ).participation
        assert participation is not None
        assert (participation.kind, participation.qpv, participation.commune) == (
            ParticipationKind.QPV,
            qpv,
            host,
        )
        assert participation.label == "Montreynaud (Saint-Étienne)"


class TestShortlistAndReject:
    def test_shortlist_then_reject(self, call, pilot):
        application = ApplicationFactory(call=call, submitted=True)
        services.application_shortlist(application=application, actor=pilot)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SHORTLISTED
        services.application_reject(application=application, actor=pilot, note="Hors périmètre")
        application.refresh_from_db()
        assert application.status == ApplicationStatus.REJECTED
        assert application.decided_at is not None
        assert application.decision_note == "Hors périmètre"

    def test_a_selected_application_cannot_be_rejected(self, call, pilot):
        _in_selection(call)
        application = services.application_select(
            application=ApplicationFactory(call=call, submitted=True), actor=pilot
        )
        with pytest.raises(ValidationError, match="le territoire fait partie de la Fabrique"):
            services.application_reject(application=application, actor=pilot)

    def test_no_decision_once_running(self, call, pilot):
        application = ApplicationFactory(call=call, submitted=True)
        call.fabrique.status = FabriqueStatus.RUNNING
        call.fabrique.save()
        with refused("au statut « En cours »"):
            services.application_reject(application=application, actor=pilot)
        with refused("au statut « En cours »"):
            services.application_shortlist(application=application, actor=pilot)

    def test_a_draft_is_not_shortlisted(self, call, pilot):
        with pytest.raises(ValidationError, match="Seule une candidature déposée"):
            services.application_shortlist(application=ApplicationFactory(call=call), actor=pilot)


class TestNotifyOutcomes:
    def test_undecided_applications_block_the_announcement(self, call, pilot):
        _in_selection(call)
        ApplicationFactory(call=call, submitted=True)
        with pytest.raises(ValidationError, match="1 candidature\\(s\\) attendent encore"):
            services.call_notify_outcomes(call=call, actor=pilot)

    def test_not_during_the_call(self, call, pilot):
        with pytest.raises(ValidationError, match="une fois la sélection commencée"):
            services.call_notify_outcomes(call=call, actor=pilot)

    def test_every_applicant_is_told_once(self, call, django_capture_on_commit_callbacks, pilot):
        _in_selection(call)
        selected = ApplicationFactory(
            call=call,
            submitted=True,
            commune=CommuneFactory(name="Saint-Étienne", code="42218"),
            applicant=UserFactory(email="a@saint-etienne.fr"),
        )
        services.application_select(application=selected, actor=pilot)
        rejected = ApplicationFactory(
            call=call,
            submitted=True,
            commune=CommuneFactory(name="Roanne", code="42187"),
            applicant=UserFactory(email="a@roanne.fr"),
            elected_email="maire@roanne.fr",
            technical_email="dgs@roanne.fr",
        )
        services.application_reject(application=rejected, actor=pilot)
        ApplicationFactory(call=call)  # a draft: nobody to tell
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            report = services.call_notify_outcomes(call=call, actor=pilot)
        assert (report.selected, report.rejected) == (1, 1)
        by_subject = {m.subject: m for m in mail.outbox}
        good = by_subject["Fabrique « Centres-bourgs 2040 » : votre territoire est retenu"]
        assert "a@saint-etienne.fr" in good.to
        assert "Bonne nouvelle : Saint-Étienne (42218) est retenu" in good.body
        bad = by_subject["Fabrique « Centres-bourgs 2040 » : réponse à votre candidature"]
        assert sorted(bad.to) == ["a@roanne.fr", "dgs@roanne.fr", "maire@roanne.fr"]
        assert "n’a pas été retenu cette fois-ci" in bad.body
        assert "supprimée 365 jours après cette décision" in bad.body
        assert Application.objects.filter(notified_at__isnull=False).count() == 2
        mail.outbox.clear()
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(ValidationError, match="déjà été informés"),
        ):
            services.call_notify_outcomes(call=call, actor=pilot)
        assert mail.outbox == []


# --------------------------------------------------------------------------------------------
# Retention


class TestPurge:
    def test_retention_period_is_respected(self, call, django_capture_on_commit_callbacks):
        now = timezone.now()
        long_ago = now - datetime.timedelta(days=400)
        recently = now - datetime.timedelta(days=100)
        old = ApplicationFactory(
            call=call,
            status=ApplicationStatus.REJECTED,
            submitted_at=long_ago,
            decided_at=long_ago,
            deliberation=pdf_upload(),
        )
        old_file = old.deliberation.name
        assert old_file is not None
        CallCriterionFactory(call=call)
        ApplicationScore.objects.create(
            application=old, criterion=call.criteria.first(), score=1, scored_at=long_ago
        )
        kept = ApplicationFactory(
            call=call, status=ApplicationStatus.REJECTED, submitted_at=recently, decided_at=recently
        )
        selected = ApplicationFactory(
            call=call,
            status=ApplicationStatus.SELECTED,
            submitted_at=long_ago,
            decided_at=long_ago,
        )
        closed_call = CallFactory(
            opens_at=long_ago - datetime.timedelta(days=30), closes_at=long_ago
        )
        stale_draft = ApplicationFactory(call=closed_call)
        live_draft = ApplicationFactory(call=call)
        with django_capture_on_commit_callbacks(execute=True):
            report = services.applications_purge(now=now)
        assert (report.rejected, report.drafts, report.files) == (1, 1, 1)
        remaining = set(Application.objects.values_list("pk", flat=True))
        assert remaining == {kept.pk, selected.pk, live_draft.pk}
        assert not default_storage.exists(old_file)
        assert not Application.history.filter(id__in=[old.pk, stale_draft.pk]).exists()
        assert not ApplicationScore.history.filter(application_id=old.pk).exists()
        event = AuditEvent.objects.get(action="applications.purged")
        assert event.data["rejected"] == 1 and event.data["drafts"] == 1

    @override_settings(APPLICATION_RETENTION_DAYS=30)
    def test_the_period_comes_from_the_settings(self, call):
        decided = timezone.now() - datetime.timedelta(days=31)
        ApplicationFactory(
            call=call, status=ApplicationStatus.REJECTED, submitted_at=decided, decided_at=decided
        )
        assert services.applications_purge().rejected == 1

    def test_nothing_to_purge_leaves_no_event(self, call):
        ApplicationFactory(call=call, submitted=True)
        assert services.applications_purge().total == 0
        assert not AuditEvent.objects.filter(action="applications.purged").exists()

    def test_the_management_command(self, call, capsys):
        from django.core.management import call_command

        decided = timezone.now() - datetime.timedelta(days=400)
        ApplicationFactory(
            call=call, status=ApplicationStatus.REJECTED, submitted_at=decided, decided_at=decided
        )
        call_command("purge_applications")
        assert "1 candidature(s) non retenue(s) et 0 brouillon(s) supprimé(s)" in (
            capsys.readouterr().out
        )
        assert not Application.objects.exists()

    def test_the_task(self, call):
        from fabriques.calls.tasks import purge_applications

        decided = timezone.now() - datetime.timedelta(days=400)
        ApplicationFactory(
            call=call, status=ApplicationStatus.REJECTED, submitted_at=decided, decided_at=decided
        )
        result = purge_applications.enqueue()
        assert result.return_value == {"rejected": 1, "drafts": 0, "files": 0}


# --------------------------------------------------------------------------------------------
# Personal data


class TestPersonalData:
    def test_export_and_erase(self, call, applicant, pilot):
        from fabriques.accounts.personal_data import sources

        source = next(s for s in sources() if s.key == "calls.applications")
        draft = ApplicationFactory(call=call, applicant=applicant)
        _in_selection(call)
        selected = services.application_select(
            application=ApplicationFactory(call=call, applicant=applicant, submitted=True),
            actor=pilot,
        )
        named = ApplicationFactory(call=call, submitted=True, technical_email=applicant.email)
        rows = source.export(applicant)
        assert len(rows) == 3
        assert {tuple(r["rôles"]) for r in rows} == {("déposant",), ("référent technique",)}

        assert source.erase(applicant) == 3
        assert not Application.objects.filter(pk=draft.pk).exists()
        selected.refresh_from_db()
        assert selected.applicant is None
        assert selected.participation is not None  # the territory stays in the Fabrique
        named.refresh_from_db()
        assert (named.technical_name, named.technical_email) == ("", "")
        assert named.elected_email  # someone else's address is kept
        assert source.export(applicant) == []


# --------------------------------------------------------------------------------------------
# Calls and criteria


class TestCallSave:
    def _save(self, fabrique, criteria=None, **overrides):
        values: dict[str, Any] = {
            "opens_at": None,
            "closes_at": timezone.now() + datetime.timedelta(days=30),
            "introduction": "Présentation",
            "expected_commitment": "",
            "decision_expected_on": None,
        }
        values.update(overrides)
        return services.call_save(
            fabrique=fabrique, actor=UserFactory.create(), criteria=criteria, **values
        )

    def test_create_then_edit_criteria(self):
        from fabriques.programme.tests.factories import FabriqueFactory

        fabrique = FabriqueFactory(status=FabriqueStatus.DESIGNED)
        call = self._save(
            fabrique,
            [CriterionInput("Portage", weight=2), CriterionInput("Groupe", max_score=10)],
        )
        portage, groupe = call.criteria.order_by("position")
        assert (portage.label, portage.weight, groupe.max_score) == ("Portage", 2, 10)
        call = self._save(
            fabrique,
            [
                CriterionInput("Groupe de travail", pk=groupe.pk, max_score=10),
                CriterionInput("Portage", pk=portage.pk, delete=True),
                CriterionInput("Ambition"),
            ],
        )
        assert list(call.criteria.order_by("position").values_list("label", flat=True)) == [
            "Groupe de travail",
            "Ambition",
        ]
        assert AuditEvent.objects.filter(action="call.created").count() == 1
        assert AuditEvent.objects.filter(action="call.criterion_deleted").count() == 1

    def test_a_scored_criterion_stays_and_nothing_changes(self, call, pilot):
        politics, _group = _criteria(call)
        services.application_score(
            application=ApplicationFactory(call=call, submitted=True),
            scores=[ScoreInput(politics.pk, 4)],
            actor=pilot,
        )
        with pytest.raises(ValidationError, match="a déjà servi à noter"):
            self._save(
                call.fabrique,
                [CriterionInput("Portage politique", pk=politics.pk, delete=True)],
                introduction="Nouveau texte",
            )
        call.refresh_from_db()
        assert call.introduction != "Nouveau texte"
        with pytest.raises(ValidationError, match="a déjà reçu la note 4"):
            self._save(
                call.fabrique,
                [CriterionInput("Portage politique", pk=politics.pk, weight=2, max_score=3)],
            )

    def test_duplicate_labels(self, call):
        with pytest.raises(ValidationError, match="Deux critères portent le même nom"):
            self._save(call.fabrique, [CriterionInput("A"), CriterionInput("a")])

    def test_closing_before_opening(self, call):
        with pytest.raises(ValidationError, match="La clôture doit suivre l’ouverture"):
            self._save(
                call.fabrique,
                opens_at=timezone.now(),
                closes_at=timezone.now() - datetime.timedelta(days=1),
            )
