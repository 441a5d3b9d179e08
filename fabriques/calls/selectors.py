"""Reads for calls and applications: public call pages, the review table, scores, guards."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fabriques.accounts.roles import Grants
from fabriques.core.text import normalize
from fabriques.core.versioning import cached_by_version
from fabriques.programme.models import Fabrique, FabriqueStatus
from fabriques.territories.models import ParticipationKind
from fabriques.territories.selectors import TerritoryMatch, territory_code, territory_search

from .models import (
    Application,
    ApplicationScore,
    ApplicationStatus,
    Call,
    CallCriterion,
)

# Statuses of a Fabrique whose call has been published (the call page exists).
CALL_PUBLISHED_STATUSES = tuple(
    s for s in FabriqueStatus.values if s not in (FabriqueStatus.IDEA, FabriqueStatus.DESIGNED)
)


# --------------------------------------------------------------------------------------------
# Guards and summaries used by the Fabrique cycle and dashboards


def call_open_problems(*, fabrique: Fabrique, now: datetime.datetime | None = None) -> list[str]:
    """What is missing before the Fabrique's call can open, in French (empty when ready)."""
    now = now or timezone.now()
    call = Call.objects.filter(fabrique=fabrique).annotate(criteria_count=Count("criteria")).first()
    if call is None:
        return [_("Aucun appel à volontaires n’est rédigé pour cette Fabrique.")]
    problems = []
    if not call.introduction.strip():
        problems.append(_("L’appel n’a pas de texte de présentation."))
    if call.closes_at is None:
        problems.append(_("L’appel n’a pas de date de clôture."))
    elif call.closes_at <= now:
        problems.append(
            _("La date de clôture de l’appel (%(date)s) est passée.")
            % {"date": date_format(timezone.localtime(call.closes_at), "j F Y à H:i")}
        )
    if not call.criteria_count:
        problems.append(_("L’appel n’a aucun critère de sélection."))
    return problems


def call_early_close_warnings(
    *, fabrique: Fabrique, now: datetime.datetime | None = None
) -> list[str]:
    """What moving the Fabrique on now would do to a call still open, in French (empty when
    the announced closing date has passed or there is no call): the cycle asks the person to
    confirm these before the move.
    """
    now = now or timezone.now()
    call = (
        Call.objects.filter(fabrique=fabrique, closes_at__gt=now)
        .annotate(
            drafts=Count("applications", filter=Q(applications__status=ApplicationStatus.DRAFT))
        )
        .first()
    )
    if call is None or call.closes_at is None:
        return []
    warnings = [
        _(
            "L’appel annonce une clôture le %(date)s : passer maintenant à la sélection le ferme "
            "avant cette date, et la page publique de l’appel ne prend plus de candidature."
        )
        % {"date": date_format(timezone.localtime(call.closes_at), "j F Y à H:i")}
    ]
    if call.drafts:
        warnings.append(
            ngettext(
                "%(count)d candidature est encore à l’état de brouillon : elle ne pourra plus être "
                "déposée, et son auteur en sera informé par courriel.",
                "%(count)d candidatures sont encore à l’état de brouillon : elles ne pourront plus "
                "être déposées, et leurs auteurs en seront informés par courriel.",
                call.drafts,
            )
            % {"count": call.drafts}
        )
    return warnings


@dataclass(frozen=True)
class SelectionSummary:
    """How many applications a Fabrique's call has, by status."""

    draft: int = 0
    submitted: int = 0
    shortlisted: int = 0
    selected: int = 0
    rejected: int = 0

    @property
    def received(self) -> int:
        """Deposited applications (drafts are the applicants' own business)."""
        return self.submitted + self.shortlisted + self.selected + self.rejected

    @property
    def undecided(self) -> int:
        return self.submitted + self.shortlisted


