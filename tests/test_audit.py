"""scripts/audit.py: a dependency audit that fails when it could not check."""

import datetime
import json
import subprocess
import sys

from scripts import audit

TODAY = datetime.date(2026, 12, 4)
LOCK = "django==5.2.19 \\\n    --hash=sha256:00\nnh3==0.3.2 \\\n    --hash=sha256:11\n"


def snapshot(*, fetched_at="2026-11-20T08:00:00+00:00", django_advisories=(), status="checked"):
    return {
        "fetched_at": fetched_at,
        "packages": [
            {"name": "Django", "version": "5.2.19", "status": status,
             "advisories": list(django_advisories)},
            {"name": "nh3", "version": "0.3.2", "status": "checked", "advisories": []},
        ],
    }  # fmt: skip


def run(tmp_path, capsys, *, snap, runner, extra=()):
    lock = tmp_path / "base.txt"
    lock.write_text(LOCK)
    path = tmp_path / "snapshot.json"
    if snap is not None:
        path.write_text(json.dumps(snap))
    args = audit.parse([str(lock), "--snapshot", str(path), *extra])
    args.today = TODAY
    status = audit.check(args, runner=runner)
    return status, capsys.readouterr().out


def unreachable(command):
    return subprocess.CompletedProcess(
        command, 1, "", "requests.exceptions.ConnectionError: Connection refused\n"
    )


def all_skipped(command):
    report = {
        "dependencies": [
            {"name": name, "skip_reason": f"Dependency not found on PyPI: {name}"}
            for name in ("django", "nh3")
        ]
    }
    return subprocess.CompletedProcess(command, 0, json.dumps(report), "")


def test_unreachable_service_without_snapshot_fails_loudly(tmp_path, capsys):
    status, out = run(tmp_path, capsys, snap=None, runner=unreachable)
    assert status == audit.UNCHECKED
    assert "pip-audit n'a pas pu interroger le service d'avis" in out
    assert "ÉCHEC : 2 paquet(s) non vérifié(s) et pas d'instantané" in out


def test_real_pip_audit_against_a_closed_port_is_not_a_pass(tmp_path, monkeypatch):
    """pip-audit itself, its requests sent to a port where nothing listens."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    lock = tmp_path / "base.txt"
    lock.write_text("nh3==0.3.2 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    result = subprocess.run(
        [sys.executable, audit.__file__, str(lock), "--snapshot", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == audit.UNCHECKED, result.stdout + result.stderr
    assert "0/1 paquet(s) vérifié(s) en ligne" in result.stdout
    assert "Aucune vulnérabilité" not in result.stdout


def test_skipped_dependencies_fall_back_to_a_clean_snapshot_and_print_its_age(tmp_path, capsys):
    status, out = run(tmp_path, capsys, snap=snapshot(), runner=all_skipped)
    assert status == audit.CLEAN
    assert "0/2 paquet(s) vérifié(s) en ligne" in out
    assert "Instantané des avis de sécurité du 2026-11-20 (14 jour(s))." in out
    assert "2 paquet(s) vérifié(s) sur l'instantané : aucune vulnérabilité connue." in out


def test_offline_snapshot_with_a_vulnerable_pin_fails_naming_it(tmp_path, capsys):
    advisory = {"id": "PYSEC-2026-99", "aliases": ["CVE-2026-1"], "fixed_in": ["5.2.20"]}
    status, out = run(
        tmp_path,
        capsys,
        snap=snapshot(django_advisories=[advisory]),
        runner=unreachable,
        extra=["--offline"],
    )
    assert status == audit.VULNERABLE
    assert "django 5.2.19 : PYSEC-2026-99 ; corrigé en 5.2.20" in out


def test_withdrawn_advisory_does_not_fail(tmp_path, capsys):
    withdrawn = {"id": "PYSEC-2026-98", "withdrawn": "2026-10-01T00:00:00Z"}
    status, _ = run(
        tmp_path, capsys, snap=snapshot(django_advisories=[withdrawn]), runner=unreachable
    )
    assert status == audit.CLEAN


def test_stale_snapshot_is_refused(tmp_path, capsys):
    status, out = run(
        tmp_path, capsys, snap=snapshot(fetched_at="2026-08-01T00:00:00+00:00"), runner=unreachable
    )
    assert status == audit.UNCHECKED
    assert "(125 jour(s))" in out
    assert "plus de 90 jours" in out
    status, _ = run(
        tmp_path,
        capsys,
        snap=snapshot(fetched_at="2026-08-01T00:00:00+00:00"),
        runner=unreachable,
        extra=["--max-age-days", "200"],
    )
    assert status == audit.CLEAN


def test_unverified_or_changed_pins_fail(tmp_path, capsys):
    status, out = run(tmp_path, capsys, snap=snapshot(status="unverified"), runner=unreachable)
    assert status == audit.UNCHECKED
    assert "django 5.2.19" in out
    changed = snapshot()
    changed["packages"][1]["version"] = "0.3.1"
    status, out = run(tmp_path, capsys, snap=changed, runner=unreachable)
    assert status == audit.UNCHECKED
    assert "nh3 0.3.2 : absent de l'instantané" in out


def test_online_findings_are_reported_and_skip_the_snapshot(tmp_path, capsys):
    def vulnerable(command):
        report = {
            "dependencies": [
                {"name": "django", "version": "5.2.19", "vulns": [{"id": "GHSA-xxxx"}]},
                {"name": "nh3", "version": "0.3.2", "vulns": []},
            ]
        }
        return subprocess.CompletedProcess(command, 1, json.dumps(report), "")

    status, out = run(tmp_path, capsys, snap=None, runner=vulnerable)
    assert status == audit.VULNERABLE
    assert "VULNÉRABLE django 5.2.19 : GHSA-xxxx" in out
    assert "Instantané" not in out


def test_snapshot_entry_uses_the_project_document_only_for_the_latest_release():
    documents = {
        "https://pypi.org/pypi/nh3/json": {
            "info": {"version": "0.3.2"},
            "vulnerabilities": [{"id": "PYSEC-1", "fixed_in": []}],
        },
        "https://pypi.org/pypi/django/json": {"info": {"version": "6.1.3"}, "vulnerabilities": []},
    }
    entry = audit.snapshot_entry("nh3", "0.3.2", fetch=documents.get)
    assert (entry["status"], entry["advisories"][0]["id"]) == ("checked", "PYSEC-1")
    entry = audit.snapshot_entry("django", "5.2.19", fetch=documents.get)
    assert entry["status"] == "unverified"
    assert "6.1.3" in entry["note"]


def test_repository_snapshot_covers_every_pin():
    pins = audit.read_pins(audit.LOCKS)
    data = json.loads(audit.SNAPSHOT.read_text())
    recorded = {audit.canonical(p["name"]): p["version"] for p in data["packages"]}
    assert recorded == pins
