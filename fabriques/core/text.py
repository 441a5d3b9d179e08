"""Text helpers shared by search, slugs and messages."""

import re
import unicodedata


def normalize(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used for accent-insensitive search.

    Stored next to searchable names so that "sante" finds "santé" on SQLite and PostgreSQL
    alike, without database extensions.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("’", "'").replace("œ", "oe").replace("Œ", "oe")
    stripped = stripped.replace("æ", "ae").replace("Æ", "ae")
    return " ".join(stripped.casefold().split())


NBSP = "\u00a0"


def quote(value: object) -> str:
    """French quotation marks with the non-breaking spaces typography asks for."""
    return f"«{NBSP}{value}{NBSP}»"


# C0 and C1 control characters (NUL, ESC, DEL…), tab and newlines included.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without control characters, as a search term or value may be echoed back.

    A terminal escape (ESC [31m) or a NUL sent in a query string must not come back in a page,
    a JSON answer or a log; tabs and newlines become spaces so that words stay apart.
    """
    return _CONTROL.sub(lambda match: " " if match.group().isspace() else "", text or "")
