"""The back office: ANCT staff edit the programme in the French Django admin."""

import pytest
from django.urls import reverse

from fabriques.accounts.models import Membership, MembershipRole, User
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.core.models import AuditEvent
from fabriques.programme.models import Fabrique, Organisation
from fabriques.territories.tests.factories import ParticipationFactory

from .factories import FabriqueFactory, FabriqueOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:programme_programmeyear_changelist",
    "admin:programme_fabrique_changelist",
    "admin:programme_organisation_changelist",
    "admin:programme_theme_changelist",
    "admin:programme_anctprogramme_changelist",
    "admin:territories_participation_changelist",
    "admin:territories_commune_changelist",
    "admin:territories_epci_changelist",
    "admin:territories_qpv_changelist",
    "admin:territories_departement_changelist",
    "admin:territories_region_changelist",
    "admin:core_auditevent_changelist",
]


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("agent", "agent@anct.gouv.fr", "motdepasse-solide-42")
    client.force_login(user)
    return user


@pytest.fixture
def data():
    fabrique = FabriqueFactory.create(title="Santé des petites villes")
    ParticipationFactory.create(fabrique=fabrique)
    FabriqueOrganisationFactory.create(fabrique=fabrique)
    return fabrique


@pytest.mark.parametrize("name", CHANGELISTS)
def test_staff_sees_every_changelist_in_french(client, staff, data, name):
    response = client.get(reverse(name), {"q": "sante"})
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.parametrize("name", CHANGELISTS)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_non_staff_user_cannot_enter(client):
    user = User.objects.create_user("citoyen", password="motdepasse-solide-42")
    client.force_login(user)
    response = client.get(reverse("admin:programme_fabrique_changelist"))
    assert response.status_code == 302


def test_fabrique_change_page_and_edit_refreshes_search(client, staff, data):
    url = reverse("admin:programme_fabrique_change", args=[data.pk])
    assert client.get(url).status_code == 200
    organisation = OrganisationFactory.create(name="Régions de France")
    form = {
        "title": "Santé des petites villes",
        "title_note": "",
        "slug": data.slug,
        "programme_year": data.programme_year_id,
        "status": data.status,
        "summary": "",
        "objective": data.objective,
        "start_month": "2021-02-01",
        "end_month": "2022-03-01",
        "cofinancing": "",
        "source": "",
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
    }
    # Keep the existing rows in the inline formsets and add one partner.
    existing_roles = list(data.roles.all())
    existing_parts = list(data.participations.all())
    form["roles-TOTAL_FORMS"] = str(len(existing_roles) + 1)
    form["roles-INITIAL_FORMS"] = str(len(existing_roles))
    for i, role in enumerate(existing_roles):
        form |= {
            f"roles-{i}-id": role.pk,
            f"roles-{i}-fabrique": data.pk,
            f"roles-{i}-organisation": role.organisation_id,
            f"roles-{i}-role": role.role,
            f"roles-{i}-contact_name": "",
            f"roles-{i}-position": "0",
        }
    n = len(existing_roles)
    form |= {
        f"roles-{n}-organisation": organisation.pk,
        f"roles-{n}-role": "partner",
        f"roles-{n}-contact_name": "",
        f"roles-{n}-position": "1",
    }
    form["participations-TOTAL_FORMS"] = str(len(existing_parts))
    form["participations-INITIAL_FORMS"] = str(len(existing_parts))
    for i, p in enumerate(existing_parts):
        form |= {
            f"participations-{i}-id": p.pk,
            f"participations-{i}-fabrique": data.pk,
            f"participations-{i}-label": p.label,
            f"participations-{i}-kind": p.kind,
            f"participations-{i}-commune": p.commune_id,
            f"participations-{i}-epci": "",
            f"participations-{i}-qpv": "",
            f"participations-{i}-position": "0",
        }
    response = client.post(url, form)
    assert response.status_code == 302, [
        (f.prefix, f.errors, f.non_form_errors())
        for f in response.context["inline_admin_formsets"]
        and [i.formset for i in response.context["inline_admin_formsets"]]
    ] + [response.context["adminform"].form.errors]
    data.refresh_from_db()
    assert "regions de france" in data.search_text
    # django-simple-history keeps who changed what.
    assert data.history.first().history_user == staff
    assert Organisation.objects.get(pk=organisation.pk).roles.count() == 1
    assert Fabrique.history.filter(id=data.pk).count() >= 2


# Roles held on a Fabrique, in the accounts admin.
def test_memberships_list_filter_and_search(client, staff):
    fabrique = FabriqueFactory.create(title="Fabrique des mobilités")
    MembershipFactory.create(
        user=UserFactory.create(username="pilote@anct.gouv.fr"),
        role=MembershipRole.ANCT_PILOT,
        fabrique=fabrique,
    )
    MembershipFactory.create(
        user=UserFactory.create(username="admin@anct.gouv.fr"), role=MembershipRole.ANCT_ADMIN
    )
    url = reverse("admin:accounts_membership_changelist")

    assert "pilote@anct.gouv.fr" in client.get(url).content.decode()
    filtered = client.get(url, {"role__exact": "anct_admin"}).content.decode()
    assert "admin@anct.gouv.fr" in filtered and "pilote@anct.gouv.fr" not in filtered
    searched = client.get(url, {"q": "mobilités"}).content.decode()
    assert "pilote@anct.gouv.fr" in searched and "admin@anct.gouv.fr" not in searched


def test_granting_and_revoking_in_the_admin_is_audited_with_history(client, staff):
    user = UserFactory.create(username="pilote@anct.gouv.fr")
    fabrique = FabriqueFactory.create()

    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": user.pk,
            "role": MembershipRole.ANCT_PILOT,
            "fabrique": fabrique.pk,
            "mandate": "",
        },
    )

    assert response.status_code == 302, response.content.decode()
    membership = Membership.objects.get(user=user)
    assert membership.granted_by == staff
    assert AuditEvent.objects.get(action="membership.granted").actor == staff
    history = client.get(reverse("admin:accounts_membership_history", args=[membership.pk]))
    assert history.status_code == 200

    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})

    assert not Membership.objects.exists()
    assert AuditEvent.objects.get(action="membership.revoked").actor == staff
