import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fabriques.accounts.tests.factories import UserFactory
from fabriques.calls import models
from fabriques.programme.models import FabriqueStatus
from fabriques.programme.tests.factories import FabriqueFactory
from fabriques.territories.models import ParticipationKind
from fabriques.territories.tests.factories import CommuneFactory, ModelFactory


class CallFactory(ModelFactory[models.Call]):
    """An open call: its Fabrique is in call_open, opened ten days ago, closes in twenty."""

    class Meta:
        model = models.Call

    fabrique = factory.SubFactory(FabriqueFactory, status=FabriqueStatus.CALL_OPEN)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    introduction = "Une Fabrique pour **réinventer** les centres-bourgs."
    expected_commitment = "Un élu référent et un groupe de travail réuni quatre fois."


class CallCriterionFactory(ModelFactory[models.CallCriterion]):
    class Meta:
        model = models.CallCriterion

    call = factory.SubFactory(CallFactory)
    label = factory.Sequence(lambda n: f"Critère {n}")
    weight = 1
    max_score = 5
    position = factory.Sequence(lambda n: n)


class ApplicationFactory(ModelFactory[models.Application]):
    """A complete draft for a commune; use status=… with submitted_at/decided_at to advance."""

    class Meta:
        model = models.Application

    call = factory.SubFactory(CallFactory)
    applicant = factory.SubFactory(UserFactory)
    kind = ParticipationKind.COMMUNE
    commune = factory.SubFactory(CommuneFactory)
    epci = None
    qpv = None
    departement = factory.LazyAttribute(lambda o: (o.qpv or o.epci or o.commune).departement)
    elected_name = "Marie Curie"
    elected_mandate = "Maire"
    elected_email = factory.Sequence(lambda n: f"maire{n}@commune.fr")
    technical_name = "Paul Langevin"
    technical_role = "Directeur général des services"
    technical_email = factory.Sequence(lambda n: f"dgs{n}@commune.fr")
    motivation = "Notre centre-bourg se vide ; nous voulons imaginer 2040 avec les habitants."
    working_group_intent = "Services de l’État, commerçants, associations, conseil citoyen."
    status = models.ApplicationStatus.DRAFT

    class Params:
        submitted = factory.Trait(
            status=models.ApplicationStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )


def pdf_bytes() -> bytes:
    """A real one-page PDF, written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "deliberation.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def docx_renamed_pdf() -> SimpleUploadedFile:
    """A Word document (a zip archive) given a .pdf name and type."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile("deliberation.pdf", buffer.getvalue(), content_type="application/pdf")


def text_upload(name: str = "deliberation.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "Délibération n° 12\n".encode(), content_type="application/pdf")
