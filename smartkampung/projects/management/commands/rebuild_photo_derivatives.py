from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartkampung import audit
from smartkampung.projects.models import ProgressPhoto
from smartkampung.projects.tasks import photo_make_derivatives


class Command(BaseCommand):
    help = (
        "Make every photo's thumbnail and display copy again from its original, without any "
        "metadata (run once after upgrading: copies made before ADR 0036 kept the original's "
        "comment segment). Queues one background task per photo; safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(ProgressPhoto.objects.order_by("pk").values_list("pk", flat=True))
        for photo_id in ids:
            photo_make_derivatives.enqueue(photo_id, replace=True)
        audit.record(None, "projects.rebuild_photo_derivatives", None, {"photos": len(ids)})
        if options["verbosity"]:
            self.stdout.write(f"{len(ids)} photos queued")
