"""Command line: ``python -m foresight METHOD [FILE|-]``.

Reads one JSON document (a file, or standard input for ``-`` or no argument), writes one JSON
document to standard output and exits 0. Invalid input exits 2 with one line on standard error
naming the offending field; a computation failure on valid input exits 1.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any, NoReturn

from foresight import METHODS, ComputationError, InputError

USAGE = f"usage: python -m foresight {{{','.join(METHODS)}}} [FILE|-]"


def _fail(code: int, message: str) -> NoReturn:
    # One line, whatever the message: a calling program reads the first line only.
    print(" ".join(message.split()), file=sys.stderr)
    raise SystemExit(code)


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def run(method: str, text: str) -> dict[str, Any]:
    """Parse, validate and solve one document; raises InputError on invalid input."""
    if method not in METHODS:
        raise InputError(
            "method", f"unknown method {method!r}; expected one of {', '.join(METHODS)}"
        )
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise InputError("input", f"invalid JSON: {exc}") from None
    module = importlib.import_module(f"foresight.{method}")
    result: dict[str, Any] = module.solve(module.parse(doc)).to_dict()
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if not 1 <= len(args) <= 2:
        _fail(2, USAGE)
    method = args[0]
    source = args[1] if len(args) == 2 else "-"
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(2, f"foresight {method}: input: cannot read {source}: {exc}")
    try:
        result = run(method, text)
    except InputError as exc:
        _fail(2, f"foresight {method}: {exc}")
    except ComputationError as exc:
        _fail(1, f"foresight {method}: {exc}")
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
