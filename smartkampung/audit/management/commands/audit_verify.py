from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smartkampung.audit.services import audit_verify


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; fail if any event was edited or deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"audit trail is broken ({len(result.problems)} problem(s))")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {result.checked} events"))
