from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung import audit
from smartkampung.core.exceptions import DomainError
from smartkampung.regions.importer import MAX_FILE_BYTES
from smartkampung.regions.services import region_import


class Command(BaseCommand):
    help = (
        "Import or update a regency's regions: CODES.csv (kode,nama,tingkat,jenis,kode_induk) "
        "and BOUNDARIES.geojson (village polygons, property kode). All-or-nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", type=Path)
        parser.add_argument("boundaries", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        payloads = []
        for path in (options["codes"], options["boundaries"]):
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
            payloads.append(path.read_bytes())
        try:
            report = region_import(codes=payloads[0], boundaries=payloads[1])
        except DomainError as exc:
            for line in exc.details or []:
                self.stderr.write(f"  {line}")
            raise CommandError(f"{exc.message} Nothing was changed.") from exc
        audit.record(None, "regions.import", None, report.as_dict())
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        self.stdout.write(
            self.style.SUCCESS(
                f"regions imported: {report.created} created, {report.updated} updated, "
                f"{report.boundaries} village boundaries ({len(report.repaired)} repaired)"
            )
        )
