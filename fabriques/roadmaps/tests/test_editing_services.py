"""The editing services and selectors: valid writes, refusals that change nothing, conflicts,
the completeness check and the readable history."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from fabriques.core.models import AuditEvent
from fabriques.roadmaps.models import (
    ActionSheet,
    FundingLine,
    IndicatorValue,
    Roadmap,
    RoadmapStatus,
    SheetStatus,
)
from fabriques.roadmaps.selectors import editing as selectors
from fabriques.roadmaps.services import editing as services

from .factories import (
    ActionSheetFactory,
    IndicatorFactory,
    build_roadmap_world,
    complete_sheet,
)


class ServiceTests(TestCase):
    world: Any
    actor: Any
    roadmap: Roadmap
    sheet: ActionSheet

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_roadmap_world()
        cls.actor = cls.world.users["provider_a"]
        cls.roadmap = cls.world.roadmap
        cls.sheet = cls.world.sheets[0]

    def test_roadmap_create_defaults_title_and_fabrique(self) -> None:
        participation = self.world.participation_a2
        roadmap = services.roadmap_create(participation=participation, actor=self.actor)
        self.assertEqual(roadmap.title, f"Feuille de route — {participation.label}")
        self.assertEqual(roadmap.fabrique_id, participation.fabrique_id)
        with self.assertRaisesMessage(ValidationError, "a déjà sa feuille de route"):
            services.roadmap_create(participation=participation, actor=self.actor)
        self.assertEqual(Roadmap.objects.filter(participation=participation).count(), 1)

    def test_roadmap_update_bumps_version_and_audits(self) -> None:
        changed = services.roadmap_update(
            roadmap=self.roadmap,
            actor=self.actor,
            data={"vision": "Un bourg vivant en 2040.", "title": self.roadmap.title},
            expected_version=1,
        )
        self.assertEqual(changed, ["vision"])
        self.roadmap.refresh_from_db()
        self.assertEqual(self.roadmap.lock_version, 2)
        event = AuditEvent.objects.get(action="roadmap.updated")
        self.assertEqual(event.data, {"fields": ["vision"]})

    def test_stale_version_raises_conflict_with_current_values(self) -> None:
        services.sheet_update(
            sheet=ActionSheet.objects.get(pk=self.sheet.pk),
            actor=self.actor,
            data={"objectives": "Les leurs."},
            expected_version=1,
        )
        mine = ActionSheet.objects.get(pk=self.sheet.pk)
        with self.assertRaises(services.EditConflict) as caught:
            services.sheet_update(
                sheet=mine, actor=self.actor, data={"objectives": "Les miens."}, expected_version=1
            )
        self.assertEqual(caught.exception.current["objectives"], "Les leurs.")
        self.assertEqual(caught.exception.lock_version, 2)
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.objectives, "Les leurs.")
        self.assertEqual(
            AuditEvent.objects.filter(action="sheet.updated", object_id=str(self.sheet.pk)).count(),
            1,
        )

    def test_planned_end_before_start_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "La fin prévue précède le début prévu."):
            services.sheet_update(
                sheet=ActionSheet.objects.get(pk=self.sheet.pk),
                actor=self.actor,
                data={
                    "planned_start": datetime.date(2028, 1, 1),
                    "planned_end": datetime.date(2027, 1, 1),
                },
                expected_version=1,
            )
        self.sheet.refresh_from_db()
        self.assertIsNone(self.sheet.planned_start)
        self.assertEqual(self.sheet.lock_version, 1)

    def test_sheet_create_next_number_and_taken_number(self) -> None:
        sheet = services.sheet_create(
            roadmap=self.roadmap,
            actor=self.actor,
            data={"axis": self.world.axes[1], "title": "Tiers-lieu"},
        )
        self.assertEqual(sheet.number, 4)
        with self.assertRaisesMessage(ValidationError, "déjà pris"):
            services.sheet_create(
                roadmap=self.roadmap,
                actor=self.actor,
                data={"axis": self.world.axes[1], "title": "Doublon", "number": 4},
            )
        other_axis = self.world.roadmap_b
        with self.assertRaisesMessage(ValidationError, "Choisissez un axe"):
            services.sheet_create(
                roadmap=other_axis,
                actor=self.actor,
                data={"axis": self.world.axes[0], "title": "Mauvais axe"},
            )

    def test_negative_funding_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "ne peut pas être négatif"):
            services.sheet_part_create(
                sheet=self.sheet,
                actor=self.actor,
                part="funding",
                data={
                    "funder": "Région",
                    "scheme": "region",
                    "amount_asked": Decimal("-10"),
                    "status": "asked",
                },
            )
        self.assertFalse(FundingLine.objects.exists())

    def test_indicator_value_without_date_refused(self) -> None:
        indicator = IndicatorFactory(sheet=self.sheet)
        with self.assertRaisesMessage(ValidationError, "Indiquez la date de la mesure."):
            services.indicator_value_create(
                indicator=indicator, actor=self.actor, data={"value": Decimal("2")}
            )
        self.assertFalse(IndicatorValue.objects.exists())

    def test_axis_with_sheets_cannot_be_deleted(self) -> None:
        with self.assertRaisesMessage(ValidationError, "a des fiches action"):
            services.axis_delete(axis=self.world.axes[0], actor=self.actor)

    def test_status_change_records_history(self) -> None:
        services.sheet_status_change(
            sheet=self.sheet,
            actor=self.actor,
            status=SheetStatus.LATE,
            changed_on=datetime.date(2027, 5, 1),
            comment="Retard du chantier.",
        )
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.LATE)
        change = self.sheet.status_changes.get()
        self.assertEqual((change.status, change.changed_by), (SheetStatus.LATE, self.actor))
        with self.assertRaisesMessage(ValidationError, "déjà dans cet état"):
            services.sheet_status_change(sheet=self.sheet, actor=self.actor, status="late")

    def test_editor_must_be_member_with_account(self) -> None:
        from fabriques.workinggroups.tests.factories import MemberFactory

        without_account = MemberFactory(working_group=self.world.group_a, user=None)
        with self.assertRaisesMessage(ValidationError, "qui ont un compte"):
            services.sheet_editor_add(sheet=self.sheet, actor=self.actor, member=without_account)
        idle = self.world.members["member_a_idle"]
        services.sheet_editor_add(sheet=self.sheet, actor=self.actor, member=idle)
        self.assertTrue(self.sheet.editors.filter(pk=idle.user_id).exists())
        services.sheet_editor_remove(sheet=self.sheet, actor=self.actor, user=idle.user)
        self.assertFalse(self.sheet.editors.filter(pk=idle.user_id).exists())
        self.assertEqual(
            list(
                AuditEvent.objects.filter(action__startswith="sheet.editor").values_list(
                    "action", flat=True
                )
            ),
            ["sheet.editor_removed", "sheet.editor_added"],
        )

    def test_published_roadmap_change_bumps_version_and_reindexes(self) -> None:
        from fabriques.core.models import ChangeCounter

        Roadmap.objects.filter(pk=self.roadmap.pk).update(
            status=RoadmapStatus.PUBLISHED, published_at=timezone.now()
        )
        roadmap = Roadmap.objects.get(pk=self.roadmap.pk)
        before = list(ChangeCounter.objects.values_list("value", flat=True))
        with mock.patch.object(services, "refresh_later") as refresh:
            services.sheet_update(
                sheet=ActionSheet.objects.get(pk=self.sheet.pk),
                actor=self.actor,
                data={"title": "Titre publié corrigé"},
                expected_version=1,
            )
            services.roadmap_update(
                roadmap=roadmap, actor=self.actor, data={"issues": "Santé"}, expected_version=1
            )
        refresh.assert_any_call("sheet", [self.sheet.pk])
        refresh.assert_any_call("roadmap", [roadmap.pk])
        self.assertNotEqual(list(ChangeCounter.objects.values_list("value", flat=True)), before)

    def test_draft_change_does_not_reindex(self) -> None:
        with mock.patch.object(services, "refresh_later") as refresh:
            services.axis_create(roadmap=self.roadmap, actor=self.actor, title="Axe brouillon")
        refresh.assert_not_called()


class CompletenessTests(TestCase):
    bare: ActionSheet
    complete: ActionSheet

    @classmethod
    def setUpTestData(cls) -> None:
        cls.bare = ActionSheetFactory()
        cls.complete = complete_sheet()

    def sheet(self, pk: int) -> ActionSheet:
        return ActionSheet.objects.prefetch_related(
            "indicators", "budget_lines", "funding_lines"
        ).get(pk=pk)

    def test_bare_sheet_lists_everything_missing(self) -> None:
        self.assertEqual(
            selectors.completeness(self.sheet(self.bare.pk)),
            [
                "Aucun pilote désigné",
                "Objectifs non renseignés",
                "Description vide",
                "Dates prévues manquantes",
                "Aucun indicateur",
                "Aucune ligne budgétaire",
                "Plan de financement vide",
            ],
        )

    def test_complete_sheet_has_nothing_missing(self) -> None:
        sheet = self.sheet(self.complete.pk)
        with self.assertNumQueries(0):
            self.assertEqual(selectors.completeness(sheet), [])


class HistoryTests(TestCase):
    world: Any

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_roadmap_world()

    def test_word_diff_escapes_and_marks(self) -> None:
        diff = selectors.word_diff("Ouvrir une <b>maison</b> de santé", "Ouvrir un centre de santé")
        self.assertEqual(
            str(diff),
            "Ouvrir <del>une &lt;b&gt;maison&lt;/b&gt;</del> <ins>un centre</ins> de santé",
        )

    def test_history_lists_changed_fields_in_french(self) -> None:
        actor = self.world.users["elected_a"]
        sheet = ActionSheet.objects.get(pk=self.world.sheets[1].pk)
        long_before = "Un texte assez long pour une description " * 3
        services.sheet_update(
            sheet=sheet,
            actor=actor,
            data={"description": long_before, "priority": "high"},
            expected_version=1,
        )
        services.sheet_update(
            sheet=sheet,
            actor=actor,
            data={"description": long_before + "avec un ajout"},
            expected_version=2,
        )
        entries = selectors.sheet_history(sheet=sheet)
        latest, middle = entries[0], entries[1]
        self.assertEqual(latest.record.history_user, actor)
        self.assertEqual([c.label for c in latest.changes], ["Description"])
        self.assertIn("<ins>avec un ajout</ins>", str(latest.changes[0].diff))
        labels = {c.label: (c.old, c.new) for c in middle.changes}
        self.assertEqual(labels["Priorité"], ("Moyenne", "Haute"))

    def test_history_covers_the_sheets_parts(self) -> None:
        actor = self.world.users["elected_a"]
        sheet = ActionSheet.objects.get(pk=self.world.sheets[1].pk)
        step = services.sheet_part_create(
            sheet=sheet, actor=actor, part="step", data={"name": "Étude de faisabilité"}
        )
        services.sheet_part_update(
            sheet=sheet,
            actor=actor,
            row=step,
            data={"done": True, "due_on": datetime.date(2027, 3, 1)},
        )
        line = services.sheet_part_create(
            sheet=sheet,
            actor=actor,
            part="budget",
            data={"year": 2027, "nature": "investment", "planned": Decimal("1250.50")},
        )
        services.sheet_part_delete(sheet=sheet, actor=actor, row=line)
        entries = selectors.sheet_history(sheet=sheet)
        removed, added_line, changed, added_step = entries[:4]
        assert removed.who == actor
        assert removed.heading.startswith("Suppression — Ligne budgétaire : ")
        assert {c.label: (c.old, c.new) for c in removed.changes}["Prévu"] == ("1250.50", "")
        assert added_line.heading.startswith("Ajout — Ligne budgétaire : ")
        assert changed.heading == "Modification — Étape : Étude de faisabilité"
        assert {c.label: (c.old, c.new) for c in changed.changes} == {
            "Réalisée": ("non", "oui"),
            "Date": ("", "01/03/2027"),
        }
        assert added_step.heading == "Ajout — Étape : Étude de faisabilité"
        assert ("Étape", "", "Étude de faisabilité") in [
            (c.label, c.old, c.new) for c in added_step.changes
        ]
        # The sheet's own versions are still there, after its parts' changes.
        assert any(entry.record is not None for entry in entries[4:])
