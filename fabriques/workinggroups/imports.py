"""Reading a file of members (CSV or XLSX) into rows to preview, with each line's errors in
French.

Nothing is written here: the preview shows the rows as they will be created, and
services.members_import writes them all in one transaction once the whole file is valid.
The columns are the same as the template offered on the import page and as the export.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from fabriques.core.uploads import check_office_container

from .forms import MemberForm
from .models import AgeBand, Gender, GroupRole, JoinedHow, LawfulBasis, Member, StakeholderFamily
from .services import ImportRow

MAX_BYTES = 1024 * 1024
# The column the export adds after the import's: the leaving date of a former member.
LEFT_ON = "depart_le"
MAX_ROWS = 2000


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool
    description: Any


# The file's columns, in the template's order; `field` is MemberForm's.
COLUMNS: tuple[Column, ...] = (
    Column("prenom", "first_name", True, gettext_lazy("prénom")),
    Column("nom", "last_name", True, gettext_lazy("nom")),
    Column("courriel", "email", True, gettext_lazy("adresse électronique")),
    Column("telephone", "phone", False, gettext_lazy("téléphone")),
    Column("organisation", "organisation_name", False, gettext_lazy("nom de l’organisation")),
    Column(
        "siret_rna",
        "organisation_identifier",
        False,
        gettext_lazy("SIRET (14 chiffres) ou RNA (W + 9 chiffres)"),
    ),
    Column("famille", "family", True, gettext_lazy("famille d’acteurs (voir la liste)")),
    Column(
        "precision_famille", "family_detail", False, gettext_lazy("précision libre sur la famille")
    ),
    Column("role", "role", False, gettext_lazy("rôle dans le groupe (par défaut : membre)")),
    Column(
        "mode_entree", "joined_how", False, gettext_lazy("mode d’entrée (par défaut : invitation)")
    ),
    Column(
        "arrivee_le",
        "joined_on",
        False,
        gettext_lazy("date d’arrivée, JJ/MM/AAAA (par défaut : aujourd’hui)"),
    ),
    Column(
        "base_legale",
        "lawful_basis",
        False,
        gettext_lazy("base légale (par défaut : mission d’intérêt public)"),
    ),
    Column(
        "consentement_le", "consent_on", False, gettext_lazy("date du consentement, JJ/MM/AAAA")
    ),
    Column("genre", "gender", False, gettext_lazy("genre, seulement avec consentement")),
    Column(
        "tranche_age", "age_band", False, gettext_lazy("tranche d’âge, seulement avec consentement")
    ),
    Column(
        "habite_qpv",
        "qpv_inhabitant",
        False,
        gettext_lazy("oui ou non, seulement avec consentement"),
    ),
    Column(
        "nom_public", "public_name_opt_in", False, gettext_lazy("oui ou non (par défaut : non)")
    ),
)
HEADERS = tuple(column.header for column in COLUMNS)
BY_HEADER = {column.header: column for column in COLUMNS}
BY_FIELD = {column.field: column for column in COLUMNS}

CHOICES = {
    "family": StakeholderFamily,
    "role": GroupRole,
    "joined_how": JoinedHow,
    "lawful_basis": LawfulBasis,
    "gender": Gender,
    "age_band": AgeBand,
}
YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
NO = {"non", "n", "no", "faux", "false", "0"}


def _key(text: str) -> str:
    """Lower case, without accents, apostrophes unified: « Élus » and « elus » match."""
    text = unicodedata.normalize("NFKD", text.strip().lower().replace("’", "'"))
    return "".join(char for char in text if not unicodedata.combining(char))


def _choice(field_name: str, value: str) -> str:
    """A choice given by its code or its French label; unknown values go through unchanged
    (the form then names them)."""
    key = _key(value)
    for code, label in CHOICES[field_name].choices:
        if key in (_key(code), _key(str(label))):
            return code
    return value.strip()


def _boolean(value: str) -> str:
    key = _key(value)
    if key in YES:
        return "true"
    if key in NO:
        return "false"
    return "unknown" if not key else value


@dataclass
class LineError:
    line: int
    column: str
    message: str


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    # Each valid line's form data, carried signed from the preview to the confirmation.
    payload: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)


def read_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), or Windows-1252 as older spreadsheets save CSV."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_members_file(raw: bytes, *, existing_emails: set[str]) -> ImportPreview:
    """Every line of a CSV or XLSX file checked; `existing_emails`: the current members'
    addresses, lower case."""
    preview = ImportPreview()
    if len(raw) > MAX_BYTES:
        preview.errors.append(LineError(0, "", _("Le fichier dépasse 1 Mo : découpez-le.")))
        return preview
    # A zip archive: a workbook.
    workbook = raw.startswith(b"PK\x03\x04")
    table = _xlsx_table(raw, preview) if workbook else _csv_table(raw, preview)
    if table is not None:
        _parse_table(table, existing_emails=existing_emails, preview=preview)
    return preview


def _csv_table(raw: bytes, preview: ImportPreview) -> Iterator[list[str]] | None:
    text = read_text(raw)
    if not text.strip():
        preview.errors.append(LineError(0, "", _("Le fichier est vide.")))
        return None
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx_table(raw: bytes, preview: ImportPreview) -> Iterator[list[str]] | None:
    """The first sheet of a workbook, as text cells (dates as « 15/03/2026 »).

    The archive is judged first without inflating it (decompression bombs, macros), then
    read in openpyxl's streaming mode, never more rows or columns than an import can hold.
    """
    try:
        check_office_container(io.BytesIO(raw), "xlsx", max_bytes=MAX_BYTES)
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except ValidationError as error:
        preview.errors.append(LineError(0, "", " ".join(error.messages)))
        return None
    except Exception:  # openpyxl raises many kinds on a damaged or foreign archive
        preview.errors.append(
            LineError(
                0,
                "",
                _(
                    "Ce fichier n’est pas un classeur XLSX lisible (un classeur ODS ou abîmé ?) : "
                    "enregistrez la feuille au format XLSX ou CSV depuis votre tableur."
                ),
            )
        )
        return None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=len(COLUMNS) + 10, values_only=True)
    return ([_cell_text(value) for value in row] for row in _trimmed(rows))


def _trimmed(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows without their trailing empty cells (a sheet's formatting reaches far right)."""
    for row in rows:
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        yield tuple(cells)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_table(
    table: Iterator[list[str]], *, existing_emails: set[str], preview: ImportPreview
) -> None:
    header_cells = next(table, None)
    if header_cells is None:
        preview.errors.append(LineError(0, "", _("Le fichier est vide.")))
        return
    header = [_key(name).replace(" ", "_").replace("'", "_") for name in header_cells]
    unknown = [name for name in header if name and name not in BY_HEADER and name != LEFT_ON]
    for name in unknown:
        preview.errors.append(
            LineError(
                1,
                name,
                _("Colonne inconnue « %(name)s ». Colonnes attendues : %(expected)s.")
                % {"name": name, "expected": ", ".join(HEADERS)},
            )
        )
    missing = [c.header for c in COLUMNS if c.required and c.header not in header]
    for name in missing:
        preview.errors.append(
            LineError(1, name, _("Colonne obligatoire absente : « %(name)s ».") % {"name": name})
        )
    if unknown or missing:
        return
    reader = table
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(preview.rows) + len(preview.errors) >= MAX_ROWS:
            preview.errors.append(
                LineError(
                    number,
                    "",
                    _("Plus de %(max)d lignes : découpez le fichier.") % {"max": MAX_ROWS},
                )
            )
            break
        if len(cells) > len(header):
            preview.errors.append(
                LineError(
                    number,
                    "",
                    _("La ligne a %(cells)d cellules pour %(columns)d colonnes.")
                    % {"cells": len(cells), "columns": len(header)},
                )
            )
            continue
        raw_row = dict(zip(header, [_typed(cell.strip()) for cell in cells], strict=False))
        # The export's last column: a former member is not imported as a current one.
        if raw_row.pop(LEFT_ON, ""):
            preview.errors.append(
                LineError(
                    number,
                    LEFT_ON,
                    _(
                        "Ce membre a quitté le groupe : retirez la ligne, ou videz la cellule "
                        "pour l’ajouter comme membre actuel."
                    ),
                )
            )
            continue
        row = _validate_row(number, raw_row, preview)
        if row is None:
            continue
        email = row.values["email"].lower()
        if email in seen or email in existing_emails:
            preview.payload.pop()
        if email in seen:
            preview.errors.append(
                LineError(
                    number,
                    "courriel",
                    _("L’adresse « %(email)s » figure déjà ligne %(line)d du fichier.")
                    % {"email": email, "line": seen[email]},
                )
            )
            continue
        if email in existing_emails:
            preview.errors.append(
                LineError(
                    number,
                    "courriel",
                    _("« %(email)s » est déjà l’adresse d’un membre actuel du groupe.")
                    % {"email": email},
                )
            )
            continue
        seen[email] = number
        preview.rows.append(row)
    if not preview.rows and not preview.errors:
        preview.errors.append(LineError(0, "", _("Le fichier ne contient aucune ligne de membre.")))


