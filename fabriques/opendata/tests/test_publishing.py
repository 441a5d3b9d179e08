"""The open-data files built once per data version, stored, and served as files."""

import dataclasses
import datetime
import gzip
import hashlib
import io

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabriques.core.versioning import data_version
from fabriques.opendata.datasets import DATASETS
from fabriques.opendata.models import Publication, PublishedFile
from fabriques.opendata.publishing import publish
from fabriques.programme.models import PUBLIC_STATUSES, Fabrique
from fabriques.programme.tests.dataset import build_reference_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return build_reference_programme()


@pytest.fixture(autouse=True)
def empty_cache_and_storage():
    """The cache, and the test storage (in memory, shared by the tests of a process, whose
    databases all start at the same data version)."""
    cache.clear()
    _empty_opendata_storage()
    yield
    cache.clear()
    _empty_opendata_storage()


def _empty_opendata_storage() -> None:
    try:
        folders, _names = default_storage.listdir("opendata")
    except FileNotFoundError:
        return
    for folder in folders:
        for name in default_storage.listdir(f"opendata/{folder}")[1]:
            default_storage.delete(f"opendata/{folder}/{name}")


def url(name: str, ext: str) -> str:
    return reverse("opendata:download", kwargs={"dataset": name, "ext": ext})


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored(folder: str) -> list[str]:
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return []


def edit_a_public_fabrique(title: str) -> Fabrique:
    fabrique = Fabrique.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk").first()
    assert fabrique is not None
    fabrique.title = title
    fabrique.save()  # bumps the data version (programme.signals)
    return fabrique


def test_a_publication_holds_every_dataset_as_the_live_files_are(client, programme):
    live = {
        (name, ext): body(client.get(url(name, ext)))
        for name in DATASETS
        for ext in ["csv", "json"]
    }
    publication = publish()
    assert publication is not None
    assert publication.version == data_version()
    assert publication.completed_at is not None
    files = {(f.dataset, f.ext): f for f in publication.files.all()}
    assert set(files) == set(live)
    for key, content in live.items():
        published = files[key]
        with default_storage.open(published.name, "rb") as handle:
            assert handle.read() == content, key
        with default_storage.open(published.gzip_name, "rb") as handle:
            compressed = handle.read()
        assert gzip.decompress(compressed) == content, key
        assert published.size == len(content)
        assert published.gzip_size == len(compressed)
        assert published.sha256 == hashlib.sha256(content).hexdigest()
    assert files["participations", "csv"].rows == 6  # six participations in public Fabriques
    assert files["participations", "json"].rows == 6


def test_nothing_is_built_twice_for_one_version(programme):
    assert publish() is not None
    assert publish() is None
    assert Publication.objects.count() == 1


