"""The demonstration world: fictional Fabriques that show every screen in a minute.

`demo_load` builds it through the apps' own services, in the order the people of the programme
would act: an ANCT administrator creates the year and the Fabrique and invites its pilot; the
pilot designs it, writes and opens the call; local authorities apply; the pilot scores, selects
and announces the outcomes, designates the provider, moves the Fabrique to « en cours »; the
provider hands in deliverables that the pilot reviews; the territories' working groups meet
(kick-offs, local workshops, seminars), their members are invited, register, are checked in,
and the minutes go from draft to published. A third Fabrique, of two years ago, shows what a
Fabrique leaves behind: its territories' roadmaps drafted by the provider, reviewed by the
pilot, validated, adopted and published, a one-year follow-up handed in, and numbered
recommendations endorsed by its association of elected officials and its partner, published,
one of them sent, answered and reviewed. Every rule and guard of the platform
applies, so the demo breaks when they change instead of showing a world they would refuse.
Only what no service lets anyone write — a workshop in the past, the list it had then, the
check-in time of a past day, the published Fabrique's status without a whole cycle behind
it — is written as the model, checked by full_clean, and says so. The search index is
rebuilt at the end of each load (only changed rows are written).

Everything is fictional and says so: the Fabriques' texts, the organisations (« … de
démonstration », « Cabinet Prospective Démo »), the people (all named « Démo ») and their
addresses on DEMO_EMAIL_DOMAIN, whose accounts sign in only while DEBUG is on
(fabriques/accounts/backends.py). The territories are real communes and EPCI of the imported
referential, picked by their official codes (content.DEMO_TERRITORIES): public data.

Loading again creates nothing: each part is looked up first (accounts by address, organisations
by name, Fabriques by slug) and built only when missing; only the open call's closing date is
pushed back when it draws near, so that the call stays open. Workshops are looked up by title,
each built once with its list, attendance and minutes. A later feature extends the demo
with its own part here, looked up the same way.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
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
from fabriques.core.services import history_author_set
from fabriques.core.versioning import bump_data_version
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
    Resource,
    Role,
    Theme,
)
from fabriques.programme.services import (
    fabrique_create,
    fabrique_organisation_add,
    fabrique_team_invite,
    milestones_generate,
    organisation_create,
    participation_create,
    programme_year_create,
)
from fabriques.recommendations.models import (
    Implementation,
    Recommendation,
    ReviewHorizon,
)
from fabriques.recommendations.services.workspace import (
    ReviewData,
    answer_add,
    position_give,
    recommendation_create,
    recommendation_open,
    recommendation_publish,
    review_record,
    sending_record,
)
from fabriques.roadmaps.models import (
    ActionSheet,
    Axis,
    FollowUpHorizon,
    Indicator,
    Roadmap,
    SheetStatus,
)
from fabriques.roadmaps.services.editing import (
    axis_create,
    contract_link_create,
    indicator_value_create,
    roadmap_create,
    roadmap_partner_create,
    roadmap_update,
    sheet_create,
    sheet_part_create,
    sheet_status_change,
)
from fabriques.roadmaps.services.followup import (
    EntryData,
    IndicatorValueData,
    follow_up_open,
    follow_up_save,
)
from fabriques.roadmaps.services.lifecycle import (
    roadmap_adopt,
    roadmap_publish,
    roadmap_review,
    roadmap_submit,
    roadmap_validate,
)
from fabriques.search.services import reindex as search_reindex
from fabriques.studies.models import Method, RetainedResult, Study, StudyStatus
from fabriques.studies.services import (
    micmac_matrix_save,
    micmac_variables_save,
    study_create,
    study_run,
    study_update,
)
from fabriques.territories.models import Commune, Epci, Participation, ParticipationKind
from fabriques.workinggroups.models import Member
from fabriques.workinggroups.services import member_add
from fabriques.workshops.models import (
    Attendance,
    MinutesStatus,
    MinutesVisibility,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopMode,
)
from fabriques.workshops.services.attendance import attendance_set, walk_in_add
from fabriques.workshops.services.minutes import (
    minutes_comment_add,
    minutes_save,
    minutes_transition,
)
from fabriques.workshops.services.planning import agenda_save, workshop_create
from fabriques.workshops.services.registrations import invitations_send, registration_request

from .content import (
    ADMIN,
    ANSWER_MEASURE,
    ANSWER_TEXT,
    ANSWERED_CORRESPONDENT,
    APPLICANT,
    COMING_CAPACITY,
    CRITERIA,
    DEMO_PASSWORD,
    DEMO_STUDY_MATRIX,
    DEMO_STUDY_PURPOSE,
    DEMO_STUDY_TITLE,
    DEMO_STUDY_VARIABLES,
    DEMO_TERRITORIES,
    DEMO_TOTP_KEY,
    DRAFT,
    ELECTED,
    ELECTED_ASSOCIATION_NAME,
    FICTION_NOTE,
    KICKOFF,
    LOCAL_COMING,
    LOCAL_DIAGNOSIS,
    LOCAL_SCENARIOS,
    MEMBER,
    MEMBER_PERSONA,
    MINUTES_DIAGNOSIS,
    MINUTES_DRAFT,
    MINUTES_KICKOFF,
    MINUTES_SCENARIOS,
    MINUTES_SEMINAR,
    OPEN_CANDIDATES,
    OPEN_SLUG,
    OPEN_THEME,
    OPEN_TITLE,
    PARTNER,
    PARTNER_NAME,
    PILOT,
    PROVIDER,
    PROVIDER_NAME,
    PUBLIC_OUTCOMES,
    PUBLISHED_RECOMMENDATIONS,
    PUBLISHED_ROADMAPS,
    PUBLISHED_SLUG,
    PUBLISHED_TERRITORIES,
    PUBLISHED_THEME,
    PUBLISHED_TITLE,
    PUBLISHED_YEARS_AGO,
    REJECTED,
    RUNNING_CANDIDATES,
    RUNNING_SLUG,
    RUNNING_THEME,
    RUNNING_TITLE,
    SELECTED,
    SEMINAR_CAPACITY,
    SEMINAR_COMING,
    SEMINAR_PAST,
    SEMINAR_PLACES_PER_TERRITORY,
    SEMINAR_VIDEO_URL,
    SHARED_COMMENT,
    TECHNICAL,
    WORKING_GROUP_MEMBERS,
    Candidate,
    DemoRoadmap,
    DemoSheet,
    DemoWorkshop,
    Person,
    fictional_pdf,
)
from .studio_cib import demo_cib
from .studio_mactor import demo_mactor
from .studio_morpho import demo_morpho
from .studio_retained import demo_retained
from .studio_smicmp import demo_multipol, demo_smic
from .studio_votes import demo_delphi, demo_regnier


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
    groups = _working_groups(running, report)
    referents_group = groups[0]
    _member_persona(referents_group, report)
    workshops = _workshops(running, groups, now, report)
    published = Fabrique.objects.filter(slug=PUBLISHED_SLUG).first()
    if published is None:
        published = _published_fabrique(now, admin, themes, organisations, territories, report)
        report.built.append(
            f"la Fabrique « {published.title} » (publiée : feuilles de route, suivi, "
            "préconisations)"
        )
    else:
        _check_is_demo(published)
    work = _published_work(published)
    micmac = _study(published, report)
    _studio(published, micmac, work.roadmap, report)
    resource = _resource_file(published, report)
    for person in (ADMIN, PILOT, PARTNER, PROVIDER, ELECTED, TECHNICAL, APPLICANT, MEMBER):
        _sign_in_ready(person, report)
    if _totp_ready(admin):
        report.built.append(f"l’application d’authentification de {ADMIN.email}")
    report.accounts = _accounts(running, open_fabrique, referents_group, workshops, work)
    report.public_pages = [
        ("la Fabrique en cours sur le site public", _path("public:fabrique_detail", RUNNING_SLUG)),
        ("l’appel à volontaires ouvert", _path("calls:call_detail", OPEN_SLUG)),
        ("le catalogue", _path("public:catalogue")),
        ("la Fabrique publiée", _path("public:fabrique_detail", PUBLISHED_SLUG)),
        ("la bibliothèque des résultats", _path("public:library")),
        (
            f"la feuille de route publiée « {work.roadmap.title} », sa vision prospective "
            "et son suivi",
            _path("public:roadmap", work.roadmap.pk),
        ),
        (f"l’étude publiée « {micmac.title} »", _path("studies:public", micmac.pk)),
        (
            f"le fichier « {resource.title} » parmi les ressources de la Fabrique publiée",
            _path("public:resource_file", published.slug, resource.pk),
        ),
        (
            f"la préconisation « {work.recommendation} », ses positions et sa réponse",
            _path("public:recommendation", work.recommendation.pk),
        ),
        ("la recherche « sante »", f"{_path('public:search')}?q=sante"),
    ]
    # The services re-index what they publish once the transaction commits; the whole index
    # is rebuilt here too, so that the search works as soon as the demo is loaded (only the
    # rows that changed are written: a second load writes none).
    search_reindex()
    return report


def _themes() -> dict[str, Theme]:
    wanted = {RUNNING_THEME, OPEN_THEME, PUBLISHED_THEME}
    themes = {t.slug: t for t in Theme.objects.filter(slug__in=wanted)}
    missing = sorted(wanted - set(themes))
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


def _working_groups(running: Fabrique, report: DemoReport) -> list[Participation]:
    """The groups of the referents' territory and of the next one, filled once by the
    referent (first group) and the provider (second). Returns their territories, the
    referents' one first."""
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
    return [p for p in (referents_territory, other) if p is not None]


