"""Writes for the territorial referential: the official package import and QPV lists.

Both imports follow the same discipline: read and validate every input first (nothing is
written while a single entry is wrong), then write everything inside one transaction with
set-based queries, so that a run over the whole of France stays well under a minute on SQLite
and PostgreSQL and a second run changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.core.text import NBSP, normalize, quote
from fabriques.core.versioning import bump_data_version

from .models import (
    Commune,
    Departement,
    Epci,
    Participation,
    ParticipationKind,
    Qpv,
    ReferentialRelease,
    Region,
)
from .referential_files import (
    Entry,
    ReferentialImportError,
    Release,
    entry_error,
    file_error,
    parse_release,
    read_manifest,
    read_verified_files,
)

REFERENTIAL_DIR = Path(settings.BASE_DIR) / "data" / "referential"
PROGRAMME_QPV_PATH = REFERENTIAL_DIR / "qpv" / "programme-qpv.csv"

BATCH_SIZE = 1000


# --------------------------------------------------------------------------------------------
# Reports


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Codes present in the database but not in the release. They are kept: participations
    # point to them with PROTECT, and a territory accompanied in 2019 stays a fact.
    absent: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class ImportReport:
    package: str
    version: str
    integrity: str
    millesime: str | None = None
    # True when this exact release was already imported and `force` was not given.
    skipped: bool = False
    duration: float = 0.0
    regions: EntityCounts = field(default_factory=EntityCounts)
    departements: EntityCounts = field(default_factory=EntityCounts)
    communes: EntityCounts = field(default_factory=EntityCounts)
    epcis: EntityCounts = field(default_factory=EntityCounts)
    memberships_added: int = 0
    memberships_removed: int = 0

    @property
    def entities(self) -> dict[str, EntityCounts]:
        return {
            "regions": self.regions,
            "departements": self.departements,
            "communes": self.communes,
            "epcis": self.epcis,
        }

    @property
    def changed(self) -> bool:
        return (
            any(counts.changed for counts in self.entities.values())
            or self.memberships_added > 0
            or self.memberships_removed > 0
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class QpvImportReport:
    path: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duration: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


# --------------------------------------------------------------------------------------------
# Writing


# Model field → key in the package's JSON, for error messages.
_JSON_NAMES = {
    "name": "nom",
    "search_name": "nom",
    "postal_codes": "codesPostaux",
    "financing": "modeFinancement",
    "nature": "type",
}


def _sync(
    model: type[models.Model],
    *,
    key: str,
    entries: dict[str, Entry],
    values: dict[str, dict[str, Any]],
    json_names: dict[str, str],
) -> EntityCounts:
    """Upsert `values` (key → attname → value): one bulk insert, one batched UPDATE.

    Only new or changed rows are validated (`clean_fields`, without foreign keys which were
    resolved from the release itself) and written, and only the changed columns are updated,
    so a re-run issues no write at all.
    """
    counts = EntityCounts()
    attnames = list(next(iter(values.values())).keys()) if values else []
    names = {attname: model._meta.get_field(attname).name for attname in attnames}
    foreign_keys = [names[a] for a in attnames if model._meta.get_field(a).is_relation]
    existing = {
        getattr(obj, key): obj
        for obj in model._default_manager.only(key, *names.values()).order_by()
    }
    counts.absent = sorted(set(existing) - set(values))

    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for code, row in values.items():
        obj = existing.get(code)
        if obj is None:
            obj = model(**{key: code, **row})
            to_create.append(obj)
        else:
            diff = [a for a, value in row.items() if getattr(obj, a) != value]
            if not diff:
                counts.unchanged += 1
                continue
            for attname in diff:
                setattr(obj, attname, row[attname])
            changed_fields.update(names[a] for a in diff)
            to_update.append(obj)
        try:
            obj.clean_fields(exclude=foreign_keys)
        except ValidationError as exc:
            entry = entries[code]
            field_name, errors = next(iter(exc.message_dict.items()))
            # Name the field as it is spelt in the file, not as the model calls it.
            raise entry_error(
                entry.file,
                entry.position,
                code,
                json_names.get(field_name, field_name),
                " ".join(errors),
            ) from None

    model._default_manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    _update_rows(model, to_update, sorted(changed_fields))
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _update_rows(model: type[models.Model], objs: list[models.Model], names: list[str]) -> None:
    """UPDATE the `names` columns of `objs`, one parametrised statement run with executemany.

    A new COG year changes the population of nearly every commune. `QuerySet.bulk_update`
    builds a CASE WHEN expression per row and field in Python, which took 10 to 20 seconds
    for 35,000 communes; executemany (pipelined by psycopg 3) does it in about a second on
    both databases. Values go through each field's `get_db_prep_save`, as the ORM does.
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    quote_name = connection.ops.quote_name
    fields: list[models.Field] = []
    for name in names:
        field_ = model._meta.get_field(name)
        assert isinstance(field_, models.Field) and field_.concrete and field_.column
        fields.append(field_)
    pk_column = model._meta.pk.column if model._meta.pk else None
    assert pk_column
    assignments = ", ".join(f"{quote_name(str(f.column))} = %s" for f in fields)
    table = quote_name(model._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {quote_name(pk_column)} = %s"
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _sync_memberships(release: Release) -> tuple[int, int]:
    """Make each released EPCI's member set equal to the release, with set differences.

    EPCI absent from the release keep their members: they are kept as historical records.
    """
    through = Epci.communes.through
    epci_ids = dict(Epci.objects.filter(siren__in=release.members).values_list("siren", "id"))
    commune_ids = dict(Commune.objects.values_list("code", "id"))
    wanted = {
        (epci_ids[siren], commune_ids[code])
        for siren, codes in release.members.items()
        for code in codes
    }
    current = {
        (epci_id, commune_id): pk
        for pk, epci_id, commune_id in through.objects.filter(
            epci_id__in=epci_ids.values()
        ).values_list("pk", "epci_id", "commune_id")
    }
    stale = [pk for pair, pk in current.items() if pair not in wanted]
    for start in range(0, len(stale), BATCH_SIZE):
        through.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    missing = sorted(wanted - current.keys())
    through.objects.bulk_create(
        [through(epci_id=epci_id, commune_id=commune_id) for epci_id, commune_id in missing],
        batch_size=BATCH_SIZE,
    )
    return len(missing), len(stale)


def _with_departement_id(values: dict[str, Any], ids: dict[str, int]) -> dict[str, Any]:
    """The entry's values with the département code replaced by its primary key."""
    result = {k: v for k, v in values.items() if k != "departement"}
    result["departement_id"] = ids[values["departement"]]
    return result


def _licence_label(manifest: dict[str, Any]) -> str:
    licence = manifest.get("licence") or {}
    if isinstance(licence, str):
        return licence
    parts = []
    if licence.get("data"):
        parts.append(_("données\u00a0: %(licence)s") % {"licence": licence["data"]})
    if licence.get("code"):
        parts.append(_("code\u00a0: %(licence)s") % {"licence": licence["code"]})
    return f"{NBSP}; ".join(parts)[:200]


def referential_import(*, directory: Path | str | None = None, force: bool = False) -> ImportReport:
    """Import régions, départements, communes, EPCI and EPT from the vendored package files.

    Every file is checked against the manifest's SHA-256 and fully validated before anything
    is written; the writes happen in one transaction. When this release (package, version and
    tarball integrity) was already imported, return at once unless `force` is set: this keeps
    `make run` quick.
    """
    started = time.perf_counter()
    directory = Path(directory) if directory is not None else REFERENTIAL_DIR
    manifest = read_manifest(directory)
    contents = read_verified_files(directory, manifest)
    report = ImportReport(
        package=manifest["package"],
        version=manifest["version"],
        integrity=manifest["integrity"],
        millesime=manifest.get("millesime"),
    )
    already = ReferentialRelease.objects.filter(
        package=report.package, version=report.version, integrity=report.integrity
    ).exists()
    if already and not force:
        report.skipped = True
        report.duration = time.perf_counter() - started
        return report

    release = parse_release(manifest, contents)

    with transaction.atomic():
        report.regions = _sync(
            Region,
            key="code",
            entries=release.regions,
            values={code: entry.values for code, entry in release.regions.items()},
            json_names=_JSON_NAMES,
        )
        region_ids = dict(Region.objects.values_list("code", "id"))
        report.departements = _sync(
            Departement,
            key="code",
            entries=release.departements,
            values={
                code: {
                    "name": entry.values["name"],
                    "region_id": region_ids[entry.values["region"]],
                    "zone": entry.values["zone"],
                }
                for code, entry in release.departements.items()
            },
            json_names=_JSON_NAMES,
        )
        departement_ids = dict(Departement.objects.values_list("code", "id"))
        report.communes = _sync(
            Commune,
            key="code",
            entries=release.communes,
            values={
                code: _with_departement_id(entry.values, departement_ids)
                for code, entry in release.communes.items()
            },
            json_names=_JSON_NAMES,
        )
        report.epcis = _sync(
            Epci,
            key="siren",
            entries=release.epcis,
            values={
                siren: _with_departement_id(entry.values, departement_ids)
                for siren, entry in release.epcis.items()
            },
            json_names={**_JSON_NAMES, "siren": "code", "population": "populationMunicipale"},
        )
        report.memberships_added, report.memberships_removed = _sync_memberships(release)

        counts = dict(manifest.get("counts") or {})
        release_record, _created = ReferentialRelease.objects.get_or_create(
            package=report.package,
            version=report.version,
            defaults={"integrity": report.integrity, "counts": counts},
        )
        release_record.integrity = report.integrity
        release_record.licence = _licence_label(manifest)
        release_record.counts = counts
        release_record.full_clean()
        release_record.save()
        report.duration = time.perf_counter() - started
        # Names of régions and départements feed cached statistics; bulk writes skip signals.
        bump_data_version()
        audit_event_create(
            action="territories.referential_import",
            obj=release_record,
            summary=_("Import du référentiel %(package)s %(version)s")
            % {
                "package": report.package,
                "version": report.version,
            },
            data=report.as_dict(),
        )
    return report


# --------------------------------------------------------------------------------------------
# QPV


# Column names of ANCT's list of QPV (data.gouv.fr, « Quartiers prioritaires de la politique
# de la ville » and the sig.ville.gouv.fr exports): code_qp;lib_qp;insee_reg;lib_reg;insee_dep;
# lib_dep;insee_com;lib_com;siren_epci;lib_epci. We read the four we store; others are ignored.
QPV_REQUIRED_COLUMNS = ("lib_qp", "insee_dep")
QPV_OPTIONAL_COLUMNS = ("code_qp", "insee_com")
# Spreadsheet exports protect leading zeros by writing ="01": unwrap that form.
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)
_CODE_SEPARATORS = re.compile(r"[\s;,]+")
# Model field → CSV column, for validation errors; "__all__" is the name-per-département rule.
_QPV_COLUMNS = {
    "name": "lib_qp",
    "search_name": "lib_qp",
    "code": "code_qp",
    "departement": "insee_dep",
    "__all__": "lib_qp",
}


