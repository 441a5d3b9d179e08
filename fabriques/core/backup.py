"""Backup and restore of the configured database and the default storage's files.

A backup is a directory (or a .tar.gz of it) holding the database (`database.pgdump` from
pg_dump, or `database.sqlite3` from SQLite's online backup API), the uploaded files under
`media/`, `backup.json` (date, migrations, data version, row counts per table) and
`MANIFEST.sha256` (`sha256sum -c` format) covering every other file.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from .versioning import data_version

MANIFEST = "MANIFEST.sha256"
METADATA = "backup.json"
MEDIA_DIR = "media"
PG_DUMP = "database.pgdump"
SQLITE_DUMP = "database.sqlite3"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup that cannot be written, or one that must not be restored; the message is French."""


@dataclass
class RestoreResult:
    path: Path
    metadata: dict[str, Any]
    row_counts: dict[str, int] = field(default_factory=dict)
    files: int = 0


# --- Reading the live database and storage -------------------------------------------------


def table_row_counts() -> dict[str, int]:
    """Rows per table of the configured database (every table, Django's own included)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def storage_files(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name in a storage, through its API (it need not be a local directory)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # a local MEDIA_ROOT not created yet: nothing uploaded
        if path:
            raise
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from storage_files(storage, f"{path}/{directory}" if path else directory)


def _vendor() -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Base de données « {connection.vendor} » non prise en charge.")
    return connection.vendor


# --- PostgreSQL client programs ------------------------------------------------------------


def _pg_program(name: str) -> str:
    """pg_dump/pg_restore from PG_BIN_DIR, the PATH, or Debian's PostgreSQL 15 directory."""
    candidates = [os.environ.get("PG_BIN_DIR", ""), "", "/usr/lib/postgresql/15/bin"]
    for directory in candidates:
        found = shutil.which(name, path=directory or None)
        if found:
            return found
    raise BackupError(
        f"Programme « {name} » introuvable (paquet postgresql-client, ou PG_BIN_DIR)."
    )


