"""Reading and validating a release of the official referential, before any write.

Pure data work, without database access: the manifest, the SHA-256 of every file, the JSON
structure, the codes each entry refers to. Every refusal is a `ReferentialImportError` whose
French message names the file, the entry and the field, so that `services.referential_import`
can promise that nothing is written while one entry is wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from fabriques.core.text import NBSP, normalize, quote

from .models import EpciNature, Zone

# Roles the manifest must describe; "ept" is optional because releases before 2023 have none.
REQUIRED_FILES = ("regions", "departements", "communes", "epci")
OPTIONAL_FILES = ("ept",)

# The package's `type` for EPCI. "MET69" is the Métropole de Lyon, a collectivity with special
# status that the DGCL lists among EPCI: for our catalogue it is a métropole.
EPCI_NATURES = {
    "CC": EpciNature.CC,
    "CA": EpciNature.CA,
    "CU": EpciNature.CU,
    "METRO": EpciNature.METRO,
    "MET69": EpciNature.METRO,
}


class ReferentialImportError(Exception):
    """An input the import refuses; `message` is French and names the file, entry and field."""

    def __init__(self, message: str, *, file: str = "", entry: str = "", field: str = ""):
        super().__init__(message)
        self.message = message
        self.file = file
        self.entry = entry
        self.field = field

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------------------------
# Messages


def entry_error(
    file: str, index: int, code: str | None, field_name: str, problem: str
) -> ReferentialImportError:
    """An error on one entry of a JSON file: « communes.json.gz, entrée n° 12 (code …) »."""
    entry = f"n°{NBSP}{index + 1}"
    if code:
        entry += " " + _("(code %(code)s)") % {"code": quote(code)}
    message = _("%(file)s, entrée %(entry)s, champ %(field)s%(nbsp)s: %(problem)s") % {
        "file": file,
        "entry": entry,
        "field": quote(field_name),
        "nbsp": NBSP,
        "problem": problem,
    }
    return ReferentialImportError(message, file=file, entry=entry, field=field_name)


def file_error(file: str, problem: str) -> ReferentialImportError:
    message = _("%(file)s%(nbsp)s: %(problem)s") % {"file": file, "nbsp": NBSP, "problem": problem}
    return ReferentialImportError(message, file=file)


# --------------------------------------------------------------------------------------------
# Reading and validating the release (no database access)


class Entry(NamedTuple):
    """One validated entry, with where it came from for error messages."""

    file: str
    position: int
    values: dict[str, Any]


@dataclass
class Release:
    manifest: dict[str, Any]
    regions: dict[str, Entry]
    departements: dict[str, Entry]
    communes: dict[str, Entry]
    epcis: dict[str, Entry]
    # SIREN → INSEE codes of member communes, in file order.
    members: dict[str, list[str]]


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise file_error(str(path), _("manifeste introuvable")) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise file_error(str(path), _("JSON invalide (%(error)s)") % {"error": exc}) from None
    if not isinstance(manifest, dict):
        raise file_error(path.name, _("objet JSON attendu"))
    for key in ("package", "version", "integrity", "files"):
        if not manifest.get(key):
            raise file_error(path.name, _("champ %(field)s manquant") % {"field": quote(key)})
    files = manifest["files"]
    if not isinstance(files, dict):
        raise file_error(path.name, _("champ %(field)s invalide") % {"field": quote("files")})
    for role in REQUIRED_FILES:
        if role not in files:
            raise file_error(
                path.name, _("aucun fichier décrit pour %(role)s") % {"role": quote(role)}
            )
    for role, spec in files.items():
        name = spec.get("path", "") if isinstance(spec, dict) else ""
        # A plain file name only: the manifest must not make us read outside the directory.
        if not name or Path(name).name != name or not spec.get("sha256"):
            raise file_error(
                path.name,
                _("description du fichier %(role)s incomplète (path, sha256)")
                % {"role": quote(role)},
            )
    return manifest


def read_verified_files(directory: Path, manifest: dict[str, Any]) -> dict[str, bytes]:
    """Role → decompressed bytes, after checking every file's SHA-256 against the manifest."""
    contents: dict[str, bytes] = {}
    for role, spec in manifest["files"].items():
        name = spec["path"]
        try:
            raw = (directory / name).read_bytes()
        except FileNotFoundError:
            raise file_error(name, _("fichier introuvable")) from None
        digest = hashlib.sha256(raw).hexdigest()
        if digest != spec["sha256"]:
            raise file_error(
                name,
                _(
                    "empreinte SHA-256 différente de celle du manifeste "
                    "(attendue %(expected)s, obtenue %(actual)s)%(nbsp)s; "
                    "le fichier est corrompu ou a été modifié à la main"
                )
                % {"expected": spec["sha256"], "actual": digest, "nbsp": NBSP},
            )
        try:
            if name.endswith(".gz"):
                raw = gzip.decompress(raw)
            elif name.endswith(".xz"):
                raw = lzma.decompress(raw)
        except (OSError, EOFError, lzma.LZMAError) as exc:
            raise file_error(name, _("archive illisible (%(error)s)") % {"error": exc}) from None
        contents[role] = raw
    return contents


