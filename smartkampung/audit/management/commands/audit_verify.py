from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smartkampung.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's keyed hash chain and check it against every signed "
        "checkpoint; fail if any event was edited or deleted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"audit trail is broken ({len(result.problems)} problem(s))")
        legacy = f", {result.legacy} of them unkeyed (before the key)" if result.legacy else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"audit trail intact: {result.checked} events{legacy}, "
                f"{result.checkpoints} signed checkpoint(s) match"
            )
        )
