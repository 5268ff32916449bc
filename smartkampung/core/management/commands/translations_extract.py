from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from smartkampung.core.i18n import LANGUAGES_TO_TRANSLATE, project_app_dirs


class Command(BaseCommand):
    help = (
        "Extract translatable strings of every app into its own locale/<lang>/django.po "
        "(needs GNU gettext). Then fill in the Indonesian msgstr entries."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        cwd = os.getcwd()
        try:
            for app_dir in project_app_dirs():
                (app_dir / "locale").mkdir(exist_ok=True)
                os.chdir(app_dir)
                call_command(
                    "makemessages",
                    locale=list(LANGUAGES_TO_TRANSLATE),
                    ignore_patterns=["tests/*", "migrations/*"],
                    no_location=False,
                    add_location="file",
                    no_obsolete=True,
                    verbosity=0,
                )
                self.stdout.write(f"extracted {app_dir.name}")
        finally:
            os.chdir(cwd)
