"""The data the access matrix runs on: the shared personas plus one object of each kind."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from fabriques.accounts.models import Membership, MembershipRole, SignInLink
from fabriques.accounts.services import invitation_create, sign_in_link_create
from fabriques.accounts.tests.factories import MembershipFactory, UserFactory
from fabriques.calls.tests.factories import (
    ApplicationFactory,
    CallCriterionFactory,
    CallFactory,
    pdf_upload,
)
from fabriques.deliverables.models import DeliverableStatus
from fabriques.deliverables.tests.factories import (
    DeliverableFactory,
    DeliverableReviewFactory,
    DeliverableVersionFactory,
)
from fabriques.programme.models import FabriqueOrganisation, FabriqueStatus, Resource, Role
from fabriques.programme.tests.factories import (
    FabriqueFactory,
    FabriqueOrganisationFactory,
    ThemeFactory,
)
from fabriques.programme.tests.personas import Personas, build_personas
from fabriques.territories.tests.factories import EpciFactory, ParticipationFactory, QpvFactory
from fabriques.workinggroups.tests.factories import MemberFactory, WorkingGroupFactory
from fabriques.workshops.models import (
    ActionStatus,
    Attendance,
    MinutesStatus,
    MinutesVisibility,
    OutcomeKind,
)
from fabriques.workshops.services.calendar import calendar_feed_create
from fabriques.workshops.services.planning import document_add
from fabriques.workshops.tests.factories import (
    MinutesFactory,
    OutcomeFactory,
    RegistrationFactory,
    SeminarFactory,
    WorkshopFactory,
    in_days,
)

from .world_results import build_results
from .world_studies import build_studies


class World:
    def __init__(self, personas: Personas, **objects: Any) -> None:
        self.personas = personas
        self.__dict__.update(objects)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["personas"], name)

    def user(self, name: str) -> Any:
        combined = self.__dict__.get("combined", {})
        return combined[name] if name in combined else self.personas.user(name)


def _resource_file(fabrique: Any) -> Resource:
    """A resource published as a file (public:resource_file serves it)."""
    resource = Resource(fabrique=fabrique, title="Synthèse")
    resource.file.save("synthese.pdf", pdf_upload())
    return resource


def build_world() -> World:
    cast = build_personas(status=FabriqueStatus.RUNNING)
    draft = FabriqueFactory(
        slug="fabrique-en-conception",
        programme_year=cast.fabrique_a.programme_year,
        status=FabriqueStatus.DESIGNED,
    )
    call = CallFactory(fabrique=cast.fabrique_a)
    CallCriterionFactory(call=call)
    application = ApplicationFactory(
        call=call, applicant=cast.applicant, submitted=True, deliberation=pdf_upload()
    )
    draft_application = ApplicationFactory(call=call, applicant=cast.applicant)
    deliverable = DeliverableFactory(
        fabrique=cast.fabrique_a,
        participation=cast.participation_a,
        status=DeliverableStatus.SUBMITTED,
    )
    version = DeliverableVersionFactory(deliverable=deliverable, submitted_by=cast.provider_a)
    accepted = DeliverableFactory(fabrique=cast.fabrique_a, status=DeliverableStatus.ACCEPTED)
    DeliverableReviewFactory(
        version=DeliverableVersionFactory(deliverable=accepted), reviewer=cast.pilot_a
    )
    invited = UserFactory.create(username="invitee@exemple.fr", password="!")
    _invitation, token = invitation_create(user=invited)
    sign_in_links = _sign_in_links()
    draft_participation = ParticipationFactory(fabrique=draft)
    # Organisations shared by the two Fabriques: Association B also co-funds A, A's provider
    # also partners B. The roles held in them for one Fabrique must not reach the other.
    FabriqueOrganisationFactory(
        fabrique=cast.fabrique_a, organisation=cast.partner_org_b, role=Role.COFUNDER
    )
    FabriqueOrganisationFactory(
        fabrique=cast.fabrique_b, organisation=cast.provider_org_a, role=Role.PARTNER
    )
    combined = _combined_personas(cast)
    group_a = WorkingGroupFactory(participation=cast.participation_a)
    # A working-group member of territory A with an account and no role (spec.COMBINED).
    member_a = MemberFactory(
        working_group=group_a, email=combined["member_a"].email, user=combined["member_a"]
    )
    left_member_a = MemberFactory(working_group=group_a, left_on=datetime.date(2026, 5, 1))
    # Members of another territory of Fabrique A and of territory B (spec.MEMBERS).
    participation_a2 = ParticipationFactory(fabrique=cast.fabrique_a)
    member_a2 = MemberFactory(
        working_group=WorkingGroupFactory(participation=participation_a2),
        email=combined["member_a2"].email,
        user=combined["member_a2"],
    )
    member_b = MemberFactory(
        working_group=WorkingGroupFactory(participation=cast.participation_b),
        email=combined["member_b"].email,
        user=combined["member_b"],
    )
    workshops = _workshops(cast, member_a=member_a, member_b=member_b, user=combined["member_a"])
    results = build_results(
        cast, participation_a2=participation_a2, member_user_a=combined["member_a"]
    )
    studies = build_studies(cast)
    return World(
        cast,
        **workshops,
        **results,
        **studies,
        draft_participation=draft_participation,
        deliverable=deliverable,
        version=version,
        accepted_deliverable=accepted,
        invitation_token=token,
        **sign_in_links,
        call=call,
        application=application,
        draft_application=draft_application,
        fabrique_draft=draft,
        resource_a=_resource_file(cast.fabrique_a),
        resource_draft=_resource_file(draft),
        epci=EpciFactory(),
        qpv=QpvFactory(),
        partner_role_a=FabriqueOrganisation.objects.get(
            fabrique=cast.fabrique_a, organisation=cast.partner_org_a
        ),
        provider_membership_a=Membership.objects.get(user=cast.provider_a),
        partner_membership_b=Membership.objects.get(user=cast.partner_b),
        wide_membership_b=Membership.objects.get(user=combined["partner_b_wide"]),
        combined=combined,
        theme=ThemeFactory(),
        member_a=member_a,
        left_member_a=left_member_a,
        participation_a2=participation_a2,
        member_a2=member_a2,
        member_b=member_b,
    )


# The check-in code of member_a's registration to the workshop happening now.
CHECK_IN_CODE = "AB2C3D"


def _workshops(cast: Personas, *, member_a: Any, member_b: Any, user: Any) -> dict[str, Any]:
    """The workshops the matrix tries, with what their routes need (spec_workshops.py).

    Territory A: a coming workshop (member_a registered, a document), one happening now
    (member_a registered, not checked in yet), past ones whose minutes are shared for comments
    (member_a attended; an action of theirs), a draft, published to the group, published to
    the whole Fabrique (a seminar), published to everyone. Fabrique A: a coming seminar.
    Territory B: a coming workshop (member_b registered). member_a's calendar address, and an
    address of theirs that was renewed since.
    """
    now = timezone.now()
    local_a = WorkshopFactory(participation=cast.participation_a, title="Atelier local A")
    RegistrationFactory(workshop=local_a, member=member_a)
    document = document_add(
        workshop=local_a,
        actor=cast.provider_a,
        title="Support de l’atelier",
        kind="slides",
        upload=pdf_upload("support.pdf"),
    )
    now_a = WorkshopFactory(
        participation=cast.participation_a,
        title="Atelier en cours A",
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=2),
    )
    registration_now_a = RegistrationFactory(workshop=now_a, member=member_a, code=CHECK_IN_CODE)

    def past(factory: Any = WorkshopFactory, **fields: Any) -> Any:
        if factory is WorkshopFactory:
            fields.setdefault("participation", cast.participation_a)
        workshop = factory(starts_at=in_days(-7), ends_at=in_days(-7, hour=17), **fields)
        RegistrationFactory(
            workshop=workshop, member=member_a, attendance=Attendance.ATTENDED, checked_in_at=now
        )
        return workshop

    shared_a = past(title="Atelier passé A, compte rendu soumis")
    shared_minutes = MinutesFactory(
        workshop=shared_a,
        status=MinutesStatus.SHARED,
        shared_at=now,
        comments_until=now + datetime.timedelta(days=7),
    )
    action = OutcomeFactory(
        minutes=shared_minutes,
        kind=OutcomeKind.ACTION,
        text="Rédiger la note de synthèse.",
        owner_member=member_a,
        due_on=(now + datetime.timedelta(days=30)).date(),
        action_status=ActionStatus.TODO,
    )
    draft_a = past(title="Atelier passé A, compte rendu en brouillon")
    MinutesFactory(workshop=draft_a)
    group_a = past(title="Atelier passé A, compte rendu du groupe")
    fabrique_wide_a = past(SeminarFactory, fabrique=cast.fabrique_a, title="Séminaire passé A")
    public_a = past(title="Atelier passé A, compte rendu public")
    for workshop, visibility in (
        (group_a, MinutesVisibility.GROUP),
        (fabrique_wide_a, MinutesVisibility.FABRIQUE),
        (public_a, MinutesVisibility.PUBLIC),
    ):
        MinutesFactory(
            workshop=workshop,
            status=MinutesStatus.PUBLISHED,
            visibility=visibility,
            published_at=now,
        )
    local_b = WorkshopFactory(participation=cast.participation_b, title="Atelier local B")
    RegistrationFactory(workshop=local_b, member=member_b)
    _feed, renewed_token = calendar_feed_create(user=user)
    _feed, token = calendar_feed_create(user=user)  # revokes the first
    return {
        "local_a": local_a,
        "document": document,
        "seminar_a": SeminarFactory(fabrique=cast.fabrique_a, title="Séminaire A"),
        "now_a": now_a,
        "registration_now_a": registration_now_a,
        "shared_a": shared_a,
        "action": action,
        "draft_minutes_a": draft_a,
        "group_minutes_a": group_a,
        "fabrique_minutes_a": fabrique_wide_a,
        "public_minutes_a": public_a,
        "local_b": local_b,
        "calendar_token": token,
        "renewed_calendar_token": renewed_token,
    }


def _sign_in_links() -> dict[str, str]:
    """A live, an expired and a revoked sign-in link, of a member without any role."""

    def token(url: str) -> str:
        return url.rstrip("/").rsplit("/", 1)[1]

    member = UserFactory.create(username="membre-lien@exemple.fr", password="!")
    revoked = token(sign_in_link_create(user=member))
    live = token(sign_in_link_create(user=member))  # revokes the first
    lapsed = UserFactory.create(username="membre-lien-expire@exemple.fr", password="!")
    expired = token(sign_in_link_create(user=lapsed))
    SignInLink.objects.filter(user=lapsed).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    return {
        "sign_in_link_token": live,
        "expired_sign_in_link_token": expired,
        "revoked_sign_in_link_token": revoked,
    }


def _combined_personas(cast: Personas) -> dict[str, Any]:
    """The people of spec.COMBINED, each with the roles of the two personas they combine."""
    pilot_partner = UserFactory(username="pilot_a+partner_b@exemple.fr")
    MembershipFactory(user=pilot_partner, role=MembershipRole.ANCT_PILOT, fabrique=cast.fabrique_a)
    MembershipFactory(
        user=pilot_partner,
        role=MembershipRole.PARTNER_MEMBER,
        organisation=cast.partner_org_b,
        fabrique=cast.fabrique_b,
    )
    provider_elected = UserFactory(username="provider_a+elected_b@exemple.fr")
    MembershipFactory(
        user=provider_elected,
        role=MembershipRole.PROVIDER_CONSULTANT,
        organisation=cast.provider_org_a,
        fabrique=cast.fabrique_a,
    )
    MembershipFactory(
        user=provider_elected,
        role=MembershipRole.ELECTED_REFERENT,
        participation=cast.participation_b,
    )
    wide = UserFactory(username="partner_b_wide@exemple.fr")
    MembershipFactory(
        user=wide, role=MembershipRole.PARTNER_MEMBER, organisation=cast.partner_org_b
    )
    members = {
        name: UserFactory(username=f"{name}@exemple.fr", email=f"{name}@exemple.fr")
        for name in ("member_a", "member_a2", "member_b")
    }
    return {
        **members,
        "pilot_a+partner_b": pilot_partner,
        "provider_a+elected_b": provider_elected,
        "partner_b_wide": wide,
    }
