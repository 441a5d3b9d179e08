import csv
import datetime
import io
import re
from unittest import mock

from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from fabriques.accounts.models import MembershipRole, User
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.calls.forms import ApplicationForm
from fabriques.calls.models import Application, ApplicationStatus, Call, CallCriterion
from fabriques.core.models import AuditEvent
from fabriques.core.tests.corpus import pdf_open_action_javascript
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.territories.models import Commune, ParticipationKind
from fabriques.territories.tests.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    QpvFactory,
)

from .factories import (
    ApplicationFactory,
    CallCriterionFactory,
    CallFactory,
    docx_renamed_pdf,
    pdf_bytes,
    pdf_upload,
)

# Who sees an application of Fabrique A filled in by `applicant`.
SEES_APPLICATION = {"applicant", "pilot_a", "admin"}
MANAGES_A = {"pilot_a", "admin"}
SIGNED_IN = tuple(name for name in ROLE_NAMES if name != "anonymous")


def form_data(commune, **overrides):
    data = {
        "territory": f"{commune.name} ({commune.code})",
        "territory_ref": "",
        "host": "",
        "host_ref": "",
        "elected_name": "Gaël Perdriau",
        "elected_mandate": "Maire",
        "elected_email": "maire@saint-etienne.fr",
        "technical_name": "Claire Dupont",
        "technical_role": "Directrice générale des services",
        "technical_email": "dgs@saint-etienne.fr",
        "technical_phone": "",
        "motivation": "Imaginer la ville de 2040.",
        "working_group_intent": "Services de l’État, associations.",
        "action": "save",
    }
    data.update(overrides)
    return data


class CallsViewTestCase(TestCase):
    status = FabriqueStatus.CALL_OPEN
    cast: Personas
    call: Call
    criterion: CallCriterion
    commune: Commune
    application: Application

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas(status=cls.status)
        cls.call = CallFactory(
            fabrique=cls.cast.fabrique_a,
            opens_at=timezone.now() - datetime.timedelta(days=5),
            closes_at=timezone.now() + datetime.timedelta(days=30),
            introduction="Une Fabrique pour les **centres-bourgs**.",
        )
        cls.criterion = CallCriterionFactory(call=cls.call, label="Portage politique", weight=2)
        CallFactory(fabrique=cls.cast.fabrique_b)
        loire = DepartementFactory(code="42", name="Loire")
        cls.commune = CommuneFactory(
            name="Saint-Étienne", code="42218", departement=loire, population=170000
        )
        cls.application = ApplicationFactory(
            call=cls.call,
            applicant=cls.cast.applicant,
            commune=CommuneFactory(name="Roanne", code="42187", departement=loire),
            submitted=True,
            deliberation=SimpleUploadedFile("d.pdf", pdf_bytes()),
        )

    def login(self, name):
        user = self.cast.user(name)
        if user is not None:
            self.client.force_login(user)
        return user

    def assertLoginRedirect(self, response, url):
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            response["Location"], f"{reverse('accounts:login')}?next={url.replace(':', '%3A')}"
        )


# --------------------------------------------------------------------------------------------
# Public pages


class PublicPagesTests(CallsViewTestCase):
    def test_call_list_shows_open_calls(self):
        response = self.client.get(reverse("calls:call_list"))
        self.assertContains(response, "Fabrique A")
        self.assertContains(response, "Fabrique B")
        self.assertContains(response, reverse("calls:call_detail", args=["fabrique-a"]))

    def test_call_detail_for_anonymous(self):
        response = self.client.get(reverse("calls:call_detail", args=["fabrique-a"]))
        self.assertContains(response, "<strong>centres-bourgs</strong>", html=True)
        self.assertContains(response, "Portage politique")
        self.assertContains(response, "Candidatures ouvertes")
        self.assertContains(response, reverse("calls:application_start", args=["fabrique-a"]))

    def test_call_detail_query_budget(self):
        url = reverse("calls:call_detail", args=["fabrique-a"])
        # call with its Fabrique and year, the Fabrique's themes, the criteria; the menu's
        # open calls (data version and, with the tests' dummy cache, the calls' dates)
        with self.assertNumQueries(5):
            self.client.get(url)
        self.login("outsider")
        # session, user, then the same five, then the person's draft to resume
        with self.assertNumQueries(8):
            self.client.get(url)

    def test_call_detail_once_closed(self):
        Call.objects.filter(pk=self.call.pk).update(
            opens_at=timezone.now() - datetime.timedelta(days=40),
            closes_at=timezone.now() - datetime.timedelta(days=1),
        )
        response = self.client.get(reverse("calls:call_detail", args=["fabrique-a"]))
        self.assertContains(response, "L’appel est clos")
        self.assertNotContains(response, reverse("calls:application_start", args=["fabrique-a"]))

    def test_no_page_before_the_call_opens(self):
        fabrique = self.cast.fabrique_a
        fabrique.status = FabriqueStatus.DESIGNED
        fabrique.save()
        response = self.client.get(reverse("calls:call_detail", args=["fabrique-a"]))
        self.assertEqual(response.status_code, 404)

    def test_no_page_without_a_call(self):
        Call.objects.filter(fabrique=self.cast.fabrique_b).delete()
        response = self.client.get(reverse("calls:call_detail", args=["fabrique-b"]))
        self.assertEqual(response.status_code, 404)

    def test_introduction_is_sanitised(self):
        Call.objects.filter(pk=self.call.pk).update(
            introduction="<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=y>"
        )
        response = self.client.get(reverse("calls:call_detail", args=["fabrique-a"]))
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "javascript:")
        self.assertNotContains(response, "onerror")

    def test_territory_search_json(self):
        response = self.client.get(reverse("calls:territory_search"), {"q": "saint etienne"})
        self.assertEqual(response.status_code, 200)
        result = response.json()["results"][0]
        self.assertEqual(
            result,
            {
                "ref": f"commune:{self.commune.pk}",
                "kind": "commune",
                "kind_label": "Commune",
                "name": "Saint-Étienne",
                "code": "42218",
                "label": "Saint-Étienne (42218)",
                "departement": "Loire (42)",
            },
        )

    def test_territory_search_echoes_the_query_without_control_characters(self):
        url = reverse("calls:territory_search")
        response = self.client.get(url, {"q": "saint\x00\x1b[31m\netienne"})
        self.assertEqual(response.json()["query"], "saint[31m etienne")
        response = self.client.get(url, {"q": "saint\x1b\x00\n\x9betienne"})
        self.assertEqual(response.json()["query"], "saint etienne")
        self.assertEqual(response.json()["results"][0]["name"], "Saint-Étienne")

    def test_territory_search_bounds(self):
        url = reverse("calls:territory_search")
        self.assertEqual(self.client.get(url, {"q": "s"}).json()["results"], [])
        self.assertEqual(
            self.client.get(url, {"q": "42218"}).json()["results"][0]["name"], "Saint-Étienne"
        )
        self.assertEqual(self.client.post(url, {"q": "saint"}).status_code, 405)

    def test_territory_search_is_rate_limited_per_client_in_the_database(self):
        from fabriques.calls.views import SEARCH_RATE_LIMIT
        from fabriques.core.models import RateLimitCounter

        url = reverse("calls:territory_search")
        # All within one minute, whenever the test runs.
        with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
            for _ in range(SEARCH_RATE_LIMIT.limit):
                self.assertEqual(self.client.get(url, {"q": "sa"}).status_code, 200)
            response = self.client.get(url, {"q": "sa"})
            other = self.client.get(url, {"q": "sa"}, REMOTE_ADDR="192.0.2.7")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Trop de recherches", response.json()["detail"])
        # Counted in the database, which every process and server shares (not their caches).
        busiest = RateLimitCounter.objects.order_by("-count").first()
        assert busiest is not None
        self.assertEqual(busiest.count, SEARCH_RATE_LIMIT.limit + 1)
        # Another client is not held back.
        self.assertEqual(other.status_code, 200)


