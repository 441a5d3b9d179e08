"""The planning pages tried by each persona, and their forms' writes and refusals."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabriques.core.models import AuditEvent, OutgoingEmail
from fabriques.workinggroups.tests.factories import MemberFactory
from fabriques.workshops.models import (
    AgendaItem,
    RegistrationStatus,
    Workshop,
    WorkshopKind,
    WorkshopStatus,
)

from .factories import MinutesFactory, RegistrationFactory, SeminarFactory, WorkshopFactory, in_days

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

PERSONAS = (
    "admin",
    "pilot_a",
    "provider_a",
    "partner_a",
    "elected_a",
    "technical_a",
    "pilot_b",
    "provider_b",
    "partner_b",
    "elected_b",
    "member_a",
    "member_a2",
    "member_b",
    "anonymous",
)
MANAGERS_A = {"admin", "pilot_a", "provider_a", "elected_a", "technical_a"}
FABRIQUE_RUNNERS_A = {"admin", "pilot_a", "provider_a"}
OUTSIDERS = {"pilot_b", "provider_b", "partner_b", "elected_b", "member_b"}


def user_of(world, name):
    if name == "anonymous":
        return None
    if name in world.users:
        return world.users[name]
    return world.cast.user(name)


def client_for(world, name) -> Client:
    client = Client()
    user = user_of(world, name)
    if user is not None:
        client.force_login(user)
    return client


def register(world, workshop, status):
    """A new member of the workshop's territory group (or group A), on its list."""
    group = world.groups["a"]
    return RegistrationFactory(
        workshop=workshop, member=MemberFactory(working_group=group), status=status
    )


def next_year() -> int:
    return timezone.localdate().year + 1


def form_data(**overrides):
    data = {
        "kind": WorkshopKind.LOCAL,
        "title": "Atelier mobilités",
        "participation": "",
        "day": f"{next_year()}-03-02",
        "start_time": "14:00",
        "end_time": "17:00",
        "mode": "in_person",
        "video_url": "",
        "venue": "Salle des fêtes",
        "address": "1 place de la mairie",
        "accessibility": "Accès de plain-pied.",
        "facilitator": "",
        "objectives": "Partager un diagnostic.",
        "deliverable": "",
        "capacity": "",
        "places_per_territory": "",
        "deadline_day": "",
    }
    data.update(overrides)
    return data


# Who gets what: the list of the Fabrique A.
LIST_STATUS = {
    **dict.fromkeys(MANAGERS_A | {"partner_a", "member_a", "member_a2"}, 200),
    **dict.fromkeys(OUTSIDERS, 404),
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_fabrique_list_by_persona(world, persona):
    url = reverse("workshops:fabrique_workshops", args=[world.cast.fabrique_a.slug])
    response = client_for(world, persona).get(url)
    assert response.status_code == LIST_STATUS[persona]
    if response.status_code == 302:
        assert "/connexion" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "sees_local"),
    [
        ("pilot_a", True),
        ("provider_a", True),
        ("elected_a", True),
        ("partner_a", False),
        ("member_a", True),
        ("member_a2", False),
    ],
)
def test_list_shows_what_each_persona_sees(world, persona, sees_local):
    url = reverse("workshops:fabrique_workshops", args=[world.cast.fabrique_a.slug])
    page = client_for(world, persona).get(url).content.decode()
    assert world.seminar_a.title in page
    assert (world.local_a.title in page) is sees_local


def test_list_shows_an_invited_member_the_workshop_of_another_territory(world):
    RegistrationFactory(
        workshop=world.local_a,
        member=world.members["member_a2"],
        status=RegistrationStatus.INVITED,
    )
    url = reverse("workshops:fabrique_workshops", args=[world.cast.fabrique_a.slug])
    page = client_for(world, "member_a2").get(url).content.decode()
    assert world.local_a.title in page


