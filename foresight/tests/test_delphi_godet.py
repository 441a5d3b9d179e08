"""Delphi, issue 13: per-expert stability, Kendall's W, outliers, Likert items."""

from typing import Any

import pytest
from scipy import stats

from foresight import InputError, delphi

CONSENSUS = {"rule": "iqr_at_most", "value": 1}


def solve(doc: dict[str, Any]) -> delphi.DelphiResult:
    return delphi.solve(delphi.parse({"consensus": CONSENSUS, **doc}))


def test_kendall_w_with_ties_hand_computed() -> None:
    # Four items (questions) rated by three experts: E1 (1,2,3,4), E2 (2,1,3,4), E3 (1,1,3,4).
    ratings = [[1, 2, 1], [2, 1, 1], [3, 3, 3], [4, 4, 4]]  # per question, one per expert
    doc = {
        "experts": ["E1", "E2", "E3"],
        "questions": [{"name": f"Q{i}", "rounds": [row]} for i, row in enumerate(ratings)],
    }
    result = solve(doc)
    assert result.concordance is not None
    (c,) = result.concordance
    # Rank sums (4.5, 4.5, 9, 12) around 7.5: S = 9 + 9 + 2.25 + 20.25 = 40.5. E3's tie of two
    # adds T = 2³ − 2 = 6: W = 12·40.5 / (3²·(4³ − 4) − 3·6) = 486/522 = 27/29.
    assert (c.experts, c.items) == (3, 4)
    assert c.w == pytest.approx(27 / 29)
    assert c.chi2 == pytest.approx(243 / 29)  # m(n − 1)W
    assert c.p_value == pytest.approx(stats.chi2.sf(243 / 29, 3))
    # Perfect agreement is 1; without experts there is no concordance.
    same = {**doc, "questions": [{"name": f"Q{i}", "rounds": [[i, i, i]]} for i in range(4)]}
    assert solve(same).concordance[0].w == pytest.approx(1.0)  # type: ignore[index]
    assert solve({"questions": doc["questions"]}).concordance is None


def test_kendall_w_degenerate_cases() -> None:
    # Every expert ties every item: the denominator is 0, W undefined. One item: undefined.
    doc: dict[str, Any] = {
        "experts": ["E1", "E2"],
        "questions": [{"name": "A", "rounds": [[3, 3]]}, {"name": "B", "rounds": [[3, 3]]}],
    }
    assert solve(doc).concordance[0].w is None  # type: ignore[index]
    one = {**doc, "questions": doc["questions"][:1]}
    assert solve(one).concordance[0].w is None  # type: ignore[index]
    # An expert who skipped a question is left out of that round's W.
    gap = {
        **doc,
        "questions": [{"name": "A", "rounds": [[1, None]]}, {"name": "B", "rounds": [[2, 3]]}],
    }
    c = solve(gap).concordance[0]  # type: ignore[index]
    assert (c.experts, c.w) == (1, None)


def test_per_expert_stability() -> None:
    doc = {
        "experts": ["E1", "E2", "E3"],
        "questions": [{"name": "Q", "rounds": [[1, 5, 3], [2, 5, None], [2, 4, 3]]}],
    }
    q = solve(doc).questions[0]
    assert q.experts is not None
    e1, e2, e3 = q.experts
    assert (e1.shifts, e1.mean_absolute_shift, e1.stable) == ([1, 0], 0.5, False)
    assert (e2.shifts, e2.stable) == ([0, -1], False)
    assert (e3.answers, e3.shifts, e3.mean_absolute_shift, e3.stable) == (
        [3, None, 3],
        [None, None],
        None,
        None,
    )
    assert q.stable_share == [0.5, 0.5]  # E2 then E1 kept their answer, of two compared
    loose = solve({**doc, "stability_tolerance": 1}).questions[0]
    assert loose.experts is not None and [x.stable for x in loose.experts] == [True, True, None]
    assert q.rounds[1].n == 2 and q.rounds[1].median == 3.5  # the missing answer is left out


