"""``python manage.py import_welfare_register FILE [--as-of YYYY-MM-DD]`` (DTKS / DTSEN)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung.core.exceptions import DomainError
from smartkampung.core.uploads import read_limited
from smartkampung.welfare.services import RegisterImportRefused, register_import


class Command(BaseCommand):
    help = (
        "Import the national welfare register (DTKS / DTSEN) from CSV or XLSX: every row is "
        "checked first (errors by row and column, nothing imported if any), households are "
        "matched to the population register by KK and NIK, new versions are written in one "
        "transaction; the report lists the rows that could not be matched cleanly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as-of", help="date the data describe (default: today)")
        parser.add_argument("--report", type=int, default=50, help="report lines to print")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        as_of = None
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError("--as-of: use YYYY-MM-DD") from exc
        limit = int(getattr(settings, "SK_WELFARE_IMPORT_MAX_BYTES", 400 * 1024 * 1024))
        try:
            with path.open("rb") as handle:
                data = read_limited(handle, max_bytes=limit)
            record = register_import(
                actor=None,
                data=data,
                file_name=path.name,
                as_of=as_of,
                phase=lambda name: self.stderr.write(f"{name}…"),
            )
        except RegisterImportRefused as exc:
            for error in exc.details:
                column = f" {error['column']}" if error["column"] else ""
                self.stderr.write(f"row {error['row']}{column}: {error['message']}")
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line in record.report_json[: options["report"]]:
            self.stdout.write(f"row {line['row']} {line['kind']}: {line['message']}")
        if len(record.report_json) > options["report"]:
            self.stdout.write(f"… {len(record.report_json) - options['report']} more report lines")
        self.stdout.write(
            self.style.SUCCESS(
                f"import {record.pk}: {record.row_count} rows, {record.household_count} households "
                f"matched, {record.new_versions} new versions, {record.unchanged} unchanged, "
                f"{len(record.report_json)} report lines."
            )
        )
