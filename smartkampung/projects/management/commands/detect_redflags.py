from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from smartkampung import audit
from smartkampung.projects.redflags import detect_all


class Command(BaseCommand):
    help = (
        "Run every red-flag rule over all projects and photos. Idempotent: flags found again "
        "are updated, not duplicated; inspectors' decisions are kept; open flags that no "
        "longer hold are marked resolved."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        verbose = options["verbosity"] > 1
        result = detect_all(progress=self.stdout.write if verbose else None)
        audit.record(
            None,
            "projects.detect_redflags",
            None,
            {
                "found": result.found,
                "created": result.created,
                "reopened": result.reopened,
                "resolved": result.resolved,
            },
        )
        if options["verbosity"]:
            self.stdout.write(
                f"{result.found} findings: {result.created} new flags, {result.updated} "
                f"updated ({result.reopened} reopened), {result.resolved} resolved "
                f"in {time.perf_counter() - start:.1f} s"
            )
