"""Trigram index for name search on PostgreSQL (ADR 0010).

``name_search`` holds the lower-case, accent-free name; a pg_trgm GIN index makes
``name_search LIKE '%part%'`` fast at regency scale. SQLite has neither the extension nor
the index type, so there the operation does nothing and search scans the village's rows.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS resident_name_trgm "
        "ON population_resident USING gin (name_search gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS resident_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("population", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
