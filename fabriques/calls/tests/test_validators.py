"""Deliberations go through the shared PDF checks: each hostile file of the corpus is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fabriques.calls.validators import validate_deliberation
from fabriques.core.tests.corpus import PDF_CORPUS


@pytest.mark.parametrize("sample", PDF_CORPUS, ids=lambda sample: sample.name)
def test_pdf_corpus(sample):
    upload = SimpleUploadedFile(sample.name, sample.build(), content_type="application/pdf")
    if sample.refused_with is None:
        validate_deliberation(upload)
        return
    with pytest.raises(ValidationError) as error:
        validate_deliberation(upload)
    assert error.value.code == sample.refused_with


def test_attachments_follow_the_setting(settings):
    settings.UPLOAD_PDF_ALLOW_EMBEDDED_FILES = True
    sample = next(sample for sample in PDF_CORPUS if sample.refused_with == "pdf_embedded_files")
    validate_deliberation(SimpleUploadedFile(sample.name, sample.build()))
