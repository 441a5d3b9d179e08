"""The programme workspace pages, tried by every persona, then used by the right one."""

import datetime
from decimal import Decimal

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.core.models import AuditEvent
from fabriques.programme.models import (
    Fabrique,
    FabriqueOrganisation,
    FabriqueStatus,
    Milestone,
    Organisation,
    OrganisationKind,
    ProgrammeYear,
    Role,
)
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.territories.tests.factories import ParticipationFactory

from .factories import (
    AnctProgrammeFactory,
    FabriqueOrganisationFactory,
    MilestoneFactory,
    OrganisationFactory,
    ThemeFactory,
)

NBSP = "\u00a0"
LOGIN = reverse("accounts:login")

SEES_A = {"admin", "pilot_a", "partner_a", "provider_a", "elected_a", "technical_a"}
MANAGES_A = {"admin", "pilot_a"}


def expected_status(name: str, *, page: str) -> int:
    """What each persona gets on a page of Fabrique A (anonymous: redirected to log in)."""
    if name == "anonymous":
        return 302
    if page == "everyone":
        return 200
    if page == "admin":
        return 200 if name == "admin" else 403
    if name not in SEES_A:
        return 404
    if page == "view" or name in MANAGES_A:
        return 200
    return 403


class PersonaCase(TestCase):
    status = FabriqueStatus.RUNNING
    cast: Personas
    a: Fabrique

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_personas(status=cls.status)
        cls.a = cls.cast.fabrique_a

    def login(self, name: str) -> User | None:
        user = self.cast.user(name)
        if user is not None:
            self.client.force_login(user)
        return user

    def url(self, name: str, *args) -> str:
        return reverse(f"programme:{name}", args=args)


class AccessMatrixTests(PersonaCase):
    """Every page of the programme workspace against every persona."""

    def check(self, url: str, page: str, method: str = "get"):
        for name in ROLE_NAMES:
            with self.subTest(persona=name, url=url):
                self.client.logout()
                self.login(name)
                response = getattr(self.client, method)(url)
                self.assertEqual(response.status_code, expected_status(name, page=page))
                if name == "anonymous":
                    self.assertTrue(response["Location"].startswith(LOGIN))

    def test_fabrique_page_for_those_who_see_it(self):
        self.check(self.url("fabrique_detail", "fabrique-a"), "view")

    def test_management_pages(self):
        for name in (
            "fabrique_edit",
            "fabrique_organisations",
            "fabrique_team",
            "fabrique_milestones",
            "fabrique_history",
        ):
            self.check(self.url(name, "fabrique-a"), "manage")

    def test_administrator_pages(self):
        for url in (
            self.url("year_list"),
            self.url("year_create"),
            self.url("year_edit", 2026),
            self.url("fabrique_create"),
            reverse("workspace:audit"),
        ):
            self.check(url, "admin")

    def test_pages_of_everyone_signed_in(self):
        self.check(self.url("fabrique_list"), "everyone")
        self.check(reverse("workspace:home"), "everyone")

    def test_read_only_roles_cannot_write(self):
        role = FabriqueOrganisation.objects.get(fabrique=self.a, role=Role.PROVIDER)
        consultant = self.cast.provider_a.memberships.get()
        posts = [
            (self.url("fabrique_edit", "fabrique-a"), {"title": "Piratée"}),
            (self.url("fabrique_organisations", "fabrique-a"), {"role": "partner"}),
            (self.url("fabrique_organisation_remove", "fabrique-a", role.pk), {}),
            (self.url("fabrique_team", "fabrique-a"), {"email": "x@exemple.fr"}),
            (self.url("fabrique_team_revoke", "fabrique-a", consultant.pk), {}),
            (self.url("fabrique_milestones", "fabrique-a"), {}),
            (self.url("fabrique_milestones_generate", "fabrique-a"), {}),
        ]
        for name in ROLE_NAMES:
            if name in MANAGES_A:
                continue
            self.client.logout()
            self.login(name)
            for url, data in posts:
                with self.subTest(persona=name, url=url):
                    response = self.client.post(url, data)
                    self.assertEqual(response.status_code, expected_status(name, page="manage"))
        self.a.refresh_from_db()
        self.assertEqual((self.a.title, self.a.status), ("Fabrique A", FabriqueStatus.RUNNING))
        self.assertTrue(FabriqueOrganisation.objects.filter(pk=role.pk).exists())
        self.assertTrue(Membership.objects.filter(pk=consultant.pk).exists())
        self.assertFalse(AuditEvent.objects.exists())

    def test_read_only_pages_refuse_post(self):
        self.login("admin")
        for url in (
            self.url("fabrique_list"),
            self.url("fabrique_detail", "fabrique-a"),
            self.url("fabrique_history", "fabrique-a"),
            self.url("year_list"),
            reverse("workspace:home"),
            reverse("workspace:audit"),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url).status_code, 405)

    def test_write_only_urls_refuse_get(self):
        self.login("pilot_a")
        role = FabriqueOrganisation.objects.get(fabrique=self.a, role=Role.PROVIDER)
        for url in (
            self.url("fabrique_organisation_remove", "fabrique-a", role.pk),
            self.url(
                "fabrique_team_revoke", "fabrique-a", self.cast.provider_a.memberships.get().pk
            ),
            self.url("fabrique_milestones_generate", "fabrique-a"),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 405)


