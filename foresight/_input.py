"""Strict readers for JSON documents: every failure names the offending field path."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from foresight import InputError


def path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def mapping(value: object, field: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise InputError(field or "input", "expected an object")
    return value


def reject_unknown(doc: Mapping[str, object], allowed: Sequence[str], field: str = "") -> None:
    """Refuse unknown keys: a misspelt optional field must not be silently ignored."""
    for key in doc:
        if key not in allowed:
            raise InputError(path(field, key), "unknown field")


def required(doc: Mapping[str, object], key: str, parent: str = "") -> object:
    if key not in doc:
        raise InputError(path(parent, key), "missing required field")
    return doc[key]


def array(value: object, field: str, *, min_len: int = 0) -> list[object]:
    # Strings are sequences too; a JSON array is what is meant.
    if not isinstance(value, list):
        raise InputError(field, "expected an array")
    if len(value) < min_len:
        raise InputError(field, f"expected at least {min_len} element(s), got {len(value)}")
    return value


def string(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InputError(field, "expected a string")
    if not value.strip():
        raise InputError(field, "empty name")
    return value


def names(value: object, field: str, *, min_len: int = 1) -> tuple[str, ...]:
    """A list of non-empty, pairwise distinct strings (names are matched exactly)."""
    items = array(value, field, min_len=min_len)
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items):
        name = string(item, path(field, i))
        if name in seen:
            raise InputError(path(field, i), f"duplicate name {name!r}")
        seen.add(name)
        out.append(name)
    return tuple(out)


def integer(value: object, field: str, *, lo: int | None = None, hi: int | None = None) -> int:
    # bool is an int subclass in Python; JSON true/false is not a score.
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise InputError(field, f"expected an integer, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InputError(field, f"value {value} out of scale {_scale(lo, hi)}")
    return value


def number(value: object, field: str, *, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"expected a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise InputError(field, "expected a finite number")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InputError(field, f"value {value:g} out of scale {_scale(lo, hi)}")
    return value


def _scale(lo: float | None, hi: float | None) -> str:
    if lo is None:
        return f"≤ {hi:g}"
    if hi is None:
        return f"≥ {lo:g}"
    return f"{lo:g}..{hi:g}"


def square_matrix(value: object, field: str, n: int, what: str) -> list[list[object]]:
    """Check the shape of an n×n matrix (one row per ``what``); values are checked by callers."""
    rows = array(value, field)
    if len(rows) != n:
        raise InputError(field, f"matrix is not square: {len(rows)} rows for {n} {what}")
    checked = []
    for i, item in enumerate(rows):
        row = array(item, path(field, i))
        if len(row) != n:
            raise InputError(
                path(field, i), f"matrix is not square: {len(row)} columns for {n} {what}"
            )
        checked.append(row)
    return checked


def rect_matrix(
    value: object, field: str, n_rows: int, n_cols: int, what: str
) -> list[list[object]]:
    rows = array(value, field)
    if len(rows) != n_rows:
        raise InputError(field, f"expected {n_rows} rows (one per {what}), got {len(rows)}")
    checked = []
    for i, item in enumerate(rows):
        row = array(item, path(field, i))
        if len(row) != n_cols:
            raise InputError(path(field, i), f"expected {n_cols} values, got {len(row)}")
        checked.append(row)
    return checked
