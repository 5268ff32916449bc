"""Background work of the population app (django-tasks): take IDs, call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def import_residents_task(job_id: int) -> str:
    """Run a queued web import; safe to run again (a finished job is left as it is)."""
    from .services.import_jobs import import_job_run

    return str(import_job_run(job_id=job_id).state)