def test_outliers_outside_the_quartile_fences() -> None:
    doc = {"questions": [{"name": "Q", "rounds": [[1, 2, 3, 4, 10], [2, 3, 3, 3, 4]]}]}
    first, second = solve(doc).questions[0].rounds
    # Q1 2, Q3 4, IQR 2: fences −1 and 7; 10 is out. Round 2: IQR 0, fences 3 and 3.
    assert first.outliers == [4]
    assert second.outliers == [0, 4]
    wide = solve({**doc, "outlier_fence": 3.5}).questions[0].rounds[0]
    assert wide.outliers == []  # fences −5 and 11


def test_likert_items() -> None:
    doc = {
        "questions": [
            {"name": "L", "likert": {"points": 5}, "rounds": [[1, 2, 4, 4, 5, 5, 5, 2]]},
        ]
    }
    r = solve(doc).questions[0].rounds[0]
    assert r.likert is not None
    # Sorted 1 2 2 4 4 5 5 5: type 1 quantiles at 2/8, 4/8, 6/8 → 2, 4, 5.
    assert (r.likert.q1, r.likert.median, r.likert.q3, r.likert.iqr) == (2, 4, 5, 3)
    assert r.likert.counts == [1, 2, 0, 2, 3]
    assert r.likert.mode == 5
    assert r.likert.share_agreeing == 5 / 8  # 4 and 5 agree by default on 5 points
    strict = solve(
        {"questions": [{**doc["questions"][0], "likert": {"points": 5, "agree_at_least": 5}}]}
    )
    assert strict.questions[0].rounds[0].likert.share_agreeing == 3 / 8  # type: ignore[union-attr]
    tie = solve({"questions": [{"name": "T", "likert": {"points": 4}, "rounds": [[1, 1, 3, 3]]}]})
    lik = tie.questions[0].rounds[0].likert
    assert lik is not None and (lik.mode, lik.median, lik.share_agreeing) == (1, 1, 0.5)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"questions": [{"name": "L", "likert": {"points": 5}, "rounds": [[1, 6]]}]},
            "questions[0].rounds[0][1]: value 6 out of scale 1..5",
        ),
        (
            {"questions": [{"name": "L", "likert": {"points": 5}, "rounds": [[1, 2.5]]}]},
            "questions[0].rounds[0][1]: expected an integer",
        ),
        (
            {"questions": [{"name": "L", "likert": {"points": 1}, "rounds": [[1]]}]},
            "questions[0].likert.points: value 1 out of scale 2..11",
        ),
        (
            {
                "questions": [
                    {"name": "L", "likert": {"points": 5, "agree_at_least": 6}, "rounds": [[1]]}
                ]
            },
            "questions[0].likert.agree_at_least: value 6 out of scale 1..5",
        ),
        (
            {"experts": ["A", "B"], "questions": [{"name": "Q", "rounds": [[1]]}]},
            "questions[0].rounds[0]: expected 2 answers",
        ),
        (
            {"experts": ["A", "B"], "questions": [{"name": "Q", "rounds": [[None, None]]}]},
            "questions[0].rounds[0]: no answer in this round",
        ),
        (
            {"questions": [{"name": "Q", "rounds": [[1, None]]}]},
            "questions[0].rounds[0][1]: expected a number",
        ),
        (
            {"questions": [{"name": "Q", "rounds": [[1]]}], "stability_tolerance": 1},
            "stability_tolerance: only with experts",
        ),
        (
            {"questions": [{"name": "Q", "rounds": [[1]]}], "outlier_fence": -1},
            "outlier_fence: value -1 out of scale",
        ),
        (
            {"experts": ["A", "A"], "questions": [{"name": "Q", "rounds": [[1, 2]]}]},
            "experts[1]: duplicate name 'A'",
        ),
    ],
)
def test_bad_new_fields(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as error:
        delphi.parse({"consensus": CONSENSUS, **doc})
    assert str(error.value).startswith(message)