def _member_persona(participation: Participation, report: DemoReport) -> None:
    """The member persona in the referents' territory's group, with an account of her own
    (made as the sign-up page makes it), which member_add links to her membership."""
    if Member.objects.filter(
        working_group__participation=participation, email__iexact=MEMBER.email
    ).exists():
        return
    user_get_or_create(email=MEMBER.email, first_name=MEMBER.first_name, last_name=MEMBER.last_name)
    person = MEMBER_PERSONA
    member_add(
        participation=participation,
        actor=User.objects.get(email__iexact=ELECTED.email),
        data={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "organisation_name": person.organisation,
            "family": person.family,
            "role": person.role,
            "joined_how": person.joined_how,
            "joined_on": participation.fabrique.start_month or timezone.localdate(),
        },
    )
    report.built.append(f"la membre {MEMBER.email} du groupe de travail de {participation.label}")


# --- Workshops ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoWorkshops:
    """The first territory's workshops the accounts are sent to."""

    coming: Workshop  # registrations open, a waiting list
    roll_call: Workshop  # past: the attendance as pointed
    public_minutes: Workshop  # minutes published for everyone, with actions
    group_minutes: Workshop  # minutes published for the group


def _members(participation: Participation) -> list[Member]:
    """The group's current members, as the services want them (group and territory joined)."""
    return list(
        Member.objects.filter(working_group__participation=participation, left_on__isnull=True)
        .select_related("working_group__participation", "user")
        .order_by("pk")
    )