def _parse_json_list(name: str, raw: bytes) -> list[Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise file_error(name, _("encodage UTF-8 attendu")) from None
    except json.JSONDecodeError as exc:
        raise file_error(
            name,
            _("JSON invalide, ligne %(line)s, colonne %(column)s%(nbsp)s: %(error)s")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg, "nbsp": NBSP},
        ) from None
    if not isinstance(data, list):
        raise file_error(name, _("une liste JSON est attendue"))
    return data


class _RowReader:
    """Typed access to one JSON entry, raising errors that name file, entry and field."""

    def __init__(self, file: str, index: int, row: Any):
        if not isinstance(row, dict):
            raise entry_error(file, index, None, "-", _("objet JSON attendu"))
        self.file, self.index, self.row = file, index, row
        code = row.get("code")
        self.code = code if isinstance(code, str) else None

    def error(self, field_name: str, problem: str) -> ReferentialImportError:
        return entry_error(self.file, self.index, self.code, field_name, problem)

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.row.get(key)
        if value is None or value == "":
            if required:
                raise self.error(key, _("valeur manquante"))
            return ""
        if not isinstance(value, str):
            # Codes are strings ("01", "2A"): a number here means the file was mangled.
            raise self.error(key, _("texte attendu, %(value)s reçu") % {"value": quote(value)})
        return value.strip()

    def count(self, key: str) -> int | None:
        value = self.row.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(key, _("nombre entier positif attendu"))
        return value

    def codes(self, key: str) -> list[str]:
        value = self.row.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(key, _("liste de textes attendue"))
        return value


def _index(file: str, rows: Iterable[_RowReader], key: str = "code") -> dict[str, _RowReader]:
    result: dict[str, _RowReader] = {}
    for reader in rows:
        code = reader.text(key)
        if code in result:
            raise reader.error(
                key,
                _("code en double (déjà à l'entrée n°%(nbsp)s%(first)s)")
                % {"first": result[code].index + 1, "nbsp": NBSP},
            )
        result[code] = reader
    return result


def official_name(raw: str) -> str:
    """An EPCI's name as it is written: the DGCL list quotes one name with two apostrophes
    (« CA de Blois ''Agglopolys'' »), the others with a double quotation mark
    (« CA "Saintes - Grandes Rives - L'Agglo" »); the pair becomes that mark. The shipped
    file keeps the upstream text (data/referential/README.md)."""
    return raw.replace("''", '"')


def main_departement(codes: Iterable[str]) -> str:
    """Département holding the most member communes; ties go to the lowest code.

    The package gives no département for an EPCI, and its seat is not in the data. We derive
    it from the members: the département with the majority of member communes (the one an
    agent of ANCT would name), ties broken by the lowest code in string order ("2A" sorts after
    "29", as INSEE lists them) so that the result never depends on file order.
    """
    tally = Counter(codes)
    if not tally:
        raise ValueError("no member commune")
    return min(tally.items(), key=lambda item: (-item[1], item[0]))[0]