def test_list_filters_by_territory_kind_and_period(world):
    past = WorkshopFactory(
        participation=world.cast.participation_a,
        title="Atelier passé",
        starts_at=in_days(-10),
    )
    client = client_for(world, "pilot_a")
    base = reverse("workshops:fabrique_workshops", args=[world.cast.fabrique_a.slug])
    page = client.get(f"{base}?territoire={world.cast.participation_a.pk}").content.decode()
    assert world.local_a.title in page and past.title in page
    assert world.seminar_a.title not in page
    page = client.get(f"{base}?type=seminar").content.decode()
    assert world.seminar_a.title in page and world.local_a.title not in page
    page = client.get(f"{base}?periode=passees").content.decode()
    assert past.title in page and world.local_a.title not in page
    page = client.get(f"{base}?periode=a-venir&territoire=abc&type=nope").content.decode()
    assert past.title not in page and world.local_a.title in page


def test_list_query_count_does_not_grow_with_workshops(world, django_assert_num_queries):
    client = client_for(world, "elected_a")
    url = reverse("workshops:fabrique_workshops", args=[world.cast.fabrique_a.slug])
    client.get(url)
    # session, user, Fabrique, memberships (grants), working-group memberships (scope),
    # count, page of workshops with their territory, territories (filter and planning
    # rights); the same with 2 or 12 workshops.
    with django_assert_num_queries(8):
        client.get(url)
    for _ in range(10):
        WorkshopFactory(participation=world.cast.participation_a)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("Atelier local n°") == 11


# The workshop page.
LOCAL_DETAIL = {
    **dict.fromkeys(MANAGERS_A | {"member_a"}, 200),
    **dict.fromkeys(OUTSIDERS | {"partner_a", "member_a2"}, 404),
    "anonymous": 302,
}
SEMINAR_DETAIL = {
    **dict.fromkeys(MANAGERS_A | {"partner_a", "member_a", "member_a2"}, 200),
    **dict.fromkeys(OUTSIDERS, 404),
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_by_persona(world, persona):
    for workshop, expected in ((world.local_a, LOCAL_DETAIL), (world.seminar_a, SEMINAR_DETAIL)):
        url = reverse("workshops:workshop_detail", args=[workshop.pk])
        response = client_for(world, persona).get(url)
        assert response.status_code == expected[persona], workshop
        if response.status_code == 200:
            page = response.content.decode()
            manages = persona in (MANAGERS_A if workshop.participation else FABRIQUE_RUNNERS_A)
            edit = reverse("workshops:workshop_edit", args=[workshop.pk])
            assert (edit in page) is manages


def test_detail_says_the_date_in_french(world):
    start = datetime.datetime(next_year(), 3, 2, 14, 0, tzinfo=PARIS)
    workshop = WorkshopFactory(
        participation=world.cast.participation_a,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3, minutes=30),
    )
    page = client_for(world, "pilot_a").get(
        reverse("workshops:workshop_detail", args=[workshop.pk])
    )
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][
        start.weekday()
    ]
    expected = f"{weekday.capitalize()} 2 mars {next_year()}, de 14\u00a0h à 17\u00a0h\u00a030"
    assert expected in page.content.decode()


def test_detail_counts_and_query_count(world, django_assert_num_queries):
    register(world, world.local_a, RegistrationStatus.REGISTERED)
    register(world, world.local_a, RegistrationStatus.WAITING)
    register(world, world.local_a, RegistrationStatus.WAITING)
    AgendaItem.objects.create(workshop=world.local_a, position=1, title="Accueil")
    client = client_for(world, "pilot_a")
    url = reverse("workshops:workshop_detail", args=[world.local_a.pk])
    client.get(url)
    # session, user, workshop (access), memberships (grants), workshop with facilitator and
    # deliverable, agenda, documents, counts (one aggregate).
    with django_assert_num_queries(8):
        response = client.get(url)
    page = response.content.decode()
    assert "1 inscrit(s), 2 en liste d’attente" in page
    assert "Accueil" in page


