"""The web upload of a resident import: a job checked at once (type, header), stored, and
run by a background task (``tasks.import_residents_task``) whose progress the page polls."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from smartkampung import audit
from smartkampung.core.exceptions import DomainError
from smartkampung.regions.models import Region

from ..importer import check_header
from ..models import ImportJob
from .imports import ImportRefused, ImportResult, resident_import
from .residents import _village, require_edit


def import_job_create(
    *, actor: Any, village: Region | str, file_name: str, data: bytes
) -> ImportJob:
    """Check the file's type and header now, store it and queue the import."""
    village = _village(village)
    require_edit(actor, village.code)
    check_header(data)
    from ..tasks import import_residents_task

    with transaction.atomic():
        job = ImportJob(village=village, created_by=actor, file_name=file_name[:200])
        job.file.save(f"import-{village.code}.bin", ContentFile(data), save=False)
        job.save()
        audit.record(actor, "population.import_queued", job, {"file": job.file_name})
        transaction.on_commit(lambda: import_residents_task.enqueue(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job (idempotent: a finished job is left alone)."""
    job = ImportJob.objects.select_related("village", "created_by").get(pk=job_id)
    if job.is_finished:
        return job
    last: dict[str, int] = {"done": -1}

    def phase(name: str, done: int, total: int) -> None:
        state = ImportJob.State.VALIDATING if name == "validating" else ImportJob.State.SAVING
        if name == "validating" and done - last["done"] < max(1, total // 50) and done != total:
            return
        last["done"] = done
        # Progress during validation is committed at once (no transaction is open yet);
        # while saving, the single transaction hides it, so the page shows "saving".
        ImportJob.objects.filter(pk=job.pk).update(
            state=state, total_rows=total, processed_rows=done if name == "validating" else total
        )

    outcome: ImportResult | DomainError
    try:
        data = job.file.read() if job.file else b""
        outcome = resident_import(actor=job.created_by, village=job.village, data=data, phase=phase)
    except DomainError as exc:
        outcome = exc
    job.refresh_from_db(fields=["total_rows", "processed_rows"])
    if isinstance(outcome, ImportResult):
        job.state = ImportJob.State.DONE
        job.total_rows = job.processed_rows = outcome.rows
        job.created_count = outcome.created
        job.updated_count = outcome.updated
        job.message = ""
    else:
        job.state = ImportJob.State.FAILED
        job.message = outcome.message[:300]
        if isinstance(outcome, ImportRefused):
            job.errors_json = json.dumps(outcome.details)
            job.error_count = outcome.error_count
    job.finished_at = timezone.now()
    if job.file:
        job.file.delete(save=False)  # the upload holds personal data: keep it no longer
    job.save()
    return job
