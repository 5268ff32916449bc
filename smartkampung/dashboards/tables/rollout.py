"""Rollout tables: villages running Smart Kampung, per kecamatan, per village, per day."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from ..selectors import DashboardData, VillageFigures, rollout_trend
from .base import (
    Cell,
    Column,
    Table,
    count,
    dashboard_url,
    date_cell,
    filter_villages,
    percent_cell,
    share,
    table_url,
    text,
    village_url,
)


def rollout_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    rows, total_active, total = [], 0, 0
    by_district: dict[str, list[VillageFigures]] = {}
    for v in data.villages:
        by_district.setdefault(v.district_code, []).append(v)
    for code, villages in by_district.items():
        active = sum(1 for v in villages if v.rollout.get("active"))
        total_active += active
        total += len(villages)
        rows.append(
            [
                text(villages[0].district_name, dashboard_url(data, code)),
                count(active, table_url(data, "rollout-villages", region=code, active="yes")),
                count(len(villages), table_url(data, "rollout-villages", region=code)),
                percent_cell(share(active, len(villages))),
            ]
        )
    return Table(
        key="rollout-districts",
        title=_("Villages running Smart Kampung, by kecamatan"),
        columns=[
            Column(_("Kecamatan")),
            Column(_("Active villages"), numeric=True),
            Column(_("Villages"), numeric=True),
            Column(_("Share"), numeric=True),
        ],
        rows=rows,
        totals=[
            text(_("Total")),
            count(total_active, table_url(data, "rollout-villages", active="yes")),
            count(total, table_url(data, "rollout-villages")),
            percent_cell(share(total_active, total)),
        ],
    )


def rollout_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    villages = filter_villages(data.villages, params, {"active": lambda v: v.rollout.get("active")})
    rows = [
        [
            text(v.name, village_url(v.code)),
            text(v.district_name),
            text(_("active") if v.rollout.get("active") else _("not active")),
            date_cell(v.rollout.get("last_login")),
        ]
        for v in villages
    ]
    return Table(
        key="rollout-villages",
        title=_("Villages and their Smart Kampung activity"),
        columns=[
            Column(_("Village")),
            Column(_("Kecamatan")),
            Column(_("Status")),
            Column(_("Last operator login")),
        ],
        rows=rows,
        filters={k: params[k] for k in ("active",) if params.get(k) in {"yes", "no"}},
    )


def rollout_trend_table(data: DashboardData, params: Mapping[str, str]) -> Table:

    trend = rollout_trend(region=data.region, days=settings.SK_ROLLOUT_TREND_DAYS)
    return Table(
        key="rollout-trend",
        title=_("Active villages per day"),
        columns=[
            Column(_("Day")),
            Column(_("Active villages"), numeric=True),
            Column(_("Villages"), numeric=True),
        ],
        rows=[
            [
                Cell(
                    value=r["day"].isoformat(),
                    text=formats.date_format(r["day"], "SHORT_DATE_FORMAT"),
                ),
                count(r["active"]),
                count(r["villages"]),
            ]
            for r in trend
        ],
    )
