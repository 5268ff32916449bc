"""``python manage.py growth_zscores IN.csv OUT.csv``: WHO 2006 z-scores of a CSV of visits."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung.core.exceptions import ValidationFailed
from smartkampung.health.growth.batch import IN_COLUMNS, OUT_COLUMNS, zscores_csv


class Command(BaseCommand):
    help = (
        f"WHO Child Growth Standards z-scores. IN columns: {','.join(IN_COLUMNS)}; "
        f"OUT columns: {','.join(OUT_COLUMNS)}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        target: Path = options["output"]
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        # Written to a temporary file and renamed, so a refused input leaves OUT untouched.
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", suffix=".tmp")
        try:
            with (
                source.open(encoding="utf-8-sig", newline="") as inp,
                os.fdopen(fd, "w", encoding="utf-8", newline="") as out,
            ):
                count = zscores_csv(inp, out)
            os.replace(tmp, target)
        except ValidationFailed as exc:
            Path(tmp).unlink(missing_ok=True)
            lines = [exc.message] + [
                f"row {e['row']}, {e['column']}: {e['message']}" for e in exc.details or []
            ]
            raise CommandError("\n".join(lines)) from exc
        except UnicodeDecodeError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise CommandError(f"{source}: not UTF-8 text") from exc
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.stdout.write(f"{count} rows written to {target}")