# Creating.
CREATE_STATUS = {
    **dict.fromkeys(MANAGERS_A, 200),
    **dict.fromkeys({"partner_a", "member_a", "member_a2"}, 403),
    **dict.fromkeys(OUTSIDERS, 404),
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_by_persona(world, persona):
    url = reverse("workshops:workshop_create", args=[world.cast.fabrique_a.slug])
    client = client_for(world, persona)
    assert client.get(url).status_code == CREATE_STATUS[persona]
    before = Workshop.objects.count()
    data = form_data(participation=str(world.cast.participation_a.pk))
    response = client.post(url, data)
    if CREATE_STATUS[persona] == 200:
        assert response.status_code == 302
        workshop = Workshop.objects.get(title="Atelier mobilités")
        assert response["Location"] == reverse("workshops:workshop_detail", args=[workshop.pk])
        assert AuditEvent.objects.filter(action="workshop.created").count() == 1
    else:
        assert response.status_code == CREATE_STATUS[persona]
        assert Workshop.objects.count() == before


def test_create_combines_paris_times_across_daylight_saving(world):
    client = client_for(world, "pilot_a")
    url = reverse("workshops:workshop_create", args=[world.cast.fabrique_a.slug])
    participation = str(world.cast.participation_a.pk)
    client.post(
        url, form_data(title="Hiver", day=f"{next_year()}-01-12", participation=participation)
    )
    client.post(
        url, form_data(title="Été", day=f"{next_year()}-07-06", participation=participation)
    )
    winter, summer = Workshop.objects.get(title="Hiver"), Workshop.objects.get(title="Été")
    assert winter.starts_at.astimezone(datetime.UTC).hour == 13
    assert summer.starts_at.astimezone(datetime.UTC).hour == 12
    assert summer.starts_at.astimezone(PARIS).hour == 14


def test_create_preselects_the_territory_and_offers_only_plannable_ones(world):
    url = reverse("workshops:workshop_create", args=[world.cast.fabrique_a.slug])
    response = client_for(world, "elected_a").get(
        f"{url}?territoire={world.cast.participation_a.pk}"
    )
    field = response.context["form"]["participation"]
    assert field.value() == str(world.cast.participation_a.pk)
    assert f'<option value="{world.cast.participation_a.pk}" selected>' in str(field)
    assert [value for value, _label in field.field.choices] == [str(world.cast.participation_a.pk)]
    response = client_for(world, "pilot_a").get(url)
    choices = [value for value, _label in response.context["form"].fields["participation"].choices]
    assert choices == [
        "",
        str(world.cast.participation_a.pk),
        str(world.participation_a2.pk),
    ]


def test_a_referent_cannot_plan_a_meeting_of_the_whole_fabrique(world):
    url = reverse("workshops:workshop_create", args=[world.cast.fabrique_a.slug])
    response = client_for(world, "elected_a").post(url, form_data(kind="seminar"))
    assert response.status_code == 200
    assert "Seuls le prestataire et l’ANCT prévoient les rencontres" in response.content.decode()
    response = client_for(world, "elected_a").post(
        url, form_data(participation=str(world.participation_a2.pk))
    )
    assert (
        "Vous ne pouvez pas prévoir de rencontre pour ce territoire." in response.content.decode()
    )
    assert not Workshop.objects.filter(title="Atelier mobilités").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"day": "2020-03-02"}, "Cette date est passée"),
        ({"end_time": "13:00"}, "L’heure de fin doit être postérieure à l’heure de début."),
        ({"mode": "video"}, "Indiquez le lien de la visioconférence"),
        (
            {"kind": "seminar", "participation": "TERRITORY"},
            "Un séminaire inter-territoires réunit toute la Fabrique",
        ),
        ({"participation": ""}, "Un atelier local, une visite ou un entretien a lieu"),
        (
            {"participation": "TERRITORY", "places_per_territory": "3"},
            "Les places réservées par territoire ne concernent que",
        ),
        (
            {"participation": "TERRITORY", "deadline_day": "NEXTYEAR-03-02"},
            "La date limite d’inscription doit précéder le début de la rencontre.",
        ),
        ({"title": ""}, "Indiquez le titre de la rencontre."),
        ({"day": "32/13/2027"}, "Indiquez une date valide"),
    ],
)
def test_create_refuses_with_precise_french_messages(world, overrides, message):
    territory = str(world.cast.participation_a.pk)
    values = {
        key: value.replace("TERRITORY", territory).replace("NEXTYEAR", str(next_year()))
        for key, value in overrides.items()
    }
    values.setdefault("participation", territory)
    url = reverse("workshops:workshop_create", args=[world.cast.fabrique_a.slug])
    before = Workshop.objects.count()
    response = client_for(world, "pilot_a").post(url, form_data(**values))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rien n’a été enregistré" in page
    assert message in page.replace("&#x27;", "’").replace("&rsquo;", "’")
    assert Workshop.objects.count() == before


