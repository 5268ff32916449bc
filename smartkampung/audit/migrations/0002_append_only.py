"""Create the chain head and make audit rows immutable in the database itself.

UPDATE is refused by a trigger on SQLite and PostgreSQL. DELETE stays possible at the SQL level
(test-database flushes need it) but a deleted event breaks the hash chain, which
``manage.py audit_verify`` reports.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_event_no_update;"
PG_UP = """
CREATE OR REPLACE FUNCTION audit_event_no_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION audit_event_no_update();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_no_update();
"""


def forwards(apps, schema_editor):
    apps.get_model("audit", "AuditHead").objects.get_or_create(pk=1)
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
