"""Regency pages: the consolidation, ceilings, the SSH and the reference lists."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.pagination import paginate
from smartkampung.core.uploads import read_limited
from smartkampung.regions.models import Region

from .. import services
from ..exports import consolidation_workbook, xlsx_response
from ..forms import (
    AccountDefineForm,
    ActivityDefineForm,
    CeilingForm,
    CsvUploadForm,
    FundSourceDefineForm,
    SshImportForm,
)
from ..models import Activity, BudgetStatus, Ceiling, FundSource, UnitPriceStandard
from ..permissions import (
    REGENCY_ROLES,
    actor_regency,
    can_manage_reference,
    can_view_consolidation,
)
from ..selectors.aggregates import consolidation, villages_in
from ..services.csv_input import MAX_CSV_BYTES
from .budgets import _consolidation_scope
from .common import actor, current_year, year_param

STAGE_ORDER = ("none", "draft", "returned", "submitted", "evaluated", "approved")


@login_required
@require_GET
def consolidation_page(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    region_code = request.GET.get("region") or _consolidation_scope(user)
    if not region_code or not can_view_consolidation(user, region_code):
        raise NotFound()
    region = Region.objects.only("code", "name", "level").filter(code=region_code).first()
    if region is None:
        raise NotFound()
    year = year_param(request)
    data = consolidation(year=year, region_code=region_code)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            consolidation_workbook(data["by_village"], year=year, region_name=region.name),
            f"konsolidasi_{region_code}_{year}.xlsx",
        )

    def chart(rows: list[Any]) -> list[dict[str, Any]]:
        """Rows with a budget, highest absorption first (the table beside lists them)."""
        budgeted = sorted((r for r in rows if r.budget), key=lambda r: -(r.absorption or 0))
        return [{"label": r.label, "value": round(r.absorption or 0, 1)} for r in budgeted]

    status_labels = {key: str(label) for key, label in BudgetStatus.choices}
    status_labels["none"] = str(_("No budget yet"))
    return render(
        request,
        "budgets/consolidation.html",
        {
            "region": region,
            "year": year,
            "years": range(current_year() - 2, current_year() + 2),
            "data": data,
            "district_chart": chart(data["by_district"]),
            "sector_chart": chart(data["by_sector"]),
            "source_chart": chart(data["by_fund_source"]),
            "status_rows": [
                (status_labels[key], data["status_counts"][key])
                for key in STAGE_ORDER
                if data["status_counts"].get(key)
            ],
            "show_districts": len(data["by_district"]) > 1,
        },
    )


def _require_regency(request: HttpRequest) -> str:
    """The regency whose lists the officer manages (404 for anyone else)."""
    regency = actor_regency(actor(request), REGENCY_ROLES)
    if regency is None or not can_manage_reference(actor(request), regency):
        raise NotFound()
    return regency


@login_required
@require_http_methods(["GET", "POST"])
def ceilings_page(request: HttpRequest) -> HttpResponse:
    regency = _require_regency(request)
    user = actor(request)
    year = year_param(request, default=current_year())
    district = request.GET.get("district", "")
    if district and not district.startswith(regency + "."):
        district = ""
    form = CeilingForm(request.POST or None, region=regency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.ceiling_set(
                actor=user,
                village_code=data["village"].strip(),
                year=year,
                fund_source_code=data["fund_source"],
                amount=data["amount"],
                note=data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The ceiling was saved."))
            return HttpResponseRedirect(f"{request.path}?year={year}&district={district}")
    villages = villages_in(district or regency)
    sources = list(FundSource.objects.usable_in(regency).filter(active=True))
    amounts: dict[str, dict[str, Any]] = defaultdict(dict)
    for ceiling in Ceiling.objects.filter(year=year, village__pk__startswith=regency + ".").only(
        "village_id", "fund_source_id", "amount"
    ):
        amounts[ceiling.village_id][ceiling.fund_source_id] = ceiling.amount
    used_sources = [
        s for s in sources if s.needs_ceiling or any(s.code in row for row in amounts.values())
    ]
    rows = [
        {
            "village": v,
            "cells": [amounts[v.code].get(s.code) for s in used_sources],
        }
        for v in villages
    ]
    return render(
        request,
        "budgets/ceilings.html",
        {
            "year": year,
            "years": range(current_year() - 2, current_year() + 2),
            "district": district,
            "districts": Region.objects.filter(
                level="district", code__startswith=regency + "."
            ).only("code", "name"),
            "sources": used_sources,
            "rows": rows,
            "form": form,
            "upload_form": CsvUploadForm(),
        },
        status=422 if form.errors else 200,
    )


def _uploaded(request: HttpRequest, form: CsvUploadForm) -> bytes:
    upload = form.cleaned_data["file"]
    return read_limited(upload, max_bytes=MAX_CSV_BYTES)


@login_required
@require_POST
def ceilings_import(request: HttpRequest) -> HttpResponse:
    _require_regency(request)
    form = CsvUploadForm(request.POST, request.FILES)
    back = reverse("budgets:ceilings")
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file."))
        return HttpResponseRedirect(back)
    try:
        report = services.ceilings_import(actor=actor(request), data=_uploaded(request, form))
    except DomainError as exc:
        messages.error(request, exc.message)
        for line in exc.details or []:
            messages.error(request, str(line))
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("Ceilings imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
        % report.as_dict(),
    )
    return HttpResponseRedirect(back)


@login_required
@require_GET
def ssh_page(request: HttpRequest) -> HttpResponse:
    regency = _require_regency(request)
    year = year_param(request)
    q = request.GET.get("q", "").strip()[:100]
    qs = UnitPriceStandard.objects.filter(year=year, regency_id=regency)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    page, query = paginate(request, qs.order_by("code"), per_page=100)
    return render(
        request,
        "budgets/ssh.html",
        {
            "year": year,
            "q": q,
            "page_obj": page,
            "querystring_base": query,
            "form": SshImportForm(initial={"year": year}),
        },
    )


@login_required
@require_POST
def ssh_import(request: HttpRequest) -> HttpResponse:
    regency = _require_regency(request)
    form = SshImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a year and a CSV file."))
        return HttpResponseRedirect(reverse("budgets:ssh"))
    year = form.cleaned_data["year"]
    back = f"{reverse('budgets:ssh')}?year={year}"
    try:
        report = services.ssh_import(
            actor=actor(request), year=year, data=_uploaded(request, form), regency_code=regency
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        for line in exc.details or []:
            messages.error(request, str(line))
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("SSH imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
        % report.as_dict(),
    )
    return HttpResponseRedirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def reference_page(request: HttpRequest) -> HttpResponse:
    regency = _require_regency(request)
    user = actor(request)
    forms: dict[str, Any] = {
        "activity": ActivityDefineForm(prefix="activity"),
        "account": AccountDefineForm(prefix="account"),
        "fund_source": FundSourceDefineForm(prefix="source"),
    }
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind in forms:
            prefix = forms[kind].prefix
            form = type(forms[kind])(request.POST, prefix=prefix)
            forms[kind] = form
            if form.is_valid():
                service = {
                    "activity": services.activity_define,
                    "account": services.account_define,
                    "fund_source": services.fund_source_define,
                }[kind]
                try:
                    service(actor=user, regency_code=regency, **form.cleaned_data)
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("Added to the reference list."))
                    return HttpResponseRedirect(request.path)
    return render(
        request,
        "budgets/reference.html",
        {
            "forms": forms,
            "regional_activities": Activity.objects.filter(regency_id=regency).order_by("code"),
            "activity_count": Activity.objects.usable_in(regency).count(),
            "fund_sources": FundSource.objects.usable_in(regency),
        },
        status=422 if any(f.errors for f in forms.values()) else 200,
    )
