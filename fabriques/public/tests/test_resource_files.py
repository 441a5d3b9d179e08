"""A public Fabrique's resource files, downloaded through the platform (never a storage URL):
on the page, in the API, and refused for a Fabrique not yet public or a missing file."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.factories import FabriqueFactory, ResourceFactory

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 synthese de la Fabrique"


def _resource(status: str = FabriqueStatus.PUBLISHED):
    fabrique = FabriqueFactory(status=status, slug="fabrique-des-mobilites")
    resource = ResourceFactory.build(fabrique=fabrique, url="", title="Synthèse finale")
    resource.file.save("synthese-finale.pdf", ContentFile(CONTENT))  # saves the row too
    return resource


def test_the_page_and_the_api_link_to_the_platforms_download(client):
    resource = _resource()
    url = reverse("public:resource_file", args=["fabrique-des-mobilites", resource.pk])
    page = client.get(reverse("public:fabrique_detail", args=["fabrique-des-mobilites"]))
    assert f'href="{url}" download>Synthèse finale</a>' in page.content.decode()
    api = client.get("/api/v1/fabriques/fabrique-des-mobilites/").json()
    assert [r["url"] for r in api["resources"]] == [f"http://testserver{url}"]
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert 'filename="synthese-finale' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_fabrique_not_yet_public_a_wrong_slug_a_link_or_a_lost_file_is_404(client):
    draft = _resource(status=FabriqueStatus.DESIGNED)
    assert (
        client.get(
            reverse("public:resource_file", args=["fabrique-des-mobilites", draft.pk])
        ).status_code
        == 404
    )
    public = _resource_in(FabriqueFactory(status=FabriqueStatus.PUBLISHED, slug="autre"))
    assert (
        client.get(reverse("public:resource_file", args=["autre-slug", public.pk])).status_code
        == 404
    )
    link = ResourceFactory.create(fabrique=public.fabrique)
    assert client.get(reverse("public:resource_file", args=["autre", link.pk])).status_code == 404
    public.file.storage.delete(public.file.name)
    lost = client.get(reverse("public:resource_file", args=["autre", public.pk]))
    assert lost.status_code == 404


def _resource_in(fabrique):
    resource = ResourceFactory.build(fabrique=fabrique, url="", title="Annexe")
    resource.file.save("annexe.pdf", ContentFile(CONTENT))
    return resource
