"""SQLite only: a covering index of the entries' id, kind and title.

The search counts the matches per kind and sorts them by score then title: with the table
itself, each of the thousands of matches reads a row holding its whole text; with this index,
a few small pages (selectors.RANK_INDEX, named in the queries with INDEXED BY). PostgreSQL
ranks from its own GIN index and has no use for it.
"""

from django.db import migrations

INDEX = "search_entry_rank_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_searchentry (id, kind, title)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
