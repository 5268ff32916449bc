"""Trigram index for the public product search on PostgreSQL (ADR 0141).

The market search is ``UPPER(name) LIKE UPPER('%word%')`` (Django's ``icontains``); a pg_trgm
GIN index on ``UPPER(name)`` serves it over every village's products. SQLite has neither the
extension nor the index type: there the operation does nothing and the search scans.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS economy_product_name_trgm "
        "ON economy_product USING gin (UPPER(name) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS economy_product_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("economy", "0002_localbusiness_product_and_more")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
