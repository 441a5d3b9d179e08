"""Dependency audit that never passes without having checked every pin.

    python scripts/audit.py [--offline] [--max-age-days N] [requirements/base.txt ...]
    python scripts/audit.py snapshot [requirements/base.txt ...]

`check` (the default) asks pip-audit (PyPI's advisory service) about each lock file. Any pin
that pip-audit could not check (service unreachable, or the dependency "skipped") is checked
against the dated snapshot in data/advisories/snapshot.json instead; a pin that neither could
check makes the audit fail. The snapshot is refused once older than --max-age-days (90 by
default, or AUDIT_SNAPSHOT_MAX_AGE_DAYS).

`snapshot` rebuilds that file from PyPI's JSON API. Exit codes: 0 clean, 1 known
vulnerabilities, 2 the audit could not check everything.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCKS = [ROOT / "requirements" / "base.txt", ROOT / "requirements" / "dev.txt"]
SNAPSHOT = ROOT / "data" / "advisories" / "snapshot.json"
PYPI = "https://pypi.org/pypi"
MAX_AGE_DAYS = int(os.environ.get("AUDIT_SNAPSHOT_MAX_AGE_DAYS", "90"))
CLEAN, VULNERABLE, UNCHECKED = 0, 1, 2

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name: str) -> str:
    """PEP 503 normalised name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(paths: Iterable[Path]) -> dict[str, str]:
    pins: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = PIN.match(line)
            if match:
                pins[canonical(match[1])] = match[2]
    return pins


# --- Online: pip-audit -----------------------------------------------------------------------


@dataclass
class Findings:
    vulnerable: dict[str, list[str]] = field(default_factory=dict)  # "name version" -> ids
    checked: set[str] = field(default_factory=set)
    unchecked: dict[str, str] = field(default_factory=dict)  # name -> why


Runner = Callable[[list[str]], subprocess.CompletedProcess]


def run_pip_audit(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)


def pip_audit(lock: Path, pins: dict[str, str], runner: Runner = run_pip_audit) -> Findings:
    """What pip-audit could really check in one lock file; everything else is `unchecked`."""
    # --disable-pip: the lock is fully pinned and hashed, so no resolution (and no index) is
    # needed; only the advisory service is asked.
    command = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--require-hashes"]
    command += ["--disable-pip", "--format", "json", "--progress-spinner", "off"]
    findings = Findings()

    def unreachable(reason: str) -> Findings:
        why = f"pip-audit n'a pas pu interroger le service d'avis ({reason})"
        findings.unchecked = dict.fromkeys(pins, why)
        return findings

    try:
        result = runner(command)
    except (OSError, subprocess.SubprocessError) as error:
        return unreachable(str(error))
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (ValueError, KeyError, TypeError):
        return unreachable(_last_line(result.stderr) or f"code de sortie {result.returncode}")
    for dependency in dependencies:
        name = canonical(dependency["name"])
        if "skip_reason" in dependency:
            findings.unchecked[name] = dependency["skip_reason"]
            continue
        findings.checked.add(name)
        ids = [v["id"] for v in dependency.get("vulns", [])]
        if ids:
            findings.vulnerable[f"{name} {dependency.get('version', pins.get(name))}"] = ids
    for name in pins.keys() - findings.checked - findings.unchecked.keys():
        findings.unchecked[name] = "absent du rapport de pip-audit"
    return findings


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


# --- Offline: the dated snapshot -------------------------------------------------------------


def snapshot_check(
    pins: dict[str, str], snapshot: dict[str, Any], *, today: datetime.date, max_age_days: int
) -> tuple[int, list[str]]:
    """(status, messages) for the given pins against a snapshot."""
    fetched = datetime.date.fromisoformat(snapshot["fetched_at"][:10])
    age = (today - fetched).days
    messages = [f"Instantané des avis de sécurité du {fetched.isoformat()} ({age} jour(s))."]
    if age > max_age_days:
        messages.append(
            f"ÉCHEC : l'instantané a plus de {max_age_days} jours ; "
            "le régénérer avec « make audit-snapshot » (réseau nécessaire)."
        )
        return UNCHECKED, messages
    entries = {canonical(p["name"]): p for p in snapshot["packages"]}
    vulnerable, missing, unverified = [], [], []
    for name, version in sorted(pins.items()):
        entry = entries.get(name)
        if entry is None or entry["version"] != version:
            missing.append(f"{name} {version}")
        elif entry["status"] != "checked":
            unverified.append(f"{name} {version} ({entry.get('note', 'non vérifié')})")
        else:
            ids = [a["id"] for a in entry["advisories"] if not a.get("withdrawn")]
            if ids:
                fixed = sorted({v for a in entry["advisories"] for v in a.get("fixed_in") or []})
                hint = f" ; corrigé en {', '.join(fixed)}" if fixed else ""
                vulnerable.append(f"{name} {version} : {', '.join(ids)}{hint}")
    status = CLEAN
    if vulnerable:
        messages.append("Vulnérabilités connues :")
        messages += [f"  {line}" for line in vulnerable]
        status = VULNERABLE
    if missing or unverified:
        messages.append("ÉCHEC : paquets que l'instantané ne permet pas de vérifier :")
        messages += [f"  {line} : absent de l'instantané (régénérer)" for line in missing]
        messages += [f"  {line}" for line in unverified]
        status = max(status, UNCHECKED)
    if status == CLEAN:
        messages.append(
            f"{len(pins)} paquet(s) vérifié(s) sur l'instantané : aucune vulnérabilité connue."
        )
    return status, messages


