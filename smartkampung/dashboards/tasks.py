"""Background work: recompute the dashboard's figures (idempotent, safe to retry)."""

from __future__ import annotations

from django_tasks import task


@task()
def dashboard_refresh_task(regency_code: str, year: int) -> None:
    from .services import dashboard_refresh

    dashboard_refresh(regency_code=regency_code, year=year)
