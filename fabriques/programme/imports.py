"""Import of the programme history from the versioned YAML files in data/programme/.

Two stages: every file is read and checked without touching the database, then everything is
written in one transaction. Any problem stops the import with a message naming the file, the
entry and the field, and the database is left as it was.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from fabriques.accounts.models import User
from fabriques.core.services import audit_event_create
from fabriques.territories.models import Commune, Epci, Participation, ParticipationKind, Qpv

from .models import (
    AnctProgramme,
    Fabrique,
    FabriqueOrganisation,
    FabriqueStatus,
    Organisation,
    OrganisationKind,
    ProgrammeYear,
    Role,
    Theme,
)
from .services import fabrique_cohort_errors, fabrique_refresh_search_text, organisation_search_text

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ProgrammeImportError(Exception):
    """A problem in a data file; the message names the file, the entry and the field."""

    def __init__(self, *, file: str, message: str, entry: str = "", field: str = "") -> None:
        self.file, self.entry, self.field, self.message = file, entry, field, message
        where = " › ".join(
            part for part in (file, entry, field and _("champ « %s »") % field) if part
        )
        super().__init__(f"{where} : {message}")


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())
        )

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "deleted": dict(self.deleted),
        }


# --- Reading and checking the files (no database) -------------------------------------------


@dataclass
class _Source:
    file: str
    entry: str

    def error(self, message: str, field: str = "") -> ProgrammeImportError:
        return ProgrammeImportError(file=self.file, entry=self.entry, field=field, message=message)


def _load_yaml(path: Path, root: Path) -> Any:
    name = str(path.relative_to(root.parent)) if root.parent in path.parents else path.name
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        raise ProgrammeImportError(file=name, message=_("fichier introuvable.")) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" (ligne %d)") % (mark.line + 1) if mark else ""
        raise ProgrammeImportError(
            file=name, message=_("le fichier n'est pas un YAML valide%s.") % where
        ) from None


def _check_keys(
    src: _Source, data: Any, *, required: set[str], optional: set[str]
) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise src.error(_("une table (clé : valeur) est attendue."))
    for key in sorted(required):
        if data.get(key) in (None, "", []):
            raise src.error(_("valeur obligatoire manquante."), key)
    unknown = sorted(set(data) - required - optional)
    if unknown:
        raise src.error(_("champ inconnu."), unknown[0])
    return data


def _str(src: _Source, data: dict[str, Any], key: str, *, max_length: int | None = None) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise src.error(_("du texte est attendu (mettez les codes entre guillemets)."), key)
    value = value.strip()
    if max_length and len(value) > max_length:
        raise src.error(_("%(n)d caractères au plus.") % {"n": max_length}, key)
    return value


def _slug(src: _Source, data: dict[str, Any], key: str = "slug") -> str:
    value = _str(src, data, key, max_length=120)
    if not SLUG_RE.match(value):
        raise src.error(_("identifiant invalide : minuscules, chiffres et tirets seulement."), key)
    return value


def _month(src: _Source, data: dict[str, Any], key: str) -> datetime.date | None:
    value = data.get(key)
    if value is None:
        return None
    match = MONTH_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise src.error(_("mois attendu au format AAAA-MM (par exemple 2021-06)."), key)
    return datetime.date(int(match[1]), int(match[2]), 1)


def _choice(src: _Source, data: dict[str, Any], key: str, choices: type[models.TextChoices]) -> str:
    value = data.get(key)
    if value not in choices.values:
        raise src.error(
            _("valeur « %(value)s » inconnue ; valeurs possibles : %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)},
            key,
        )
    return str(value)


def _list(src: _Source, data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise src.error(_("une liste est attendue."), key)
    return value


@dataclass
class _TerritorySpec:
    src: _Source
    label: str
    departement: str
    commune: str
    epci: str
    qpv: str
    note: str

    @property
    def kind(self) -> str:
        if self.qpv:
            return ParticipationKind.QPV
        return ParticipationKind.COMMUNE if self.commune else ParticipationKind.EPCI


@dataclass
class _FabriqueSpec:
    src: _Source
    values: dict[str, Any]
    year: int
    themes: list[str]
    programmes: list[str]
    roles: list[tuple[_Source, str, str, str]]  # (source, organisation slug, role, contact)
    territories: list[_TerritorySpec]


@dataclass
class _Programme:
    years: list[dict[str, Any]]
    year_source: str
    themes: list[dict[str, str]]
    programmes: list[dict[str, str]]
    organisations: list[dict[str, str]]
    fabriques: list[_FabriqueSpec]


def _read_catalogue(
    root: Path, filename: str, key: str, *, optional: set[str], max_name: int
) -> list[dict[str, str]]:
    data = _load_yaml(root / filename, root)
    top = _Source(filename, "")
    data = _check_keys(top, data, required={key}, optional={"source"})
    items, seen = [], set()
    for index, raw in enumerate(_list(top, data, key), start=1):
        src = _Source(filename, _("entrée n° %d") % index)
        raw = _check_keys(src, raw, required={"slug", "name"}, optional=optional)
        item = {"slug": _slug(src, raw), "name": _str(src, raw, "name", max_length=max_name)}
        src.entry = item["slug"]
        if item["slug"] in seen:
            raise src.error(_("identifiant en double dans le fichier."), "slug")
        seen.add(item["slug"])
        for opt in optional:
            item[opt] = _str(src, raw, opt)
        if "kind" in optional:
            item["kind"] = _choice(src, raw, "kind", OrganisationKind)
        if "siren" in optional and item["siren"] and not re.fullmatch(r"\d{9}", item["siren"]):
            raise src.error(_("un SIREN compte neuf chiffres."), "siren")
        items.append(item)
    return items


def _read_fabrique(path: Path, root: Path) -> _FabriqueSpec:
    file = str(path.relative_to(root.parent))
    src = _Source(file, "")
    raw = _check_keys(
        src,
        _load_yaml(path, root),
        required={"slug", "year", "title", "status", "themes", "territories"},
        optional={
            "title_note",
            "summary",
            "objective",
            "start_month",
            "end_month",
            "anct_programmes",
            "organisations",
            "cofinancing",
            "source",
        },
    )
    slug = _slug(src, raw)
    src = _Source(file, slug)
    if not isinstance(raw["year"], int):
        raise src.error(_("une année est attendue (par exemple 2021)."), "year")
    values: dict[str, Any] = {
        "title": _str(src, raw, "title", max_length=250),
        "title_note": _str(src, raw, "title_note", max_length=300),
        "summary": _str(src, raw, "summary", max_length=500),
        "objective": _str(src, raw, "objective"),
        "start_month": _month(src, raw, "start_month"),
        "end_month": _month(src, raw, "end_month"),
        "status": _choice(src, raw, "status", FabriqueStatus),
        "cofinancing": _str(src, raw, "cofinancing"),
        "source": _str(src, raw, "source", max_length=300) or settings.PROGRAMME_SOURCE,
    }
    if (
        values["start_month"]
        and values["end_month"]
        and values["end_month"] <= values["start_month"]
    ):
        raise src.error(_("le mois de fin doit suivre le mois de début."), "end_month")
    roles = []
    for index, item in enumerate(_list(src, raw, "organisations"), start=1):
        isrc = _Source(file, f"{slug} › organisations[{index}]")
        item = _check_keys(isrc, item, required={"organisation", "role"}, optional={"contact_name"})
        roles.append(
            (
                isrc,
                _slug(isrc, item, "organisation"),
                _choice(isrc, item, "role", Role),
                _str(isrc, item, "contact_name", max_length=200),
            )
        )
    territories = []
    for index, item in enumerate(_list(src, raw, "territories"), start=1):
        tsrc = _Source(file, f"{slug} › territories[{index}]")
        item = _check_keys(
            tsrc,
            item,
            required={"label", "departement"},
            optional={"commune", "epci", "qpv", "note"},
        )
        spec = _TerritorySpec(
            src=tsrc,
            label=_str(tsrc, item, "label", max_length=300),
            departement=_str(tsrc, item, "departement", max_length=3),
            commune=_str(tsrc, item, "commune", max_length=5),
            epci=_str(tsrc, item, "epci", max_length=9),
            qpv=_str(tsrc, item, "qpv", max_length=200),
            note=_str(tsrc, item, "note"),
        )
        tsrc.entry = f"{slug} › {spec.label}"
        if bool(spec.commune) == bool(spec.epci):
            raise tsrc.error(
                _("indiquez soit « commune » (code INSEE), soit « epci » (SIREN) — un seul."),
                "commune",
            )
        territories.append(spec)
    return _FabriqueSpec(
        src=src,
        values=values,
        year=raw["year"],
        themes=[str(t) for t in _list(src, raw, "themes")],
        programmes=[str(p) for p in _list(src, raw, "anct_programmes")],
        roles=roles,
        territories=territories,
    )


def read_programme(root: Path) -> _Programme:
    """Read and check every file under root; raises ProgrammeImportError."""
    years_src = _Source("years.yaml", "")
    raw_years = _check_keys(
        years_src, _load_yaml(root / "years.yaml", root), required={"years"}, optional={"source"}
    )
    years, seen_years = [], set()
    for index, item in enumerate(_list(years_src, raw_years, "years"), start=1):
        src = _Source("years.yaml", _("entrée n° %d") % index)
        item = _check_keys(
            src, item, required={"year"}, optional={"declared_territories", "target_fabriques"}
        )
        for key in ("year", "declared_territories", "target_fabriques"):
            if item.get(key) is not None and (not isinstance(item[key], int) or item[key] < 0):
                raise src.error(_("un nombre entier positif est attendu."), key)
        if item["year"] in seen_years:
            raise src.error(_("année en double."), "year")
        seen_years.add(item["year"])
        years.append(item)

    fabriques: list[_FabriqueSpec] = []
    slugs: dict[str, str] = {}
    for path in sorted((root / "fabriques").glob("*.yaml")):
        spec = _read_fabrique(path, root)
        slug = spec.src.entry
        if slug in slugs:
            raise spec.src.error(
                _("identifiant déjà utilisé par %(other)s.") % {"other": slugs[slug]}, "slug"
            )
        slugs[slug] = spec.src.file
        if spec.year not in seen_years:
            raise spec.src.error(_("année absente de years.yaml."), "year")
        fabriques.append(spec)
    if not fabriques:
        raise ProgrammeImportError(file="fabriques/", message=_("aucun fichier de Fabrique."))

    return _Programme(
        years=years,
        year_source=str(raw_years.get("source") or ""),
        themes=_read_catalogue(
            root, "themes.yaml", "themes", optional={"description"}, max_name=120
        ),
        programmes=_read_catalogue(
            root, "anct_programmes.yaml", "programmes", optional={"description"}, max_name=200
        ),
        organisations=_read_catalogue(
            root,
            "organisations.yaml",
            "organisations",
            optional={"acronym", "kind", "siren", "website"},
            max_name=250,
        ),
        fabriques=fabriques,
    )


# --- Writing ----------------------------------------------------------------------------------


def _save_row(
    report: ImportReport,
    model: type[models.Model],
    obj: models.Model | None,
    create: dict[str, Any],
    values: dict[str, Any],
) -> Any:
    """Create the row (create + values) when obj is None, else update the fields of values
    that differ; saving nothing when nothing changed is what makes the import idempotent."""
    label = model._meta.model_name or ""
    if obj is None:
        obj = model(**{**create, **values})
        obj.full_clean()
        obj.save()
        report.created[label] += 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.full_clean()
        obj.save(update_fields=[*changed, *(["updated_at"] if hasattr(obj, "updated_at") else [])])
        report.updated[label] += 1
    else:
        report.unchanged[label] += 1
    return obj


def _upsert(
    report: ImportReport, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> Any:
    """Create or update the row found by lookup."""
    obj = model._default_manager.filter(**lookup).first()
    return _save_row(report, model, obj, lookup, values)


def _set_m2m(report: ImportReport, manager: Any, objs: list[models.Model], label: str) -> None:
    wanted = {o.pk for o in objs}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objs)
        report.updated[label] += 1


def _resolve_territory(spec: _TerritorySpec) -> dict[str, Any]:
    values: dict[str, Any] = {"commune": None, "epci": None, "qpv": None}
    if spec.commune:
        commune = Commune.objects.select_related("departement").filter(code=spec.commune).first()
        if commune is None:
            raise spec.src.error(
                _("aucune commune de code INSEE « %s » dans le référentiel.") % spec.commune,
                "commune",
            )
        values["commune"], entity_dep = commune, commune.departement
    else:
        epci = Epci.objects.select_related("departement").filter(siren=spec.epci).first()
        if epci is None:
            raise spec.src.error(
                _("aucun EPCI de SIREN « %s » dans le référentiel.") % spec.epci, "epci"
            )
        values["epci"], entity_dep = epci, epci.departement
    if spec.qpv:
        qpv = (
            Qpv.objects.select_related("departement")
            .filter(name=spec.qpv, departement__code=spec.departement)
            .first()
        )
        if qpv is None:
            raise spec.src.error(
                _("aucun QPV « %(name)s » dans le département %(dep)s du référentiel.")
                % {"name": spec.qpv, "dep": spec.departement},
                "qpv",
            )
        values["qpv"], entity_dep = qpv, qpv.departement
    if entity_dep.code != spec.departement:
        raise spec.src.error(
            _("le référentiel place ce territoire dans le département %(actual)s, pas %(given)s.")
            % {"actual": entity_dep.code, "given": spec.departement},
            "departement",
        )
    values["departement"] = entity_dep
    values["kind"] = spec.kind
    return values


def _sync_participations(
    report: ImportReport, fabrique: Fabrique, specs: list[_TerritorySpec]
) -> None:
    existing = {
        (p.kind, p.commune_id, p.epci_id, p.qpv_id): p for p in fabrique.participations.all()
    }
    seen = set()
    for position, spec in enumerate(specs):
        values = _resolve_territory(spec)
        key = (
            values["kind"],
            values["commune"] and values["commune"].pk,
            values["epci"] and values["epci"].pk,
            values["qpv"] and values["qpv"].pk,
        )
        if key in seen:
            raise spec.src.error(_("territoire en double dans cette Fabrique."), "label")
        seen.add(key)
        wanted = {"label": spec.label, "position": position, "departement": values["departement"]}
        _save_row(
            report, Participation, existing.get(key), {"fabrique": fabrique, **values}, wanted
        )
    for key, participation in existing.items():
        if key not in seen:
            participation.delete()
            report.deleted["participation"] += 1


def _sync_roles(
    report: ImportReport, fabrique: Fabrique, spec: _FabriqueSpec, orgs: dict[str, Organisation]
) -> None:
    existing = {(r.organisation_id, r.role): r for r in fabrique.roles.all()}
    seen = set()
    for position, (src, org_slug, role, contact) in enumerate(spec.roles):
        organisation = orgs.get(org_slug)
        if organisation is None:
            raise src.error(
                _("organisation « %s » absente de organisations.yaml.") % org_slug, "organisation"
            )
        key = (organisation.pk, role)
        if key in seen:
            raise src.error(_("rôle en double pour cette organisation."), "role")
        seen.add(key)
        _save_row(
            report,
            FabriqueOrganisation,
            existing.get(key),
            {"fabrique": fabrique, "organisation": organisation, "role": role},
            {"contact_name": contact, "position": position},
        )
    for key, row in existing.items():
        if key not in seen:
            row.delete()
            report.deleted["fabriqueorganisation"] += 1


def programme_import(*, directory: Path | None = None, actor: User | None = None) -> ImportReport:
    """Load the programme history; idempotent, all or nothing."""
    root = Path(directory or settings.DATA_DIR / "programme")
    programme = read_programme(root)
    report = ImportReport()
    try:
        with transaction.atomic():
            _write(programme, report)
            if report.changed:
                audit_event_create(
                    action="programme.import",
                    actor=actor,
                    summary=_("Import de l'historique du programme depuis %s") % root.name,
                    data=report.as_dict(),
                )
    except ValidationError as exc:
        # Database-level rules (constraints, field limits) the file checks did not catch.
        raise ProgrammeImportError(file=str(root), message="; ".join(exc.messages)) from None
    return report


def _write(programme: _Programme, report: ImportReport) -> None:
    years = {
        item["year"]: _upsert(
            report,
            ProgrammeYear,
            {"year": item["year"]},
            {
                "declared_territories": item.get("declared_territories"),
                "target_fabriques": item.get("target_fabriques"),
                "source": programme.year_source[:300],
            },
        )
        for item in programme.years
    }
    themes = {
        t["slug"]: _upsert(
            report,
            Theme,
            {"slug": t["slug"]},
            {"name": t["name"], "description": t.get("description", "")},
        )
        for t in programme.themes
    }
    anct = {
        p["slug"]: _upsert(
            report,
            AnctProgramme,
            {"slug": p["slug"]},
            {"name": p["name"], "description": p.get("description", "")},
        )
        for p in programme.programmes
    }
    orgs: dict[str, Organisation] = {}
    for o in programme.organisations:
        values = {k: o.get(k, "") for k in ("name", "acronym", "kind", "siren", "website")}
        values["search_text"] = organisation_search_text(organisation=Organisation(**values))
        orgs[o["slug"]] = _upsert(report, Organisation, {"slug": o["slug"]}, values)

    for spec in programme.fabriques:
        src = spec.src
        errors = fabrique_cohort_errors(
            status=spec.values["status"], territory_count=len(spec.territories)
        )
        if errors:
            raise src.error(errors[0], "territories")
        fabrique = _upsert(
            report,
            Fabrique,
            {"slug": src.entry},
            {**spec.values, "programme_year": years[spec.year]},
        )
        try:
            theme_objs = [themes[t] for t in spec.themes]
        except KeyError as exc:
            raise src.error(
                _("thème « %s » absent de themes.yaml.") % exc.args[0], "themes"
            ) from None
        try:
            programme_objs = [anct[p] for p in spec.programmes]
        except KeyError as exc:
            raise src.error(
                _("programme « %s » absent de anct_programmes.yaml.") % exc.args[0],
                "anct_programmes",
            ) from None
        _set_m2m(report, fabrique.themes, theme_objs, "fabrique.themes")
        _set_m2m(report, fabrique.anct_programmes, programme_objs, "fabrique.anct_programmes")
        _sync_roles(report, fabrique, spec, orgs)
        _sync_participations(report, fabrique, spec.territories)
        if fabrique_refresh_search_text(fabrique=fabrique):
            report.updated["fabrique.search_text"] += 1
