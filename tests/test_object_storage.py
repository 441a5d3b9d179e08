"""Uploads kept in an S3-compatible object store (django-storages), against moto's S3 server
started on 127.0.0.1 for this module: the storage comes from config/settings.py itself, files
go in through the platform's upload services and views and come out through its
access-checking views, and every byte is read back from the bucket.

Here rather than under fabriques/core/tests: it crosses the layers (roadmaps, calls and the
core's backup), which an app's own tests may not import.
"""

from __future__ import annotations

import datetime
import itertools
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from fabriques.accounts.tests.factories import UserFactory
from fabriques.calls import services as calls_services
from fabriques.calls.services import ApplicationInput
from fabriques.calls.tests.factories import CallFactory, pdf_bytes
from fabriques.core.backup import media_export, media_restore, storage_is_empty
from fabriques.core.uploads import orphan_cutoff, sweep_orphans
from fabriques.roadmaps.services.files import roadmap_files_purge_orphans
from fabriques.roadmaps.tests.factories import build_roadmap_world
from fabriques.territories.models import ParticipationKind
from fabriques.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"
REGION = "eu-west-3"
ACCESS_KEY = "fabriques-test-access-key"
SECRET_KEY = "fabriques-test-secret-key"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
_bucket_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 API over HTTP on a free local port, for the module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def settings_with(monkeypatch: pytest.MonkeyPatch, **variables: str) -> dict[str, Any]:
    """config/settings.py evaluated afresh with these environment variables."""
    for name in (
        "DJANGO_S3_BUCKET",
        "DJANGO_S3_ENDPOINT_URL",
        "DJANGO_S3_REGION",
        "DJANGO_S3_ACCESS_KEY_ID",
        "DJANGO_S3_SECRET_ACCESS_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def new_bucket(endpoint: str) -> Any:
    s3 = boto3.resource(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    return s3.create_bucket(
        Bucket=f"fabriques-test-{next(_bucket_numbers)}",
        CreateBucketConfiguration={"LocationConstraint": REGION},
    )


def use_bucket(bucket: Any, endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the default storage at `bucket`, configured as production would from its variables."""
    production = settings_with(
        monkeypatch,
        DJANGO_S3_BUCKET=bucket.name,
        DJANGO_S3_ENDPOINT_URL=endpoint,
        DJANGO_S3_REGION=REGION,
        DJANGO_S3_ACCESS_KEY_ID=ACCESS_KEY,
        DJANGO_S3_SECRET_ACCESS_KEY=SECRET_KEY,
    )
    # Assigning STORAGES through the fixture resets default_storage, which the models'
    # FileFields reach lazily.
    settings.STORAGES = {**settings.STORAGES, "default": production["STORAGES"]["default"]}


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An empty bucket of its own, the default storage for the test."""
    created = new_bucket(s3_endpoint)
    use_bucket(created, s3_endpoint, settings, monkeypatch)
    return created


def bucket_files(bucket: Any) -> dict[str, bytes]:
    return {item.key: item.get()["Body"].read() for item in bucket.objects.all()}


def public_grants(bucket: Any, key: str) -> list[dict[str, Any]]:
    grants = bucket.Object(key).Acl().grants
    return [grant for grant in grants if grant["Grantee"].get("URI") == ALL_USERS]


def test_the_local_disk_stays_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    production = settings_with(monkeypatch)
    assert production["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_roadmap_attachment_goes_to_the_bucket_and_out_through_the_checked_view(
    bucket: Any, client: Client
) -> None:
    world = build_roadmap_world()
    roadmap = world.roadmap
    content = pdf_bytes()
    client.force_login(world.users["elected_a"])
    response = client.post(
        reverse("roadmaps:attachment_create", args=[roadmap.pk]),
        {
            "file-title": "Diagnostic territorial",
            "file-file": SimpleUploadedFile("diagnostic.pdf", content, "application/pdf"),
        },
    )
    assert response.status_code == 302
    attachment = roadmap.attachments.get()
    assert bucket_files(bucket) == {attachment.file.name: content}
    assert public_grants(bucket, attachment.file.name) == []
    # Any URL the storage hands out is signed and short-lived, never a public address.
    assert "X-Amz-Signature=" in attachment.file.url
    assert "X-Amz-Expires=300" in attachment.file.url

    url = reverse("roadmaps:attachment", args=[roadmap.pk, attachment.pk])
    client.force_login(world.users["partner_a"])
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Length"] == str(len(content))
    assert download["Content-Disposition"] == 'attachment; filename="diagnostic.pdf"'
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]

    client.force_login(world.users["elected_b"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page

    remove = reverse("roadmaps:attachment_delete", args=[roadmap.pk, attachment.pk])
    client.force_login(world.users["elected_b"])
    assert client.post(remove).status_code == 404
    assert set(bucket_files(bucket)) == {attachment.file.name}
    client.force_login(world.users["elected_a"])
    assert client.post(remove).status_code == 302
    assert bucket_files(bucket) == {}


def test_deliberation_downloaded_replaced_and_removed_in_the_bucket(
    bucket: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    call = CallFactory(fabrique__title="Centres-bourgs 2040")
    applicant = UserFactory.create(username="agent@saint-etienne.fr")
    commune = CommuneFactory(name="Saint-Étienne", code="42218")
    content = pdf_bytes()

    def save(deliberation: SimpleUploadedFile | bool, application: Any = None) -> Any:
        return calls_services.application_save_draft(
            call=call,
            applicant=applicant,
            data=ApplicationInput(
                territory=(ParticipationKind.COMMUNE, commune.pk), deliberation=deliberation
            ),
            application=application,
        )

    application = save(SimpleUploadedFile("deliberation.pdf", content, "application/pdf"))
    first = application.deliberation.name
    assert bucket_files(bucket) == {first: content}
    assert public_grants(bucket, first) == []

    url = reverse("calls:application_file", args=[application.pk])
    client.force_login(applicant)
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]
    client.force_login(UserFactory.create(username="curieux@exemple.fr"))
    assert client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        application = save(
            SimpleUploadedFile("deliberation.pdf", content, "application/pdf"), application
        )
    second = application.deliberation.name
    # Same upload name: the storage never overwrites, the replaced file is gone.
    assert second != first
    assert bucket_files(bucket) == {second: content}

    with django_capture_on_commit_callbacks(execute=True):
        save(False, application)
    assert bucket_files(bucket) == {}

    # An object lost from the bucket is a 404, as a file lost from the disk.
    application = save(
        SimpleUploadedFile("deliberation.pdf", content, "application/pdf"), application
    )
    bucket.Object(application.deliberation.name).delete()
    client.force_login(applicant)
    assert client.get(url).status_code == 404


def test_daily_sweep_deletes_only_old_orphans_from_the_bucket(bucket: Any) -> None:
    orphan = default_storage.save("roadmaps/2026/orphan.pdf", ContentFile(b"%PDF-orphan"))
    # Younger than the grace period: it may belong to a transaction still open.
    report = roadmap_files_purge_orphans(now=timezone.now())
    assert (report.scanned, report.deleted) == (1, 0)
    assert set(bucket_files(bucket)) == {orphan}

    report = roadmap_files_purge_orphans(now=timezone.now() + datetime.timedelta(days=2))
    assert (report.scanned, report.deleted) == (1, 1)
    assert bucket_files(bucket) == {}


def test_a_file_gone_between_listing_and_reading_does_not_stop_the_sweep(
    bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    default_storage.save("roadmaps/2026/orphan-1.pdf", ContentFile(b"%PDF-1"))
    gone = default_storage.save("roadmaps/2026/orphan-2.pdf", ContentFile(b"%PDF-2"))
    storage = storages["default"]
    listdir = storage.listdir

    def listdir_then_lose(path: str) -> tuple[list[str], list[str]]:
        # Another process (a second sweep, a restore) deletes a file once it is listed.
        directories, files = listdir(path)
        if gone.rsplit("/", 1)[-1] in files:
            bucket.Object(gone).delete()
        return directories, files

    monkeypatch.setattr(storage, "listdir", listdir_then_lose)
    later = timezone.now() + datetime.timedelta(days=2)
    report = sweep_orphans(storage, "roadmaps", [], orphan_cutoff(later))
    assert (report.scanned, report.deleted) == (2, 1)
    assert bucket_files(bucket) == {}


def test_backup_exports_the_bucket_and_restores_into_an_empty_one(
    bucket: Any,
    s3_endpoint: str,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    files = {
        "applications/2026/deliberation.pdf": pdf_bytes(),
        "deliverables/12/rapport final.odt": b"PK\x03\x04 not really an office document",
        "top.txt": b"",
    }
    for name, content in files.items():
        assert default_storage.save(name, ContentFile(content)) == name

    assert media_export(tmp_path) == 3
    assert {
        path.relative_to(tmp_path).as_posix(): path.read_bytes()
        for path in tmp_path.rglob("*")
        if path.is_file()
    } == files

    empty = new_bucket(s3_endpoint)
    use_bucket(empty, s3_endpoint, settings, monkeypatch)
    assert storage_is_empty()
    assert media_restore(tmp_path) == 3
    assert bucket_files(empty) == files
    assert not storage_is_empty()