def _referent(participation: Participation) -> User | None:
    """The territory's elected referent: validates and publishes its workshops' minutes."""
    membership = (
        Membership.objects.filter(participation=participation, role=MembershipRole.ELECTED_REFERENT)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _workshop_data(
    spec: DemoWorkshop,
    today: datetime.date,
    participation: Participation | None,
    facilitator: User,
    **extra: Any,
) -> dict[str, Any]:
    territory = participation.label if participation is not None else ""
    starts = _at(today + datetime.timedelta(days=spec.days), spec.hour)
    return {
        "kind": spec.kind,
        "title": spec.title.format(territory=territory),
        "participation": participation,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=spec.hours),
        "venue": spec.venue.format(territory=territory),
        "objectives": spec.objectives,
        "facilitator": facilitator,
        "mode": WorkshopMode.IN_PERSON,
        **extra,
    }


def _planned(fabrique: Fabrique, data: dict[str, Any], spec: DemoWorkshop, actor: User) -> Workshop:
    """A workshop with its agenda: through workshop_create when it is to come; a past one is
    written as the model, checked by full_clean, since workshop_create refuses a date in the
    past (« une nouvelle rencontre se prévoit dans le futur »)."""
    if data["starts_at"] > timezone.now():
        workshop = workshop_create(fabrique=fabrique, actor=actor, data=data)
    else:
        workshop = Workshop(fabrique=fabrique, **data)
        workshop.full_clean()
        workshop.save()
    agenda_save(
        workshop=workshop,
        actor=actor,
        items=[
            {"title": title, "duration_minutes": minutes, "speaker": speaker}
            for title, minutes, speaker in spec.agenda
        ],
    )
    return workshop


def _roll_call(
    workshop: Workshop,
    members: list[Member],
    actor: User,
    *,
    marks: dict[int, str],
    walk_in: Member | None = None,
) -> None:
    """The list of a past workshop and who came: `marks` by position in `members` (the
    others attended), `walk_in` came without registering.

    registration_request refuses a workshop that has begun: the list as it stood is written as
    the model (full_clean); the roll call goes through the attendance services."""
    for number, member in enumerate(m for m in members if m != walk_in):
        registration = Registration(
            workshop=workshop,
            member=member,
            status=RegistrationStatus.REGISTERED,
            invited_at=workshop.starts_at - datetime.timedelta(days=21),
            requested_at=workshop.starts_at - datetime.timedelta(days=14, hours=-number),
        )
        registration.full_clean()
        registration.save()
        attendance_set(
            registration=registration,
            attendance=marks.get(members.index(member), Attendance.ATTENDED),
            actor=actor,
        )
    if walk_in is not None:
        walk_in_add(workshop=workshop, member=walk_in, actor=actor)
    # The services stamp the check-in with the time of the load: put it back on the day.
    Registration.objects.filter(workshop=workshop, checked_in_at__isnull=False).update(
        checked_in_at=workshop.starts_at
    )


def _minutes(
    workshop: Workshop,
    *,
    body: str,
    visibility: str,
    to: str,
    writer: User,
    validator: User | None,
    outcomes: tuple[dict[str, Any], ...] = (),
) -> None:
    """Minutes written by the provider, then taken along the workflow up to `to`: shared with
    the attendees (comments open a week), validated early and published by `validator`."""
    minutes = minutes_save(
        workshop=workshop,
        actor=writer,
        data={"body": body, "visibility": visibility},
        outcomes=outcomes,
    )
    if to == MinutesStatus.DRAFT:
        return
    minutes = minutes_transition(minutes=minutes, to=MinutesStatus.SHARED, actor=writer)
    if to == MinutesStatus.SHARED or validator is None:
        return
    minutes = minutes_transition(
        minutes=minutes, to=MinutesStatus.VALIDATED, actor=validator, early=True
    )
    minutes_transition(minutes=minutes, to=MinutesStatus.PUBLISHED, actor=validator)


def _public_outcomes(members: list[Member], today: datetime.date) -> tuple[dict[str, Any], ...]:
    by_local = {m.email.split("@")[0]: m for m in members}
    return tuple(
        {
            "kind": kind,
            "text": text,
            "owner_member": by_local.get(owner) if owner else None,
            "owner_label": "" if not owner or owner in by_local else PROVIDER_NAME,
            "due_on": today + datetime.timedelta(days=days) if days is not None else None,
            "action_status": status or None,
        }
        for kind, text, owner, days, status in PUBLIC_OUTCOMES
    )


def _answer(workshop: Workshop, members: list[Member]) -> None:
    """The members ask for a place from their space, in this order; their accounts were made
    by the invitation (each e-mailed a sign-in link), and each request e-mails its answer."""
    for member in members:
        registration_request(workshop=workshop, member=member, actor=member.user)


