"""The Siskeudes upload and its report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.uploads import read_limited

from .. import services
from ..forms import SiskeudesUploadForm
from ..permissions import EDITOR_ROLES
from ..selectors import budgets as selectors
from ..siskeudes.reader import MAX_ZIP_BYTES
from .common import actor, villages_for


@login_required
@require_http_methods(["GET", "POST"])
def siskeudes_upload(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    villages = villages_for(user, EDITOR_ROLES)
    if not villages:
        raise NotFound()
    form = SiskeudesUploadForm(request.POST or None, request.FILES or None, villages=villages)
    error = None
    details: list[object] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.siskeudes_import(
                actor=user,
                village_code=form.cleaned_data["village"],
                data=read_limited(upload, max_bytes=MAX_ZIP_BYTES),
                year=form.cleaned_data.get("year"),
                file_name=str(upload.name or ""),
            )
        except DomainError as exc:
            error = exc.message
            details = exc.details if isinstance(exc.details, list) else []
        else:
            return HttpResponseRedirect(reverse("budgets:import_report", args=[record.pk]))
    history = []
    for code, _label in villages[:3]:
        history += list(selectors.siskeudes_import_list(actor=user, village_code=code)[:10])
    return render(
        request,
        "budgets/import_form.html",
        {"form": form, "error": error, "details": details, "history": history},
        status=422 if (error or form.errors) else 200,
    )


@login_required
@require_GET
def siskeudes_report(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.siskeudes_import_get(actor=actor(request), import_id=pk)
    return render(request, "budgets/import_report.html", {"record": record, "r": record.report})
