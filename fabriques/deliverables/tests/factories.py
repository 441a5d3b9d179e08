import datetime
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from fabriques.core.tests.corpus import valid_pdf
from fabriques.deliverables import models
from fabriques.programme.tests.factories import FabriqueFactory, OrganisationFactory
from fabriques.territories.tests.factories import ModelFactory


class ContractFactory(ModelFactory[models.Contract]):
    class Meta:
        model = models.Contract

    fabrique = factory.SubFactory(FabriqueFactory)
    provider = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"2026-ANCT-{n:03d}")


class DeliverableFactory(ModelFactory[models.Deliverable]):
    class Meta:
        model = models.Deliverable

    fabrique = factory.SubFactory(FabriqueFactory)
    participation = None
    title = factory.Sequence(lambda n: f"Livrable {n}")
    kind = models.DeliverableKind.OTHER
    due_on = datetime.date(2026, 6, 30)
    status = models.DeliverableStatus.PENDING


class DeliverableVersionFactory(ModelFactory[models.DeliverableVersion]):
    class Meta:
        model = models.DeliverableVersion

    deliverable = factory.SubFactory(DeliverableFactory)
    number = factory.Sequence(lambda n: n + 1)
    file = factory.django.FileField(filename="livrable.pdf", data=b"%PDF-1.7\n%%EOF\n")
    original_name = "livrable.pdf"
    size = 15


class DeliverableReviewFactory(ModelFactory[models.DeliverableReview]):
    class Meta:
        model = models.DeliverableReview

    version = factory.SubFactory(DeliverableVersionFactory)
    decision = models.ReviewDecision.ACCEPTED


# Sample files -----------------------------------------------------------------------------------


def pdf_upload(name: str = "feuille-de-route.pdf", size: int = 0) -> SimpleUploadedFile:
    """A real one-page PDF, padded past its end with blank lines up to `size` bytes."""
    body = valid_pdf()
    if size:
        body += b"\n" * (size - len(body))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def docx_upload(name: str = "programme.docx") -> SimpleUploadedFile:
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    return SimpleUploadedFile(name, data)


def odt_upload(name: str = "synthese.odt") -> SimpleUploadedFile:
    data = _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
    )
    return SimpleUploadedFile(name, data)


def exe_as_pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)


def text_as_docx_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("rapport.docx", b"Ceci est un simple texte.\n")


def zip_as_docx_upload() -> SimpleUploadedFile:
    """A real ZIP archive, but not a Word document."""
    return SimpleUploadedFile("rapport.docx", _zip({"notes.txt": b"bonjour"}))


def odt_as_ods_upload() -> SimpleUploadedFile:
    data = _zip({"mimetype": b"application/vnd.oasis.opendocument.text"})
    return SimpleUploadedFile("budget.ods", data)