def _workshops(
    running: Fabrique,
    groups: list[Participation],
    now: datetime.datetime,
    report: DemoReport,
) -> DemoWorkshops:
    """Each demo territory's kick-off, two past workshops and a coming one; two seminars of
    the whole Fabrique, one past (by video), one to come with places per territory. Each
    workshop is built once with its list, attendance and minutes (looked up by title)."""
    today = timezone.localdate(now)
    provider = User.objects.get(email__iexact=PROVIDER.email)
    pilot = User.objects.get(email__iexact=PILOT.email)
    persona = User.objects.get(email__iexact=MEMBER.email)
    members = {p.pk: _members(p) for p in groups}
    found: dict[tuple[str, int | None], Workshop] = {}

    def once(spec: DemoWorkshop, participation: Participation | None, **extra: Any) -> bool:
        """The workshop of `spec` (built now if missing); whether it was just built."""
        data = _workshop_data(spec, today, participation, provider, **extra)
        key = (spec.key, participation.pk if participation is not None else None)
        existing = Workshop.objects.filter(fabrique=running, title=data["title"]).first()
        if existing is not None:
            found[key] = existing
            return False
        actor = pilot if participation is None else provider
        found[key] = _planned(running, data, spec, actor)
        report.built.append(f"la rencontre « {data['title']} »")
        return True

    for number, participation in enumerate(groups):
        group = members[participation.pk]
        referent = _referent(participation)
        first = number == 0
        if once(KICKOFF, participation):
            workshop = found[(KICKOFF.key, participation.pk)]
            _roll_call(
                workshop, group, provider, marks={2: Attendance.EXCUSED, 4: Attendance.ABSENT}
            )
            _minutes(
                workshop,
                body=MINUTES_KICKOFF,
                visibility=MinutesVisibility.GROUP,
                to=MinutesStatus.PUBLISHED,
                writer=provider,
                validator=referent,
            )
        if once(LOCAL_DIAGNOSIS, participation):
            workshop = found[(LOCAL_DIAGNOSIS.key, participation.pk)]
            _roll_call(workshop, group, provider, marks={3: Attendance.EXCUSED}, walk_in=group[1])
            if first:
                _minutes(
                    workshop,
                    body=MINUTES_DIAGNOSIS,
                    visibility=MinutesVisibility.PUBLIC,
                    to=MinutesStatus.PUBLISHED,
                    writer=provider,
                    validator=referent,
                    outcomes=_public_outcomes(group, today),
                )
        if once(LOCAL_SCENARIOS, participation):
            workshop = found[(LOCAL_SCENARIOS.key, participation.pk)]
            _roll_call(
                workshop,
                group,
                provider,
                marks={1: Attendance.EXCUSED, 4: Attendance.ABSENT},
            )
            _minutes(
                workshop,
                body=MINUTES_SCENARIOS if first else MINUTES_DRAFT,
                visibility=MinutesVisibility.GROUP,
                to=MinutesStatus.SHARED if first else MinutesStatus.DRAFT,
                writer=provider,
                validator=None,
            )
            if first:
                minutes_comment_add(minutes=workshop.minutes, actor=persona, text=SHARED_COMMENT)
        if once(LOCAL_COMING, participation, capacity=COMING_CAPACITY):
            workshop = found[(LOCAL_COMING.key, participation.pk)]
            invitations_send(workshop=workshop, members=group, actor=provider)
            # The persona first: she has a place; the last one asking waits.
            asking = sorted(group, key=lambda m: m.email != MEMBER.email)[: COMING_CAPACITY + 1]
            _answer(workshop, asking)

    everyone = [member for p in groups for member in members[p.pk]]
    if once(SEMINAR_PAST, None, mode=WorkshopMode.VIDEO, video_url=SEMINAR_VIDEO_URL):
        workshop = found[(SEMINAR_PAST.key, None)]
        # Four of the first group (the persona among them), three of the second.
        present = [
            *[m for m in members[groups[0].pk] if m.email == MEMBER.email],
            *[m for m in members[groups[0].pk] if m.email != MEMBER.email][:3],
            *[m for p in groups[1:] for m in members[p.pk][:3]],
        ]
        _roll_call(
            workshop,
            present,
            provider,
            marks={1: Attendance.ABSENT, len(present) - 1: Attendance.EXCUSED},
        )
        _minutes(
            workshop,
            body=MINUTES_SEMINAR,
            visibility=MinutesVisibility.FABRIQUE,
            to=MinutesStatus.PUBLISHED,
            writer=provider,
            validator=pilot,
        )
    if once(
        SEMINAR_COMING,
        None,
        capacity=SEMINAR_CAPACITY,
        places_per_territory=SEMINAR_PLACES_PER_TERRITORY,
        registration_deadline=_at(today + datetime.timedelta(days=SEMINAR_COMING.days - 7), 18),
    ):
        workshop = found[(SEMINAR_COMING.key, None)]
        invitations_send(workshop=workshop, members=everyone, actor=pilot)
        # Five of the first territory: two reserved places, then the free pool runs out
        # (the other territories' places stay reserved), so the fifth waits; two of the next.
        first_group = sorted(members[groups[0].pk], key=lambda m: m.email != MEMBER.email)
        _answer(workshop, [*first_group[:5], *[m for p in groups[1:] for m in members[p.pk][:2]]])

    figeac = groups[0].pk
    return DemoWorkshops(
        coming=found[(LOCAL_COMING.key, figeac)],
        roll_call=found[(LOCAL_SCENARIOS.key, figeac)],
        public_minutes=found[(LOCAL_DIAGNOSIS.key, figeac)],
        group_minutes=found[(KICKOFF.key, figeac)],
    )


