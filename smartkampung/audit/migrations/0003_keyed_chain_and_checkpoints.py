"""The keyed chain and its signed checkpoints (ADR 0060).

Existing events keep their plain SHA-256 hashes (``key_version`` 0): audit rows are never
rewritten. The first keyed event links to the last of them, so once it exists the older part
cannot be rewritten either without the key. Run ``manage.py audit_checkpoint`` right after this
migration to anchor the chain as it stands (docs/audit.md, "Moving an existing trail").

Adding a column with a default makes SQLite rebuild the table, which drops its triggers: the
append-only trigger is created again, and the same trigger guards the checkpoints.
"""

from django.db import migrations, models

SQLITE_UP = [
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON "
    "audit_auditcheckpoint BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;",
]
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_checkpoint_no_update;"
PG_UP = """
DROP TRIGGER IF EXISTS audit_checkpoint_no_update ON audit_auditcheckpoint;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_auditcheckpoint
FOR EACH ROW EXECUTE FUNCTION audit_event_no_update();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS audit_checkpoint_no_update ON audit_auditcheckpoint;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField(unique=True)),
                ("head_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
                ("statement", models.TextField()),
                ("signature", models.CharField(max_length=120)),
                ("key_id", models.CharField(max_length=40)),
            ],
            options={"ordering": ["-seq"]},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_version",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(forwards, backwards),
    ]
