"""``python manage.py import_residents FILE --village CODE`` (CSV or XLSX; see README)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from smartkampung.core.exceptions import DomainError
from smartkampung.core.uploads import read_limited
from smartkampung.population.services.imports import ImportRefused, resident_import


class Command(BaseCommand):
    help = (
        "Import a village's residents from a CSV (UTF-8) or XLSX file. Every row is checked "
        "first and all errors are listed by row and column; a valid file is imported in one "
        "transaction; residents already living in the village are updated by NIK."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--village", required=True, help="village code, e.g. 35.10.01.2001")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        bars: dict[str, tqdm[Any]] = {}

        def phase(name: str, done: int, total: int) -> None:
            if options["quiet_progress"]:
                return
            bar = bars.get(name)
            if bar is None:
                for other in bars.values():
                    other.close()
                bar = bars[name] = tqdm(total=total, desc=name, unit="rows", leave=True)
            bar.update(done - bar.n)

        limit = max(settings.SK_POPULATION_IMPORT_MAX_BYTES, settings.SK_MAX_UPLOAD_BYTES)
        try:
            with path.open("rb") as handle:
                data = read_limited(handle, max_bytes=limit)
            result = resident_import(actor=None, village=options["village"], data=data, phase=phase)
        except ImportRefused as exc:
            for bar in bars.values():
                bar.close()
            for error in exc.details:
                column = f" {error['column']}" if error["column"] else ""
                self.stderr.write(f"row {error['row']}{column}: {error['message']}")
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            for bar in bars.values():
                bar.close()
            raise CommandError(exc.message) from exc
        for bar in bars.values():
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} rows: {result.created} residents created, {result.updated} "
                f"updated, {result.unchanged} unchanged; {result.households_created} new "
                "households."
            )
        )
