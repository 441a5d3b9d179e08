"""The open-data files: built once per data version in the background, then served as files.

A write to the public data bumps the data version; after its commit the task queue gets
`publish_open_data`, which writes every dataset's CSV and JSON (and a gzip copy of each) to
the uploads' storage under a new `Publication`. Visitors are always given the files of the
latest *complete* publication: while a new one is being built, the previous files keep being
served, and nobody waits for a build. Once a publication is complete, those older than the one
before it are deleted (a download of the previous files may still be under way).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from fabriques.core.versioning import PUBLIC_DATA, data_version, shared_data_version
from fabriques.programme.selectors import public_data_last_change

from .datasets import DATASETS, Dataset
from .exports import CsvWriter, JsonWriter
from .models import Publication, PublishedFile

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json")
# A build not complete after this long has died (worker killed): the next task starts again.
BUILD_TIMEOUT = timedelta(minutes=30)
# Writes closer together than this are published together (when the queue can defer tasks).
PUBLISH_DELAY = timedelta(seconds=5)
MANIFEST_SECONDS = 24 * 3600


# Reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One published file, as the download view needs it (kept in the cache)."""

    name: str
    gzip_name: str
    size: int
    gzip_size: int
    sha256: str
    rows: int


@dataclass(frozen=True)
class Manifest:
    version: int
    completed_at: datetime
    data_changed_at: datetime | None
    files: dict[tuple[str, str], Entry]


def _manifest_key(version: int) -> str:
    return f"opendata:manifest:v{version}"


@dataclass(frozen=True)
class Published:
    manifest: Manifest | None
    version: int  # the current data version

    @property
    def current(self) -> bool:
        return self.manifest is not None and self.manifest.version >= self.version


def published_files() -> Published:
    """The files of the latest complete publication (None before the first one), and whether
    they hold the current data version (else a newer publication is due).

    Kept in the cache under the data version only once the publication holds that version:
    it can then no longer change (a newer publication needs a newer version). Until then, two
    queries per call (publication, its files)."""
    version = shared_data_version()
    key = _manifest_key(version)
    manifest: Manifest | None = cache.get(key)
    if manifest is not None:
        return Published(manifest, version)
    publication = (
        Publication.objects.filter(completed_at__isnull=False)
        .prefetch_related("files")
        .order_by("-version")
        .first()
    )
    if publication is None:
        return Published(None, version)
    assert publication.completed_at is not None  # filtered above
    manifest = Manifest(
        version=publication.version,
        completed_at=publication.completed_at,
        data_changed_at=publication.data_changed_at,
        files={
            (f.dataset, f.ext): Entry(
                name=f.name,
                gzip_name=f.gzip_name,
                size=f.size,
                gzip_size=f.gzip_size,
                sha256=f.sha256,
                rows=f.rows,
            )
            for f in publication.files.all()
        },
    )
    if manifest.version >= version:
        cache.set(key, manifest, MANIFEST_SECONDS)
    return Published(manifest, version)


# Asking for a build ------------------------------------------------------------------------


def request_publication(version: int | None = None) -> None:
    """Queue a build of the current data version.

    After writes (version None): one task per PUBLISH_DELAY, run PUBLISH_DELAY later, so a
    burst of writes (an import commits many times) is published once, and every write of the
    window is committed before the task reads the version. From a visit that found the files
    behind the data version `version`: at most once a minute for that version (a build that
    died is then asked for again)."""
    from .tasks import publish_open_data  # the task module imports this one

    if not settings.OPEN_DATA_AUTO_PUBLISH:
        return
    task = publish_open_data
    deferred = task.get_backend().supports_defer
    if deferred:
        gate, seconds = (
            ("opendata:requested", int(PUBLISH_DELAY.total_seconds()))
            if version is None
            else (f"opendata:requested:v{version}", 60)
        )
        if not cache.add(gate, True, seconds):
            return
        task = task.using(run_after=timezone.now() + PUBLISH_DELAY)
    try:
        task.enqueue()
    except DatabaseError:
        # The queue is in the database: if it cannot take the task, the daily job will build.
        logger.exception("Open-data publication could not be queued")


def on_data_changed(sender, name: str, **kwargs) -> None:
    """After the commit of a write to the public data (core.versioning.data_changed)."""
    if name != PUBLIC_DATA:
        return
    try:
        request_publication()
    except Exception:
        # The write is committed and its answer must go out; the daily job publishes.
        logger.exception("Open-data publication could not be requested")


