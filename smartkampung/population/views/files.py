"""Files in and out: the import upload (a background task with a progress bar), the import
templates and the XLSX export of a village register."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from smartkampung.core.exceptions import DomainError
from smartkampung.core.uploads import read_limited

from .. import selectors, services
from ..exports import export_file_name, template_xlsx
from ..forms import ImportForm
from ..importer import template_csv
from ..models import ImportJob
from ..permissions import EXPORT_ROLES
from ..services.import_jobs import import_job_create
from .common import actor, village_from_query

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    village = village_from_query(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_limited(upload, max_bytes=settings.SK_POPULATION_IMPORT_MAX_BYTES)
            job = import_job_create(
                actor=user, village=village, file_name=upload.name or "", data=data
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("population:import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(village_id=village.code).order_by("-created_at")[:10]
    return render(
        request,
        "population/import.html",
        {
            "form": form,
            "village": village,
            "jobs": jobs,
            "max_mb": settings.SK_POPULATION_IMPORT_MAX_BYTES // (1024 * 1024),
        },
        status=400 if form.errors else 200,
    )


def _job_context(job: ImportJob) -> dict[str, object]:
    return {"job": job, "errors": json.loads(job.errors_json)}


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_job_get(actor=actor(request), job_id=job_id)
    return render(request, "population/import_job.html", _job_context(job))


@login_required
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress partial that the job page polls (htmx) until the job has finished."""
    job = selectors.import_job_get(actor=actor(request), job_id=job_id)
    response = render(request, "population/partials/import_progress.html", _job_context(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        return _download(template_xlsx(), XLSX_TYPE, "template-penduduk.xlsx")
    return _download(template_csv(), "text/csv; charset=utf-8", "template-penduduk.csv")


@login_required
def export_register(request: HttpRequest) -> HttpResponse:
    """The village register as XLSX (masked NIK/KK, formula injection neutralised)."""
    village = village_from_query(request, roles=EXPORT_ROLES)
    body = services.register_export(actor=actor(request), village=village)
    return _download(body, XLSX_TYPE, export_file_name(village.code, timezone.localdate()))
