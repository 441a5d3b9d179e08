"""Votes on phones: Régnier statements and Delphi questions, opening a vote, joining it by its
code with a token, voting once, closing it into a run of the library; the public pages reach
only an open vote; the projected grid's query count does not grow with the voters."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any
from unittest import mock

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fabriques.core.models import AuditEvent
from fabriques.core.ratelimit import RateLimit
from fabriques.core.text import quote
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.studies import services
from fabriques.studies.models import (
    Ballot,
    Study,
    StudyRun,
    TokenMode,
    Voter,
    VoteSession,
    VoteStatus,
)
from foresight import delphi, regnier

from .factories import STATEMENTS, delphi_study, regnier_study


def _join(client: Client, code: str, name: str = "") -> Any:
    return client.post(reverse("studies:vote_page", args=[code]), {"action": "join", "name": name})


def _vote(client: Client, code: str, colours: dict[int, str]) -> Any:
    data = {"action": "vote", **{f"s-{item}": colour for item, colour in colours.items()}}
    return client.post(reverse("studies:vote_page", args=[code]), data)


def _text(response: Any) -> str:
    return response.content.decode()


class VoteTestCase(TestCase):
    cast: Personas
    study: Study

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = regnier_study(
            fabrique=cls.cast.fabrique_a,
            actor=cls.cast.provider_a,
            participation=cls.cast.participation_a,
        )

    def open_vote(
        self, mode: str = TokenMode.ANONYMOUS, items: list[int] | None = None
    ) -> VoteSession:
        return services.vote_open(
            study=self.study,
            actor=self.cast.provider_a,
            items=list(range(len(STATEMENTS))) if items is None else items,
            token_mode=mode,
        )

    def facilitator(self) -> Client:
        client = Client()
        client.force_login(self.cast.provider_a)
        return client


class StatementsTest(VoteTestCase):
    def test_statements_round_trip_through_the_form(self) -> None:
        client = self.facilitator()
        url = reverse("studies:statements", args=[self.study.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert STATEMENTS[0] in _text(page)
        response = client.post(
            url,
            {
                "lock_version": str(self.study.lock_version),
                "statements": "Première\n\n  Deuxième  \n",
                "sort": "mean",
            },
        )
        assert response.status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["statements"] == ["Première", "Deuxième"]
        assert self.study.inputs["sort"] == "mean"
        assert "Deuxième" in _text(client.get(url))

    def test_a_duplicate_statement_is_refused_naming_its_line(self) -> None:
        before = dict(self.study.inputs)
        response = self.facilitator().post(
            reverse("studies:statements", args=[self.study.pk]),
            {
                "lock_version": str(self.study.lock_version),
                "statements": "A\nB\nA",
                "sort": "consensus",
            },
        )
        assert response.status_code == 400
        assert f"Ligne 3\u00a0: {quote('A')} figure déjà ligne 1." in _text(response)
        self.study.refresh_from_db()
        assert self.study.inputs == before

    def test_a_stale_form_does_not_overwrite(self) -> None:
        response = self.facilitator().post(
            reverse("studies:statements", args=[self.study.pk]),
            {"lock_version": "0", "statements": "X", "sort": "consensus"},
        )
        assert response.status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["statements"] == STATEMENTS

    def test_statements_are_frozen_while_a_vote_is_open(self) -> None:
        self.open_vote()
        with self.assertRaises(services.InputErrors) as caught:
            services.regnier_statements_save(
                study=self.study,
                actor=self.cast.provider_a,
                text="Autre",
                sort="consensus",
                expected_version=self.study.lock_version,
            )
        assert "clôturez-le" in caught.exception.messages[0]

    def test_readers_and_outsiders_do_not_reach_the_facilitator_pages(self) -> None:
        session = self.open_vote()
        urls = [
            reverse("studies:statements", args=[self.study.pk]),
            reverse("studies:votes", args=[self.study.pk]),
            reverse("studies:vote_detail", args=[self.study.pk, session.pk]),
            reverse("studies:vote_live", args=[self.study.pk, session.pk]),
        ]
        expected = {"pilot_a": 200, "provider_a": 200, "partner_a": 403, "elected_a": 403}
        expected |= {"provider_b": 404, "outsider": 404}
        for name, status in expected.items():
            client = Client()
            client.force_login(getattr(self.cast, name))
            for url in urls:
                assert client.get(url).status_code == status, (name, url)
        for url in urls:
            assert "/compte/connexion/" in Client().get(url)["Location"]
        closed = Client()
        closed.force_login(self.cast.partner_a)
        url = reverse("studies:vote_close", args=[self.study.pk, session.pk])
        assert closed.post(url).status_code == 403
        session.refresh_from_db()
        assert session.is_open


class OpenAndJoinTest(VoteTestCase):
    def test_opening_shows_a_short_code_and_a_qr_code(self) -> None:
        client = self.facilitator()
        response = client.post(
            reverse("studies:votes", args=[self.study.pk]),
            {"items": ["0", "2"], "token_mode": "anonymous", "closes_at": ""},
        )
        session = VoteSession.objects.get(study=self.study)
        assert response["Location"] == reverse(
            "studies:vote_detail", args=[self.study.pk, session.pk]
        )
        assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}", session.code)
        assert session.items == [0, 2]
        assert [label["name"] for label in session.item_labels] == [STATEMENTS[0], STATEMENTS[2]]
        page = _text(client.get(response["Location"]))
        assert session.code in page
        assert "<svg" in page and "QR code du vote" in page
        assert f"/vote/{session.code}/" in page
        # A second vote while one is open is refused.
        again = client.post(
            reverse("studies:votes", args=[self.study.pk]),
            {"items": ["1"], "token_mode": "anonymous"},
        )
        assert again.status_code == 400
        assert "Un vote est déjà ouvert" in _text(again)
        assert VoteSession.objects.filter(study=self.study).count() == 1

    def test_the_code_form_leads_to_the_vote(self) -> None:
        session = self.open_vote()
        client = Client()
        assert client.get(reverse("studies:vote_join")).status_code == 200
        code = session.code.lower()
        response = client.post(reverse("studies:vote_join"), {"code": f" {code[:3]} {code[3:]} "})
        assert response["Location"] == reverse("studies:vote_page", args=[session.code])
        short = client.post(reverse("studies:vote_join"), {"code": "AB"})
        assert short.status_code == 400

    def test_a_wrong_code_and_a_closed_vote_show_nothing_of_the_study(self) -> None:
        session = self.open_vote()
        client = Client()
        wrong = client.get(reverse("studies:vote_page", args=["ZZZZZZ"]))
        assert wrong.status_code == 404
        assert "ne correspond à aucun vote ouvert" in _text(wrong)
        services.vote_close(session=session, actor=self.cast.provider_a)
        closed = client.get(reverse("studies:vote_page", args=[session.code]))
        assert closed.status_code == 410
        assert "Ce vote est clos" in _text(closed)
        for text in (*STATEMENTS, self.study.title):
            assert text not in _text(closed)
        assert _join(client, session.code).status_code == 410
        assert not Voter.objects.exists()

    def test_an_anonymous_token_is_stored_only_as_its_hash(self) -> None:
        session = self.open_vote()
        client = Client()
        page = client.get(reverse("studies:vote_page", args=[session.code]))
        assert page.status_code == 200
        assert "Votre nom" not in _text(page)
        response = _join(client, session.code, name="Quelqu’un")
        assert response.status_code == 302
        token = client.cookies[f"vote_{session.code}"]
        assert token["httponly"] and token["path"] == f"/vote/{session.code}/"
        voter = Voter.objects.get(session=session)
        assert voter.token_hash == hashlib.sha256(token.value.encode()).hexdigest()
        assert token.value not in voter.token_hash
        assert voter.name == ""  # an anonymous vote keeps no name even if one is posted
        ballot = _text(client.get(reverse("studies:vote_page", args=[session.code])))
        for label in (
            "vert foncé",
            "vert clair",
            "orange",
            "rouge clair",
            "rouge foncé",
            "blanc",
            "noir",
        ):
            assert label in ballot
        assert STATEMENTS[3] in ballot

    def test_a_named_vote_asks_a_name_shown_to_the_facilitator_only(self) -> None:
        session = self.open_vote(mode=TokenMode.NAMED)
        client = Client()
        assert "Votre nom" in _text(client.get(reverse("studies:vote_page", args=[session.code])))
        refused = _join(client, session.code, name="  ")
        assert refused.status_code == 400
        assert "indiquez votre nom" in _text(refused)
        assert _join(client, session.code, name="Camille Durand").status_code == 302
        assert Voter.objects.get(session=session).name == "Camille Durand"
        assert _vote(client, session.code, dict.fromkeys(range(4), "dark_green")).status_code == 302
        facilitator = self.facilitator()
        live = _text(
            facilitator.get(reverse("studies:vote_live", args=[self.study.pk, session.pk]))
        )
        assert "Camille Durand" in live
        run = services.vote_close(session=session, actor=self.cast.provider_a)
        assert run is not None
        assert run.input["participants"] == ["Camille Durand"]
        team = _text(facilitator.get(reverse("studies:run_detail", args=[self.study.pk, run.pk])))
        assert "Camille Durand" in team
        Study.objects.filter(pk=self.study.pk).update(status="published")
        public = _text(Client().get(reverse("studies:public", args=[self.study.pk])))
        assert "Abaque de Régnier" in public
        assert "Camille Durand" not in public
        assert "P1" in public

    def test_joining_is_bounded_per_client(self) -> None:
        session = self.open_vote()
        with mock.patch(
            "fabriques.studies.views.votes.JOIN_RATE_LIMIT",
            RateLimit("studies:vote-join", limit=3, seconds=600),
        ):
            client = Client()
            statuses = [
                client.get(reverse("studies:vote_page", args=["ZZZZZZ"])).status_code
                for _i in range(5)
            ]
            assert statuses[:3] == [404, 404, 404]
            assert statuses[3:] == [429, 429]
            assert client.get(reverse("studies:vote_page", args=[session.code])).status_code == 429


class BallotTest(VoteTestCase):
    def test_a_token_used_twice_is_refused(self) -> None:
        """Choice: a second vote on a statement is refused (never replaces the first)."""
        session = self.open_vote()
        client = Client()
        _join(client, session.code)
        first = _vote(client, session.code, {0: "dark_green", 1: "orange"})
        assert first.status_code == 302
        again = _vote(client, session.code, {0: "dark_red", 2: "white"})
        assert again.status_code == 400
        assert (
            f"Votre réponse à {quote(STATEMENTS[0])} est déjà enregistrée\u00a0: un jeton ne vote "
            "qu’une fois" in _text(again)
        )
        # Nothing of the refused post was saved, the first vote stands.
        assert dict(Ballot.objects.values_list("item", "value")) == {0: "dark_green", 1: "orange"}
        # The statements left open can still be voted.
        assert _vote(client, session.code, {2: "white", 3: "black"}).status_code == 302
        assert Ballot.objects.count() == 4
        done = _text(client.get(reverse("studies:vote_page", args=[session.code])))
        assert "Vous avez répondu à tout" in done

    def test_an_unknown_colour_is_refused_naming_the_statement(self) -> None:
        session = self.open_vote()
        client = Client()
        _join(client, session.code)
        response = _vote(client, session.code, {1: "purple"})
        assert response.status_code == 400
        assert (
            f"Affirmation {quote(STATEMENTS[1])}\u00a0: choisissez l’une des sept couleurs."
            in _text(response)
        )
        assert not Ballot.objects.exists()

    def test_a_vote_after_closing_is_refused(self) -> None:
        session = self.open_vote()
        client = Client()
        _join(client, session.code)
        services.vote_close(session=session, actor=self.cast.provider_a)
        response = _vote(client, session.code, {0: "dark_green"})
        assert response.status_code == 410
        assert not Ballot.objects.exists()
        voter = Voter.objects.get()
        with self.assertRaises(services.InputErrors) as caught:
            services.regnier_ballots_cast(voter=voter, colours={0: "dark_green"})
        assert "Ce vote est clos" in caught.exception.messages[0]

    def test_a_vote_past_its_closing_time_is_refused(self) -> None:
        session = services.vote_open(
            study=self.study,
            actor=self.cast.provider_a,
            items=[0],
            token_mode=TokenMode.ANONYMOUS,
            closes_at=timezone.now() + datetime.timedelta(hours=1),
        )
        client = Client()
        _join(client, session.code)
        VoteSession.objects.filter(pk=session.pk).update(
            closes_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        assert _vote(client, session.code, {0: "dark_green"}).status_code == 410
        assert not Ballot.objects.exists()

    def test_closing_saves_a_run_computed_by_the_library(self) -> None:
        session = self.open_vote()
        colours = [
            {0: "dark_green", 1: "light_green", 2: "dark_red", 3: "orange"},
            {0: "dark_green", 1: "orange", 2: "dark_green", 3: "white"},
            {0: "light_green", 1: "light_green", 2: "dark_red"},  # leaves the last one
        ]
        for votes in colours:
            client = Client()
            _join(client, session.code)
            assert _vote(client, session.code, votes).status_code == 302
        _join(Client(), session.code)  # joined, never voted: not a column of the abacus
        response = self.facilitator().post(
            reverse("studies:vote_close", args=[self.study.pk, session.pk])
        )
        session.refresh_from_db()
        run = StudyRun.objects.get(study=self.study)
        assert response["Location"] == reverse("studies:run_detail", args=[self.study.pk, run.pk])
        assert session.status == VoteStatus.CLOSED and session.run == run
        assert run.input["participants"] == ["P1", "P2", "P3"]
        assert run.input["votes"][3] == ["orange", "white", "white"]
        assert run.output == regnier.solve(regnier.parse(run.input)).to_dict()
        self.study.refresh_from_db()
        assert self.study.inputs["votes"] == run.input["votes"]
        assert AuditEvent.objects.filter(action="study.vote_closed").exists()
        page = _text(
            self.facilitator().get(reverse("studies:run_detail", args=[self.study.pk, run.pk]))
        )
        assert "Abaque de Régnier" in page and "<svg" in page

    def test_closing_a_vote_without_answers_saves_no_run(self) -> None:
        session = self.open_vote()
        assert services.vote_close(session=session, actor=self.cast.provider_a) is None
        session.refresh_from_db()
        assert session.status == VoteStatus.CLOSED and session.run is None

    def test_the_polling_fragment_costs_the_same_queries_for_3_or_30_voters(self) -> None:
        session = self.open_vote()
        facilitator = self.facilitator()
        url = reverse("studies:vote_live", args=[self.study.pk, session.pk])

        def cast(n: int) -> None:
            for k in range(n):
                client = Client()
                _join(client, session.code)
                _vote(
                    client, session.code, dict.fromkeys(range(4), ("dark_green", "orange")[k % 2])
                )

        cast(3)
        facilitator.get(url)
        with CaptureQueriesContext(connection) as few:
            response = facilitator.get(url)
        assert "3 participants ont rejoint le vote" in _text(response)
        cast(27)
        with CaptureQueriesContext(connection) as many:
            response = facilitator.get(url)
        assert "30 participants ont rejoint le vote" in _text(response)
        # session, user, study + its access checks, the voters' count, the ballots.
        assert len(many) == len(few)
        assert len(many) <= 14, [q["sql"] for q in many.captured_queries]


class DelphiTest(TestCase):
    cast: Personas
    study: Study

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_personas()
        cls.study = delphi_study(
            fabrique=cls.cast.fabrique_a,
            actor=cls.cast.provider_a,
            participation=cls.cast.participation_a,
        )

    def open_round(self) -> VoteSession:
        return services.vote_open(
            study=self.study,
            actor=self.cast.provider_a,
            items=[0, 1],
            token_mode=TokenMode.ANONYMOUS,
            closes_at=timezone.now() + datetime.timedelta(days=7),
        )

    def answer(self, session: VoteSession, bike: str, homes: str = "", why: str = "") -> Any:
        client = Client()
        _join(client, session.code)
        return client.post(
            reverse("studies:vote_page", args=[session.code]),
            {"action": "vote", "q-0": bike, "j-0": why, "q-1": homes, "j-1": ""},
        )

    def test_questions_round_trip_and_a_bad_range_names_the_line(self) -> None:
        client = Client()
        client.force_login(self.cast.provider_a)
        url = reverse("studies:questions", args=[self.study.pk])
        page = _text(client.get(url))
        assert "Part des trajets à vélo en 2040 ; % ; 0 ; 100" in page
        response = client.post(
            url,
            {
                "lock_version": str(self.study.lock_version),
                "questions": "Part ; % ; 0 ; 100\nPrix ; € ; 50 ; 10",
                "rule": "iqr_at_most",
                "value": "5",
                "tolerance": "",
            },
        )
        assert response.status_code == 400
        assert "Ligne 2\u00a0: le minimum doit être inférieur au maximum." in _text(response)
        response = client.post(
            url,
            {
                "lock_version": str(self.study.lock_version),
                "questions": "Part ; % ; 0 ; 100\nPrix ; € ; 1,5",
                "rule": "iqr_at_most",
                "value": "5",
                "tolerance": "",
            },
        )
        assert response.status_code == 302
        self.study.refresh_from_db()
        assert self.study.inputs["consensus"] == {"rule": "iqr_at_most", "value": 5.0}
        assert services.delphi_questions(self.study)[1] == {
            "name": "Prix",
            "unit": "€",
            "minimum": 1.5,
            "maximum": None,
        }
        assert "Prix ; € ; 1,5" in _text(client.get(url))

    def test_a_round_needs_a_closing_time(self) -> None:
        client = Client()
        client.force_login(self.cast.provider_a)
        response = client.post(
            reverse("studies:votes", args=[self.study.pk]),
            {"token_mode": "anonymous", "closes_at": ""},
        )
        assert response.status_code == 400
        assert "jusqu’à quand" in _text(response)

    def test_an_answer_outside_the_range_is_refused_naming_the_question(self) -> None:
        session = self.open_round()
        response = self.answer(session, "120", "300", why="Tendance actuelle")
        assert response.status_code == 400
        assert (
            f"Question {quote('Part des trajets à vélo en 2040')}\u00a0: la réponse doit être "
            "comprise entre 0 et 100\u00a0%." in _text(response)
        )
        assert not Ballot.objects.exists()
        assert "Tendance actuelle" in _text(response)  # the form comes back filled
        bad = self.answer(session, "beaucoup")
        assert bad.status_code == 400 and "la réponse doit être un nombre" in _text(bad)

    def test_two_rounds_the_second_shows_the_first_rounds_median_and_quartiles(self) -> None:
        first = self.open_round()
        for bike, homes in (("1", "100"), ("2", "200"), ("3", "300"), ("4", "400"), ("10", "")):
            assert self.answer(first, bike, homes, why="Parce que").status_code == 302
        run1 = services.vote_close(session=first, actor=self.cast.provider_a)
        assert run1 is not None
        assert run1.input["questions"][0]["rounds"] == [[1.0, 2.0, 3.0, 4.0, 10.0]]
        assert run1.output == delphi.solve(delphi.parse(run1.input)).to_dict()
        second = self.open_round()
        assert second.round == 2
        client = Client()
        _join(client, second.code)
        page = _text(client.get(reverse("studies:vote_page", args=[second.code])))
        assert (
            "Au tour précédent (5 réponses)\u00a0: médiane 3\u00a0%, premier quartile 2, troisième quartile 4."
            in page
        )
        for bike in ("2", "3", "3", "3", "4"):
            self.answer(second, bike, "250")
        run2 = services.vote_close(session=second, actor=self.cast.provider_a)
        assert run2 is not None
        question = run2.output["questions"][0]
        assert [r["iqr"] for r in question["rounds"]] == [2.0, 0.0]
        assert question["converging"] is True
        assert run2.output == delphi.solve(delphi.parse(run2.input)).to_dict()
        self.study.refresh_from_db()
        assert len(self.study.inputs["questions"][0]["rounds"]) == 2
        facilitator = Client()
        facilitator.force_login(self.cast.provider_a)
        page = _text(facilitator.get(reverse("studies:run_detail", args=[self.study.pk, run2.pk])))
        assert "Convergence des réponses" in page and "<svg" in page
