"""Uploaded files are judged by their content, not by their name."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fabriques.core.tests.corpus import OFFICE_CORPUS, PDF_CORPUS
from fabriques.deliverables.files import validate_deliverable_file

from .factories import (
    docx_upload,
    exe_as_pdf_upload,
    odt_as_ods_upload,
    odt_upload,
    pdf_upload,
    text_as_docx_upload,
    zip_as_docx_upload,
)


@pytest.mark.parametrize(
    ("upload", "extension"),
    [(pdf_upload, "pdf"), (docx_upload, "docx"), (odt_upload, "odt")],
)
def test_genuine_documents_pass(upload, extension):
    file = upload()
    assert validate_deliverable_file(file) == extension
    assert file.tell() == 0  # rewound for storage


@pytest.mark.parametrize(
    "upload",
    [exe_as_pdf_upload, text_as_docx_upload, zip_as_docx_upload, odt_as_ods_upload],
    ids=["exe-renamed-pdf", "text-renamed-docx", "zip-renamed-docx", "odt-renamed-ods"],
)
def test_content_not_matching_the_extension_is_refused(upload):
    with pytest.raises(ValidationError) as error:
        validate_deliverable_file(upload())
    assert error.value.code == "content"
    assert "ne correspond pas à un document" in error.value.messages[0]


def test_unknown_extension_is_refused_with_the_accepted_formats():
    with pytest.raises(ValidationError) as error:
        validate_deliverable_file(SimpleUploadedFile("outil.exe", b"MZ\x90\x00"))
    message = error.value.messages[0]
    assert "Ce format de fichier n’est pas accepté (outil.exe)" in message
    assert "PDF" in message and "Word (DOCX)" in message


def test_oversize_and_empty_files_are_refused(settings):
    settings.DELIVERABLE_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        validate_deliverable_file(pdf_upload(size=2048))
    assert error.value.messages == [
        "Le fichier pèse 2,0\xa0Kio\u202f; la taille maximale est de 1000\xa0octets."
    ]
    with pytest.raises(ValidationError) as error:
        validate_deliverable_file(SimpleUploadedFile("vide.pdf", b""))
    assert error.value.code == "empty"


def test_allowed_extensions_come_from_settings(settings):
    settings.DELIVERABLE_ALLOWED_EXTENSIONS = ["pdf"]
    with pytest.raises(ValidationError):
        validate_deliverable_file(docx_upload())
    settings.DELIVERABLE_ALLOWED_EXTENSIONS = ["pdf", "zip"]
    assert (
        validate_deliverable_file(SimpleUploadedFile("annexes.zip", docx_upload().read())) == "zip"
    )


@pytest.mark.parametrize("sample", PDF_CORPUS + OFFICE_CORPUS, ids=lambda sample: sample.name)
def test_hostile_corpus_is_refused_and_genuine_files_pass(sample):
    upload = SimpleUploadedFile(sample.name, sample.build())
    if sample.refused_with is None:
        assert validate_deliverable_file(upload) == sample.name.rsplit(".", 1)[1]
        return
    with pytest.raises(ValidationError) as error:
        validate_deliverable_file(upload)
    assert error.value.code == sample.refused_with
