"""Votes on phones: the Régnier statements and the Delphi questions, opening a vote (a short
code shown with a QR code), joining it with a per-vote token, casting ballots, and closing it
into a run of `foresight.regnier` or `foresight.delphi`.

A voter holds a random token (in a cookie of the vote's pages); only its SHA-256 is stored. A
token votes once per statement or question: a second ballot is refused, never replaces the
first (the unique constraint backs the check under concurrency). Nothing is accepted once the
vote is closed or past its closing time.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.text import quote
from foresight.regnier import COLOURS, SORTS

from ..models import Ballot, Method, Study, StudyRun, TokenMode, Voter, VoteSession, VoteStatus
from ._base import MAX_NAME_LENGTH, InputErrors, run_compute, run_save, save_versioned

MAX_ITEMS = 60
MAX_VOTERS = 500  # per vote: a workshop gathers 5–15 people, a Delphi panel a few dozen
MAX_JUSTIFICATION = 2000
MAX_VOTER_NAME = 120
# Join codes: uppercase letters and digits without the ones read alike (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
DEFAULT_CONSENSUS: dict[str, Any] = {"rule": "relative_iqr_at_most", "value": 0.25}
VOTE_METHODS = (Method.REGNIER, Method.DELPHI)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not VoteSession.objects.filter(code=code).exists():
            return code


def _refuse_while_open(study: Study) -> None:
    if VoteSession.objects.filter(study=study, status=VoteStatus.OPEN).exists():
        raise InputErrors(
            [
                _(
                    "Un vote est ouvert sur cette étude\u00a0: clôturez-le avant de modifier "
                    "ses énoncés ou ses questions."
                )
            ]
        )


def _check_lines(lines: Sequence[str], what: str) -> list[str]:
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, name in enumerate(lines, start=1):
        if len(name) > MAX_NAME_LENGTH:
            errors.append(
                _("Ligne %(line)s\u00a0: %(limit)s caractères au plus.")
                % {"line": number, "limit": MAX_NAME_LENGTH}
            )
        elif name in seen:
            errors.append(
                _("Ligne %(line)s\u00a0: %(name)s figure déjà ligne %(first)s.")
                % {"line": number, "name": quote(name), "first": seen[name]}
            )
        else:
            seen[name] = number
    if len(lines) > MAX_ITEMS:
        errors.append(_("%(limit)s %(what)s au plus.") % {"limit": MAX_ITEMS, "what": what})
    return errors


# Régnier: the statements ---------------------------------------------------------------------


def regnier_statements(study: Study) -> list[str]:
    return [str(s) for s in study.inputs.get("statements", [])]


@transaction.atomic
def regnier_statements_save(
    *, study: Study, actor: User, text: str, sort: str, expected_version: int
) -> None:
    """Save the statements (one per line) and the abacus's order. The votes already in the
    inputs follow their statement by name; a new statement gets white (no opinion) from each
    participant. `InputErrors` naming the line (nothing saved) on a duplicate or too long line,
    or while a vote is open."""
    _refuse_while_open(study)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = _check_lines(lines, _("affirmations"))
    if sort not in SORTS:
        errors.append(_("Choisissez un ordre de l’abaque proposé."))
    if errors:
        raise InputErrors(errors)
    old = regnier_statements(study)
    votes = study.inputs.get("votes") or []
    width = len(votes[0]) if votes else 0
    by_name = {name: votes[i] for i, name in enumerate(old) if i < len(votes)}
    new_votes = [list(by_name.get(name, ["white"] * width)) for name in lines] if width else []
    study.inputs = {**study.inputs, "statements": lines, "votes": new_votes, "sort": sort}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs"])
    audit_event_create(
        action="study.statements_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"count": len(lines)},
    )


# Delphi: the questions -----------------------------------------------------------------------


def delphi_questions(study: Study) -> list[dict[str, Any]]:
    """The questions with their unit and allowed range (None: no bound)."""
    settings = study.screen_settings.get("questions", {})
    questions = []
    for item in study.inputs.get("questions", []):
        name = str(item.get("name", ""))
        extra = settings.get(name, {})
        questions.append(
            {
                "name": name,
                "unit": extra.get("unit", ""),
                "minimum": extra.get("minimum"),
                "maximum": extra.get("maximum"),
            }
        )
    return questions


def parse_number(text: str) -> float | None:
    """A number as typed in French (decimal comma, spaces as thousands separators)."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(text) from None
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def questions_text(study: Study) -> str:
    """The questions as the editor shows them: « intitulé ; unité ; minimum ; maximum »."""

    def number(value: float | None) -> str:
        if value is None:
            return ""
        return (f"{value:g}").replace(".", ",")

    return "\n".join(
        " ; ".join([q["name"], q["unit"], number(q["minimum"]), number(q["maximum"])]).rstrip(" ;")
        for q in delphi_questions(study)
    )


