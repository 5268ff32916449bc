from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung.core.exceptions import ValidationFailed
from smartkampung.projects.importer import projects_import
from smartkampung.projects.redflags import detect_changed


class Command(BaseCommand):
    help = (
        "Import existing monitoring data from DIR: projects.csv, progress.csv and photos/. "
        "Everything is checked first (errors by file, row and column; nothing is written if "
        "any); re-importing is idempotent on the ids. The red-flag rules run afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--no-detect", action="store_true", help="do not run the rules after")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = projects_import(directory=options["directory"])
        except ValidationFailed as exc:
            for problem in exc.details or []:
                self.stderr.write(
                    f"{problem['file']}, row {problem['row']}, {problem['column'] or '-'}: "
                    f"{problem['message']}"
                )
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"projects: {result.projects_created} new, {result.projects_updated} updated; "
            f"reports: {result.reports_created} new; photos: {result.photos_created} new, "
            f"{result.photos_skipped} already there"
        )
        if not options["no_detect"]:
            flags, _run = detect_changed()
            self.stdout.write(f"red flags: {flags.created} new, {flags.resolved} resolved")
