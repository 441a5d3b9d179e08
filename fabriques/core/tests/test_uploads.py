"""The shared upload checks refuse each hostile file of the corpus, with its own message."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from fabriques.core.uploads import (
    check_office_container,
    check_pdf,
    refuse_markup_polyglot,
    sweep_orphans,
)

from . import corpus

LIMIT = 10 * 1024 * 1024


def refused(error: ValidationError | None) -> ValidationError:
    """The refusal a check gave; fails the test when the file was accepted."""
    assert error is not None, "the file was accepted"
    return error


def _refusal(check, *args, **kwargs) -> ValidationError | None:
    try:
        check(*args, **kwargs)
    except ValidationError as error:
        return error
    return None


def _pdf(sample_bytes: bytes, *, allow_embedded_files: bool = False) -> ValidationError | None:
    upload = SimpleUploadedFile("document.pdf", sample_bytes)
    return _refusal(check_pdf, upload, allow_embedded_files=allow_embedded_files, max_bytes=LIMIT)


def _office(sample_bytes: bytes, kind: str) -> ValidationError | None:
    return _refusal(
        check_office_container,
        SimpleUploadedFile(f"document.{kind}", sample_bytes),
        kind,
        max_bytes=LIMIT,
    )


@pytest.mark.parametrize("sample", corpus.PDF_CORPUS, ids=lambda sample: sample.name)
def test_pdf_corpus(sample):
    error = _pdf(sample.build())
    assert (error.code if error else None) == sample.refused_with


@pytest.mark.parametrize("sample", corpus.OFFICE_CORPUS, ids=lambda sample: sample.name)
def test_office_corpus(sample):
    kind = sample.name.rsplit(".", 1)[1]
    error = _office(sample.build(), kind)
    assert (error.code if error else None) == sample.refused_with


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            corpus.pdf_open_action_javascript,
            "Ce PDF contient du JavaScript\u00a0: il est refusé par sécurité. Imprimez-le de "
            "nouveau au format PDF («\u00a0Enregistrer au format PDF\u00a0») pour obtenir un "
            "document sans script, puis déposez-le.",
        ),
        (
            corpus.pdf_launch_action,
            "Ce PDF contient une action qui lance un programme ou ouvre un fichier (action "
            "«\u00a0Launch\u00a0»)\u00a0: il est refusé par sécurité. Imprimez-le de nouveau au "
            "format PDF puis déposez-le.",
        ),
        (
            corpus.pdf_encrypted,
            "Ce PDF est chiffré ou protégé par un mot de passe\u00a0: déposez une version sans "
            "protection.",
        ),
        (
            corpus.pdf_embedded_file,
            "Ce PDF contient des fichiers joints\u00a0: déposez un PDF sans pièce jointe, et "
            "chaque annexe dans son propre fichier.",
        ),
        (
            corpus.pdf_svg_polyglot,
            "Ce fichier contient du code de page web (balise «\u00a0<svg>\u00a0») en plus de son "
            "contenu\u00a0: il est refusé par sécurité. Enregistrez le document de nouveau depuis "
            "votre logiciel puis déposez-le.",
        ),
        (
            corpus.pdf_garbage,
            "Ce PDF est illisible ou endommagé\u00a0: sa structure n’a pas pu être lue. "
            "Enregistrez le document de nouveau au format PDF puis déposez-le.",
        ),
    ],
    ids=["javascript", "launch", "encrypted", "embedded", "svg", "garbage"],
)
def test_pdf_messages(build, message):
    assert refused(_pdf(build())).messages == [message]


def test_embedded_files_pass_when_the_setting_allows_them():
    assert _pdf(corpus.pdf_embedded_file(), allow_embedded_files=True) is None
    # Scripts stay refused whatever the setting says about attachments.
    assert (
        refused(_pdf(corpus.pdf_names_javascript(), allow_embedded_files=True)).code
        == "pdf_javascript"
    )


def test_a_pdf_past_the_object_or_page_limits_is_refused_before_it_is_walked(settings):
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    settings.UPLOAD_PDF_MAX_PAGES = 2
    assert refused(_pdf(buffer.getvalue())).messages == [
        "Ce PDF compte 3\u00a0pages\u202f; 2 au maximum."
    ]
    settings.UPLOAD_PDF_MAX_PAGES = 10
    settings.UPLOAD_PDF_MAX_OBJECTS = 3
    error = refused(_pdf(buffer.getvalue()))
    assert error.code == "pdf_too_complex"
    assert "objets\u202f; 3 au maximum" in error.messages[0]


def test_never_reads_past_the_size_limit():
    error = refused(
        _refusal(
            check_pdf,
            SimpleUploadedFile("a.pdf", corpus.valid_pdf()),
            allow_embedded_files=False,
            max_bytes=100,
        )
    )
    assert error.code == "too_large"


def test_markup_is_found_in_any_case_within_the_first_kilobyte():
    with pytest.raises(ValidationError):
        refuse_markup_polyglot(b"%PDF-1.4\n%<!DocType html>")
    refuse_markup_polyglot(b"%PDF-1.4\n" + b" " * 1024 + b"<html>")  # past the window


def test_the_zip_bomb_is_refused_on_its_declared_size_without_being_inflated():
    data = corpus.docx_bomb_declared_1gib()
    assert len(data) < 10_000  # the test itself never holds the gigabyte
    error = refused(_office(data, "docx"))
    assert error.messages == [
        "Ce document occuperait 1,0\u00a0Gio une fois décompressé\u202f; 256,0\u00a0Mio au "
        "maximum\u00a0: il ressemble à une archive piégée («\u00a0bombe de décompression\u00a0») "
        "et il est refusé."
    ]


def test_office_messages_name_what_is_refused():
    assert refused(_office(corpus.docx_20000_members(), "docx")).messages == [
        "Ce document contient 20\u00a0003\u00a0éléments\u202f; 5\u00a0000 au maximum\u00a0: il "
        "ressemble à une archive piégée et il est refusé."
    ]
    assert (
        "(«\u00a0word/vbaProject.bin\u00a0»)"
        in refused(
            _office(corpus._zip([*corpus._docx_members(), ("word/vbaProject.bin", b"")]), "docx")
        ).messages[0]
    )
    ratio = refused(_office(corpus.docx_bomb_ratio(), "docx")).messages[0]
    assert "se décompresse 1\u00a0028\u00a0fois plus gros" in ratio
    assert "«\u00a0word/media/image1.png\u00a0»" in ratio
    html = refused(_office(corpus.docx_html_altchunk(), "docx")).messages[0]
    assert html.startswith("Ce document contient une page web incorporée («\u00a0text/html\u00a0»)")


def test_a_plain_zip_archive_is_only_held_to_the_bomb_limits():
    annexes = corpus._zip([("index.html", b"<p>Annexe</p>"), ("data.csv", b"a;b\n")])
    assert _office(annexes, "zip") is None
    assert refused(_office(corpus.docx_bomb_declared_1gib(), "zip")).code == "office_too_large"


def test_the_member_count_is_read_from_the_end_record_before_zipfile_parses(settings):
    settings.UPLOAD_ZIP_MAX_MEMBERS = 2
    assert refused(_office(corpus.valid_docx(), "docx")).code == "office_too_many_members"


def test_other_compression_methods_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as archive:
        for name, data in corpus._docx_members():
            archive.writestr(name, data)
    assert refused(_office(buffer.getvalue(), "docx")).code == "office_unsupported"


def test_checks_leave_the_file_rewound_for_storage():
    upload = SimpleUploadedFile("a.docx", corpus.valid_docx())
    check_office_container(upload, "docx", max_bytes=LIMIT)
    assert upload.tell() == 0
    upload = SimpleUploadedFile("a.pdf", corpus.valid_pdf())
    check_pdf(upload, allow_embedded_files=False, max_bytes=LIMIT)
    assert upload.tell() == 0


# Orphaned files ---------------------------------------------------------------------------------


def test_sweep_deletes_only_old_unreferenced_files_under_the_prefix():
    storage = InMemoryStorage()
    for name in ("uploads/kept.pdf", "uploads/orphan.pdf", "uploads/2026/orphan.pdf", "other/x"):
        storage.save(name, ContentFile(b"x"))
    now = timezone.now()
    # Written just now: younger than the cutoff, nothing is touched.
    report = sweep_orphans(storage, "uploads/", {"uploads/kept.pdf"}, now - datetime.timedelta(1))
    assert (report.scanned, report.deleted) == (3, 0)
    report = sweep_orphans(storage, "uploads", {"uploads/kept.pdf"}, now + datetime.timedelta(1))
    assert (report.scanned, report.deleted) == (3, 2)
    assert storage.exists("uploads/kept.pdf") and storage.exists("other/x")
    assert not storage.exists("uploads/orphan.pdf")
    assert not storage.exists("uploads/2026/orphan.pdf")
    assert sweep_orphans(storage, "missing", set(), now).scanned == 0