# Building ----------------------------------------------------------------------------------


class _Sink:
    """A file being written, its gzip copy beside it, with size and SHA-256 as it goes."""

    def __init__(self) -> None:
        # Closed by close(), in the finally of the one function that makes sinks.
        self.raw: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.compressed: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        # mtime=0: the same content always gives the same compressed bytes.
        self._gzip = gzip.GzipFile(fileobj=self.compressed, mode="wb", compresslevel=9, mtime=0)
        self._hash = hashlib.sha256()
        self.size = 0
        self.compressed_size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.raw.write(data)
        self._gzip.write(data)
        self._hash.update(data)
        self.size += len(data)

    def finish(self) -> str:
        self._gzip.close()
        self.compressed_size = self.compressed.tell()
        for handle in (self.raw, self.compressed):
            handle.flush()
            handle.seek(0)
        return self._hash.hexdigest()

    def close(self) -> None:
        self.raw.close()
        self.compressed.close()


def _write_dataset(
    publication: Publication, dataset: Dataset, saved: list[str]
) -> list[PublishedFile]:
    """Both files of a dataset from a single pass over its rows (memory: one row at a time)."""
    writers: dict[str, CsvWriter | JsonWriter] = {
        "csv": CsvWriter(dataset),
        "json": JsonWriter(dataset),
    }
    sinks = {ext: _Sink() for ext in FORMATS}
    try:
        for ext in FORMATS:
            sinks[ext].write(writers[ext].header())
        rows = 0
        for row in dataset.rows():
            rows += 1
            for ext in FORMATS:
                sinks[ext].write(writers[ext].row(row))
        files = []
        for ext in FORMATS:
            sink = sinks[ext]
            sink.write(writers[ext].footer())
            digest = sink.finish()
            base = f"opendata/v{publication.version}/{dataset.name}.{ext}"
            name = default_storage.save(base, File(sink.raw))
            saved.append(name)
            gzip_name = default_storage.save(f"{base}.gz", File(sink.compressed))
            saved.append(gzip_name)
            files.append(
                PublishedFile(
                    publication=publication,
                    dataset=dataset.name,
                    ext=ext,
                    name=name,
                    gzip_name=gzip_name,
                    size=sink.size,
                    gzip_size=sink.compressed_size,
                    sha256=digest,
                    rows=rows,
                )
            )
        return files
    finally:
        for sink in sinks.values():
            sink.close()


def publish() -> Publication | None:
    """Build the files of the current data version, unless they exist or are being built.

    Returns the new complete publication, or None when there was nothing to do. On failure,
    whatever was written is removed and the previous files stay served."""
    version = data_version()  # read before the data: the files are never older than it says
    existing = Publication.objects.filter(version=version).first()
    if existing is not None:
        if existing.completed_at or existing.started_at > timezone.now() - BUILD_TIMEOUT:
            return None
        _delete(existing)  # a build that died: start again
    try:
        with transaction.atomic():
            publication = Publication.objects.create(version=version)
    except IntegrityError:
        return None  # another worker has just started this version
    saved: list[str] = []
    try:
        files = []
        for dataset in DATASETS.values():
            files.extend(_write_dataset(publication, dataset, saved))
        with transaction.atomic():
            PublishedFile.objects.bulk_create(files)
            publication.data_changed_at = public_data_last_change()
            publication.completed_at = timezone.now()
            publication.save(update_fields=["data_changed_at", "completed_at"])
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        Publication.objects.filter(pk=publication.pk).delete()
        raise
    prune(publication)
    logger.info(
        "Open data v%s published: %s files, %s bytes",
        version,
        len(files),
        sum(f.size for f in files),
    )
    return publication


def prune(latest: Publication) -> int:
    """Delete the publications older than the complete one before `latest` (a download of it
    may still be under way), and builds older than `latest` that never completed."""
    older = Publication.objects.filter(version__lt=latest.version)
    previous = older.filter(completed_at__isnull=False).order_by("-version").first()
    doomed = older.exclude(pk=previous.pk) if previous else older
    count = 0
    for publication in doomed:
        _delete(publication)
        count += 1
    return count


def _delete(publication: Publication) -> None:
    """The publication and every file under its folder (a build that died wrote files no row
    lists)."""
    folder = f"opendata/v{publication.version}"
    try:
        _directories, names = default_storage.listdir(folder)
    except FileNotFoundError:
        names = []
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    publication.delete()