def _accounts(
    running: Fabrique,
    open_fabrique: Fabrique,
    referents_group: Participation,
    workshops: DemoWorkshops,
    work: PublishedWork,
) -> list[DemoAccount]:
    slug = running.slug
    roadmap, recommendation = work.roadmap, work.recommendation
    roadmap_page = (
        f"la feuille de route adoptée et publiée « {roadmap.title} »",
        _path("roadmaps:detail", roadmap.pk),
    )
    roadmaps_page = (
        "les feuilles de route de la Fabrique publiée",
        _path("roadmaps:fabrique_list", work.fabrique.slug),
    )
    recommendations_page = (
        "les préconisations de la Fabrique publiée",
        _path("recommendations:fabrique_list", work.fabrique.slug),
    )
    recommendation_page = (
        f"la préconisation « {recommendation} », ses positions, sa réponse",
        _path("recommendations:detail", recommendation.pk),
    )
    coming, roll_call = workshops.coming, workshops.roll_call
    workshop_pages: tuple[tuple[str, str], ...] = (
        ("les rencontres de la Fabrique", _path("workshops:fabrique_workshops", slug)),
        (f"l’atelier à venir « {coming.title} »", _path("workshops:workshop_detail", coming.pk)),
        (
            f"le pointage des présences de « {roll_call.title} »",
            _path("workshops:check_in", roll_call.pk),
        ),
        (
            "un compte rendu publié, ses décisions et actions",
            _path("workshops:minutes", workshops.public_minutes.pk),
        ),
        ("les actions à suivre", _path("workshops:actions")),
    )
    representativeness = (
        "la représentativité des groupes de travail",
        _path("workshops:representativeness", slug),
    )
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
                *workshop_pages,
                representativeness,
                roadmap_page,
                (
                    "le suivi à un an remis de cette feuille de route",
                    _path("roadmaps:follow_up", roadmap.pk, 1),
                ),
                recommendations_page,
                recommendation_page,
            ),
        ),
        DemoAccount(
            role=f"{MembershipRole.PARTNER_MEMBER.label} ({PARTNER_NAME})",
            email=PARTNER.email,
            name=PARTNER.name,
            pages=(dashboard, fabrique_page, recommendations_page, recommendation_page),
        ),
        DemoAccount(
            role=f"{MembershipRole.PROVIDER_CONSULTANT.label} ({PROVIDER_NAME})",
            email=PROVIDER.email,
            name=PROVIDER.name,
            pages=(
                ("les livrables à rendre", _path("deliverables:dashboard")),
                ("les livrables de la Fabrique", _path("deliverables:fabrique_list", slug)),
                *workshop_pages,
                representativeness,
                roadmaps_page,
                roadmap_page,
            ),
        ),
        DemoAccount(
            role=f"{MembershipRole.ELECTED_REFERENT.label} (Figeac)",
            email=ELECTED.email,
            name=ELECTED.name,
            pages=(
                dashboard,
                fabrique_page,
                group_page,
                *workshop_pages,
                # A referent sees the figures of their own territory.
                (
                    f"{representativeness[0]} ({referents_group.label})",
                    f"{representativeness[1]}?territoire={referents_group.pk}",
                ),
            ),
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
        DemoAccount(
            role=f"Membre du groupe de travail local ({referents_group.label})",
            email=MEMBER.email,
            name=MEMBER.name,
            pages=(
                ("son espace : ses rencontres, ses inscriptions", _path("workshops:my_space")),
                (
                    f"l’atelier à venir où elle est inscrite « {coming.title} »",
                    _path("workshops:my_workshop", coming.pk),
                ),
                (
                    "un compte rendu publié pour le groupe",
                    _path("workshops:minutes", workshops.group_minutes.pk),
                ),
                ("son agenda personnel", _path("workshops:calendar_settings")),
            ),
        ),
    ]


# --- A published Fabrique: roadmaps, follow-up, recommendations ------------------------------


@dataclass(frozen=True)
class PublishedWork:
    """What the accounts and the public pages of the published Fabrique are sent to."""

    fabrique: Fabrique
    roadmap: Roadmap  # published, with its one-year follow-up handed in
    recommendation: Recommendation  # published, sent, answered, reviewed


def _study(fabrique: Fabrique, report: DemoReport) -> Study:
    """The published Fabrique's structural analysis, entered and run by its provider's
    consultant through the studio's services (variables, matrix, run)."""
    study = Study.objects.filter(fabrique=fabrique, title=DEMO_STUDY_TITLE).first()
    if study is not None:
        return study
    consultant = User.objects.get(email__iexact=PROVIDER.email)
    with transaction.atomic():
        study = study_create(
            fabrique=fabrique,
            actor=consultant,
            method=Method.MICMAC,
            title=DEMO_STUDY_TITLE,
            purpose=DEMO_STUDY_PURPOSE,
        )
        micmac_variables_save(
            study=study,
            actor=consultant,
            kept=[],
            added=list(DEMO_STUDY_VARIABLES),
            expected_version=study.lock_version,
        )
        micmac_matrix_save(
            study=study,
            actor=consultant,
            cells={
                (i, j): str(value)
                for i, row in enumerate(DEMO_STUDY_MATRIX)
                for j, value in enumerate(row)
            },
            expected_version=study.lock_version,
        )
        study_run(study=study, actor=consultant)
    report.built.append(f"l’étude « {DEMO_STUDY_TITLE} » (analyse structurelle, un calcul)")
    return study


