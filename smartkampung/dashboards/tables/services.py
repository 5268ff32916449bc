"""Service tables: letters per month, time to issue per type, backlog, letters per village."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import formats
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from ..selectors import DashboardData, VillageFigures
from .base import (
    Cell,
    Column,
    Table,
    count,
    dashboard_url,
    filter_villages,
    text,
    url,
    village_url,
)


def _letters_url(data: DashboardData, region: str, spm: bool = False) -> str:
    name = "letters:spm_list" if spm else "letters:overview"
    return url(name, region=region, year=data.year)


def letters_months(data: DashboardData, params: Mapping[str, str]) -> Table:
    totals = [sum(v.letters[m] for v in data.villages) for m in range(12)]
    top = max(totals) or 1
    link = _letters_url(data, data.region.code)
    rows = [
        [
            text(str(MONTHS[m + 1])),
            Cell(
                value=n,
                text=formats.number_format(n, force_grouping=True),
                url=link,
                numeric=True,
                bar=round(n / top * 100, 1),
            ),
        ]
        for m, n in enumerate(totals)
    ]
    return Table(
        key="letters-months",
        title=_("Letters issued per month in %(year)s") % {"year": data.year},
        columns=[Column(_("Month")), Column(_("Letters"), numeric=True)],
        rows=rows,
        totals=[text(_("Total")), count(sum(totals), link)],
    )


def _minutes(value: float | None) -> Cell:
    if value is None:
        return Cell(value=None, text="–", numeric=True)
    places = 0 if float(value) == int(value) else 1
    return Cell(value=value, text=formats.number_format(value, decimal_pos=places), numeric=True)


def letters_types(data: DashboardData, params: Mapping[str, str]) -> Table:
    figures = data.services.get(data.region.code, {})
    rows = []
    for t in figures.get("types", []):
        if not t["count"]:
            continue
        spm = t["code"] == "spm"
        within = t["within_target"]
        rows.append(
            [
                text(t["title"]),
                count(t["count"], _letters_url(data, data.region.code, spm=spm)),
                _minutes(t["median_minutes"]),
                _minutes(t["target_minutes"]),
                text("–" if within is None else _("yes") if within else _("no")),
            ]
        )
    return Table(
        key="letters-types",
        title=_("Time to issue per letter type, %(year)s") % {"year": data.year},
        columns=[
            Column(_("Letter type")),
            Column(_("Letters"), numeric=True),
            Column(_("Median minutes"), numeric=True),
            Column(_("Target minutes"), numeric=True),
            Column(_("Within target")),
        ],
        rows=rows,
        note=_("From the request to the signed letter; the SPM's target is 30 minutes."),
    )


def letters_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    by_district: dict[str, list[VillageFigures]] = {}
    for v in data.villages:
        by_district.setdefault(v.district_code, []).append(v)
    rows = []
    for code, villages in by_district.items():
        backlog = data.services.get(code, {}).get("backlog", {})
        link = _letters_url(data, code)
        rows.append(
            [
                text(villages[0].district_name, dashboard_url(data, code)),
                count(sum(v.letters_year for v in villages), link),
                count(backlog.get("open", 0), link),
                count(backlog.get("returned", 0), link),
                _minutes(backlog.get("oldest_hours")),
            ]
        )
    own = data.services.get(data.region.code, {}).get("backlog", {})
    link = _letters_url(data, data.region.code)
    return Table(
        key="letters-districts",
        title=_("Letters and backlog, by kecamatan"),
        columns=[
            Column(_("Kecamatan")),
            Column(_("Letters this year"), numeric=True),
            Column(_("Requests waiting"), numeric=True),
            Column(_("Returned to the applicant"), numeric=True),
            Column(_("Oldest waiting (hours)"), numeric=True),
        ],
        rows=rows,
        totals=[
            text(_("Total")),
            count(sum(v.letters_year for v in data.villages), link),
            count(own.get("open", 0), link),
            count(own.get("returned", 0), link),
            _minutes(own.get("oldest_hours")),
        ],
        note=_("Waiting: submitted, checked or approved and not yet signed."),
    )


def letters_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    villages = filter_villages(
        data.villages,
        params,
        {"issued": lambda v: v.letters_year, "spm_outside": lambda v: v.spm_outside},
    )
    days = data.rollout.get("service_days", 30)
    rows = [
        [
            text(v.name, village_url(v.code)),
            text(v.district_name),
            count(v.letters_year, _letters_url(data, v.code)),
            count(int(v.rollout.get("services_issued") or 0)),
            count(v.spm_outside),
        ]
        for v in villages
    ]
    return Table(
        key="letters-villages",
        title=_("Letters issued by each village"),
        columns=[
            Column(_("Village")),
            Column(_("Kecamatan")),
            Column(_("Letters this year"), numeric=True),
            Column(_("Last %(days)s days") % {"days": days}, numeric=True),
            Column(_("SPMs outside the welfare register"), numeric=True),
        ],
        rows=rows,
        filters={k: params[k] for k in ("issued", "spm_outside") if params.get(k) in {"yes", "no"}},
    )
