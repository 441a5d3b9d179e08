"""The official referential import: fixture extract for behaviour, shipped data for facts."""

import hashlib
import importlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from fabriques.core.models import AuditEvent
from fabriques.territories.models import (
    Commune,
    Departement,
    Epci,
    EpciNature,
    Participation,
    Qpv,
    ReferentialRelease,
    Region,
)
from fabriques.territories.referential_files import main_departement, official_name
from fabriques.territories.services import (
    REFERENTIAL_DIR,
    ReferentialImportError,
    referential_import,
)
from fabriques.territories.tests.factories import EpciFactory, ParticipationFactory

FIXTURE = Path(__file__).parent / "fixtures" / "referential"


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def release_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture extract, to alter file by file."""
    target = tmp_path / "referential"
    shutil.copytree(FIXTURE, target)
    return target


def write_file(directory: Path, role: str, data: bytes) -> None:
    """Replace one data file and record its new SHA-256, as a genuine new release would."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    name = manifest["files"][role]["path"]
    (directory / name).write_bytes(data)
    manifest["files"][role]["sha256"] = hashlib.sha256(data).hexdigest()
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def edit_rows(directory: Path, role: str, edit: Callable[[list[dict[str, Any]]], None]) -> None:
    rows = json.loads((directory / f"{role}.json").read_text(encoding="utf-8"))
    edit(rows)
    write_file(directory, role, json.dumps(rows, ensure_ascii=False).encode())