# --------------------------------------------------------------------------------------------
# Applicants


class ApplicantFlowTests(CallsViewTestCase):
    def test_anonymous_is_sent_to_login(self):
        url = reverse("calls:application_start", args=["fabrique-a"])
        self.assertLoginRedirect(self.client.get(url), url)

    def test_form_then_draft_then_submission(self):
        self.login("outsider")
        url = reverse("calls:application_start", args=["fabrique-a"])
        response = self.client.get(url)
        self.assertContains(response, "Enregistrer le brouillon")
        self.assertContains(response, "Déposer la candidature")
        self.assertContains(response, 'data-autocomplete="/appels/territoires/"')

        response = self.client.post(url, form_data(self.commune, motivation=""))
        draft = Application.objects.get(applicant=self.cast.outsider)
        self.assertRedirects(response, reverse("calls:application_edit", args=[draft.pk]))
        self.assertEqual(draft.status, ApplicationStatus.DRAFT)
        self.assertEqual(draft.commune, self.commune)

        # Coming back to the call resumes the draft.
        self.assertRedirects(
            self.client.get(url), reverse("calls:application_edit", args=[draft.pk])
        )
        edit = reverse("calls:application_edit", args=[draft.pk])
        response = self.client.get(edit)
        self.assertContains(response, 'value="Saint-Étienne (42218)"')

        # Submitting with a missing field says which one and keeps the draft as it was.
        response = self.client.post(edit, form_data(self.commune, motivation="", action="submit"))
        self.assertContains(response, "Ce champ est obligatoire pour déposer la candidature.")
        draft.refresh_from_db()
        self.assertEqual(draft.status, ApplicationStatus.DRAFT)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                edit,
                {**form_data(self.commune, action="submit"), "deliberation": pdf_upload()},
            )
        self.assertRedirects(response, reverse("calls:application_detail", args=[draft.pk]))
        draft.refresh_from_db()
        self.assertEqual(draft.status, ApplicationStatus.SUBMITTED)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("maire@saint-etienne.fr", mail.outbox[0].to)

        # Once deposited, the edit page sends the applicant to the read-only page.
        response = self.client.get(edit, follow=True)
        self.assertContains(response, "n’est plus modifiable")
        self.assertEqual(self.client.post(edit, form_data(self.commune)).status_code, 403)

    def test_submitting_an_empty_form_reports_every_missing_field(self):
        self.login("outsider")
        url = reverse("calls:application_start", args=["fabrique-a"])
        empty = dict.fromkeys(form_data(self.commune), "")
        response = self.client.post(url, {**empty, "action": "submit"})
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        missing = "Ce champ est obligatoire pour déposer la candidature."
        required = (
            "elected_name",
            "elected_mandate",
            "elected_email",
            "technical_name",
            "technical_role",
            "technical_email",
            "motivation",
            "working_group_intent",
        )
        self.assertEqual(
            {name: form.errors[name] for name in required}, {name: [missing] for name in required}
        )
        self.assertIn("territory", form.errors)
        self.assertNotIn("technical_phone", form.errors)  # optional
        # The summary on top links to each of them.
        summary = response.content.decode().split("Rien n’a été enregistré", 1)[1].split("</ul>")[0]
        for name in ("territory", *required):
            self.assertIn(f'href="#id_{name}"', summary)
        self.assertFalse(Application.objects.filter(applicant=self.cast.outsider).exists())
        # Saving a draft asks only for the territory.
        response = self.client.post(url, {**empty, "action": "save"})
        self.assertEqual(set(response.context["form"].errors), {"territory"})

    def test_long_texts_are_never_cut_and_say_how_much_to_remove(self):
        self.login("outsider")
        url = reverse("calls:application_start", args=["fabrique-a"])
        html = self.client.get(url).content.decode()
        match = re.search(r"<textarea[^>]*id=\"id_motivation\"[^>]*>", html)
        assert match is not None
        motivation = match.group(0)
        # No maxlength: the browser would cut a pasted text without a word.
        self.assertNotIn(" maxlength=", motivation)
        self.assertIn('data-maxlength="5000"', motivation)
        self.assertIn('data-counter-text="{n} / {max} caractères"', motivation)
        self.assertIn("workspace/char-counter.js", html)
        response = self.client.post(
            url, form_data(self.commune, motivation="é" * 5003, action="submit")
        )
        self.assertContains(
            response,
            "Ce texte compte 5003 caractères pour 5000 au plus : retirez-en 3. Rien n’a été coupé.",
        )
        self.assertFalse(Application.objects.filter(applicant=self.cast.outsider).exists())
        # Line ends sent as CR LF count as one character, as the counter counts them.
        text = "ligne\r\n" * 700  # 4 900 characters with one-character line ends
        response = self.client.post(url, form_data(self.commune, motivation=text))
        draft = Application.objects.get(applicant=self.cast.outsider)
        self.assertEqual(draft.motivation, ("ligne\n" * 700).strip())

    def test_wrong_file_type_is_explained(self):
        self.login("outsider")
        url = reverse("calls:application_start", args=["fabrique-a"])
        response = self.client.post(
            url, {**form_data(self.commune), "deliberation": docx_renamed_pdf()}
        )
        self.assertContains(response, "Ce fichier n’est pas un PDF valide")
        self.assertContains(response, "Rien n’a été enregistré")
        self.assertFalse(Application.objects.filter(applicant=self.cast.outsider).exists())

    def test_a_pdf_with_javascript_is_refused_and_nothing_is_stored(self):
        self.login("outsider")
        files = default_storage.listdir("applications")[1]
        hostile = SimpleUploadedFile(
            "deliberation.pdf", pdf_open_action_javascript(), content_type="application/pdf"
        )
        response = self.client.post(
            reverse("calls:application_start", args=["fabrique-a"]),
            {**form_data(self.commune), "deliberation": hostile},
        )
        self.assertContains(response, "Ce PDF contient du JavaScript\u00a0: il est refusé")
        self.assertFalse(Application.objects.filter(applicant=self.cast.outsider).exists())
        self.assertEqual(default_storage.listdir("applications")[1], files)

    @override_settings(APPLICATION_MAX_UPLOAD_BYTES=100)
    def test_oversize_file_is_explained(self):
        self.login("outsider")
        url = reverse("calls:application_start", args=["fabrique-a"])
        response = self.client.post(url, {**form_data(self.commune), "deliberation": pdf_upload()})
        self.assertContains(response, "la taille maximale est de 100")
        self.assertFalse(Application.objects.filter(applicant=self.cast.outsider).exists())

    def test_duplicate_territory_is_explained(self):
        self.login("outsider")
        roanne = self.application.commune
        response = self.client.post(
            reverse("calls:application_start", args=["fabrique-a"]),
            form_data(roanne, action="submit"),
        )
        self.assertContains(response, "Une candidature a déjà été déposée pour Roanne à cet appel")
        self.assertFalse(Application.objects.filter(applicant=self.cast.outsider).exists())

    def test_ambiguous_or_unknown_territory_without_javascript(self):
        CommuneFactory(name="Saint-Étienne-le-Molard", code="42219", population=1000)
        self.login("outsider")
        url = reverse("calls:application_start", args=["fabrique-a"])
        response = self.client.post(url, form_data(self.commune, territory="etienne"))
        self.assertContains(response, "Plusieurs territoires correspondent à « etienne »")
        response = self.client.post(url, form_data(self.commune, territory="Atlantide"))
        self.assertContains(response, "Aucun territoire ne correspond à « Atlantide »")
        response = self.client.post(url, form_data(self.commune, territory="saint-etienne"))
        self.assertEqual(response.status_code, 302)  # the exact name wins

    def test_picked_in_the_autocomplete(self):
        self.login("outsider")
        response = self.client.post(
            reverse("calls:application_start", args=["fabrique-a"]),
            form_data(
                self.commune,
                territory="Saint-Étienne (42218)",
                territory_ref=f"commune:{self.commune.pk}",
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Application.objects.get(applicant=self.cast.outsider).kind, ParticipationKind.COMMUNE
        )

    def test_closed_call_refuses_the_form(self):
        Call.objects.filter(pk=self.call.pk).update(
            opens_at=timezone.now() - datetime.timedelta(days=40),
            closes_at=timezone.now() - datetime.timedelta(days=1),
        )
        self.login("outsider")
        url = reverse("calls:application_start", args=["fabrique-a"])
        response = self.client.post(url, form_data(self.commune), follow=True)
        self.assertContains(response, "n’est pas ouvert aux candidatures")
        self.assertFalse(Application.objects.filter(applicant=self.cast.outsider).exists())

    def test_my_applications_lists_only_mine(self):
        ApplicationFactory(call=self.call)  # someone else's
        self.login("applicant")
        response = self.client.get(reverse("calls:my_applications"))
        self.assertContains(response, "Roanne (42187)")
        self.assertContains(response, "Déposée")
        self.assertEqual(len(response.context["applications"]), 1)

    def test_my_applications_query_budget(self):
        ApplicationFactory.create_batch(5, applicant=self.cast.applicant)
        self.login("applicant")
        # session, user, the applications with their call, Fabrique and territory,
        # memberships for the side menu
        with self.assertNumQueries(4):
            response = self.client.get(reverse("calls:my_applications"))
        self.assertEqual(len(response.context["applications"]), 6)

    def test_my_applications_needs_login(self):
        url = reverse("calls:my_applications")
        self.assertLoginRedirect(self.client.get(url), url)

    def test_deliberation_download(self):
        self.login("applicant")
        response = self.client.get(reverse("calls:application_file", args=[self.application.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="deliberation-roanne.pdf"'
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])
        import io

        self.assertEqual(len(PdfReader(io.BytesIO(response.getvalue())).pages), 1)
        name = self.application.deliberation.name
        assert name is not None
        self.assertTrue(re.fullmatch(r"applications/[0-9a-f]{32}\.pdf", name))


class TerritoryRoundTripTests(CallsViewTestCase):
    """What the autocomplete offers, the reopened draft shows and the form takes back, for
    each kind of territory; the same label on the applicant's list, the review pages, the
    admin and the e-mail. A commune is known by its INSEE code, never by its SIREN."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.commune.siren = "214202186"
        cls.commune.save()
        loire = cls.commune.departement
        EpciFactory(name="Saint-Étienne Métropole", siren="244200770", departement=loire)
        QpvFactory(name="Montreynaud", code="QN04201M", departement=loire)
        QpvFactory(name="Cotonne", departement=loire)

    def picked(self, query, kind):
        """The autocomplete's (label, ref) for the territory of `kind` named `query`."""
        response = self.client.get(reverse("calls:territory_search"), {"q": query, "kinds": kind})
        (result,) = [r for r in response.json()["results"] if r["name"] == query]
        return result["label"], result["ref"]

    def round_trip(self, *, name, kind, expected, host=None):
        self.login("outsider")
        label, ref = self.picked(name, kind)
        self.assertEqual(label, expected)
        data = form_data(self.commune, territory=label, territory_ref=ref)
        if host is not None:
            host_label, host_ref = self.picked(host, "commune")
            data.update(host=host_label, host_ref=host_ref)

        # Save the draft with the autocomplete's value.
        response = self.client.post(reverse("calls:application_start", args=["fabrique-a"]), data)
        draft = Application.objects.get(applicant=self.cast.outsider)
        edit = reverse("calls:application_edit", args=[draft.pk])
        self.assertRedirects(response, edit)

        # Reopen it: the field shows the same label, and the form takes back what it shows,
        # with the autocomplete's reference or without it (no JavaScript).
        form = self.client.get(edit).context["form"]
        self.assertEqual(form["territory"].value(), expected)
        self.assertEqual(form["territory_ref"].value(), ref)
        shown = {name: form[name].value() or "" for name in ("territory", "territory_ref")}
        if host is not None:
            self.assertEqual(form["host"].value(), host_label)
            shown.update(host=form["host"].value(), host_ref=form["host_ref"].value())
        without_refs = {**data, **shown, "territory_ref": "", "host_ref": ""}
        self.assertTrue(ApplicationForm(data=without_refs).is_valid())

        # « Déposer »: it is submitted.
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                edit, {**data, **shown, "action": "submit", "deliberation": pdf_upload()}
            )
        self.assertRedirects(response, reverse("calls:application_detail", args=[draft.pk]))
        draft.refresh_from_db()
        self.assertEqual(draft.status, ApplicationStatus.SUBMITTED)
        self.assertEqual(draft.kind, kind)
        self.assertTrue(draft.territory_label.startswith(expected))

        # The same label everywhere.
        self.assertContains(self.client.get(reverse("calls:my_applications")), expected)
        (message,) = mail.outbox
        self.assertIn(expected, message.body)
        self.login("pilot_a")
        review = reverse("calls:application_review", args=[draft.pk])
        self.assertContains(self.client.get(review), expected)
        list_url = reverse("calls:application_review_list", args=["fabrique-a"])
        self.assertContains(self.client.get(list_url), expected)
        return draft

    def test_commune_by_its_insee_code(self):
        draft = self.round_trip(
            name="Saint-Étienne", kind=ParticipationKind.COMMUNE, expected="Saint-Étienne (42218)"
        )
        self.assertEqual(str(draft), "Candidature de Saint-Étienne (42218)")
        self.assertNotContains(self.client.get(reverse("calls:my_applications")), "214202186")

    def test_epci_by_its_siren(self):
        self.round_trip(
            name="Saint-Étienne Métropole",
            kind=ParticipationKind.EPCI,
            expected="Saint-Étienne Métropole (244200770)",
        )

    def test_qpv_by_its_code_with_its_host(self):
        draft = self.round_trip(
            name="Montreynaud",
            kind=ParticipationKind.QPV,
            expected="Montreynaud (QN04201M)",
            host="Saint-Étienne",
        )
        self.assertEqual(draft.territory_label, "Montreynaud (QN04201M) — Saint-Étienne")

    def test_qpv_without_code_by_its_name(self):
        self.round_trip(
            name="Cotonne", kind=ParticipationKind.QPV, expected="Cotonne", host="Saint-Étienne"
        )

    def test_admin_shows_the_insee_code(self):
        ApplicationFactory(call=self.call, commune=self.commune, submitted=True)
        superuser = UserFactory.create(username="root@anct.fr", is_staff=True, is_superuser=True)
        self.client.force_login(superuser)
        response = self.client.get(reverse("admin:calls_application_changelist"))
        self.assertContains(response, "Candidature de Saint-Étienne (42218)")
        self.assertNotContains(response, "214202186")


# --------------------------------------------------------------------------------------------
# Access, persona by persona


class AccessTests(CallsViewTestCase):
    def check(self, url, allowed, *, method="get", refused=404, ok=200):
        for name in SIGNED_IN:
            with self.subTest(persona=name):
                self.client.logout()
                self.login(name)
                response = getattr(self.client, method)(url)
                expected = ok if name in allowed else refused
                if isinstance(refused, dict):
                    expected = ok if name in allowed else refused.get(name, 404)
                self.assertEqual(response.status_code, expected, name)
        self.client.logout()
        self.assertLoginRedirect(getattr(self.client, method)(url), url)

    def test_application_detail(self):
        url = reverse("calls:application_detail", args=[self.application.pk])
        self.check(url, SEES_APPLICATION)

    def test_application_file(self):
        url = reverse("calls:application_file", args=[self.application.pk])
        self.check(url, SEES_APPLICATION)

    def test_application_edit_of_a_draft(self):
        draft = ApplicationFactory(call=self.call, applicant=self.cast.applicant)
        url = reverse("calls:application_edit", args=[draft.pk])
        # A draft is its author's own business: even ANCT does not see it until submitted.
        self.check(url, {"applicant"})
        for page in ("application_detail", "application_file"):
            self.login("pilot_a")
            response = self.client.get(reverse(f"calls:{page}", args=[draft.pk]))
            self.assertEqual(response.status_code, 404, page)

    def test_application_review(self):
        url = reverse("calls:application_review", args=[self.application.pk])
        self.check(url, MANAGES_A, refused={"applicant": 403})

    # People with another role on Fabrique A see that it exists but may not manage its call.
    READ_ONLY_A = dict.fromkeys(("partner_a", "provider_a", "elected_a", "technical_a"), 403)

    def test_back_office(self):
        for name in ("call_edit", "application_review_list"):
            with self.subTest(page=name):
                self.check(
                    reverse(f"calls:{name}", args=["fabrique-a"]),
                    MANAGES_A,
                    refused=self.READ_ONLY_A,
                )

    def test_notify_outcomes(self):
        url = reverse("calls:notify_outcomes", args=["fabrique-a"])
        self.check(url, MANAGES_A, method="post", ok=302, refused=self.READ_ONLY_A)
        self.login("pilot_a")
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_application_start_for_every_signed_in_person(self):
        url = reverse("calls:application_start", args=["fabrique-b"])
        self.check(url, set(SIGNED_IN))

    def test_unknown_application(self):
        self.login("admin")
        self.assertEqual(
            self.client.get(reverse("calls:application_detail", args=[999999])).status_code, 404
        )


# --------------------------------------------------------------------------------------------
# ANCT back-office


class CallEditTests(CallsViewTestCase):
    def test_edit_call_and_criteria(self):
        self.login("pilot_a")
        url = reverse("calls:call_edit", args=["fabrique-a"])
        response = self.client.get(url)
        self.assertContains(response, "Portage politique")
        data = {
            "opens_at": "2026-03-01T09:00",
            "closes_at": "2026-04-30T18:00",
            "decision_expected_on": "2026-05-15",
            "introduction": "Nouvelle présentation",
            "expected_commitment": "Quatre ateliers",
            "criteres-TOTAL_FORMS": "3",
            "criteres-INITIAL_FORMS": "1",
            "criteres-MIN_NUM_FORMS": "0",
            "criteres-MAX_NUM_FORMS": "30",
            "criteres-0-id": str(self.criterion.pk),
            "criteres-0-label": "Portage par les élus",
            "criteres-0-weight": "3",
            "criteres-0-max_score": "5",
            "criteres-1-label": "Groupe de travail",
            "criteres-1-weight": "1",
            "criteres-1-max_score": "10",
            "criteres-2-label": "",
        }
        response = self.client.post(url, data)
        self.assertRedirects(response, url)
        self.call.refresh_from_db()
        self.assertEqual(self.call.introduction, "Nouvelle présentation")
        # Entered as Paris time.
        self.assertEqual(timezone.localtime(self.call.closes_at).hour, 18)
        self.assertEqual(
            list(self.call.criteria.values_list("label", "weight", "max_score")),
            [("Portage par les élus", 3, 5), ("Groupe de travail", 1, 10)],
        )

    def test_bad_dates_change_nothing(self):
        self.login("pilot_a")
        url = reverse("calls:call_edit", args=["fabrique-a"])
        response = self.client.post(
            url,
            {
                "opens_at": "2026-05-01T09:00",
                "closes_at": "2026-04-30T18:00",
                "introduction": "Autre",
                "criteres-TOTAL_FORMS": "0",
                "criteres-INITIAL_FORMS": "0",
            },
        )
        self.assertContains(response, "La clôture doit suivre l’ouverture de l’appel.")
        self.call.refresh_from_db()
        self.assertNotEqual(self.call.introduction, "Autre")

    def test_a_fabrique_without_call(self):
        Call.objects.filter(fabrique=self.cast.fabrique_b).delete()
        self.login("admin")
        response = self.client.get(reverse("calls:call_edit", args=["fabrique-b"]))
        self.assertContains(response, "Aucun appel à volontaires n’est rédigé pour cette Fabrique.")
        response = self.client.get(reverse("calls:application_review_list", args=["fabrique-b"]))
        self.assertContains(response, "pas encore d’appel à volontaires")


class ReviewTests(CallsViewTestCase):
    status = FabriqueStatus.SELECTION

    def test_review_list_query_budget(self):
        ApplicationFactory.create_batch(30, call=self.call, submitted=True)
        ApplicationFactory(call=self.call)  # a draft is not listed
        self.login("pilot_a")
        url = reverse("calls:application_review_list", args=["fabrique-a"])
        # session, user, memberships (grants), Fabrique, call, criteria, status counts,
        # page count, page rows with territories and summed weighted points
        with self.assertNumQueries(9):
            response = self.client.get(url)
        self.assertEqual(len(response.context["table"].rows), 25)
        self.assertContains(response, "31 candidatures")
        with self.assertNumQueries(9):
            self.client.get(url, {"page": "2", "status": "submitted", "order": "score"})

    def test_review_page_query_budget(self):
        for n in range(4):
            CallCriterionFactory(call=self.call, label=f"Critère {n}")
        self.login("pilot_a")
        url = reverse("calls:application_review", args=[self.application.pk])
        # session, user, memberships (grants), the application with its call, Fabrique,
        # territory and applicant, the criteria, the scores with their scorers, the ids of
        # the call's list (« Précédente / Suivante »)
        with self.assertNumQueries(7):
            self.client.get(url)

    def test_review_list_filters(self):
        self.login("pilot_a")
        url = reverse("calls:application_review_list", args=["fabrique-a"])
        response = self.client.get(url, {"status": "rejected"})
        self.assertContains(response, "Aucune candidature ne correspond.")
        response = self.client.get(url, {"status": "nonsense"})
        self.assertContains(response, "Statut inconnu ; ce filtre a été ignoré.")
        self.assertContains(response, "Roanne (42187)")

    def test_score_then_select(self):
        self.login("pilot_a")
        url = reverse("calls:application_review", args=[self.application.pk])
        response = self.client.post(
            url,
            {
                "action": "score",
                f"score_{self.criterion.pk}": "4",
                f"comment_{self.criterion.pk}": "Élue très engagée",
                "pilot_comment": "À rappeler",
            },
        )
        self.assertRedirects(response, url)
        response = self.client.get(url)
        self.assertContains(response, "80,0\xa0%")
        response = self.client.get(reverse("calls:application_review_list", args=["fabrique-a"]))
        self.assertContains(response, "80,0\xa0%")

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                url, {"action": "select", "note": "", "confirm": "1"}, follow=True
            )
        self.assertContains(response, "La candidature est retenue")
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, ApplicationStatus.SELECTED)
        self.assertEqual(len(mail.outbox), 2)  # the two invitations

    def test_out_of_range_score(self):
        self.login("pilot_a")
        url = reverse("calls:application_review", args=[self.application.pk])
        response = self.client.post(url, {"action": "score", f"score_{self.criterion.pk}": "9"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Choisissez une note de 0 à 5.", status_code=400)

    def test_ninth_territory_is_refused_with_a_message(self):
        from fabriques.territories.tests.factories import ParticipationFactory

        ParticipationFactory.create_batch(7, fabrique=self.cast.fabrique_a)  # 8 with the cast's
        self.login("pilot_a")
        url = reverse("calls:application_review", args=[self.application.pk])
        response = self.client.post(url, {"action": "select", "confirm": "1"}, follow=True)
        self.assertContains(response, "La Fabrique réunit déjà 8 territoires, le maximum")
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, ApplicationStatus.SUBMITTED)

    def test_reject_and_notify(self):
        self.login("pilot_a")
        url = reverse("calls:application_review", args=[self.application.pk])
        self.client.post(url, {"action": "reject", "note": "Hors périmètre"})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("calls:notify_outcomes", args=["fabrique-a"]), follow=True
            )
        self.assertContains(
            response, "0 territoire(s) retenu(s) et 1 candidature(s) non retenue(s)"
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("réponse à votre candidature", mail.outbox[0].subject)

    def test_unknown_action(self):
        self.login("pilot_a")
        url = reverse("calls:application_review", args=[self.application.pk])
        response = self.client.post(url, {"action": "delete"}, follow=True)
        self.assertContains(response, "Action inconnue : rien n’a été modifié.")


class SelectionToolsTests(CallsViewTestCase):
    """« Précédente / Suivante », the confirmation before retaining, the committee's export."""

    status = FabriqueStatus.SELECTION
    firminy: Application
    montbrison: Application

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        loire = cls.commune.departement
        day = timezone.now() - datetime.timedelta(days=3)
        # Deposited one after the other: Roanne (the base class's, today) comes first in the
        # list, newest first, then Firminy, then Montbrison.
        cls.firminy = ApplicationFactory(
            call=cls.call,
            commune=CommuneFactory(name="Firminy", code="42095", departement=loire),
            status=ApplicationStatus.SHORTLISTED,
            submitted_at=day,
        )
        cls.montbrison = ApplicationFactory(
            call=cls.call,
            commune=CommuneFactory(
                name="Montbrison", code="42147", departement=loire, population=16000
            ),
            submitted=True,
            submitted_at=day - datetime.timedelta(days=1),
            pilot_comment='=HYPERLINK("http://exemple.fr")',
        )
        ApplicationFactory(call=cls.call)  # a draft is in no list

    def review(self, application, query=""):
        return self.client.get(reverse("calls:application_review", args=[application.pk]) + query)

    def test_previous_and_next_follow_the_list(self):
        self.login("pilot_a")
        first = self.review(self.application)
        self.assertEqual(first.context["previous_url"], "")
        self.assertEqual(
            first.context["next_url"], reverse("calls:application_review", args=[self.firminy.pk])
        )
        self.assertContains(first, "Candidature 1 sur 3 dans la liste.")
        middle = self.review(self.firminy)
        self.assertContains(
            middle,
            f'href="{reverse("calls:application_review", args=[self.application.pk])}" rel="prev"',
        )
        self.assertContains(
            middle,
            f'href="{reverse("calls:application_review", args=[self.montbrison.pk])}" rel="next"',
        )
        self.assertEqual(self.review(self.montbrison).context["next_url"], "")

    def test_previous_and_next_keep_the_list_filters(self):
        self.login("pilot_a")
        # Only the deposited, not shortlisted ones: Roanne then Montbrison.
        response = self.review(self.application, "?status=submitted")
        self.assertEqual(
            response.context["next_url"],
            reverse("calls:application_review", args=[self.montbrison.pk]) + "?status=submitted",
        )
        self.assertContains(response, "Candidature 1 sur 2 dans la liste.")
        self.assertEqual(
            response.context["list_url"],
            reverse("calls:application_review_list", args=["fabrique-a"]) + "?status=submitted",
        )
        # The list's links carry its filters; sorted by department then date, the same order.
        listing = self.client.get(
            reverse("calls:application_review_list", args=["fabrique-a"]), {"status": "submitted"}
        )
        self.assertContains(
            listing,
            f'href="{reverse("calls:application_review", args=[self.montbrison.pk])}?status=submitted"',
        )
        ScoreInputs = {"action": "score", f"score_{self.criterion.pk}": "5"}
        response = self.client.post(
            reverse("calls:application_review", args=[self.montbrison.pk]) + "?order=score",
            ScoreInputs,
        )
        self.assertRedirects(
            response,
            reverse("calls:application_review", args=[self.montbrison.pk]) + "?order=score",
        )
        # Scored highest, Montbrison now comes first by score.
        self.assertEqual(self.review(self.montbrison, "?order=score").context["previous_url"], "")

    def test_retaining_asks_for_a_confirmation_naming_who_is_emailed(self):
        self.login("pilot_a")
        url = reverse("calls:application_review", args=[self.application.pk])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"action": "select", "note": "Très bon dossier"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "calls/application_select_confirm.html")
        self.assertContains(response, self.application.elected_email)
        self.assertContains(response, self.application.technical_email)
        self.assertContains(response, 'name="confirm" value="1"')
        self.assertContains(response, 'name="note" value="Très bon dossier"')
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, ApplicationStatus.SUBMITTED)
        self.assertFalse(self.cast.fabrique_a.participations.filter(commune__name="Roanne"))
        self.assertEqual(mail.outbox, [])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                url, {"action": "select", "note": "Très bon dossier", "confirm": "1"}
            )
        self.assertRedirects(response, url)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, ApplicationStatus.SELECTED)
        self.assertEqual(self.application.decision_note, "Très bon dossier")
        self.assertEqual(len(mail.outbox), 2)

    def export(self, name="pilot_a", method="post"):
        self.login(name)
        url = reverse("calls:application_export", args=["fabrique-a"])
        return getattr(self.client, method)(url)

    def test_export_for_the_selection_committee(self):
        CallCriterionFactory(call=self.call, label="Groupe de travail", max_score=4, weight=1)
        self.montbrison.scores.create(criterion=self.criterion, score=4, scored_at=timezone.now())
        response = self.export()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(
            'attachment; filename="candidatures-fabrique-a-', response["Content-Disposition"]
        )
        raw = response.content.decode("utf-8")
        self.assertTrue(raw.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff")), delimiter=";"))
        self.assertEqual(
            rows[0],
            [
                "Territoire",
                "Type de territoire",
                "Département",
                "Population",
                "Déposée le",
                "Portage politique (sur 5, pondération 2)",
                "Groupe de travail (sur 4, pondération 1)",
                "Note pondérée (%)",
                "Critères notés",
                "Statut",
                "Commentaire de l’ANCT",
            ],
        )
        self.assertEqual(
            [r[0] for r in rows[1:]], ["Roanne (42187)", "Firminy (42095)", "Montbrison (42147)"]
        )
        montbrison = rows[3]
        departement = self.montbrison.departement
        self.assertEqual(
            montbrison[1:4], ["Commune", f"{departement.name} ({departement.code})", "16000"]
        )
        # 4 × 2 points of 5 × 2 + 4 × 1 possible.
        self.assertEqual(montbrison[5:10], ["4", "", "57,1", "1/2", "Déposée"])
        # A formula typed in a comment stays text in the spreadsheet.
        self.assertEqual(montbrison[10], '\'=HYPERLINK("http://exemple.fr")')
        self.assertEqual(rows[2][9], "Présélectionnée")
        # No contact data.
        for application in (self.application, self.firminy, self.montbrison):
            for value in (
                application.elected_email,
                application.technical_email,
                application.elected_name,
            ):
                self.assertNotIn(value, raw)
        self.assertNotIn("@", raw)
        event = AuditEvent.objects.get(action="applications.exported")
        self.assertEqual(
            (event.actor, event.object_id, event.data),
            (self.cast.pilot_a, str(self.call.pk), {"rows": 3, "format": "csv"}),
        )

    def test_export_access(self):
        self.assertEqual(self.export("admin").status_code, 200)
        self.assertEqual(self.export("pilot_a", method="get").status_code, 405)
        for name, status in (
            ("pilot_b", 404),
            ("outsider", 404),
            ("applicant", 404),
            ("partner_a", 403),
            ("elected_a", 403),
        ):
            with self.subTest(persona=name):
                self.assertEqual(self.export(name).status_code, status)
        self.client.logout()
        self.assertEqual(
            self.client.post(reverse("calls:application_export", args=["fabrique-a"])).status_code,
            302,
        )
        self.assertEqual(AuditEvent.objects.filter(action="applications.exported").count(), 1)


class ReceivedApplicationsTests(CallsViewTestCase):
    """ANCT's list of the applications received across Fabriques, scoped to each grant."""

    URL = reverse("calls:received_applications")
    call_b: Call
    in_b: Application
    both: User

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.call_b = Call.objects.get(fabrique=cls.cast.fabrique_b)
        cls.in_b = ApplicationFactory(call=cls.call_b, submitted=True)
        ApplicationFactory(call=cls.call)  # a draft is the applicant's own business
        ApplicationFactory(call=cls.call_b)
        # Pilot of A and elected referent of a territory of B.
        cls.both = UserFactory.create(username="pilote-a-elu-b@exemple.fr")
        MembershipFactory(
            user=cls.both, role=MembershipRole.ANCT_PILOT, fabrique=cls.cast.fabrique_a
        )
        MembershipFactory(
            user=cls.both,
            role=MembershipRole.ELECTED_REFERENT,
            participation=cls.cast.participation_b,
        )

    def listed(self, user: User, **params: str | int) -> list[Application]:
        self.client.force_login(user)
        response = self.client.get(self.URL, params)
        self.assertEqual(response.status_code, 200)
        return [row.application for row in response.context["table"].rows]

    def test_each_sees_the_applications_of_the_calls_they_manage(self):
        self.assertEqual(self.listed(self.cast.admin), [self.in_b, self.application])
        self.assertEqual(self.listed(self.cast.pilot_a), [self.application])
        self.assertEqual(self.listed(self.cast.pilot_b), [self.in_b])
        # A role in Fabrique B does not open B's applications to A's pilot.
        self.assertEqual(self.listed(self.both), [self.application])
        # Nor does a filter naming another Fabrique: it is not among the choices.
        response = self.client.get(self.URL, {"fabrique": self.cast.fabrique_b.pk})
        self.assertContains(response, "Fabrique inconnue\u202f; ce filtre a été ignoré.")
        self.assertEqual(
            [r.application for r in response.context["table"].rows], [self.application]
        )
        self.assertNotContains(response, self.in_b.territory_label)

    def test_refused_to_everyone_else(self):
        for name in ("partner_a", "provider_a", "elected_a", "applicant", "outsider"):
            with self.subTest(persona=name):
                self.login(name)
                self.assertEqual(self.client.get(self.URL).status_code, 403)
        self.client.logout()
        self.assertLoginRedirect(self.client.get(self.URL), self.URL)

    def test_filters_and_links(self):
        self.assertEqual(
            self.listed(self.cast.admin, fabrique=self.cast.fabrique_a.pk), [self.application]
        )
        self.assertEqual(self.listed(self.cast.admin, status="selected"), [])
        response = self.client.get(self.URL, {"status": "submitted"})
        self.assertContains(
            response,
            f'href="{reverse("calls:application_review", args=[self.application.pk])}?status=submitted"',
        )
        self.assertContains(response, "Fabrique A")

    def test_query_budget(self):
        ApplicationFactory.create_batch(30, call=self.call_b, submitted=True)
        self.client.force_login(self.cast.admin)
        # session, user, memberships (grants), the Fabriques of the filter, the count, the
        # page of applications with their Fabrique, territory, score and maximum
        with self.assertNumQueries(6):
            response = self.client.get(self.URL)
        self.assertEqual(len(response.context["table"].rows), 25)
        self.assertContains(response, "32 candidatures")
        with self.assertNumQueries(6):
            self.client.get(self.URL, {"page": "2", "fabrique": str(self.cast.fabrique_b.pk)})

    def test_the_menu_leads_anct_to_the_received_ones(self):
        self.login("pilot_a")
        response = self.client.get(reverse("workspace:home"))
        self.assertContains(response, f'href="{self.URL}">Candidatures reçues</a>', html=False)
        self.assertContains(response, "Mes candidatures")
        self.login("applicant")
        response = self.client.get(reverse("workspace:home"))
        self.assertNotContains(response, self.URL)
        self.assertContains(
            response, f'href="{reverse("calls:my_applications")}">Mes candidatures</a>'
        )


class SelectWhileCallOpenTests(CallsViewTestCase):
    def test_selecting_during_the_call_is_explained(self):
        self.login("pilot_a")
        url = reverse("calls:application_review", args=[self.application.pk])
        response = self.client.post(url, {"action": "select", "confirm": "1"}, follow=True)
        self.assertContains(response, "Les territoires se retiennent pendant la phase de sélection")
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, ApplicationStatus.SUBMITTED)


class AdminTests(CallsViewTestCase):
    def test_admin_lists_and_pages_show_no_file(self):

        superuser = UserFactory.create(username="root@anct.fr", is_staff=True, is_superuser=True)
        self.client.force_login(superuser)
        response = self.client.get(reverse("admin:calls_application_changelist"))
        self.assertContains(response, "Candidature de Roanne (42187)")
        self.assertNotContains(response, "applications/")
        response = self.client.get(
            reverse("admin:calls_application_change", args=[self.application.pk])
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, str(self.application.deliberation.name))
        for name in ("calls_call_changelist", "calls_callcriterion_changelist"):
            self.assertEqual(self.client.get(reverse(f"admin:{name}")).status_code, 200)
