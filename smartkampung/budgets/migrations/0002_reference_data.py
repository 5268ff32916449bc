"""Load the shipped reference lists (chart of accounts, bidang/kegiatan, fund sources)."""

from django.db import migrations


def load(apps, schema_editor):
    from smartkampung.budgets.reference_data import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
