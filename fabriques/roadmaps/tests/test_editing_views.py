"""The editing pages tried by each persona, their writes, the conflict page and the query
budgets."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.test import TestCase
from django.urls import reverse

from fabriques.core.models import AuditEvent
from fabriques.roadmaps.models import (
    ActionSheet,
    Axis,
    BudgetLine,
    Roadmap,
    RoadmapComment,
    SheetStatus,
)

from .factories import (
    AxisFactory,
    RoadmapFactory,
    build_roadmap_world,
    complete_sheet,
)

WRITERS = ("admin", "pilot_a", "provider_a", "elected_a", "technical_a")
OUTSIDERS = ("pilot_b", "provider_b", "partner_b", "elected_b", "elected_a2", "member_a_idle")


def sheet_data(sheet: ActionSheet, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "lock_version": sheet.lock_version,
        "axis": sheet.axis_id,
        "number": sheet.number,
        "title": sheet.title,
        "description": sheet.description,
        "objectives": sheet.objectives,
        "expected_effects": "",
        "targets": "",
        "commune": "",
        "qpv": "",
        "pilot_organisation": sheet.pilot_organisation,
        "pilot_person": "",
        "elected_referent": "",
        "project_owner": "",
        "project_owner_siret": "",
        "priority": sheet.priority,
        "maturity": sheet.maturity,
        "planned_start": "",
        "planned_end": "",
        "actual_start": "",
        "actual_end": "",
    }
    data.update(overrides)
    return data


def roadmap_data(roadmap: Roadmap, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "lock_version": roadmap.lock_version,
        "title": roadmap.title,
        "horizon": "",
        "period_start": "",
        "period_end": "",
        "diagnostic": roadmap.diagnostic,
        "issues": "",
        "vision": "",
        "easy_summary": "",
        "steering_body": roadmap.steering_body,
        "meeting_rhythm": "",
        "elected_referent": "",
        "project_lead": "",
    }
    data.update(overrides)
    return data


class EditingTestCase(TestCase):
    world: Any
    roadmap: Roadmap
    sheets: list[ActionSheet]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_roadmap_world()
        cls.roadmap = cls.world.roadmap
        cls.sheets = cls.world.sheets

    def login(self, name: str) -> None:
        if name != "anonymous":
            self.client.force_login(self.world.users[name])


class ReadAccessTests(EditingTestCase):
    def status_of(self, name: str, url: str) -> int:
        self.client.logout()
        self.login(name)
        return self.client.get(url).status_code

    def test_roadmap_pages_by_persona(self) -> None:
        urls = [
            reverse("roadmaps:detail", args=[self.roadmap.pk]),
            reverse("roadmaps:table", args=[self.roadmap.pk]),
            reverse("roadmaps:calendar", args=[self.roadmap.pk]),
            reverse("roadmaps:sheet_detail", args=[self.sheets[1].pk]),
            reverse("roadmaps:sheet_history", args=[self.sheets[1].pk]),
        ]
        for url in urls:
            for name in (*WRITERS, "partner_a", "member_a"):
                with self.subTest(url=url, persona=name):
                    self.assertEqual(self.status_of(name, url), 200)
            for name in OUTSIDERS:
                with self.subTest(url=url, persona=name):
                    self.assertEqual(self.status_of(name, url), 404)
            with self.subTest(url=url, persona="anonymous"):
                self.client.logout()
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("next=", response["Location"])

    def test_fabrique_list_by_persona(self) -> None:
        url = reverse("roadmaps:fabrique_list", args=[self.world.cast.fabrique_a.slug])
        for name in (*WRITERS, "partner_a", "member_a", "elected_a2"):
            with self.subTest(persona=name):
                self.assertEqual(self.status_of(name, url), 200)
        for name in ("pilot_b", "provider_b", "partner_b", "elected_b", "member_a_idle"):
            with self.subTest(persona=name):
                self.assertEqual(self.status_of(name, url), 404)
        self.assertEqual(self.status_of("anonymous", url), 302)

    def test_fabrique_list_shows_rows_and_create_button(self) -> None:
        url = reverse("roadmaps:fabrique_list", args=[self.world.cast.fabrique_a.slug])
        self.login("provider_a")
        response = self.client.get(url)
        self.assertContains(response, self.roadmap.title)
        # The provider may write the second territory's roadmap: a button to create it.
        self.assertContains(response, "Créer la feuille de route")
        self.assertContains(
            response,
            reverse(
                "roadmaps:create",
                args=[self.world.cast.fabrique_a.slug, self.world.participation_a2.pk],
            ),
        )

    def test_other_territory_referent_sees_only_own_row(self) -> None:
        url = reverse("roadmaps:fabrique_list", args=[self.world.cast.fabrique_a.slug])
        self.login("elected_a2")
        response = self.client.get(url)
        self.assertNotContains(response, self.roadmap.title)
        self.assertContains(response, self.world.participation_a2.label)

    def test_edit_pages_by_persona(self) -> None:
        urls = [
            reverse("roadmaps:edit", args=[self.roadmap.pk]),
            reverse("roadmaps:sheet_create", args=[self.roadmap.pk]),
            reverse("roadmaps:sheet_edit", args=[self.sheets[1].pk]),
        ]
        for url in urls:
            for name in WRITERS:
                with self.subTest(url=url, persona=name):
                    self.assertEqual(self.status_of(name, url), 200)
            for name in ("partner_a", "member_a"):
                with self.subTest(url=url, persona=name):
                    self.assertEqual(self.status_of(name, url), 403)
            for name in OUTSIDERS:
                with self.subTest(url=url, persona=name):
                    self.assertEqual(self.status_of(name, url), 404)

    def test_invited_member_edits_only_their_sheet(self) -> None:
        self.assertEqual(
            self.status_of("member_a", reverse("roadmaps:sheet_edit", args=[self.sheets[0].pk])),
            200,
        )
        self.assertEqual(
            self.status_of("member_a", reverse("roadmaps:sheet_edit", args=[self.sheets[2].pk])),
            403,
        )


class RoadmapWriteTests(EditingTestCase):
    def test_create_roadmap_for_second_territory(self) -> None:
        self.login("provider_a")
        participation = self.world.participation_a2
        url = reverse("roadmaps:create", args=[self.world.cast.fabrique_a.slug, participation.pk])
        response = self.client.post(url)
        roadmap = Roadmap.objects.get(participation=participation)
        self.assertRedirects(response, reverse("roadmaps:detail", args=[roadmap.pk]))
        self.assertEqual(roadmap.title, f"Feuille de route — {participation.label}")
        self.assertEqual(roadmap.fabrique_id, self.world.cast.fabrique_a.pk)
        self.assertTrue(AuditEvent.objects.filter(action="roadmap.created").exists())

    def test_create_refused_to_partner_and_outsider(self) -> None:
        participation = self.world.participation_a2
        url = reverse("roadmaps:create", args=[self.world.cast.fabrique_a.slug, participation.pk])
        self.login("partner_a")
        self.assertEqual(self.client.post(url).status_code, 403)
        self.client.logout()
        self.login("provider_b")
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertFalse(Roadmap.objects.filter(participation=participation).exists())

    def test_edit_framing_round_trip(self) -> None:
        self.login("elected_a")
        url = reverse("roadmaps:edit", args=[self.roadmap.pk])
        response = self.client.post(
            url,
            roadmap_data(
                self.roadmap,
                diagnostic="Un territoire rural vieillissant.",
                steering_body="Comité de pilotage local",
                period_start="2027-01-01",
                period_end="2029-12-31",
            ),
        )
        self.assertRedirects(response, reverse("roadmaps:detail", args=[self.roadmap.pk]))
        page = self.client.get(url)
        self.assertContains(page, "Un territoire rural vieillissant.")
        self.assertContains(page, 'value="Comité de pilotage local"')
        self.assertContains(page, 'value="2029-12-31"')
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.lock_version, 2)

    def test_framing_period_end_before_start(self) -> None:
        self.login("elected_a")
        response = self.client.post(
            reverse("roadmaps:edit", args=[self.roadmap.pk]),
            roadmap_data(self.roadmap, period_start="2029-01-01", period_end="2027-01-01"),
        )
        self.assertContains(response, "La fin de la période précède son début.")
        self.roadmap.refresh_from_db()
        self.assertIsNone(self.roadmap.period_start)

    def test_two_simultaneous_framing_edits(self) -> None:
        """Both open the form at version 1; the second saver sees the conflict page."""
        url = reverse("roadmaps:edit", args=[self.roadmap.pk])
        provider, referent = self.client_class(), self.client_class()
        provider.force_login(self.world.users["provider_a"])
        referent.force_login(self.world.users["elected_a"])
        provider.post(url, roadmap_data(self.roadmap, diagnostic="Version du prestataire."))
        response = referent.post(url, roadmap_data(self.roadmap, diagnostic="Version de l’élu."))
        self.assertEqual(response.status_code, 409)
        self.assertContains(
            response,
            "Quelqu’un a modifié cette fiche pendant que vous la modifiiez",
            status_code=409,
        )
        self.assertContains(response, "Version du prestataire.", status_code=409)
        self.assertContains(response, "Version de l’élu.", status_code=409)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.diagnostic, "Version du prestataire.")
        # "Save mine over theirs" resubmits with the new version.
        self.assertContains(response, 'name="lock_version" value="2"', status_code=409)
        retry = referent.post(
            url,
            roadmap_data(self.roadmap, diagnostic="Version de l’élu.", lock_version=2),
        )
        self.assertEqual(retry.status_code, 302)
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.diagnostic, "Version de l’élu.")

    def test_axes_add_move_delete(self) -> None:
        self.login("provider_a")
        self.client.post(
            reverse("roadmaps:axis_create", args=[self.roadmap.pk]),
            {"axis-title": "Axe 3 : mobilités", "axis-description": ""},
        )
        new = Axis.objects.get(roadmap=self.roadmap, title="Axe 3 : mobilités")
        self.assertEqual(new.position, 3)
        self.client.post(
            reverse("roadmaps:axis_move", args=[self.roadmap.pk, new.pk]), {"sens": "haut"}
        )
        new.refresh_from_db()
        self.assertEqual(new.position, 2)
        self.client.post(reverse("roadmaps:axis_delete", args=[self.roadmap.pk, new.pk]))
        self.assertFalse(Axis.objects.filter(pk=new.pk).exists())

    def test_axis_with_sheets_is_not_deleted(self) -> None:
        self.login("provider_a")
        axis = self.world.axes[0]
        response = self.client.post(
            reverse("roadmaps:axis_delete", args=[self.roadmap.pk, axis.pk]), follow=True
        )
        self.assertContains(response, "a des fiches action")
        self.assertTrue(Axis.objects.filter(pk=axis.pk).exists())

    def test_partner_comments_but_cannot_write(self) -> None:
        self.login("partner_a")
        response = self.client.post(
            reverse("roadmaps:comment", args=[self.roadmap.pk]),
            {"comment-text": "Pensez aux mobilités douces."},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(RoadmapComment.objects.filter(text="Pensez aux mobilités douces.").exists())
        self.assertEqual(
            self.client.post(
                reverse("roadmaps:axis_create", args=[self.roadmap.pk]), {"axis-title": "X"}
            ).status_code,
            403,
        )
        page = self.client.get(reverse("roadmaps:detail", args=[self.roadmap.pk]))
        self.assertContains(page, "Pensez aux mobilités douces.")
        self.assertNotContains(page, "Ajouter l’axe")

    def test_partner_and_contract_added(self) -> None:
        self.login("technical_a")
        self.client.post(
            reverse("roadmaps:partner_create", args=[self.roadmap.pk]),
            {"partner-name": "Région", "partner-role": "Cofinanceur"},
        )
        self.client.post(
            reverse("roadmaps:contract_create", args=[self.roadmap.pk]),
            {
                "contract-kind": "crte",
                "contract-label": "CRTE du Pays",
                "contract-reference": "CRTE-42",
                "contract-signed_on": "2022-06-30",
            },
        )
        page = self.client.get(reverse("roadmaps:detail", args=[self.roadmap.pk]))
        self.assertContains(page, "Région — Cofinanceur")
        self.assertContains(page, "CRTE du Pays")
        self.assertContains(page, "30/06/2022")

    def test_attachment_of_wrong_type_refused(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login("provider_a")
        response = self.client.post(
            reverse("roadmaps:attachment_create", args=[self.roadmap.pk]),
            {
                "file-title": "Page",
                "file-file": SimpleUploadedFile("page.html", b"<html></html>", "text/html"),
            },
        )
        self.assertContains(response, "Ce type de fichier n’est pas accepté", status_code=400)
        self.assertFalse(self.roadmap.attachments.exists())


class SheetWriteTests(EditingTestCase):
    def test_create_sheet_takes_next_number(self) -> None:
        self.login("elected_a")
        data = sheet_data(self.sheets[0], number="", title="Une navette solidaire")
        del data["lock_version"]
        response = self.client.post(reverse("roadmaps:sheet_create", args=[self.roadmap.pk]), data)
        sheet = ActionSheet.objects.get(title="Une navette solidaire")
        self.assertRedirects(response, reverse("roadmaps:sheet_detail", args=[sheet.pk]))
        self.assertEqual(sheet.number, 4)

    def test_sheet_form_round_trip(self) -> None:
        """Save every kind of field, then reopen the form and find the values."""
        self.login("provider_a")
        sheet = self.sheets[1]
        url = reverse("roadmaps:sheet_edit", args=[sheet.pk])
        response = self.client.post(
            url,
            sheet_data(
                sheet,
                axis=self.world.axes[1].pk,
                title="Maison de santé pluriprofessionnelle",
                objectives="Trois médecins d’ici 2028.",
                pilot_organisation="Communauté de communes",
                project_owner_siret="12345678901234",
                priority="high",
                maturity="study",
                planned_start="2027-03-01",
                planned_end="2028-06-30",
            ),
        )
        self.assertRedirects(response, reverse("roadmaps:sheet_detail", args=[sheet.pk]))
        page = self.client.get(url)
        for needle in (
            'value="Maison de santé pluriprofessionnelle"',
            "Trois médecins d’ici 2028.",
            'value="Communauté de communes"',
            'value="12345678901234"',
            'value="2027-03-01"',
            'value="2028-06-30"',
            '<option value="high" selected>',
            '<option value="study" selected>',
            f'<option value="{self.world.axes[1].pk}" selected>',
        ):
            with self.subTest(needle=needle):
                self.assertContains(page, needle)
        history = self.client.get(reverse("roadmaps:sheet_history", args=[sheet.pk]))
        self.assertContains(history, "Structure pilote")
        self.assertContains(history, "Communauté de communes")
        provider = self.world.users["provider_a"]
        self.assertContains(history, provider.get_full_name() or provider.email)

    def test_bad_siret_and_dates_refused(self) -> None:
        self.login("provider_a")
        sheet = self.sheets[1]
        response = self.client.post(
            reverse("roadmaps:sheet_edit", args=[sheet.pk]),
            sheet_data(
                sheet,
                project_owner_siret="1234",
                planned_start="2028-01-01",
                planned_end="2027-01-01",
            ),
        )
        self.assertEqual(response.status_code, 200)
        sheet.refresh_from_db()
        self.assertEqual(sheet.project_owner_siret, "")
        self.assertIsNone(sheet.planned_start)
        self.assertEqual(sheet.lock_version, 1)
        self.assertContains(response, "Un SIRET compte 14 chiffres.")

    def test_two_simultaneous_sheet_edits(self) -> None:
        sheet = self.sheets[0]
        url = reverse("roadmaps:sheet_edit", args=[sheet.pk])
        provider, member = self.client_class(), self.client_class()
        provider.force_login(self.world.users["provider_a"])
        member.force_login(self.world.users["member_a"])
        provider.post(url, sheet_data(sheet, objectives="Objectifs du prestataire."))
        response = member.post(
            url, sheet_data(sheet, objectives="Objectifs du membre.", title="Nouveau titre")
        )
        self.assertContains(response, "Quelqu’un a modifié cette fiche", status_code=409)
        self.assertContains(response, "Objectifs du prestataire.", status_code=409)
        self.assertContains(response, "Objectifs du membre.", status_code=409)
        sheet.refresh_from_db()
        self.assertEqual(sheet.objectives, "Objectifs du prestataire.")
        self.assertEqual(sheet.lock_version, 2)

    def test_invited_member_writes_a_budget_line(self) -> None:
        self.login("member_a")
        sheet = self.sheets[0]
        response = self.client.post(
            reverse("roadmaps:part_create", args=[sheet.pk, "budget"]),
            {
                "budget-year": "2027",
                "budget-nature": "investment",
                "budget-unit": "eur_ht",
                "budget-planned": "150 000,50",
                "budget-actual": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        line = BudgetLine.objects.get(sheet=sheet)
        self.assertEqual(line.planned, Decimal("150000.50"))

    def test_budget_with_letters_or_negative_refused(self) -> None:
        self.login("provider_a")
        sheet = self.sheets[0]
        url = reverse("roadmaps:part_create", args=[sheet.pk, "budget"])
        base = {"budget-year": "2027", "budget-nature": "investment", "budget-unit": "eur_ht"}
        letters = self.client.post(url, {**base, "budget-planned": "douze mille"})
        self.assertContains(letters, "Saisissez un nombre", status_code=400)
        negative = self.client.post(url, {**base, "budget-planned": "-5"})
        self.assertContains(negative, "ne peut pas être négatif", status_code=400)
        self.assertFalse(BudgetLine.objects.filter(sheet=sheet).exists())

    def test_indicator_value_needs_a_date(self) -> None:
        from .factories import IndicatorFactory

        self.login("provider_a")
        sheet = self.sheets[0]
        indicator = IndicatorFactory(sheet=sheet)
        response = self.client.post(
            reverse("roadmaps:value_create", args=[sheet.pk, indicator.pk]),
            {"value-measured_on": "", "value-value": "3", "value-source": ""},
        )
        self.assertContains(response, "Indiquez la date de la mesure.", status_code=400)
        self.assertFalse(indicator.values.exists())

    def test_status_change_is_dated(self) -> None:
        self.login("elected_a")
        sheet = self.sheets[2]
        self.client.post(
            reverse("roadmaps:sheet_status", args=[sheet.pk]),
            {"status": "in_progress", "changed_on": "2027-02-01", "comment": "Lancée en conseil."},
        )
        sheet.refresh_from_db()
        self.assertEqual(sheet.status, SheetStatus.IN_PROGRESS)
        change = sheet.status_changes.get()
        self.assertEqual(change.changed_on, datetime.date(2027, 2, 1))
        self.assertEqual(change.comment, "Lancée en conseil.")
        self.assertTrue(AuditEvent.objects.filter(action="sheet.status_changed").exists())

    def test_partner_cannot_edit_sheet_parts(self) -> None:
        self.login("partner_a")
        sheet = self.sheets[0]
        response = self.client.post(
            reverse("roadmaps:part_create", args=[sheet.pk, "notes"]),
            {"note-written_on": "2027-01-01", "note-text": "Note"},
        )
        self.assertEqual(response.status_code, 403)

    def test_a_note_added_through_the_form_shows_in_the_sheets_history(self) -> None:
        self.login("elected_a")
        sheet = self.sheets[0]
        response = self.client.post(
            reverse("roadmaps:part_create", args=[sheet.pk, "notes"]),
            {"note-written_on": "2027-01-01", "note-text": "Réunion avec la région"},
        )
        self.assertEqual(response.status_code, 302)
        history = self.client.get(reverse("roadmaps:sheet_history", args=[sheet.pk]))
        self.assertContains(history, "Ajout — Note")
        self.assertContains(history, "<ins>Réunion avec la région</ins>", html=True)
        self.assertContains(history, "<ins>01/01/2027</ins>", html=True)

    def test_invite_member_with_account_only(self) -> None:
        self.login("elected_a")
        sheet = self.sheets[2]
        idle = self.world.members["member_a_idle"]
        response = self.client.post(
            reverse("roadmaps:sheet_editor_add", args=[sheet.pk]), {"member": idle.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(sheet.editors.filter(pk=idle.user_id).exists())
        self.assertTrue(AuditEvent.objects.filter(action="sheet.editor_added").exists())
        # The invited member may now edit that sheet, but may not invite others.
        self.client.logout()
        self.login("member_a_idle")
        self.assertEqual(
            self.client.get(reverse("roadmaps:sheet_edit", args=[sheet.pk])).status_code, 200
        )
        self.assertEqual(
            self.client.post(
                reverse("roadmaps:sheet_editor_add", args=[sheet.pk]),
                {"member": self.world.members["member_a"].pk},
            ).status_code,
            403,
        )

    def test_member_of_another_group_cannot_be_invited(self) -> None:
        from fabriques.accounts.tests.factories import UserFactory
        from fabriques.workinggroups.tests.factories import MemberFactory, WorkingGroupFactory

        account = UserFactory.create()
        stranger = MemberFactory(
            working_group=WorkingGroupFactory(participation=self.world.cast.participation_b),
            user=account,
        )
        self.login("elected_a")
        sheet = self.sheets[2]
        response = self.client.post(
            reverse("roadmaps:sheet_editor_add", args=[sheet.pk]), {"member": stranger.pk}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(sheet.editors.filter(pk=account.pk).exists())


class CompletenessDisplayTests(EditingTestCase):
    def test_sheet_page_lists_missing_items(self) -> None:
        self.login("provider_a")
        page = self.client.get(reverse("roadmaps:sheet_detail", args=[self.sheets[0].pk]))
        for message in ("Aucun pilote désigné", "Aucun indicateur", "Plan de financement vide"):
            with self.subTest(message=message):
                self.assertContains(page, message)

    def test_roadmap_page_summarises(self) -> None:
        complete_sheet(axis=self.world.axes[1], number=10)
        self.login("provider_a")
        page = self.client.get(reverse("roadmaps:detail", args=[self.roadmap.pk]))
        self.assertContains(page, "Fiches complètes : 1 sur 4.")


class TableTests(EditingTestCase):
    def test_filters_and_sort(self) -> None:
        from .factories import FundingLineFactory

        first, second, third = self.sheets
        ActionSheet.objects.filter(pk=first.pk).update(pilot_organisation="Mairie")
        ActionSheet.objects.filter(pk=third.pk).update(pilot_organisation="Département")
        FundingLineFactory(sheet=second, funder="Banque des Territoires")
        self.login("partner_a")
        url = reverse("roadmaps:table", args=[self.roadmap.pk])
        by_pilot = self.client.get(url, {"pilote": "Mairie"})
        self.assertContains(by_pilot, first.title)
        self.assertNotContains(by_pilot, third.title)
        by_funder = self.client.get(url, {"financeur": "Banque des Territoires"})
        self.assertContains(by_funder, second.title)
        self.assertNotContains(by_funder, first.title)
        by_axis = self.client.get(url, {"axe": self.world.axes[1].pk})
        self.assertEqual([s.pk for s in by_axis.context["sheets"]], [third.pk])
        descending = self.client.get(url, {"tri": "numero", "ordre": "desc"})
        self.assertEqual(
            [s.pk for s in descending.context["sheets"]], [third.pk, second.pk, first.pk]
        )

    def test_calendar_bars_have_text(self) -> None:
        ActionSheet.objects.filter(pk=self.sheets[0].pk).update(
            planned_start=datetime.date(2027, 1, 15), planned_end=datetime.date(2027, 3, 10)
        )
        ActionSheet.objects.filter(pk=self.sheets[1].pk).update(
            planned_start=datetime.date(2027, 2, 1), planned_end=datetime.date(2027, 6, 30)
        )
        self.login("provider_a")
        page = self.client.get(reverse("roadmaps:calendar", args=[self.roadmap.pk]))
        self.assertContains(page, "du 15/01/2027 au 10/03/2027")
        self.assertContains(page, 'class="rm-gantt__bar rm-s1 rm-e4"')
        self.assertContains(page, 'class="rm-gantt__bar rm-s2 rm-e7"')
        self.assertContains(page, "rm-gantt--m6")
        self.assertContains(page, "Dates prévues manquantes")


class QueryCountTests(TestCase):
    """The pages' queries do not grow with the number of sheets."""

    world: Any
    small: Roadmap
    large: Roadmap

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_roadmap_world()
        cls.small = cls.world.roadmap
        cls.large = RoadmapFactory(participation=cls.world.participation_a2)
        axes = [AxisFactory(roadmap=cls.large, position=i) for i in (1, 2, 3)]
        for number in range(1, 31):
            sheet = complete_sheet(axis=axes[number % 3], number=number)
            sheet.related.add(*cls.large.sheets.all()[:2])
        for sheet in cls.world.sheets:
            complete_sheet(axis=sheet.axis, number=sheet.number + 100)

    def count(self, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_pages_equal_at_3_and_30_sheets(self) -> None:
        self.client.force_login(self.world.users["provider_a"])
        # Sheets with every part, so that no nested prefetch is skipped on one side only.
        sheet_small = self.small.sheets.filter(indicators__isnull=False).first()
        sheet_large = self.large.sheets.filter(indicators__isnull=False).first()
        assert sheet_small is not None and sheet_large is not None
        for name, small, large in (
            ("roadmaps:detail", self.small.pk, self.large.pk),
            ("roadmaps:table", self.small.pk, self.large.pk),
            ("roadmaps:calendar", self.small.pk, self.large.pk),
            ("roadmaps:sheet_detail", sheet_small.pk, sheet_large.pk),
        ):
            with self.subTest(page=name):
                small_count = self.count(reverse(name, args=[small]))
                self.assertEqual(small_count, self.count(reverse(name, args=[large])), name)

    def test_roadmap_page_budget(self) -> None:
        self.client.force_login(self.world.users["provider_a"])
        url = reverse("roadmaps:detail", args=[self.large.pk])
        # 1 session, 2 user, 3 the roadmap (access), 4-5 the person's grants (memberships,
        # organisation roles), 6 the roadmap with its territory and Fabrique (page), 7 axes,
        # 8 sheets, 9 sheet partners, 10 steps, 11 budget lines, 12 funding lines,
        # 13 indicators, 14 indicator values, 15 the results the sheets answer, 16 those the
        # axes answer, 17 roadmap partners, 18 contracts, 19 attachments, 20 comments with
        # their authors; the lifecycle panel: 21 frozen versions (count), 22-23 the
        # submission's guards (an axis, a sheet), 24 the history of moves (audit events with
        # their authors); 25 the « Vision prospective » (retained results with their study).
        with self.assertNumQueries(25):
            response = self.client.get(url)
        self.assertContains(response, "Fiches complètes\u00a0: 30 sur 30.")


class SheetCommentAndAttachmentTests(EditingTestCase):
    def test_partner_comments_a_sheet_and_writers_cannot_edit_it(self) -> None:
        from fabriques.roadmaps.models import SheetNote

        sheet = self.sheets[1]
        self.login("partner_a")
        response = self.client.post(
            reverse("roadmaps:sheet_comment", args=[sheet.pk]),
            {"comment-text": "Quel budget de fonctionnement ?"},
        )
        self.assertEqual(response.status_code, 302)
        comment = SheetNote.objects.get(sheet=sheet, is_comment=True)
        self.assertEqual(comment.author, self.world.users["partner_a"])
        self.assertTrue(AuditEvent.objects.filter(action="sheet.commented").exists())
        self.client.logout()
        self.login("provider_a")
        page = self.client.get(reverse("roadmaps:sheet_detail", args=[sheet.pk]))
        self.assertContains(page, "Quel budget de fonctionnement ?")
        edit = reverse("roadmaps:part_edit", args=[sheet.pk, "notes", comment.pk])
        self.assertEqual(self.client.get(edit).status_code, 404)

    def test_outsider_cannot_comment(self) -> None:
        self.login("partner_b")
        response = self.client.post(
            reverse("roadmaps:sheet_comment", args=[self.sheets[1].pk]),
            {"comment-text": "Intrus"},
        )
        self.assertEqual(response.status_code, 404)

    def test_pdf_attachment_uploaded_and_downloaded(self) -> None:
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        buffer = io.BytesIO()
        writer.write(buffer)
        self.login("elected_a")
        response = self.client.post(
            reverse("roadmaps:attachment_create", args=[self.roadmap.pk]),
            {
                "file-title": "Diagnostic territorial",
                "file-file": SimpleUploadedFile(
                    "diagnostic.pdf", buffer.getvalue(), "application/pdf"
                ),
            },
        )
        self.assertEqual(response.status_code, 302)
        attachment = self.roadmap.attachments.get()
        self.assertEqual(attachment.original_name, "diagnostic.pdf")
        self.client.logout()
        self.login("partner_a")
        download = self.client.get(
            reverse("roadmaps:attachment", args=[self.roadmap.pk, attachment.pk])
        )
        self.assertEqual(download.status_code, 200)
        body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        self.assertEqual(body, buffer.getvalue())
        self.client.logout()
        self.login("elected_b")
        self.assertEqual(
            self.client.get(
                reverse("roadmaps:attachment", args=[self.roadmap.pk, attachment.pk])
            ).status_code,
            404,
        )

    def test_outcomes_from_territory_minutes_only(self) -> None:
        from fabriques.workshops.models import OutcomeKind
        from fabriques.workshops.tests.factories import (
            MinutesFactory,
            OutcomeFactory,
            WorkshopFactory,
        )

        here = OutcomeFactory(
            minutes=MinutesFactory(
                workshop=WorkshopFactory(participation=self.world.cast.participation_a)
            ),
            kind=OutcomeKind.DECISION,
            text="Créer une maison de santé.",
        )
        elsewhere = OutcomeFactory(
            minutes=MinutesFactory(
                workshop=WorkshopFactory(participation=self.world.participation_a2)
            ),
            text="Décision d’un autre territoire.",
        )
        sheet = self.sheets[0]
        self.login("provider_a")
        page = self.client.get(reverse("roadmaps:sheet_detail", args=[sheet.pk]))
        self.assertContains(page, "Créer une maison de santé.")
        self.assertNotContains(page, "Décision d’un autre territoire.")
        self.client.post(
            reverse("roadmaps:sheet_outcomes", args=[sheet.pk]), {"outcomes": [here.pk]}
        )
        self.assertEqual(list(sheet.outcomes.all()), [here])
        refused = self.client.post(
            reverse("roadmaps:sheet_outcomes", args=[sheet.pk]), {"outcomes": [elsewhere.pk]}
        )
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(list(sheet.outcomes.all()), [here])


class SheetDeleteAndResubmitTests(EditingTestCase):
    def test_delete_asks_then_deletes(self) -> None:
        sheet = self.sheets[2]
        url = reverse("roadmaps:sheet_delete", args=[sheet.pk])
        # An invited member sees the roadmap but deletes no sheet, not even their own.
        self.login("member_a")
        self.assertEqual(self.client.post(url).status_code, 403)
        own = reverse("roadmaps:sheet_delete", args=[self.sheets[0].pk])
        self.assertEqual(self.client.post(own).status_code, 403)
        self.client.logout()
        self.login("technical_a")
        self.assertContains(self.client.get(url), "Supprimer « ")
        self.assertTrue(ActionSheet.objects.filter(pk=sheet.pk).exists())
        response = self.client.post(url)
        self.assertRedirects(response, reverse("roadmaps:detail", args=[self.roadmap.pk]) + "#axes")
        self.assertFalse(ActionSheet.objects.filter(pk=sheet.pk).exists())
        self.assertTrue(AuditEvent.objects.filter(action="sheet.deleted").exists())

    def test_sheet_conflict_then_save_mine(self) -> None:
        sheet = self.sheets[0]
        url = reverse("roadmaps:sheet_edit", args=[sheet.pk])
        provider, member = self.client_class(), self.client_class()
        provider.force_login(self.world.users["provider_a"])
        member.force_login(self.world.users["member_a"])
        provider.post(url, sheet_data(sheet, pilot_organisation="Commune"))
        conflict = member.post(url, sheet_data(sheet, pilot_organisation="Centre social"))
        self.assertEqual(conflict.status_code, 409)
        resubmit = conflict.context["resubmit"]
        data = {field.html_name: field.value() for field in resubmit}
        self.assertEqual(str(data["lock_version"]), "2")
        data = {key: "" if value is None else value for key, value in data.items()}
        self.assertEqual(member.post(url, data).status_code, 302)
        sheet.refresh_from_db()
        self.assertEqual(sheet.pilot_organisation, "Centre social")
        self.assertEqual(sheet.lock_version, 3)


class PartnerAndContractEditTests(EditingTestCase):
    def test_partner_edit_and_move(self) -> None:
        from .factories import RoadmapPartnerFactory

        first = RoadmapPartnerFactory(roadmap=self.roadmap, position=1, name="Région")
        second = RoadmapPartnerFactory(roadmap=self.roadmap, position=2, name="Département")
        self.login("elected_a")
        self.client.post(
            reverse("roadmaps:partner_edit", args=[self.roadmap.pk, second.pk]),
            {"name": "Conseil départemental", "role": "Cofinanceur"},
        )
        self.client.post(
            reverse("roadmaps:partner_move", args=[self.roadmap.pk, second.pk]), {"sens": "haut"}
        )
        self.assertEqual(
            list(self.roadmap.partners.order_by("position").values_list("name", flat=True)),
            ["Conseil départemental", first.name],
        )
        self.client.logout()
        self.login("partner_a")
        self.assertEqual(
            self.client.get(
                reverse("roadmaps:partner_edit", args=[self.roadmap.pk, first.pk])
            ).status_code,
            403,
        )

    def test_contract_edit_round_trip(self) -> None:
        from .factories import ContractLinkFactory

        link = ContractLinkFactory(roadmap=self.roadmap)
        self.login("provider_a")
        url = reverse("roadmaps:contract_edit", args=[self.roadmap.pk, link.pk])
        response = self.client.post(
            url,
            {"kind": "ort", "label": "ORT du centre", "reference": "", "signed_on": "2023-02-01"},
        )
        self.assertEqual(response.status_code, 302)
        page = self.client.get(url)
        self.assertContains(page, 'value="ORT du centre"')
        self.assertContains(page, 'value="2023-02-01"')
        self.assertContains(page, '<option value="ort" selected>')
