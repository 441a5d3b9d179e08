"""One import at a time, across processes."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, OperationalError, connection
from django.utils.translation import gettext as _

# One lock for every referential and programme import: they write the same tables (QPV) or
# read what the other writes (the programme's territories).
IMPORTS_LOCK = "fabriques.imports"


class Busy(Exception):
    """Another process holds the lock; the message tells the person what to do."""

    def __init__(self) -> None:
        super().__init__(
            _("Un autre import est en cours ou vient de se terminer\u00a0; relancez la commande.")
        )


def _key(name: str) -> int:
    # PostgreSQL's advisory locks take a signed 64-bit integer.
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)


@contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Run the block while no other process runs a block holding the same `name`, else Busy.

    PostgreSQL: a session advisory lock, tried without waiting (the imports span several
    transactions). SQLite lets one writer at a time: a second import waits for the first's
    transaction up to the connection's timeout, then fails with « database is locked »; or it
    inserts rows the first one has just committed, having planned them before waiting. Both
    become Busy rather than a traceback.
    """
    if connection.vendor == "postgresql":
        key = _key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                raise Busy
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    try:
        yield
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        raise Busy from error
    except IntegrityError as error:
        raise Busy from error