@transaction.atomic
def delphi_questions_save(
    *,
    study: Study,
    actor: User,
    text: str,
    consensus: Mapping[str, str],
    expected_version: int,
) -> None:
    """Save the questions, one per line « intitulé ; unité ; minimum ; maximum » (unit and
    bounds optional), and the consensus rule. Answers already in the inputs follow their
    question by name. `InputErrors` naming the line (nothing saved)."""
    _refuse_while_open(study)
    errors: list[str] = []
    parsed: list[tuple[str, str, float | None, float | None]] = []
    for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) > 4:
            errors.append(
                _("Ligne %(line)s\u00a0: quatre champs au plus, séparés par « ; ».")
                % {"line": number}
            )
            continue
        parts += [""] * (4 - len(parts))
        name, unit = parts[0], parts[1]
        bounds: list[float | None] = []
        for label, raw in ((_("le minimum"), parts[2]), (_("le maximum"), parts[3])):
            try:
                bounds.append(parse_number(raw))
            except ValueError:
                errors.append(
                    _("Ligne %(line)s\u00a0: %(what)s doit être un nombre (%(text)s).")
                    % {"line": number, "what": label, "text": quote(raw)}
                )
                bounds.append(None)
        low, high = bounds
        if not name:
            errors.append(_("Ligne %(line)s\u00a0: l’intitulé est vide.") % {"line": number})
        if len(unit) > 40:
            errors.append(
                _("Ligne %(line)s\u00a0: l’unité tient en 40 caractères.") % {"line": number}
            )
        if low is not None and high is not None and low >= high:
            errors.append(
                _("Ligne %(line)s\u00a0: le minimum doit être inférieur au maximum.")
                % {"line": number}
            )
        parsed.append((name, unit, low, high))
    errors += _check_lines([p[0] for p in parsed], _("questions"))
    rule = consensus.get("rule", "")
    document_consensus: dict[str, Any] = {"rule": rule}
    try:
        value = parse_number(consensus.get("value", ""))
        tolerance = parse_number(consensus.get("tolerance", ""))
    except ValueError:
        value = tolerance = None
    if rule not in ("iqr_at_most", "relative_iqr_at_most", "share_within"):
        errors.append(_("Consensus\u00a0: choisissez une règle proposée."))
    elif value is None or value < 0 or (rule == "share_within" and value > 1):
        errors.append(
            _(
                "Consensus\u00a0: le seuil doit être un nombre positif (une part entre 0 et 1 pour la part des réponses)."
            )
        )
    else:
        document_consensus["value"] = value
        if rule == "share_within":
            if tolerance is None or tolerance < 0:
                errors.append(_("Consensus\u00a0: indiquez l’écart toléré autour de la médiane."))
            else:
                document_consensus["tolerance"] = tolerance
    if errors:
        raise InputErrors(errors)
    rounds = {str(q.get("name")): q.get("rounds", []) for q in study.inputs.get("questions", [])}
    questions = [{"name": name, "rounds": rounds.get(name, [])} for name, *_rest in parsed]
    settings = {
        name: {"unit": unit, "minimum": low, "maximum": high} for name, unit, low, high in parsed
    }
    study.inputs = {**study.inputs, "questions": questions, "consensus": document_consensus}
    study.screen_settings = {**study.screen_settings, "questions": settings}
    study._history_user = actor  # type: ignore[attr-defined]
    save_versioned(study, expected_version=expected_version, fields=["inputs", "screen_settings"])
    audit_event_create(
        action="study.questions_changed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"count": len(questions)},
    )


# Opening, joining, voting, closing -----------------------------------------------------------


def _item_labels(study: Study, items: Sequence[int]) -> list[dict[str, Any]]:
    if study.method == Method.REGNIER:
        names = regnier_statements(study)
        return [{"name": names[i]} for i in items]
    questions = delphi_questions(study)
    return [dict(questions[i]) for i in items]


@transaction.atomic
def vote_open(
    *,
    study: Study,
    actor: User,
    items: Sequence[int],
    token_mode: str,
    closes_at: datetime | None = None,
) -> VoteSession:
    """Open a vote on some statements (Régnier) or a round of the questionnaire (Delphi): a
    new join code. One open vote per study at a time."""
    if study.method not in VOTE_METHODS:
        raise ValidationError(_("Seuls l’abaque de Régnier et le Delphi se votent en séance."))
    Study.objects.select_for_update().only("pk").get(pk=study.pk)
    if VoteSession.objects.filter(study=study, status=VoteStatus.OPEN).exists():
        raise ValidationError(
            _("Un vote est déjà ouvert sur cette étude\u00a0: clôturez-le d’abord.")
        )
    count = len(
        regnier_statements(study) if study.method == Method.REGNIER else delphi_questions(study)
    )
    chosen = sorted(set(items))
    if not chosen:
        raise ValidationError(
            _("Choisissez au moins une affirmation.")
            if study.method == Method.REGNIER
            else _("Ajoutez au moins une question.")
        )
    if any(i < 0 or i >= count for i in chosen):
        raise ValidationError(
            _("Ce choix ne correspond pas aux données de l’étude\u00a0: rechargez la page.")
        )
    if token_mode not in TokenMode.values:
        raise ValidationError(_("Choisissez un vote anonyme ou nominatif."))
    if study.method == Method.DELPHI:
        if closes_at is None:
            raise ValidationError(_("Indiquez jusqu’à quand le tour reste ouvert."))
        round_number = VoteSession.objects.filter(study=study, status=VoteStatus.CLOSED).count() + 1
    else:
        round_number = 1
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError(_("La clôture prévue doit être dans le futur."))
    session = VoteSession(
        study=study,
        round=round_number,
        code=_new_code(),
        token_mode=token_mode,
        items=chosen,
        item_labels=_item_labels(study, chosen),
        opened_by=actor,
        closes_at=closes_at,
    )
    session.full_clean()
    session.save()
    audit_event_create(
        action="study.vote_opened",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"vote": session.pk, "items": len(chosen), "mode": token_mode, "round": round_number},
    )
    return session


def accepts_ballots(session: VoteSession, now: datetime | None = None) -> bool:
    if session.status != VoteStatus.OPEN:
        return False
    return session.closes_at is None or session.closes_at > (now or timezone.now())


def _closed_error() -> InputErrors:
    return InputErrors([_("Ce vote est clos\u00a0: votre réponse n’a pas été enregistrée.")])


