import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fabriques.calls.models import Application, ApplicationStatus, CallState
from fabriques.programme.models import FabriqueStatus
from fabriques.territories.models import ParticipationKind
from fabriques.territories.tests.factories import CommuneFactory, EpciFactory, QpvFactory

from .factories import ApplicationFactory, CallCriterionFactory, CallFactory

pytestmark = pytest.mark.django_db


def _violates(name: str, callable_) -> None:
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        callable_()


class TestApplicationConstraints:
    def test_one_territory(self):
        application = ApplicationFactory()
        epci = EpciFactory()
        # A commune application pointing to an EPCI as well.
        _violates(
            "calls_application_one_territory",
            lambda: Application.objects.filter(pk=application.pk).update(epci=epci),
        )

    def test_qpv_needs_a_host(self):
        qpv = QpvFactory()
        application = ApplicationFactory(kind=ParticipationKind.QPV, qpv=qpv)
        assert application.host == application.commune
        _violates(
            "calls_application_one_territory",
            lambda: Application.objects.filter(pk=application.pk).update(commune=None),
        )

    def test_one_deposited_application_per_territory_and_call(self):
        first = ApplicationFactory(submitted=True)
        # Drafts for the same territory coexist…
        draft = ApplicationFactory(call=first.call, commune=first.commune)
        # …but a second deposited one is refused by the database.
        _violates(
            "calls_application_unique_territory",
            lambda: Application.objects.filter(pk=draft.pk).update(
                status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
            ),
        )

    def test_same_territory_may_apply_to_another_call(self):
        first = ApplicationFactory(submitted=True)
        other = ApplicationFactory(submitted=True, commune=first.commune)
        assert other.call_id != first.call_id

    def test_full_clean_reports_the_duplicate_in_french(self):
        first = ApplicationFactory(submitted=True)
        duplicate = ApplicationFactory.build(
            call=first.call, commune=first.commune, applicant=first.applicant, submitted=True
        )
        with pytest.raises(ValidationError) as caught:
            duplicate.full_clean(exclude=["deliberation"])
        assert "Une candidature a déjà été déposée pour ce territoire" in str(caught.value)

    def test_decided_applications_are_dated(self):
        application = ApplicationFactory(submitted=True)
        _violates(
            "calls_application_decision_dated",
            lambda: Application.objects.filter(pk=application.pk).update(
                status=ApplicationStatus.REJECTED
            ),
        )

    def test_submitted_applications_are_dated(self):
        application = ApplicationFactory()
        _violates(
            "calls_application_submitted_dated",
            lambda: Application.objects.filter(pk=application.pk).update(
                status=ApplicationStatus.SUBMITTED
            ),
        )

    def test_territory_label_names_the_host_of_a_qpv(self):
        commune = CommuneFactory(name="Saint-Étienne", code="42218")
        qpv = QpvFactory(name="Montreynaud", code="QN04201M")
        application = ApplicationFactory(kind=ParticipationKind.QPV, qpv=qpv, commune=commune)
        assert application.territory_label == "Montreynaud (QN04201M) — Saint-Étienne"


class TestCallConstraints:
    def test_closing_follows_opening(self):
        call = CallFactory()
        _violates(
            "calls_call_closes_after_opens",
            lambda: type(call).objects.filter(pk=call.pk).update(closes_at=call.opens_at),
        )

    def test_one_call_per_fabrique(self):
        call = CallFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            CallFactory(fabrique=call.fabrique)

    def test_criterion_weight_is_positive(self):
        _violates("calls_callcriterion_weight_positive", lambda: CallCriterionFactory(weight=0))

    def test_criterion_labels_are_unique_per_call(self):
        criterion = CallCriterionFactory(label="Portage politique")
        with pytest.raises(IntegrityError), transaction.atomic():
            CallCriterionFactory(call=criterion.call, label="Portage politique")


class TestCallState:
    def test_states_over_time(self):
        now = timezone.now()
        call = CallFactory(
            opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=5)
        )
        assert call.state(now) == CallState.NOT_OPEN
        assert call.state(now + datetime.timedelta(days=2)) == CallState.OPEN
        assert call.state(now + datetime.timedelta(days=5)) == CallState.CLOSED

    def test_the_fabrique_status_wins(self):
        call = CallFactory()
        now = timezone.now()
        call.fabrique.status = FabriqueStatus.DESIGNED
        assert call.state(now) == CallState.NOT_OPEN
        call.fabrique.status = FabriqueStatus.SELECTION
        assert call.state(now) == CallState.CLOSED

    def test_no_closing_date_never_opens(self):
        call = CallFactory(closes_at=None)
        assert call.state(timezone.now()) == CallState.NOT_OPEN
