"""The full-text side of the index, different on each database.

PostgreSQL: the `unaccent` extension, the `fr_unaccent` configuration (French, with accents
folded before the Snowball stemmer) and a GIN index on the stored tsvector.
SQLite: an FTS5 table holding the Python-stemmed title and body (search.text.stems), whose
rowid is the entry's id.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fr_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION fr_unaccent
                ALTER MAPPING FOR hword, hword_part, word, asciiword, asciihword, hword_asciipart
                WITH unaccent, french_stem;
        END IF;
    END $$""",
    "CREATE INDEX IF NOT EXISTS search_entry_vector_gin ON search_searchentry USING gin (search_vector)",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS search_entry_vector_gin"]
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_entry_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')"
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_entry_fts"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
