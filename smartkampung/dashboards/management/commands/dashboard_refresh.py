from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from smartkampung.dashboards.services import dashboard_refresh, regency_codes


class Command(BaseCommand):
    help = (
        "Recompute the regency dashboard's figures (rollout, services, budget, monitoring) and "
        "store today's rollout snapshot. Idempotent; run it from cron (e.g. every 10 minutes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            help="budget and project year (default: this year; may be repeated)",
        )
        parser.add_argument("--regency", help="regency code (default: every regency)")

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["year"] or [timezone.localdate().year]
        if any(not 2000 <= y <= 2100 for y in years):
            raise CommandError("--year must lie between 2000 and 2100")
        regencies = regency_codes()
        if options["regency"]:
            if options["regency"] not in regencies:
                raise CommandError(f"unknown regency {options['regency']!r}")
            regencies = [options["regency"]]
        for code in regencies:
            for year in years:
                sections = dashboard_refresh(regency_code=code, year=year)
                self.stdout.write(f"{code} {year}: {', '.join(sections)}")