class YearTests(PersonaCase):
    def test_list_shows_target_against_designed(self):
        # Fabriques A and B are running: both count as designed.
        self.login("admin")
        response = self.client.get(self.url("year_list"))
        self.assertContains(response, '<th scope="row">2026</th>', html=False)
        year = response.context["years"][0]
        self.assertEqual((year.year, year.target_fabriques, year.n_designed), (2026, 3, 2))
        self.assertContains(response, "en dessous de l’objectif")

    def test_create_a_year(self):
        self.login("admin")
        response = self.client.post(
            self.url("year_create"), {"year": "2027", "target_fabriques": "3"}
        )
        self.assertRedirects(response, self.url("year_list"))
        self.assertEqual(ProgrammeYear.objects.get(year=2027).target_fabriques, 3)
        event = AuditEvent.objects.get(action="programme_year.created")
        self.assertEqual(event.actor, self.cast.admin)

    def test_a_year_twice_or_out_of_range_is_refused(self):
        self.login("admin")
        response = self.client.post(self.url("year_create"), {"year": "2026"})
        self.assertContains(response, "L’année 2026 existe déjà.")
        response = self.client.post(self.url("year_create"), {"year": "1999"})
        self.assertContains(response, "L’année doit être comprise entre 2000 et 2100.")
        response = self.client.post(self.url("year_create"), {"year": "deux mille"})
        self.assertContains(response, "Indiquez une année en chiffres, par exemple 2026.")
        self.assertEqual(ProgrammeYear.objects.count(), 1)

    def test_edit_a_year(self):
        self.login("admin")
        response = self.client.post(
            self.url("year_edit", 2026), {"target_fabriques": "4", "declared_territories": ""}
        )
        self.assertRedirects(response, self.url("year_list"))
        self.assertEqual(ProgrammeYear.objects.get(year=2026).target_fabriques, 4)
        event = AuditEvent.objects.get(action="programme_year.updated")
        self.assertEqual(event.data, {"changes": {"target_fabriques": [3, 4]}})
        response = self.client.post(self.url("year_edit", 2026), {"target_fabriques": "-1"})
        self.assertContains(response, "Le nombre visé ne peut pas être négatif.")
        self.assertEqual(ProgrammeYear.objects.get(year=2026).target_fabriques, 4)