def _studio(fabrique: Fabrique, micmac: Study, roadmap: Roadmap, report: DemoReport) -> None:
    """One study of each other method of the toolbox, each with a saved run (a closed Régnier
    vote, two Delphi rounds, named scenarios), built by the provider's consultant through the
    studio's services (fabriques/demo/studio_*.py); then a key variable of the structural
    analysis and the morphological scenario are retained and cited by the roadmap's sheets."""
    consultant = User.objects.get(email__iexact=PROVIDER.email)
    existing = set(Study.objects.filter(fabrique=fabrique).values_list("pk", flat=True))
    retained_before = RetainedResult.objects.filter(study__fabrique=fabrique).count()
    studies = {}
    for build in (
        demo_mactor,
        demo_cib,
        demo_morpho,
        demo_smic,
        demo_multipol,
        demo_regnier,
        demo_delphi,
    ):
        study = build(fabrique=fabrique, consultant=consultant)
        studies[study.method] = study
        if study.pk not in existing:
            report.built.append(f"l’étude « {study.title} » ({study.get_method_display()})")
    retained = demo_retained(
        study=micmac,
        roadmap=roadmap,
        consultant=consultant,
        scenario_study=studies.get(Method.MORPHO),
    )
    if RetainedResult.objects.filter(study__fabrique=fabrique).count() > retained_before:
        report.built.append(
            f"{len(retained)} résultats retenus, cités par les fiches de « {roadmap.title} »"
        )
    # The Fabrique's results are published: so are the two studies its roadmap's vision
    # draws on, on the public site (the other studies stay drafts, to show both).
    for shown in (micmac, studies.get(Method.MORPHO)):
        if shown is not None and shown.status != StudyStatus.PUBLISHED:
            study_update(
                study=shown,
                actor=consultant,
                data={"status": StudyStatus.PUBLISHED},
                meetings=list(shown.meetings.all()),
                expected_version=shown.lock_version,
            )
            report.built.append(f"la publication de l’étude « {shown.title} »")


DEMO_RESOURCE_TITLE = "Synthèse de la Fabrique (exemple de fichier)"


def _resource_file(fabrique: Fabrique, report: DemoReport) -> Resource:
    """A file among the published Fabrique's resources (a one-page PDF made here), downloaded
    through public:resource_file from the uploads' storage."""
    found = Resource.objects.filter(fabrique=fabrique, title=DEMO_RESOURCE_TITLE).first()
    if found is not None:
        return found
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": DEMO_RESOURCE_TITLE})
    buffer = io.BytesIO()
    writer.write(buffer)
    resource = Resource(fabrique=fabrique, title=DEMO_RESOURCE_TITLE, position=99)
    resource.file.save("synthese-exemple.pdf", ContentFile(buffer.getvalue()))
    report.built.append(f"le fichier « {DEMO_RESOURCE_TITLE} » parmi ses ressources")
    return resource


def _published_work(fabrique: Fabrique) -> PublishedWork:
    return PublishedWork(
        fabrique=fabrique,
        roadmap=Roadmap.objects.filter(fabrique=fabrique).order_by("participation__position")[0],
        recommendation=Recommendation.objects.filter(fabrique=fabrique).order_by("number")[0],
    )


def _day(year: int, when: tuple[int, int, int]) -> datetime.date:
    """A date given as (years after `year`, month, day)."""
    return datetime.date(year + when[0], when[1], when[2])


def _published_fabrique(
    now: datetime.datetime,
    admin: User,
    themes: dict[str, Theme],
    organisations: Organisations,
    territories: dict[tuple[str, str], Commune | Epci],
    report: DemoReport,
) -> Fabrique:
    """A Fabrique of PUBLISHED_YEARS_AGO years ago, ended and published.

    Designed through the services, its three territories added as import_programme adds a past
    cohort (participation_create). Its status is then written as the model (full_clean, history
    kept, the public data version bumped): reaching « publiée » through the cycle would need a
    call, four to eight territories and accepted deliverables, a whole other Fabrique's story
    that the running demo Fabrique already tells."""
    fabrique_year = timezone.localdate(now).year - PUBLISHED_YEARS_AGO
    year = ProgrammeYear.objects.filter(year=fabrique_year).first()
    if year is None:
        year = programme_year_create(year=fabrique_year, actor=admin)
        report.built.append(f"l’année de programme {fabrique_year}")
    fabrique, pilot = _designed(
        title=PUBLISHED_TITLE,
        summary=FICTION_NOTE,
        objective=(
            "**Démonstration.** Trois petites villes et leurs campagnes cherchent comment "
            "garantir l’accès à la santé de leurs habitants et les mobilités qui y mènent, "
            "jusque dans les quartiers prioritaires."
        ),
        theme=themes[PUBLISHED_THEME],
        start_month=datetime.date(fabrique_year, 1, 1),
        admin=admin,
        year=year,
        organisations=organisations,
    )
    for kind, code in PUBLISHED_TERRITORIES:
        territory = territories[(kind, code)]
        participation_create(
            fabrique=fabrique,
            kind=kind,
            commune=territory if isinstance(territory, Commune) else None,
            epci=territory if isinstance(territory, Epci) else None,
            label=territory.name,
            actor=pilot,
        )
    fabrique_organisation_add(
        fabrique=fabrique, organisation=organisations.provider, role=Role.PROVIDER, actor=pilot
    )
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
    fabrique.status = FabriqueStatus.PUBLISHED
    fabrique.full_clean()
    history_author_set(fabrique, pilot)
    fabrique.save(update_fields=["status", "updated_at"])
    bump_data_version()
    provider = User.objects.get(email__iexact=PROVIDER.email)
    participations = list(fabrique.participations.order_by("position", "pk"))
    roadmaps = [
        _published_roadmap(participation, spec, fabrique_year, provider, pilot)
        for participation, spec in zip(participations, PUBLISHED_ROADMAPS, strict=True)
    ]
    _follow_up(roadmaps[0], PUBLISHED_ROADMAPS[0], fabrique_year, now, pilot)
    _recommendations(fabrique, roadmaps, themes, organisations, fabrique_year, provider, pilot)
    return fabrique