def form_data(raw_row: dict[str, str]) -> dict[str, str]:
    """The MemberForm data of one line of the file (by header)."""
    data: dict[str, str] = {}
    for header, value in raw_row.items():
        column = BY_HEADER[header]
        if column.field in CHOICES and value:
            value = _choice(column.field, value)
        elif column.field in ("qpv_inhabitant", "public_name_opt_in"):
            value = _boolean(value)
            if column.field == "public_name_opt_in":
                value = "on" if value == "true" else ""
        data[column.field] = value
    data.setdefault("role", GroupRole.MEMBER)
    data.setdefault("joined_how", JoinedHow.INVITATION)
    data.setdefault("lawful_basis", LawfulBasis.PUBLIC_INTEREST)
    for name, default in (
        ("role", GroupRole.MEMBER),
        ("joined_how", JoinedHow.INVITATION),
        ("lawful_basis", LawfulBasis.PUBLIC_INTEREST),
    ):
        if not data.get(name):
            data[name] = default
    return data


def _validate_row(number: int, raw_row: dict[str, str], preview: ImportPreview) -> ImportRow | None:
    from django.utils import timezone

    data = form_data(raw_row)
    if not data.get("joined_on"):
        data["joined_on"] = timezone.localdate().isoformat()
    form = MemberForm(data)
    if not form.is_valid():
        for name, errors in form.errors.items():
            column = BY_FIELD[name].header if name in BY_FIELD else ""
            for message in errors:
                preview.errors.append(LineError(number, column, str(message)))
        return None
    values = form.cleaned_data
    facts = [values.get("gender"), values.get("age_band"), values.get("qpv_inhabitant")]
    if any(fact not in (None, "") for fact in facts) and values.get("consent_on") is None:
        preview.errors.append(
            LineError(
                number,
                "consentement_le",
                _(
                    "Le genre, la tranche d’âge et la résidence en QPV ne se renseignent "
                    "qu’avec le consentement de la personne : indiquez la date du "
                    "consentement ou laissez-les vides."
                ),
            )
        )
        return None
    if values.get("lawful_basis") == LawfulBasis.CONSENT and values.get("consent_on") is None:
        preview.errors.append(
            LineError(
                number,
                "consentement_le",
                _("Sur la base du consentement, indiquez la date à laquelle il a été recueilli."),
            )
        )
        return None
    preview.payload.append((number, data))
    return ImportRow(line=number, values=dict(values))


