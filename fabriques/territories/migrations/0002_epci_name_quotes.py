"""Names imported before the rule of referential_files.official_name: a pair of apostrophes
used as quotation marks becomes a double quotation mark (« CA de Blois "Agglopolys" »)."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace


def forwards(apps, schema_editor):
    Epci = apps.get_model("territories", "Epci")
    Epci.objects.filter(name__contains="''").update(
        name=Replace("name", Value("''"), Value('"')),
        search_name=Replace("search_name", Value("''"), Value('"')),
    )


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
