"""One whole yearly cycle through the real UI, with axe-core on every page visited.

ANCT creates and designs a Fabrique and opens its call → a local authority applies → ANCT
selects four territories and sets the provider → the Fabrique runs → the provider, invited
from the team page, submits a deliverable → ANCT accepts it; the audit log shows the moves.

The live server runs in the test's process: e-mails land in django.core.mail.outbox (locmem
backend, immediate task backend, on_commit callbacks run for real since no transaction wraps
a transactional test).
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from fabriques.calls.models import Application, ApplicationStatus, Call
from fabriques.calls.tests.factories import ApplicationFactory, pdf_bytes
from fabriques.deliverables.models import Deliverable, DeliverableStatus
from fabriques.programme.models import Fabrique, FabriqueStatus, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Les centres-bourgs en 2040"


def said(text: str) -> re.Pattern:
    """`text` with any kind of space (messages use non-breaking spaces inside « »)."""
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def _month(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


class Browse:
    """Drives one page: every navigation it makes is followed by an axe check."""

    def __init__(self, page, base_url: str, check):
        self.page, self.base_url, self._check = page, base_url, check
        self.checked: list[str] = []

    def axe(self) -> None:
        self._check(self.page)
        self.checked.append(self.page.url.removeprefix(self.base_url))

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.axe()

    def click(self, locator) -> None:
        """Click a link or a submit button, wait for the next page, check it."""
        with self.page.expect_navigation():
            locator.click()
        self.axe()

    def button(self, name, **kwargs) -> None:
        self.click(self.page.get_by_role("button", name=name, **kwargs))

    def link(self, name, **kwargs) -> None:
        if isinstance(name, str):
            kwargs.setdefault("exact", True)
        self.click(self.page.get_by_role("main").get_by_role("link", name=name, **kwargs).first)

    def action(self, name: str) -> None:
        """Follow one of the links of the Fabrique page's « Piloter la Fabrique » menu."""
        menu = self.page.get_by_role("navigation", name="Piloter la Fabrique")
        self.click(menu.get_by_role("link", name=name, exact=True))

    def messages(self):
        """The workspace's flash messages."""
        return self.page.locator("div[role=status]")

    def tick(self, label: str) -> None:
        """Check a DSFR checkbox or radio the way a person does: through its label."""
        self.page.locator("label.fr-label", has_text=label).click()
        expect(self.page.get_by_label(label, exact=True)).to_be_checked()

    def login(self, email: str, password: str) -> None:
        self.goto("/compte/connexion/")
        self.page.get_by_role("textbox", name=re.compile("^Adresse électronique")).fill(email)
        self.page.get_by_label(re.compile("^Mot de passe")).fill(password)
        self.button("Se connecter")
        assert "/compte/connexion/" not in self.page.url

    def logout(self) -> None:
        self.button("Se déconnecter")