def check(args: argparse.Namespace, runner: Runner = run_pip_audit) -> int:
    status = CLEAN
    to_snapshot: dict[str, str] = {}
    for lock in args.locks:
        pins = read_pins([lock])
        if args.offline:
            to_snapshot.update(pins)
            continue
        findings = pip_audit(lock, pins, runner)
        print(f"{lock.name} : {len(findings.checked)}/{len(pins)} paquet(s) vérifié(s) en ligne.")
        for pin, ids in sorted(findings.vulnerable.items()):
            print(f"  VULNÉRABLE {pin} : {', '.join(ids)}")
            status = VULNERABLE
        if findings.unchecked:
            reasons = sorted(set(findings.unchecked.values()))
            print(
                f"  {len(findings.unchecked)} paquet(s) non vérifié(s) en ligne, par exemple : {reasons[0]}"
            )
            to_snapshot.update({name: pins[name] for name in findings.unchecked if name in pins})
    if to_snapshot:
        if not args.snapshot.is_file():
            print(
                f"ÉCHEC : {len(to_snapshot)} paquet(s) non vérifié(s) et pas d'instantané "
                f"({args.snapshot}) : l'audit n'a pas pu vérifier les dépendances."
            )
            return UNCHECKED
        snapshot = json.loads(args.snapshot.read_text(encoding="utf-8"))
        result, messages = snapshot_check(
            to_snapshot, snapshot, today=args.today, max_age_days=args.max_age_days
        )
        print("\n".join(messages))
        status = max(status, result)
    elif status == CLEAN:
        print("Aucune vulnérabilité connue (service en ligne).")
    return status


# --- Building the snapshot -------------------------------------------------------------------


def fetch_json(url: str) -> dict[str, Any] | None:
    """The JSON document at url, None on 404; other errors propagate (no half snapshot)."""
    request = urllib.request.Request(url, headers={"User-Agent": "fabriques-audit"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def _advisories(document: dict[str, Any]) -> list[dict[str, Any]]:
    keys = ("id", "aliases", "fixed_in", "summary", "link", "withdrawn")
    return [{k: v.get(k) for k in keys} for v in document.get("vulnerabilities") or []]


def snapshot_entry(name: str, version: str, fetch: Callable = fetch_json) -> dict[str, Any]:
    """One pin's advisories: from its release's JSON, else from the project's JSON when the
    pin is the latest release (that document lists the latest release's advisories only)."""
    release = fetch(f"{PYPI}/{name}/{version}/json")
    if release is not None:
        return {"name": name, "version": version, "status": "checked", "source": "release",
                "advisories": _advisories(release)}  # fmt: skip
    project = fetch(f"{PYPI}/{name}/json")
    if project is None:
        raise RuntimeError(f"{name} : projet introuvable sur PyPI")
    latest = project["info"]["version"]
    if latest == version:
        return {"name": name, "version": version, "status": "checked", "source": "project",
                "advisories": _advisories(project)}  # fmt: skip
    return {
        "name": name,
        "version": version,
        "status": "unverified",
        "source": "project",
        "advisories": [],
        "note": f"avis de la version {version} non servis par PyPI ; dernière version {latest}",
    }


def build_snapshot(args: argparse.Namespace) -> int:
    pins = read_pins(args.locks)
    with ThreadPoolExecutor(max_workers=8) as pool:
        entries = list(pool.map(lambda item: snapshot_entry(*item), sorted(pins.items())))
    snapshot = {
        "fetched_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "source": f"{PYPI}/<name>/<version>/json, else {PYPI}/<name>/json (field `vulnerabilities`)",
        "locks": [str(lock.relative_to(ROOT)) for lock in args.locks],
        "packages": entries,
    }
    args.snapshot.parent.mkdir(parents=True, exist_ok=True)
    args.snapshot.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n", "utf-8")
    counts = {s: sum(e["status"] == s for e in entries) for s in ("checked", "unverified")}
    vulnerable = [
        e["name"] for e in entries if any(not a.get("withdrawn") for a in e["advisories"])
    ]
    print(
        f"Instantané écrit : {args.snapshot.relative_to(ROOT)} — {len(entries)} paquet(s), "
        f"{counts['checked']} vérifié(s), {counts['unverified']} non vérifiable(s), "
        f"{len(vulnerable)} avec avis{(' : ' + ', '.join(vulnerable)) if vulnerable else ''}."
    )
    return CLEAN


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("locks", nargs="*", type=Path, default=LOCKS)
    parser.add_argument("--offline", action="store_true", help="only the snapshot, no pip-audit")
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    parser.add_argument("--max-age-days", type=int, default=MAX_AGE_DAYS)
    argv = list(sys.argv[1:] if argv is None else argv)
    action = argv.pop(0) if argv[:1] in (["check"], ["snapshot"]) else "check"
    args = parser.parse_args(argv)
    args.action = action
    args.locks = [lock.resolve() for lock in args.locks]
    args.today = datetime.date.today()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    return build_snapshot(args) if args.action == "snapshot" else check(args)


if __name__ == "__main__":
    sys.exit(main())