class FabriqueListTests(PersonaCase):
    def test_each_person_sees_their_fabriques_with_their_role(self):
        self.login("provider_a")
        response = self.client.get(self.url("fabrique_list"))
        self.assertEqual([r["fabrique"] for r in response.context["rows"]], [self.a])
        self.assertContains(response, "Fabrique A")
        self.assertNotContains(response, "Fabrique B")
        self.assertContains(response, "Prestataire")
        self.assertContains(response, "Année 2026")
        self.assertNotContains(response, "Créer une Fabrique")

    def test_the_admin_sees_every_fabrique_and_may_create_one(self):
        self.login("admin")
        response = self.client.get(self.url("fabrique_list"))
        self.assertEqual(len(response.context["rows"]), 2)
        self.assertContains(response, "Administrateur ANCT")
        self.assertContains(response, self.url("fabrique_create"))

    def test_someone_without_a_role_sees_an_empty_list(self):
        self.login("applicant")
        response = self.client.get(self.url("fabrique_list"))
        self.assertContains(response, "Vous ne participez encore à aucune Fabrique.")

    def test_query_budget(self):
        for n in range(3):
            fabrique = Fabrique.objects.create(
                slug=f"extra-{n}", title=f"Extra {n}", programme_year=self.a.programme_year
            )
            fabrique.themes.add(ThemeFactory.create())
        self.login("admin")
        # 1 session, 2 user, 3 memberships (grants; an admin has no organisation),
        # 4 count, 5 page of Fabriques with their year, 6 their themes.
        with self.assertNumQueries(6):
            response = self.client.get(self.url("fabrique_list"))
        self.assertEqual(len(response.context["rows"]), 5)


class FabriqueCreateTests(PersonaCase):
    def test_create_a_fabrique_at_the_idea_stage(self):
        theme = ThemeFactory.create(name="Santé")
        self.login("admin")
        response = self.client.post(
            self.url("fabrique_create"),
            {
                "title": "Santé des petites villes",
                "programme_year": self.a.programme_year.pk,
                "themes": [theme.pk],
                "summary": "Un résumé.",
                "objective": "**Objectif**",
                "start_month": "2026-09",
                "end_month": "2027-09",
            },
        )
        fabrique = Fabrique.objects.get(title="Santé des petites villes")
        self.assertRedirects(response, self.url("fabrique_detail", "sante-des-petites-villes"))
        self.assertEqual(fabrique.status, FabriqueStatus.IDEA)
        self.assertEqual(fabrique.start_month, datetime.date(2026, 9, 1))
        self.assertEqual(list(fabrique.themes.all()), [theme])
        self.assertIn("sante", fabrique.search_text)
        self.assertEqual(AuditEvent.objects.get(action="fabrique.created").actor, self.cast.admin)

    def test_slug_never_collides_nor_takes_a_reserved_path(self):
        self.login("admin")
        for title in ("Fabrique A", "Annees"):
            self.client.post(
                self.url("fabrique_create"),
                {"title": title, "programme_year": self.a.programme_year.pk},
            )
        self.assertTrue(Fabrique.objects.filter(slug="fabrique-a-2").exists())
        self.assertTrue(Fabrique.objects.filter(slug="annees-2").exists())

    def test_bad_input_is_explained_and_creates_nothing(self):
        self.login("admin")
        response = self.client.post(
            self.url("fabrique_create"),
            {"title": "", "start_month": "2026-13", "end_month": "2025-01"},
        )
        self.assertContains(response, "Indiquez le titre de la Fabrique.")
        self.assertContains(response, "Choisissez l’année du programme.")
        self.assertContains(response, "Indiquez un mois au format AAAA-MM, par exemple 2026-03.")
        self.assertContains(response, "fr-input-group--error")
        self.assertEqual(Fabrique.objects.count(), 2)
        response = self.client.post(
            self.url("fabrique_create"),
            {
                "title": "À l’envers",
                "programme_year": self.a.programme_year.pk,
                "start_month": "2026-09",
                "end_month": "2026-03",
            },
        )
        self.assertContains(response, "Le mois de fin doit suivre le mois de début.")
        self.assertEqual(Fabrique.objects.count(), 2)