@transaction.atomic
def voter_join(
    *, session: VoteSession, name: str = "", user: User | None = None
) -> tuple[Voter, str]:
    """A new participant of the vote: returns the voter and the token to hand them (only its
    hash is kept). A nominative vote asks a name."""
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    if not accepts_ballots(session):
        raise _closed_error()
    name = " ".join(name.split())
    if session.token_mode == TokenMode.NAMED:
        if not name:
            raise InputErrors([_("Ce vote est nominatif\u00a0: indiquez votre nom.")])
        if len(name) > MAX_VOTER_NAME:
            raise InputErrors(
                [_("Votre nom tient en %(limit)s caractères.") % {"limit": MAX_VOTER_NAME}]
            )
    else:
        name = ""
    if Voter.objects.filter(session=session).count() >= MAX_VOTERS:
        raise InputErrors([_("Ce vote a atteint son nombre maximal de participants.")])
    token = secrets.token_urlsafe(32)
    voter = Voter(
        session=session,
        token_hash=token_hash(token),
        name=name,
        user=user if user is not None and user.is_authenticated else None,
    )
    voter.full_clean()
    voter.save()
    audit_event_create(
        action="study.vote_joined",
        obj=session.study,
        summary=session.study.title,
        data={"vote": session.pk, "voter": voter.pk},
    )
    return voter, token


def _lock_for_ballots(voter: Voter) -> VoteSession:
    session = VoteSession.objects.select_for_update().get(pk=voter.session_id)
    if not accepts_ballots(session):
        raise _closed_error()
    return session


def _already(session: VoteSession, voter: Voter, items: Sequence[int]) -> None:
    done = set(Ballot.objects.filter(voter=voter, item__in=items).values_list("item", flat=True))
    if done:
        names = [session.item_labels[session.items.index(i)]["name"] for i in sorted(done)]
        raise InputErrors(
            [
                _(
                    "Votre réponse à %(name)s est déjà enregistrée\u00a0: un jeton ne vote "
                    "qu’une fois, elle ne se modifie pas."
                )
                % {"name": quote(name)}
                for name in names
            ]
        )


def _save_ballots(session: VoteSession, voter: Voter, ballots: list[Ballot]) -> None:
    for ballot in ballots:
        ballot.full_clean(exclude=["session", "voter"])
    try:
        with transaction.atomic():
            Ballot.objects.bulk_create(ballots)
    except IntegrityError:  # the same token posting twice at once
        _already(session, voter, [b.item for b in ballots])
        raise
    audit_event_create(
        action="study.vote_cast",
        obj=session.study,
        summary=session.study.title,
        data={"vote": session.pk, "voter": voter.pk, "answers": len(ballots)},
    )


@transaction.atomic
def regnier_ballots_cast(*, voter: Voter, colours: Mapping[int, str]) -> int:
    """The voter's colours on some statements of the vote (item position → the library's
    code). Refused (nothing saved) after closing, for an unknown colour, or when the token
    already voted on one of them."""
    session = _lock_for_ballots(voter)
    chosen = {item: code for item, code in colours.items() if code}
    if not chosen:
        raise InputErrors([_("Choisissez une couleur pour au moins une affirmation.")])
    errors = []
    for item, code in chosen.items():
        if item not in session.items:
            raise InputErrors([_("Cette affirmation n’est pas soumise au vote.")])
        if code not in COLOURS:
            name = session.item_labels[session.items.index(item)]["name"]
            errors.append(
                _("Affirmation %(name)s\u00a0: choisissez l’une des sept couleurs.")
                % {"name": quote(name)}
            )
    if errors:
        raise InputErrors(errors)
    _already(session, voter, list(chosen))
    ballots = [
        Ballot(session=session, voter=voter, item=item, value=code)
        for item, code in sorted(chosen.items())
    ]
    _save_ballots(session, voter, ballots)
    return len(ballots)


