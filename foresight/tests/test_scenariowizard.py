from pathlib import Path

import pytest

from foresight import InputError, cib
from foresight.cib_tools import parse_model
from foresight.scenariowizard import (
    ScwSolution,
    SolutionSet,
    default_trailer,
    model_from_input,
    read_scw,
    read_solutions,
    solutions_from_result,
    write_scw,
    write_solutions,
)
from foresight.tests.test_cib import HAND

DATA = Path(__file__).parent / "data" / "scenariowizard"
SEI = ["CIB_global", "CIB_natl_regional", "CIB_nested", "CIB_nested_simplified_standardized"]


def text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [*SEI, "CIB_nested_simplified_nonstandard"])
def test_sei_models_are_rewritten_byte_for_byte(name: str) -> None:
    original = text(f"{name}.scw")
    model = read_scw(original)
    assert write_scw(model) == original
    assert read_scw(write_scw(model)) == model


@pytest.mark.parametrize("name", SEI)
def test_sei_solution_lists_are_rewritten_byte_for_byte(name: str) -> None:
    original = text(f"{name}.sl")
    solutions = read_solutions(original, read_scw(text(f"{name}.scw")))
    assert write_solutions(solutions) == original
    assert read_solutions(write_solutions(solutions)) == solutions


@pytest.mark.parametrize("name", SEI)
def test_sei_published_solutions_are_reproduced(name: str) -> None:
    # ScenarioWizard's own solution list is exactly the set of consistent scenarios, with the
    # same total impact scores; the nested models only match with self-impacts counted.
    model = read_scw(text(f"{name}.scw"))
    published = read_solutions(text(f"{name}.sl"), model)
    result = cib.solve(model.to_input())
    ours = {
        tuple(d.variants.index(v) for d, v in zip(model.descriptors, s.variants, strict=True)): (
            s.total_impact_score
        )
        for s in result.scenarios
    }
    assert ours == {s.variants: s.total_impact_score for s in published.solutions}
    assert result.scenario_count == len(published.solutions)


def test_sei_details() -> None:
    model = read_scw(text("CIB_global.scw"))
    assert model.title == "CIB_global.scw" and model.version == "4.0"
    assert [d.name for d in model.descriptors] == ["WTRD", "WSEC", "WECO"]
    assert model.descriptors[2].variants == ("Decl", "Stag", "ModGr", "RpdGr")
    assert model.matrix[9] == (3, -6, 3, -1, 1, 0, 0, 0, 0, 0)
    assert model.colours == ("FFFFFF",) * 10
    assert model.trailer == default_trailer(3)
    nested = read_scw(text("CIB_natl_regional.scw"))
    blocks = [
        nested.matrix[i][j]
        for d in range(len(nested.descriptors))
        for i in range(*_span(nested, d))
        for j in range(*_span(nested, d))
    ]
    assert any(blocks)  # self-impacts are read, not dropped
    sl = read_solutions(text("CIB_nested.sl"))
    assert sl.solutions[0] == ScwSolution(
        (0, 0, 2, 2, 1, 1, 2, 0, 0, 0, 2, 0, 0, 0, 1, 2, 1), 16777220.0, (0, 0), 179, ""
    )


def _span(model: object, d: int) -> tuple[int, int]:
    descriptors = model.descriptors  # type: ignore[attr-defined]
    start = sum(len(x.variants) for x in descriptors[:d])
    return start, start + len(descriptors[d].variants)


def test_written_model_round_trips() -> None:
    data = parse_model(HAND)
    model = model_from_input(data, "hand.scw")
    written = write_scw(model)
    assert written.splitlines()[:4] == ["$ ScenarioWizard 4.0", "hand.scw", "&A", " -a1"]
    assert " 0 , 0 , 2 ,-2 " in written.splitlines()
    back = read_scw(written)
    assert back.to_input() == data
    assert back.trailer == default_trailer(2)
    assert write_scw(back) == written


