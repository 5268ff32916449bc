"""Citizens' accounts log in by NIK only (ADR 0061).

Accounts made by citizen activation were named ``warga.<resident id>``: guessable, and usable
as a second login name with its own failure counter. They are marked ``login_with_nik`` (the
username backend then refuses them) and renamed to a random label. Audit events keep the old
label they were written with (they are never rewritten).
"""

import re
import secrets

from django.db import migrations, models

_OLD_CITIZEN_NAME = re.compile(r"^warga\.\d+$")


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(username__startswith="warga.").only("pk", "username"):
        if not _OLD_CITIZEN_NAME.match(user.username):
            continue
        User.objects.filter(pk=user.pk).update(
            username=f"warga.{secrets.token_hex(8)}", login_with_nik=True
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_domain_roles")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="login_with_nik",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