def selection_summary(*, fabrique: Fabrique) -> SelectionSummary:
    """Counts of the Fabrique's applications by status (1 query)."""
    counts = dict(
        Application.objects.filter(call__fabrique=fabrique)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return SelectionSummary(
        **{status: counts.get(status, 0) for status in ApplicationStatus.values}
    )


# --------------------------------------------------------------------------------------------
# Public call pages


def open_calls(*, now: datetime.datetime | None = None) -> list[Call]:
    """Calls of Fabriques in call_open that have not closed yet, closing soonest first (1 query)."""
    now = now or timezone.now()
    return list(
        Call.objects.filter(fabrique__status=FabriqueStatus.CALL_OPEN, closes_at__gt=now)
        .select_related("fabrique__programme_year")
        .order_by("closes_at", "fabrique__title")
    )


@dataclass(frozen=True)
class CallDates:
    """A published call in call_open, as the menu, the home page and /appels/ show it."""

    slug: str
    title: str
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime

    def is_open(self, now: datetime.datetime) -> bool:
        """The same rule as Call.state for a Fabrique in call_open."""
        return (self.opens_at is None or self.opens_at <= now) and now < self.closes_at

    def is_upcoming(self, now: datetime.datetime) -> bool:
        return self.opens_at is not None and now < self.opens_at


@dataclass(frozen=True)
class CallCalendar:
    """The calls of Fabriques in call_open, filtered at read time: the cached list stays true
    as the clock passes an opening or a closing date."""

    calls: tuple[CallDates, ...]

    def open(self, now: datetime.datetime | None = None) -> list[CallDates]:
        """Open calls, closing soonest first."""
        now = now or timezone.now()
        return [c for c in self.calls if c.is_open(now)]

    def upcoming(self, now: datetime.datetime | None = None) -> list[CallDates]:
        """Published calls that have not opened yet, opening soonest first."""
        now = now or timezone.now()
        return sorted(
            (c for c in self.calls if c.is_upcoming(now)),
            key=lambda c: (c.opens_at, c.closes_at, c.title),
        )


def call_calendar() -> CallCalendar:
    """Dates of every call in call_open, cached per data version (see core.versioning): one
    query when cached (the version), two otherwise. Fabrique and call writes bump the
    version."""
    return cached_by_version("call-calendar", _call_calendar)


def _call_calendar() -> CallCalendar:
    rows = (
        Call.objects.filter(fabrique__status=FabriqueStatus.CALL_OPEN, closes_at__isnull=False)
        .order_by("closes_at", "fabrique__title")
        .values_list("fabrique__slug", "fabrique__title", "opens_at", "closes_at")
    )
    return CallCalendar(
        calls=tuple(
            CallDates(slug=slug, title=title, opens_at=opens_at, closes_at=closes_at)
            for slug, title, opens_at, closes_at in rows
            if closes_at is not None  # filtered above; for the type checker
        )
    )


def public_call(*, slug: str) -> Call | None:
    """A Fabrique's call once published (call_open or later), with its criteria (2 queries)."""
    return (
        Call.objects.filter(fabrique__slug=slug, fabrique__status__in=CALL_PUBLISHED_STATUSES)
        .select_related("fabrique__programme_year")
        .prefetch_related(
            "fabrique__themes",
            Prefetch("criteria", queryset=CallCriterion.objects.order_by("position", "id")),
        )
        .first()
    )


# --------------------------------------------------------------------------------------------
# Applications

APPLICATION_RELATED = ("call__fabrique", "commune", "epci", "qpv", "departement")


def applications_of(*, user) -> list[Application]:
    """The applications a person filled in, newest first (1 query)."""
    return list(
        Application.objects.filter(applicant=user)
        .select_related(*APPLICATION_RELATED)
        .order_by("-updated_at", "-id")
    )


def draft_of(*, call: Call, user) -> Application | None:
    """The person's latest draft for this call, to resume it."""
    return (
        Application.objects.filter(call=call, applicant=user, status=ApplicationStatus.DRAFT)
        .select_related(*APPLICATION_RELATED)
        .order_by("-updated_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class WeightedScore:
    """Sum of score × weight over sum of maximum × weight, as a percentage."""

    points: int
    maximum: int
    scored: int  # criteria scored
    criteria: int  # criteria of the call

    @property
    def percent(self) -> Decimal | None:
        if not self.maximum or not self.scored:
            return None
        return (Decimal(100) * self.points / self.maximum).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def complete(self) -> bool:
        return self.scored == self.criteria


def weighted_score(
    *, scores: dict[int, int], criteria: list[CallCriterion] | list[tuple[int, int, int]]
) -> WeightedScore:
    """The weighted total of criterion id → score, over all the call's criteria.

    `criteria` are CallCriterion rows or (id, weight, max_score) tuples. An unscored criterion
    counts zero points, and the score says how many were scored.
    """
    rows = [(c.pk, c.weight, c.max_score) if isinstance(c, CallCriterion) else c for c in criteria]
    points = sum(scores[pk] * weight for pk, weight, _max in rows if pk in scores)
    maximum = sum(weight * max_score for _pk, weight, max_score in rows)
    scored = sum(1 for pk, _w, _m in rows if pk in scores)
    return WeightedScore(points=points, maximum=maximum, scored=scored, criteria=len(rows))


@dataclass
class ReviewRow:
    application: Application
    score: WeightedScore


@dataclass
class ReviewTable:
    call: Call
    page: Page
    rows: list[ReviewRow]
    summary: SelectionSummary
    criteria: list[CallCriterion] = field(default_factory=list)


REVIEW_ORDERINGS = {
    "depot": ("-submitted_at", "-id"),
    "score": ("-weighted_points", "-submitted_at", "-id"),
    "departement": ("departement__code", "-submitted_at", "-id"),
}


def _review_rows(*, call: Call, status: str | None, order: str) -> QuerySet[Application]:
    """A call's deposited applications, filtered and ordered as the review table shows them,
    each with its summed weighted points and number of scored criteria."""
    rows = Application.objects.filter(call=call).exclude(status=ApplicationStatus.DRAFT)
    if status:
        rows = rows.filter(status=status)
    rows = rows.annotate(
        weighted_points=Coalesce(
            Sum(F("scores__score") * F("scores__criterion__weight")),
            Value(0),
            output_field=IntegerField(),
        ),
        scored_count=Count("scores"),
    )
    return rows.order_by(*REVIEW_ORDERINGS.get(order, REVIEW_ORDERINGS["depot"]))


def application_review_table(
    *,
    call: Call,
    status: str | None = None,
    order: str = "depot",
    page_number: int | str | None = 1,
    per_page: int = 25,
) -> ReviewTable:
    """Deposited applications of a call, one page, each with its weighted score.

    Fixed cost whatever the number of applications: criteria (1), status counts (1),
    page count (1), page rows with their territory and summed weighted points (1).
    """
    criteria = list(call.criteria.order_by("position", "id"))
    summary = selection_summary(fabrique=call.fabrique)
    rows = _review_rows(call=call, status=status, order=order).select_related(
        "commune", "epci", "qpv", "departement"
    )
    page = Paginator(rows, per_page).get_page(page_number)
    maximum = sum(c.weight * c.max_score for c in criteria)
    table_rows = [
        ReviewRow(
            application=application,
            score=WeightedScore(
                points=application.weighted_points,  # type: ignore[attr-defined]
                maximum=maximum,
                scored=application.scored_count,  # type: ignore[attr-defined]
                criteria=len(criteria),
            ),
        )
        for application in page.object_list
    ]
    return ReviewTable(call=call, page=page, rows=table_rows, summary=summary, criteria=criteria)


@dataclass(frozen=True)
class Neighbours:
    previous: int | None
    next: int | None
    position: int  # 1-based place in the list, 0 when the application is not in it
    total: int


def review_neighbours(
    *, application: Application, status: str | None = None, order: str = "depot"
) -> Neighbours:
    """The applications before and after this one in its call's review list, with the same
    filter and order (1 query, ids only)."""
    ids = list(
        _review_rows(call=application.call, status=status, order=order).values_list("pk", flat=True)
    )
    if application.pk not in ids:
        return Neighbours(previous=None, next=None, position=0, total=len(ids))
    index = ids.index(application.pk)
    return Neighbours(
        previous=ids[index - 1] if index > 0 else None,
        next=ids[index + 1] if index + 1 < len(ids) else None,
        position=index + 1,
        total=len(ids),
    )


# --------------------------------------------------------------------------------------------
# Received applications across Fabriques (ANCT)


@dataclass
class ReceivedRow:
    application: Application
    score: WeightedScore


@dataclass
class ReceivedTable:
    page: Page
    rows: list[ReceivedRow]


def received_fabriques(*, grants: Grants) -> list[Fabrique]:
    """The Fabriques with a call whose applications the person manages, for the filter
    (1 query): every one for an administrator, a pilot's own otherwise."""
    queryset = Fabrique.objects.filter(call__isnull=False)
    if not grants.is_admin:
        queryset = queryset.filter(pk__in=grants.piloted)
    return list(
        queryset.select_related("programme_year").order_by("-programme_year__year", "title")
    )


def received_applications(
    *,
    grants: Grants,
    fabrique_id: int | None = None,
    status: str = "",
    page_number: int | str | None = 1,
    per_page: int = 25,
) -> ReceivedTable:
    """Deposited applications of every call the person manages, newest first, one page.

    Scoped to the grants: an administrator sees every call's, a pilot those of the Fabriques
    they pilot, nobody else any. Fixed cost: page count (1), page rows with their Fabrique,
    territory, weighted points and their call's maximum (1).
    """
    rows = Application.objects.exclude(status=ApplicationStatus.DRAFT)
    if not grants.is_admin:
        rows = rows.filter(call__fabrique_id__in=grants.piloted)
    if fabrique_id is not None:
        rows = rows.filter(call__fabrique_id=fabrique_id)
    if status:
        rows = rows.filter(status=status)
    criteria = CallCriterion.objects.filter(call=OuterRef("call")).order_by().values("call")
    rows = (
        rows.select_related(
            "call__fabrique__programme_year", "commune", "epci", "qpv", "departement"
        )
        .annotate(
            weighted_points=Coalesce(
                Sum(F("scores__score") * F("scores__criterion__weight")),
                Value(0),
                output_field=IntegerField(),
            ),
            scored_count=Count("scores"),
            maximum=Coalesce(
                Subquery(
                    criteria.annotate(m=Sum(F("weight") * F("max_score"))).values("m")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            criteria_count=Coalesce(
                Subquery(criteria.annotate(n=Count("pk")).values("n")[:1]), Value(0)
            ),
        )
        .order_by("-submitted_at", "-id")
    )
    page = Paginator(rows, per_page).get_page(page_number)
    return ReceivedTable(
        page=page,
        rows=[
            ReceivedRow(
                application=a,
                score=WeightedScore(
                    points=a.weighted_points,  # type: ignore[attr-defined]
                    maximum=a.maximum,  # type: ignore[attr-defined]
                    scored=a.scored_count,  # type: ignore[attr-defined]
                    criteria=a.criteria_count,  # type: ignore[attr-defined]
                ),
            )
            for a in page.object_list
        ],
    )


# --------------------------------------------------------------------------------------------
# Export for the selection committee


@dataclass(frozen=True)
class ExportTable:
    header: list[str]
    rows: list[list[str]]


def _decimal_fr(value: Decimal | None) -> str:
    return "" if value is None else str(value).replace(".", ",")


def application_export_table(*, call: Call) -> ExportTable:
    """The call's deposited applications with their scores, for the selection committee.

    No contact data (names, addresses, phone numbers): the territory, its population, the
    dates, each criterion's score, the weighted total, the status and ANCT's comment.
    Fixed cost: criteria (1), applications with their territory (1), scores (1).
    """
    criteria = list(call.criteria.order_by("position", "id"))
    applications = list(
        Application.objects.filter(call=call)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("commune", "epci", "qpv", "departement")
        .order_by("-submitted_at", "-id")
    )
    scores: dict[int, dict[int, int]] = {}
    for application_id, criterion_id, score in ApplicationScore.objects.filter(
        application__in=applications
    ).values_list("application_id", "criterion_id", "score"):
        scores.setdefault(application_id, {})[criterion_id] = score
    header = [
        _("Territoire"),
        _("Type de territoire"),
        _("Département"),
        _("Population"),
        _("Déposée le"),
        *(
            _("%(label)s (sur %(max)d, pondération %(weight)d)")
            % {"label": c.label, "max": c.max_score, "weight": c.weight}
            for c in criteria
        ),
        _("Note pondérée (%)"),
        _("Critères notés"),
        _("Statut"),
        _("Commentaire de l’ANCT"),
    ]
    rows = []
    for application in applications:
        own = scores.get(application.pk, {})
        total = weighted_score(scores=own, criteria=criteria)
        territory = application.territory
        population = getattr(territory, "population", None)
        rows.append(
            [
                application.territory_label,
                application.get_kind_display(),
                f"{application.departement.name} ({application.departement.code})",
                "" if population is None else str(population),
                date_format(timezone.localtime(application.submitted_at), "Y-m-d H:i")
                if application.submitted_at
                else "",
                *("" if c.pk not in own else str(own[c.pk]) for c in criteria),
                _decimal_fr(total.percent),
                f"{total.scored}/{total.criteria}",
                application.get_status_display(),
                application.pilot_comment,
            ]
        )
    return ExportTable(header=[str(h) for h in header], rows=rows)


@dataclass
class ScoreLine:
    criterion: CallCriterion
    score: ApplicationScore | None


@dataclass
class ScoreSheet:
    lines: list[ScoreLine]
    total: WeightedScore


def application_score_sheet(*, application: Application) -> ScoreSheet:
    """Each criterion of the application's call with its current score (2 queries)."""
    criteria = list(application.call.criteria.order_by("position", "id"))
    scores = {
        s.criterion_id: s
        for s in ApplicationScore.objects.filter(application=application).select_related(
            "scored_by"
        )
    }
    lines = [ScoreLine(criterion=c, score=scores.get(c.pk)) for c in criteria]
    total = weighted_score(scores={pk: s.score for pk, s in scores.items()}, criteria=criteria)
    return ScoreSheet(lines=lines, total=total)


# --------------------------------------------------------------------------------------------
# Territory resolution (the application form without JavaScript)

_TRAILING_CODE = re.compile(r"\(([0-9A-Za-z]{2,9})\)\s*$")


def territory_from_ref(ref: str, *, kinds: tuple[str, ...] | None = None) -> TerritoryMatch | None:
    """The territory named by a « kind:pk » reference from the autocomplete, if it exists."""
    kind, _sep, pk = (ref or "").partition(":")
    if kind not in ParticipationKind.values or not pk.isdigit():
        return None
    if kinds is not None and kind not in kinds:
        return None
    from fabriques.territories.models import ENTITY_MODELS

    row: Any = (
        ENTITY_MODELS[kind]
        ._default_manager.select_related("departement")
        .filter(pk=int(pk))
        .first()
    )
    if row is None:
        return None
    return TerritoryMatch(
        kind=kind,
        pk=row.pk,
        name=row.name,
        code=territory_code(row),
        departement_code=row.departement.code,
        departement_name=row.departement.name,
        rank=0,
    )


def territory_resolve(
    *, text: str, ref: str = "", kinds: tuple[str, ...] | None = None
) -> TerritoryMatch:
    """The one territory a person typed (a name or a code) or picked in the autocomplete.

    Raises ValidationError with a French message when nothing or several territories match;
    the message lists the candidates so that a person without JavaScript can pick by code.
    """
    text = (text or "").strip()
    picked = territory_from_ref(ref, kinds=kinds)
    if picked is not None and normalize(text) in {normalize(picked.label), normalize(picked.name)}:
        return picked
    if not text:
        raise ValidationError(_("Indiquez le nom ou le code du territoire."), code="required")
    code_match = _TRAILING_CODE.search(text)
    query = code_match.group(1) if code_match else text
    matches = territory_search(q=query, kinds=kinds)
    if code_match:
        matches = [m for m in matches if m.code.lower() == query.lower()]
    exact = [m for m in matches if m.rank == 0]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(
            _(
                "Aucun territoire ne correspond à « %(text)s ». Saisissez le nom de la commune, "
                "de l’intercommunalité ou du quartier prioritaire, ou son code (code INSEE, "
                "SIREN ou code QPV)."
            )
            % {"text": text},
            code="not_found",
        )
    candidates = exact or matches
    listing = " ; ".join(
        f"{m.label}, {m.kind_label.lower()}, {m.departement_name}" for m in candidates[:5]
    )
    if len(candidates) > 5:
        listing += " ; …"
    raise ValidationError(
        _(
            "Plusieurs territoires correspondent à « %(text)s » : %(listing)s. "
            "Précisez le nom ou saisissez le code du territoire qui candidate."
        )
        % {"text": text, "listing": listing},
        code="ambiguous",
    )


def review_queryset() -> QuerySet[Application]:
    return Application.objects.select_related(*APPLICATION_RELATED, "applicant", "participation")