class FabriqueDetailTests(PersonaCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a.themes.add(ThemeFactory.create(name="Transition écologique"))
        cls.a.anct_programmes.add(AnctProgrammeFactory.create(name="Petites villes de demain"))
        FabriqueOrganisationFactory.create(
            fabrique=cls.a,
            organisation=OrganisationFactory.create(name="Banque des Territoires"),
            role=Role.COFUNDER,
            amount=Decimal("15000"),
        )
        MilestoneFactory.create(fabrique=cls.a, title="Séminaire à Nantes")

    def test_everything_the_page_shows(self):
        self.login("pilot_a")
        response = self.client.get(self.url("fabrique_detail", "fabrique-a"))
        for text in (
            "Fabrique A",
            "Transition écologique",
            "Petites villes de demain",
            "Association A",  # elected officials' association
            "Prestataire A",
            "Banque des Territoires",
            "Séminaire à Nantes",
            self.cast.participation_a.label,
            "Étape 5 sur 8",
            "fr-stepper",
            "Pilote ANCT",
        ):
            self.assertContains(response, text)
        for url in (
            reverse("cycle:fabrique_transition", args=["fabrique-a"]),
            self.url("fabrique_edit", "fabrique-a"),
            self.url("fabrique_organisations", "fabrique-a"),
            self.url("fabrique_milestones", "fabrique-a"),
            self.url("fabrique_team", "fabrique-a"),
            self.url("fabrique_history", "fabrique-a"),
            reverse("calls:call_edit", args=["fabrique-a"]),
            reverse("calls:application_review_list", args=["fabrique-a"]),
            reverse("deliverables:fabrique_list", args=["fabrique-a"]),
        ):
            self.assertContains(response, f'href="{url}"')
        self.assertContains(response, f"15{NBSP}000,00 €")

    def test_read_only_roles_see_no_amount_nor_action(self):
        self.login("partner_a")
        response = self.client.get(self.url("fabrique_detail", "fabrique-a"))
        self.assertContains(response, "Banque des Territoires")
        self.assertNotContains(response, "000,00")
        self.assertNotContains(response, "€")
        self.assertNotContains(response, self.url("fabrique_edit", "fabrique-a"))
        self.assertNotContains(response, reverse("calls:call_edit", args=["fabrique-a"]))
        self.assertContains(response, reverse("deliverables:fabrique_list", args=["fabrique-a"]))
        self.assertNotContains(response, self.cast.pilot_a.email)
        self.assertContains(response, "Partenaire")

    def test_query_budget(self):
        for _ in range(3):
            ParticipationFactory.create(fabrique=self.a)
            MilestoneFactory.create(fabrique=self.a)
        self.login("pilot_a")
        # 1 session, 2 user, 3 memberships (grants; a pilot has no organisation), 4 the Fabrique
        # with its year, 5 themes, 6 programmes, 7 organisation roles, 8 participations,
        # 9 milestones, 10 the workshops the pilot sees (the calendar source the workshops
        # app registers: one query whatever their number).
        with self.assertNumQueries(10):
            self.client.get(self.url("fabrique_detail", "fabrique-a"))


class FabriqueEditTests(PersonaCase):
    def form_data(self, **overrides):
        theme = ThemeFactory.create(slug="sante", name="Santé")
        data = {
            "title": "Fabrique A",
            "programme_year": self.a.programme_year.pk,
            "themes": [theme.pk],
            "summary": "",
            "objective": "Accompagner des territoires.",
            "start_month": "2026-02",
            "end_month": "2027-02",
        }
        return data | overrides

    def test_edit_the_design(self):
        programme = AnctProgrammeFactory.create(name="Action cœur de ville")
        self.login("pilot_a")
        response = self.client.get(self.url("fabrique_edit", "fabrique-a"))
        self.assertContains(response, 'value="2026-02"')
        response = self.client.post(
            self.url("fabrique_edit", "fabrique-a"),
            self.form_data(summary="Nouveau résumé", anct_programmes=[programme.pk]),
        )
        self.assertRedirects(response, self.url("fabrique_detail", "fabrique-a"))
        self.a.refresh_from_db()
        self.assertEqual(self.a.summary, "Nouveau résumé")
        self.assertEqual(list(self.a.anct_programmes.all()), [programme])
        event = AuditEvent.objects.get(action="fabrique.updated")
        self.assertEqual(event.actor, self.cast.pilot_a)
        self.assertEqual(set(event.data["changes"]), {"summary", "themes", "anct_programmes"})

    def test_a_running_fabrique_keeps_its_theme_objective_and_months(self):
        self.a.themes.add(ThemeFactory.create(slug="sante", name="Santé"))
        self.login("pilot_a")
        response = self.client.post(
            self.url("fabrique_edit", "fabrique-a"),
            self.form_data(themes=[], objective="", start_month=""),
        )
        self.assertContains(
            response, f"Une Fabrique au statut «{NBSP}En cours{NBSP}» doit rester complète :"
        )
        self.assertContains(response, "Choisissez au moins un thème.")
        self.assertContains(response, "Rédigez l’objectif de la Fabrique.")
        self.assertContains(response, "Indiquez le mois de début de la Fabrique.")
        self.a.refresh_from_db()
        self.assertEqual(self.a.objective, "Accompagner des territoires.")
        self.assertEqual(self.a.themes.count(), 1)
        self.assertFalse(AuditEvent.objects.exists())


class OrganisationTests(PersonaCase):
    def test_the_form_says_the_contact_person_is_published(self):
        self.login("pilot_a")
        response = self.client.get(self.url("fabrique_organisations", "fabrique-a"))
        self.assertContains(response, "Ce nom sera publié sur la page publique de la Fabrique")

    def test_add_an_existing_organisation_as_partner(self):
        ministry = OrganisationFactory.create(
            name="Ministère de la Santé", kind=OrganisationKind.MINISTRY
        )
        self.login("pilot_a")
        response = self.client.post(
            self.url("fabrique_organisations", "fabrique-a"),
            {"role": "partner", "organisation": ministry.pk},
        )
        self.assertRedirects(response, self.url("fabrique_organisations", "fabrique-a"))
        self.assertTrue(
            FabriqueOrganisation.objects.filter(
                fabrique=self.a, organisation=ministry, role=Role.PARTNER
            ).exists()
        )
        event = AuditEvent.objects.get(action="fabrique.organisation_added")
        self.assertEqual(
            event.data, {"organisation": ministry.pk, "role": "partner", "amount": None}
        )
        self.assertEqual(event.object_id, str(self.a.pk))

    def test_create_a_cofunder_with_its_amount(self):
        self.login("pilot_a")
        response = self.client.post(
            self.url("fabrique_organisations", "fabrique-a"),
            {
                "role": "cofunder",
                "new_name": "Banque des Territoires",
                "new_acronym": "BdT",
                "new_kind": "operator",
                "amount": "15000,50",
            },
        )
        self.assertRedirects(response, self.url("fabrique_organisations", "fabrique-a"))
        role = FabriqueOrganisation.objects.get(fabrique=self.a, role=Role.COFUNDER)
        self.assertEqual(role.amount, Decimal("15000.50"))
        self.assertEqual(role.organisation.slug, "bdt")
        response = self.client.get(self.url("fabrique_organisations", "fabrique-a"))
        self.assertContains(response, f"15{NBSP}000,50 €")

    def test_cofunding_amounts_typed_the_french_way(self):
        """« 50 000 » with any space a browser or a spreadsheet pastes, as the contract."""
        self.login("pilot_a")
        for n, typed in enumerate(("50 000", "50\u00a0000", "50\u202f000 €", "50000.00")):
            with self.subTest(typed=typed):
                response = self.client.post(
                    self.url("fabrique_organisations", "fabrique-a"),
                    {
                        "role": "cofunder",
                        "new_name": f"Cofinanceur {n}",
                        "new_acronym": f"C{n}",
                        "new_kind": "operator",
                        "amount": typed,
                    },
                )
                self.assertRedirects(response, self.url("fabrique_organisations", "fabrique-a"))
                role = FabriqueOrganisation.objects.get(organisation__name=f"Cofinanceur {n}")
                self.assertEqual(role.amount, Decimal("50000"))
        response = self.client.post(
            self.url("fabrique_organisations", "fabrique-a"),
            {
                "role": "cofunder",
                "new_name": "Cofinanceur ambigu",
                "new_kind": "operator",
                "amount": "50,000.00",
            },
        )
        self.assertContains(response, "mêle virgule et point")
        self.assertFalse(
            FabriqueOrganisation.objects.filter(organisation__name="Cofinanceur ambigu")
        )

    def test_refusals_change_nothing(self):
        other = OrganisationFactory.create(name="Autre prestataire", kind=OrganisationKind.PROVIDER)
        self.login("pilot_a")
        url = self.url("fabrique_organisations", "fabrique-a")
        response = self.client.post(url, {"role": "provider", "organisation": other.pk})
        self.assertContains(
            response,
            "Cette Fabrique a déjà un prestataire : Prestataire A. "
            "Retirez-le avant d’en désigner un autre.",
        )
        response = self.client.post(url, {"role": "partner"})
        self.assertContains(
            response, "Choisissez une organisation, ou indiquez le nom d’une nouvelle."
        )
        response = self.client.post(
            url, {"role": "partner", "organisation": other.pk, "amount": "100"}
        )
        self.assertContains(response, "Seul un cofinanceur a un montant.")
        response = self.client.post(
            url, {"role": "partner", "new_name": "Prestataire A", "new_kind": "provider"}
        )
        self.assertContains(response, "Une organisation s’appelle déjà")
        response = self.client.post(
            url, {"role": "cofunder", "organisation": other.pk, "amount": "-5"}
        )
        self.assertContains(response, "Le montant ne peut pas être négatif.")
        self.assertEqual(FabriqueOrganisation.objects.filter(fabrique=self.a).count(), 2)
        self.assertEqual(Organisation.objects.filter(name="Prestataire A").count(), 1)
        self.assertFalse(AuditEvent.objects.exists())

    def test_remove_a_role_unless_the_status_needs_it(self):
        self.login("pilot_a")
        provider = FabriqueOrganisation.objects.get(fabrique=self.a, role=Role.PROVIDER)
        association = FabriqueOrganisation.objects.get(
            fabrique=self.a, role=Role.ELECTED_ASSOCIATION
        )
        for role, message in (
            (
                provider,
                "Le prestataire d’une Fabrique en cours ou terminée ne peut pas être retiré.",
            ),
            (association, "Une Fabrique conçue garde au moins une association d’élus partenaire"),
        ):
            response = self.client.post(
                self.url("fabrique_organisation_remove", "fabrique-a", role.pk), follow=True
            )
            self.assertContains(response, message)
            self.assertTrue(FabriqueOrganisation.objects.filter(pk=role.pk).exists())
        partner = FabriqueOrganisationFactory.create(fabrique=self.a, role=Role.PARTNER)
        response = self.client.post(
            self.url("fabrique_organisation_remove", "fabrique-a", partner.pk), follow=True
        )
        self.assertContains(response, "n’a plus le rôle")
        self.assertFalse(FabriqueOrganisation.objects.filter(pk=partner.pk).exists())
        event = AuditEvent.objects.get(action="fabrique.organisation_removed")
        self.assertEqual(event.data, {"organisation": partner.organisation_id, "role": "partner"})

    def test_a_role_of_another_fabrique_is_404(self):
        self.login("pilot_a")
        role_b = FabriqueOrganisation.objects.get(fabrique=self.cast.fabrique_b, role=Role.PROVIDER)
        response = self.client.post(
            self.url("fabrique_organisation_remove", "fabrique-a", role_b.pk)
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(FabriqueOrganisation.objects.filter(pk=role_b.pk).exists())


class TeamTests(PersonaCase):
    def test_the_team_lists_everyone_with_their_email(self):
        self.login("pilot_a")
        response = self.client.get(self.url("fabrique_team", "fabrique-a"))
        members = {m.user.username for m in response.context["members"]}
        self.assertEqual(
            members,
            {
                "pilot_a@exemple.fr",
                "partner_a@exemple.fr",
                "provider_a@exemple.fr",
                "elected_a@exemple.fr",
                "technical_a@exemple.fr",
            },
        )
        self.assertContains(response, "provider_a@exemple.fr")
        self.assertNotContains(response, "provider_b@exemple.fr")
        # The invitation form says a role in an organisation holds for this Fabrique only.
        self.assertContains(response, "Le rôle vaut pour cette Fabrique seulement")
        # A pilot may not give the pilot role.
        self.assertNotContains(response, 'value="anct_pilot"')

    def test_invite_a_provider_consultant(self):
        self.login("pilot_a")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url("fabrique_team", "fabrique-a"),
                {
                    "email": "Consultante@Cabinet.fr",
                    "first_name": "Camille",
                    "last_name": "Martin",
                    "role": "provider_consultant",
                    "organisation": self.cast.provider_org_a.pk,
                },
            )
        self.assertRedirects(response, self.url("fabrique_team", "fabrique-a"))
        user = User.objects.get(email="consultante@cabinet.fr")
        self.assertTrue(
            Membership.objects.filter(
                user=user,
                role=MembershipRole.PROVIDER_CONSULTANT,
                organisation=self.cast.provider_org_a,
                fabrique=self.a,
            ).exists()
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["consultante@cabinet.fr"])
        self.assertEqual(
            AuditEvent.objects.get(action="fabrique.team_invited").data["user"], user.pk
        )

    def test_the_role_must_match_the_organisation(self):
        self.login("pilot_a")
        url = self.url("fabrique_team", "fabrique-a")
        response = self.client.post(
            url,
            {
                "email": "x@exemple.fr",
                "role": "provider_consultant",
                "organisation": self.cast.partner_org_a.pk,
            },
        )
        self.assertContains(response, "Association A n’est pas le prestataire de cette Fabrique.")
        response = self.client.post(
            url,
            {
                "email": "x@exemple.fr",
                "role": "partner_member",
                "organisation": self.cast.provider_org_b.pk,
            },
        )
        self.assertContains(response, "Cette organisation n’a pas de rôle dans la Fabrique.")
        response = self.client.post(url, {"email": "x@exemple.fr", "role": "anct_pilot"})
        self.assertContains(response, "Vous ne pouvez pas donner ce rôle.")
        response = self.client.post(url, {"email": "pas-une-adresse", "role": "partner_member"})
        self.assertContains(response, "Indiquez une adresse électronique valide")
        self.assertFalse(User.objects.filter(email="x@exemple.fr").exists())
        self.assertEqual(mail.outbox, [])

    def test_the_admin_appoints_a_pilot(self):
        self.login("admin")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                self.url("fabrique_team", "fabrique-a"),
                {"email": "nouveau.pilote@anct.gouv.fr", "role": "anct_pilot"},
            )
        self.assertTrue(
            Membership.objects.filter(
                user__email="nouveau.pilote@anct.gouv.fr",
                role=MembershipRole.ANCT_PILOT,
                fabrique=self.a,
            ).exists()
        )

    def test_revoke(self):
        self.login("pilot_a")
        consultant = self.cast.provider_a.memberships.get()
        response = self.client.post(
            self.url("fabrique_team_revoke", "fabrique-a", consultant.pk), follow=True
        )
        self.assertContains(response, "n’a plus le rôle")
        self.assertFalse(Membership.objects.filter(pk=consultant.pk).exists())
        self.assertEqual(
            AuditEvent.objects.get(action="fabrique.team_revoked").data,
            {
                "user": self.cast.provider_a.pk,
                "role": "provider_consultant",
                "organisation": self.cast.provider_org_a.pk,
                "organisation_wide": False,
            },
        )
        # The consultant no longer sees the Fabrique.
        self.client.force_login(self.cast.provider_a)
        self.assertEqual(
            self.client.get(self.url("fabrique_detail", "fabrique-a")).status_code, 404
        )


