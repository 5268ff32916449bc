from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung.budgets.services import siskeudes_import
from smartkampung.budgets.siskeudes.reader import MAX_ZIP_BYTES
from smartkampung.core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Import a Siskeudes export (a ZIP of one CSV per table: Ta_Kegiatan, Ta_RABRinci, …) as "
        "the village's budget for the export's year. Re-importing replaces the village-year's "
        "imported draft. A wrong village, a year mismatch or a malformed ZIP is refused and "
        "nothing changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("zip", type=Path, help="the Siskeudes export (.zip)")
        parser.add_argument(
            "--village", required=True, help="Kemendagri code of the desa, e.g. 35.10.01.2001"
        )
        parser.add_argument(
            "--year", type=int, default=None, help="refuse the file unless it is for this year"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["zip"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > MAX_ZIP_BYTES:
            raise CommandError(f"{path}: larger than {MAX_ZIP_BYTES // 1024 // 1024} MB")
        try:
            record = siskeudes_import(
                actor=None,
                village_code=options["village"],
                data=path.read_bytes(),
                year=options["year"],
                file_name=path.name,
            )
        except DomainError as exc:
            for line in exc.details or []:
                self.stderr.write(f"  {json.dumps(line, ensure_ascii=False, default=str)}")
            raise CommandError(f"{exc.message} Nothing was changed.") from exc
        report = record.report
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        counts = report["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {options['village']} {record.year} as version {report['version']}"
                f"{' (replacing the previous import)' if report['replaced'] else ''}: "
                f"{counts['activities']} activities, {counts['items']} items, "
                f"{counts['revenues']} revenue lines, {counts['financing']} financing lines; "
                f"{counts['unmapped']} rows could not be mapped"
            )
        )