def _pg_connection_args() -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for libpq; the password only in the environment."""
    db = settings.DATABASES["default"]
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args.append(f"{option}={db[key]}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            f"« {Path(command[0]).name} » a échoué (code {result.returncode}) :\n"
            f"{result.stderr.strip()}"
        )


# --- Manifest ------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _backup_files(root: Path) -> list[str]:
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).as_posix() != MANIFEST
    )


def write_manifest(root: Path) -> None:
    lines = [f"{_sha256(root / name)}  {name}\n" for name in _backup_files(root)]
    (root / MANIFEST).write_text("".join(lines), encoding="utf-8")


def verify_manifest(root: Path) -> None:
    """Refuse a backup with a missing, changed or unlisted file, before anything is touched."""
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise BackupError(f"Sauvegarde invalide : {MANIFEST} est absent de {root}.")
    expected: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        expected[name] = digest
    problems = []
    for name, digest in sorted(expected.items()):
        path = root / name
        if not path.is_file():
            problems.append(f"fichier manquant : {name}")
        elif _sha256(path) != digest:
            problems.append(f"empreinte différente : {name}")
    problems += [
        f"fichier absent du manifeste : {n}" for n in _backup_files(root) if n not in expected
    ]
    if METADATA not in expected:
        problems.append(f"fichier manquant : {METADATA}")
    if problems:
        raise BackupError(
            "Sauvegarde refusée : le manifeste ne correspond pas au contenu.\n  "
            + "\n  ".join(problems)
        )


# --- Backup --------------------------------------------------------------------------------


def backup_create(*, destination: Path, archive: bool = False) -> Path:
    """Write a timestamped backup under destination; returns the directory or .tar.gz path."""
    vendor = _vendor()
    created_at = datetime.datetime.now(datetime.UTC)
    name = f"fabriques-backup-{created_at:%Y%m%d-%H%M%S}"
    destination.mkdir(parents=True, exist_ok=True)
    final = destination / (f"{name}.tar.gz" if archive else name)
    if final.exists():
        raise BackupError(f"{final} existe déjà.")
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=destination))
    try:
        # Row counts first, then the dump: a write in between shows as a count mismatch at
        # restore time rather than going unnoticed.
        metadata = {
            "format": FORMAT_VERSION,
            "created_at": created_at.isoformat(timespec="seconds"),
            "django": django.get_version(),
            "database": vendor,
            "migrations": applied_migrations(),
            "data_version": data_version(),
            "row_counts": table_row_counts(),
        }
        if vendor == "sqlite":
            _sqlite_dump(work / SQLITE_DUMP)
        else:
            _pg_dump(work / PG_DUMP)
        metadata["media_files"] = media_export(work / MEDIA_DIR)
        (work / METADATA).write_text(
            json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        write_manifest(work)
        if archive:
            with tarfile.open(final, "w:gz") as tar:
                tar.add(work, arcname=name)
        else:
            work.rename(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def media_export(directory: Path) -> int:
    """Copy every file of the default storage under directory; returns how many."""
    count = 0
    for file_name in storage_files(default_storage):
        target = directory / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(file_name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
        count += 1
    return count


def _sqlite_dump(target: Path) -> None:
    # The online backup API copies a consistent snapshot even while the server writes (WAL).
    connection.ensure_connection()
    out = sqlite3.connect(target)
    try:
        connection.connection.backup(out)
    finally:
        out.close()


def _pg_dump(target: Path) -> None:
    args, env = _pg_connection_args()
    name = settings.DATABASES["default"]["NAME"]
    _run([_pg_program("pg_dump"), "--format=custom", f"--file={target}", *args, name], env)


# --- Restore -------------------------------------------------------------------------------


def backup_open(source: Path, scratch: Path) -> Path:
    """The backup directory inside source (a directory or a .tar.gz unpacked into scratch)."""
    if source.is_dir():
        return source
    if not source.is_file() or not tarfile.is_tarfile(source):
        raise BackupError(f"{source} n'est ni un dossier de sauvegarde ni une archive tar.")
    with tarfile.open(source) as tar:
        # The "data" filter refuses absolute paths, links out of the tree and device files.
        tar.extractall(scratch, filter="data")
    entries = [path for path in scratch.iterdir() if path.is_dir()]
    if len(entries) != 1:
        raise BackupError(f"L'archive {source} doit contenir un seul dossier de sauvegarde.")
    return entries[0]


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def storage_is_empty() -> bool:
    return next(storage_files(default_storage), None) is None


def backup_restore(*, source: Path, force: bool = False) -> RestoreResult:
    """Verify, then restore the database and the files of a backup; counts are checked after."""
    with tempfile.TemporaryDirectory(prefix="fabriques-restore-") as scratch:
        root = backup_open(source, Path(scratch))
        verify_manifest(root)
        metadata = json.loads((root / METADATA).read_text(encoding="utf-8"))
        vendor = _vendor()
        if metadata.get("database") != vendor:
            raise BackupError(
                f"Sauvegarde d'une base « {metadata.get('database')} », "
                f"base configurée « {vendor} » : restauration impossible."
            )
        if not force and not database_is_empty():
            raise BackupError(
                "La base de données configurée n'est pas vide : restauration refusée "
                "(--force pour la remplacer)."
            )
        if not force and not storage_is_empty():
            raise BackupError(
                "Le stockage des fichiers n'est pas vide : restauration refusée "
                "(--force pour remplacer les fichiers de même nom)."
            )
        if vendor == "sqlite":
            _sqlite_restore(root / SQLITE_DUMP)
        else:
            _pg_restore(root / PG_DUMP)
        files = media_restore(root / MEDIA_DIR)
    result = RestoreResult(
        path=source, metadata=metadata, row_counts=table_row_counts(), files=files
    )
    differences = [
        f"{table} : {expected} attendue(s), {result.row_counts.get(table)} restaurée(s)"
        for table, expected in metadata["row_counts"].items()
        if result.row_counts.get(table) != expected
    ]
    if differences:
        raise BackupError(
            "Nombre de lignes différent après restauration :\n  " + "\n  ".join(differences)
        )
    return result


def _sqlite_restore(dump: Path) -> None:
    # Copy page by page into the live file through the backup API, which takes the locks a
    # plain file copy would ignore (and leaves no stale -wal file behind).
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def _pg_restore(dump: Path) -> None:
    args, env = _pg_connection_args()
    name = settings.DATABASES["default"]["NAME"]
    connection.close()
    _run(
        [
            _pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={name}",
            *args,
            str(dump),
        ],
        env,
    )


def media_restore(media: Path) -> int:
    """Save every file under media into the default storage, under the same name."""
    count = 0
    if not media.is_dir():
        return count
    for path in sorted(media.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(media).as_posix()
        if default_storage.exists(name):
            default_storage.delete(name)
        with path.open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"Le stockage a enregistré « {name} » sous « {saved} ».")
        count += 1
    return count
