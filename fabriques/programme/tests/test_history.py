"""The shipped 2018–2021 history against the shipped official referential."""

from django.core.management import call_command
from django.test import TestCase

from fabriques.programme.imports import programme_import
from fabriques.programme.models import Fabrique, ProgrammeYear
from fabriques.programme.statistics import year_statistics
from fabriques.territories.models import Participation

# Every territory listed by the programme description, as resolved in the referential
# (COG 2026): year, published label, kind, INSEE/SIREN/QPV code (QPV codes unknown: empty),
# referential name, host of a QPV, département, région.
# fmt: off
EXPECTED = [
    (2021, "Communauté d'agglomération de Blois « Agglopolys »", "epci", "200030385", 'CA de Blois "Agglopolys"', "", "41", "24"),
    (2021, "Communauté d'agglomération de Grand Châtellerault", "epci", "248600413", "CA Grand Châtellerault", "", "86", "75"),
    (2021, "Communauté d'agglomération du Grand Cahors", "epci", "200023737", "CA du Grand Cahors", "", "46", "76"),
    (2021, "Colmar Agglomération", "epci", "246800726", "CA Colmar Agglomération", "", "68", "44"),
    (2020, "Saint-Joseph – QPV Cayenne - Butor - les Quais", "qpv", "", "Cayenne - Butor - les Quais", "97412", "974", "04"),
    (2020, "Grand-Angoulême – QPV Basseau-Grande Garenne", "qpv", "", "Basseau - Grande Garenne", "200071827", "16", "75"),
    (2020, "Plaine Commune – QPV Vieux Saint Ouen", "qpv", "", "Vieux Saint-Ouen", "200057867", "93", "11"),
    (2020, "Métropole d'Aix-Marseille – QPV La Calade Campagne Lévêque", "qpv", "", "La Calade - Campagne Lévêque", "200054807", "13", "93"),
    (2020, "Awala-Yalimapo", "commune", "97361", "Awala-Yalimapo", "", "973", "03"),
    (2020, "Bard", "commune", "42012", "Bard", "", "42", "84"),
    (2020, "Beurey-sur-Saulx", "commune", "55049", "Beurey-sur-Saulx", "", "55", "44"),
    (2020, "Gornac", "commune", "33189", "Gornac", "", "33", "75"),
    (2020, "Communauté d'agglomération Melun Val de Seine", "epci", "247700057", "CA Melun Val de Seine", "", "77", "11"),
    (2020, "Communauté de communes de Vie et Boulogne", "epci", "200072882", "CC de Vie et Boulogne", "", "85", "52"),
    (2020, "Communauté d'agglomération du Niortais", "epci", "200041317", "CA du Niortais", "", "79", "75"),
    (2020, "Lannion-Trégor Communauté", "epci", "200065928", "CA Lannion-Trégor Communauté", "", "22", "53"),
    (2020, "Communauté d'agglomération du Gard Rhodanien", "epci", "200034692", "CA du Gard Rhodanien", "", "30", "76"),
    (2020, "Communauté de communes du Pays du Coquelicot", "epci", "248000747", "CC du Pays du Coquelicot", "", "80", "32"),
    (2020, "Communauté d'agglomération Provence-Alpes", "epci", "200067437", "CA Provence-Alpes-Agglomération", "", "04", "93"),
    (2020, "Communauté de communes de Vierzon Sologne Berry", "epci", "200090561", "CC Vierzon-Sologne-Berry", "", "18", "24"),
    (2019, "Saint-Péray", "commune", "07281", "Saint-Péray", "", "07", "84"),
    (2019, "Chantepie", "commune", "35055", "Chantepie", "", "35", "53"),
    (2019, "Mouans-Sartoux", "commune", "06084", "Mouans-Sartoux", "", "06", "93"),
    (2019, "Ramonville-Saint-Agne", "commune", "31446", "Ramonville-Saint-Agne", "", "31", "76"),
    (2019, "Communauté d'agglomération de Saint-Nazaire (CARENE)", "epci", "244400644", "CA de la Région Nazairienne et de l'Estuaire (CARENE)", "", "44", "52"),
    (2019, "Communauté d'agglomération Ardenne Métropole", "epci", "200041630", "CA Ardenne Métropole", "", "08", "44"),
    (2019, "Communauté de communes de Decazeville-Aubin", "epci", "200067064", "CC Decazeville Communauté", "", "12", "76"),
    (2019, "Dieppe maritime (communauté d'agglomération de la région dieppoise)", "epci", "247600786", "CA de la Région Dieppoise", "", "76", "28"),
    (2019, "Lorient", "commune", "56121", "Lorient", "", "56", "53"),
    (2019, "Saint-Dié-des-Vosges", "commune", "88413", "Saint-Dié-des-Vosges", "", "88", "44"),
    (2019, "Communauté d'agglomération du bassin de Bourg-en-Bresse", "epci", "200071751", "CA du Bassin de Bourg-en-Bresse", "", "01", "84"),
    (2019, "Communauté d'agglomération du Beauvaisis", "epci", "200067999", "CA du Beauvaisis", "", "60", "32"),
    (2018, "Communauté d'agglomération Béthune-Bruay Artois Lys Romane", "epci", "200072460", "CA de Béthune-Bruay, Artois-Lys Romane", "", "62", "32"),
    (2018, "Communauté d'agglomération du Cotentin", "epci", "200067205", "CA du Cotentin", "", "50", "28"),
    (2018, "Communauté urbaine du Grand Reims", "epci", "200067213", "CU du Grand Reims", "", "51", "44"),
    (2018, "Communauté d'agglomération du Pays basque", "epci", "200067106", "CA du Pays Basque", "", "64", "75"),
    (2018, "Brest métropole", "epci", "242900314", "Brest Métropole", "", "29", "53"),
    (2018, "Nantes métropole", "epci", "244400404", "Nantes Métropole", "", "44", "52"),
    (2018, "Métropole Rouen Normandie", "epci", "200023414", "Métropole Rouen Normandie", "", "76", "28"),
    (2018, "Toulouse métropole", "epci", "243100518", "Toulouse Métropole", "", "31", "76"),
    (2018, "Bagnolet", "commune", "93006", "Bagnolet", "", "93", "11"),
    (2018, "Nîmes", "commune", "30189", "Nîmes", "", "30", "76"),
    (2018, "Premesques", "commune", "59470", "Prémesques", "", "59", "32"),
    (2018, "Saint-Georges-des-Côteaux", "commune", "17336", "Saint-Georges-des-Coteaux", "", "17", "75"),
]
# fmt: on