def _published_roadmap(
    participation: Participation,
    spec: DemoRoadmap,
    fabrique_year: int,
    provider: User,
    pilot: User,
) -> Roadmap:
    """Drafted by the provider, reviewed by the pilot, validated and adopted (the deliberation
    recorded by the provider for the territory), published by the pilot."""
    roadmap = roadmap_create(participation=participation, actor=provider, title=spec.title)
    roadmap_update(
        roadmap=roadmap,
        actor=provider,
        expected_version=roadmap.lock_version,
        data={
            "horizon": fabrique_year + 10,
            "period_start": datetime.date(fabrique_year + 1, 1, 1),
            "period_end": datetime.date(fabrique_year + 3, 12, 31),
            "diagnostic": spec.diagnostic,
            "issues": spec.issues,
            "vision": spec.vision,
            "easy_summary": spec.easy_summary,
            "steering_body": spec.steering_body,
            "meeting_rhythm": "Tous les trimestres",
            "elected_referent": "Maire adjoint(e) à la santé (personne fictive)",
            "project_lead": "Chef(fe) de projet Petites villes de demain (personne fictive)",
        },
    )
    for name, role in spec.partners:
        roadmap_partner_create(roadmap=roadmap, actor=provider, name=name, role=role)
    kind, label, reference = spec.contract
    contract_link_create(
        roadmap=roadmap,
        actor=provider,
        data={
            "kind": kind,
            "label": label,
            "reference": reference,
            "signed_on": datetime.date(fabrique_year - 1, 6, 15),
        },
    )
    for axis_spec in spec.axes:
        axis = axis_create(
            roadmap=roadmap,
            actor=provider,
            title=axis_spec.title,
            description=axis_spec.description,
        )
        for sheet_spec in axis_spec.sheets:
            _sheet_written(roadmap, axis, sheet_spec, participation, fabrique_year, provider)
    roadmap_submit(roadmap=roadmap, actor=provider, note="Version issue du dernier atelier.")
    roadmap_review(
        roadmap=roadmap,
        actor=pilot,
        comment="Feuille de route claire et financée ; merci pour les indicateurs datés.",
    )
    roadmap_validate(
        roadmap=roadmap, actor=provider, committee_date=datetime.date(fabrique_year, 11, 11)
    )
    roadmap_adopt(
        roadmap=roadmap,
        actor=provider,
        body=f"Conseil municipal de {participation.label}",
        date=datetime.date(fabrique_year, 12, 8),
        number=f"{fabrique_year}-DEMO-{participation.position + 1:02d} (fictive)",
        file=fictional_pdf(f"Délibération d’adoption — {participation.label}"),
    )
    roadmap_publish(roadmap=roadmap, actor=pilot)
    return Roadmap.objects.get(pk=roadmap.pk)


def _sheet_written(
    roadmap: Roadmap,
    axis: Axis,
    spec: DemoSheet,
    participation: Participation,
    fabrique_year: int,
    provider: User,
) -> ActionSheet:
    """A sheet with its steps, partners, budget, financing plan, indicator and its values, and
    the status it had reached when the roadmap was published."""
    sheet = sheet_create(
        roadmap=roadmap,
        actor=provider,
        data={
            "axis": axis,
            "title": spec.title,
            "description": spec.description,
            "objectives": spec.objectives,
            "commune": participation.commune,
            "pilot_organisation": spec.pilot_organisation,
            "pilot_person": spec.pilot_person,
            "priority": spec.priority,
            "maturity": spec.maturity,
            "planned_start": _day(fabrique_year, spec.planned[0]),
            "planned_end": _day(fabrique_year, spec.planned[1]),
        },
    )
    for name, done, due in spec.steps:
        sheet_part_create(
            sheet=sheet,
            actor=provider,
            part="step",
            data={"name": name, "done": done, "due_on": _day(fabrique_year, due)},
        )
    for name, role in spec.partners:
        sheet_part_create(
            sheet=sheet, actor=provider, part="partner", data={"name": name, "role": role}
        )
    for years_after, nature, planned, actual in spec.budget:
        sheet_part_create(
            sheet=sheet,
            actor=provider,
            part="budget",
            data={
                "year": fabrique_year + years_after,
                "nature": nature,
                "planned": Decimal(planned),
                "actual": None if actual is None else Decimal(actual),
            },
        )
    for funder, scheme, asked, granted, status in spec.funding:
        sheet_part_create(
            sheet=sheet,
            actor=provider,
            part="funding",
            data={
                "funder": funder,
                "scheme": scheme,
                "amount_asked": Decimal(asked),
                "amount_granted": None if granted is None else Decimal(granted),
                "status": status,
            },
        )
    definition, unit, target, values = spec.indicator
    indicator = sheet_part_create(
        sheet=sheet,
        actor=provider,
        part="indicator",
        data={
            "definition": definition,
            "unit": unit,
            "target": Decimal(target),
            "target_on": datetime.date(fabrique_year + 3, 12, 31),
            "source": "Tableau de bord du comité de pilotage (fictif)",
        },
    )
    assert isinstance(indicator, Indicator)
    for when, value in values:
        indicator_value_create(
            indicator=indicator,
            actor=provider,
            data={"measured_on": _day(fabrique_year, when), "value": Decimal(value)},
        )
    if spec.status != SheetStatus.NOT_STARTED:
        sheet_status_change(
            sheet=sheet,
            actor=provider,
            status=spec.status,
            changed_on=_day(fabrique_year, spec.status_on),
        )
    return sheet


