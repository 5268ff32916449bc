from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartkampung.audit.checkpoints import audit_checkpoint_create, checkpoint_file


class Command(BaseCommand):
    help = (
        "Sign the audit chain head (a checkpoint kept in the database, appended to "
        "SK_AUDIT_CHECKPOINT_FILE and published on the portal). Run hourly from cron; "
        "idempotent when nothing was recorded since the last one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = audit_checkpoint_create()
        if checkpoint is None:
            self.stdout.write("audit chain head unchanged since the last checkpoint")
            return
        where = checkpoint_file()
        self.stdout.write(
            self.style.SUCCESS(
                f"checkpoint #{checkpoint.seq} signed (key {checkpoint.key_id})"
                + (f", appended to {where}" if where else "")
            )
        )