def test_a_build_under_way_is_left_alone_and_a_dead_one_started_again(programme):
    under_way = Publication.objects.create(version=data_version())
    assert publish() is None
    Publication.objects.filter(pk=under_way.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    default_storage.save(f"opendata/v{under_way.version}/fabriques.csv", io.BytesIO(b"half"))
    publication = publish()
    assert publication is not None and publication.completed_at is not None
    # The dead build's half-written file is gone; only the new files are in the folder.
    names = {f.name.rsplit("/", 1)[1] for f in publication.files.all()} | {
        f.gzip_name.rsplit("/", 1)[1] for f in publication.files.all()
    }
    assert set(stored(f"opendata/v{publication.version}")) == names


def test_downloads_are_the_stored_files_with_length_etag_and_dates(client, programme):
    publish()
    response = client.get(url("fabriques", "csv"))
    assert response.status_code == 200
    content = body(response)
    published = PublishedFile.objects.get(dataset="fabriques", ext="csv")
    assert response["Content-Length"] == str(published.size) == str(len(content))
    assert response["ETag"] == f'"{published.sha256[:32]}"'
    assert response["Last-Modified"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="fabriques.csv"'
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert "Accept-Encoding" in response["Vary"]
    assert not response.has_header("Content-Encoding")


def test_a_client_that_takes_gzip_gets_the_compressed_copy(client, programme):
    publish()
    plain = body(client.get(url("participations", "json")))
    response = client.get(url("participations", "json"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    compressed = body(response)
    assert response["Content-Length"] == str(len(compressed))
    assert len(compressed) < len(plain)
    assert gzip.decompress(compressed) == plain
    assert response["ETag"].endswith('-gzip"')


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_conditional_requests_get_304(client, programme, encoding):
    publish()
    first = client.get(url("roles", "csv"), HTTP_ACCEPT_ENCODING=encoding)
    again = client.get(
        url("roles", "csv"), HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert body(again) == b""
    since = client.get(
        url("roles", "csv"),
        HTTP_ACCEPT_ENCODING=encoding,
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )
    assert since.status_code == 304
    # Another representation's tag does not match.
    other = client.get(url("roles", "csv"), HTTP_IF_NONE_MATCH='"0000"')
    assert other.status_code == 200


def test_a_write_is_published_while_the_old_files_stay_served(client, programme):
    first = publish()
    assert first is not None
    old = body(client.get(url("fabriques", "csv")))
    old_tag = client.get(url("fabriques", "csv"))["ETag"]

    edit_a_public_fabrique("Une Fabrique renommée")
    assert data_version() > first.version
    # A new version is being built: visitors still get the complete previous files.
    building = Publication.objects.create(version=data_version())
    response = client.get(url("fabriques", "csv"))
    assert body(response) == old
    assert response["ETag"] == old_tag
    index = client.get(reverse("opendata:index"))
    assert "no-cache" in index["Cache-Control"]  # no page cache may keep it meanwhile

    building.delete()
    second = publish()
    assert second is not None
    response = client.get(url("fabriques", "csv"))
    assert "Une Fabrique renommée" in body(response).decode()
    assert response["ETag"] != old_tag
    assert "no-cache" not in client.get(reverse("opendata:index")).get("Cache-Control", "")

    # The previous files stay (a download of them may be under way); older ones go.
    assert set(stored(f"opendata/v{first.version}"))
    edit_a_public_fabrique("Une Fabrique renommée deux fois")
    third = publish()
    assert third is not None
    assert set(Publication.objects.values_list("version", flat=True)) == {
        second.version,
        third.version,
    }
    assert stored(f"opendata/v{first.version}") == []


def test_a_failed_build_leaves_the_previous_files_and_no_stray_file(client, programme, monkeypatch):
    first = publish()
    assert first is not None
    edit_a_public_fabrique("Une Fabrique renommée")
    version = data_version()

    def broken():
        yield from ()
        raise RuntimeError("disk full")

    monkeypatch.setitem(DATASETS, "roles", dataclasses.replace(DATASETS["roles"], rows=broken))
    with pytest.raises(RuntimeError):
        publish()
    assert not Publication.objects.filter(version=version).exists()
    assert stored(f"opendata/v{version}") == []
    assert "Une Fabrique renommée" not in body(client.get(url("fabriques", "csv"))).decode()


def test_a_committed_write_queues_the_build(
    programme, settings, django_capture_on_commit_callbacks
):
    settings.OPEN_DATA_AUTO_PUBLISH = True
    publish()
    with django_capture_on_commit_callbacks(execute=True):
        edit_a_public_fabrique("Une Fabrique renommée")
    # The test settings' task backend runs the task at once.
    latest = Publication.objects.order_by("-version").first()
    assert latest is not None and latest.version == data_version()
    assert latest.completed_at is not None


def test_no_build_is_queued_when_turned_off(programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        edit_a_public_fabrique("Une Fabrique renommée")
    assert not Publication.objects.exists()


def test_a_visit_before_the_first_publication_queues_it_and_gets_the_live_file(programme, settings):
    settings.OPEN_DATA_AUTO_PUBLISH = True
    client = Client()
    response = client.get(reverse("opendata:index"))
    assert "Les fichiers sont en cours de production" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    # The immediate task backend has built them meanwhile.
    assert Publication.objects.filter(version=data_version(), completed_at__isnull=False).exists()
    html = client.get(reverse("opendata:index")).content.decode()
    assert "Fichiers produits le" in html


def test_the_index_reads_rows_sizes_and_dates_from_the_files(client, programme):
    publication = publish()
    assert publication is not None
    html = client.get(reverse("opendata:index")).content.decode()
    for published in publication.files.all():
        assert f"{published.ext.upper()} – {filesizeformat(published.size)}" in html
    assert "6 lignes" in html
    assert "Fichiers produits le" in html
    # The date reusers cite is the one of the data in the files, even after a later edit.
    Publication.objects.filter(pk=publication.pk).update(
        data_changed_at=timezone.make_aware(datetime.datetime(2022, 1, 10, 12))
    )
    cache.clear()
    html = client.get(reverse("opendata:index")).content.decode()
    assert "Dernière mise à jour des données\u00a0: 10 janvier 2022" in html


def test_published_downloads_and_the_index_take_a_fixed_number_of_queries(
    client, programme, settings, django_assert_max_num_queries
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    publish()
    # data version, publication, its files
    with django_assert_max_num_queries(3):
        body(client.get(url("fabriques", "csv")))
    # Then the manifest is in the cache for this data version: no query at all.
    with django_assert_max_num_queries(0):
        body(client.get(url("participations", "json")))


def test_the_command_builds_and_says_so(programme, capsys):
    call_command("publish_open_data")
    assert "publiée, 16 fichiers" in capsys.readouterr().out
    call_command("publish_open_data")
    assert "à jour" in capsys.readouterr().out


def test_publishing_is_a_daily_job():
    from fabriques.core.management.commands.run_daily import DAILY

    assert "publish_open_data" in DAILY


def test_a_burst_of_writes_queues_one_deferred_build(
    programme, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.OPEN_DATA_AUTO_PUBLISH = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for title in ("Un", "Deux", "Trois"):
        with django_capture_on_commit_callbacks(execute=True):
            edit_a_public_fabrique(title)
    queued = DBTaskResult.objects.filter(task_path="fabriques.opendata.tasks.publish_open_data")
    assert queued.count() == 1
    # Run after the window, so that the three writes are all in the files it builds.
    assert queued.get().run_after > timezone.now()
    assert not Publication.objects.exists()  # nothing built during the requests
