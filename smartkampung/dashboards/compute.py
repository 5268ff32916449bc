"""Computing the dashboard's sections from the other apps' aggregate selectors.

Each ``compute_<section>`` returns JSON-able figures per village code for a whole regency; the
dashboard filters them to the viewer's scope and rolls them up per kecamatan when it is shown.
Amounts are decimal strings (never floats), times ISO 8601. No personal data: counts, sums,
statuses and login times per village, never who.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from smartkampung.accounts.selectors import last_login_by_village
from smartkampung.budgets.selectors import aggregates as budget_aggregates
from smartkampung.economy import public as economy_figures
from smartkampung.letters import selectors as letter_selectors
from smartkampung.letters import statistics as letter_statistics
from smartkampung.projects import public as project_figures
from smartkampung.regions.models import Level
from smartkampung.regions.selectors import region_list
from smartkampung.welfare import public as welfare_figures

from .models import Section

# The activity criteria a regency may combine in SK_ROLLOUT_CRITERIA.
ROLLOUT_CRITERIA = ("operator_login", "services_issued")


def village_codes(regency_code: str) -> list[str]:
    return list(
        region_list(level=Level.VILLAGE, parent_code=regency_code).values_list("code", flat=True)
    )


def district_codes(regency_code: str) -> list[str]:
    return list(
        region_list(level=Level.DISTRICT, parent_code=regency_code).values_list("code", flat=True)
    )


def _money(value: Any) -> str:
    return f"{value:.2f}"


def compute_rollout(*, regency_code: str, year: int, now: datetime) -> dict[str, Any]:
    """Per village: the last login of a village operator, the letters issued in the recent
    window, and whether the village counts as running Smart Kampung under the regency's
    definition (settings, docs/portal.md)."""
    del year  # the rollout is the state today, whatever year the dashboard shows
    criteria = [c for c in settings.SK_ROLLOUT_CRITERIA if c in ROLLOUT_CRITERIA]
    login_since = now - timedelta(days=settings.SK_ROLLOUT_LOGIN_DAYS)
    logins = last_login_by_village(roles=settings.SK_ROLLOUT_STAFF_ROLES)
    issued = letter_statistics.letters_issued_since(
        region_code=regency_code, since=now - timedelta(days=settings.SK_ROLLOUT_SERVICE_DAYS)
    )
    villages: dict[str, dict[str, Any]] = {}
    for code in village_codes(regency_code):
        last = logins.get(code)
        services = issued.get(code, 0)
        checks = {
            "operator_login": last is not None and last >= login_since,
            "services_issued": services >= settings.SK_ROLLOUT_MIN_SERVICES,
        }
        villages[code] = {
            "last_login": last.isoformat() if last else None,
            "operator_active": checks["operator_login"],
            "services_issued": services,
            "active": bool(criteria) and all(checks[c] for c in criteria),
        }
    return {
        "criteria": criteria,
        "login_days": settings.SK_ROLLOUT_LOGIN_DAYS,
        "service_days": settings.SK_ROLLOUT_SERVICE_DAYS,
        "min_services": settings.SK_ROLLOUT_MIN_SERVICES,
        "target": settings.SK_ROLLOUT_TARGET,
        "villages": villages,
    }


def compute_services(*, regency_code: str, year: int, now: datetime) -> dict[str, Any]:
    """Letters of ``year`` per village and month (and the SPMs issued outside the welfare
    register); per type with the median time to issue
    against the type's target, and the backlog, for the regency and each kecamatan (a median
    cannot be rolled up from villages, so it is computed per region)."""
    del now
    months = letter_statistics.letters_by_village_and_month(region_code=regency_code, year=year)
    # SPMs issued to households outside the welfare register (issue 13: the regency sees them).
    outside = welfare_figures.spm_outside_register_by_village(regency_code=regency_code, year=year)
    villages: dict[str, dict[str, Any]] = {
        code: {"months": counts} for code, counts in months.items()
    }
    for code, n in outside.items():
        villages.setdefault(code, {"months": [0] * 12})["spm_outside"] = n
    regions = [regency_code, *district_codes(regency_code)]
    return {
        "villages": villages,
        "regions": {
            code: {
                "types": [
                    {**row, "title": str(row["title"])}
                    for row in letter_selectors.aggregate_letters_by_type(
                        region_code=code, year=year
                    )
                ],
                "backlog": letter_selectors.aggregate_backlog(region_code=code),
            }
            for code in regions
        },
    }


def compute_budget(*, regency_code: str, year: int, now: datetime) -> dict[str, Any]:
    """Per desa: the stage of its APBDes for ``year`` and the absorption of the approved
    version; the ceilings against the revenue budgeted in the current version."""
    del now
    statuses = budget_aggregates.budget_status_by_village(year=year, region_code=regency_code)
    not_submitted = {
        row["code"]
        for row in budget_aggregates.villages_without_submitted_budget(
            year=year, region_code=regency_code
        )
    }
    villages: dict[str, dict[str, Any]] = {}
    for row in budget_aggregates.absorption_by_village(year=year, region_code=regency_code):
        villages[row.key] = {
            "status": statuses.get(row.key, "none"),
            "submitted": row.key not in not_submitted,
            "budget": _money(row.budget),
            "realised": _money(row.realised),
            "committed": _money(row.committed),
        }
    ceilings = [
        {
            "village": r["village"],
            "fund_source": r["fund_source"],
            "ceiling": None if r["ceiling"] is None else _money(r["ceiling"]),
            "budgeted": _money(r["budgeted"]),
            "over": bool(r["over_ceiling"]),
        }
        for r in budget_aggregates.ceilings_vs_budgets(year=year, region_code=regency_code)
    ]
    return {"villages": villages, "ceilings": ceilings}


def compute_monitoring(*, regency_code: str, year: int, now: datetime) -> dict[str, Any]:
    """Per village: projects of ``year`` by status (and late), and open red flags per rule
    (open now, whatever the year of their project)."""
    del now
    counts = project_figures.project_counts_by_village(region_code=regency_code, year=year)
    flags = project_figures.open_flag_counts(region_code=regency_code)
    villages: dict[str, dict[str, Any]] = {}
    for code in sorted(set(counts) | set(flags)):
        villages[code] = {
            "projects": counts.get(code, {"planned": 0, "ongoing": 0, "completed": 0, "late": 0}),
            "flags": flags.get(code, {}),
        }
    return {"villages": villages}


def compute_welfare(*, regency_code: str, year: int, now: datetime) -> dict[str, Any]:
    """Aid recipients per village and programme, the exclusion and inclusion errors per
    village and the programmes' overlap masks per village, for the latest month of ``year``
    with recipients (counts only; shown to the roles that see welfare aggregates)."""
    del now
    return welfare_figures.dashboard_figures(regency_code=regency_code, year=year)


def compute_economy(*, regency_code: str, year: int, now: datetime) -> dict[str, Any]:
    """Per village: approved local businesses per KBLI section (the register today, whatever
    the year), and its BUMDes with the capital placed from the APBDes and the PAD share paid
    back, summed over the years up to ``year`` (the economy app's regency view, ADR 0142)."""
    del now
    sectors = economy_figures.business_counts_by_village(region_code=regency_code)
    bumdes = economy_figures.bumdes_figures_by_village(region_code=regency_code, up_to_year=year)
    villages: dict[str, dict[str, Any]] = {}
    for code in sorted(set(sectors) | set(bumdes)):
        row: dict[str, Any] = {"sectors": sectors.get(code, {})}
        if code in bumdes:
            b = bumdes[code]
            row["bumdes"] = {
                "enterprises": b.enterprises,
                "placed": _money(b.placed),
                "returned": _money(b.returned),
            }
        villages[code] = row
    return {"villages": villages}


COMPUTERS: dict[str, Callable[..., dict[str, Any]]] = {
    Section.ROLLOUT: compute_rollout,
    Section.SERVICES: compute_services,
    Section.BUDGET: compute_budget,
    Section.MONITORING: compute_monitoring,
    Section.WELFARE: compute_welfare,
    Section.ECONOMY: compute_economy,
}