def _follow_up(
    roadmap: Roadmap,
    spec: DemoRoadmap,
    fabrique_year: int,
    now: datetime.datetime,
    pilot: User,
) -> None:
    """The one-year follow-up, opened as the daily job opens it and handed in: each sheet's
    status, money spent and granted, a comment, and a year-end value of each indicator."""
    follow_up = follow_up_open(
        roadmap=roadmap, horizon=FollowUpHorizon.ONE_YEAR, today=timezone.localdate(now)
    )
    assert follow_up is not None
    entries = {e.sheet.title: e for e in follow_up.entries.select_related("sheet")}
    sheets = [sheet for axis in spec.axes for sheet in axis.sheets if sheet.follow_up]
    indicators = {
        i.sheet.title: i
        for i in Indicator.objects.filter(sheet__roadmap=roadmap).select_related("sheet")
    }
    answers = []
    values = []
    for sheet in sheets:
        assert sheet.follow_up is not None
        status, spent, granted, comment = sheet.follow_up
        entry = entries[sheet.title]
        answers.append(
            EntryData(
                entry_id=entry.pk,
                status=status,
                actual_start=_day(fabrique_year, sheet.planned[0]) if spent else None,
                actual_end=_day(fabrique_year, sheet.status_on)
                if status == SheetStatus.DONE
                else None,
                spent=Decimal(spent),
                granted=Decimal(granted),
                comment=comment,
            )
        )
        last = sheet.indicator[3][-1][1] if sheet.indicator[3] else 0
        values.append(
            IndicatorValueData(
                indicator_id=indicators[sheet.title].pk,
                measured_on=datetime.date(fabrique_year + 1, 12, 31),
                value=Decimal(last + (sheet.indicator[2] - last) // 2),
                source="Suivi à un an (fictif)",
            )
        )
    follow_up_save(follow_up=follow_up, actor=pilot, entries=answers, values=values, close=True)


def _recommendations(
    fabrique: Fabrique,
    roadmaps: list[Roadmap],
    themes: dict[str, Theme],
    organisations: Organisations,
    fabrique_year: int,
    provider: User,
    pilot: User,
) -> None:
    """Written by the provider, opened to the positions, the association's recorded by the
    pilot and the partner's given by the partner persona, published by the pilot; the first
    one sent to its correspondent, answered and reviewed."""
    partner = User.objects.get(email__iexact=PARTNER.email)
    sheets = {
        s.title: s
        for s in ActionSheet.objects.filter(roadmap__fabrique=fabrique).select_related("roadmap")
    }
    given_on = datetime.date(fabrique_year, 12, 15)
    published = []
    for spec in PUBLISHED_RECOMMENDATIONS:
        evidence = [sheets[title] for title in spec.sheets]
        recommendation = recommendation_create(
            fabrique=fabrique,
            actor=provider,
            data={
                "title": spec.title,
                "finding": spec.finding,
                "proposal": spec.proposal,
                "kind": spec.kind,
                "theme": themes[PUBLISHED_THEME],
                "addressee_kind": spec.addressee_kind,
                "addressee": spec.addressee,
                "target_text": spec.target_text,
            },
            participations=[r.participation for r in roadmaps],
            action_sheets=evidence,
        )
        recommendation = recommendation_open(recommendation=recommendation, actor=provider)
        (association_stance, association_comment), (partner_stance, partner_comment) = (
            spec.positions
        )
        position_give(
            recommendation=recommendation,
            organisation=organisations.association,
            actor=pilot,
            stance=association_stance,
            comment=association_comment,
            signatory="La présidente de l’association (personne fictive)",
            given_on=given_on,
        )
        position_give(
            recommendation=recommendation,
            organisation=organisations.partner,
            actor=partner,
            stance=partner_stance,
            comment=partner_comment,
            signatory=PARTNER.name,
            given_on=given_on,
        )
        published.append(recommendation_publish(recommendation=recommendation, actor=pilot))
    answered = published[0]
    answered = sending_record(
        recommendation=answered,
        actor=pilot,
        correspondent=ANSWERED_CORRESPONDENT,
        sent_on=datetime.date(fabrique_year + 1, 1, 20),
    )
    answer_add(
        recommendation=answered,
        actor=pilot,
        answered_on=datetime.date(fabrique_year + 1, 4, 2),
        text=ANSWER_TEXT,
    )
    review_record(
        recommendation=answered,
        actor=pilot,
        review=ReviewData(
            horizon=ReviewHorizon.AT_ANSWER,
            reviewed_on=datetime.date(fabrique_year + 1, 4, 2),
            degree=Implementation.PARTIALLY,
            measure=ANSWER_MEASURE,
            comment="La révision tous les deux ans n’est pas retenue.",
        ),
    )
