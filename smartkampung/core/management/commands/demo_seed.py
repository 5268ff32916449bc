from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Load the demo data of every app (settings.SK_DEMO_SEEDERS). Deterministic and safe to "
        "run again. Prints the demo accounts and their passwords. Never run it in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Each seeder returns rows of (username, password, role, scope) for its accounts.
        accounts: list[tuple[str, ...]] = []
        for path in settings.SK_DEMO_SEEDERS:
            seeder = import_string(path)
            result = seeder(write=self.stdout.write)
            if result:
                accounts.extend(result)
        self.stdout.write(self.style.SUCCESS("Demo accounts (username, password, role, scope):"))
        for row in accounts:
            self.stdout.write("  " + "  ".join(f"{col:<24}" for col in row))
