"""English labels for the default catalogue's fields and documents (ADR 0115): existing
letter types get ``label_en`` where their Indonesian label is a default one and none is set."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def add_english_labels(apps: Any, schema_editor: Any) -> None:
    from smartkampung.letters.defaults import with_english_labels

    LetterType = apps.get_model("letters", "LetterType")
    for letter_type in LetterType.objects.all():
        fields = with_english_labels(list(letter_type.fields or []))
        documents = with_english_labels(list(letter_type.documents or []))
        if fields != letter_type.fields or documents != letter_type.documents:
            letter_type.fields = fields
            letter_type.documents = documents
            letter_type.save(update_fields=["fields", "documents"])


class Migration(migrations.Migration):
    dependencies = [("letters", "0003_timestamping_authority")]
    operations = [migrations.RunPython(add_english_labels, migrations.RunPython.noop)]
