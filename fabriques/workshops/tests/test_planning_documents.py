"""Documents of a workshop: added by the people who run it (checked like deliverables' files),
downloaded under their original name by those who see the workshop."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fabriques.core.models import AuditEvent
from fabriques.deliverables.tests.factories import exe_as_pdf_upload, pdf_upload
from fabriques.workshops.models import WorkshopDocument

pytestmark = pytest.mark.django_db

ADD_STATUS = {
    "admin": 302,
    "pilot_a": 302,
    "provider_a": 302,
    "elected_a": 403,  # the seminar is the whole Fabrique's: referents see it, do not run it
    "partner_a": 403,
    "member_a": 403,
    "pilot_b": 404,
    "member_b": 404,
    "anonymous": 302,
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(world, name) -> Client:
    client = Client()
    if name != "anonymous":
        client.force_login(world.users[name] if name in world.users else world.cast.user(name))
    return client


@pytest.mark.parametrize("persona", sorted(ADD_STATUS))
def test_add_document_by_persona(world, persona):
    url = reverse("workshops:document_add", args=[world.seminar_a.pk])
    client = client_for(world, persona)
    expected_get = 200 if ADD_STATUS[persona] == 302 and persona != "anonymous" else None
    response = client.get(url)
    assert response.status_code == (expected_get or ADD_STATUS[persona])
    response = client.post(
        url,
        {"title": "Support du séminaire", "kind": "slides", "file": pdf_upload("Support v2.pdf")},
    )
    assert response.status_code == ADD_STATUS[persona]
    created = WorkshopDocument.objects.filter(workshop=world.seminar_a).exists()
    assert created is (persona in {"admin", "pilot_a", "provider_a"})


def test_document_round_trip_and_download_by_persona(world):
    client = client_for(world, "provider_a")
    client.post(
        reverse("workshops:document_add", args=[world.seminar_a.pk]),
        {"title": "Support", "kind": "slides", "file": pdf_upload("Support séminaire.pdf")},
    )
    document = WorkshopDocument.objects.get()
    assert document.original_name == "Support séminaire.pdf"
    assert "Support séminaire" not in str(document.file.name)  # stored under a random name
    assert AuditEvent.objects.filter(action="workshop.document_added").count() == 1
    url = reverse("workshops:document_download", args=[world.seminar_a.pk, document.pk])
    for persona, status in (
        ("partner_a", 200),
        ("member_a2", 200),
        ("elected_a", 200),
        ("member_b", 404),
        ("pilot_b", 404),
        ("anonymous", 302),
    ):
        response = client_for(world, persona).get(url)
        assert response.status_code == status, persona
        if status == 200:
            assert "attachment" in response["Content-Disposition"]
            assert "Support%20s%C3%A9minaire.pdf" in response["Content-Disposition"]
            assert response.getvalue().startswith(b"%PDF-")
    page = client_for(world, "member_a2").get(
        reverse("workshops:workshop_detail", args=[world.seminar_a.pk])
    )
    assert url in page.content.decode()
    # A document of another workshop is not reached through this one.
    other = reverse("workshops:document_download", args=[world.local_a.pk, document.pk])
    assert client_for(world, "pilot_a").get(other).status_code == 404


def test_add_refuses_a_disguised_file(world):
    response = client_for(world, "pilot_a").post(
        reverse("workshops:document_add", args=[world.seminar_a.pk]),
        {"title": "Rapport", "kind": "other", "file": exe_as_pdf_upload()},
    )
    assert response.status_code == 200
    assert "ne correspond pas à un document PDF" in response.content.decode()
    assert not WorkshopDocument.objects.exists()


def _photo(name: str, image_format: str, size=(40, 30)):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 0, 145)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def test_a_photo_of_the_boards_is_kept_and_served_as_an_image(world):
    client = client_for(world, "provider_a")
    response = client.post(
        reverse("workshops:document_add", args=[world.seminar_a.pk]),
        {"title": "Tableau des enjeux", "kind": "photo", "file": _photo("tableau.JPG", "JPEG")},
    )
    assert response.status_code == 302
    document = WorkshopDocument.objects.get()
    download = client.get(
        reverse("workshops:document_download", args=[world.seminar_a.pk, document.pk])
    )
    assert download["Content-Type"] == "image/jpeg"
    assert download.getvalue()[:2] == b"\xff\xd8"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        # A PNG named .jpg, and a text file named .png.
        (lambda: _photo("photo.jpg", "PNG"), "n’est pas une photo JPEG lisible"),
        (
            lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "photo.png", b"<svg onload=alert(1)>"
            ),
            "n’est pas une photo PNG lisible",
        ),
    ],
)
def test_a_photo_that_is_not_what_it_says_is_refused(world, upload, message):
    response = client_for(world, "provider_a").post(
        reverse("workshops:document_add", args=[world.seminar_a.pk]),
        {"title": "Photo", "kind": "photo", "file": upload()},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WorkshopDocument.objects.exists()


def test_a_pixel_bomb_is_refused(world, monkeypatch):
    monkeypatch.setattr("fabriques.core.uploads.IMAGE_MAX_PIXELS", 1000)
    response = client_for(world, "provider_a").post(
        reverse("workshops:document_add", args=[world.seminar_a.pk]),
        {"title": "Photo", "kind": "photo", "file": _photo("grande.png", "PNG", size=(50, 50))},
    )
    assert "La photo est trop grande (50 × 50 pixels)." in response.content.decode()
    assert not WorkshopDocument.objects.exists()
