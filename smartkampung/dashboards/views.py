"""Dashboard pages: the overview, the full table behind each figure (HTML or CSV), map data.

Views only parse input: the scope check lives in ``selectors.dashboard_region`` (404 outside
the actor's scope), freshness in ``services.dashboard_ensure_fresh``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from smartkampung.core.exceptions import NotFound

from . import selectors, services, tables
from .csv_export import csv_response
from .selectors import DashboardData
from .summary import map_figures, summarise


def year_param(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    this_year = timezone.localdate().year
    return year if 2015 <= year <= this_year + 1 else this_year


def _load(request: HttpRequest) -> DashboardData:
    region = selectors.dashboard_region(actor=request.user, region_code=request.GET.get("region"))
    year = year_param(request)
    services.dashboard_ensure_fresh(regency_code=selectors.regency_code_of(region.code), year=year)
    return selectors.dashboard_data(actor=request.user, region_code=region.code, year=year)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    data = _load(request)
    level = "districts" if data.is_regency else "villages"
    keys = {
        "rollout": "rollout-districts" if data.is_regency else "rollout-villages",
        "budget": "budget-districts" if data.is_regency else "budget-villages",
        "projects": f"projects-{level}",
        "flags": "flags-rules",
        "flags_villages": "flags-villages",
        "letters": "letters-districts" if data.is_regency else "letters-villages",
        "letters_months": "letters-months",
        "letters_types": "letters-types",
        "business_sectors": "businesses-sectors",
        "businesses": f"businesses-{level}",
        "bumdes": f"bumdes-{level}",
    }
    if data.welfare is not None:  # only for the roles that see welfare aggregates
        keys["welfare"] = "welfare-districts" if data.is_regency else "welfare-villages"
        keys["welfare_overlap"] = "welfare-overlap"
    built = {name: tables.build(key, data) for name, key in keys.items()}
    trend = tables.build("rollout-trend", data)
    boundaries = f"/api/v1/regions/{data.region.code}/boundaries.geojson"
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "data": data,
            "tables": built,
            "trend": trend,
            "trend_points": _trend_points(trend),
            "summary": summarise(data),
            "scope_choices": selectors.dashboard_region_choices(actor=request.user),
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "map_config": json.dumps(
                {
                    "data": f"/dashboards/map.json?region={data.region.code}&year={data.year}",
                    "districts": f"{boundaries}?level=district",
                    "villages": f"{boundaries}?level=village",
                    "tiles": settings.SK_MAP_TILE_URL,
                    "attribution": settings.SK_MAP_TILE_ATTRIBUTION,
                    "bbox": data.region.bbox,
                    "rolloutLevel": "districts" if data.is_regency else "villages",
                }
            ),
            "max_age": settings.SK_DASHBOARD_MAX_AGE_MINUTES,
            "welfare_exports": _welfare_exports(data),
        },
    )


def _welfare_exports(data: DashboardData) -> dict[str, str]:
    """The welfare reports' own CSV exports for the dashboard's month (they check the
    reader's role themselves: 404 for anyone outside the welfare report roles)."""
    if data.welfare is None:
        return {}
    return {
        "report": tables.welfare_report_url(data),
        "recipients": tables.welfare_report_url(data, "csv"),
        "overlap": tables.welfare_report_url(data, "overlap.csv"),
        "errors": tables.welfare_report_url(data, "errors.csv"),
    }


def _trend_points(trend: tables.Table) -> dict[str, Any]:
    """Coordinates of the trend line in a 300 × 100 viewBox (SVG drawn by the template)."""
    values = [(row[0].text, int(row[1].value), int(row[2].value)) for row in trend.rows]
    if not values:
        return {"points": "", "max": 0, "first": "", "last": ""}
    # The scale ends at the highest count (so that a slow start is visible), at least 1.
    top = max(max(v[1] for v in values), 1)
    step = 300 / max(len(values) - 1, 1)
    points = " ".join(
        f"{round(i * step, 1)},{round(100 - v[1] / top * 100, 1)}" for i, v in enumerate(values)
    )
    return {
        "points": points,
        "max": top,
        "first": values[0][0],
        "last": values[-1][0],
        "latest": values[-1][1],
    }


@login_required
@require_GET
def table(request: HttpRequest, key: str) -> HttpResponse:
    if key not in tables.BUILDERS:
        raise NotFound()
    data = _load(request)
    built = tables.build(key, data, request.GET)
    if request.GET.get("format") == "csv":
        return csv_response(built, filename=f"{key}-{data.region.code}-{data.year}.csv")
    return render(request, "dashboards/table.html", {"data": data, "table": built})


@login_required
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """Per kecamatan and village of the region: the figures the map colours by."""
    data = _load(request)
    response = JsonResponse(map_figures(data))
    response["Cache-Control"] = "private, max-age=60"
    return response
