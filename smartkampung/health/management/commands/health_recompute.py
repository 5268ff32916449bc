"""``python manage.py health_recompute [--month YYYY-MM ...]``: the prevalence figures."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung.health.prevalence import prevalence_recompute


class Command(BaseCommand):
    help = "Recompute stunting, wasting and underweight figures (default: every month)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", action="append", default=[], help="YYYY-MM (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        months = []
        for text in options["month"]:
            try:
                months.append(date.fromisoformat(f"{text}-01"))
            except ValueError as exc:
                raise CommandError(f"--month {text}: expected YYYY-MM") from exc
        started = time.perf_counter()
        rows = prevalence_recompute(months=months or None)
        self.stdout.write(f"{rows} figures in {time.perf_counter() - started:.1f} s")