def edit_manifest(directory: Path, **changes: Any) -> None:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(changes)
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def row(rows: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next(r for r in rows if r["code"] == code)


def snapshot() -> dict[str, list[Any]]:
    """Everything the import writes, to prove a failed import left the database as it was."""
    return {
        "regions": list(Region.objects.order_by("code").values_list()),
        "departements": list(Departement.objects.order_by("code").values_list()),
        "communes": list(Commune.objects.order_by("code").values_list()),
        "epcis": list(Epci.objects.order_by("siren").values_list()),
        "members": sorted(Epci.communes.through.objects.values_list("epci_id", "commune_id")),
        "releases": list(ReferentialRelease.objects.order_by("pk").values_list()),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk")),
    }


def members(siren: str) -> set[str]:
    return set(Epci.objects.get(siren=siren).communes.values_list("code", flat=True))


# --- the derivation of an EPCI's département ------------------------------------------------


def test_main_departement_is_the_majority_of_member_communes():
    assert main_departement(["56", "56", "29"]) == "56"


def test_main_departement_tie_goes_to_the_lowest_code_whatever_the_order():
    assert main_departement(["62", "59", "62", "59"]) == "59"
    assert main_departement(["2B", "2A"]) == "2A"
    # String order, as INSEE lists them: "29" < "2A" < "30".
    assert main_departement(["2A", "29"]) == "29"


# --- a good release --------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_the_referential_from_the_fixture():
    report = referential_import(directory=FIXTURE)

    assert not report.skipped
    assert (report.regions.created, report.departements.created) == (7, 10)
    assert (report.communes.created, report.epcis.created) == (19, 9)
    assert report.memberships_added == 19
    lorient = Commune.objects.select_related("departement__region").get(code="56121")
    assert lorient.name == "Lorient"
    assert lorient.search_name == "lorient"
    assert (lorient.departement.code, lorient.departement.region.code) == ("56", "53")
    assert lorient.siren == "215601212"
    assert lorient.postal_codes == ["56100"]
    assert lorient.population == 58329
    cayenne = Commune.objects.select_related("departement__region").get(code="97302")
    assert (cayenne.departement.code, cayenne.departement.region.code) == ("973", "03")
    assert cayenne.departement.zone == "drom"
    assert set(Departement.objects.filter(region__code="94").values_list("code", flat=True)) == {
        "2A",
        "2B",
    }


@pytest.mark.django_db
def test_epci_nature_financing_population_members_and_departement():
    referential_import(directory=FIXTURE)

    lorient = Epci.objects.get(siren="200042174")
    assert (lorient.name, lorient.nature, lorient.financing) == (
        "CA Lorient Agglomération",
        EpciNature.CA,
        "FPU",
    )
    assert lorient.population == 208113
    assert lorient.departement.code == "56"
    assert members("200042174") == {"56098", "56121", "56162"}
    # The Métropole de Lyon is typed "MET69" in the package.
    assert Epci.objects.get(siren="200046977").nature == EpciNature.METRO
    plaine = Epci.objects.get(siren="200057867")
    assert (plaine.nature, plaine.financing, plaine.departement.code) == (EpciNature.EPT, "", "93")
    # CC Flandre Lys has four communes in the Nord and four in the Pas-de-Calais.
    assert Epci.objects.get(siren="245900758").departement.code == "59"


@pytest.mark.django_db
def test_import_records_the_release_and_one_audit_event():
    referential_import(directory=FIXTURE)

    release = ReferentialRelease.objects.get()
    assert (release.package, release.version) == (
        "@etalab/decoupage-administratif",
        "6.0.0-extrait-tests",
    )
    assert release.integrity == "sha512-extrait-de-test"
    assert "Licence Ouverte" in release.licence
    assert release.counts["communes"] == 19
    event = AuditEvent.objects.get()
    assert event.action == "territories.referential_import"
    assert event.object_id == str(release.pk)
    assert event.data["communes"]["created"] == 19


@pytest.mark.django_db
def test_same_release_again_returns_at_once(django_assert_num_queries):
    referential_import(directory=FIXTURE)
    before = snapshot()

    with django_assert_num_queries(1):  # does this release (package, version, integrity) exist?
        report = referential_import(directory=FIXTURE)

    assert report.skipped
    assert snapshot() == before


@pytest.mark.django_db
def test_forced_second_run_changes_nothing():
    referential_import(directory=FIXTURE)
    before = snapshot()

    report = referential_import(directory=FIXTURE, force=True)

    assert not report.changed
    assert report.communes.unchanged == 19
    assert report.epcis.unchanged == 9
    assert (report.memberships_added, report.memberships_removed) == (0, 0)
    after = snapshot()
    assert {k: v for k, v in after.items() if k not in {"releases", "audit"}} == {
        k: v for k, v in before.items() if k not in {"releases", "audit"}
    }


@pytest.mark.django_db
def test_newer_release_updates_and_keeps_entities_absent_from_it(release_dir):
    referential_import(directory=FIXTURE)
    ploemeur = Commune.objects.get(code="56162")
    participation = ParticipationFactory(commune=ploemeur, label="Ploemeur")

    def merge_ploemeur(rows):
        rows.remove(row(rows, "56162"))
        row(rows, "56121").update(population=60000, codesPostaux=["56100", "56101"])

    def drop_member(rows):
        lorient = row(rows, "200042174")
        lorient["membres"] = [m for m in lorient["membres"] if m["code"] != "56162"]

    edit_rows(release_dir, "communes", merge_ploemeur)
    edit_rows(release_dir, "epci", drop_member)
    edit_manifest(release_dir, version="6.0.1-extrait-tests", integrity="sha512-autre")

    report = referential_import(directory=release_dir)

    assert report.communes.updated == 1
    assert report.communes.absent == ["56162"]
    assert report.memberships_removed == 1
    lorient = Commune.objects.get(code="56121")
    assert (lorient.population, lorient.postal_codes) == (60000, ["56100", "56101"])
    # Kept, with its participation: PROTECT would have refused a deletion anyway.
    assert Participation.objects.get(pk=participation.pk).commune == ploemeur
    assert members("200042174") == {"56098", "56121"}
    assert ReferentialRelease.objects.count() == 2


def test_official_name_turns_a_pair_of_apostrophes_into_a_quotation_mark():
    assert official_name("CA de Blois ''Agglopolys''") == 'CA de Blois "Agglopolys"'
    assert official_name('CA "Saintes - Grandes Rives - L\'Agglo"') == (
        'CA "Saintes - Grandes Rives - L\'Agglo"'
    )


@pytest.mark.django_db
def test_an_epci_named_with_apostrophe_pairs_is_imported_with_quotation_marks(release_dir):
    edit_rows(
        release_dir,
        "epci",
        lambda rows: row(rows, "200042174").update(nom="CA de Lorient ''Agglo''"),
    )
    referential_import(directory=release_dir)
    lorient = Epci.objects.get(siren="200042174")
    assert (lorient.name, lorient.search_name) == ('CA de Lorient "Agglo"', 'ca de lorient "agglo"')


@pytest.mark.django_db
def test_migration_rewrites_the_names_imported_before_the_rule():
    from django.apps import apps

    migration = importlib.import_module("fabriques.territories.migrations.0002_epci_name_quotes")
    epci = EpciFactory(name="CA de Blois ''Agglopolys''", search_name="ca de blois ''agglopolys''")
    migration.forwards(apps, None)
    epci.refresh_from_db()
    assert (epci.name, epci.search_name) == ('CA de Blois "Agglopolys"', 'ca de blois "agglopolys"')


@pytest.mark.django_db
def test_membership_change_moves_the_epci_departement(release_dir):
    referential_import(directory=FIXTURE)
    nord = set(
        Commune.objects.filter(departement__code="59", epcis__siren="245900758").values_list(
            "code", flat=True
        )
    )
    dropped = min(nord)

    def drop_one(rows):
        flandre = row(rows, "245900758")
        flandre["membres"] = [m for m in flandre["membres"] if m["code"] != dropped]

    edit_rows(release_dir, "epci", drop_one)
    edit_manifest(release_dir, integrity="sha512-autre")

    report = referential_import(directory=release_dir)

    assert report.epcis.updated == 1
    assert Epci.objects.get(siren="245900758").departement.code == "62"
    assert dropped not in members("245900758")


# --- bad input: an error naming file, entry and field, and the database unchanged -----------


def assert_refused(directory: Path, *fragments: str) -> ReferentialImportError:
    before = snapshot()
    with pytest.raises(ReferentialImportError) as caught:
        referential_import(directory=directory, force=True)
    for fragment in fragments:
        assert fragment in str(caught.value)
    assert snapshot() == before
    return caught.value


@pytest.mark.django_db
def test_corrupted_file_is_refused_before_anything_is_written(release_dir):
    referential_import(directory=FIXTURE)
    with (release_dir / "communes.json").open("ab") as handle:
        handle.write(b" ")

    error = assert_refused(release_dir, "communes.json", "SHA-256")

    assert error.file == "communes.json"


@pytest.mark.django_db
def test_malformed_json_is_refused_with_its_position(release_dir):
    write_file(release_dir, "epci", b'[{"code": "200042174", "nom": }]')

    assert_refused(release_dir, "epci.json", "JSON invalide", "ligne 1")
    assert not Commune.objects.exists()


@pytest.mark.django_db
def test_commune_in_an_unknown_departement_is_refused(release_dir):
    referential_import(directory=FIXTURE)
    edit_rows(release_dir, "communes", lambda rows: row(rows, "56121").update(departement="99"))

    error = assert_refused(
        release_dir, "communes.json", "56121", "«\u00a0departement\u00a0»", "«\u00a099\u00a0»"
    )

    assert error.field == "departement"


@pytest.mark.django_db
def test_unknown_member_commune_is_refused(release_dir):
    def add_member(rows):
        row(rows, "200042174")["membres"].append({"code": "56999"})

    edit_rows(release_dir, "epci", add_member)

    assert_refused(release_dir, "epci.json", "200042174", "membres", "56999")


@pytest.mark.django_db
def test_duplicate_code_is_refused(release_dir):
    edit_rows(release_dir, "communes", lambda rows: rows.append(dict(row(rows, "56121"))))

    assert_refused(release_dir, "communes.json", "56121", "double", "n°\u00a020")


@pytest.mark.django_db
def test_numeric_code_is_refused_rather_than_converted(release_dir):
    edit_rows(release_dir, "departements", lambda rows: row(rows, "56").update(region=53))

    assert_refused(release_dir, "departements.json", "«\u00a0region\u00a0»", "texte attendu")


@pytest.mark.django_db
def test_error_found_while_writing_rolls_everything_back(release_dir):
    # Too long for the column: only model validation, inside the transaction, sees it, after
    # régions and départements were written.
    edit_rows(release_dir, "epci", lambda rows: row(rows, "200042174").update(nom="X" * 250))

    assert_refused(release_dir, "epci.json", "200042174", "«\u00a0nom\u00a0»")
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_missing_file_is_refused(release_dir):
    (release_dir / "ept.json").unlink()

    assert_refused(release_dir, "ept.json", "introuvable")


@pytest.mark.django_db
def test_command_exits_non_zero_with_the_message(release_dir, capsys):
    edit_rows(release_dir, "communes", lambda rows: row(rows, "56121").update(departement="99"))

    with pytest.raises(CommandError) as caught:
        call_command("import_referential", directory=release_dir, no_qpv=True)

    assert caught.value.returncode == 1
    assert "communes.json" in str(caught.value)
    assert "56121" in str(caught.value)
    assert not Commune.objects.exists()


# --- the shipped data -------------------------------------------------------------------------


@pytest.mark.django_db
def test_shipped_referential_imports_with_known_facts_and_is_idempotent():
    manifest = json.loads((REFERENTIAL_DIR / "manifest.json").read_text(encoding="utf-8"))
    out = io.StringIO()

    call_command("import_referential", stdout=out)

    counts = manifest["counts"]
    assert Region.objects.count() == counts["regions"]
    assert Departement.objects.count() == counts["departements"]
    assert Commune.objects.count() == counts["communes"]
    assert Epci.objects.count() == counts["epci"] + counts["ept"]
    assert Epci.objects.filter(nature=EpciNature.EPT).count() == counts["ept"]
    lorient = Commune.objects.select_related("departement__region").get(code="56121")
    assert (lorient.name, lorient.departement.code, lorient.departement.region.code) == (
        "Lorient",
        "56",
        "53",
    )
    assert Epci.objects.filter(name="CA du Grand Cahors", departement__code="46").exists()
    # The DGCL quotes this name with two apostrophes, the others with a double quotation mark.
    assert Epci.objects.filter(name='CA de Blois "Agglopolys"').exists()
    assert not Epci.objects.filter(name__contains="''").exists()
    assert Departement.objects.filter(code__in=["2A", "2B"], region__code="94").count() == 2
    assert Departement.objects.get(code="973").region.code == "03"
    assert Commune.objects.get(code="97412").name == "Saint-Joseph"
    # No commune belongs to two EPCI à fiscalité propre (EPT sit inside the Grand Paris).
    assert not (
        Epci.communes.through.objects.exclude(epci__nature=EpciNature.EPT)
        .values("commune_id")
        .annotate(n=Count("id"))
        # The django-stubs plugin does not see an annotation made after values() on an
        # auto-created through model; Django resolves it.
        .filter(n__gt=1)  # type: ignore[misc]
        .exists()
    )
    # The four QPV of the programme, loaded after the package data, codes unknown.
    assert set(Qpv.objects.values_list("name", "departement__code", "code")) == {
        ("Cayenne - Butor - les Quais", "974", ""),
        ("Basseau - Grande Garenne", "16", ""),
        ("Vieux Saint-Ouen", "93", ""),
        ("La Calade - Campagne Lévêque", "13", ""),
    }
    assert "Communes — créées\u00a0: 34\u00a0969" in out.getvalue()

    before = snapshot()
    report = referential_import(force=True)

    assert not report.changed
    assert report.communes.unchanged == counts["communes"]
    after = snapshot()
    assert after["communes"] == before["communes"]
    assert after["members"] == before["members"]
    assert referential_import().skipped