def test_whole_cycle(cycle_world, live_server, page, assert_accessible):
    world = cycle_world
    ui = Browse(page, live_server.url, assert_accessible)
    today = timezone.localdate()
    start, end = _month(today, 1), _month(today, 13)
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)

    # --- 1. ANCT creates and designs the Fabrique, writes and opens the call -----------------
    ui.login(world.admin.email, world.password)
    ui.link("Créer une Fabrique")  # on the workspace home
    ui.button("Créer la Fabrique")  # empty: the form explains what is missing
    expect(page.locator("#id_title_error")).to_contain_text("Indiquez le titre de la Fabrique.")
    page.get_by_label(re.compile("^Titre")).fill(TITLE)
    expect(page.get_by_label("Année du programme")).to_have_value(str(world.year.pk))
    ui.button("Créer la Fabrique")
    fabrique = Fabrique.objects.get(title=TITLE)
    assert page.url.endswith(f"/espace/fabriques/{fabrique.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    # Not designed yet: the status page lists, in French, what the move needs.
    ui.action("Changer de statut")
    missing = page.locator("#manque-designed")
    for text in (
        "Choisissez au moins un thème.",
        "Rédigez l’objectif de la Fabrique.",
        "Associez au moins une association d’élus partenaire.",
    ):
        expect(missing).to_contain_text(text)
    expect(page.get_by_role("button", name="Passer à « Conçue »")).to_be_disabled()

    ui.goto(f"/espace/fabriques/{fabrique.slug}/modifier/")
    ui.tick("Revitalisation des centres-bourgs")
    page.get_by_label(re.compile("^Objectif")).fill(
        "Imaginer avec **quatre à huit territoires** leurs centres-bourgs en 2040."
    )
    page.get_by_label(re.compile("^Résumé")).fill("Des petites villes imaginent leur centre.")
    page.get_by_label(re.compile("^Mois de début")).fill(f"{start:%Y-%m}")
    page.get_by_label(re.compile("^Mois de fin")).fill(f"{end:%Y-%m}")
    ui.button("Enregistrer", exact=True)
    expect(ui.messages()).to_contain_text("La conception de la Fabrique a été enregistrée.")

    ui.action("Organisations")
    page.get_by_label("Rôle", exact=True).select_option(label="Association d'élus partenaire")
    page.get_by_label("Organisation existante").select_option(label=str(world.association))
    ui.button("Ajouter", exact=True)
    expect(ui.messages()).to_contain_text("a désormais le rôle")

    ui.goto(f"/espace/fabriques/{fabrique.slug}/statut/")
    expect(page.locator("#manque-designed")).to_have_count(0)
    ui.button("Passer à « Conçue »")
    expect(ui.messages()).to_contain_text(said("est passée au statut « Conçue »"))

    # The call cannot open before it is written: the page says why.
    ui.action("Changer de statut")
    expect(page.locator("#manque-call_open")).to_contain_text(
        "Aucun appel à volontaires n’est rédigé pour cette Fabrique."
    )
    # A page loaded earlier may still offer the button: the server refuses the move anyway.
    page.locator("#vers-call_open + div + form button").evaluate("b => b.disabled = false")
    ui.button("Passer à « Appel à volontaires ouvert »")
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Le statut n’a pas changé")
    expect(refusal).to_contain_text("Aucun appel à volontaires n’est rédigé pour cette Fabrique.")
    assert Fabrique.objects.get(pk=fabrique.pk).status == FabriqueStatus.DESIGNED

    ui.link("Retour à la Fabrique")
    ui.action("Appel à volontaires")
    closes_at = timezone.localtime() + datetime.timedelta(days=30)
    page.get_by_label(re.compile("^Clôture")).fill(f"{closes_at:%Y-%m-%dT%H:%M}")
    page.get_by_label(re.compile("^Présentation de l’appel")).fill(
        "Votre commune veut **réinventer** son centre-bourg ? Rejoignez la Fabrique."
    )
    page.locator("#id_criteres-1-description").fill("Qui se réunira, et à quel rythme.")
    ui.button("Enregistrer l’appel")  # a criterion described but not named
    expect(page.locator("#id_criteres-1-label_error")).to_have_text("Donnez un nom au critère.")
    assert not Call.objects.filter(fabrique=fabrique).exists()
    page.locator("#id_criteres-0-label").fill("Portage politique")
    page.locator("#id_criteres-0-weight").fill("2")
    page.locator("#id_criteres-1-label").fill("Groupe de travail")
    ui.button("Enregistrer l’appel")
    expect(ui.messages()).to_contain_text("L’appel à volontaires est enregistré.")
    expect(page.get_by_text("Avant d’ouvrir l’appel, il manque")).to_have_count(0)

    ui.goto(f"/espace/fabriques/{fabrique.slug}/statut/")
    ui.button("Passer à « Appel à volontaires ouvert »")
    expect(ui.messages()).to_contain_text(
        said("est passée au statut « Appel à volontaires ouvert »")
    )
    ui.logout()

    # --- 2. A local authority applies ------------------------------------------------------
    ui.login(world.applicant.email, world.password)
    ui.goto("/appels/")
    ui.link(re.compile(TITLE))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_role("rowheader", name=re.compile("Portage politique"))).to_be_visible()
    ui.link("Candidater")

    territory = page.get_by_role("combobox", name=re.compile("^Territoire candidat"))
    territory.press_sequentially("saint-eti", delay=20)
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)
    expect(territory).to_have_attribute("aria-expanded", "true")
    ui.axe()  # the open list of suggestions
    options.filter(has_text="Saint-Étienne (42218)").click()
    expect(territory).to_have_value("Saint-Étienne (42218)")
    expect(page.locator("#id_territory_ref")).to_have_value(f"commune:{world.communes[0].pk}")
    page.get_by_label(re.compile("^Prénom et nom de l’élu")).fill("Gaëlle Martin")

    # Submitting too early lists what is missing; nothing is deposited.
    ui.button("Déposer la candidature")
    required = "Ce champ est obligatoire pour déposer la candidature."
    expect(page.locator("#id_motivation_error")).to_have_text(required)
    expect(page.get_by_label(re.compile("^Motivation"))).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_elected_name_error")).to_have_count(0)
    assert not Application.objects.filter(status=ApplicationStatus.SUBMITTED).exists()
    expect(territory).to_have_value("Saint-Étienne (42218)")

    page.get_by_label(re.compile("^Mandat de l’élu")).fill("Maire")
    page.get_by_label(re.compile("^Adresse électronique de l’élu")).fill("maire@saint-etienne.fr")
    page.get_by_label(re.compile("^Prénom et nom du référent technique")).fill("Paul Durand")
    page.get_by_label(re.compile("^Fonction du référent technique")).fill("Directeur général")
    page.get_by_label(re.compile("^Adresse électronique du référent technique")).fill(
        "dgs@saint-etienne.fr"
    )
    page.get_by_label(re.compile("^Motivation")).fill(
        "Notre centre se vide : nous voulons imaginer 2040 avec les habitants."
    )
    page.get_by_label(re.compile("^Groupe de travail envisagé")).fill(
        "Services municipaux, commerçants, conseil citoyen."
    )
    page.get_by_label(re.compile("^Délibération signée")).set_input_files(
        {"name": "deliberation.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    ui.button("Enregistrer le brouillon")
    expect(ui.messages()).to_contain_text("Brouillon enregistré.")
    expect(page.get_by_role("link", name=re.compile("Télécharger la délibération"))).to_be_visible()
    mail.outbox.clear()
    ui.button("Déposer la candidature")
    expect(ui.messages()).to_contain_text("Votre candidature est déposée.")
    application = Application.objects.get(applicant=world.applicant)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.deliberation
    # The acknowledgement went out for real (live server thread, same process, locmem).
    (confirmation,) = mail.outbox
    assert said(f"Votre candidature à la Fabrique « {TITLE} » est déposée").fullmatch(
        confirmation.subject
    )
    assert set(confirmation.to) == {
        world.applicant.email,
        "maire@saint-etienne.fr",
        "dgs@saint-etienne.fr",
    }
    assert "Saint-Étienne" in confirmation.body
    ui.logout()

    # Three other communes applied meanwhile.
    call = Call.objects.get(fabrique=fabrique)
    for commune in world.communes[2:]:
        ApplicationFactory(call=call, commune=commune, submitted=True)

    # --- 3. ANCT selects four territories, sets the provider, the Fabrique runs ------------
    ui.login(world.admin.email, world.password)
    ui.goto(f"/espace/fabriques/{fabrique.slug}/statut/")
    # The call's announced closing date has not come: the page says what the move closes.
    expect(page.get_by_text("Avant de confirmer")).to_be_visible()
    ui.button("Passer à « Sélection des territoires »")
    expect(page.get_by_text("Cochez cette case pour confirmer.")).to_be_visible()
    page.get_by_text("J’ai lu ces conséquences et je confirme ce passage.").click()
    ui.button("Passer à « Sélection des territoires »")
    ui.action("Candidatures")
    expect(page.get_by_text("4 candidatures reçues")).to_be_visible()
    ui.link(re.compile("^Saint-Étienne"))
    page.get_by_label(said("Note : Portage politique")).select_option("4")
    page.get_by_label(said("Note : Groupe de travail")).select_option("3")
    ui.button("Enregistrer l’évaluation")
    expect(ui.messages()).to_contain_text("L’évaluation est enregistrée.")
    ui.button("Retenir ce territoire")
    # Retaining e-mails the referents at once: a page names them and asks to confirm.
    expect(page.get_by_text("maire@saint-etienne.fr")).to_be_visible()
    ui.button("Oui, retenir ce territoire et inviter ses référents")
    expect(ui.messages()).to_contain_text("La candidature est retenue")

    # One territory and no provider: « En cours » is refused, with every reason.
    ui.goto(f"/espace/fabriques/{fabrique.slug}/statut/")
    missing = page.locator("#manque-running")
    expect(missing).to_contain_text("Désignez le prestataire de la Fabrique.")
    expect(missing).to_contain_text("celle-ci en compte 1")

    ui.goto(f"/espace/fabriques/{fabrique.slug}/candidatures/")
    ui.link(re.compile("^Roanne"))
    for commune in world.communes[2:]:
        if commune.name != "Roanne":
            pk = Application.objects.get(commune=commune).pk
            ui.goto(f"/espace/candidatures/{pk}/evaluer/")
        ui.button("Retenir ce territoire")
        ui.button("Oui, retenir ce territoire et inviter ses référents")
        expect(ui.messages()).to_contain_text("La candidature est retenue")
    assert fabrique.participations.count() == 4

    ui.goto(f"/espace/fabriques/{fabrique.slug}/candidatures/")
    mail.outbox.clear()
    ui.button("Informer les candidats")
    expect(ui.messages()).to_contain_text("4 territoire(s) retenu(s)")
    told = [m for m in mail.outbox if world.applicant.email in m.to]
    assert len(told) == 1
    assert said(f"Fabrique « {TITLE} » : votre territoire est retenu").fullmatch(told[0].subject)

    ui.goto(f"/espace/fabriques/{fabrique.slug}/organisations/")
    page.get_by_label("Rôle", exact=True).select_option(label="Prestataire")
    page.get_by_label("Organisation existante").select_option(label=str(world.provider))
    ui.button("Ajouter", exact=True)
    expect(ui.messages()).to_contain_text(
        said("Prospective Conseil a désormais le rôle « Prestataire »")
    )
    assert fabrique.roles.filter(role=Role.PROVIDER, organisation=world.provider).exists()

    ui.goto(f"/espace/fabriques/{fabrique.slug}/calendrier/")
    ui.button("Générer le calendrier")
    expect(ui.messages()).to_contain_text("Le calendrier a été généré")

    ui.goto(f"/espace/fabriques/{fabrique.slug}/statut/")
    expect(page.locator("#manque-running")).to_have_count(0)
    ui.button("Passer à « En cours »")
    expect(ui.messages()).to_contain_text(said("est passée au statut « En cours »"))
    expect(page.get_by_role("heading", name="Territoires accompagnés (4)")).to_be_visible()

    # --- 4. The provider is invited, submits a deliverable, ANCT accepts it ----------------
    ui.action("Équipe")
    mail.outbox.clear()
    page.get_by_label(re.compile("^Adresse électronique")).fill("consultante@prospective.fr")
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_label("Nom", exact=True).fill("Lefèvre")
    page.get_by_label("Rôle", exact=True).select_option(label="Consultant du prestataire")
    page.get_by_label(re.compile("^Organisation")).select_option(label=str(world.provider))
    ui.button("Inviter")
    expect(ui.messages()).to_contain_text("Claire Lefèvre a reçu le rôle")
    (invitation,) = [m for m in mail.outbox if "consultante@prospective.fr" in m.to]
    found = re.search(r"/compte/invitation/[^/\s]+/", str(invitation.body))
    assert found, invitation.body
    invitation_path = found.group(0)

    ui.goto(f"/espace/fabriques/{fabrique.slug}/livrables/")
    ui.link("Ajouter un livrable")
    page.get_by_label(re.compile("^Titre")).fill("Feuille de route de la Fabrique")
    page.get_by_label("Type de livrable").select_option(label="Feuille de route")
    page.get_by_label(re.compile("^Date d’échéance")).fill(
        f"{today + datetime.timedelta(days=30):%Y-%m-%d}"
    )
    ui.button("Ajouter le livrable")
    expect(ui.messages()).to_contain_text("est ajouté")
    deliverable = Deliverable.objects.get(fabrique=fabrique)
    ui.logout()

    # The consultant follows the e-mailed link and chooses a password.
    ui.goto(invitation_path)
    page.get_by_label(re.compile("^Nouveau mot de passe")).fill("Prospective-2040-centres")
    page.get_by_label(re.compile("^Confirmez le mot de passe")).fill("Prospective-2040-centres")
    ui.button("Enregistrer mon mot de passe et me connecter")
    expect(ui.messages()).to_contain_text("Votre mot de passe est enregistré.")
    ui.link(TITLE)  # the Fabrique's card on the workspace home
    expect(page.get_by_text(said("Votre rôle : Prestataire"))).to_be_visible()
    ui.link("Livrables de la Fabrique")
    ui.link("Feuille de route de la Fabrique")
    assert page.url.endswith(f"/espace/livrables/{deliverable.pk}/")
    ui.button("Déposer", exact=True)  # no file chosen
    expect(page.locator("#id_file_error")).to_have_text("Choisissez le fichier à déposer.")
    page.get_by_label(re.compile("^Fichier")).set_input_files(
        {"name": "feuille-de-route.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_label(re.compile("^Note pour le pilote")).fill("Première version complète.")
    ui.button("Déposer", exact=True)
    expect(ui.messages()).to_contain_text("La version 1 est déposée")
    ui.logout()

    ui.login(world.admin.email, world.password)
    ui.goto(f"/espace/livrables/{deliverable.pk}/")
    ui.tick("Accepter le livrable")
    ui.button("Enregistrer la décision")
    expect(ui.messages()).to_contain_text("Le livrable est accepté")
    expect(page.get_by_text("Accepté", exact=True).first).to_be_visible()
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.ACCEPTED

    ui.goto("/espace/journal/")
    page.get_by_label("Action").select_option("fabrique.transition")
    ui.button("Filtrer")
    expect(page.get_by_text("4 événements")).to_be_visible()
    for move in (
        "de « Idée » à « Conçue »",
        "de « Conçue » à « Appel à volontaires ouvert »",
        "de « Appel à volontaires ouvert » à « Sélection des territoires »",
        "de « Sélection des territoires » à « En cours »",
    ):
        expect(page.get_by_role("cell", name=said(move))).to_have_count(1)

    print(f"\n{len(ui.checked)} pages checked by axe:", *ui.checked, sep="\n  ")