@transaction.atomic
def delphi_answers_cast(*, voter: Voter, answers: Mapping[int, tuple[str, str]]) -> int:
    """The voter's estimates (item position → (number as typed, justification)). An answer
    outside the question's range, not a number, or a justification without an estimate is
    refused with a message naming the question; nothing is saved."""
    session = _lock_for_ballots(voter)
    errors: list[str] = []
    ballots: list[Ballot] = []
    for item, (text, justification) in sorted(answers.items()):
        if item not in session.items:
            raise InputErrors([_("Cette question n’est pas soumise au vote.")])
        label = session.item_labels[session.items.index(item)]
        where = quote(label["name"])
        justification = justification.strip()
        try:
            value = parse_number(text)
        except ValueError:
            errors.append(
                _("Question %(name)s\u00a0: la réponse doit être un nombre.") % {"name": where}
            )
            continue
        if value is None:
            if justification:
                errors.append(
                    _("Question %(name)s\u00a0: donnez une estimation avec votre justification.")
                    % {"name": where}
                )
            continue
        low, high = label.get("minimum"), label.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            errors.append(_range_message(label))
            continue
        if len(justification) > MAX_JUSTIFICATION:
            errors.append(
                _("Question %(name)s\u00a0: la justification tient en %(limit)s caractères.")
                % {"name": where, "limit": MAX_JUSTIFICATION}
            )
            continue
        ballots.append(
            Ballot(
                session=session, voter=voter, item=item, number=value, justification=justification
            )
        )
    if errors:
        raise InputErrors(errors)
    if not ballots:
        raise InputErrors([_("Répondez à au moins une question.")])
    _already(session, voter, [b.item for b in ballots])
    _save_ballots(session, voter, ballots)
    return len(ballots)


