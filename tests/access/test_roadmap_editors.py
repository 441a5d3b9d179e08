"""A member invited to write a sheet keeps that access only while they belong to the group.

Played through the real pages: the territory's referent invites a member of its working group
on a sheet; the member reads the roadmap and writes the sheet; the referent records that the
member left the group; from then on the roadmap, the sheet and the Fabrique's roadmaps page
answer the member as a stranger (404) and their valid POST changes nothing. Coming back to
the group gives the access back (the invitation was kept).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fabriques.accounts.tests.factories import UserFactory
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import build_personas
from fabriques.roadmaps.models import ActionSheet
from fabriques.roadmaps.tests.factories_lifecycle import AxisFactory, RoadmapFactory, SheetFactory
from fabriques.workinggroups.tests.factories import MemberFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet_form(sheet: ActionSheet, title: str) -> dict[str, Any]:
    return {
        "lock_version": str(sheet.lock_version),
        "axis": str(sheet.axis_id),
        "number": str(sheet.number),
        "title": title,
        "priority": "medium",
        "maturity": "idea",
    }


def test_a_member_who_left_the_group_loses_the_sheet_they_were_invited_on(db: Any) -> None:
    cast = build_personas(status=FabriqueStatus.RUNNING)
    user = UserFactory.create(username="membre-invite@exemple.fr", email="membre-invite@exemple.fr")
    group = WorkingGroupFactory(participation=cast.participation_a)
    member = MemberFactory(working_group=group, email=user.email, user=user)
    roadmap = RoadmapFactory(participation=cast.participation_a)
    sheet = SheetFactory(roadmap=roadmap, axis=AxisFactory(roadmap=roadmap, position=1), number=1)
    referent, invited = _client(cast.elected_a), _client(user)
    pages = [
        reverse("roadmaps:detail", args=[roadmap.pk]),
        reverse("roadmaps:sheet_detail", args=[sheet.pk]),
        reverse("roadmaps:sheet_edit", args=[sheet.pk]),
        reverse("roadmaps:fabrique_list", args=[cast.fabrique_a.slug]),
    ]
    response = referent.post(
        reverse("roadmaps:sheet_editor_add", args=[sheet.pk]), {"member": member.pk}
    )
    assert response.status_code == 302
    assert [invited.get(url).status_code for url in pages] == [200, 200, 200, 200]
    edit = reverse("roadmaps:sheet_edit", args=[sheet.pk])
    assert invited.post(edit, _sheet_form(sheet, "Écrite par le membre")).status_code == 302

    response = referent.post(
        reverse(
            "workinggroups:member_leave",
            kwargs={
                "slug": cast.fabrique_a.slug,
                "participation": cast.participation_a.pk,
                "pk": member.pk,
            },
        ),
        {"left_on": "2026-06-01"},
    )
    assert response.status_code == 302
    assert [invited.get(url).status_code for url in pages] == [404, 404, 404, 404]
    sheet.refresh_from_db()
    response = invited.post(edit, _sheet_form(sheet, "Écrite après le départ"))
    assert response.status_code == 404
    sheet.refresh_from_db()
    assert sheet.title == "Écrite par le membre"
    assert sheet.editors.filter(pk=user.pk).exists()  # the invitation stays recorded

    response = referent.post(
        reverse(
            "workinggroups:member_rejoin",
            kwargs={
                "slug": cast.fabrique_a.slug,
                "participation": cast.participation_a.pk,
                "pk": member.pk,
            },
        )
    )
    assert response.status_code == 302
    assert [invited.get(url).status_code for url in pages] == [200, 200, 200, 200]
