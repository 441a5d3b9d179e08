"""What the command-line tests share: run ``python -m foresight METHOD -`` in process on a
document, expect a JSON answer or a bad-input exit (code 2, nothing on stdout, one stderr line
naming the field), and check documents against the method's JSON schema."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, Protocol

import pytest

from foresight.__main__ import main

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


class Cli:
    """The command line run in this process (stdin replaced, output captured)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self.monkeypatch = monkeypatch
        self.capsys = capsys

    def run(self, method: str, doc: object) -> tuple[int | str | None, str, str]:
        """(exit code, stdout, stderr); ``doc`` is dumped as JSON unless it is already text."""
        text = doc if isinstance(doc, str) else json.dumps(doc)
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(text))
        code: int | str | None
        try:
            code = main([method, "-"])
        except SystemExit as exc:
            code = exc.code
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, method: str, doc: object) -> dict[str, Any]:
        """The JSON object answered for a valid document (exit 0, nothing on stderr)."""
        code, out, err = self.run(method, doc)
        assert (code, err) == (0, "")
        result = json.loads(out)
        assert isinstance(result, dict)
        return result

    def bad(self, method: str, doc: object, message: str, *, whole: bool = False) -> str:
        """Bad input: exit 2, nothing on stdout, one stderr line containing ``message`` (with
        ``whole``, the line is ``foresight METHOD: message...``). Returns that line."""
        code, out, err = self.run(method, doc)
        assert (code, out, err.count("\n")) == (2, "", 1), (code, out, err)
        if whole:
            assert err.startswith(f"foresight {method}: {message}"), err
        else:
            assert message in err, err
        return err


class Validator(Protocol):
    """The part of jsonschema's validator protocol used here (jsonschema ships no types)."""

    def validate(self, instance: object) -> None: ...
    def is_valid(self, instance: object) -> bool: ...


def validator(method: str) -> Validator:
    """The checked JSON schema of a method (the test is skipped without jsonschema)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMAS / f"{method}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    checker: Validator = jsonschema.Draft202012Validator(schema)
    return checker
