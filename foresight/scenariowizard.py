"""ScenarioWizard files: the ``.scw`` cross-impact model and the ``.sl`` solution list.

ScenarioWizard (Weimer-Jehle's CIB software) writes plain text. No specification is published;
this reading follows the four example files SEI distributes with its ``cibsa`` code (MIT) and the
parser of the Julia package CrossImpactBalances, and reproduces those files byte for byte.

A ``.scw`` file, line by line::

    $ ScenarioWizard 4.0          version line
    CIB_global.scw                title
    &WTRD                         a descriptor ...
     -FT                          ... and its variants, in matrix order
    #
    &                             notes: "&" + the descriptor's note, then one line per variant
                                  (" " + the variant's note)
    #
                                  (a section that is empty in every known file, kept verbatim)
    #
    FFFFFF                        one RRGGBB colour per variant
    #
                                  (a second section empty in every known file, kept verbatim)
    #
     0 , 0 , 0 , 1 , 2 ,-3        the cross-impact matrix, rows impacting, columns impacted
    #
    # 0-0 ...                     trailer (ScenarioWizard's scenario and judgement notes), verbatim

Matrix cells are written as Visual Basic's ``Str``: a sign position (space or ``-``), the digits,
then one space, joined by commas. A ``.sl`` file::

    $ ScenarioWizard 3.0
    Solution set
     4                            number of solutions
                                  (empty line)
    " 2 3 2",4,0,0,15,""          1-based variant numbers, frequency, two integer columns whose
                                  meaning is not documented (kept), total impact score, a note
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from foresight import InputError, _input, cib
from foresight.cib import CibInput, CibResult, Descriptor

SCW_VERSION = "4.0"
SL_VERSION = "3.0"
_COLOUR = re.compile(r"[0-9A-Fa-f]{6}")
_CELL_LIMIT = 10**9
# Opaque columns of a .sl line: never read by this library, kept for a faithful rewrite.
_SOLUTION = re.compile(r'^"([^"]*)",([^,]*),([^,]*),([^,]*),([^,]*),"(.*)"$')


@dataclass(frozen=True)
class ScwModel:
    """A ScenarioWizard model: the CIB input plus what a faithful rewrite needs."""

    title: str
    descriptors: tuple[Descriptor, ...]
    matrix: tuple[tuple[int, ...], ...]
    descriptor_notes: tuple[str, ...]
    variant_notes: tuple[tuple[str, ...], ...]
    colours: tuple[str, ...]
    version: str = SCW_VERSION
    # Raw lines of the two sections empty in every known file, and everything after the matrix;
    # None means "write the layout ScenarioWizard writes for an unannotated model".
    section2: tuple[str, ...] = ()
    section4: tuple[str, ...] = ()
    trailer: tuple[str, ...] | None = None

    def to_input(self, max_inconsistency: int = 0, limit: int | None = None) -> CibInput:
        """The cross-impact model; self-impacts (inside a descriptor's block) are kept."""
        return CibInput(
            self.descriptors, self.matrix, max_inconsistency=max_inconsistency, limit=limit
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScwSolution:
    variants: tuple[int, ...]  # 0-based variant positions, one per descriptor
    frequency: float  # how often ScenarioWizard's runs reached it (0 when written here)
    flags: tuple[int, int]  # two undocumented integer columns, kept as read
    total_impact_score: int
    note: str = ""


@dataclass(frozen=True)
class SolutionSet:
    solutions: tuple[ScwSolution, ...]
    title: str = "Solution set"
    version: str = SL_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _err(field_name: str, line: int, message: str) -> InputError:
    return InputError(field_name, f"line {line}: {message}")


def _vb_str(value: int) -> str:
    return f" {value}" if value >= 0 else str(value)


def _vb_single(value: float) -> str:
    # Visual Basic prints a Single with at most 7 significant digits: 1.677722E+07.
    return f"{value:.7G}"


def read_scw(text: str, field_name: str = "scw") -> ScwModel:
    """Parse a ``.scw`` text; errors name the 1-based line."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("$ ScenarioWizard"):
        raise _err(field_name, 1, "expected '$ ScenarioWizard <version>'")
    version = lines[0][len("$ ScenarioWizard") :].strip()
    if len(lines) < 2:
        raise _err(field_name, 2, "missing title line")
    title = lines[1]
    i = 2
    names: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    while True:
        if i >= len(lines):
            raise _err(field_name, i + 1, "unexpected end of file in the descriptor list")
        raw, stripped = lines[i], lines[i].strip()
        if stripped.startswith("#"):
            break
        if raw.startswith("&"):
            name = raw[1:].strip()
            if not name:
                raise _err(field_name, i + 1, "empty descriptor name")
            if name in seen:
                raise _err(field_name, i + 1, f"duplicate descriptor {name!r}")
            seen.add(name)
            names.append((name, []))
        elif stripped.startswith("-"):
            if not names:
                raise _err(field_name, i + 1, "variant before any descriptor ('&NAME')")
            variant = stripped[1:].strip()
            if not variant:
                raise _err(field_name, i + 1, "empty variant name")
            if variant in names[-1][1]:
                raise _err(field_name, i + 1, f"duplicate variant {variant!r}")
            names[-1][1].append(variant)
        elif stripped:
            raise _err(field_name, i + 1, "expected '&DESCRIPTOR', ' -VARIANT' or '#'")
        i += 1
    if not names:
        raise _err(field_name, i + 1, "no descriptor before '#'")
    for name, variants in names:
        if not variants:
            raise InputError(field_name, f"descriptor {name!r} has no variant")
    descriptors = tuple(Descriptor(n, tuple(v)) for n, v in names)
    n_var = sum(len(d.variants) for d in descriptors)

    def section(start: int, what: str) -> tuple[list[str], int]:
        """Lines from start up to the next '#' line; returns them and the '#' line's index."""
        j = start
        while j < len(lines) and not lines[j].lstrip().startswith("#"):
            j += 1
        if j >= len(lines):
            raise _err(field_name, j + 1, f"unexpected end of file: '#' closing the {what}")
        return lines[start:j], j

    notes_start = i + 1
    notes, i = section(notes_start, "notes section")
    expected = sum(1 + len(d.variants) for d in descriptors)
    if len(notes) != expected:
        raise _err(
            field_name,
            notes_start + 1,
            f"notes section has {len(notes)} lines, expected {expected}"
            " ('&' + note per descriptor, one line per variant)",
        )
    descriptor_notes, variant_notes, k = [], [], 0
    for d in descriptors:
        if not notes[k].startswith("&"):
            raise _err(field_name, notes_start + k + 1, f"expected '&' for descriptor {d.name!r}")
        descriptor_notes.append(notes[k][1:])
        variant_notes.append(
            tuple(
                line[1:] if line[:1] == " " else line
                for line in notes[k + 1 : k + 1 + len(d.variants)]
            )
        )
        k += 1 + len(d.variants)
    section2, i = section(i + 1, "second section")
    colours_start = i + 1
    colours, i = section(colours_start, "colour section")
    if len(colours) != n_var:
        raise _err(
            field_name,
            colours_start + 1,
            f"colour section has {len(colours)} lines, expected {n_var} (one per variant)",
        )
    for k, colour in enumerate(colours):
        if not _COLOUR.fullmatch(colour.strip()):
            raise _err(field_name, colours_start + k + 1, f"invalid colour {colour!r} (RRGGBB)")
    section4, i = section(i + 1, "fourth section")
    matrix_start = i + 1
    rows, i = section(matrix_start, "matrix")
    if len(rows) != n_var:
        raise _err(
            field_name,
            matrix_start + 1,
            f"matrix has {len(rows)} rows, expected {n_var} (one per variant)",
        )
    matrix = []
    for r, row in enumerate(rows):
        cells = row.split(",")
        if len(cells) != n_var:
            raise _err(field_name, matrix_start + r + 1, f"{len(cells)} values, expected {n_var}")
        values = []
        for c, cell in enumerate(cells):
            try:
                value = int(cell.strip())
            except ValueError:
                raise _err(
                    field_name,
                    matrix_start + r + 1,
                    f"value {c + 1}: expected an integer, got {cell.strip()!r}",
                ) from None
            if abs(value) > _CELL_LIMIT:
                raise _err(field_name, matrix_start + r + 1, f"value {c + 1}: {value} too large")
            values.append(value)
        matrix.append(tuple(values))
    return ScwModel(
        title=title,
        descriptors=descriptors,
        matrix=tuple(matrix),
        descriptor_notes=tuple(descriptor_notes),
        variant_notes=tuple(variant_notes),
        colours=tuple(c.strip() for c in colours),
        version=version,
        section2=tuple(section2),
        section4=tuple(section4),
        trailer=tuple(lines[i + 1 :]),
    )


def default_trailer(count: int) -> tuple[str, ...]:
    """What ScenarioWizard writes after the matrix of a model with no notes (as in SEI's files):
    one scenario note, one note per descriptor, one per ordered pair of descriptors."""
    return (
        "# 0-0",
        '""',
        *(["# ", '""'] * count),
        *(["#  -> ", '""'] * (count * count)),
        "#",
        "#",
    )


def write_scw(model: ScwModel) -> str:
    """The ``.scw`` text; InputError for what a file cannot carry (line breaks, edge spaces)."""
    check_writable(model)
    out = [f"$ ScenarioWizard {model.version}", model.title]
    for d in model.descriptors:
        out.append(f"&{d.name}")
        out.extend(f" -{v}" for v in d.variants)
    out.append("#")
    for d, note, vnotes in zip(
        model.descriptors, model.descriptor_notes, model.variant_notes, strict=True
    ):
        out.append(f"&{note}")
        if len(vnotes) != len(d.variants):
            raise InputError("variant_notes", f"{len(vnotes)} notes for descriptor {d.name!r}")
        out.extend(f" {n}" for n in vnotes)
    out.append("#")
    out.extend(model.section2)
    out.append("#")
    out.extend(model.colours)
    out.append("#")
    out.extend(model.section4)
    out.append("#")
    out.extend(",".join(f"{_vb_str(v)} " for v in row) for row in model.matrix)
    out.append("#")
    trailer = model.trailer
    out.extend(default_trailer(len(model.descriptors)) if trailer is None else trailer)
    return "\n".join(out) + "\n"


def model_from_input(data: CibInput, title: str = "model.scw") -> ScwModel:
    """A ScenarioWizard model for a CIB input, with empty notes and white variants."""
    n_var = sum(len(d.variants) for d in data.descriptors)
    return ScwModel(
        title=title,
        descriptors=data.descriptors,
        matrix=data.matrix,
        descriptor_notes=("",) * len(data.descriptors),
        variant_notes=tuple(("",) * len(d.variants) for d in data.descriptors),
        colours=("FFFFFF",) * n_var,
    )


def read_solutions(text: str, model: ScwModel | None = None, field_name: str = "sl") -> SolutionSet:
    """Parse a ``.sl`` text; with a model, check each solution against its descriptors."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("$ ScenarioWizard"):
        raise _err(field_name, 1, "expected '$ ScenarioWizard <version>'")
    version = lines[0][len("$ ScenarioWizard") :].strip()
    if len(lines) < 3:
        raise _err(field_name, len(lines) + 1, "missing title or solution count")
    try:
        count = int(lines[2].strip())
    except ValueError:
        raise _err(field_name, 3, f"expected the number of solutions, got {lines[2]!r}") from None
    body = [(n, line) for n, line in enumerate(lines[3:], start=4) if line.strip()]
    if len(body) != count:
        raise _err(field_name, 3, f"announces {count} solutions, the file has {len(body)}")
    solutions = []
    for n, line in body:
        match = _SOLUTION.match(line.strip())
        if match is None:
            raise _err(
                field_name,
                n,
                'expected "<variant numbers>",<frequency>,<int>,<int>,<total impact score>,"<note>"',
            )
        numbers, freq, flag_a, flag_b, tis, note = match.groups()
        try:
            positions = tuple(int(x) - 1 for x in numbers.split())
            frequency = float(freq)
            flags = (int(flag_a), int(flag_b))
            score = int(tis)
        except ValueError as exc:
            raise _err(field_name, n, f"not a number: {exc}") from None
        if not positions:
            raise _err(field_name, n, "no variant numbers")
        if model is not None:
            if len(positions) != len(model.descriptors):
                raise _err(
                    field_name,
                    n,
                    f"{len(positions)} variant numbers for {len(model.descriptors)} descriptors",
                )
            for d, p in zip(model.descriptors, positions, strict=True):
                if not 0 <= p < len(d.variants):
                    raise _err(
                        field_name,
                        n,
                        f"variant number {p + 1} out of 1..{len(d.variants)} for {d.name!r}",
                    )
        elif any(p < 0 for p in positions):
            raise _err(field_name, n, "variant numbers start at 1")
        solutions.append(ScwSolution(positions, frequency, flags, score, note))
    return SolutionSet(tuple(solutions), title=lines[1], version=version)


def write_solutions(solutions: SolutionSet) -> str:
    out = [
        f"$ ScenarioWizard {solutions.version}",
        solutions.title,
        f"{_vb_str(len(solutions.solutions))} ",
        "",
    ]
    for s in solutions.solutions:
        numbers = "".join(_vb_str(p + 1) for p in s.variants)
        out.append(
            f'"{numbers}",{_vb_single(s.frequency)},{s.flags[0]},{s.flags[1]},'
            f'{s.total_impact_score},"{s.note}"'
        )
    return "\n".join(out) + "\n"


def solutions_from_result(data: CibInput, result: CibResult) -> SolutionSet:
    """The scenarios of a CIB result as a solution list (frequency 0, flags 0)."""
    solutions = []
    for scenario in result.scenarios:
        positions = tuple(
            d.variants.index(v) for d, v in zip(data.descriptors, scenario.variants, strict=True)
        )
        solutions.append(ScwSolution(positions, 0.0, (0, 0), scenario.total_impact_score))
    return SolutionSet(tuple(solutions))


# ---- command line: python -m foresight scenariowizard -------------------------------------


@dataclass(frozen=True)
class ScwRequest:
    action: str  # "import" or "export"
    model: ScwModel
    solutions: SolutionSet | None = None
    solve: bool = False  # export: list the model's consistent scenarios in the .sl


@dataclass(frozen=True)
class ScwResult:
    payload: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return self.payload


def parse(doc: object) -> ScwRequest:
    doc = _input.mapping(doc, "")
    action = _input.required(doc, "action")
    if action == "import":
        _input.reject_unknown(doc, ("action", "scw", "sl"))
        scw = _input.required(doc, "scw")
        if not isinstance(scw, str):
            raise InputError("scw", "expected a string (the .scw file's text)")
        model = read_scw(scw, "scw")
        sl = doc.get("sl")
        if sl is not None and not isinstance(sl, str):
            raise InputError("sl", "expected a string (the .sl file's text)")
        return ScwRequest("import", model, read_solutions(sl, model, "sl") if sl else None)
    if action != "export":
        raise InputError("action", f"expected 'import' or 'export', got {action!r}")
    _input.reject_unknown(
        doc,
        (
            "action",
            "model",
            "title",
            "solve",
            "descriptor_notes",
            "variant_notes",
            "colours",
            "layout",
        ),
    )
    data = cib.parse(_input.required(doc, "model"), "model", cib.MODEL_FIELDS)
    title = _input.string(doc.get("title", "model.scw"), "title")
    solve = doc.get("solve", False)
    if not isinstance(solve, bool):
        raise InputError("solve", "expected true or false")
    model = model_from_input(data, title)
    sizes = [len(d.variants) for d in data.descriptors]
    if doc.get("descriptor_notes") is not None:
        notes = _lines(doc["descriptor_notes"], "descriptor_notes", len(sizes))
        model = replace(model, descriptor_notes=notes)
    if doc.get("variant_notes") is not None:
        raw = _input.array(doc["variant_notes"], "variant_notes")
        if len(raw) != len(sizes):
            raise InputError("variant_notes", f"expected {len(sizes)} lists (one per descriptor)")
        vnotes = tuple(
            _lines(x, f"variant_notes[{d}]", k)
            for d, (x, k) in enumerate(zip(raw, sizes, strict=True))
        )
        model = replace(model, variant_notes=vnotes)
    if doc.get("colours") is not None:
        colours = _lines(doc["colours"], "colours", sum(sizes))
        for i, colour in enumerate(colours):
            if not _COLOUR.fullmatch(colour):
                raise InputError(f"colours[{i}]", f"invalid colour {colour!r} (RRGGBB)")
        model = replace(model, colours=colours)
    if doc.get("layout") is not None:
        layout = _input.mapping(doc["layout"], "layout")
        _input.reject_unknown(layout, ("section2", "section4", "trailer"), "layout")

        def lines_of(key: str) -> tuple[str, ...] | None:
            value = layout.get(key)
            return None if value is None else _lines(value, f"layout.{key}", None)

        section2, section4 = lines_of("section2"), lines_of("section4")
        model = replace(
            model,
            section2=model.section2 if section2 is None else section2,
            section4=model.section4 if section4 is None else section4,
            trailer=lines_of("trailer"),
        )
    check_writable(model, "")
    return ScwRequest("export", model, None, solve)


def _lines(value: object, field_name: str, count: int | None) -> tuple[str, ...]:
    """Strings (empty allowed) that each fit on one line of the file."""
    items = _input.array(value, field_name)
    if count is not None and len(items) != count:
        raise InputError(field_name, f"expected {count} strings, got {len(items)}")
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise InputError(f"{field_name}[{i}]", "expected a string")
        if "\n" in item or "\r" in item:
            raise InputError(f"{field_name}[{i}]", "line break in a one-line text")
    return tuple(str(item) for item in items)


def check_writable(model: ScwModel, field_name: str = "") -> None:
    """Refuse what the file cannot carry: the reread model would differ."""

    def at(key: str) -> str:
        return _input.path(field_name, key) if field_name else key

    def one_line(text: str, where: str) -> None:
        if "\n" in text or "\r" in text:
            raise InputError(where, "line break in a one-line text")

    one_line(model.title, at("title"))
    for d, desc in enumerate(model.descriptors):
        where = at(f"model.descriptors[{d}]")
        for text, sub in [(desc.name, f"{where}.name")] + [
            (v, f"{where}.variants[{i}]") for i, v in enumerate(desc.variants)
        ]:
            one_line(text, sub)
            if text != text.strip():
                raise InputError(
                    sub, f"{text!r}: leading or trailing spaces are lost in a .scw file"
                )
    for d, note in enumerate(model.descriptor_notes):
        one_line(note, at(f"descriptor_notes[{d}]"))
    for d, notes in enumerate(model.variant_notes):
        for i, note in enumerate(notes):
            one_line(note, at(f"variant_notes[{d}][{i}]"))
            if note.lstrip().startswith("#"):
                raise InputError(at(f"variant_notes[{d}][{i}]"), "a note cannot start with '#'")
    for key in ("section2", "section4"):
        for i, line in enumerate(getattr(model, key)):
            if line.lstrip().startswith("#"):
                raise InputError(at(f"layout.{key}[{i}]"), "a line cannot start with '#'")


def solve(request: ScwRequest) -> ScwResult:
    model = request.model
    if request.action == "import":
        payload: dict[str, Any] = {
            "title": model.title,
            "model": {
                "descriptors": [
                    {"name": d.name, "variants": list(d.variants)} for d in model.descriptors
                ],
                "matrix": [list(row) for row in model.matrix],
            },
            "descriptor_notes": list(model.descriptor_notes),
            "variant_notes": [list(n) for n in model.variant_notes],
            "colours": list(model.colours),
            "layout": {
                "section2": list(model.section2),
                "section4": list(model.section4),
                "trailer": None if model.trailer is None else list(model.trailer),
            },
        }
        if request.solutions is not None:
            payload["solutions"] = [
                {
                    "variants": [
                        d.variants[p] for d, p in zip(model.descriptors, s.variants, strict=True)
                    ],
                    "frequency": s.frequency,
                    "flags": list(s.flags),
                    "total_impact_score": s.total_impact_score,
                    "note": s.note,
                }
                for s in request.solutions.solutions
            ]
        return ScwResult(payload)
    payload = {"scw": write_scw(model)}
    if request.solve:
        data = model.to_input()
        result = cib.solve(data)
        payload["sl"] = write_solutions(solutions_from_result(data, result))
        # The .sl holds the scenarios the solver listed: say when that is not all of them.
        payload["scenario_count"] = result.scenario_count
        payload["exhaustive"] = result.exhaustive
        payload["reason"] = result.reason
    return ScwResult(payload)
