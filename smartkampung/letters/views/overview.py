"""The regency view: letters per village and per type, time to issue against the target, the
backlog, and the health office's list of SPMs issued. District officers see their kecamatan."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.core.api import year_in_window
from smartkampung.core.exceptions import NotFound
from smartkampung.core.pagination import paginate
from smartkampung.core.privacy import mask_identifier, mask_name
from smartkampung.regions.models import Level

from .. import selectors
from ..permissions import SPM_LIST_ROLES


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    scope = selectors.overview_scope(
        actor=request.user,
        region_code=request.GET.get("region") or None,
        year=year_in_window(request.GET.get("year")),
    )
    code, year = scope.region.code, scope.year
    by_village = selectors.aggregate_letters_by_village(region_code=code, year=year)
    by_type = selectors.aggregate_letters_by_type(region_code=code, year=year)
    backlog = selectors.aggregate_backlog(region_code=code)
    villages_active = sum(1 for row in by_village if row["count"])
    top_villages = [r for r in sorted(by_village, key=lambda r: -r["count"]) if r["count"]][:10]
    by_district = (
        selectors.aggregate_letters_by_district(region_code=code, year=year)
        if scope.region.level == Level.REGENCY
        else []
    )
    parent = None
    if scope.region.parent_id:
        try:
            parent = selectors.overview_scope(
                actor=request.user, region_code=scope.region.parent_id, year=year
            ).region
        except NotFound:
            parent = None
    return render(
        request,
        "letters/overview.html",
        {
            "scope": scope,
            "parent": parent,
            "by_village": by_village,
            "by_district": by_district,
            "backlog": backlog,
            "top_villages": top_villages,
            "by_type": by_type,
            "total": sum(row["count"] for row in by_village),
            "villages_active": villages_active,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


@login_required
def spm_list(request: HttpRequest) -> HttpResponse:
    """The health office's list: SPMs issued, with their status (masked name and NIK)."""
    scope = selectors.overview_scope(
        actor=request.user,
        region_code=request.GET.get("region") or None,
        year=year_in_window(request.GET.get("year")),
        roles=SPM_LIST_ROLES,
    )
    letters = selectors.spm_issued_list(
        actor=request.user, region_code=scope.region.code, year=scope.year
    )
    today = timezone.localdate()
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="spm-{scope.region.code}-{scope.year}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Number"),
                _("Date"),
                _("Village"),
                _("Name"),
                _("NIK"),
                _("Valid until"),
                _("Status"),
            ]
        )
        for letter in letters.iterator(chunk_size=2000):
            writer.writerow(
                [
                    letter.number,
                    timezone.localdate(letter.issued_at).isoformat(),
                    letter.village.name,
                    mask_name(letter.subject_name),
                    mask_identifier(letter.subject_nik),
                    letter.valid_until.isoformat() if letter.valid_until else "",
                    letter.status_on(today),
                ]
            )
        return response
    page, qs_base = paginate(request, letters)
    return render(
        request,
        "letters/spm_list.html",
        {"scope": scope, "page_obj": page, "querystring_base": qs_base, "today": today},
    )
