"""Reads of the votes on phones: a study's votes, the projected grid as it fills in, what a
voter sees, the figures of a Régnier or Delphi run. Query counts asserted in
tests/test_votes.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from foresight import regnier

from .. import charts
from ..charts.regnier import CELL_FILLS, colour_names
from ..models import Ballot, Method, Study, StudyRun, TokenMode, Voter, VoteSession, VoteStatus
from ..services.votes import token_hash

VOTES_PER_PAGE = 20


def study_votes_page(*, study: Study, page: Any = 1) -> Page[Any]:
    """The study's votes, latest first, with their participant and ballot counts (two
    queries)."""
    sessions = (
        VoteSession.objects.filter(study=study)
        .annotate(
            voter_count=Count("voters", distinct=True),
            ballot_count=Count("ballots", distinct=True),
        )
        .order_by("-opened_at", "-pk")
    )
    return Paginator(sessions, VOTES_PER_PAGE).get_page(page)


def open_vote(study: Study) -> VoteSession | None:
    return VoteSession.objects.filter(study=study, status=VoteStatus.OPEN).first()


def voter_for_token(session: VoteSession, token: str) -> Voter | None:
    """The participant holding this token in this vote (one query), None for a stranger."""
    if not token:
        return None
    return Voter.objects.filter(session=session, token_hash=token_hash(token)).first()


@dataclass(frozen=True)
class Colour:
    code: str
    letters: str
    name: str
    fill: str


def colours() -> list[Colour]:
    """The seven colours of the abacus, with their letters and names (never colour alone)."""
    names = colour_names()
    return [Colour(code, *names[code], CELL_FILLS[code]) for code in regnier.COLOURS]


@dataclass
class LiveItem:
    position: int
    name: str
    answers: int = 0
    counts: list[tuple[Colour, int]] = field(default_factory=list)


@dataclass
class Live:
    """The projected grid: how many joined and answered, the colours per statement, and the
    abacus of the participants who voted on every statement so far."""

    joined: int
    answered: int
    items: list[LiveItem]
    abacus: charts.Chart | None


def vote_live(session: VoteSession, *, with_names: bool) -> Live:
    """Counts and colours only; participants' names only for a nominative vote on the
    facilitator's page (`with_names`). Two queries whatever the number of voters."""
    joined = Voter.objects.filter(session=session).count()
    rows = list(
        Ballot.objects.filter(session=session)
        .order_by("voter__joined_at", "voter_id", "item")
        .values_list("voter_id", "voter__name", "item", "value")
    )
    items = [
        LiveItem(position=item, name=label["name"])
        for item, label in zip(session.items, session.item_labels, strict=True)
    ]
    by_item = {item.position: item for item in items}
    per_voter: dict[int, dict[int, str]] = defaultdict(dict)
    names: dict[int, str] = {}
    counters: dict[int, Counter[str]] = defaultdict(Counter)
    for voter_id, name, position, value in rows:
        if position not in by_item:
            continue
        by_item[position].answers += 1
        per_voter[voter_id][position] = value
        names[voter_id] = name
        counters[position][value] += 1
    abacus = None
    if session.study.method == Method.REGNIER:
        palette = colours()
        for item in items:
            item.counts = [(c, counters[item.position][c.code]) for c in palette]
        complete = [v for v, votes in per_voter.items() if len(votes) == len(items)]
        if complete:
            named = with_names and session.token_mode == TokenMode.NAMED
            document = {
                "statements": [item.name for item in items],
                "votes": [[per_voter[v][item.position] for v in complete] for item in items],
                "participants": _unique(
                    [
                        names[v] if named and names[v] else f"P{k}"
                        for k, v in enumerate(complete, start=1)
                    ]
                ),
                "sort": session.study.inputs.get("sort", "consensus"),
            }
            result = regnier.solve(regnier.parse(document)).to_dict()
            abacus = charts.regnier_abacus(result, document["votes"], id_prefix="abaque-direct")
    return Live(joined=joined, answered=len(per_voter), items=items, abacus=abacus)


def _unique(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def voter_answers(voter: Voter) -> dict[int, Ballot]:
    """The voter's ballots by item (one query)."""
    return {b.item: b for b in Ballot.objects.filter(voter=voter)}


def delphi_previous_round(session: VoteSession) -> dict[str, dict[str, Any]]:
    """Each question's figures from the previous round (median, quartiles, number of
    answers), as `foresight.delphi` computed them when that round was closed (one query)."""
    if session.round <= 1:
        return {}
    previous = (
        VoteSession.objects.filter(
            study_id=session.study_id, status=VoteStatus.CLOSED, round=session.round - 1
        )
        .select_related("run")
        .order_by("-closed_at", "-pk")
        .first()
    )
    if previous is None or previous.run is None:
        return {}
    figures = {}
    for question in previous.run.output.get("questions", []):
        for found in question["rounds"]:
            if found["round"] == previous.round - 1:
                figures[question["name"]] = found
    return figures


# The results of a run (methods.SCREENS) ----------------------------------------------------------


def _anonymous(output: Mapping[str, Any]) -> dict[str, Any]:
    participants = [{**p, "name": f"P{p['position'] + 1}"} for p in output.get("participants", [])]
    return {**output, "participants": participants}


def regnier_figures(run: StudyRun) -> dict[str, list[charts.Chart]]:
    """The abacus with the participants' names (the team's pages) and without (the public
    page): no query."""
    votes = run.input["votes"]
    return {
        "named": [charts.regnier_abacus(run.output, votes, id_prefix="abaque")],
        "anonymous": [charts.regnier_abacus(_anonymous(run.output), votes, id_prefix="abaque")],
    }


def delphi_figures(run: StudyRun) -> list[charts.Chart]:
    """One box-plot figure per question, its rounds side by side (no query)."""
    answers = {q["name"]: q["rounds"] for q in run.input.get("questions", [])}
    return [
        charts.delphi_boxplots(question, answers[question["name"]], id_prefix=f"delphi-{k}")
        for k, question in enumerate(run.output.get("questions", []), start=1)
    ]


def delphi_convergence(run: StudyRun) -> list[dict[str, Any]]:
    """Per question, as `foresight.delphi` computed it: rounds, the last round's median and
    interquartile range, whether it converges and reaches consensus (no query)."""
    rows = []
    for question in run.output.get("questions", []):
        last = question["rounds"][-1]
        rows.append(
            {
                "name": question["name"],
                "rounds": len(question["rounds"]),
                "median": last["median"],
                "iqr": last["iqr"],
                "converging": question["converging"],
                "consensus": question["consensus"],
            }
        )
    return rows


def vote_summary(study: Study) -> dict[str, Any]:
    """The study page's inputs section of a Régnier or Delphi study (one query)."""
    counts = VoteSession.objects.filter(study=study).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status=VoteStatus.OPEN))
    )
    return {"vote_total": counts["total"], "vote_open": counts["open"]}


def item_names(study: Study) -> list[str]:
    key = "statements" if study.method == Method.REGNIER else "questions"
    values = study.inputs.get(key, [])
    return [str(v) if isinstance(v, str) else str(v.get("name", "")) for v in values]


def colour_label(code: str) -> str:
    return colour_names().get(code, ("", _("couleur inconnue")))[1]
