"""Pages of the provider follow-up, tried by every persona of the shared cast."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabriques.core.tests.corpus import docx_bomb_declared_1gib
from fabriques.deliverables import services
from fabriques.deliverables.models import (
    Contract,
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
)
from fabriques.programme.tests.personas import ROLE_NAMES
from fabriques.territories.tests.factories import ParticipationFactory

from .factories import DeliverableFactory, exe_as_pdf_upload, pdf_upload

pytestmark = pytest.mark.django_db

DUE = timezone.localdate() + datetime.timedelta(days=60)


@dataclass
class World:
    cast: Any
    own: Any  # owed for territory A, pending
    collective: Any  # owed for the whole Fabrique A, submitted (version 1 waits for review)
    accepted: Any  # owed for the whole Fabrique A, accepted after one round of changes
    other: Any  # Fabrique B
    pending_version: Any
    rejected_version: Any
    accepted_version: Any


@pytest.fixture
def world(cast):
    own = DeliverableFactory(
        fabrique=cast.fabrique_a,
        participation=cast.participation_a,
        title="Feuille de route",
        kind=DeliverableKind.ROADMAP,
        due_on=DUE,
    )
    collective = DeliverableFactory(fabrique=cast.fabrique_a, title="Synthèse", due_on=DUE)
    pending_version = services.deliverable_submit(
        deliverable=collective, file=pdf_upload("synthese.pdf"), actor=cast.provider_a
    )
    accepted = DeliverableFactory(fabrique=cast.fabrique_a, title="Compte rendu", due_on=DUE)
    rejected_version = services.deliverable_submit(
        deliverable=accepted, file=pdf_upload("cr-v1.pdf"), actor=cast.provider_a
    )
    services.deliverable_review(
        version=rejected_version,
        decision="changes_requested",
        comment="Commentaire interne : ajouter la liste des présents.",
        actor=cast.pilot_a,
    )
    accepted_version = services.deliverable_submit(
        deliverable=accepted, file=pdf_upload("cr-v2.pdf"), actor=cast.provider_a
    )
    services.deliverable_review(version=accepted_version, decision="accepted", actor=cast.pilot_a)
    other = DeliverableFactory(fabrique=cast.fabrique_b, title="Synthèse B", due_on=DUE)
    mail.outbox.clear()
    return World(
        cast, own, collective, accepted, other, pending_version, rejected_version, accepted_version
    )


# One test client for the whole session: a new Client loads the middleware again, and
# WhiteNoise's scan of the static files makes that the slowest part of a request.
_CLIENT = Client()


def _client(cast, name):
    _CLIENT.logout()
    user = cast.user(name)
    if user is not None:
        _CLIENT.force_login(user)
    return _CLIENT


A_FOLLOWERS = {"admin", "pilot_a", "provider_a"}
A_REFERENTS = {"elected_a", "technical_a"}
A_ALL = A_FOLLOWERS | A_REFERENTS | {"partner_a"}
MANAGERS_A = {"admin", "pilot_a"}


def _expect(ok, *, ok_code=200, forbidden=(), default=404, skip=()):
    """Status per persona: ok_code for `ok`, 403 for `forbidden`, `default` for the rest."""
    return {
        name: ok_code if name in ok else 403 if name in forbidden else default
        for name in ROLE_NAMES
        if name != "anonymous" and name not in skip
    }


def _check(world, url, expected, method="get", data=None):
    got = {}
    for name in expected:
        client = _client(world.cast, name)
        response = getattr(client, method)(url, data or {})
        got[name] = response.status_code
    assert got == expected, url


# Who may read ---------------------------------------------------------------------------------


def test_dashboard_for_staff_and_providers_only(world):
    expected = _expect(
        {"admin", "pilot_a", "pilot_b", "provider_a", "provider_b"},
        forbidden={"partner_a", "partner_b", "elected_a", "elected_b", "technical_a"}
        | {"applicant", "outsider"},
    )
    _check(world, reverse("deliverables:dashboard"), expected)


def test_fabrique_list_for_everyone_who_sees_the_fabrique(world):
    url = reverse("deliverables:fabrique_list", args=[world.cast.fabrique_a.slug])
    _check(world, url, _expect(A_ALL))


def test_detail_of_a_deliverable_not_yet_accepted(world):
    collective = reverse("deliverables:deliverable_detail", args=[world.collective.pk])
    _check(world, collective, _expect(A_FOLLOWERS))
    own = reverse("deliverables:deliverable_detail", args=[world.own.pk])
    _check(world, own, _expect(A_FOLLOWERS | A_REFERENTS))


def test_detail_of_an_accepted_deliverable(world):
    url = reverse("deliverables:deliverable_detail", args=[world.accepted.pk])
    _check(world, url, _expect(A_ALL))


def test_version_files(world):
    pending = reverse("deliverables:version_file", args=[world.pending_version.pk])
    _check(world, pending, _expect(A_FOLLOWERS))
    accepted = reverse("deliverables:version_file", args=[world.accepted_version.pk])
    _check(world, accepted, _expect(A_ALL))
    # An earlier version of an accepted deliverable stays with those who follow it.
    rejected = reverse("deliverables:version_file", args=[world.rejected_version.pk])
    _check(world, rejected, _expect(A_FOLLOWERS))


def test_version_file_is_kept_by_no_cache(world):
    client = _client(world.cast, "pilot_a")
    response = client.get(reverse("deliverables:version_file", args=[world.pending_version.pk]))
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}


# Who may write ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["contract_edit", "deliverable_create", "deliverables_generate"]
)
def test_fabrique_level_forms_for_managers_only(world, url_name):
    url = reverse(f"deliverables:{url_name}", args=[world.cast.fabrique_a.slug])
    expected = _expect(MANAGERS_A, forbidden=A_ALL - MANAGERS_A)
    _check(world, url, expected)
    # An empty form: the managers see its errors, the others are refused before.
    _check(world, url, expected, "post")


def test_edit_for_managers_only(world):
    own = reverse("deliverables:deliverable_edit", args=[world.own.pk])
    _check(world, own, _expect(MANAGERS_A, forbidden={"provider_a"} | A_REFERENTS))
    accepted = reverse("deliverables:deliverable_edit", args=[world.accepted.pk])
    expected = _expect(MANAGERS_A, forbidden=A_ALL - MANAGERS_A)
    _check(world, accepted, expected)
    _check(world, accepted, expected, "post")


def test_delete_for_managers_only_and_post_only(world):
    url = reverse("deliverables:deliverable_delete", args=[world.own.pk])
    _check(
        world, url, _expect(set(), forbidden={"provider_a"} | A_REFERENTS, skip=MANAGERS_A), "post"
    )
    assert _client(world.cast, "pilot_a").get(url).status_code == 405
    response = _client(world.cast, "pilot_a").post(url)
    assert response.status_code == 302
    assert not Deliverable.objects.filter(pk=world.own.pk).exists()


def test_submit_for_the_provider_only(world):
    url = reverse("deliverables:deliverable_submit", args=[world.own.pk])
    # Managers review; they do not hand in on the provider's behalf. The provider's empty
    # form is shown again with its error.
    _check(world, url, _expect({"provider_a"}, forbidden=MANAGERS_A | A_REFERENTS), "post")
    accepted = reverse("deliverables:deliverable_submit", args=[world.accepted.pk])
    expected = _expect({"provider_a"}, forbidden=A_ALL - {"provider_a"})
    _check(world, accepted, expected, "post")
    assert _client(world.cast, "provider_a").get(url).status_code == 405
    assert not world.own.versions.exists()


def test_review_for_managers_only(world):
    url = reverse("deliverables:version_review", args=[world.pending_version.pk])
    expected = _expect(set(), forbidden={"provider_a"}, skip=MANAGERS_A)
    _check(world, url, expected, "post", {"decision": "accepted"})
    assert _client(world.cast, "pilot_a").get(url).status_code == 405
    world.collective.refresh_from_db()
    assert world.collective.status == DeliverableStatus.SUBMITTED


@pytest.mark.parametrize(
    ("url_name", "arg", "method"),
    [
        ("dashboard", None, "get"),
        ("fabrique_list", "slug", "get"),
        ("contract_edit", "slug", "get"),
        ("deliverable_create", "slug", "get"),
        ("deliverables_generate", "slug", "post"),
        ("deliverable_detail", "own", "get"),
        ("deliverable_edit", "own", "get"),
        ("deliverable_delete", "own", "post"),
        ("deliverable_submit", "own", "post"),
        ("version_review", "version", "post"),
        ("version_file", "version", "get"),
    ],
)
def test_anonymous_is_sent_to_login(world, url_name, arg, method):
    args = {
        None: [],
        "slug": [world.cast.fabrique_a.slug],
        "own": [world.own.pk],
        "version": [world.pending_version.pk],
    }[arg]
    url = reverse(f"deliverables:{url_name}", args=args)
    response = getattr(_client(world.cast, "anonymous"), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_unknown_objects_are_404(world):
    client = _client(world.cast, "admin")
    assert client.get(reverse("deliverables:deliverable_detail", args=[999999])).status_code == 404
    assert client.get(reverse("deliverables:version_file", args=[999999])).status_code == 404
    assert client.get(reverse("deliverables:fabrique_list", args=["inconnue"])).status_code == 404


# What each persona sees -------------------------------------------------------------------------


def test_pilot_list_offers_the_managers_actions(world):
    url = reverse("deliverables:fabrique_list", args=[world.cast.fabrique_a.slug])
    pilot = _client(world.cast, "pilot_a").get(url).content.decode()
    for text in ("Ajouter un livrable", "Générer les livrables types", "Enregistrer le contrat"):
        assert text in pilot
    assert "Synthèse" in pilot and "Feuille de route" in pilot and "Compte rendu" in pilot
    provider = _client(world.cast, "provider_a").get(url).content.decode()
    assert "Ajouter un livrable" not in provider and "Enregistrer le contrat" not in provider
    partner = _client(world.cast, "partner_a").get(url).content.decode()
    assert "Compte rendu" in partner
    assert "Synthèse" not in partner and "Feuille de route" not in partner
    elected = _client(world.cast, "elected_a").get(url).content.decode()
    assert "Feuille de route" in elected and "Compte rendu" in elected
    assert "Synthèse" not in elected


def test_partner_sees_only_the_accepted_version_without_internal_comments(world):
    url = reverse("deliverables:deliverable_detail", args=[world.accepted.pk])
    partner = _client(world.cast, "partner_a").get(url).content.decode()
    assert "cr-v2.pdf" in partner
    assert "cr-v1.pdf" not in partner
    assert "Commentaire interne" not in partner
    assert "Examiner la version" not in partner and "Déposer une" not in partner
    assert world.cast.provider_a.display_name not in partner  # the consultant's name stays inside
    pilot = _client(world.cast, "pilot_a").get(url).content.decode()
    assert "cr-v1.pdf" in pilot and "Commentaire interne" in pilot
    assert f"Déposée par {world.cast.provider_a.display_name}" in pilot
    assert "Historique des versions" in pilot


def test_pilot_sees_the_review_form_and_the_provider_the_submit_form(world):
    url = reverse("deliverables:deliverable_detail", args=[world.collective.pk])
    pilot = _client(world.cast, "pilot_a").get(url).content.decode()
    assert "Examiner la version 1" in pilot
    assert 'enctype="multipart/form-data"' not in pilot
    provider = _client(world.cast, "provider_a").get(url).content.decode()
    assert "Examiner la version" not in provider
    assert "Déposer une nouvelle version" in provider
    assert "une nouvelle version la remplacera pour cet examen" in provider


def test_dashboard_content_for_pilot_and_provider(world):
    DeliverableFactory(
        fabrique=world.cast.fabrique_b,
        title="Retard B",
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    html = _client(world.cast, "pilot_a").get(reverse("deliverables:dashboard")).content.decode()
    assert "En attente d’examen" in html and "Synthèse" in html
    assert "Compte rendu" not in html  # accepted: nothing to do
    assert "Feuille de route" not in html  # due in two months
    assert "Retard B" not in html
    url = reverse("deliverables:dashboard")
    provider_b = _client(world.cast, "provider_b").get(url).content.decode()
    assert "Retard B" in provider_b and "fr-badge--error" in provider_b
    assert "Synthèse" not in provider_b


def test_dashboard_section_is_paginated(world):
    for n in range(30):
        DeliverableFactory(
            fabrique=world.cast.fabrique_a,
            title=f"Annexe {n:02d}",
            due_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
        )
    client = _client(world.cast, "pilot_a")
    overview = client.get(reverse("deliverables:dashboard")).content.decode()
    assert "Voir les 30 livrables" in overview
    page = client.get(reverse("deliverables:dashboard") + "?section=late&page=2").content.decode()
    assert "30 livrables" in page
    assert "Annexe 29" in page and "Annexe 00" not in page
    assert 'aria-current="page"' in page


# Forms ------------------------------------------------------------------------------------------


def test_create_with_bad_input_explains_and_saves_nothing(world):
    client = _client(world.cast, "pilot_a")
    url = reverse("deliverables:deliverable_create", args=[world.cast.fabrique_a.slug])
    response = client.post(
        url,
        {
            "title": "",
            "kind": "roadmap",
            "participation": world.cast.participation_b.pk,
            "due_on": "32/13/2026",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez le titre du livrable." in html
    assert "Indiquez une date valide, par exemple 15/03/2026." in html
    assert "fr-input-group--error" in html
    assert Deliverable.objects.filter(fabrique=world.cast.fabrique_a).count() == 3
    response = client.post(
        url,
        {"title": "Synthèse", "kind": "synthesis", "participation": "", "due_on": "2026-10-01"},
    )
    assert "Un livrable de la Fabrique porte déjà ce titre" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Programme d’action",
            "kind": "action_plan",
            "participation": world.cast.participation_a.pk,
            "due_on": "01/10/2026",
        },
    )
    assert response.status_code == 302
    created = Deliverable.objects.get(title="Programme d’action")
    assert created.participation == world.cast.participation_a
    assert created.due_on == datetime.date(2026, 10, 1)


def test_edit_and_generate_defaults_through_the_pages(world):
    client = _client(world.cast, "pilot_a")
    response = client.post(
        reverse("deliverables:deliverable_edit", args=[world.own.pk]),
        {
            "title": "Feuille de route",
            "kind": "roadmap",
            "participation": world.cast.participation_a.pk,
            "due_on": "2026-11-15",
            "description": "Adoptée en conseil municipal.",
        },
    )
    assert response.status_code == 302
    world.own.refresh_from_db()
    assert world.own.due_on == datetime.date(2026, 11, 15)
    url = reverse("deliverables:deliverables_generate", args=[world.cast.fabrique_a.slug])
    assert "une feuille de route pour" in client.get(url).content.decode()
    response = client.post(url, {"due_on": "2026-12-01"}, follow=True)
    # The roadmap of territory A exists; « Synthèse et préconisations » is added.
    assert "1 livrables types ont été ajoutés." in response.content.decode()
    assert Deliverable.objects.filter(
        fabrique=world.cast.fabrique_a, kind=DeliverableKind.SYNTHESIS
    ).exists()


def test_contract_form(world):
    client = _client(world.cast, "pilot_a")
    url = reverse("deliverables:contract_edit", args=[world.cast.fabrique_a.slug])
    html = client.get(url).content.decode()
    assert "Prestataire A" in html and "Prestataire B" not in html
    response = client.post(
        url, {"provider": world.cast.provider_org_b.pk, "reference": "", "amount": "-5"}
    )
    html = response.content.decode()
    assert "Indiquez le numéro du marché." in html
    assert "Sélectionnez un choix valide" in html  # another Fabrique's provider
    assert "Le montant ne peut pas être négatif." in html
    assert not Contract.objects.exists()
    response = client.post(
        url,
        {
            "provider": world.cast.provider_org_a.pk,
            "reference": "2026-ANCT-007",
            "signed_on": "03/02/2026",
            "amount": "48\u00a0000,50\u00a0€",
        },
    )
    assert response.status_code == 302
    contract = Contract.objects.get(fabrique=world.cast.fabrique_a)
    assert str(contract.amount) == "48000.50"
    listing = client.get(reverse("deliverables:fabrique_list", args=[world.cast.fabrique_a.slug]))
    assert "2026-ANCT-007" in listing.content.decode()


def test_contract_amount_round_trip_in_french(world):
    client = _client(world.cast, "pilot_a")
    url = reverse("deliverables:contract_edit", args=[world.cast.fabrique_a.slug])
    form = {
        "provider": world.cast.provider_org_a.pk,
        "reference": "2026-ANCT-008",
        "signed_on": "",
        "notes": "",
    }
    assert client.post(url, {**form, "amount": "48 000,00"}).status_code == 302
    contract = Contract.objects.get(fabrique=world.cast.fabrique_a)
    assert contract.amount == Decimal("48000.00")
    # Reopened, the amount reads as typed; posted back as shown, it is unchanged.
    html = client.get(url).content.decode()
    assert 'value="48\u00a0000,00"' in html
    assert client.post(url, {**form, "amount": "48\u00a0000,00"}).status_code == 302
    contract.refresh_from_db()
    assert contract.amount == Decimal("48000.00")
    # The ambiguous form is refused with a precise message, and nothing changes.
    response = client.post(url, {**form, "amount": "52,000.00"})
    assert "mêle virgule et point" in response.content.decode()
    contract.refresh_from_db()
    assert contract.amount == Decimal("48000.00")


def test_provider_submits_through_the_page(world, django_capture_on_commit_callbacks):
    client = _client(world.cast, "provider_a")
    url = reverse("deliverables:deliverable_submit", args=[world.own.pk])
    response = client.post(url, {"file": exe_as_pdf_upload(), "note": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ne correspond pas à un document PDF" in html
    assert "fr-upload-group--error" in html
    assert not world.own.versions.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": pdf_upload("fdr.pdf"), "note": "Première version"})
    assert response.status_code == 302
    assert world.own.versions.get().original_name == "fdr.pdf"
    assert mail.outbox[0].to == [world.cast.pilot_a.email]
    page = client.get(response["Location"]).content.decode()
    assert "La version 1 est déposée" in page


def test_a_zip_bomb_is_refused_through_the_page_and_nothing_is_stored(world):
    client = _client(world.cast, "provider_a")
    files = default_storage.listdir("deliverables")[1]
    bomb = SimpleUploadedFile("feuille-de-route.docx", docx_bomb_declared_1gib())
    response = client.post(
        reverse("deliverables:deliverable_submit", args=[world.own.pk]), {"file": bomb}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce document occuperait 1,0\u00a0Gio une fois décompressé" in html
    assert "fr-upload-group--error" in html
    assert not world.own.versions.exists()
    world.own.refresh_from_db()
    assert world.own.status == DeliverableStatus.PENDING
    assert default_storage.listdir("deliverables")[1] == files


def test_pilot_reviews_through_the_page(world, django_capture_on_commit_callbacks):
    client = _client(world.cast, "pilot_a")
    url = reverse("deliverables:version_review", args=[world.pending_version.pk])
    response = client.post(url, {"decision": "changes_requested", "comment": ""})
    assert "Indiquez les modifications demandées au prestataire" in response.content.decode()
    world.collective.refresh_from_db()
    assert world.collective.status == DeliverableStatus.SUBMITTED
    # The provider replaces the file before the review: version 1 can no longer be reviewed.
    latest = services.deliverable_submit(
        deliverable=world.collective, file=pdf_upload("v2.pdf"), actor=world.cast.provider_a
    )
    response = client.post(url, {"decision": "accepted", "comment": ""})
    assert "Seule la dernière version déposée (version 2)" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deliverables:version_review", args=[latest.pk]), {"decision": "accepted"}
        )
    assert response.status_code == 302
    world.collective.refresh_from_db()
    assert world.collective.status == DeliverableStatus.ACCEPTED
    assert mail.outbox[0].to == [world.cast.provider_a.email]


def test_refusals_are_shown_when_the_form_is_gone(world):
    client = _client(world.cast, "pilot_a")
    url = reverse("deliverables:version_review", args=[world.accepted_version.pk])
    response = client.post(url, {"decision": "changes_requested", "comment": "Encore."})
    assert response.status_code == 200
    assert "Cette version a déjà été examinée." in response.content.decode()
    client = _client(world.cast, "provider_a")
    url = reverse("deliverables:deliverable_submit", args=[world.accepted.pk])
    response = client.post(url, {"file": pdf_upload()})
    assert "Ce livrable a déjà été accepté" in response.content.decode()
    assert world.accepted.versions.count() == 2


def test_download_returns_the_file_as_an_attachment(world):
    url = reverse("deliverables:version_file", args=[world.accepted_version.pk])
    response = _client(world.cast, "partner_a").get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cr-v2.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


# Query budgets ----------------------------------------------------------------------------------


def test_query_budgets(world, django_assert_num_queries):
    for n in range(20):
        DeliverableFactory(fabrique=world.cast.fabrique_a, title=f"Annexe {n}")
    client = _client(world.cast, "provider_a")  # grants cost two queries for a provider
    # 1. session; 2. user; 3. memberships; 4. organisations' roles (grants);
    # 5. the Fabrique; 6. its deliverables with territory and last submission; 7. the contract.
    with django_assert_num_queries(7):
        client.get(reverse("deliverables:fabrique_list", args=[world.cast.fabrique_a.slug]))
    # 1. session; 2. user; 3-4. grants; 5. the deliverable with Fabrique and territory;
    # 6. its versions with authors and reviews.
    with django_assert_num_queries(6):
        client.get(reverse("deliverables:deliverable_detail", args=[world.accepted.pk]))
    # 1. session; 2. user; 3-4. grants; 5. open deliverables with Fabrique, territory, last
    # submission.
    with django_assert_num_queries(5):
        client.get(reverse("deliverables:dashboard"))


def test_referents_follow_their_territory_only(world):
    """Another territory of the same Fabrique: hidden from referents of A until accepted,
    then only its accepted version, without the earlier ones."""
    neighbour = ParticipationFactory(fabrique=world.cast.fabrique_a)
    theirs = DeliverableFactory(
        fabrique=world.cast.fabrique_a, participation=neighbour, title="Feuille de route"
    )
    first = services.deliverable_submit(
        deliverable=theirs, file=pdf_upload("voisin-v1.pdf"), actor=world.cast.provider_a
    )
    detail = reverse("deliverables:deliverable_detail", args=[theirs.pk])
    first_file = reverse("deliverables:version_file", args=[first.pk])
    for name in A_REFERENTS:
        client = _client(world.cast, name)
        assert client.get(detail).status_code == 404, name
        assert client.get(first_file).status_code == 404, name
    services.deliverable_review(
        version=first,
        decision="changes_requested",
        comment="À compléter.",
        actor=world.cast.pilot_a,
    )
    second = services.deliverable_submit(
        deliverable=theirs, file=pdf_upload("voisin-v2.pdf"), actor=world.cast.provider_a
    )
    services.deliverable_review(version=second, decision="accepted", actor=world.cast.pilot_a)
    second_file = reverse("deliverables:version_file", args=[second.pk])
    for name in A_REFERENTS:
        client = _client(world.cast, name)
        html = client.get(detail).content.decode()
        assert "voisin-v2.pdf" in html and "voisin-v1.pdf" not in html, name
        assert "À compléter." not in html, name
        assert client.get(second_file).status_code == 200, name
        assert client.get(first_file).status_code == 404, name
    # Their own territory's deliverable, not accepted, with its whole history.
    own = services.deliverable_submit(
        deliverable=world.own, file=pdf_upload("fdr.pdf"), actor=world.cast.provider_a
    )
    own_file = reverse("deliverables:version_file", args=[own.pk])
    for name in A_REFERENTS:
        assert _client(world.cast, name).get(own_file).status_code == 200, name


def test_an_empty_post_shows_the_form_errors(world):
    client = _client(world.cast, "pilot_a")
    slug = world.cast.fabrique_a.slug
    response = client.post(reverse("deliverables:deliverable_create", args=[slug]))
    assert "Indiquez le titre du livrable." in response.content.decode()
    response = client.post(reverse("deliverables:deliverables_generate", args=[slug]))
    assert "Indiquez la date à laquelle les livrables sont attendus." in response.content.decode()