# Editing.
@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_by_persona(world, persona):
    workshop = world.seminar_a
    expected = {
        **dict.fromkeys(FABRIQUE_RUNNERS_A, 200),
        **dict.fromkeys({"elected_a", "technical_a", "partner_a", "member_a", "member_a2"}, 403),
        **dict.fromkeys(OUTSIDERS, 404),
        "anonymous": 302,
    }[persona]
    url = reverse("workshops:workshop_edit", args=[workshop.pk])
    client = client_for(world, persona)
    assert client.get(url).status_code == expected
    start = timezone.localtime(workshop.starts_at)
    data = form_data(
        kind="seminar",
        title="Séminaire renommé",
        day=start.date().isoformat(),
        mode="video",
        video_url="https://webconf.numerique.gouv.fr/seminaire",
    )
    response = client.post(url, data)
    workshop.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert workshop.title == "Séminaire renommé"
        assert workshop.sequence == 1  # the place changed
    else:
        assert response.status_code == expected
        assert workshop.title != "Séminaire renommé"
        assert workshop.sequence == 0


def test_edit_refuses_a_capacity_below_the_registered(world):
    workshop = world.local_a
    for _ in range(3):
        register(world, workshop, RegistrationStatus.REGISTERED)
    register(world, workshop, RegistrationStatus.WAITING)
    client = client_for(world, "elected_a")
    url = reverse("workshops:workshop_edit", args=[workshop.pk])
    data = {**client.get(url).context["form"].initial}
    post = form_data(
        participation=str(workshop.participation_id),
        day=data["day"].isoformat(),
        start_time=data["start_time"].strftime("%H:%M"),
        end_time=data["end_time"].strftime("%H:%M"),
        venue=workshop.venue,
        address=workshop.address,
        title=workshop.title,
        capacity="2",
    )
    response = client.post(url, post)
    assert response.status_code == 200
    assert "3 personnes sont déjà inscrites" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.capacity is None and workshop.venue == "Salle du conseil"
    assert not AuditEvent.objects.filter(action="workshop.updated").exists()
    response = client.post(url, {**post, "capacity": "3"})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.capacity == 3


def test_edit_reopen_shows_the_same_values_and_saving_unchanged_bumps_nothing(world):
    client = client_for(world, "pilot_a")
    create = reverse("workshops:workshop_create", args=[world.cast.fabrique_a.slug])
    data = form_data(
        participation=str(world.cast.participation_a.pk),
        capacity="20",
        deadline_day=f"{next_year()}-02-25",
    )
    client.post(create, data)
    workshop = Workshop.objects.get(title="Atelier mobilités")
    page = client.get(reverse("workshops:workshop_edit", args=[workshop.pk])).content.decode()
    for value in (data["day"], "14:00", "17:00", "20", data["deadline_day"], "Salle des fêtes"):
        assert f'value="{value}"' in page, value
    response = client.post(reverse("workshops:workshop_edit", args=[workshop.pk]), data)
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.sequence == 0
    assert not AuditEvent.objects.filter(action="workshop.updated").exists()


# Cancelling.
@pytest.mark.parametrize("persona", PERSONAS)
def test_cancel_by_persona(world, persona):
    expected = {
        **dict.fromkeys(MANAGERS_A, 200),
        **dict.fromkeys({"member_a"}, 403),
        **dict.fromkeys(OUTSIDERS | {"partner_a", "member_a2"}, 404),
        "anonymous": 302,
    }[persona]
    url = reverse("workshops:workshop_cancel", args=[world.local_a.pk])
    client = client_for(world, persona)
    assert client.get(url).status_code == expected
    response = client.post(url)
    world.local_a.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert world.local_a.status == WorkshopStatus.CANCELLED
        assert world.local_a.sequence == 1
    else:
        assert response.status_code == expected
        assert world.local_a.status == WorkshopStatus.PLANNED


