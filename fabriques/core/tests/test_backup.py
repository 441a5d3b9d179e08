"""Backup and restore round trips, run as an operator would: `manage.py` in subprocesses."""

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import environ
import pytest
from django.conf import settings

MANAGE = settings.BASE_DIR / "manage.py"
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
MEDIA = {
    "deliverables/2026/rapport final.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 40,
    "calls/délibération.pdf": b"%PDF-1.7\n\x00\xff" * 3000,
}
LOAD_MEDIA = (
    "from django.core.files.base import ContentFile\n"
    "from django.core.files.storage import default_storage\n"
    f"for name, data in {MEDIA!r}.items():\n"
    "    assert default_storage.save(name, ContentFile(data)) == name\n"
)


def manage(*args: str, database_url: str, media: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, str(MANAGE), *args], env=env, capture_output=True, text=True, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def load_source(database_url: str, media: Path) -> None:
    """The real referential and programme history, plus two uploaded files."""
    for command in (["migrate", "--noinput"], ["import_referential"], ["import_programme"]):
        ok(manage(*command, database_url=database_url, media=media))
    ok(manage("shell", "-c", LOAD_MEDIA, database_url=database_url, media=media))


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def round_trip(tmp_path: Path, source_url: str, target_url: str, dump_rows) -> None:
    src_media, dst_media = tmp_path / "media-src", tmp_path / "media-dst"
    load_source(source_url, src_media)
    ok(manage("backup", str(tmp_path / "backups"), database_url=source_url, media=src_media))
    (backup,) = (tmp_path / "backups").iterdir()

    out = ok(manage("restore", str(backup), database_url=target_url, media=dst_media))
    assert "2 fichier(s)" in out

    source_rows, target_rows = dump_rows(source_url), dump_rows(target_url)
    assert source_rows.keys() == target_rows.keys()
    for table, rows in source_rows.items():
        assert target_rows[table] == rows, table
    # The comparison saw real data: the referential's communes and the programme's Fabriques.
    assert len(source_rows["territories_commune"]) > 30000
    assert len(source_rows["programme_fabrique"]) == 10
    assert files_of(dst_media) == files_of(src_media) == MEDIA

    # A second restore is refused: the database is no longer empty.
    again = manage("restore", str(backup), database_url=target_url, media=dst_media)
    assert again.returncode != 0
    assert "n'est pas vide" in again.stderr


def sqlite_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    import sqlite3

    path = environ.Env.db_url_config(url)["NAME"]
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}


@pytest.mark.skipif(POSTGRES, reason="the SQLite round trip runs on the SQLite pass of CI")
def test_sqlite_round_trip_restores_every_row_and_file(tmp_path):
    round_trip(
        tmp_path,
        f"sqlite:///{tmp_path / 'source.sqlite3'}",
        f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        sqlite_rows,
    )


@pytest.mark.skipif(POSTGRES, reason="independent of the database server")
def test_tampered_or_incomplete_backup_is_refused(tmp_path):
    url, media = f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "media"
    ok(manage("migrate", "--noinput", database_url=url, media=media))
    ok(manage("shell", "-c", LOAD_MEDIA, database_url=url, media=media))
    out = ok(manage("backup", str(tmp_path / "b"), "--archive", database_url=url, media=media))
    archive = Path(out.split(" : ", 1)[1].strip())
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"

    extracted = tmp_path / "x"
    with tarfile.open(archive) as tar:
        tar.extractall(extracted, filter="data")
    (backup,) = extracted.iterdir()
    pdf = backup / "media" / "calls" / "délibération.pdf"
    data = bytearray(pdf.read_bytes())
    data[100] ^= 1  # one bit of one byte
    pdf.write_bytes(bytes(data))
    refused = manage("restore", str(backup), database_url=target, media=tmp_path / "m")
    assert refused.returncode != 0
    assert "empreinte différente : media/calls/délibération.pdf" in refused.stderr

    pdf.unlink()
    refused = manage("restore", str(backup), database_url=target, media=tmp_path / "m")
    assert "fichier manquant : media/calls/délibération.pdf" in refused.stderr
    # Nothing was written before the check.
    assert not (tmp_path / "m").exists()
    assert not (tmp_path / "target.sqlite3").exists()

    # The untouched archive restores.
    restored = ok(manage("restore", str(archive), database_url=target, media=tmp_path / "m"))
    assert "2 fichier(s)" in restored
    manifest = dict(
        reversed(line.split("  ", 1))
        for line in (backup / "MANIFEST.sha256").read_text().splitlines()
    )
    assert (
        manifest["media/deliverables/2026/rapport final.pdf"]
        == hashlib.sha256(MEDIA["deliverables/2026/rapport final.pdf"]).hexdigest()
    )


@pytest.mark.skipif(not POSTGRES, reason="DATABASE_URL does not point to PostgreSQL")
def test_postgresql_round_trip_restores_every_row_and_file(tmp_path):
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    # Connection keywords for psycopg.connect (the values come untyped from the URL).
    server: dict[str, Any] = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    names = [f"fabriques_backup_src_{os.getpid()}", f"fabriques_backup_dst_{os.getpid()}"]
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]

    def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
        with psycopg.connect(dbname=url.rsplit("/", 1)[1], **server) as db:
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            return {
                t: sorted(
                    db.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(t))), key=repr
                )
                for t in tables
            }

    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        created = []
        try:
            for name in names:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created.append(name)
            round_trip(tmp_path, f"{base}/{names[0]}", f"{base}/{names[1]}", rows)
        finally:
            for name in created:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
