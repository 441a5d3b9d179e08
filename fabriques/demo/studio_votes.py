"""Demo studies of the votes on phones (issue 14): a Régnier abacus voted in a workshop by
eight anonymous participants on four statements, and a Delphi of two closed rounds. Built
through the services as a consultant and phones would; idempotent on the titles. Statements,
questions, votes and estimates are illustrative (fictional), not survey results."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fabriques.accounts.models import User
from fabriques.programme.models import Fabrique
from fabriques.studies.models import Method, Study, TokenMode
from fabriques.studies.services import (
    delphi_answers_cast,
    delphi_questions_save,
    regnier_ballots_cast,
    regnier_statements_save,
    study_create,
    vote_close,
    vote_open,
    voter_join,
)

REGNIER_TITLE = "Abaque de Régnier — l’avenir des centres-bourgs"
REGNIER_PURPOSE = (
    "Vote en atelier, à main levée sur téléphone, sur quatre affirmations pour ouvrir le débat "
    "sur les centres-bourgs (étude de démonstration, votes fictifs)."
)
STATEMENTS = (
    "En 2040, chaque centre-bourg aura gardé au moins un commerce alimentaire.",
    "Le télétravail fera revenir des actifs dans les communes rurales.",
    "Les logements vacants des centres-bourgs seront tous réhabilités.",
    "La voiture individuelle restera le premier mode de déplacement.",
)
# Eight participants (columns) × four statements: fictional votes.
VOTES = (
    ("dark_green", "light_green", "orange", "light_red"),
    ("dark_green", "orange", "light_red", "dark_green"),
    ("light_green", "dark_green", "dark_red", "light_green"),
    ("dark_green", "light_green", "orange", "dark_green"),
    ("light_green", "light_red", "dark_red", "light_green"),
    ("dark_green", "dark_green", "white", "dark_green"),
    ("orange", "light_green", "light_red", "black"),
    ("light_green", "dark_red", "orange", "dark_green"),
)

DELPHI_TITLE = "Delphi — mobilités quotidiennes en 2040"
DELPHI_PURPOSE = (
    "Deux tours d’estimations entre deux séminaires (étude de démonstration, réponses fictives)."
)
QUESTIONS = (
    "Part des trajets domicile-travail à vélo en 2040 ; % ; 0 ; 100\n"
    "Part des ménages sans voiture en 2040 ; % ; 0 ; 100\n"
    "Lignes de transport à la demande en service en 2040 ; lignes ; 0 ; 200"
)
# Per round, one row per participant: the three estimates (fictional).
ROUNDS = (
    ((4, 12, 10), (8, 15, 25), (15, 10, 18), (5, 20, 12), (6, 18, 40), (10, 14, 20)),
    ((6, 14, 15), (7, 15, 20), (9, 13, 18), (6, 16, 15), (7, 16, 22), (8, 14, 20)),
)
JUSTIFICATION = "Estimation fictive de démonstration."


def _existing(fabrique: Fabrique, title: str) -> Study | None:
    return Study.objects.filter(fabrique=fabrique, title=title).first()


@transaction.atomic
def demo_regnier(*, fabrique: Fabrique, consultant: User) -> Study:
    """A Régnier study with a closed anonymous vote of eight participants and its run."""
    found = _existing(fabrique, REGNIER_TITLE)
    if found is not None:
        return found
    study = study_create(
        fabrique=fabrique,
        actor=consultant,
        method=Method.REGNIER,
        title=REGNIER_TITLE,
        purpose=REGNIER_PURPOSE,
    )
    regnier_statements_save(
        study=study,
        actor=consultant,
        text="\n".join(STATEMENTS),
        sort="consensus",
        expected_version=study.lock_version,
    )
    session = vote_open(
        study=study,
        actor=consultant,
        items=list(range(len(STATEMENTS))),
        token_mode=TokenMode.ANONYMOUS,
    )
    for colours in VOTES:
        voter, _token = voter_join(session=session)
        regnier_ballots_cast(voter=voter, colours=dict(enumerate(colours)))
    vote_close(session=session, actor=consultant)
    study.refresh_from_db()
    return study


@transaction.atomic
def demo_delphi(*, fabrique: Fabrique, consultant: User) -> Study:
    """A Delphi study of three questions with two closed rounds of six participants."""
    found = _existing(fabrique, DELPHI_TITLE)
    if found is not None:
        return found
    study = study_create(
        fabrique=fabrique,
        actor=consultant,
        method=Method.DELPHI,
        title=DELPHI_TITLE,
        purpose=DELPHI_PURPOSE,
    )
    delphi_questions_save(
        study=study,
        actor=consultant,
        text=QUESTIONS,
        consensus={"rule": "relative_iqr_at_most", "value": "0,25"},
        expected_version=study.lock_version,
    )
    for answers in ROUNDS:
        session = vote_open(
            study=study,
            actor=consultant,
            items=[0, 1, 2],
            token_mode=TokenMode.ANONYMOUS,
            closes_at=timezone.now() + datetime.timedelta(days=14),
        )
        for row in answers:
            voter, _token = voter_join(session=session)
            delphi_answers_cast(
                voter=voter,
                answers={k: (str(value), JUSTIFICATION) for k, value in enumerate(row)},
            )
        vote_close(session=session, actor=consultant)
    study.refresh_from_db()
    return study
