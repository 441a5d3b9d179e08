"""Every audit action recorded anywhere in the code base has a French label.

The audit log and the histories show `AUDIT_ACTIONS[action]` to people; an action without a
label would show its code. This reads every call of `audit_event_create` in the source (not
only those the other tests happen to run) and checks each action it may record.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import SimpleTestCase

from fabriques.core.audit import AUDIT_ACTIONS, audit_action_label
from fabriques.deliverables.models import ReviewDecision

ROOT = Path(__file__).resolve().parents[2]  # fabriques/

# Actions built at run time, with the values their placeholders take.
COMPUTED_ACTIONS = {
    "deliverable.{decision}": [f"deliverable.{value}" for value in ReviewDecision.values],
}


def _actions(node: ast.expr, where: str) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _actions(node.body, where) + _actions(node.orelse, where)
    if isinstance(node, ast.JoinedStr):
        pattern = "".join(
            str(part.value)
            if isinstance(part, ast.Constant)
            else "{" + ast.unparse(part.value) + "}"
            for part in node.values
            if isinstance(part, ast.Constant | ast.FormattedValue)
        )
        if pattern in COMPUTED_ACTIONS:
            return COMPUTED_ACTIONS[pattern]
    raise AssertionError(
        f"{where}: the action {ast.unparse(node)!r} cannot be read from the source; write it as "
        "a literal or list its values in COMPUTED_ACTIONS."
    )


def recorded_actions() -> dict[str, str]:
    """action → where it is recorded, for every call of audit_event_create outside tests."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name != "audit_event_create":
                continue
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            action = next((kw.value for kw in node.keywords if kw.arg == "action"), None)
            assert action is not None, f"{where}: audit_event_create without action="
            for value in _actions(action, where):
                found.setdefault(value, where)
    return found


class AuditLabelTests(SimpleTestCase):
    def test_every_recorded_action_has_a_french_label(self):
        actions = recorded_actions()
        # The scan finds the services' actions (a scan that found nothing would pass).
        self.assertIn("application.selected", actions)
        self.assertIn("deliverable.accepted", actions)
        self.assertIn("membership.changed", actions)
        missing = {
            action: where for action, where in actions.items() if action not in AUDIT_ACTIONS
        }
        self.assertEqual(missing, {}, "actions without a label in fabriques/core/audit.py")

    def test_labels_are_french_sentences(self):
        self.assertEqual(audit_action_label("deliverable.accepted"), "Livrable accepté")
        for action, label in AUDIT_ACTIONS.items():
            with self.subTest(action=action):
                self.assertNotIn(".", str(label))
                self.assertEqual(str(label)[0], str(label)[0].upper())

    def test_an_unknown_action_shows_its_code(self):
        self.assertEqual(audit_action_label("ancienne.action"), "ancienne.action")
