"""Two imports at once: the second ends with a clear French message, never a traceback.

The commands run as separate processes on a file SQLite database of their own (the test
database is in memory, which other processes cannot open). On PostgreSQL, only when the test
run uses it, another session holds the advisory lock.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, connection, connections

from fabriques.core.locks import IMPORTS_LOCK, Busy, _key, exclusive

MESSAGE = "Un autre import est en cours ou vient de se terminer\u00a0; relancez la commande."
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def manage(database: Path, *args: str, timeout: int = 5) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # A short wait for SQLite's write lock keeps the test quick.
        "DATABASE_URL": f"sqlite:///{database}?timeout={timeout}",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """A migrated empty database, and a copy with the referential imported."""
    root = tmp_path_factory.mktemp("imports")
    empty = root / "empty.sqlite3"
    code, _out, err = finish(manage(empty, "migrate", "--verbosity=0"))
    assert code == 0, err
    referential = root / "referential.sqlite3"
    shutil.copy(empty, referential)
    code, _out, err = finish(manage(referential, "import_referential"))
    assert code == 0, err
    return empty, referential


def fresh(source: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "db.sqlite3"
    shutil.copy(source, copy)
    return copy


@on_sqlite
@pytest.mark.parametrize(
    ("base", "command"),
    [(0, "import_referential"), (1, "import_qpv"), (1, "import_programme")],
)
def test_import_while_another_one_writes(databases, tmp_path, base, command):
    database = fresh(databases[base], tmp_path)
    args = (
        [command]
        if command != "import_qpv"
        else [command, "data/referential/qpv/programme-qpv.csv"]
    )
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # what the first import's transaction holds
    try:
        code, out, err = finish(manage(database, *args, timeout=1))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 1, out + err
    assert err == f"CommandError: {MESSAGE}\n"
    # Once the other is done, the same command goes through.
    code, out, err = finish(manage(database, *args))
    assert code == 0, err


@on_sqlite
def test_two_first_imports_at_once(databases, tmp_path):
    database = fresh(databases[0], tmp_path)
    first = manage(database, "import_referential")
    second = manage(database, "import_referential")
    results = [finish(first), finish(second)]
    for code, out, err in results:
        assert "Traceback" not in err
        if code:
            assert err == f"CommandError: {MESSAGE}\n"
        else:
            assert "Référentiel @etalab/decoupage-administratif" in out
    assert any(code == 0 for code, _, _ in results)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM territories_referentialrelease").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM territories_qpv").fetchone()[0] > 0


@on_sqlite
@pytest.mark.django_db
def test_sqlite_lock_errors_become_busy():
    with pytest.raises(Busy, match="Un autre import"), exclusive(IMPORTS_LOCK):
        raise OperationalError("database is locked")
    with pytest.raises(Busy), exclusive(IMPORTS_LOCK):
        raise IntegrityError("UNIQUE constraint failed: territories_qpv.code")
    with pytest.raises(OperationalError, match="no such table"), exclusive(IMPORTS_LOCK):
        raise OperationalError("no such table: nope")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_postgresql_import_while_another_session_holds_the_lock():
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_key(IMPORTS_LOCK)])
        with pytest.raises(CommandError, match="Un autre import est en cours"):
            call_command("import_programme", verbosity=0)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(IMPORTS_LOCK)])
        with exclusive(IMPORTS_LOCK):  # free again
            pass
    finally:
        other.close()
