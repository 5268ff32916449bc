from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db.models import Count

from smartkampung import audit
from smartkampung.projects.models import HashKind, PhotoHash, ProgressPhoto
from smartkampung.projects.photos import analyse_photo, stored_bands


class Command(BaseCommand):
    help = (
        "Compute the hashes added after a photo was stored (the corner crops and the dHash "
        "family of ADR 0038) from its original bytes. Only missing rows are added; safe to "
        "run again. Run it once after upgrading, then detect_redflags."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = len(HashKind.values)
        missing = (
            ProgressPhoto.objects.annotate(n=Count("hashes"))
            .filter(n__lt=wanted)
            .values_list("pk", "original")
        )
        done = 0
        for photo_id, name in missing.iterator(chunk_size=500):
            with default_storage.open(name, "rb") as fh:
                facts = analyse_photo(fh.read())
            PhotoHash.objects.bulk_create(
                [
                    PhotoHash(
                        photo_id=photo_id,
                        kind=kind,
                        value=value,
                        **stored_bands(kind, value),
                    )
                    for kind, value in facts.hashes.items()
                ],
                ignore_conflicts=True,  # the rows that exist stay as they are
            )
            done += 1
        audit.record(None, "projects.photo_hashes_backfill", None, {"photos": done})
        if options["verbosity"]:
            self.stdout.write(f"{done} photos hashed")