def rows_from_payload(payload: list[tuple[int, dict[str, str]]]) -> ImportPreview:
    """The rows of a confirmed preview, checked again (the signed data is ours, but the
    rules may have moved since, e.g. a member added meanwhile: the service checks that)."""
    preview = ImportPreview()
    for number, data in payload:
        form = MemberForm(data)
        if form.is_valid():
            preview.rows.append(ImportRow(line=number, values=dict(form.cleaned_data)))
        else:
            for name, errors in form.errors.items():
                column = BY_FIELD[name].header if name in BY_FIELD else ""
                preview.errors.extend(LineError(number, column, str(m)) for m in errors)
    return preview


# The example line of the template file offered on the import page.
def _example_row() -> list[str]:
    return [
        "Camille",
        "Exemple",
        "camille.exemple@exemple.fr",
        "01 23 45 67 89",
        "Association Exemple",
        "W123456789",
        str(StakeholderFamily.ASSOCIATION.label),
        "Centre social",
        str(GroupRole.MEMBER.label),
        str(JoinedHow.INVITATION.label),
        "15/03/2026",
        str(LawfulBasis.PUBLIC_INTEREST.label),
        "",
        "",
        "",
        "",
        "non",
    ]


def template_csv() -> str:
    """The file offered on the import page: the headers and one example line."""
    return _csv([list(HEADERS), _example_row()])


def template_xlsx() -> bytes:
    return _xlsx([list(HEADERS), _example_row()], title=_("Membres"))


def _member_rows(members: list[Member]) -> list[list[str]]:
    """The group's members in the import's columns, then the leaving date."""
    rows = [[*HEADERS, LEFT_ON]]
    for member in members:
        rows.append(
            [
                member.first_name,
                member.last_name,
                member.email,
                member.phone,
                member.organisation_name,
                member.organisation_identifier,
                member.get_family_display(),
                member.family_detail,
                member.get_role_display(),
                member.get_joined_how_display(),
                member.joined_on.strftime("%d/%m/%Y"),
                member.get_lawful_basis_display(),
                member.consent_on.strftime("%d/%m/%Y") if member.consent_on else "",
                member.get_gender_display() if member.gender else "",
                member.get_age_band_display() if member.age_band else "",
                {True: "oui", False: "non", None: ""}[member.qpv_inhabitant],
                "oui" if member.public_name_opt_in else "non",
                member.left_on.strftime("%d/%m/%Y") if member.left_on else "",
            ]
        )
    return rows


def members_csv(members: list[Member]) -> str:
    return _csv(_member_rows(members))


def members_xlsx(members: list[Member]) -> bytes:
    return _xlsx(_member_rows(members), title=_("Membres"))


def _csv(rows: list[list[str]]) -> str:
    """UTF-8 with a BOM and « ; »: what a French spreadsheet opens as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(_inert(row) for row in rows)
    return "\ufeff" + out.getvalue()


def _xlsx(rows: list[list[str]], *, title: str) -> bytes:
    """One sheet of text cells: a phone number or a SIRET stays as typed, and a cell that
    starts with « = » is text, never a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@")


def _inert(row: list[str]) -> list[str]:
    """A CSV cell a spreadsheet would run as a formula (« =… », « +33… », « -… », « @… ») is
    written with a leading apostrophe, which the spreadsheet shows as text; the import takes
    it off again (`_typed`), so an exported file imports unchanged."""
    return ["'" + cell if cell[:1] in FORMULA_STARTS else cell for cell in row]


def _typed(cell: str) -> str:
    """A cell as the person typed it: without the apostrophe `_inert` put before a formula
    character."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell
