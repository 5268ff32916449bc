from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smartkampung import audit
from smartkampung.projects.redflags import detect_changed


class Command(BaseCommand):
    help = (
        "Run the red-flag rules over what changed since the last run (every project on the "
        "first run, with --full, or after a threshold changed). Idempotent: flags found again "
        "are updated, not duplicated; inspectors' decisions are kept; open flags that no "
        "longer hold are marked resolved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full", action="store_true", help="re-evaluate every project and photo"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        verbose = options["verbosity"] > 1
        result, run = detect_changed(
            full=options["full"], progress=self.stdout.write if verbose else None
        )
        audit.record(
            None,
            "projects.detect_redflags",
            None,
            {
                "full": run.full,
                "projects_checked": run.projects_checked,
                "found": result.found,
                "created": result.created,
                "reopened": result.reopened,
                "resolved": result.resolved,
            },
        )
        if options["verbosity"]:
            kind = "full run" if run.full else f"{run.projects_checked} projects checked"
            self.stdout.write(
                f"{kind}: {result.found} findings: {result.created} new flags, "
                f"{result.updated} updated ({result.reopened} reopened), {result.resolved} "
                f"resolved in {time.perf_counter() - start:.1f} s"
            )
