"""The /donnees/ page and the download addresses."""

import datetime
import json

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from fabriques.opendata.datasets import DATASETS
from fabriques.opendata.publishing import publish
from fabriques.programme.models import (
    PUBLIC_STATUSES,
    Fabrique,
    FabriqueOrganisation,
    Organisation,
)
from fabriques.programme.tests.dataset import build_reference_programme, make_fabriques
from fabriques.territories.models import Participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return build_reference_programme()


def test_index_lists_every_dataset_with_its_files_schema_and_licence(client, programme):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Données ouvertes</h1>" in html
    for dataset in DATASETS.values():
        assert escape(str(dataset.title)) in html
        assert escape(str(dataset.description)) in html
        for ext in ("csv", "json", "schema.json"):
            url = reverse("opendata:download", kwargs={"dataset": dataset.name, "ext": ext})
            assert f'href="{url}"' in html
    assert "Licence Ouverte / Open Licence version 2.0" in html
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence" in html
    for view in ("api:fabrique-list", "api:territory-list", "api:organisation-list", "api:docs"):
        assert f'href="{reverse(view)}"' in html


def test_index_shows_real_sizes_and_row_counts(client, programme):
    content = b"".join(client.get("/donnees/participations.csv").streaming_content)
    publish()  # the index reads them from the published files (test_publishing.py)
    html = client.get(reverse("opendata:index")).content.decode()
    assert f"CSV – {filesizeformat(len(content))}" in html
    assert "6 lignes" in html  # six participations in public Fabriques


def test_index_query_count_does_not_grow_with_data(client, django_assert_max_num_queries):
    make_fabriques(2)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("opendata:index"))
    make_fabriques(28, start=2)
    with django_assert_max_num_queries(20) as large:
        client.get(reverse("opendata:index"))
    # fabriques (5) + participations, organisations, roles (1 each) + whatever the base
    # template reads: the same number at both sizes.
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(
    ("ext", "content_type"),
    [("csv", "text/csv; charset=utf-8"), ("json", "application/json; charset=utf-8")],
)
def test_downloads_stream_as_attachments(client, programme, ext, content_type):
    response = client.get(reverse("opendata:download", kwargs={"dataset": "fabriques", "ext": ext}))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="fabriques.{ext}"'


def test_schema_descriptor_points_to_its_files(client, programme):
    response = client.get("/donnees/participations.schema.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    descriptor = json.loads(response.content)
    assert descriptor["path"] == "http://testserver/donnees/participations.schema.json"
    assert descriptor["homepage"] == "http://testserver/donnees/"
    assert [r["path"] for r in descriptor["resources"]] == [
        "http://testserver/donnees/participations.csv",
        "http://testserver/donnees/participations.json",
    ]
    assert descriptor["fields"] == DATASETS["participations"].schema["fields"]


@pytest.mark.parametrize(
    "path",
    ["/donnees/inconnu.csv", "/donnees/fabriques.xlsx", "/donnees/fabriques.schema.csv"],
)
def test_unknown_downloads_are_404(client, programme, path):
    assert client.get(path).status_code == 404


def test_index_gives_the_date_of_the_last_change_of_the_published_data(client, programme):
    long_ago = timezone.make_aware(datetime.datetime(2022, 1, 10, 12))
    Fabrique.objects.update(updated_at=long_ago)
    Participation.objects.update(updated_at=long_ago)
    FabriqueOrganisation.history.update(history_date=long_ago)
    Organisation.objects.update(updated_at=long_ago)
    # A draft edited later does not count: its data is not published.
    Fabrique.objects.exclude(status__in=PUBLIC_STATUSES).update(
        updated_at=long_ago + datetime.timedelta(days=300)
    )
    html = client.get(reverse("opendata:index")).content.decode()
    assert "Dernière mise à jour des données\u00a0: 10 janvier 2022" in html
    # A territory of a public Fabrique edited on 3 March 2023.
    edited = Participation.objects.filter(fabrique__status__in=PUBLIC_STATUSES).first()
    assert edited is not None
    Participation.objects.filter(pk=edited.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2023, 3, 3, 12))
    )
    html = client.get(reverse("opendata:index")).content.decode()
    assert "Dernière mise à jour des données\u00a0: 3 mars 2023" in html


def test_index_says_when_nothing_is_published(client):
    assert (
        "Aucune donnée n’est encore publiée."
        in client.get(reverse("opendata:index")).content.decode()
    )
