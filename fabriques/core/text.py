"""Text helpers shared by search, slugs and messages."""

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
