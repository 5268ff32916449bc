from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartkampung.core.i18n import compile_all


class Command(BaseCommand):
    help = "Compile every app's .po catalogue to .mo (pure Python; no gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_all()
        self.stdout.write(f"compiled {len(written)} catalogue(s)")
