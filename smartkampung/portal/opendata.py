"""Open data: the portal's figures as CSV and JSON (the same figures as the pages, with the
same suppressed cells), published projects as CSV, JSON and GeoJSON. The budgets as a Fiscal
Data Package are in ``fiscal``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.projects import public as project_public
from smartkampung.regions.models import Region

from .economy import PublishedEconomy, published_economy
from .figures import (
    Amounts,
    BudgetFigures,
    budget_figures,
    published_statuses,
    region_figures,
    region_label,
)
from .letters import PublishedLetters, published_letters_all
from .population import PublishedPopulation, published_populations, regency_code_of

POPULATION_COLUMNS = [
    "region_code",
    "region",
    "table",
    "category_code",
    "category",
    "count",
    "suppressed",
]
LETTER_COLUMNS = [
    "region_code",
    "region",
    "year",
    "letter_type",
    "title",
    "count",
    "suppressed",
    "median_minutes",
    "target_minutes",
]
ECONOMY_COLUMNS = ["region_code", "region", "year", "measure", "sector", "value", "suppressed"]
BUDGET_COLUMNS = ["region_code", "region", "year", "part", "code", "label", "planned", "realised"]
PROJECT_COLUMNS = [
    "id",
    "village_code",
    "village",
    "title",
    "activity_code",
    "work_type",
    "fund_source",
    "budget",
    "volume",
    "unit",
    "planned_start",
    "planned_end",
    "status",
    "progress",
    "lat",
    "lng",
]


def regions_below(region: Region) -> list[Region]:
    """The region and every region below it, in code order."""
    below = Region.objects.defer("boundary").filter(code__startswith=region.code + ".")
    return [region, *below.order_by("code")]


def _populations(region: Region) -> dict[str, PublishedPopulation]:
    return published_populations(regency_code=regency_code_of(region.code))


def _population_of(populations: dict[str, PublishedPopulation], code: str) -> PublishedPopulation:
    return populations.get(code) or PublishedPopulation(code=code, total=0, households=0)


def _letters_of(letters: dict[str, PublishedLetters], code: str, year: int) -> dict[str, Any]:
    found = letters.get(code) or PublishedLetters(code=code, year=year, total=0)
    return found.as_dict()


def population_rows(region: Region) -> list[list[Any]]:
    """Published counts of the region and of every region below it; a suppressed cell has an
    empty count and ``suppressed`` true."""
    rows: list[list[Any]] = []
    populations = _populations(region)
    for r in regions_below(region):
        p = _population_of(populations, r.code)
        label = region_label(r)

        def add(table: str, code: Any, category: str, value: int | None) -> None:
            rows.append([r.code, label, table, code, category, value, value is None])  # noqa: B023

        add("population", "", _("Residents"), p.total)
        add("households", "", _("Households"), p.households)
        for band in p.pyramid:
            add("age_male", band["band"], band["band"], band["male"])
            add("age_female", band["band"], band["band"], band["female"])
        for table in p.labelled():
            for row in table["rows"]:
                add(table["key"], row["code"], row["label"], row["value"])
    return rows


def population_json(region: Region) -> dict[str, Any]:
    result = []
    populations = _populations(region)
    for r in regions_below(region):
        p = _population_of(populations, r.code)
        result.append(
            {
                "code": r.code,
                "name": region_label(r),
                "level": r.level,
                "residents": p.total,
                "households": p.households,
                "age_pyramid": p.pyramid,
                "tables": {
                    t["key"]: [
                        {"code": x["code"], "label": x["label"], "count": x["value"]}
                        for x in t["rows"]
                    ]
                    for t in p.labelled()
                },
            }
        )
    return {
        "suppression": {
            "threshold": settings.SK_PORTAL_SUPPRESSION_THRESHOLD,
            "note": _("Counts below the threshold, and counts that would reveal them, are null."),
        },
        "regions": result,
    }


def letter_rows(region: Region, year: int) -> list[list[Any]]:
    """Letters issued in ``year`` per type, for the region and every region below it."""
    rows: list[list[Any]] = []
    letters = published_letters_all(regency_code=regency_code_of(region.code), year=year)
    for r in regions_below(region):
        figures = _letters_of(letters, r.code, year)
        label = region_label(r)
        rows.append(
            [r.code, label, year, "", "", figures["total"], figures["total"] is None, None, None]
        )
        for t in figures["types"]:
            rows.append(
                [
                    r.code,
                    label,
                    year,
                    t["code"],
                    t["title"],
                    t["count"],
                    t["count"] is None,
                    t["median_minutes"],
                    t["target_minutes"],
                ]
            )
    return rows


def budget_rows(region: Region, figures: BudgetFigures) -> list[list[Any]]:
    label = region_label(region)
    rows: list[list[Any]] = []
    for part, lines in (
        ("revenue_by_fund_source", figures.revenue),
        ("expenditure_by_sector", figures.spending),
        ("expenditure_by_region", figures.by_child),
    ):
        for line in lines:
            rows.append(
                [
                    region.code,
                    label,
                    figures.year,
                    part,
                    line.key,
                    line.label,
                    line.planned,
                    line.realised,
                ]
            )
    return rows


def project_rows(region: Region, year: int) -> list[list[Any]]:
    qs = project_public.public_projects(
        statuses=published_statuses(), region_code=region.code, year=year
    ).values(*project_public.PUBLIC_PROJECT_FIELDS)
    return [
        [
            p["id"],
            p["village_id"],
            p["village__name"],
            p["title"],
            p["activity_code"],
            p["work_type"],
            p["fund_source"],
            p["budget"],
            p["volume"],
            p["unit"],
            p["planned_start"].isoformat(),
            p["planned_end"].isoformat(),
            p["status"],
            p["progress"],
            round(p["lat"], 6),
            round(p["lng"], 6),
        ]
        for p in qs
    ]


def projects_geojson(region: Region, year: int) -> str:
    return project_public.public_projects_geojson(
        statuses=published_statuses(), region_code=region.code, year=year
    )


def economy_json(figures: PublishedEconomy) -> dict[str, Any]:
    return {
        "businesses": figures.businesses,
        "by_sector": dict(figures.sectors),
        "bumdes": figures.enterprises,
        "capital_placed": money(figures.placed),
        "returned_to_village": money(figures.returned),
        "suppression_threshold": figures.threshold,
    }


def economy_rows(region: Region, year: int) -> list[list[Any]]:
    """Approved businesses (in all and per KBLI sector; a suppressed count is empty with
    ``suppressed`` true), BUMDes, capital placed and PAD returned up to ``year``, for the
    region and every region below it."""
    rows: list[list[Any]] = []
    for r in regions_below(region):
        e = published_economy(region_code=r.code, year=year)
        label = region_label(r)
        rows.append([r.code, label, year, "businesses", "", e.businesses, e.businesses is None])
        for sector, n in e.sectors:
            rows.append([r.code, label, year, "businesses", sector, n, n is None])
        rows.append([r.code, label, year, "bumdes", "", e.enterprises, False])
        rows.append([r.code, label, year, "capital_placed", "", money(e.placed), False])
        rows.append([r.code, label, year, "returned_to_village", "", money(e.returned), False])
    return rows


def dataset_csv(name: str, region: Region, year: int) -> tuple[list[str], list[list[Any]]]:
    if name == "population":
        return POPULATION_COLUMNS, population_rows(region)
    if name == "budget":
        figures_ = budget_figures(region=region, year=year)
        return BUDGET_COLUMNS, budget_rows(region, figures_)
    if name == "letters":
        return LETTER_COLUMNS, letter_rows(region, year)
    if name == "economy":
        return ECONOMY_COLUMNS, economy_rows(region, year)
    return PROJECT_COLUMNS, project_rows(region, year)


def dataset_json(name: str, region: Region, year: int) -> dict[str, Any]:
    base = {"region": {"code": region.code, "name": region_label(region), "level": region.level}}
    if name == "population":
        return {**base, **population_json(region)}
    if name == "projects":
        rows = project_rows(region, year)
        return {
            **base,
            "year": year,
            "projects": [
                dict(zip(PROJECT_COLUMNS, [_plain(v) for v in r], strict=True)) for r in rows
            ],
        }
    if name == "budget":
        budget = budget_figures(region=region, year=year)
        return {**base, "year": year, **budget_json(budget)}
    if name == "letters":
        letters = published_letters_all(regency_code=regency_code_of(region.code), year=year)
        return {
            **base,
            "year": year,
            "regions": [
                {
                    "code": r.code,
                    "name": region_label(r),
                    **_letters_of(letters, r.code, year),
                }
                for r in regions_below(region)
            ],
        }
    if name == "economy":
        return {
            **base,
            "year": year,
            "regions": [
                {
                    "code": r.code,
                    "name": region_label(r),
                    **economy_json(published_economy(region_code=r.code, year=year)),
                }
                for r in regions_below(region)
            ],
        }
    return {**base, "year": year, **region_summary(region, year)}


def _plain(value: Any) -> Any:
    return money(value) if isinstance(value, Decimal) else value


def budget_json(budget: BudgetFigures) -> dict[str, Any]:
    def lines(rows: list[Amounts]) -> list[dict[str, Any]]:
        return [
            {
                "code": r.key,
                "label": r.label,
                "planned": money(r.planned),
                "realised": money(r.realised),
            }
            for r in rows
        ]

    return {
        "desa": budget.desa,
        "approved_budgets": budget.approved,
        "revenue_by_fund_source": lines(budget.revenue),
        "expenditure_by_sector": lines(budget.spending),
        "expenditure_by_region": lines(budget.by_child),
    }


def region_summary(region: Region, year: int) -> dict[str, Any]:
    """Everything a region page shows, as JSON (also the API's answer)."""
    data = region_figures(region=region, year=year)
    population = data.population
    return {
        "profile": {
            "code": region.code,
            "name": region.name,
            "kind": region.kind,
            "parent": region.parent_id,
            "area_km2": region.area_km2,
        },
        "population": {
            "residents": population.total,
            "households": population.households,
            "suppression_threshold": population.threshold,
        },
        "budget": None if data.budget is None else budget_json(data.budget),
        "projects": {
            "published": data.projects.total,
            "by_status": data.projects.counts,
            "budget": money(data.projects.budget),
        },
        "letters": data.letters,
        "economy": economy_json(data.economy),
        "children": [
            {"code": c.code, "name": c.name, "residents": c.population} for c in data.children
        ],
    }


def money(value: Decimal) -> str:
    return f"{value:.2f}"