def test_cancel_tells_the_registered_waiting_and_invited_by_email(
    world, django_capture_on_commit_callbacks
):
    workshop = world.local_a
    told = [
        register(world, workshop, status).member.email
        for status in (
            RegistrationStatus.REGISTERED,
            RegistrationStatus.WAITING,
            RegistrationStatus.INVITED,
        )
    ]
    declined = register(world, workshop, RegistrationStatus.DECLINED)
    client = client_for(world, "technical_a")
    with django_capture_on_commit_callbacks():
        client.post(reverse("workshops:workshop_cancel", args=[workshop.pk]))
    email = OutgoingEmail.objects.get()
    assert sorted(email.to) == sorted(address.lower() for address in told)
    assert declined.member.email.lower() not in email.to
    assert workshop.title in email.subject and "annulée" in email.text
    assert "http" not in email.text  # no link, no secret
    event = AuditEvent.objects.get(action="workshop.cancelled")
    assert event.data["notified"] == 3


# The agenda.
def agenda_post(rows, *, initial=0):
    data = {
        "agenda-TOTAL_FORMS": str(len(rows)),
        "agenda-INITIAL_FORMS": str(initial),
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"agenda-{index}-{key}"] = value
    return data


def test_agenda_round_trip_add_remove_reorder(world):
    url = reverse("workshops:agenda_edit", args=[world.local_a.pk])
    client = client_for(world, "provider_a")
    rows = [
        {
            "position": "2",
            "title": "Travail en sous-groupes",
            "duration_minutes": "90",
            "speaker": "",
        },
        {"position": "1", "title": "Accueil", "duration_minutes": "15", "speaker": "La maire"},
        {"position": "3", "title": "Restitution", "duration_minutes": "", "speaker": ""},
        {"position": "", "title": "", "duration_minutes": "", "speaker": ""},
    ]
    assert client.post(url, agenda_post(rows)).status_code == 302
    items = list(AgendaItem.objects.filter(workshop=world.local_a).order_by("position"))
    assert [(i.position, i.title, i.duration_minutes, i.speaker) for i in items] == [
        (1, "Accueil", 15, "La maire"),
        (2, "Travail en sous-groupes", 90, ""),
        (3, "Restitution", None, ""),
    ]
    # Reopen: the formset shows the items in order; saving it unchanged writes nothing.
    response = client.get(url)
    formset = response.context["formset"]
    again = [
        {key: "" if value is None else str(value) for key, value in form.initial.items()}
        for form in formset.forms
        if form.initial
    ]
    assert [row["title"] for row in again] == ["Accueil", "Travail en sous-groupes", "Restitution"]
    assert client.post(url, agenda_post(again, initial=3)).status_code == 302
    assert AuditEvent.objects.filter(action="workshop.agenda_saved").count() == 1
    # Remove the first point, move the last first.
    again[0]["DELETE"] = "on"
    again[2]["position"] = "0"
    assert client.post(url, agenda_post(again, initial=3)).status_code == 302
    titles = list(
        AgendaItem.objects.filter(workshop=world.local_a)
        .order_by("position")
        .values_list("position", "title")
    )
    assert titles == [(1, "Restitution"), (2, "Travail en sous-groupes")]


@pytest.mark.parametrize("persona", ["member_a", "partner_a", "member_b", "anonymous"])
def test_agenda_refused_to_non_managers(world, persona):
    url = reverse("workshops:agenda_edit", args=[world.seminar_a.pk])
    rows = [{"position": "1", "title": "Intrus", "duration_minutes": "", "speaker": ""}]
    response = client_for(world, persona).post(url, agenda_post(rows))
    assert response.status_code in (302, 403, 404)
    assert response.status_code == {"member_a": 403, "partner_a": 403, "member_b": 404}.get(
        persona, 302
    )
    assert not AgendaItem.objects.exists()


