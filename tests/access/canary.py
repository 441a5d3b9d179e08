"""The canary world: the personas' two Fabriques, with a unique string in every private field.

Each canary is `canary-<kind>-<owner>-<8 hex>` (lower case, so that an e-mail field, a case
filter or an HTML escape leaves it findable) and says who may read it on a page
(`seen_by`), whose personal-data export may hold it (`exportable_by`) and whose export must
hold it (`exported_to`). The audiences are few and named:

    managers(x)   admin and pilot_x: applications, scores, internal notes, history, contract notes
    team(x)       everyone with a role on Fabrique x, and admin: accepted deliverables,
                  milestones, the contract's reference
    followers(x)  team(x) but partner_x: a deliverable of a territory that is not accepted yet
    the applicant's own: applicant with managers(x); a draft, the applicant alone

The working groups' members (no persona but the applicant, a member of each side's group) are
followers(x)' to read: on the group's pages and on the workshops' (registrations, presences, a
walk-in, minutes shared with their attendees, an action and its owner, a comment), never on
public minutes, where a member who did not agree to be named is only counted.

Link tokens (invitation, password reset) are canaries that nobody reads on a page. Everything
of Fabrique B is therefore out of reach of the `*_a` personas, and the other way round.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts.models import Membership, MembershipRole
from fabriques.accounts.services import user_invite_with_link
from fabriques.accounts.tests.factories import UserFactory
from fabriques.calls.models import ApplicationScore, ApplicationStatus
from fabriques.calls.tests.factories import (
    ApplicationFactory,
    CallCriterionFactory,
    CallFactory,
    pdf_upload,
)
from fabriques.core.models import OutgoingEmail
from fabriques.core.services import audit_event_create
from fabriques.deliverables.models import DeliverableStatus, ReviewDecision
from fabriques.deliverables.tests.factories import (
    ContractFactory,
    DeliverableFactory,
    DeliverableReviewFactory,
    DeliverableVersionFactory,
)
from fabriques.opendata.datasets import DATASETS
from fabriques.programme.models import FabriqueStatus, Milestone, MilestoneKind, Resource
from fabriques.programme.services import fabrique_team_invite
from fabriques.programme.tests.personas import ROLE_NAMES, Personas, build_personas
from fabriques.territories.tests.factories import EpciFactory, QpvFactory
from fabriques.workinggroups.services import member_add, member_leave
from fabriques.workshops.models import (
    ActionStatus,
    Attendance,
    MinutesComment,
    MinutesStatus,
    MinutesVisibility,
    OutcomeKind,
    RegistrationStatus,
)
from fabriques.workshops.services.attendance import walk_in_newcomer_add
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

from .canary_results import RESULT_KWARGS, plant_results
from .canary_studies import STUDY_KWARGS, plant_studies
from .routes import Route, all_routes

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SIDES = ("a", "b")
ACCOUNTS = tuple(name for name in ROLE_NAMES if name != "anonymous")
NOBODY: frozenset[str] = frozenset()


def managers(side: str) -> frozenset[str]:
    return frozenset({"admin", f"pilot_{side}"})


def team(side: str) -> frozenset[str]:
    members = {f"partner_{side}", f"provider_{side}", f"elected_{side}"}
    if side == "a":
        members.add("technical_a")
    return managers(side) | members


def followers(side: str) -> frozenset[str]:
    return team(side) - {f"partner_{side}"}


@dataclass(frozen=True)
class Canary:
    value: str
    label: str
    seen_by: frozenset[str]
    exportable_by: frozenset[str] = NOBODY
    exported_to: frozenset[str] = NOBODY


@dataclass
class CanaryWorld:
    personas: Personas
    canaries: list[Canary] = field(default_factory=list)
    # Objects whose pages are walked, by kind, for both Fabriques.
    applications: list[Any] = field(default_factory=list)
    deliverables: list[Any] = field(default_factory=list)
    versions: list[Any] = field(default_factory=list)
    organisation_roles: list[Any] = field(default_factory=list)
    memberships: list[Any] = field(default_factory=list)
    members: list[Any] = field(default_factory=list)
    communes: list[Any] = field(default_factory=list)
    workshops: list[Any] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)
    resources: list[Any] = field(default_factory=list)
    # Per side: the roadmaps', sheets' and recommendations' objects (canary_results.py).
    results: list[dict[str, Any]] = field(default_factory=list)
    # Per side: a territory's study and the Fabrique's collective study (canary_studies.py).
    studies: list[Any] = field(default_factory=list)
    # Secret calendar addresses (of each side's elected referent): only their hash is stored,
    # and no e-mail carries them, so they are not among `tokens`.
    calendar_tokens: dict[str, str] = field(default_factory=dict)
    epci: Any = None
    qpv: Any = None
    # The secrets of the links e-mailed during the build, and the texts only e-mails carry.
    tokens: dict[str, str] = field(default_factory=dict)
    # Whose address was typed into someone else's application: {persona: application}.
    named_in: dict[str, Any] = field(default_factory=dict)

    def plant(
        self,
        kind: str,
        owner: str,
        seen_by: Iterable[str],
        *,
        exportable_by: Iterable[str] = (),
        exported_to: Iterable[str] = (),
        short: bool = False,
    ) -> str:
        # A short one fits the narrow fields (a phone number: 30 characters, which PostgreSQL
        # enforces and SQLite does not); the label still says what and whose it is.
        secret = uuid.uuid4().hex[:8]
        value = f"canary-{secret}" if short else f"canary-{kind}-{owner}-{secret}"
        exported = frozenset(exported_to)
        self.canaries.append(
            Canary(
                value=value,
                label=f"{kind} ({owner})",
                seen_by=frozenset(seen_by),
                exportable_by=frozenset(exportable_by) | exported,
                exported_to=exported,
            )
        )
        return value

    def email(self, kind: str, owner: str, seen_by: Iterable[str]) -> str:
        return f"{self.plant(kind, owner, seen_by)}@exemple.fr"

    def user(self, name: str) -> Any:
        return self.personas.user(name)

    def fabrique(self, side: str) -> Any:
        return getattr(self.personas, f"fabrique_{side}")

    def secrets(self) -> list[str]:
        """Every canary and every link token."""
        return [c.value for c in self.canaries] + list(self.tokens.values())

    def found_in(self, text: str) -> list[Canary]:
        text = text.lower()
        return [canary for canary in self.canaries if canary.value in text]


def build_canary_world() -> CanaryWorld:
    """The personas' world with canaries planted on both sides; e-mails go to the task table.

    Call from `setUpTestData`: the e-mails' sending is enqueued (commit callbacks run) in the
    database task backend, and left there for the worker.
    """
    with (
        override_settings(TASKS=DATABASE_TASKS),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        world = CanaryWorld(personas=build_personas(status=FabriqueStatus.RUNNING))
        for side in SIDES:
            _plant_applications(world, side)
            _plant_deliverables(world, side)
            _plant_fabrique(world, side)
            _plant_emails(world, side)
            current, applicant_member = _plant_working_group(world, side)
            _plant_workshops(world, side, current, applicant_member)
            plant_results(world, side, team(side))
            plant_studies(world, side, team(side))
        world.epci, world.qpv = EpciFactory(), QpvFactory()
        _reset_passwords(world, ["pilot_b", "applicant"])
    return world


def _plant_applications(world: CanaryWorld, side: str) -> None:
    fabrique = world.fabrique(side)
    call = CallFactory(fabrique=fabrique)
    criterion: Any = CallCriterionFactory(call=call)
    other_side = "b" if side == "a" else "a"

    def fields(
        prefix: str,
        owner: str,
        seen_by: frozenset[str],
        exported_to: Iterable[str],
        technical_email: str | None = None,
    ) -> dict[str, Any]:
        def plant(kind: str, *, short: bool = False) -> str:
            return world.plant(
                f"{prefix}{kind}-{side}", owner, seen_by, exported_to=exported_to, short=short
            )

        return {
            "elected_name": plant("elected-name"),
            "elected_mandate": plant("elected-mandate"),
            "elected_email": f"{plant('elected-email')}@exemple.fr",
            "technical_name": plant("technical-name"),
            "technical_role": plant("technical-role"),
            "technical_email": technical_email or f"{plant('technical-email')}@exemple.fr",
            "technical_phone": plant("phone", short=True),
            "motivation": plant("motivation"),
            "working_group_intent": plant("working-group"),
        }

    applicant = world.user("applicant")
    own = managers(side) | {"applicant"}
    # The applicant's submitted application: theirs and the Fabrique's managers'.
    submitted = ApplicationFactory(
        call=call,
        applicant=applicant,
        submitted=True,
        decision_note=world.plant(f"decision-note-{side}", "applicant", own),
        # Internal to ANCT: not even the applicant reads it.
        pilot_comment=world.plant(f"pilot-comment-{side}", f"pilot_{side}", managers(side)),
        **fields("", "applicant", own, exported_to=["applicant"]),
    )
    # A draft is its author's alone until submitted.
    draft = ApplicationFactory(
        call=call,
        applicant=applicant,
        **fields("draft-", "applicant", frozenset({"applicant"}), ["applicant"]),
    )
    # Someone without a persona typed the other side's elected referent's address as
    # technical referent: that persona learns they were named, and nothing that was typed.
    stranger = UserFactory(username=f"candidate-{side}@commune.fr")
    named: Any = ApplicationFactory(
        call=call,
        applicant=stranger,
        submitted=True,
        **fields(
            "named-",
            f"candidate-{side}",
            managers(side),
            exported_to=[],
            technical_email=world.user(f"elected_{other_side}").email,
        ),
    )
    world.named_in[f"elected_{other_side}"] = named
    # A pilot's score and its comment: the managers', and in the pilot's own export.
    ApplicationScore.objects.create(
        application=named,
        criterion=criterion,
        score=3,
        comment=world.plant(
            f"score-comment-{side}", f"pilot_{side}", managers(side), exported_to=[f"pilot_{side}"]
        ),
        scored_by=world.user(f"pilot_{side}"),
        scored_at=timezone.now(),
    )
    world.applications += [submitted, draft, named]
    participation = getattr(world.personas, f"participation_{side}")
    world.communes += [c for c in (participation.commune, submitted.commune, named.commune) if c]
    assert draft.status == ApplicationStatus.DRAFT


def _plant_deliverables(world: CanaryWorld, side: str) -> None:
    fabrique = world.fabrique(side)
    pilot, provider = world.user(f"pilot_{side}"), world.user(f"provider_{side}")
    audience = followers(side)
    # A deliverable for the Fabrique's territory, handed in twice: v1 sent back, v2 waiting.
    deliverable = DeliverableFactory(
        fabrique=fabrique,
        participation=getattr(world.personas, f"participation_{side}"),
        status=DeliverableStatus.SUBMITTED,
        # Named in the rows of the versions handed in and reviewed (their authors' exports).
        title=world.plant(
            f"deliverable-title-{side}",
            "contract",
            audience,
            exportable_by=[f"pilot_{side}", f"provider_{side}"],
        ),
        description=world.plant(f"deliverable-description-{side}", "contract", audience),
    )
    first = DeliverableVersionFactory(
        deliverable=deliverable,
        number=1,
        submitted_by=provider,
        note=world.plant(
            f"version-note-{side}", f"provider_{side}", audience, exported_to=[f"provider_{side}"]
        ),
    )
    DeliverableReviewFactory(
        version=first,
        reviewer=pilot,
        decision=ReviewDecision.CHANGES_REQUESTED,
        comment=world.plant(
            f"review-comment-{side}", f"pilot_{side}", audience, exported_to=[f"pilot_{side}"]
        ),
    )
    second = DeliverableVersionFactory(
        deliverable=deliverable,
        number=2,
        submitted_by=provider,
        note=world.plant(
            f"version-note-2-{side}", f"provider_{side}", audience, exported_to=[f"provider_{side}"]
        ),
    )
    # A deliverable for the whole Fabrique, accepted: the whole team reads it.
    everyone = team(side)
    accepted = DeliverableFactory(
        fabrique=fabrique,
        status=DeliverableStatus.ACCEPTED,
        description=world.plant(f"accepted-description-{side}", "contract", everyone),
    )
    accepted_version = DeliverableVersionFactory(
        deliverable=accepted,
        number=1,
        submitted_by=provider,
        note=world.plant(
            f"accepted-note-{side}", f"provider_{side}", everyone, exported_to=[f"provider_{side}"]
        ),
    )
    DeliverableReviewFactory(
        version=accepted_version,
        reviewer=pilot,
        decision=ReviewDecision.ACCEPTED,
        comment=world.plant(
            f"accepted-comment-{side}", f"pilot_{side}", everyone, exported_to=[f"pilot_{side}"]
        ),
    )
    ContractFactory(
        fabrique=fabrique,
        provider=getattr(world.personas, f"provider_org_{side}"),
        reference=world.plant(f"contract-reference-{side}", "contract", everyone),
        notes=world.plant(f"contract-notes-{side}", "contract", managers(side)),
    )
    world.deliverables += [deliverable, accepted]
    world.versions += [first, second, accepted_version]


def _plant_fabrique(world: CanaryWorld, side: str) -> None:
    fabrique = world.fabrique(side)
    pilot = world.user(f"pilot_{side}")
    Milestone.objects.create(
        fabrique=fabrique,
        kind=MilestoneKind.OTHER,
        title=world.plant(f"milestone-title-{side}", "team", team(side)),
        description=world.plant(f"milestone-description-{side}", "team", team(side)),
        date=datetime.date(2026, 3, 1),
    )
    # The elected referent's mandate: their own, and what the managers know of their team.
    elected = f"elected_{side}"
    membership = Membership.objects.get(user=world.user(elected))
    membership.mandate = world.plant(
        f"mandate-{side}", elected, managers(side) | {elected}, exported_to=[elected]
    )
    membership.save()
    world.memberships.append(membership)
    world.organisation_roles += list(fabrique.roles.all())
    # A resource the Fabrique publishes as a file (public: no canary in it).
    resource = Resource(fabrique=fabrique, title=f"Synthèse {side}")
    resource.file.save(f"synthese-{side}.pdf", ContentFile(b"%PDF-1.4 synthese"))
    world.resources.append(resource)
    # A private action of the Fabrique's pilot in its audit trail: a step back in the
    # lifecycle and its reason, as cycle.services.fabrique_transition records it (done by
    # hand: a real step back would need a cohort the personas' Fabriques do not have).
    reason = world.plant(
        f"transition-reason-{side}", f"pilot_{side}", managers(side), exported_to=[f"pilot_{side}"]
    )
    audit_event_create(
        action="fabrique.transition",
        obj=fabrique,
        actor=pilot,
        summary=f"Statut changé de « Clôture » à « En cours » : {reason}",
        data={"from": "closing", "to": "running", "reason": reason},
    )
    # The pilot invites a new partner member into the team (real service: membership, audit
    # events, invitation e-mail). The name the pilot typed is the invitee's, not the pilot's.
    fabrique_team_invite(
        fabrique=fabrique,
        actor=pilot,
        email=f"team-invitee-{side}@exemple.fr",
        role=MembershipRole.PARTNER_MEMBER,
        organisation=getattr(world.personas, f"partner_org_{side}"),
        first_name=world.plant(
            f"invitee-name-{side}",
            "invitee",
            managers(side),
        ),
        last_name="Invitée",
    )


def _plant_working_group(world: CanaryWorld, side: str) -> tuple[Any, Any]:
    """Members of the territory's group: their data is read by those who run the group only.

    One of them is the applicant persona (by address): their own export holds their row.
    """
    participation = getattr(world.personas, f"participation_{side}")
    audience = followers(side)
    actor = world.user(f"elected_{side}")

    def member(prefix: str, email: str | None = None, exported_to: Iterable[str] = ()) -> Any:
        def plant(kind: str, *, short: bool = False) -> str:
            return world.plant(
                f"{prefix}-{kind}-{side}", "member", audience, exported_to=exported_to, short=short
            )

        return member_add(
            participation=participation,
            actor=actor,
            data={
                "first_name": plant("first-name"),
                "last_name": plant("last-name"),
                "email": email or f"{plant('email')}@exemple.fr",
                "phone": plant("phone", short=True),
                "organisation_name": plant("organisation"),
                "family": "inhabitant",
                "family_detail": plant("family-detail"),
                "joined_on": datetime.date(2026, 3, 1),
            },
        )

    current = member("member")
    left = member("left-member")
    member_leave(member=left, actor=actor, left_on=datetime.date(2026, 5, 1))
    applicant = member(
        "applicant-member", email=world.user("applicant").email, exported_to=["applicant"]
    )
    world.members += [current, left, applicant]
    return current, applicant


def _plant_workshops(world: CanaryWorld, side: str, current: Any, applicant_member: Any) -> None:
    """The group's members in the workshops' tables: registrations, presences, a walk-in,
    minutes, an action, a comment, public minutes.

    `current` (a planted member without an account) is registered to a coming workshop,
    attended a past one, whose minutes are shared for comments (their text, an action they
    own and their comment: read by the people who run the workshop and its attendees), and a
    seminar of the whole Fabrique whose minutes are public, without having agreed to be named
    there. A newcomer came without registering. The applicant persona, a member of the group
    (`applicant_member`), is registered to the coming workshop: their own space shows it.

    Not planted: published minutes of a local workshop with names in them, which the group's
    members (the applicant among them) read by design along with who came.
    """
    participation = getattr(world.personas, f"participation_{side}")
    fabrique = world.fabrique(side)
    audience = followers(side)
    elected = world.user(f"elected_{side}")
    now = timezone.now()
    coming = WorkshopFactory(participation=participation, title=f"Atelier à venir {side}")
    RegistrationFactory(workshop=coming, member=current)
    RegistrationFactory(
        workshop=coming, member=applicant_member, status=RegistrationStatus.REGISTERED
    )
    document = document_add(
        workshop=coming,
        actor=world.user(f"provider_{side}"),
        title="Support de l’atelier",
        kind="slides",
        upload=pdf_upload("support.pdf"),
    )
    past = WorkshopFactory(
        participation=participation,
        title=f"Atelier passé {side}",
        starts_at=in_days(-7),
        ends_at=in_days(-7, hour=17),
    )
    RegistrationFactory(
        workshop=past, member=current, attendance=Attendance.ATTENDED, checked_in_at=now
    )

    def plant(kind: str) -> str:
        return world.plant(f"{kind}-{side}", "member", audience)

    walk_in_newcomer_add(
        workshop=past,
        participation=participation,
        data={
            "first_name": plant("walk-in-first-name"),
            "last_name": plant("walk-in-last-name"),
            "email": f"{plant('walk-in-email')}@exemple.fr",
            "organisation_name": plant("walk-in-organisation"),
            "family": "inhabitant",
        },
        actor=elected,
    )
    minutes = MinutesFactory(
        workshop=past,
        status=MinutesStatus.SHARED,
        shared_at=now,
        comments_until=now + datetime.timedelta(days=7),
        body=world.plant(f"minutes-body-{side}", "group", audience),
    )
    action = OutcomeFactory(
        minutes=minutes,
        kind=OutcomeKind.ACTION,
        text=world.plant(f"action-text-{side}", "group", audience),
        owner_member=current,
        due_on=(now + datetime.timedelta(days=30)).date(),
        action_status=ActionStatus.TODO,
    )
    MinutesComment.objects.create(
        minutes=minutes, outcome=action, author_member=current, text=plant("minutes-comment")
    )
    # Public minutes of a seminar `current` attended, not named in public (the default).
    assert not current.public_name_opt_in
    seminar = SeminarFactory(
        fabrique=fabrique,
        title=f"Séminaire passé {side}",
        starts_at=in_days(-14),
        ends_at=in_days(-14, hour=17),
    )
    RegistrationFactory(
        workshop=seminar, member=current, attendance=Attendance.ATTENDED, checked_in_at=now
    )
    public = MinutesFactory(
        workshop=seminar,
        status=MinutesStatus.PUBLISHED,
        visibility=MinutesVisibility.PUBLIC,
        published_at=now,
    )
    public_action = OutcomeFactory(
        minutes=public,
        kind=OutcomeKind.ACTION,
        text="Partager la carte des mobilités.",
        owner_member=current,
        due_on=(now + datetime.timedelta(days=30)).date(),
        action_status=ActionStatus.TODO,
    )
    _feed, token = calendar_feed_create(user=elected)
    world.calendar_tokens[side] = token
    world.workshops += [coming, past, seminar]
    world.documents.append(document)
    world.actions += [action, public_action]


def _plant_emails(world: CanaryWorld, side: str) -> None:
    """An invitation whose reason only the e-mail carries; its link is a secret."""
    _user, link = user_invite_with_link(
        email=f"mail-invitee-{side}@exemple.fr",
        invited_by=world.user("admin"),
        role=MembershipRole.ANCT_PILOT,
        fabrique=world.fabrique(side),
        reason=world.plant(f"invitation-reason-{side}", "invitee", NOBODY),
    )
    assert link is not None
    world.tokens[f"invitation-{side}"] = link.rstrip("/").rsplit("/", 1)[1]


RESET_LINK = re.compile(r"/compte/mot-de-passe/([\w-]+)/([\w-]+)/")


def _reset_passwords(world: CanaryWorld, names: list[str]) -> None:
    """Through the real view, as anybody could; the token is read from the queued e-mail."""
    # Nothing is sent while the world is built: the messages wait in the queue. (Compared with
    # what was there before: a test that ran earlier in this process may have left mail.)
    sent_before = len(mail.outbox)
    for name in names:
        user = world.user(name)
        before = set(OutgoingEmail.objects.values_list("pk", flat=True))
        response = Client().post(reverse("accounts:password_reset"), {"email": user.email})
        assert response.status_code == 302, response.status_code
        (outgoing,) = OutgoingEmail.objects.exclude(pk__in=before)
        match = RESET_LINK.search(outgoing.text)
        assert match is not None, outgoing.text
        world.tokens[f"reset-{name}"] = match.group(2)
    assert len(mail.outbox) == sent_before


# --- The addresses walked ------------------------------------------------------------------

Kwargs = dict[str, Any]


def _fabriques(world: CanaryWorld) -> list[Kwargs]:
    return [{"slug": world.fabrique(side).slug} for side in SIDES]


def _organisations(world: CanaryWorld) -> list[Kwargs]:
    return [
        {"slug": getattr(world.personas, f"{kind}_org_{side}").slug}
        for side in SIDES
        for kind in ("partner", "provider")
    ]


def _pks(attribute: str) -> Callable[[CanaryWorld], list[Kwargs]]:
    return lambda world: [{"pk": obj.pk} for obj in getattr(world, attribute)]


def _groups(world: CanaryWorld) -> list[Kwargs]:
    return [
        {"slug": world.fabrique(side).slug, "participation": p.pk}
        for side in SIDES
        for p in [getattr(world.personas, f"participation_{side}")]
    ]


def _members(world: CanaryWorld) -> list[Kwargs]:
    return [
        {
            "slug": m.working_group.participation.fabrique.slug,
            "participation": m.working_group.participation_id,
            "pk": m.pk,
        }
        for m in world.members
    ]


# Routes whose parameters are not a Fabrique's or an organisation's slug alone.
KWARGS: dict[str, Callable[[CanaryWorld], list[Kwargs]]] = {
    "workinggroups:group": _groups,
    "workinggroups:member_add": _groups,
    "workinggroups:members_import": _groups,
    "workinggroups:import_template": _groups,
    "workinggroups:members_export": _groups,
    "workinggroups:member_edit": _members,
    "workinggroups:member_leave": _members,
    "workinggroups:member_rejoin": _members,
    "accounts:invitation_accept": lambda w: [{"token": "lien-inconnu"}],
    "accounts:password_reset_confirm": lambda w: [{"uidb64": "MQ", "token": "jeton-invalide"}],
    "accounts:sign_in_link": lambda w: [{"token": "lien-inconnu"}],
    "api:territory-detail": lambda w: [{"identifier": f"commune-{c.code}"} for c in w.communes],
    "calls:application_detail": _pks("applications"),
    "calls:application_edit": _pks("applications"),
    "calls:application_file": _pks("applications"),
    "calls:application_review": _pks("applications"),
    "deliverables:deliverable_delete": _pks("deliverables"),
    "deliverables:deliverable_detail": _pks("deliverables"),
    "deliverables:deliverable_edit": _pks("deliverables"),
    "deliverables:deliverable_submit": _pks("deliverables"),
    "deliverables:version_file": _pks("versions"),
    "deliverables:version_review": _pks("versions"),
    "opendata:download": lambda w: [
        {"dataset": name, "ext": ext} for name in DATASETS for ext in ("csv", "json")
    ],
    "programme:fabrique_organisation_remove": lambda w: [
        {"slug": role.fabrique.slug, "pk": role.pk} for role in w.organisation_roles
    ],
    "programme:fabrique_team_revoke": lambda w: [
        {"slug": m.participation.fabrique.slug, "pk": m.pk} for m in w.memberships
    ],
    "programme:year_edit": lambda w: [{"year": w.personas.fabrique_a.programme_year.year}],
    "public:territory_commune": lambda w: [{"code": c.code} for c in w.communes],
    "public:territory_epci": lambda w: [{"siren": w.epci.siren}],
    "public:territory_qpv": lambda w: [{"pk": w.qpv.pk}],
    "public:resource_file": lambda w: [{"slug": r.fabrique.slug, "pk": r.pk} for r in w.resources],
}
# The workshops' routes whose parameter is a workshop.
WORKSHOP_ROUTES = (
    "workshop_detail",
    "workshop_edit",
    "workshop_cancel",
    "agenda_edit",
    "document_add",
    "check_in",
    "attendance_set",
    "walk_in",
    "sign_in_sheet",
    "attendance_export",
    "minutes",
    "minutes_edit",
    "minutes_transition",
    "minutes_comment",
    "public_minutes",
    "invite",
    "registrations",
    "my_workshop",
    "my_registration",
    "my_qr",
)
KWARGS.update({f"workshops:{name}": _pks("workshops") for name in WORKSHOP_ROUTES})
KWARGS.update(
    {
        "workshops:action_update": _pks("actions"),
        "workshops:document_download": lambda w: [
            {"pk": d.workshop_id, "document": d.pk} for d in w.documents
        ],
        "workshops:feed": lambda w: [{"token": t} for t in w.calendar_tokens.values()],
        # Each address with both Fabriques: its owner's, and the other (a 404).
        "workshops:fabrique_feed": lambda w: [
            {"token": token, "slug": w.fabrique(side).slug}
            for token in w.calendar_tokens.values()
            for side in SIDES
        ],
    }
)
KWARGS.update(RESULT_KWARGS)
KWARGS.update(STUDY_KWARGS)
# Query strings that show more of a page.
QUERIES: dict[str, list[str]] = {
    "workshops:registrations": ["", "?liste=attente", "?liste=invites", "?liste=desinscrits"],
    "workshops:fabrique_workshops": ["", "?periode=passees"],
    "workshops:actions": ["", "?statut=done"],
    "workinggroups:group": ["", "?membres=tous"],
    "calls:territory_search": ["?q=commune"],
    "public:search": ["?q=canary", "?q=sante"],
    "deliverables:dashboard": [
        "",
        *(f"?section={s}" for s in ("awaiting_review", "late", "changes_requested", "due_soon")),
    ],
}


def route_kwargs(world: CanaryWorld, route: Route) -> list[Kwargs] | None:
    """The parameters to walk a route with, or None when the canary world does not know it."""
    if route.name in KWARGS:
        return KWARGS[route.name](world)
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route.pattern)
    names = {a or b for a, b in params}
    if not names:
        return [{}]
    if names == {"slug"}:
        return _organisations(world) if "organisation" in route.name else _fabriques(world)
    return None


def urls(world: CanaryWorld) -> tuple[list[tuple[str, str]], list[str]]:
    """(route name, URL) of every route for the world's objects, and the routes left unknown."""
    found, unknown = [], []
    for route in all_routes():
        kwargs_list = route_kwargs(world, route)
        if kwargs_list is None:
            unknown.append(route.name)
            continue
        for kwargs in kwargs_list:
            for query in QUERIES.get(route.name, [""]):
                found.append((route.name, reverse(route.name, kwargs=kwargs) + query))
    return found, unknown
