import pytest

from foresight import delphi, multipol, regnier


def test_multipol_hand_computed() -> None:
    doc = {
        "actions": ["A1", "A2"],
        "criteria": ["cost", "impact"],
        "scores": [[10, 4], [6, 8]],
        "policies": [
            {"name": "thrift", "weights": [3, 1]},
            {"name": "ambition", "weights": [1, 3]},
        ],
    }
    result = multipol.solve(multipol.parse(doc))
    a1, a2 = result.actions
    assert a1.scores == [8.5, 5.5]  # (30+4)/4, (10+12)/4
    assert a2.scores == [6.5, 7.5]
    assert (a1.ranks, a2.ranks) == ([1, 2], [2, 1])
    assert (a1.mean, a1.standard_deviation) == (7.0, 1.5)
    assert (a2.mean, a2.standard_deviation) == (7.0, 0.5)
    assert result.ranking == ["A1", "A2"]  # equal means: input order


def test_regnier_hand_computed() -> None:
    doc = {
        "statements": ["S1", "S2", "S3"],
        "votes": [
            ["dark_green", "dark_red", "dark_green", "dark_red"],
            ["light_green", "light_green", "orange", "white"],
            ["white", "black", "white", "black"],
        ],
    }
    result = regnier.solve(regnier.parse(doc))
    assert [s.name for s in result.statements] == ["S2", "S1", "S3"]
    s2, s1, s3 = result.statements
    assert (s2.mean, s2.mean_answered, s2.answered) == (11 / 4, 11 / 3, 3)
    assert s2.counts["white"] == 1
    assert s1.dispersion == 2.0
    assert s1.dissensus and not s2.dissensus
    assert (s3.mean, s3.mean_answered, s3.dissensus) == (0.0, None, False)


def test_delphi_hand_computed() -> None:
    doc = {
        "questions": [{"name": "Q", "rounds": [[1, 2, 3, 4, 10], [2, 3, 3, 3, 4]]}],
        "consensus": {"rule": "iqr_at_most", "value": 1},
    }
    q = delphi.solve(delphi.parse(doc)).questions[0]
    first, second = q.rounds
    assert (first.q1, first.median, first.q3, first.iqr) == (2, 3, 4, 2)
    assert (second.q1, second.median, second.q3, second.iqr) == (3, 3, 3, 0)
    assert (first.consensus, second.consensus, q.consensus, q.converging) == (
        False,
        True,
        True,
        True,
    )
    assert second.iqr_ratio == 0 and second.median_shift == 0


def test_delphi_share_within_rule() -> None:
    consensus: dict[str, str | float] = {"rule": "share_within", "value": 0.75, "tolerance": 1}
    doc = {"questions": [{"name": "Q", "rounds": [[10, 11, 12, 30]]}], "consensus": consensus}
    r = delphi.solve(delphi.parse(doc)).questions[0].rounds[0]
    assert r.median == 11.5 and r.share_within == 0.5 and not r.consensus
    consensus["tolerance"] = 2
    assert delphi.solve(delphi.parse(doc)).questions[0].rounds[0].consensus


@pytest.mark.parametrize("median,iqr,expected", [(10, 2, True), (10, 3, False)])
def test_delphi_relative_iqr(median: int, iqr: int, expected: bool) -> None:
    answers = [median - iqr, median - iqr / 2, median, median + iqr / 2, median + iqr]
    doc = {
        "questions": [{"name": "Q", "rounds": [answers]}],
        "consensus": {"rule": "relative_iqr_at_most", "value": 0.2},
    }
    assert delphi.solve(delphi.parse(doc)).questions[0].consensus is expected