def test_agenda_refuses_a_bad_duration(world):
    url = reverse("workshops:agenda_edit", args=[world.local_a.pk])
    rows = [{"position": "1", "title": "Accueil", "duration_minutes": "0", "speaker": ""}]
    response = client_for(world, "pilot_a").post(url, agenda_post(rows))
    assert response.status_code == 200
    assert "Indiquez une durée d’au moins une minute." in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_seminar_factory_is_fabrique_wide(world):
    assert SeminarFactory(fabrique=world.cast.fabrique_a).participation is None


def test_list_puts_coming_workshops_first_then_the_latest_past(world):
    territory = world.cast.participation_a
    old = WorkshopFactory(participation=territory, title="Très ancien", starts_at=in_days(-60))
    recent = WorkshopFactory(participation=territory, title="Récent", starts_at=in_days(-5))
    soon = WorkshopFactory(participation=territory, title="Bientôt", starts_at=in_days(3))
    url = reverse("workshops:fabrique_workshops", args=[world.cast.fabrique_a.slug])
    response = client_for(world, "pilot_a").get(f"{url}?territoire={territory.pk}")
    titles = [workshop.title for workshop, _when in response.context["rows"]]
    assert titles == [soon.title, world.local_a.title, recent.title, old.title]


def test_the_workshop_page_leads_its_facilitator_to_every_step(world):
    pk = world.local_a.pk
    body = client_for(world, "provider_a").get(reverse("workshops:workshop_detail", args=[pk]))
    text = body.content.decode()
    for name in ("invite", "registrations", "check_in", "minutes_edit"):
        assert reverse(f"workshops:{name}", args=[pk]) in text, name
    MinutesFactory(workshop=world.local_a)
    again = client_for(world, "provider_a").get(reverse("workshops:workshop_detail", args=[pk]))
    assert reverse("workshops:minutes", args=[pk]) in again.content.decode()
    # A member of the group sees the workshop, not its running.
    member = client_for(world, "member_a").get(reverse("workshops:workshop_detail", args=[pk]))
    assert reverse("workshops:invite", args=[pk]) not in member.content.decode()


def test_cancelling_a_cancelled_workshop_changes_nothing(world):
    client = client_for(world, "pilot_a")
    url = reverse("workshops:workshop_cancel", args=[world.local_a.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "Cette rencontre est déjà annulée." in response.content.decode()
    world.local_a.refresh_from_db()
    assert world.local_a.sequence == 1
    assert AuditEvent.objects.filter(action="workshop.cancelled").count() == 1
    assert (
        "Annulée"
        in client.get(
            reverse("workshops:workshop_detail", args=[world.local_a.pk])
        ).content.decode()
    )


def test_the_fabriques_calendar_shows_the_workshops_each_person_sees(
    world, django_assert_max_num_queries
):
    """The workspace's Fabrique page lists milestones and workshops together, by date."""
    from fabriques.programme.tests.factories import MilestoneFactory

    MilestoneFactory(fabrique=world.cast.fabrique_a, title="Jalon de lancement")
    other = WorkshopFactory(participation=world.participation_a2, title="Atelier de l’autre")
    page = reverse("programme:fabrique_detail", args=[world.cast.fabrique_a.slug])
    pilot = client_for(world, "pilot_a").get(page).content.decode()
    for title in ("Jalon de lancement", world.local_a.title, world.seminar_a.title, other.title):
        assert title in pilot, title
    assert reverse("workshops:workshop_detail", args=[world.local_a.pk]) in pilot
    # A referent of territory A: their territory's workshop and the seminar, not A2's.
    referent = client_for(world, "elected_a").get(page).content.decode()
    assert world.local_a.title in referent and world.seminar_a.title in referent
    assert other.title not in referent
    for _ in range(5):
        WorkshopFactory(participation=world.cast.participation_a)
    client = client_for(world, "pilot_a")
    client.get(page)
    with django_assert_max_num_queries(10):
        client.get(page)
