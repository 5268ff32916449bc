"""Precomputed prevalence of stunting, wasting and underweight per posyandu, village,
kecamatan and regency and month (``manage.py health_recompute``).

One grouped query over the visits counts, per posyandu and month, the children with a counted
(not re-measured, plausible) value and those below −2 SD; villages, kecamatan and the regency
are sums of their posyandu (a child is measured at one posyandu a month). The figures carry no
personal data; pages read them instead of the visits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from smartkampung import audit

from .models import AreaKind, GrowthVisit, PrevalenceFigure

COUNTS = (
    "measured",
    "stunted",
    "severely_stunted",
    "weighed_for_height",
    "wasted",
    "overweight",
    "weighed",
    "underweight",
)


def _grouped(months: list[date] | None) -> list[dict[str, Any]]:
    qs = GrowthVisit.objects.filter(remeasured_by__isnull=True)
    if months:
        qs = qs.filter(month__in=months)
    haz_ok = Q(haz__isnull=False) & ~Q(flags__in=_with_bit(1))
    whz_ok = Q(whz__isnull=False) & ~Q(flags__in=_with_bit(4))
    waz_ok = Q(waz__isnull=False) & ~Q(flags__in=_with_bit(2))
    return list(
        qs.values("posyandu_id", "village_id", "month")
        .annotate(
            measured=Count("id", filter=haz_ok),
            stunted=Count("id", filter=Q(stunted=True)),
            severely_stunted=Count("id", filter=Q(severely_stunted=True)),
            weighed_for_height=Count("id", filter=whz_ok),
            wasted=Count("id", filter=Q(wasted=True)),
            overweight=Count("id", filter=Q(overweight=True)),
            weighed=Count("id", filter=waz_ok),
            underweight=Count("id", filter=Q(underweight=True)),
        )
        .order_by()
    )


def _with_bit(bit: int) -> list[int]:
    """Every flags value (6 bits) that has ``bit`` set, for a portable IN filter."""
    return [v for v in range(64) if v & bit]


def prevalence_recompute(*, months: list[date] | None = None) -> int:
    """Recompute the figures of ``months`` (first days; default every month with visits).
    Idempotent; returns the number of figure rows written."""
    sums: dict[tuple[str, str, date], list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for row in _grouped(months):
        village = row["village_id"]
        areas = (
            (AreaKind.POSYANDU, str(row["posyandu_id"])),
            (AreaKind.VILLAGE, village),
            (AreaKind.DISTRICT, village.rsplit(".", 1)[0]),
            (AreaKind.REGENCY, village.rsplit(".", 2)[0]),
        )
        for kind, code in areas:
            acc = sums[(kind, code, row["month"])]
            for i, name in enumerate(COUNTS):
                acc[i] += row[name]
    now = timezone.now()
    figures = [(kind, code, month, *acc, now) for (kind, code, month), acc in sums.items()]
    with transaction.atomic():
        old = PrevalenceFigure.objects.all()
        if months:
            old = old.filter(month__in=months)
        old._raw_delete(old.db)  # no relations point at figures: one DELETE statement
        _insert_rows(figures)
        audit.record(
            None,
            "health.prevalence_recompute",
            None,
            {"months": [m.isoformat() for m in months] if months else "all", "rows": len(figures)},
        )
    return len(figures)


def _insert_rows(rows: list[tuple[Any, ...]]) -> None:
    """Plain parameterised INSERTs: Django's bulk_create spent 12 s preparing 45,000 rows'
    values one field at a time; psycopg's executemany pipelines them."""
    table = PrevalenceFigure._meta.db_table
    columns = ["area_kind", "area_code", "month", *COUNTS, "computed_at"]
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's cursor: COPY streams the rows in one statement
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