class HistoryTests(TestCase):
    """One import of the real referential and history, shared by the tests of the class."""

    @classmethod
    def setUpTestData(cls):
        call_command("import_referential", verbosity=0)
        call_command("import_programme", verbosity=0)

    def test_every_listed_territory_resolves_to_the_referential(self):
        rows = []
        for p in Participation.objects.select_related(
            "fabrique__programme_year", "commune", "epci", "qpv", "departement__region"
        ).order_by("-fabrique__programme_year__year", "fabrique__slug", "position"):
            host = p.host
            rows.append(
                (
                    p.fabrique.programme_year.year,
                    p.label,
                    p.kind,
                    p.code,
                    p.entity.name,
                    (getattr(host, "code", None) or getattr(host, "siren", "")) if host else "",
                    p.departement.code,
                    p.departement.region.code,
                )
            )
        assert rows == EXPECTED
        assert len(rows) == 44

    def test_declared_and_counted_figures_are_both_kept(self):
        stats = {s.year: s for s in year_statistics()}
        assert [
            (y, stats[y].declared_territories, stats[y].counted_territories, stats[y].fabriques)
            for y in (2018, 2019, 2020, 2021)
        ] == [
            (2018, 12, 12, 3),
            (2019, 12, 12, 3),
            # ANCT declares 20 territories in 2020 but the description lists 16.
            (2020, 20, 16, 3),
            (2021, 4, 4, 1),
        ]
        assert ProgrammeYear.objects.get(year=2020).declared_territories == 20

    def test_history_import_is_idempotent_on_the_real_files(self):
        assert Fabrique.objects.count() == 10
        report = programme_import()
        assert not report.changed, report.as_dict()

    def test_organisations_roles_as_published(self):
        food = Fabrique.objects.get(
            slug="2020-alimentation-durable-dans-les-quartiers-prioritaires"
        )
        roles = {
            (r.organisation.acronym or r.organisation.name, r.role, r.contact_name)
            for r in food.roles.select_related("organisation")
        }
        assert ("INRAE", "partner", "Coline Perrin") in roles
        assert {("ANCT", "cofunder", ""), ("DGOM", "cofunder", "")} <= roles
        assert {r for r in roles if r[1] == "elected_association"} == {
            ("AdCF", "elected_association", ""),
            ("France urbaine", "elected_association", ""),
        }
