"""The programme history import: idempotent, and all-or-nothing on bad input."""

import shutil
import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fabriques.core.models import AuditEvent
from fabriques.programme.imports import ProgrammeImportError, programme_import
from fabriques.programme.models import Fabrique, FabriqueOrganisation, Organisation, ProgrammeYear
from fabriques.territories.models import Participation
from fabriques.territories.tests.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    QpvFactory,
)

pytestmark = pytest.mark.django_db


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


FABRIQUE_A = """
    slug: 2020-alpha
    year: 2020
    title: Alpha santé
    status: published
    themes: [sante]
    anct_programmes: [pvd]
    start_month: 2021-02
    end_month: 2022-03
    objective: Accompagner quatre communes.
    organisations:
      - {organisation: amf, role: elected_association}
      - {organisation: inrae, role: partner, contact_name: Coline Perrin}
    territories:
      - {label: Commune Un, commune: "10001", departement: "10"}
      - {label: Commune Deux, commune: "10002", departement: "10"}
      - {label: Agglo Trois, epci: "200000003", departement: "10"}
      - {label: Agglo Trois – QPV Les Tilleuls, qpv: Les Tilleuls, epci: "200000003", departement: "10"}
"""


@pytest.fixture
def referential():
    dep = DepartementFactory.create(code="10", name="Aube")
    communes = [CommuneFactory.create(code=f"1000{i}", departement=dep) for i in (1, 2)]
    epci = EpciFactory.create(siren="200000003", departement=dep)
    QpvFactory.create(name="Les Tilleuls", departement=dep)
    return {"dep": dep, "communes": communes, "epci": epci}


@pytest.fixture
def data_dir(tmp_path, referential):
    root = tmp_path / "programme"
    write(root / "years.yaml", "years:\n  - {year: 2020, declared_territories: 20}\n")
    write(root / "themes.yaml", "themes:\n  - {slug: sante, name: Santé}\n")
    write(
        root / "anct_programmes.yaml",
        "programmes:\n  - {slug: pvd, name: Petites villes de demain}\n",
    )
    write(
        root / "organisations.yaml",
        """
        organisations:
          - {slug: amf, name: Association des maires de France, acronym: AMF, kind: elected_association}
          - {slug: inrae, name: INRAE, kind: research}
        """,
    )
    write(root / "fabriques" / "2020-alpha.yaml", FABRIQUE_A)
    return root


def snapshot():
    return {
        "fabriques": list(Fabrique.objects.values_list("slug", "title", "start_month")),
        "participations": list(
            Participation.objects.values_list("label", "kind", "departement__code")
        ),
        "roles": list(
            FabriqueOrganisation.objects.values_list("organisation__slug", "role", "contact_name")
        ),
        "organisations": list(Organisation.objects.values_list("slug", "name")),
        "years": list(ProgrammeYear.objects.values_list("year", "declared_territories")),
    }


def test_import_loads_everything_and_is_idempotent(data_dir):
    report = programme_import(directory=data_dir)
    assert report.created["fabrique"] == 1
    assert report.created["participation"] == 4
    fabrique = Fabrique.objects.get(slug="2020-alpha")
    assert fabrique.programme_year.declared_territories == 20
    assert [p.kind for p in fabrique.participations.all()] == ["commune", "commune", "epci", "qpv"]
    qpv = fabrique.participations.get(kind="qpv")
    assert qpv.qpv is not None
    assert qpv.host.siren == "200000003" and qpv.qpv.name == "Les Tilleuls"
    assert fabrique.roles.get(organisation__slug="inrae").contact_name == "Coline Perrin"
    # Accent-insensitive search text includes organisations and territories.
    assert (
        "sante" in fabrique.search_text
        and "association des maires de france" in fabrique.search_text
    )
    assert AuditEvent.objects.filter(action="programme.import").count() == 1

    before = snapshot()
    again = programme_import(directory=data_dir)
    assert not again.changed, again.as_dict()
    assert snapshot() == before
    # Nothing changed, so no second audit event.
    assert AuditEvent.objects.filter(action="programme.import").count() == 1


