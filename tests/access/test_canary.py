"""No private string leaks: pages and API, task table, audit trail, personal-data export.

The canary world (canary.py) plants a unique string in every private field of both
Fabriques, with who may read it. Every persona walks every GET route of the site and the API
for the objects of both sides; the e-mails go through the real database task backend and
worker; each persona downloads their personal data. A canary showing up anywhere its
audience does not cover fails the test with where it was seen.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar
from unittest import mock

from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.http import HttpResponseBase
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from fabriques.calls.models import APPLICANT_TEXT_FIELDS
from fabriques.core.models import OutgoingEmail
from fabriques.programme.tests.personas import ROLE_NAMES

from .canary import ACCOUNTS, DATABASE_TASKS, CanaryWorld, build_canary_world, urls


def body(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content  # type: ignore[attr-defined]
    return content.decode("utf-8", errors="replace")


def client_for(world: CanaryWorld, persona: str) -> Client:
    client = Client()
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    return client


# The number of slices of the pages walk (see CanaryWorldTests._walk).
WALK_PARTS = 10


class CanaryWorldTests(TestCase):
    world: ClassVar[CanaryWorld]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_canary_world()

    def test_the_world_is_planted(self) -> None:
        world = self.world
        assert len(world.canaries) > 50
        assert len({c.value for c in world.canaries}) == len(world.canaries)
        # Each canary sits in the database (an e-mail's reason, in the message waiting to go).
        stored = _all_rows_text()
        missing = [c.label for c in world.canaries if c.value not in stored]
        assert not missing, missing

    # --- 1. Pages and API ----------------------------------------------------------------

    def test_every_route_is_walked(self) -> None:
        _found, unknown = urls(self.world)
        assert not unknown, f"routes the canary world has no address for (canary.KWARGS): {unknown}"

    # The walk is cut into WALK_PARTS shares of the addresses (every WALK_PARTS-th), one test
    # each, so that xdist spreads it over its workers; that the walk as a whole reaches the
    # private pages is checked by the test after them.
    def _walk(self, part: int) -> None:
        world = self.world
        walked, _unknown = urls(world)
        share = walked[part::WALK_PARTS]
        admin = client_for(world, "admin")
        leaks: list[str] = []
        for name, url in share:
            # POST-only routes (405 to a GET) show nothing; walked once to be sure.
            if admin.get(url).status_code == 405:
                continue
            for persona in ROLE_NAMES:
                text = body(self.clients[persona].get(url))
                for canary in world.found_in(text):
                    if persona not in canary.seen_by:
                        leaks.append(f"{persona} reads {canary.label} on GET {url} ({name})")
        assert not leaks, "\n".join(leaks)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_1(self) -> None:
        self._walk(0)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_2(self) -> None:
        self._walk(1)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_3(self) -> None:
        self._walk(2)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_4(self) -> None:
        self._walk(3)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_5(self) -> None:
        self._walk(4)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_6(self) -> None:
        self._walk(5)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_7(self) -> None:
        self._walk(6)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_8(self) -> None:
        self._walk(7)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_9(self) -> None:
        self._walk(8)

    def test_no_page_shows_a_canary_to_someone_outside_its_audience_10(self) -> None:
        self._walk(9)

    def test_the_parts_are_all_here(self) -> None:
        walks = [n for n in dir(self) if n.startswith("test_no_page_shows_a_canary_to_someone")]
        assert len(walks) == WALK_PARTS, walks

    def test_the_walk_reaches_every_private_page(self) -> None:
        """The walk reaches the private pages: each canary is read by someone entitled.

        The walk is read persona by persona, the one entitled to most of the canaries not read
        yet first (the admin, who also finds the POST-only routes), until none is left; it
        counts more than 1000 pages (GET routes × personas).
        """
        world = self.world
        walked, _unknown = urls(world)
        meant_for_pages = [c for c in world.canaries if c.seen_by - {"admin"}]
        unseen = {c.value: c for c in meant_for_pages}
        pages: list[str] = []
        admin = self.clients["admin"]
        for _name, url in walked:
            # POST-only routes (405 to a GET) show nothing; walked once to be sure.
            response = admin.get(url)
            if response.status_code != 405:
                pages.append(url)
                for canary in world.found_in(body(response)):
                    unseen.pop(canary.value, None)
        readers = [p for p in ROLE_NAMES if p != "admin"]
        while unseen and readers:
            persona = max(readers, key=lambda p: sum(p in c.seen_by for c in unseen.values()))
            readers.remove(persona)
            for url in pages:
                if not any(persona in c.seen_by for c in unseen.values()):
                    break
                for canary in world.found_in(body(self.clients[persona].get(url))):
                    unseen.pop(canary.value, None)
        assert not unseen, f"canaries no page shows to anyone: {[c.label for c in unseen.values()]}"
        assert len(pages) * len(ROLE_NAMES) > 1000

    @property
    def clients(self) -> dict[str, Client]:
        if not hasattr(self, "_clients"):
            self._clients = {p: client_for(self.world, p) for p in ROLE_NAMES}
        return self._clients

    # --- 2. Task table and outgoing e-mail -----------------------------------------------

    def test_no_secret_stays_in_the_task_table_or_the_outgoing_mail(self) -> None:
        world = self.world
        secrets = world.secrets()
        assert DBTaskResult.objects.count() == OutgoingEmail.objects.count() >= 6
        # While waiting, the tasks only carry the id of a stored message.
        self._assert_no_secret_in_tasks(secrets)

        # The worker checks its connection between tasks and may close it (after an error,
        # or with DATABASE_CONN_MAX_AGE=0): on PostgreSQL that would end this test class's
        # transaction. Everything else it does (claim, run, record the result) is the real
        # thing.
        with (
            override_settings(TASKS=DATABASE_TASKS),
            mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
        ):
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        # The messages left with the secrets (so the check below is not vacuous)…
        sent = " ".join(
            m.body + "".join(str(a[0]) for a in getattr(m, "alternatives", [])) for m in mail.outbox
        )
        assert len(mail.outbox) == OutgoingEmail.objects.count()
        for key, token in world.tokens.items():
            assert token in sent, key
        for canary in world.canaries:
            if "invitation-reason" in canary.value:
                assert canary.value in sent.lower(), canary.label
        # …and nothing of them is kept: task rows, stored messages, any other table.
        assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
        self._assert_no_secret_in_tasks(secrets)
        for outgoing in OutgoingEmail.objects.all():
            kept = json.dumps([outgoing.subject, outgoing.text, outgoing.html]).lower()
            found = [s for s in secrets if s.lower() in kept]
            assert not found, (outgoing.pk, found)
            assert outgoing.sent_at is not None and outgoing.text == outgoing.html == ""
        rows = _all_rows_text()
        for key, token in world.tokens.items():
            assert token.lower() not in rows, f"the {key} token is stored in the database"

    def _assert_no_secret_in_tasks(self, secrets: list[str]) -> None:
        for result in DBTaskResult.objects.all():
            kept = json.dumps(
                [
                    result.args_kwargs,
                    result.return_value,
                    result.traceback,
                    result.exception_class_path,
                    result.task_path,
                ],
                default=str,
            ).lower()
            found = [s for s in secrets if s.lower() in kept]
            assert not found, (result.task_path, found)
            assert result.args_kwargs["args"] == []
            assert set(result.args_kwargs["kwargs"]) == {"email_id"}

    # --- 3. Audit events -----------------------------------------------------------------

    def test_fabrique_b_audit_events_stay_out_of_pilot_a_reach(self) -> None:
        world = self.world
        pilot_a = self.clients["pilot_a"]
        assert pilot_a.get(reverse("workspace:audit")).status_code == 403
        history_a = body(
            pilot_a.get(reverse("programme:fabrique_history", args=[world.fabrique("a").slug]))
        )
        labels = {c.label for c in world.found_in(history_a)}
        # Fabrique A's own private actions are there (the page is read)…
        assert {"transition-reason-a (pilot_a)", "invitee-name-a (invitee)"} <= labels, labels
        # …and nothing of Fabrique B.
        assert not [label for label in labels if label.split(" ")[0].endswith("-b")], labels
        history_b = pilot_a.get(
            reverse("programme:fabrique_history", args=[world.fabrique("b").slug])
        )
        assert history_b.status_code == 404

    # --- 4. Personal-data export ---------------------------------------------------------

    def test_each_export_holds_the_persona_own_canaries_only(self) -> None:
        world = self.world
        problems: list[str] = []
        for persona in ACCOUNTS:
            response = self.clients[persona].post(reverse("accounts:data_export"))
            assert response.status_code == 200, (persona, response.status_code)
            export = body(response)
            found = world.found_in(export)
            problems += [
                f"{persona}'s export holds {c.label}"
                for c in found
                if persona not in c.exportable_by
            ]
            expected = {c.label for c in world.canaries if persona in c.exported_to}
            missing = expected - {c.label for c in found}
            problems += [f"{persona}'s export lacks their own {label}" for label in missing]
            for token in world.tokens.values():
                if token in export:
                    problems.append(f"{persona}'s export holds a link token")
        assert not problems, "\n".join(problems)

    def test_an_export_does_not_quote_other_people_named_in_audit_summaries(self) -> None:
        for persona in ("pilot_a", "pilot_b"):
            export = body(self.clients[persona].post(reverse("accounts:data_export")))
            quoted = [c.label for c in self.world.found_in(export) if "invitee-name" in c.label]
            assert not quoted, (persona, quoted)

    def test_someone_named_in_an_application_is_told_so_and_nothing_more(self) -> None:
        world = self.world
        for persona, application in world.named_in.items():
            data = json.loads(body(self.clients[persona].post(reverse("accounts:data_export"))))
            rows = data["sources"]["calls.applications"]["rows"]
            assert [row["rôles"] for row in rows] == [["référent technique"]], rows
            assert rows[0]["territoire"] == application.territory_label
            found = world.found_in(json.dumps(data, ensure_ascii=False))
            assert all(persona in c.exportable_by for c in found), (persona, found)
            typed = {getattr(application, f) for f in APPLICANT_TEXT_FIELDS} - {""}
            assert not [t for t in typed if t in json.dumps(rows, ensure_ascii=False)], rows


def _all_rows_text() -> str:
    """Every row of every table, serialised and lower-cased (for a search by substring)."""
    parts: list[Any] = []
    for model in apps.get_models():
        parts.extend(model._default_manager.values())
    return json.dumps(parts, default=str, ensure_ascii=False).lower()