def parse_release(manifest: dict[str, Any], contents: dict[str, bytes]) -> Release:
    files = manifest["files"]

    def readers(role: str) -> list[_RowReader]:
        name = files[role]["path"]
        return [
            _RowReader(name, i, row) for i, row in enumerate(_parse_json_list(name, contents[role]))
        ]

    zones = set(Zone.values)

    regions: dict[str, Entry] = {}
    for code, r in _index(files["regions"]["path"], readers("regions")).items():
        zone = r.text("zone", required=False) or Zone.METRO
        if zone not in zones:
            raise r.error("zone", _("zone %(value)s inconnue") % {"value": quote(zone)})
        regions[code] = Entry(r.file, r.index, {"name": r.text("nom"), "zone": zone})

    departements: dict[str, Entry] = {}
    for code, r in _index(files["departements"]["path"], readers("departements")).items():
        region = r.text("region")
        if region not in regions:
            raise r.error("region", _("région %(code)s inconnue") % {"code": quote(region)})
        zone = r.text("zone", required=False) or Zone.METRO
        if zone not in zones:
            raise r.error("zone", _("zone %(value)s inconnue") % {"value": quote(zone)})
        departements[code] = Entry(
            r.file, r.index, {"name": r.text("nom"), "region": region, "zone": zone}
        )

    communes: dict[str, Entry] = {}
    for r in readers("communes"):
        # The shipped file holds current communes only; the package's raw file also lists
        # delegated/associated communes and arrondissements, which we skip the same way.
        if r.row.get("type", "commune-actuelle") != "commune-actuelle":
            continue
        code = r.text("code")
        if code in communes:
            raise r.error(
                "code",
                _("code en double (déjà à l'entrée n°%(nbsp)s%(first)s)")
                % {"first": communes[code].position + 1, "nbsp": NBSP},
            )
        departement = r.text("departement")
        if departement not in departements:
            raise r.error(
                "departement",
                _("département %(code)s inconnu") % {"code": quote(departement)},
            )
        name = r.text("nom")
        communes[code] = Entry(
            r.file,
            r.index,
            {
                "name": name,
                "search_name": normalize(name),
                "departement": departement,
                "siren": r.text("siren", required=False),
                "population": r.count("population"),
                "postal_codes": r.codes("codesPostaux"),
            },
        )

    epcis: dict[str, Entry] = {}
    members: dict[str, list[str]] = {}
    for role in ("epci", *(role for role in OPTIONAL_FILES if role in files)):
        for r in readers(role):
            siren = r.text("code")
            if siren in epcis:
                first = epcis[siren]
                raise r.error(
                    "code",
                    _("SIREN en double (déjà dans %(file)s, entrée n°%(nbsp)s%(first)s)")
                    % {"file": first.file, "first": first.position + 1, "nbsp": NBSP},
                )
            if role == "ept":
                nature = EpciNature.EPT
            else:
                kind = r.text("type")
                if kind not in EPCI_NATURES:
                    raise r.error("type", _("nature %(value)s inconnue") % {"value": quote(kind)})
                nature = EPCI_NATURES[kind]
            raw_members = r.row.get("membres")
            if not isinstance(raw_members, list) or not raw_members:
                raise r.error("membres", _("liste non vide de communes attendue"))
            codes: list[str] = []
            for member in raw_members:
                member_code = member.get("code") if isinstance(member, dict) else None
                if not isinstance(member_code, str) or member_code not in communes:
                    raise r.error(
                        "membres",
                        _("commune %(code)s inconnue ou qui n'est pas une commune actuelle")
                        % {"code": quote(member_code)},
                    )
                codes.append(member_code)
            name = official_name(r.text("nom"))
            epcis[siren] = Entry(
                r.file,
                r.index,
                {
                    "name": name,
                    "search_name": normalize(name),
                    "nature": nature,
                    "financing": r.text("modeFinancement", required=False),
                    "population": r.count("populationMunicipale"),
                    "departement": main_departement(
                        communes[code].values["departement"] for code in codes
                    ),
                },
            )
            members[siren] = list(dict.fromkeys(codes))

    return Release(manifest, regions, departements, communes, epcis, members)
