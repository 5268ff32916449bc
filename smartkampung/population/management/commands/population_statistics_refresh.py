"""``python manage.py population_statistics_refresh``: recompute every village's statistics.

Run it nightly (cron / systemd timer, just after midnight): ages move with the date, so the
first statistics page of the day would otherwise recompute all villages (ADR 0012)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from smartkampung.population.statistics import refresh_village_statistics
from smartkampung.regions.models import Level, Region


class Command(BaseCommand):
    help = "Recompute the population statistics of every village for today."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        codes = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
        count = refresh_village_statistics(codes, force=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} villages recomputed in {time.perf_counter() - started:.1f} s"
            )
        )