def test_written_solutions_round_trip() -> None:
    data = parse_model(HAND)
    sl = solutions_from_result(data, cib.solve(data))
    written = write_solutions(sl)
    assert (
        written
        == '$ ScenarioWizard 3.0\nSolution set\n 2 \n\n" 2 2",0,0,0,4,""\n" 1 1",0,0,0,3,""\n'
    )
    assert read_solutions(written, model_from_input(data)) == sl
    big = SolutionSet((ScwSolution((0,), 16777216.0, (2, 0), -5, "n"),))
    assert '" 1",1.677722E+07,2,0,-5,"n"' in write_solutions(big)


GOOD = write_scw(model_from_input(parse_model(HAND)))


def _replace(line: int, new: str | None) -> str:
    lines = GOOD.splitlines()
    if new is None:
        del lines[line - 1]
    else:
        lines[line - 1] = new
    return "\n".join(lines) + "\n"


# GOOD's lines: 1 version, 2 title, 3-8 descriptors, 9 '#', 10-15 notes, 16 '#', 17 '#',
# 18-21 colours, 22 '#', 23 '#', 24-27 matrix, 28 '#'.
BAD_SCW = [
    ("", "scw: line 1: expected '$ ScenarioWizard"),
    (_replace(4, "-a1"), None),  # a variant line without its leading space is accepted
    (_replace(3, " -a0"), "line 3: variant before any descriptor"),
    (_replace(6, "&A"), "line 6: duplicate descriptor 'A'"),
    (_replace(5, " -a1"), "line 5: duplicate variant 'a1'"),
    (_replace(5, "oops"), "line 5: expected '&DESCRIPTOR'"),
    (_replace(13, " "), "line 13: expected '&' for descriptor 'B'"),
    (_replace(11, None), "line 10: notes section has 5 lines, expected 6"),
    (_replace(19, "white"), "line 19: invalid colour 'white'"),
    (_replace(25, " 0 , 0 , 1 "), "line 25: 3 values, expected 4"),
    (_replace(26, " 1 , x , 0 , 0 "), "line 26: value 2: expected an integer, got 'x'"),
    (_replace(27, None), "line 24: matrix has 3 rows, expected 4"),
    ("\n".join(GOOD.splitlines()[:25]), "line 26: unexpected end of file: '#' closing the matrix"),
    ("$ ScenarioWizard 4.0\nt\n&A\n#\n&\n#\n#\n#\n#\n#\n", "descriptor 'A' has no variant"),
]


@pytest.mark.parametrize(("doc", "message"), BAD_SCW)
def test_malformed_scw_names_the_line(doc: str, message: str | None) -> None:
    if message is None:
        assert read_scw(doc).descriptors == read_scw(GOOD).descriptors
        return
    with pytest.raises(InputError) as err:
        read_scw(doc)
    assert err.value.field == "scw"
    assert message in str(err.value)


BAD_SL = [
    ("Solution set\n", "line 1: expected '$ ScenarioWizard"),
    ("$ ScenarioWizard 3.0\nSolution set\n two\n\n", "line 3: expected the number of solutions"),
    ('$ ScenarioWizard 3.0\nS\n 2 \n\n" 1 1",0,0,0,3,""\n', "line 3: announces 2 solutions"),
    ('$ ScenarioWizard 3.0\nS\n 1 \n\n" 1 1",0,0,3,""\n', "line 5: expected"),
    ('$ ScenarioWizard 3.0\nS\n 1 \n\n" 1 x",0,0,0,3,""\n', "line 5: not a number"),
    ('$ ScenarioWizard 3.0\nS\n 1 \n\n" 1 3",0,0,0,3,""\n', "line 5: variant number 3 out of 1..2"),
    ('$ ScenarioWizard 3.0\nS\n 1 \n\n" 1",0,0,0,3,""\n', "line 5: 1 variant numbers for 2"),
]


@pytest.mark.parametrize(("doc", "message"), BAD_SL)
def test_malformed_solutions_name_the_line(doc: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        read_solutions(doc, read_scw(GOOD))
    assert err.value.field == "sl"
    assert message in str(err.value)


def test_windows_line_endings_read_the_same() -> None:
    original = text("CIB_global.scw")
    assert read_scw(original.replace("\n", "\r\n")) == read_scw(original)
    sl = text("CIB_global.sl")
    assert read_solutions(sl.replace("\n", "\r\n")) == read_solutions(sl)
