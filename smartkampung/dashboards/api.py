"""Dashboard API: the same figures as the page, for regency and kecamatan officers."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from smartkampung.core.api import ERRORS, Year
from smartkampung.core.exceptions import NotFound, ValidationFailed

from . import selectors, services, tables
from .summary import summarise

router = Router(tags=["dashboards"])


class ScopeQuery(Schema):
    region: str | None = None
    year: Year | None = None


class TableOut(Schema):
    key: str
    title: str
    region: str
    year: int
    columns: list[str]
    rows: list[list[Any]]
    totals: list[Any] | None = None


class SummaryOut(Schema):
    region: str
    region_name: str
    year: int
    computed_at: dict[str, str]
    tables: list[str]
    rollout: dict[str, Any]
    budget: dict[str, Any]
    projects: dict[str, int]
    open_flags: dict[str, int]
    services: dict[str, Any]
    # Only for the roles that see welfare aggregates (regency officer, social office).
    welfare: dict[str, Any] | None = None


def _load(request: HttpRequest, query: ScopeQuery) -> selectors.DashboardData:
    this_year = timezone.localdate().year
    year = query.year or this_year
    if not 2015 <= year <= this_year + 1:
        raise ValidationFailed(_("The year is out of range."), code="bad_year")
    region = selectors.dashboard_region(actor=request.user, region_code=query.region)
    services.dashboard_ensure_fresh(regency_code=selectors.regency_code_of(region.code), year=year)
    return selectors.dashboard_data(actor=request.user, region_code=region.code, year=year)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # Decimal amounts as decimal strings, never floats


@router.get("/", response={200: SummaryOut, **ERRORS}, summary="Dashboard summary")
def summary(request: HttpRequest, query: Query[ScopeQuery]) -> dict[str, Any]:
    data = _load(request, query)
    totals = summarise(data)
    return {
        "region": data.region.code,
        "region_name": data.region.name,
        "year": data.year,
        "computed_at": {k: v.isoformat() for k, v in data.computed_at.items()},
        "tables": [
            key
            for key in tables.BUILDERS
            if data.welfare is not None or not key.startswith("welfare-")
        ],
        "rollout": {
            "active": totals.active,
            "villages": totals.villages,
            "target": totals.target,
            "criteria": totals.criteria,
        },
        "budget": {
            "desa": totals.desa,
            "not_submitted": totals.not_submitted,
            "budget": str(totals.budget),
            "realised": str(totals.realised),
            "absorption": None if totals.absorption is None else round(totals.absorption, 2),
            "over_ceiling": totals.over_ceiling,
        },
        "projects": totals.projects,
        "open_flags": totals.open_flags,
        "services": {
            "letters": totals.letters,
            "spm": totals.spm,
            "backlog": totals.backlog,
        },
        "welfare": None
        if data.welfare is None
        else {
            "period": data.welfare.period,
            "programmes": data.welfare.programmes,
            "exclusion_errors": totals.exclusion_errors,
            "inclusion_errors": totals.inclusion_errors,
        },
    }


@router.get(
    "/tables/{key}", response={200: TableOut, **ERRORS}, summary="One dashboard table (raw values)"
)
def table(request: HttpRequest, key: str, query: Query[ScopeQuery]) -> dict[str, Any]:
    if key not in tables.BUILDERS:
        raise NotFound(_("Not found."))
    data = _load(request, query)
    built = tables.build(key, data, request.GET)
    return {
        "key": built.key,
        "title": built.title,
        "region": data.region.code,
        "year": data.year,
        "columns": [c.label for c in built.columns],
        "rows": [[_json_value(c.value) for c in row] for row in built.rows],
        "totals": [_json_value(c.value) for c in built.totals] if built.totals else None,
    }
