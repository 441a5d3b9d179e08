"""The demonstration world: fictional Fabriques that show every screen in a minute.

`demo_load` builds it through the apps' own services, in the order the people of the programme
would act: an ANCT administrator creates the year and the Fabrique and invites its pilot; the
pilot designs it, writes and opens the call; local authorities apply; the pilot scores, selects
and announces the outcomes, designates the provider, moves the Fabrique to « en cours »; the
provider hands in deliverables that the pilot reviews. Every rule and guard of the platform
applies, so the demo breaks when they change instead of showing a world they would refuse.

Everything is fictional and says so: the Fabriques' texts, the organisations (« … de
démonstration », « Cabinet Prospective Démo »), the people (all named « Démo ») and their
addresses on DEMO_EMAIL_DOMAIN, whose accounts sign in only while DEBUG is on
(fabriques/accounts/backends.py). The territories are real communes and EPCI of the imported
referential, picked by their official codes (content.DEMO_TERRITORIES): public data.

Loading again creates nothing: each part is looked up first (accounts by address, organisations
by name, Fabriques by slug) and built only when missing; only the open call's closing date is
pushed back when it draws near, so that the call stays open. A later feature extends the demo
with its own part here, looked up the same way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fabriques.accounts.models import InvitationPurpose, Membership, MembershipRole, User
from fabriques.accounts.otp import config_url, key_for_display
from fabriques.accounts.services import (
    invitation_accept,
    invitation_create,
    totp_device_create,
    user_get_or_create,
    user_invite,
)
from fabriques.calls.models import Application, Call
from fabriques.calls.services import (
    ApplicationInput,
    ScoreInput,
    application_reject,
    application_save_and_submit,
    application_save_draft,
    application_score,
    application_select,
    application_shortlist,
    call_notify_outcomes,
    call_save,
)
from fabriques.cycle.services import fabrique_transition
from fabriques.deliverables.models import Deliverable, DeliverableKind, ReviewDecision
from fabriques.deliverables.services import (
    contract_save,
    deliverable_create,
    deliverable_review,
    deliverable_submit,
    deliverables_generate_defaults,
)
from fabriques.programme.milestones import add_months
from fabriques.programme.models import (
    Fabrique,
    FabriqueStatus,
    Organisation,
    OrganisationKind,
    ProgrammeYear,
    Role,
    Theme,
)
from fabriques.programme.services import (
    fabrique_create,
    fabrique_organisation_add,
    fabrique_team_invite,
    milestones_generate,
    organisation_create,
    programme_year_create,
)
from fabriques.territories.models import Commune, Epci, Participation, ParticipationKind
from fabriques.workinggroups.models import Member
from fabriques.workinggroups.services import member_add

from .content import (
    ADMIN,
    APPLICANT,
    CRITERIA,
    DEMO_PASSWORD,
    DEMO_TERRITORIES,
    DEMO_TOTP_KEY,
    DRAFT,
    ELECTED,
    ELECTED_ASSOCIATION_NAME,
    FICTION_NOTE,
    OPEN_CANDIDATES,
    OPEN_SLUG,
    OPEN_THEME,
    OPEN_TITLE,
    PARTNER,
    PARTNER_NAME,
    PILOT,
    PROVIDER,
    PROVIDER_NAME,
    REJECTED,
    RUNNING_CANDIDATES,
    RUNNING_SLUG,
    RUNNING_THEME,
    RUNNING_TITLE,
    SELECTED,
    TECHNICAL,
    WORKING_GROUP_MEMBERS,
    Candidate,
    Person,
    fictional_pdf,
)


class DemoError(Exception):
    """The database lacks what the demo needs (the referential, the programme's themes)."""


# --- What a load did, and who to sign in as ------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    name: str
    pages: tuple[tuple[str, str], ...]  # (what the page shows, its path)
    totp_key: str = ""  # hex, when the account must give a second factor

    @property
    def totp_secret(self) -> str:
        """The key in base32 by groups of four, as an authenticator app asks for it."""
        return key_for_display(self.totp_key) if self.totp_key else ""


@dataclass
class DemoReport:
    built: list[str] = field(default_factory=list)  # what this load created or changed
    accounts: list[DemoAccount] = field(default_factory=list)
    public_pages: list[tuple[str, str]] = field(default_factory=list)

    def totp_url(self, account: DemoAccount) -> str:
        user = User.objects.get(email__iexact=account.email)
        return config_url(user, account.totp_key)


# --- Loading ------------------------------------------------------------------------------


@transaction.atomic
def demo_load(*, now: datetime.datetime | None = None) -> DemoReport:
    """Build what is missing of the demonstration world; return who to sign in as.

    Raises DemoError (French) when the referential or the programme's themes are missing.
    """
    now = now or timezone.now()
    themes = _themes()
    territories = _territories()
    report = DemoReport()
    admin = _admin(report)
    year = _programme_year(now, admin, report)
    organisations = _organisations(admin, report)
    running = Fabrique.objects.filter(slug=RUNNING_SLUG).first()
    if running is None:
        running = _running_fabrique(now, admin, year, themes, organisations, territories)
        report.built.append(f"la Fabrique « {running.title} » (en cours)")
    else:
        _check_is_demo(running)
    open_fabrique = Fabrique.objects.filter(slug=OPEN_SLUG).first()
    if open_fabrique is None:
        open_fabrique = _open_fabrique(now, admin, year, themes, organisations, territories)
        report.built.append(f"la Fabrique « {open_fabrique.title} » (appel ouvert)")
    else:
        _check_is_demo(open_fabrique)
        _keep_call_open(now, open_fabrique, report)
    referents_group = _working_groups(running, report)
    for person in (ADMIN, PILOT, PARTNER, PROVIDER, ELECTED, TECHNICAL, APPLICANT):
        _sign_in_ready(person, report)
    if _totp_ready(admin):
        report.built.append(f"l’application d’authentification de {ADMIN.email}")
    report.accounts = _accounts(running, open_fabrique, referents_group)
    report.public_pages = [
        ("la Fabrique en cours sur le site public", _path("public:fabrique_detail", RUNNING_SLUG)),
        ("l’appel à volontaires ouvert", _path("calls:call_detail", OPEN_SLUG)),
        ("le catalogue", _path("public:catalogue")),
    ]
    return report


def _themes() -> dict[str, Theme]:
    themes = {t.slug: t for t in Theme.objects.filter(slug__in=[RUNNING_THEME, OPEN_THEME])}
    missing = sorted({RUNNING_THEME, OPEN_THEME} - set(themes))
    if missing:
        raise DemoError(
            f"Thèmes absents : {', '.join(missing)}. Importez d’abord l’historique du programme "
            "(python manage.py import_programme)."
        )
    return themes


def _territories() -> dict[tuple[str, str], Commune | Epci]:
    """The demo's communes (by INSEE code) and EPCI (by SIREN), all of them or DemoError."""
    codes = {
        kind: [c for k, c in DEMO_TERRITORIES if k == kind]
        for kind in (ParticipationKind.COMMUNE, ParticipationKind.EPCI)
    }
    found: dict[tuple[str, str], Commune | Epci] = {}
    for commune in Commune.objects.filter(code__in=codes[ParticipationKind.COMMUNE]):
        found[(ParticipationKind.COMMUNE, commune.code)] = commune
    for epci in Epci.objects.filter(siren__in=codes[ParticipationKind.EPCI]):
        found[(ParticipationKind.EPCI, epci.siren)] = epci
    missing = [code for kind, code in DEMO_TERRITORIES if (kind, code) not in found]
    if missing:
        raise DemoError(
            f"Territoires absents du référentiel : {', '.join(missing)}. Importez d’abord le "
            "référentiel (python manage.py import_referential)."
        )
    return found


def _check_is_demo(fabrique: Fabrique) -> None:
    """A Fabrique with the demo's slug is the demo's only if the demo's pilot pilots it."""
    ours = Membership.objects.filter(
        fabrique=fabrique, role=MembershipRole.ANCT_PILOT, user__email__iexact=PILOT.email
    ).exists()
    if not ours:
        raise DemoError(
            f"La Fabrique « {fabrique.slug} » existe déjà et n’est pas celle de la "
            "démonstration : rien n’a été chargé."
        )


def _admin(report: DemoReport) -> User:
    """The ANCT administrator, invited as `manage.py invite --role anct_admin` would."""
    user = User.objects.filter(email__iexact=ADMIN.email).first()
    if (
        user is not None
        and Membership.objects.filter(user=user, role=MembershipRole.ANCT_ADMIN).exists()
    ):
        return user
    report.built.append(f"le compte de l’administratrice ANCT {ADMIN.email}")
    return user_invite(
        email=ADMIN.email,
        first_name=ADMIN.first_name,
        last_name=ADMIN.last_name,
        role=MembershipRole.ANCT_ADMIN,
    )


def _programme_year(now: datetime.datetime, admin: User, report: DemoReport) -> ProgrammeYear:
    """This year's ProgrammeYear: an existing one is used as it is, without any change."""
    year = timezone.localdate(now).year
    existing = ProgrammeYear.objects.filter(year=year).first()
    if existing is not None:
        return existing
    report.built.append(f"l’année de programme {year}")
    return programme_year_create(year=year, actor=admin)


@dataclass(frozen=True)
class Organisations:
    association: Organisation
    partner: Organisation
    provider: Organisation


def _organisations(admin: User, report: DemoReport) -> Organisations:
    def get_or_create(name: str, kind: str) -> Organisation:
        organisation = Organisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            organisation = organisation_create(name=name, kind=kind, actor=admin)
            report.built.append(f"l’organisation « {name} »")
        return organisation

    return Organisations(
        association=get_or_create(ELECTED_ASSOCIATION_NAME, OrganisationKind.ELECTED_ASSOCIATION),
        partner=get_or_create(PARTNER_NAME, OrganisationKind.NETWORK),
        provider=get_or_create(PROVIDER_NAME, OrganisationKind.PROVIDER),
    )


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    """A round local time on `day`, for dates that read like someone chose them."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _designed(
    *,
    title: str,
    summary: str,
    objective: str,
    theme: Theme,
    start_month: datetime.date,
    admin: User,
    year: ProgrammeYear,
    organisations: Organisations,
) -> tuple[Fabrique, User]:
    """A Fabrique created by the administrator, its pilot invited, designed by the pilot."""
    fabrique = fabrique_create(
        title=title,
        programme_year=year,
        actor=admin,
        themes=[theme],
        summary=summary,
        objective=objective,
        start_month=start_month,
        end_month=add_months(start_month, 12),
    )
    pilot = fabrique_team_invite(
        fabrique=fabrique,
        actor=admin,
        email=PILOT.email,
        role=MembershipRole.ANCT_PILOT,
        first_name=PILOT.first_name,
        last_name=PILOT.last_name,
    )
    fabrique_organisation_add(
        fabrique=fabrique,
        organisation=organisations.association,
        role=Role.ELECTED_ASSOCIATION,
        actor=pilot,
    )
    fabrique_organisation_add(
        fabrique=fabrique, organisation=organisations.partner, role=Role.PARTNER, actor=pilot
    )
    fabrique = fabrique_transition(
        fabrique=fabrique, to_status=FabriqueStatus.DESIGNED, actor=pilot
    )
    return fabrique, pilot


def _call_opened(
    *,
    fabrique: Fabrique,
    pilot: User,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    introduction: str,
) -> Call:
    call_save(
        fabrique=fabrique,
        actor=pilot,
        opens_at=opens_at,
        closes_at=closes_at,
        introduction=introduction,
        expected_commitment=(
            "Un élu référent et un référent technique, un groupe de travail local réuni pendant "
            "toute la Fabrique, la participation aux séminaires collectifs."
        ),
        decision_expected_on=(closes_at + datetime.timedelta(days=21)).date(),
        criteria=CRITERIA,
    )
    fabrique_transition(fabrique=fabrique, to_status=FabriqueStatus.CALL_OPEN, actor=pilot)
    return Call.objects.select_related("fabrique").get(fabrique=fabrique)


def _application_input(
    candidate: Candidate, territory: Commune | Epci, fabrique: Fabrique
) -> ApplicationInput:
    return ApplicationInput(
        territory=(candidate.kind, territory.pk),
        elected_name=candidate.elected.name,
        elected_mandate="élu(e) référent(e) — personne fictive",
        elected_email=candidate.elected.email,
        technical_name=candidate.technical.name,
        technical_role="chargé(e) de mission — personne fictive",
        technical_email=candidate.technical.email,
        motivation=(
            f"Candidature fictive de {territory.name} à la « {fabrique.title} », écrite pour la "
            "démonstration de la plateforme. Le territoire veut mettre en débat ses choix "
            "d’aménagement avec ses habitants et ses voisins."
        ),
        working_group_intent=(
            "Services de la collectivité, associations locales, conseil de développement "
            "(groupe fictif)."
        ),
    )


def _apply(
    *,
    call: Call,
    candidate: Candidate,
    territory: Commune | Epci,
    now: datetime.datetime,
) -> Application:
    """The agent's account (as the sign-up page makes it), then the draft or deposit."""
    applicant, _created = user_get_or_create(
        email=candidate.agent.email,
        first_name=candidate.agent.first_name,
        last_name=candidate.agent.last_name,
    )
    data = _application_input(candidate, territory, call.fabrique)
    save = application_save_draft if candidate.outcome == DRAFT else application_save_and_submit
    return save(call=call, applicant=applicant, data=data, now=now)


def _running_fabrique(
    now: datetime.datetime,
    admin: User,
    year: ProgrammeYear,
    themes: dict[str, Theme],
    organisations: Organisations,
    territories: dict[tuple[str, str], Commune | Epci],
) -> Fabrique:
    """A Fabrique in its third month: call closed, four territories, provider at work."""
    today = timezone.localdate(now)
    start_month = add_months(today, -2)
    opens = start_month - datetime.timedelta(days=150)
    closes = start_month - datetime.timedelta(days=100)
    fabrique, pilot = _designed(
        title=RUNNING_TITLE,
        summary=FICTION_NOTE,
        objective=(
            "**Démonstration.** Quatre territoires imaginent, avec leurs habitants et leurs "
            "partenaires, comment adapter leur aménagement au changement climatique d’ici 2040, "
            "et en tirent une feuille de route."
        ),
        theme=themes[RUNNING_THEME],
        start_month=start_month,
        admin=admin,
        year=year,
        organisations=organisations,
    )
    # The call opened 150 days before the first month: the pilot wrote it with a closing date
    # ahead (the guard of « appel ouvert » wants one), the territories applied in the weeks
    # that followed, and the call closed 100 days before the first month.
    call = _call_opened(
        fabrique=fabrique,
        pilot=pilot,
        opens_at=_at(opens, 9),
        closes_at=now + datetime.timedelta(days=30),
        introduction=(
            "Appel fictif de démonstration : la Fabrique cherche de quatre à huit communes ou "
            "intercommunalités prêtes à travailler sur l’adaptation au changement climatique."
        ),
    )
    applications = []
    for number, candidate in enumerate(RUNNING_CANDIDATES):
        territory = territories[(candidate.kind, candidate.code)]
        submitted = _at(opens + datetime.timedelta(days=10 + 5 * number), 10)
        applications.append(
            (candidate, _apply(call=call, candidate=candidate, territory=territory, now=submitted))
        )
    call_save(
        fabrique=fabrique,
        actor=pilot,
        opens_at=call.opens_at,
        closes_at=_at(closes),
        introduction=call.introduction,
        expected_commitment=call.expected_commitment,
        decision_expected_on=call.decision_expected_on,
    )
    fabrique = fabrique_transition(
        fabrique=fabrique, to_status=FabriqueStatus.SELECTION, actor=pilot
    )
    criteria = list(call.criteria.order_by("position", "id"))
    reviewed = _at(closes + datetime.timedelta(days=7), 15)
    for candidate, application in applications:
        if candidate.outcome == DRAFT:
            continue
        application_score(
            application=application,
            scores=[
                ScoreInput(criterion_id=c.pk, score=s)
                for c, s in zip(criteria, candidate.scores, strict=True)
            ],
            actor=pilot,
            now=reviewed,
        )
        if candidate.outcome == SELECTED:
            application_shortlist(application=application, actor=pilot)
    decided = reviewed + datetime.timedelta(days=7)
    for candidate, application in applications:
        if candidate.outcome == SELECTED:
            application_select(application=application, actor=pilot, now=decided)
        elif candidate.outcome == REJECTED:
            application_reject(
                application=application,
                actor=pilot,
                now=decided,
                note="Candidature solide, mais le groupe de travail local reste à constituer.",
            )
    call_notify_outcomes(call=call, actor=pilot, now=decided)
    fabrique_organisation_add(
        fabrique=fabrique, organisation=organisations.provider, role=Role.PROVIDER, actor=pilot
    )
    fabrique = fabrique_transition(fabrique=fabrique, to_status=FabriqueStatus.RUNNING, actor=pilot)
    for person, role, organisation in (
        (PARTNER, MembershipRole.PARTNER_MEMBER, organisations.partner),
        (PROVIDER, MembershipRole.PROVIDER_CONSULTANT, organisations.provider),
    ):
        fabrique_team_invite(
            fabrique=fabrique,
            actor=pilot,
            email=person.email,
            role=role,
            organisation=organisation,
            first_name=person.first_name,
            last_name=person.last_name,
        )
    milestones_generate(fabrique=fabrique, actor=pilot)
    _deliverables(fabrique, pilot, organisations.provider, start_month, today)
    return fabrique


def _deliverables(
    fabrique: Fabrique,
    pilot: User,
    provider_organisation: Organisation,
    start_month: datetime.date,
    today: datetime.date,
) -> None:
    """The contract and deliverables in every state: accepted, to redo, to review, late, owed."""
    contract_save(
        fabrique=fabrique,
        provider=provider_organisation,
        reference="DEMO-0001 (marché fictif)",
        signed_on=start_month - datetime.timedelta(days=10),
        amount=None,
        notes="Contrat fictif de démonstration.",
        actor=pilot,
    )
    deliverables_generate_defaults(
        fabrique=fabrique, due_on=add_months(start_month, 8), actor=pilot
    )
    report = deliverable_create(
        fabrique=fabrique,
        title="Compte rendu du séminaire de lancement",
        kind=DeliverableKind.SEMINAR_REPORT,
        due_on=add_months(start_month, 1),
        description="Les participants, les enjeux partagés, la suite du travail.",
        actor=pilot,
    )
    deliverable_create(
        fabrique=fabrique,
        title="Note de cadrage des ateliers locaux",
        kind=DeliverableKind.OTHER,
        due_on=today - datetime.timedelta(days=10),
        description="Le déroulé commun des ateliers dans chaque territoire.",
        actor=pilot,
    )
    consultant = User.objects.get(email__iexact=PROVIDER.email)
    # One roadmap per territory, in the order the territories were selected (RUNNING_CANDIDATES).
    figeac, millau, pontarlier, _guingamp = Deliverable.objects.filter(
        fabrique=fabrique, kind=DeliverableKind.ROADMAP
    ).order_by("participation__position")
    for deliverable, decision, comment in (
        (report, ReviewDecision.ACCEPTED, "Merci, compte rendu complet."),
        (pontarlier, ReviewDecision.ACCEPTED, ""),
        (
            figeac,
            ReviewDecision.CHANGES_REQUESTED,
            "Précisez qui porte chaque action et avec quels partenaires.",
        ),
        (millau, None, ""),
    ):
        version = deliverable_submit(
            deliverable=deliverable,
            file=fictional_pdf(str(deliverable)),
            note="Version fictive de démonstration.",
            actor=consultant,
        )
        if decision is not None:
            deliverable_review(version=version, decision=decision, comment=comment, actor=pilot)


def _open_fabrique(
    now: datetime.datetime,
    admin: User,
    year: ProgrammeYear,
    themes: dict[str, Theme],
    organisations: Organisations,
    territories: dict[tuple[str, str], Commune | Epci],
) -> Fabrique:
    """A Fabrique whose call is open: one application deposited, the applicant's draft."""
    today = timezone.localdate(now)
    fabrique, pilot = _designed(
        title=OPEN_TITLE,
        summary=FICTION_NOTE,
        objective=(
            "**Démonstration.** Des quartiers et des bourgs cherchent comment rendre une "
            "alimentation de qualité accessible à tous leurs habitants."
        ),
        theme=themes[OPEN_THEME],
        start_month=add_months(today, 4),
        admin=admin,
        year=year,
        organisations=organisations,
    )
    call = _call_opened(
        fabrique=fabrique,
        pilot=pilot,
        opens_at=_at(today - datetime.timedelta(days=7), 9),
        closes_at=_open_call_closing(today),
        introduction=(
            "Appel fictif de démonstration : la Fabrique cherche de quatre à huit territoires "
            "prêts à travailler sur l’alimentation de leurs habitants."
        ),
    )
    for candidate in OPEN_CANDIDATES:
        territory = territories[(candidate.kind, candidate.code)]
        _apply(call=call, candidate=candidate, territory=territory, now=now)
    return fabrique


def _open_call_closing(today: datetime.date) -> datetime.datetime:
    return _at(today + datetime.timedelta(days=60))


def _keep_call_open(now: datetime.datetime, fabrique: Fabrique, report: DemoReport) -> None:
    """Push the open call's closing date back when it is less than two weeks away."""
    call = Call.objects.filter(fabrique=fabrique).first()
    if (
        call is None
        or fabrique.status != FabriqueStatus.CALL_OPEN
        or call.closes_at is None
        or call.closes_at > now + datetime.timedelta(days=14)
    ):
        return
    call_save(
        fabrique=fabrique,
        actor=User.objects.get(email__iexact=PILOT.email),
        opens_at=call.opens_at,
        closes_at=_open_call_closing(timezone.localdate(now)),
        introduction=call.introduction,
        expected_commitment=call.expected_commitment,
        decision_expected_on=call.decision_expected_on,
    )
    report.built.append("la nouvelle date de clôture de l’appel ouvert")


def _sign_in_ready(person: Person, report: DemoReport) -> None:
    """Give the account DEMO_PASSWORD the way an invited person does: by accepting a link."""
    user = User.objects.get(email__iexact=person.email)
    if user.check_password(DEMO_PASSWORD):
        return
    _invitation, token = invitation_create(user=user, purpose=InvitationPurpose.INVITATION)
    invitation_accept(token=token, password=DEMO_PASSWORD)
    report.built.append(f"le mot de passe du compte {person.email}")


def _totp_ready(admin: User) -> bool:
    """The administrator must give a second factor: an app with DEMO_TOTP_KEY. Whether made."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=admin, confirmed=True, key=DEMO_TOTP_KEY).exists():
        return False
    # -1: no code has been used yet, so the first one computed from the key is accepted.
    totp_device_create(user=admin, key=DEMO_TOTP_KEY, last_t=-1)
    return True


def _path(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _working_groups(running: Fabrique, report: DemoReport) -> Participation:
    """The groups of the referents' territory and of the next one, filled once by the
    referent (first group) and the provider (second). Returns the referents' territory."""
    referent = User.objects.get(email__iexact=ELECTED.email)
    provider = User.objects.get(email__iexact=PROVIDER.email)
    referents_territory = Participation.objects.get(
        fabrique=running,
        memberships__user=referent,
        memberships__role=MembershipRole.ELECTED_REFERENT,
    )
    other = (
        Participation.objects.filter(fabrique=running)
        .exclude(pk=referents_territory.pk)
        .order_by("position", "pk")
        .first()
    )
    joined_on = running.start_month or timezone.localdate()
    for participation, members, actor in (
        (referents_territory, WORKING_GROUP_MEMBERS[0], referent),
        (other, WORKING_GROUP_MEMBERS[1], provider),
    ):
        if participation is None:
            continue
        if Member.objects.filter(working_group__participation=participation).exists():
            continue
        for person in members:
            member_add(
                participation=participation,
                actor=actor,
                data={
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "email": person.email,
                    "organisation_name": person.organisation,
                    "family": person.family,
                    "family_detail": person.family_detail,
                    "role": person.role,
                    "joined_how": person.joined_how,
                    "joined_on": joined_on,
                },
            )
        report.built.append(
            f"le groupe de travail local de {participation.label} ({len(members)} membres)"
        )
    return referents_territory


def _accounts(
    running: Fabrique, open_fabrique: Fabrique, referents_group: Participation
) -> list[DemoAccount]:
    slug = running.slug
    group_page = (
        "le groupe de travail local",
        _path("workinggroups:group", slug, referents_group.pk),
    )
    fabrique_page = ("la Fabrique en cours", _path("programme:fabrique_detail", slug))
    dashboard = ("le tableau de bord", _path("workspace:home"))
    return [
        DemoAccount(
            role=str(MembershipRole.ANCT_ADMIN.label),
            email=ADMIN.email,
            name=ADMIN.name,
            totp_key=DEMO_TOTP_KEY,
            pages=(
                dashboard,
                ("les années du programme", _path("programme:year_list")),
                ("le journal d’audit", _path("workspace:audit")),
            ),
        ),
        DemoAccount(
            role=f"{MembershipRole.ANCT_PILOT.label} des deux Fabriques",
            email=PILOT.email,
            name=PILOT.name,
            pages=(
                fabrique_page,
                ("le statut et ses gardes", _path("cycle:fabrique_transition", slug)),
                ("les candidatures notées", _path("calls:application_review_list", slug)),
                ("les livrables à examiner", _path("deliverables:fabrique_list", slug)),
                (
                    "l’appel ouvert et sa candidature reçue",
                    _path("calls:application_review_list", open_fabrique.slug),
                ),
            ),
        ),
        DemoAccount(
            role=f"{MembershipRole.PARTNER_MEMBER.label} ({PARTNER_NAME})",
            email=PARTNER.email,
            name=PARTNER.name,
            pages=(dashboard, fabrique_page),
        ),
        DemoAccount(
            role=f"{MembershipRole.PROVIDER_CONSULTANT.label} ({PROVIDER_NAME})",
            email=PROVIDER.email,
            name=PROVIDER.name,
            pages=(
                ("les livrables à rendre", _path("deliverables:dashboard")),
                ("les livrables de la Fabrique", _path("deliverables:fabrique_list", slug)),
            ),
        ),
        DemoAccount(
            role=f"{MembershipRole.ELECTED_REFERENT.label} (Figeac)",
            email=ELECTED.email,
            name=ELECTED.name,
            pages=(dashboard, fabrique_page, group_page),
        ),
        DemoAccount(
            role=f"{MembershipRole.TECHNICAL_REFERENT.label} (Figeac)",
            email=TECHNICAL.email,
            name=TECHNICAL.name,
            pages=(dashboard, fabrique_page),
        ),
        DemoAccount(
            role="Candidate d’une collectivité (Figeac)",
            email=APPLICANT.email,
            name=APPLICANT.name,
            pages=(
                ("ses candidatures (retenue, brouillon)", _path("calls:my_applications")),
                ("l’appel ouvert", _path("calls:call_detail", open_fabrique.slug)),
            ),
        ),
    ]