class _QpvRow(NamedTuple):
    line: int
    code: str
    name: str
    departement: Departement
    commune_ids: list[int]


def _cell(row: dict[str, str], column: str) -> str:
    value = (row.get(column) or "").strip()
    match = _EXCEL_TEXT.match(value)
    return match.group(1).strip() if match else value


def _line_error(file: str, line: int, field_name: str, problem: str) -> ReferentialImportError:
    entry = _("ligne %(line)s") % {"line": line}
    message = _("%(file)s, %(entry)s, champ %(field)s%(nbsp)s: %(problem)s") % {
        "file": file,
        "entry": entry,
        "field": quote(field_name),
        "nbsp": NBSP,
        "problem": problem,
    }
    return ReferentialImportError(message, file=file, entry=entry, field=field_name)


def _read_qpv_csv(path: Path, label: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; accepts ';' or ',' and UTF-8 with or without BOM."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise file_error(label, _("fichier introuvable")) from None
    except UnicodeDecodeError as exc:
        raise file_error(
            label, _("encodage UTF-8 attendu (octet %(position)s)") % {"position": exc.start}
        ) from None
    header = text.split("\n", 1)[0]
    # The official file uses ';'; a re-export from a spreadsheet often uses ','.
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in QPV_REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise file_error(
            label,
            _(
                "colonnes manquantes dans l'en-tête%(nbsp)s: %(columns)s (attendues%(nbsp)s: %(expected)s)"
            )
            % {
                "columns": ", ".join(missing),
                "expected": ", ".join(
                    QPV_OPTIONAL_COLUMNS[:1] + QPV_REQUIRED_COLUMNS + QPV_OPTIONAL_COLUMNS[1:]
                ),
                "nbsp": NBSP,
            },
        )
    reader.fieldnames = columns
    rows = []
    try:
        for raw in reader:
            if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
                continue  # blank line
            rows.append((reader.line_num, raw))
    except csv.Error as exc:
        raise file_error(
            label,
            _("CSV illisible à la ligne %(line)s (%(error)s)")
            % {"line": reader.line_num, "error": exc},
        ) from None
    return rows


def _qpv_label(path: Path) -> str:
    """The file as shown in messages and stored as `source`: relative to the project if inside."""
    try:
        return path.resolve().relative_to(Path(settings.BASE_DIR).resolve()).as_posix()
    except ValueError:
        return str(path)


def qpv_import(*, path: Path | str) -> QpvImportReport:
    """Create or update QPV from a CSV in ANCT's format; all rows are checked before writing.

    A QPV is matched by its code when the row gives one, else by département and name. An
    empty code or commune list in the file means « not known here », never « remove »: a row
    from our short programme list must not erase a code loaded from the official list.
    """
    started = time.perf_counter()
    path = Path(path)
    label = _qpv_label(path)
    report = QpvImportReport(path=label)
    raw_rows = _read_qpv_csv(path, label)

    departements = {d.code: d for d in Departement.objects.order_by()}
    commune_codes = {
        code
        for _line, row in raw_rows
        for code in _CODE_SEPARATORS.split(_cell(row, "insee_com"))
        if code
    }
    communes = {
        code: (pk, departement_code)
        for pk, code, departement_code in Commune.objects.filter(code__in=commune_codes)
        .order_by()
        .values_list("pk", "code", "departement__code")
    }

    rows: list[_QpvRow] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    for line, raw in raw_rows:
        name = " ".join(_cell(raw, "lib_qp").split())
        if not name:
            raise _line_error(label, line, "lib_qp", _("nom du quartier manquant"))
        departement_code = _cell(raw, "insee_dep")
        if not departement_code:
            raise _line_error(label, line, "insee_dep", _("valeur manquante"))
        departement = departements.get(departement_code)
        if departement is None:
            raise _line_error(
                label,
                line,
                "insee_dep",
                _("département %(code)s inconnu du référentiel")
                % {"code": quote(departement_code)},
            )
        code = _cell(raw, "code_qp")
        if code:
            if code in seen_codes:
                raise _line_error(
                    label,
                    line,
                    "code_qp",
                    _("code %(code)s en double (déjà ligne %(first)s)")
                    % {"code": quote(code), "first": seen_codes[code]},
                )
            seen_codes[code] = line
        name_key = (departement_code, normalize(name))
        if name_key in seen_names:
            raise _line_error(
                label,
                line,
                "lib_qp",
                _("quartier %(name)s en double dans le département %(dep)s (déjà ligne %(first)s)")
                % {"name": quote(name), "dep": departement_code, "first": seen_names[name_key]},
            )
        seen_names[name_key] = line
        commune_ids = []
        for commune_code in dict.fromkeys(
            c for c in _CODE_SEPARATORS.split(_cell(raw, "insee_com")) if c
        ):
            if commune_code not in communes:
                raise _line_error(
                    label,
                    line,
                    "insee_com",
                    _("commune %(code)s inconnue du référentiel") % {"code": quote(commune_code)},
                )
            commune_id, commune_departement = communes[commune_code]
            if commune_departement != departement_code:
                raise _line_error(
                    label,
                    line,
                    "insee_com",
                    _("la commune %(code)s n'est pas dans le département %(dep)s")
                    % {"code": quote(commune_code), "dep": quote(departement_code)},
                )
            commune_ids.append(commune_id)
        rows.append(_QpvRow(line, code, name, departement, commune_ids))

    # Match every row and validate the resulting objects before the first write.
    existing = list(Qpv.objects.order_by().prefetch_related("communes"))
    by_code = {qpv.code: qpv for qpv in existing if qpv.code}
    by_name = {(qpv.departement_id, qpv.search_name): qpv for qpv in existing}
    plan: list[tuple[_QpvRow, Qpv, list[str], bool]] = []
    matched: dict[int, int] = {}
    for row in rows:
        qpv = by_code.get(row.code) if row.code else None
        if qpv is None:
            qpv = by_name.get((row.departement.pk, normalize(row.name)))
            if qpv is not None and row.code and qpv.code and qpv.code != row.code:
                raise _line_error(
                    label,
                    row.line,
                    "code_qp",
                    _(
                        "un quartier du même nom existe déjà dans ce département avec le code %(code)s"
                    )
                    % {"code": quote(qpv.code)},
                )
        if qpv is not None:
            if qpv.pk in matched:
                raise _line_error(
                    label,
                    row.line,
                    "lib_qp",
                    _("ce quartier correspond au même QPV que la ligne %(first)s")
                    % {"first": matched[qpv.pk]},
                )
            matched[qpv.pk] = row.line
        values = {
            "name": row.name,
            "search_name": normalize(row.name),
            "departement_id": row.departement.pk,
            "source": label,
        }
        if row.code:
            values["code"] = row.code
        is_new = qpv is None
        if qpv is None:
            qpv = Qpv(**values)
            changed = list(values)
        else:
            changed = [
                attname for attname, value in values.items() if getattr(qpv, attname) != value
            ]
            for attname in changed:
                setattr(qpv, attname, values[attname])
        communes_changed = bool(row.commune_ids) and (
            is_new or {c.pk for c in qpv.communes.all()} != set(row.commune_ids)
        )
        if changed:
            try:
                qpv.full_clean(exclude=["communes"])
            except ValidationError as exc:
                field_name, errors = next(iter(exc.message_dict.items()))
                column = _QPV_COLUMNS.get(field_name, field_name)
                raise _line_error(label, row.line, column, " ".join(errors)) from None
        plan.append((row, qpv, changed, communes_changed))

    with transaction.atomic():
        for row, qpv, changed, communes_changed in plan:
            if not changed and not communes_changed:
                report.unchanged += 1
                continue
            if qpv.pk is None:
                qpv.save()
                report.created += 1
            else:
                if changed:
                    qpv.save(update_fields=[Qpv._meta.get_field(a).name for a in changed])
                report.updated += 1
            if communes_changed:
                qpv.communes.set(row.commune_ids)
        report.duration = time.perf_counter() - started
        # Logged only when something changed: `make run` loads the programme list every time.
        if report.changed:
            audit_event_create(
                action="territories.qpv_import",
                summary=_("Import des QPV depuis %(path)s") % {"path": label},
                data=asdict(report),
            )
    return report


# --------------------------------------------------------------------------------------------
# Participations


@transaction.atomic
def participation_create(
    *,
    fabrique: Any,
    kind: str,
    commune: Commune | None = None,
    epci: Epci | None = None,
    qpv: Qpv | None = None,
    label: str,
    actor: User | None = None,
) -> Participation:
    """Add a territory to a Fabrique's cohort, after every other territory already in it.

    The département is copied from the referential entity (for a QPV, the QPV's own), so
    the catalogue filters by département without joining three tables.
    """
    from fabriques.programme.services import fabrique_refresh_search_text

    entity = {
        ParticipationKind.COMMUNE: commune,
        ParticipationKind.EPCI: epci,
        ParticipationKind.QPV: qpv,
    }.get(kind)  # type: ignore[call-overload]
    if entity is None:
        raise ValidationError(
            {"kind": _("Choisissez le territoire accompagné dans le référentiel.")}
        )
    if kind == ParticipationKind.QPV:
        if (commune is None) == (epci is None):
            raise ValidationError(
                {
                    "qpv": _(
                        "Indiquez la collectivité qui porte le quartier prioritaire : "
                        "une commune ou un EPCI, pas les deux."
                    )
                }
            )
    elif (commune, epci, qpv).count(None) != 2:
        raise ValidationError({"kind": _("Un territoire accompagné désigne un seul territoire.")})
    if Participation.objects.filter(
        fabrique=fabrique, kind=kind, **{f"{kind}_id": entity.pk}
    ).exists():
        raise ValidationError(
            {
                kind: _("%(name)s est déjà un territoire accompagné de cette Fabrique.")
                % {"name": entity.name}
            }
        )
    last = (
        Participation.objects.filter(fabrique=fabrique)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    participation = Participation(
        fabrique=fabrique,
        kind=kind,
        commune=commune,
        epci=epci,
        qpv=qpv,
        label=label.strip() or entity.name,
        departement_id=entity.departement_id,
        position=0 if last is None else last + 1,
    )
    participation.full_clean()
    participation.save()
    audit_event_create(
        action="participation.created",
        obj=participation,
        actor=actor,
        summary=_("%(label)s rejoint la Fabrique « %(fabrique)s »")
        % {"label": participation.label, "fabrique": fabrique.title},
        data={"fabrique": fabrique.pk, "kind": kind, "entity": entity.pk},
    )
    fabrique_refresh_search_text(fabrique=fabrique)
    return participation