class MilestoneViewTests(PersonaCase):
    def test_generate_then_edit(self):
        self.login("pilot_a")
        url = self.url("fabrique_milestones", "fabrique-a")
        self.assertContains(self.client.get(url), "Générer le calendrier")
        response = self.client.post(
            self.url("fabrique_milestones_generate", "fabrique-a"),
            {"start": "2026-02"},
            follow=True,
        )
        self.assertContains(response, "Le calendrier a été généré : 6 jalons")
        self.assertNotContains(response, "Générer le calendrier type")
        milestones = list(self.a.milestones.order_by("date", "position"))
        self.assertEqual(len(milestones), 6)
        data: dict[str, str | int] = {
            "jalons-TOTAL_FORMS": "7",
            "jalons-INITIAL_FORMS": "6",
            "jalons-MIN_NUM_FORMS": "0",
            "jalons-MAX_NUM_FORMS": "60",
        }
        for i, milestone in enumerate(milestones):
            data |= {
                f"jalons-{i}-id": milestone.pk,
                f"jalons-{i}-date": milestone.date.isoformat(),
                f"jalons-{i}-kind": milestone.kind,
                f"jalons-{i}-title": milestone.title,
                f"jalons-{i}-description": "",
            }
        data["jalons-0-date"] = "2026-02-12"
        data["jalons-0-title"] = "Lancement à Paris"
        data["jalons-5-DELETE"] = "on"
        data |= {
            "jalons-6-date": "2026-04-03",
            "jalons-6-kind": "local_workshop",
            "jalons-6-title": "Atelier à Blois",
        }
        response = self.client.post(url, data)
        self.assertRedirects(response, url)
        titles = list(
            self.a.milestones.order_by("date", "position").values_list("title", flat=True)
        )
        self.assertEqual(titles[0], "Lancement à Paris")
        self.assertIn("Atelier à Blois", titles)
        self.assertNotIn("Séminaire de clôture", titles)
        self.assertEqual(len(titles), 6)
        event = AuditEvent.objects.get(action="fabrique.milestones_updated")
        self.assertEqual(event.data["deleted"], 1)
        self.assertEqual(event.data["created"], 1)

    def test_generating_twice_is_refused(self):
        MilestoneFactory.create(fabrique=self.a)
        self.login("pilot_a")
        response = self.client.post(
            self.url("fabrique_milestones_generate", "fabrique-a"),
            {"start": "2026-02"},
            follow=True,
        )
        self.assertContains(response, "Le calendrier de cette Fabrique contient déjà des jalons")
        self.assertEqual(self.a.milestones.count(), 1)

    def test_bad_rows_are_explained_and_change_nothing(self):
        milestone = MilestoneFactory.create(fabrique=self.a, title="Séminaire")
        other = MilestoneFactory.create(fabrique=self.cast.fabrique_b, title="Séminaire de B")
        self.login("pilot_a")
        url = self.url("fabrique_milestones", "fabrique-a")
        base = {
            "jalons-TOTAL_FORMS": "1",
            "jalons-INITIAL_FORMS": "1",
            "jalons-MIN_NUM_FORMS": "0",
            "jalons-MAX_NUM_FORMS": "60",
            "jalons-0-kind": "seminar",
        }
        response = self.client.post(
            url,
            base
            | {"jalons-0-id": milestone.pk, "jalons-0-date": "31/02/2026", "jalons-0-title": ""},
        )
        self.assertContains(response, "Indiquez une date au format AAAA-MM-JJ.")
        self.assertContains(response, "Indiquez l’intitulé du jalon.")
        # Someone editing the form to point at Fabrique B's milestone.
        response = self.client.post(
            url,
            base
            | {"jalons-0-id": other.pk, "jalons-0-date": "2026-05-01", "jalons-0-title": "Pris"},
        )
        self.assertContains(response, "Un jalon de ce formulaire n’existe plus dans ce calendrier")
        other.refresh_from_db()
        milestone.refresh_from_db()
        self.assertEqual((other.title, milestone.title), ("Séminaire de B", "Séminaire"))
        self.assertFalse(Milestone.objects.filter(title="Pris").exists())


class HistoryTests(PersonaCase):
    def test_diffs_of_the_fabrique_and_its_organisation_roles(self):
        self.login("pilot_a")
        self.client.post(
            self.url("fabrique_edit", "fabrique-a"),
            {
                "title": "Fabrique A renommée",
                "programme_year": self.a.programme_year.pk,
                "themes": [ThemeFactory.create().pk],
                "objective": "Accompagner des territoires.",
                "start_month": "2026-02",
                "end_month": "2027-03",
            },
        )
        cofunder = OrganisationFactory.create(name="Caisse des dépôts")
        self.client.post(
            self.url("fabrique_organisations", "fabrique-a"),
            {"role": "cofunder", "organisation": cofunder.pk, "amount": "2000"},
        )
        response = self.client.get(self.url("fabrique_history", "fabrique-a"))
        self.assertContains(response, "Titre : Fabrique A → Fabrique A renommée")
        self.assertContains(response, "Mois de fin : février 2027 → mars 2027")
        self.assertContains(response, "Caisse des dépôts — Cofinanceur")
        self.assertContains(response, "Création")
        self.assertContains(response, "Caisse des dépôts ajoutée comme")
        history = response.context["history"]
        self.assertEqual(
            [e.action for e in history.events],
            ["fabrique.organisation_added", "fabrique.updated"],
        )
