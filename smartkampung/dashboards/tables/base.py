"""The dashboard's tables: one definition used by the page, the full list and the CSV export.

Each builder (``rollout``, ``budget``, ``monitoring``, ``services``) turns ``DashboardData``
into a ``Table`` of ``Cell``s: the raw value (for CSV), the text shown, and the link to the list
behind the figure (another app's list filtered to it, or a fuller dashboard table). Builders
accept a few filters from the query string (``active``, ``submitted``, ``over``, ``issued``) so
that a headline figure can link to exactly its rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from smartkampung.core.templatetags.sk import percent, rupiah

from ..selectors import DashboardData, VillageFigures

ZERO = Decimal("0")


@dataclass(frozen=True)
class Cell:
    value: Any
    text: str
    url: str = ""
    numeric: bool = False
    bar: float | None = None  # 0–100: drawn as a bar next to the number


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None
    note: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    page_url: str = ""  # the full table page (set by ``build``)

    @property
    def csv_url(self) -> str:
        return self.page_url + "&format=csv"


def url(name: str, *args: Any, **params: Any) -> str:
    base = reverse(name, args=args)
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


def table_url(data: DashboardData, key: str, **filters: str) -> str:
    return url(
        "dashboards:table",
        key,
        region=filters.pop("region", data.region.code),
        year=data.year,
        **filters,
    )


def text(value: str, url: str = "") -> Cell:
    return Cell(value=value, text=value, url=url)


def count(n: int, url: str = "") -> Cell:
    return Cell(value=n, text=formats.number_format(n, force_grouping=True), url=url, numeric=True)


def money(amount: Decimal, url: str = "") -> Cell:
    return Cell(value=amount, text=rupiah(amount), url=url, numeric=True)


def percent_cell(value: float | None, url: str = "") -> Cell:
    bar = None if value is None else round(max(0.0, min(100.0, value)), 1)
    return Cell(
        value=None if value is None else round(value, 2),
        text=percent(value),
        url=url,
        numeric=True,
        bar=bar,
    )


def share(part: Decimal | int, whole: Decimal | int) -> float | None:
    return float(Decimal(part) / Decimal(whole) * 100) if whole else None


def date_cell(value: str | None) -> Cell:
    moment = parse_datetime(value) if value else None
    if moment is None:
        return Cell(value="", text=_("never"))
    return Cell(
        value=moment.date().isoformat(), text=formats.date_format(moment, "SHORT_DATE_FORMAT")
    )


def village_url(code: str) -> str:
    return reverse("regions:village", args=[code])


def dashboard_url(data: DashboardData, region: str) -> str:
    return url("dashboards:index", region=region, year=data.year)


def filter_villages(
    rows: Iterable[VillageFigures], params: Mapping[str, str], tests: dict[str, Any]
) -> list[VillageFigures]:
    kept = list(rows)
    for name, test in tests.items():
        wanted = params.get(name, "")
        if wanted in {"yes", "no"}:
            kept = [v for v in kept if bool(test(v)) == (wanted == "yes")]
    return kept
