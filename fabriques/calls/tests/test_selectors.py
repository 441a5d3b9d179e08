import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fabriques.calls.models import ApplicationStatus
from fabriques.calls.selectors import (
    call_open_problems,
    open_calls,
    public_call,
    selection_summary,
    territory_resolve,
    weighted_score,
)
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.factories import FabriqueFactory
from fabriques.territories.models import ParticipationKind
from fabriques.territories.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

from .factories import ApplicationFactory, CallCriterionFactory, CallFactory

pytestmark = pytest.mark.django_db


class TestCallOpenProblems:
    def test_no_call(self):
        fabrique = FabriqueFactory.create(status=FabriqueStatus.DESIGNED)
        assert call_open_problems(fabrique=fabrique) == [
            "Aucun appel à volontaires n’est rédigé pour cette Fabrique."
        ]

    def test_everything_missing(self):
        call = CallFactory(introduction=" ", closes_at=None, opens_at=None)
        assert call_open_problems(fabrique=call.fabrique) == [
            "L’appel n’a pas de texte de présentation.",
            "L’appel n’a pas de date de clôture.",
            "L’appel n’a aucun critère de sélection.",
        ]

    def test_closing_date_in_the_past(self):
        closes_at = timezone.make_aware(datetime.datetime(2025, 3, 31, 18, 0))
        call = CallFactory(opens_at=None, closes_at=closes_at)
        CallCriterionFactory(call=call)
        assert call_open_problems(fabrique=call.fabrique) == [
            "La date de clôture de l’appel (31 mars 2025 à 18:00) est passée."
        ]

    def test_ready(self, call):
        assert call_open_problems(fabrique=call.fabrique) == []


def test_selection_summary(call):
    ApplicationFactory(call=call)
    ApplicationFactory.create_batch(2, call=call, submitted=True)
    ApplicationFactory(
        call=call,
        status=ApplicationStatus.REJECTED,
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
    )
    ApplicationFactory(submitted=True)  # another Fabrique
    summary = selection_summary(fabrique=call.fabrique)
    assert (summary.draft, summary.submitted, summary.rejected) == (1, 2, 1)
    assert (summary.received, summary.undecided) == (3, 2)


def test_weighted_score_counts_unscored_criteria_as_zero():
    criteria = [(1, 3, 5), (2, 1, 10)]
    partial = weighted_score(scores={1: 5}, criteria=criteria)
    assert (partial.points, partial.maximum, str(partial.percent), partial.complete) == (
        15,
        25,
        "60.0",
        False,
    )
    assert weighted_score(scores={}, criteria=criteria).percent is None
    assert weighted_score(scores={}, criteria=[]).percent is None


class TestPublicCalls:
    def test_only_published_calls_have_a_page(self):
        open_call = CallFactory()
        designed = CallFactory(fabrique__status=FabriqueStatus.DESIGNED)
        running = CallFactory(fabrique__status=FabriqueStatus.RUNNING)
        assert public_call(slug=open_call.fabrique.slug) == open_call
        assert public_call(slug=designed.fabrique.slug) is None
        assert public_call(slug=running.fabrique.slug) == running
        assert public_call(slug="inconnue") is None

    def test_open_calls_list(self):
        soon = CallFactory(closes_at=timezone.now() + datetime.timedelta(days=2))
        later = CallFactory()
        CallFactory(
            opens_at=timezone.now() - datetime.timedelta(days=20),
            closes_at=timezone.now() - datetime.timedelta(days=1),
        )
        CallFactory(fabrique__status=FabriqueStatus.SELECTION)
        assert open_calls() == [soon, later]


class TestTerritoryResolve:
    @pytest.fixture
    def territories(self, db):
        loire = DepartementFactory(code="42", name="Loire")
        return {
            "ville": CommuneFactory(
                name="Saint-Étienne", code="42218", departement=loire, population=170000
            ),
            "bourg": CommuneFactory(
                name="Saint-Étienne-le-Molard", code="42219", departement=loire, population=1000
            ),
            "metropole": EpciFactory(
                name="Saint-Étienne Métropole", siren="244200770", departement=loire
            ),
            "lyon": CommuneFactory(name="Lyon", code="69123"),
        }

    def test_an_exact_name_wins(self, territories):
        match = territory_resolve(text="Saint-Etienne")
        assert (match.kind, match.pk) == (ParticipationKind.COMMUNE, territories["ville"].pk)

    def test_a_code(self, territories):
        assert territory_resolve(text="244200770").pk == territories["metropole"].pk
        assert territory_resolve(text="Saint-Étienne-le-Molard (42219)").pk == (
            territories["bourg"].pk
        )

    def test_a_unique_partial_name(self, territories):
        assert territory_resolve(text="lyo").pk == territories["lyon"].pk

    def test_ambiguous_lists_the_candidates(self, territories):
        with pytest.raises(ValidationError) as caught:
            territory_resolve(text="etienne")
        message = caught.value.messages[0]
        assert message.startswith("Plusieurs territoires correspondent à « etienne » : ")
        assert "Saint-Étienne (42218), commune, Loire" in message
        assert "Saint-Étienne Métropole (244200770), intercommunalité (epci), Loire" in message

    def test_not_found(self, territories):
        with pytest.raises(ValidationError) as caught:
            territory_resolve(text="Paris")
        assert caught.value.messages[0].startswith("Aucun territoire ne correspond à « Paris »")

    def test_a_picked_reference_is_trusted_when_the_text_matches(self, territories):
        bourg = territories["bourg"]
        match = territory_resolve(text="Saint-Étienne-le-Molard (42219)", ref=f"commune:{bourg.pk}")
        assert match.pk == bourg.pk
        # The text was changed after picking: the text wins.
        assert territory_resolve(text="Lyon", ref=f"commune:{bourg.pk}").pk == (
            territories["lyon"].pk
        )

    def test_kinds_restrict_the_host(self, territories):
        match = territory_resolve(text="Saint-Étienne Métropole", kinds=("epci",))
        assert match.kind == ParticipationKind.EPCI
        with pytest.raises(ValidationError, match="Aucun territoire"):
            territory_resolve(text="Lyon", kinds=("epci",))