def _fr(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _range_message(label: Mapping[str, Any]) -> str:
    low, high, unit = label.get("minimum"), label.get("maximum"), label.get("unit") or ""
    suffix = f"\u00a0{unit}" if unit else ""
    where = quote(label["name"])
    if low is not None and high is not None:
        return _(
            "Question %(name)s\u00a0: la réponse doit être comprise entre %(low)s et %(high)s%(unit)s."
        ) % {"name": where, "low": _fr(low), "high": _fr(high), "unit": suffix}
    if low is not None:
        return _("Question %(name)s\u00a0: la réponse doit être au moins %(low)s%(unit)s.") % {
            "name": where,
            "low": _fr(low),
            "unit": suffix,
        }
    return _("Question %(name)s\u00a0: la réponse doit être au plus %(high)s%(unit)s.") % {
        "name": where,
        "high": _fr(float(high or 0)),
        "unit": suffix,
    }


# Closing: the run ------------------------------------------------------------------------------


def _unique_names(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def regnier_document(
    study: Study, session: VoteSession, *, with_names: bool
) -> dict[str, Any] | None:
    """The library's input for the vote's ballots: the voted statements, one column per
    participant who voted (in order of arrival), white (no opinion) where a participant left
    a statement unanswered; participants P1, P2… or, in a nominative vote, their names."""
    voters = list(Voter.objects.filter(session=session).order_by("joined_at", "pk"))
    ballots: dict[tuple[int, int], str] = {
        (b.voter_id, b.item): b.value
        for b in Ballot.objects.filter(session=session).only("voter_id", "item", "value")
    }
    voted = [v for v in voters if any((v.pk, i) in ballots for i in session.items)]
    if not voted:
        return None
    names = (
        _unique_names([v.name or f"P{k}" for k, v in enumerate(voted, start=1)])
        if with_names and session.token_mode == TokenMode.NAMED
        else [f"P{k}" for k in range(1, len(voted) + 1)]
    )
    document: dict[str, Any] = {
        "statements": [label["name"] for label in session.item_labels],
        "votes": [[ballots.get((v.pk, i), "white") for v in voted] for i in session.items],
        "participants": names,
        "sort": study.inputs.get("sort", "consensus"),
    }
    if "dissensus_threshold" in study.inputs:
        document["dissensus_threshold"] = study.inputs["dissensus_threshold"]
    return document


def delphi_document(study: Study, session: VoteSession) -> dict[str, Any] | None:
    """The library's input for the rounds so far (the closed rounds and this one): each
    question of this round with its answers per round, up to its first round without any."""
    earlier = (
        VoteSession.objects.filter(study=study, round__lte=session.round)
        .filter(status=VoteStatus.CLOSED)
        .exclude(pk=session.pk)
        .order_by("round", "opened_at")
    )
    sessions = [*earlier, session]
    answers = Ballot.objects.filter(session__in=sessions, number__isnull=False).order_by(
        "voter__joined_at", "voter_id"
    )
    index = {s.pk: k for k, s in enumerate(sessions)}
    per_round: list[dict[str, list[float]]] = [{} for _s in sessions]
    for ballot in answers.only("session_id", "item", "number"):
        s = sessions[index[ballot.session_id]]
        if ballot.item not in s.items:
            continue
        name = s.item_labels[s.items.index(ballot.item)]["name"]
        if ballot.number is not None:
            per_round[index[ballot.session_id]].setdefault(name, []).append(ballot.number)
    questions = []
    for label in session.item_labels:
        rounds = []
        for found in per_round:
            values = found.get(label["name"])
            if not values:
                break
            rounds.append(values)
        if rounds:
            questions.append({"name": label["name"], "rounds": rounds})
    if not questions:
        return None
    return {"questions": questions, "consensus": study.inputs.get("consensus", DEFAULT_CONSENSUS)}


def _run(study: Study, document: dict[str, Any], actor: User) -> StudyRun:
    output, duration = run_compute(study.method, document)
    return run_save(
        study=study,
        actor=actor,
        document=document,
        output=output,
        duration_ms=duration,
        audit={"vote": True},
    )


def _inputs_follow(study: Study, document: dict[str, Any], actor: User) -> None:
    """Write the vote's figures into the study's inputs (so that its tables export them and
    « Lancer le calcul » recomputes them): a Régnier vote on every statement in order gives
    the abacus's votes; a Delphi round gives the questions' rounds."""
    fresh = Study.objects.select_for_update().get(pk=study.pk)
    inputs = dict(fresh.inputs)
    if study.method == Method.REGNIER:
        if document["statements"] != regnier_statements(fresh):
            return
        inputs["votes"] = document["votes"]
        inputs["participants"] = document["participants"]
    else:
        rounds = {q["name"]: q["rounds"] for q in document["questions"]}
        inputs["questions"] = [
            {**q, "rounds": rounds.get(str(q.get("name")), q.get("rounds", []))}
            for q in inputs.get("questions", [])
        ]
    fresh.inputs = inputs
    fresh._history_user = actor  # type: ignore[attr-defined]
    save_versioned(fresh, expected_version=fresh.lock_version, fields=["inputs"])
    study.inputs, study.lock_version = fresh.inputs, fresh.lock_version


@transaction.atomic
def vote_close(*, session: VoteSession, actor: User) -> StudyRun | None:
    """Close the vote: no ballot is accepted after this. Its ballots become a run of
    `foresight.regnier` (the abacus) or `foresight.delphi` (this round and the previous ones),
    saved on the study and linked from the vote; None when nobody answered."""
    session = VoteSession.objects.select_for_update().select_related("study").get(pk=session.pk)
    if session.status != VoteStatus.OPEN:
        raise ValidationError(_("Ce vote est déjà clos."))
    study = session.study
    session.status = VoteStatus.CLOSED
    session.closed_at = timezone.now()
    if study.method == Method.REGNIER:
        document = regnier_document(study, session, with_names=True)
    else:
        document = delphi_document(study, session)
    run = None
    if document is not None:
        run = _run(study, document, actor)
        _inputs_follow(study, document, actor)
    session.run = run
    session.full_clean()
    session.save(update_fields=["status", "closed_at", "run"])
    audit_event_create(
        action="study.vote_closed",
        obj=study,
        actor=actor,
        summary=study.title,
        data={"vote": session.pk, "run": run.pk if run else None},
    )
    return run
