"""A workshop from its planning to the representativeness figures, through the real UI, with
axe-core and the layout at 1,280 and 390 px (assert_accessible) on every page visited; the
member's and the facilitator's screens are used on a phone (390 px wide).

The referent imports a working group of 12 → the provider plans a workshop for today and
invites two families → two members register through the sign-in link of their invitation →
the facilitator checks them in by code on a phone → writes the minutes (a decision, an
action) and shares them → an attendee comments → the referent validates and publishes → the
representativeness page shows the families present and those absent.

The live server runs in the test's process: e-mails land in django.core.mail.outbox (locmem
backend, immediate task backend).
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import build_personas
from fabriques.workinggroups.models import Member
from fabriques.workinggroups.tests.test_imports import xlsx_bytes
from fabriques.workshops.models import (
    Attendance,
    Minutes,
    MinutesStatus,
    Outcome,
    Registration,
    RegistrationStatus,
    Workshop,
)

from .conftest import DESKTOP, PHONE, axe_violations, unexpected_violations, watch_csp
from .test_calls import login
from .test_cycle import Browse, said

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Le centre-bourg en 2040"
# Three people of each of four families; the workshop invites the first two families.
FAMILIES = ("Associations", "Habitants", "Élus", "Entreprises")


def _schedule(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime, bool]:
    """Start and end of a workshop planned today, later in the day (the form refuses a
    workshop in the past, invitations and registrations close when it starts, check-in opens
    on its day); when too little of the day is left, tomorrow morning, and the test moves the
    clock before the check-in (see `_move`)."""
    local = timezone.localtime(now).replace(second=0, microsecond=0)
    start = local + datetime.timedelta(minutes=60 - local.minute % 5)
    end = start + datetime.timedelta(hours=1)
    if end.date() == local.date():
        return start, end, True
    tomorrow = datetime.datetime.combine(
        local.date() + datetime.timedelta(days=1), datetime.time(9)
    )
    start = timezone.make_aware(tomorrow)
    return start, start + datetime.timedelta(hours=2), False


def _move(workshop: Workshop, starts_at: datetime.datetime) -> None:
    """Move the clock: the workshop's times, in the database (an hour long)."""
    workshop.refresh_from_db()
    workshop.starts_at = starts_at
    workshop.ends_at = starts_at + datetime.timedelta(hours=1)
    workshop.save(update_fields=["starts_at", "ends_at", "updated_at"])


def _phone(browser, live_server, check, csp: list[list[str]]) -> Browse:
    """A browser of its own, on a phone (its cookies its own); the Content-Security-Policy
    violations its pages report grow a list added to `csp`."""
    context = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    csp.append(watch_csp(context))
    page = context.new_page()
    page.set_default_timeout(10_000)
    return Browse(page, live_server.url, check)


