"""The dashboard's tables, by section; ``build(key, data, params)`` makes any of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..selectors import DashboardData
from .base import Cell, Column, Table, table_url
from .budget import budget_districts, budget_villages, ceilings
from .economy import (
    bumdes_districts,
    bumdes_villages,
    businesses_districts,
    businesses_sectors,
    businesses_villages,
)
from .monitoring import flags_rules, flags_villages, projects_districts, projects_villages
from .rollout import rollout_districts, rollout_trend_table, rollout_villages
from .services import letters_districts, letters_months, letters_types, letters_villages
from .welfare import welfare_districts, welfare_overlap, welfare_report_url, welfare_villages

__all__ = ["BUILDERS", "Cell", "Column", "Table", "build", "table_url", "welfare_report_url"]

BUILDERS: dict[str, Callable[[DashboardData, Mapping[str, str]], Table]] = {
    "rollout-districts": rollout_districts,
    "rollout-villages": rollout_villages,
    "rollout-trend": rollout_trend_table,
    "budget-districts": budget_districts,
    "budget-villages": budget_villages,
    "ceilings": ceilings,
    "projects-districts": projects_districts,
    "projects-villages": projects_villages,
    "flags-rules": flags_rules,
    "flags-villages": flags_villages,
    "letters-months": letters_months,
    "letters-types": letters_types,
    "letters-districts": letters_districts,
    "letters-villages": letters_villages,
    "welfare-districts": welfare_districts,
    "welfare-villages": welfare_villages,
    "welfare-overlap": welfare_overlap,
    "businesses-sectors": businesses_sectors,
    "businesses-districts": businesses_districts,
    "businesses-villages": businesses_villages,
    "bumdes-districts": bumdes_districts,
    "bumdes-villages": bumdes_villages,
}


def build(key: str, data: DashboardData, params: Mapping[str, str] | None = None) -> Table:
    table = BUILDERS[key](data, params or {})
    table.page_url = table_url(data, key, **table.filters)
    return table
