"""Start the catalogue of every regency already in the database with the eight default types.

Regencies imported later get them when their catalogue is first used
(``services.catalogue.letter_types_ensure``)."""

from django.db import migrations


def install(apps, schema_editor):
    from smartkampung.letters.defaults import install_default_types

    letter_type = apps.get_model("letters", "LetterType")
    region = apps.get_model("regions", "Region")
    for code in region.objects.filter(level="regency").values_list("code", flat=True):
        install_default_types(letter_type, code)


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial"), ("regions", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