def test_a_workshop_from_planning_to_figures(browser, page, live_server, assert_accessible):
    expect.set_options(timeout=10_000)
    page.set_default_timeout(10_000)
    cast = build_personas(status=FabriqueStatus.RUNNING)
    fabrique, territory = cast.fabrique_a, cast.participation_a
    ui = Browse(page, live_server.url, assert_accessible)
    phones: list[Browse] = []
    csp: list[list[str]] = []

    # --- 1. The elected referent imports the working group (12 people) --------------------
    login(page, live_server, cast.elected_a)
    ui.goto(f"/espace/fabriques/{fabrique.slug}/territoires/{territory.pk}/groupe/importer/")
    header = ["prenom", "nom", "courriel", "organisation", "famille", "role", "arrivee_le"]
    rows: list[list[object]] = [list[object](header)]
    rows += [
        [f"Prénom{n}", f"Nom{n}", f"p{n}@exemple.fr", f"Structure {n}", FAMILIES[n % 4],
         "membre", "10/03/2026"]
        for n in range(12)
    ]  # fmt: skip
    page.locator("input[type=file]").set_input_files(
        {"name": "groupe.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx_bytes(rows)}
    )
    ui.button("Voir l’aperçu")
    ui.button(re.compile("^Importer"))
    assert Member.objects.filter(working_group__participation=territory).count() == 12

    # --- 2. The provider plans the workshop and invites two families -----------------------
    page.context.clear_cookies()
    login(page, live_server, cast.provider_a)
    start, end, today = _schedule(timezone.now())
    ui.goto(f"/espace/fabriques/{fabrique.slug}/rencontres/nouvelle/")
    page.get_by_label("Type de rencontre").select_option("local")
    page.get_by_label(re.compile("^Titre")).fill(TITLE)
    page.get_by_label(re.compile("^Territoire")).select_option(str(territory.pk))
    page.get_by_label(re.compile("^Animateur")).select_option(str(cast.provider_a.pk))
    page.get_by_label(re.compile("^Date"), exact=False).first.fill(f"{start:%Y-%m-%d}")
    page.get_by_label(re.compile("^Heure de début")).fill(f"{start:%H:%M}")
    page.get_by_label(re.compile("^Heure de fin")).fill(f"{end:%H:%M}")
    page.get_by_label(re.compile("^Lieu")).fill("Salle des fêtes")
    ui.button("Prévoir la rencontre")
    expect(ui.messages()).to_contain_text(said(f"La rencontre « {TITLE} » est prévue."))
    workshop = Workshop.objects.get(title=TITLE)
    assert workshop.starts_at == start and workshop.facilitator == cast.provider_a

    ui.link("Inviter")
    ui.tick("Des familles d’acteurs")
    families = page.get_by_role("group", name=re.compile("^Familles d’acteurs"))
    for family in ("Associations", "Habitants"):
        families.locator("label.fr-label", has_text=family).click()
        expect(families.get_by_label(family, exact=True)).to_be_checked()
    mail.outbox.clear()
    ui.button("Envoyer les invitations")
    expect(ui.messages()).to_contain_text("6 personnes invitées.")
    invited = Registration.objects.filter(workshop=workshop, status=RegistrationStatus.INVITED)
    assert {r.member.get_family_display() for r in invited} == {"Associations", "Habitants"}
    assert invited.count() == 6 and len(mail.outbox) == 6

    # --- 3. Two members register through their sign-in link, on a phone -------------------
    members = {}
    for email in ("p0@exemple.fr", "p1@exemple.fr"):
        (invitation,) = [m for m in mail.outbox if email in m.to]
        link = re.search(r"/compte/lien/[^/\s]+/", str(invitation.body))
        assert link, invitation.body
        phone = _phone(browser, live_server, assert_accessible, csp)
        phones.append(phone)
        phone.goto(link.group(0))
        phone.button("Me connecter")
        assert phone.page.url.endswith(f"/mon-espace/rencontres/{workshop.pk}/")
        expect(phone.page.get_by_role("heading", level=1)).to_have_text(TITLE)
        phone.button("M’inscrire")
        expect(phone.messages()).to_contain_text("Vous êtes inscrit(e) à cette rencontre.")
        registration = Registration.objects.get(workshop=workshop, member__email=email)
        assert registration.status == RegistrationStatus.REGISTERED
        # The code the person shows at the door.
        code = phone.page.get_by_text(registration.code, exact=True)
        expect(code).to_be_visible()
        # Set out by the workspace's style sheet (a style attribute breaks the CSP).
        expect(code).to_have_css("font-family", "monospace")
        members[email] = (phone, registration)

    # --- 4. The facilitator checks the two in by code, on a phone --------------------------
    if not today:
        # Too late in the day to plan it today: the day of the workshop has come.
        _move(workshop, timezone.now())
    facilitator = _phone(browser, live_server, assert_accessible, csp)
    phones.append(facilitator)
    login(facilitator.page, live_server, cast.provider_a)
    facilitator.goto(f"/espace/rencontres/{workshop.pk}/")
    facilitator.link("Pointage")
    for _phone_of_member, registration in members.values():
        code = registration.code
        # Typed as read aloud: lower case, with a space in the middle.
        facilitator.page.get_by_label(re.compile("^Code de la personne")).fill(
            f"{code[:3].lower()} {code[3:].lower()}"
        )
        facilitator.button("Pointer présent")
        expect(facilitator.messages()).to_contain_text(
            said(f"{registration.member.full_name} est pointé(e) présent(e).")
        )
    attended = Registration.objects.filter(workshop=workshop, attendance=Attendance.ATTENDED)
    assert {r.member.email for r in attended} == set(members)

    # --- 5. The workshop took place: the facilitator writes and shares the minutes ---------
    # The clock moves past the workshop (its times, in the database): the figures count the
    # meetings held, started before now.
    _move(workshop, timezone.now() - datetime.timedelta(hours=1, minutes=5))
    facilitator.goto(f"/espace/rencontres/{workshop.pk}/")
    facilitator.link("Écrire le compte rendu")
    fp = facilitator.page
    fp.get_by_label(re.compile("^Compte rendu")).fill(
        "## Le diagnostic\n\nLes habitants et les associations partagent le constat."
    )
    first = fp.get_by_role("group", name="Suite n° 1")
    first.get_by_label("Type").select_option("decision")
    first.get_by_label("Texte").fill("Ouvrir la halle le samedi matin.")
    second = fp.get_by_role("group", name="Suite n° 2")
    second.get_by_label("Type").select_option("action")
    second.get_by_label("Texte").fill("Recenser les locaux commerciaux vacants.")
    second.get_by_label(re.compile("^Responsable")).select_option(
        str(members["p0@exemple.fr"][1].member_id)
    )
    due = timezone.localdate() + datetime.timedelta(days=30)
    second.get_by_label(re.compile("^Échéance")).fill(f"{due:%Y-%m-%d}")
    facilitator.button("Enregistrer le compte rendu")
    expect(facilitator.messages()).to_contain_text("Le compte rendu est enregistré.")
    # « ## » is a heading under the section's <h2>, not two levels below it.
    expect(fp.get_by_role("heading", name="Le diagnostic", level=3)).to_be_visible()
    minutes = Minutes.objects.get(workshop=workshop)
    assert sorted(Outcome.objects.filter(minutes=minutes).values_list("kind", flat=True)) == [
        "action",
        "decision",
    ]
    mail.outbox.clear()
    facilitator.button("Soumettre aux participants")
    expect(facilitator.messages()).to_contain_text("Le compte rendu est soumis aux participants")
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.SHARED
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(members)

    # --- 6. An attendee comments, signed in by their link, on their phone ------------------
    attendee = members["p1@exemple.fr"][0]
    attendee.goto(f"/espace/rencontres/{workshop.pk}/compte-rendu/")
    attendee.page.get_by_label("Votre commentaire").fill("Pensez aussi au marché du mercredi.")
    attendee.button("Envoyer le commentaire")
    expect(attendee.messages()).to_contain_text("Votre commentaire est enregistré.")
    expect(attendee.page.get_by_text("Pensez aussi au marché du mercredi.")).to_be_visible()

    # --- 7. The referent validates (before the comments close) and publishes -----------------
    page.context.clear_cookies()
    login(page, live_server, cast.elected_a)
    ui.goto(f"/espace/rencontres/{workshop.pk}/compte-rendu/")
    expect(page.get_by_text("Pensez aussi au marché du mercredi.")).to_be_visible()
    ui.tick("Valider avant la fin des commentaires")
    ui.button("Valider le compte rendu")
    expect(ui.messages()).to_contain_text("Le compte rendu est validé.")
    ui.button("Publier le compte rendu")
    expect(ui.messages()).to_contain_text("Le compte rendu est publié.")
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.PUBLISHED

    # --- 8. The representativeness of the territory's group --------------------------------
    ui.goto(f"/espace/fabriques/{fabrique.slug}/representativite/?territoire={territory.pk}")
    warning = page.locator(".fr-alert--warning")
    expect(warning).to_contain_text("Familles d’acteurs absentes")
    for family in ("Élus", "Entreprises", "Services de l’État"):
        expect(warning).to_contain_text(said(f"« {family} »"))
    for family in ("Associations", "Habitants"):
        expect(warning).not_to_contain_text(f"« {family} »")
    meetings = page.get_by_role("table", name="Personnes présentes à chaque rencontre")
    expect(meetings.get_by_role("columnheader")).to_have_count(9)  # 7 families, the meeting, total
    # On a phone the table scrolls in its container, which a keyboard can reach.
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == []
    page.set_viewport_size(DESKTOP)

    violations = [v for found in csp for v in found]
    for phone in phones:
        phone.page.context.close()
    unexpected = unexpected_violations(violations)
    assert unexpected == [], "Content-Security-Policy violations:\n" + "\n".join(unexpected)