def test_import_applies_edits_to_the_files(data_dir):
    programme_import(directory=data_dir)
    path = data_dir / "fabriques" / "2020-alpha.yaml"
    text = path.read_text().replace("title: Alpha santé", "title: Alpha santé publique")
    text = text.replace('  - {label: Commune Deux, commune: "10002", departement: "10"}\n', "")
    path.write_text(text)
    with pytest.raises(ProgrammeImportError):
        # Three territories for a published Fabrique breaks the 4-to-8 rule.
        programme_import(directory=data_dir)
    path.write_text(text.replace("status: published", "status: designed"))
    report = programme_import(directory=data_dir)
    assert report.updated["fabrique"] == 1 and report.deleted["participation"] == 1
    assert Fabrique.objects.get().title == "Alpha santé publique"


def expect_failure(data_dir, *, file, field, entry=None):
    with pytest.raises(ProgrammeImportError) as excinfo:
        programme_import(directory=data_dir)
    error = excinfo.value
    assert file in error.file, str(error)
    assert error.field == field, str(error)
    if entry:
        assert entry in error.entry, str(error)
    return str(error)


@pytest.fixture
def imported(data_dir):
    programme_import(directory=data_dir)
    return snapshot()


def test_malformed_yaml_is_refused_and_changes_nothing(data_dir, imported):
    path = data_dir / "fabriques" / "2020-alpha.yaml"
    path.write_text(path.read_text().replace("title: Alpha santé", "title: [Alpha"))
    message = expect_failure(data_dir, file="2020-alpha.yaml", field="")
    assert "YAML" in message and "ligne" in message
    assert snapshot() == imported


def test_unknown_territory_is_refused_and_changes_nothing(data_dir, imported):
    # A valid new Fabrique sorted first, then an edit naming an unknown commune: all or nothing.
    write(
        data_dir / "fabriques" / "2020-aaa.yaml",
        FABRIQUE_A.replace("2020-alpha", "2020-aaa").replace("Alpha", "Aaa"),
    )
    path = data_dir / "fabriques" / "2020-alpha.yaml"
    path.write_text(path.read_text().replace('"10002"', '"99999"').replace("Alpha santé", "Changé"))
    message = expect_failure(
        data_dir, file="2020-alpha.yaml", field="commune", entry="Commune Deux"
    )
    assert "99999" in message
    assert snapshot() == imported
    assert not Fabrique.objects.filter(slug="2020-aaa").exists()


def test_duplicate_slug_is_refused(data_dir, imported):
    shutil.copy(
        data_dir / "fabriques" / "2020-alpha.yaml", data_dir / "fabriques" / "2020-zeta.yaml"
    )
    message = expect_failure(data_dir, file="2020-zeta.yaml", field="slug", entry="2020-alpha")
    assert "2020-alpha.yaml" in message
    assert snapshot() == imported


def test_departement_must_match_the_referential(data_dir, imported):
    path = data_dir / "fabriques" / "2020-alpha.yaml"
    path.write_text(
        path.read_text().replace(
            'commune: "10001", departement: "10"', 'commune: "10001", departement: "11"'
        )
    )
    message = expect_failure(
        data_dir, file="2020-alpha.yaml", field="departement", entry="Commune Un"
    )
    assert "10" in message and "11" in message
    assert snapshot() == imported


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("start_month: 2021-02", "start_month: février 2021", "start_month"),
        ("end_month: 2022-03", "end_month: 2020-01", "end_month"),
        ("status: published", "status: finie", "status"),
        ("themes: [sante]", "themes: [inconnu]", "themes"),
        ("title: Alpha santé", "title: Alpha santé\ncolour: blue", "colour"),
        ("title: Alpha santé", "title: ''", "title"),
        (
            'epci: "200000003", departement: "10"}\n  - {label: Agglo',
            'departement: "10"}\n  - {label: Agglo',
            "commune",
        ),
        ("organisation: amf,", "organisation: inconnue,", "organisation"),
    ],
)
def test_bad_fields_are_named(data_dir, imported, old, new, field):
    path = data_dir / "fabriques" / "2020-alpha.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    expect_failure(data_dir, file="2020-alpha.yaml", field=field)
    assert snapshot() == imported


def test_command_reports_errors_with_a_non_zero_exit(data_dir, imported):
    (data_dir / "themes.yaml").write_text("themes: {oops")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_programme", directory=data_dir)
    assert "themes.yaml" in str(excinfo.value)
    assert snapshot() == imported
