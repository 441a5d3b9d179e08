"""One import at a time, across processes."""

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
    transactions). SQLite: an advisory file lock beside the database file, tried without
    waiting, so a second import never plans rows the first one is about to commit. A writer
    that does not take it (a shell, another tool) still makes SQLite fail with « database is
    locked », or a row may appear under the import: both become Busy rather than a traceback.
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
    with _sqlite_file_lock():
        try:
            yield
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            raise Busy from error
        except IntegrityError as error:
            raise Busy from error


@contextmanager
def _sqlite_file_lock() -> Iterator[None]:
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        yield  # an in-memory database: no other process can open it
        return
    with Path(f"{name}.imports.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise Busy from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
