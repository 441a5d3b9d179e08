"""Refresh the vendored referential from a release of ``@etalab/decoupage-administratif``.

Usage::

    .venv/bin/python data/referential/refresh.py --version 6.0.0          # rewrite the files
    .venv/bin/python data/referential/refresh.py --version 6.0.0 --check  # verify, write nothing

The script downloads the package with ``npm pack`` into a temporary directory, checks the
tarball against the integrity the registry publishes (``npm view … dist.integrity``) and
against its own SHA-512, then writes the trimmed, gzip-compressed data files and
``manifest.json`` next to this script. It needs Node's ``npm`` and the standard library only
(no Django), so it can run before the project is installed.

The output is deterministic: the same package version gives the same bytes (sorted manifest,
fixed JSON layout, gzip header without timestamp or file name), so ``--check`` can prove the
committed files are exactly what the package contains.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PACKAGE = "@etalab/decoupage-administratif"
HERE = Path(__file__).resolve().parent
LICENCE = {
    "data": "Licence Ouverte / Open Licence version 2.0 (Etalab)",
    "data_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
    "code": "MIT",
}

Row = dict[str, Any]


def _keep(row: Row, fields: Iterable[str]) -> Row:
    """The row restricted to ``fields``, in that order, without absent keys."""
    return {field: row[field] for field in fields if field in row}


def _epci(row: Row) -> Row:
    # Members keep only their INSEE code: names, SIREN and populations of member communes
    # already live in communes.json. The shape stays a subset of upstream ({"code": …}), so
    # the importer also reads the package's raw files.
    trimmed = _keep(row, ("code", "nom", "type", "modeFinancement", "populationMunicipale"))
    trimmed["membres"] = [{"code": member["code"]} for member in row["membres"]]
    return trimmed


# One entry per shipped file: upstream file, why/what we keep, the transformation.
# Communes keep only current communes: associated/delegated communes and municipal
# arrondissements are not local authorities a Fabrique can accompany.
DATASETS: dict[str, dict[str, Any]] = {
    "regions": {
        "source": "data/regions.json",
        "filter": None,
        "transform": lambda row: _keep(row, ("code", "nom", "zone")),
    },
    "departements": {
        "source": "data/departements.json",
        "filter": None,
        "transform": lambda row: _keep(row, ("code", "nom", "region", "zone")),
    },
    "communes": {
        "source": "data/communes.json",
        "filter": 'type == "commune-actuelle"',
        "keep": lambda row: row.get("type") == "commune-actuelle",
        "transform": lambda row: _keep(
            row, ("code", "nom", "departement", "siren", "codesPostaux", "population")
        ),
    },
    "epci": {"source": "data/epci.json", "filter": None, "transform": _epci},
    "ept": {"source": "data/ept.json", "filter": None, "transform": _epci},
}


class RefreshError(Exception):
    pass


def _run(*args: str, cwd: Path | None = None) -> str:
    try:
        completed = subprocess.run(
            args, cwd=cwd, check=True, capture_output=True, text=True, encoding="utf-8"
        )
    except FileNotFoundError as exc:
        raise RefreshError(f"{args[0]} introuvable : installez Node.js et npm.") from exc
    except subprocess.CalledProcessError as exc:
        raise RefreshError(f"« {' '.join(args)} » a échoué :\n{exc.stderr.strip()}") from exc
    return completed.stdout


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dump_json(rows: list[Row]) -> bytes:
    """One entry per line: compact, yet ``zcat file | diff`` shows readable changes."""
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with a fixed header (no mtime, no file name, OS "unknown") for identical bytes.

    ``gzip.compress`` takes the OS byte from the platform's zlib; writing the 10-byte header
    ourselves removes that variation. The deflate stream itself is zlib's at level 9.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS, 9)
    body = compressor.compress(data) + compressor.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "little") + (
        len(data) & 0xFFFFFFFF
    ).to_bytes(4, "little")
    result = header + body + trailer
    assert gzip.decompress(result) == data
    return result


def _readme_sources(readme: str) -> list[str]:
    """URLs of the README's « Sources » section, in order, without duplicates."""
    match = re.search(r"^## Sources\s*$(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    if not match:
        raise RefreshError("Section « Sources » absente du README du paquet.")
    urls = re.findall(r"\]\((https?://[^)\s]+)\)", match.group(1))
    return list(dict.fromkeys(urls))


def _readme_millesime(readme: str, version: str) -> int | None:
    """The COG year the README's table gives for this version, if it lists it."""
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[1] == version and cells[0].isdigit():
            return int(cells[0])
    return None


def fetch(version: str, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """Download the tarball and check it; returns its path and the registry metadata."""
    spec = f"{PACKAGE}@{version}"
    view = json.loads(_run("npm", "view", spec, "dist.integrity", "dist.tarball", "--json"))
    if not view:
        raise RefreshError(f"Version {version} de {PACKAGE} introuvable sur le registre npm.")
    times = json.loads(_run("npm", "view", PACKAGE, "time", "--json"))
    packed = json.loads(_run("npm", "pack", spec, "--json", "--pack-destination", str(workdir)))
    tarball = workdir / packed[0]["filename"]

    expected = view["dist.integrity"]
    computed = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if not (expected == packed[0]["integrity"] == computed):
        raise RefreshError(
            f"Empreinte du paquet incohérente : registre {expected}, npm pack "
            f"{packed[0]['integrity']}, calculée {computed}."
        )
    meta = {
        "integrity": expected,
        "tarball": view["dist.tarball"],
        "date": times[version][:10],
    }
    return tarball, meta


def build(tarball: Path, version: str, meta: dict[str, Any]) -> dict[str, bytes]:
    """Name → bytes of every file to ship (data files and manifest.json)."""
    with tarfile.open(tarball, "r:gz") as archive:
        # Read members in memory rather than extracting: no path ever touches the disk.
        def read(name: str) -> bytes:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise RefreshError(f"{name} absent du paquet.")
            return member.read()

        package_json = json.loads(read("package.json"))
        readme = read("README.md").decode("utf-8")
        upstream = {key: read(spec["source"]) for key, spec in DATASETS.items()}

    if package_json.get("version") != version:
        raise RefreshError(f"Le paquet annonce la version {package_json.get('version')}.")

    outputs: dict[str, bytes] = {}
    files: dict[str, Any] = {}
    for key, spec in DATASETS.items():
        rows: list[Row] = json.loads(upstream[key])
        keep: Callable[[Row], bool] = spec.get("keep", lambda row: True)
        transform: Callable[[Row], Row] = spec["transform"]
        trimmed = [transform(row) for row in rows if keep(row)]
        content = dump_json(trimmed)
        name = f"{key}.json.gz"
        outputs[name] = gzip_bytes(content)
        files[key] = {
            "path": name,
            "source": f"package/{spec['source']}",
            "source_sha256": _sha256(upstream[key]),
            "filter": spec["filter"],
            "count": len(trimmed),
            "content_sha256": _sha256(content),
            "sha256": _sha256(outputs[name]),
        }

    millesime = _readme_millesime(readme, version)
    manifest = {
        "package": PACKAGE,
        "version": version,
        "millesime": f"COG {millesime}" if millesime else None,
        "date": meta["date"],
        "tarball": meta["tarball"],
        "integrity": meta["integrity"],
        "repository": package_json.get("repository"),
        "licence": LICENCE,
        "sources": _readme_sources(readme),
        "generator": "data/referential/refresh.py",
        "files": files,
        "counts": {key: entry["count"] for key, entry in files.items()},
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    outputs["manifest.json"] = text.encode("utf-8")
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", required=True, help="version du paquet, par ex. 6.0.0")
    parser.add_argument(
        "--output", type=Path, default=HERE, help="dossier de sortie (par défaut : celui-ci)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="vérifie que les fichiers présents sont identiques octet pour octet, sans écrire",
    )
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][\w.]+)?", args.version):
        parser.error("version attendue sous la forme X.Y.Z")

    try:
        with tempfile.TemporaryDirectory(prefix="referential-") as tmp:
            tarball, meta = fetch(args.version, Path(tmp))
            outputs = build(tarball, args.version, meta)
    except RefreshError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1

    if args.check:
        differing = [
            name
            for name, data in outputs.items()
            if not (args.output / name).exists() or (args.output / name).read_bytes() != data
        ]
        for name in differing:
            print(f"Différent : {name}", file=sys.stderr)
        if differing:
            return 1
        print(f"{PACKAGE}@{args.version} : les {len(outputs)} fichiers sont à jour.")
        return 0

    args.output.mkdir(parents=True, exist_ok=True)
    for name, data in outputs.items():
        # Write then rename, so an interrupted refresh never leaves a half-written file.
        target = args.output / name
        partial = target.with_suffix(target.suffix + ".partial")
        partial.write_bytes(data)
        partial.replace(target)
        print(f"{name} : {len(data):>9} octets")
    print(f"{PACKAGE}@{args.version} ({meta['integrity'][:20]}…) écrit dans {args.output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
