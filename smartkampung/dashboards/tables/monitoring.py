"""Monitoring tables: projects by status, open red flags by type and by village."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from smartkampung.projects.models import RuleCode

from ..selectors import DashboardData, VillageFigures
from .base import (
    Column,
    Table,
    count,
    dashboard_url,
    text,
    url,
    village_url,
)

PROJECT_STATUSES = ("planned", "ongoing", "completed", "late")


def _project_status_labels() -> dict[str, str]:
    return {
        "planned": _("Planned"),
        "ongoing": _("Ongoing"),
        "completed": _("Completed"),
        "late": _("Late"),
    }


def _projects_table(data: DashboardData, key: str, by_village: bool) -> Table:
    groups: dict[str, tuple[str, list[VillageFigures]]] = {}
    for v in data.villages:
        code, name = (v.code, v.name) if by_village else (v.district_code, v.district_name)
        groups.setdefault(code, (name, []))[1].append(v)
    labels = _project_status_labels()

    def link(code: str, status: str) -> str:
        where = {"village": code} if by_village else {"kecamatan": code}
        return url("projects:map", year=data.year, status=status, **where)

    rows = []
    for code, (name, villages) in groups.items():
        counts = {s: sum(v.projects.get(s, 0) for v in villages) for s in PROJECT_STATUSES}
        if by_village and not any(counts.values()):
            continue
        rows.append(
            [text(name, village_url(code) if by_village else dashboard_url(data, code))]
            + [count(counts[s], link(code, s)) for s in PROJECT_STATUSES]
        )
    totals = {s: sum(v.projects.get(s, 0) for v in data.villages) for s in PROJECT_STATUSES}
    where = {} if data.is_regency else {"kecamatan": data.region.code}
    return Table(
        key=key,
        title=_("Projects of %(year)s by status") % {"year": data.year},
        columns=[Column(_("Village") if by_village else _("Kecamatan"))]
        + [Column(labels[s], numeric=True) for s in PROJECT_STATUSES],
        rows=rows,
        totals=[text(_("Total"))]
        + [
            count(totals[s], url("projects:map", year=data.year, status=s, **where))
            for s in PROJECT_STATUSES
        ],
        note=_("“Late”: past the planned end and below 100 %, whatever the status."),
    )


def projects_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    return _projects_table(data, "projects-districts", by_village=False)


def projects_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    return _projects_table(data, "projects-villages", by_village=True)


def flags_rules(data: DashboardData, params: Mapping[str, str]) -> Table:
    counts: dict[str, int] = {}
    for v in data.villages:
        for rule, n in v.flags.items():
            counts[rule] = counts.get(rule, 0) + n
    where = {} if data.is_regency else {"kecamatan": data.region.code}
    rows = [
        [
            text(str(label)),
            count(counts[rule], url("projects:flag_queue", rule=rule, status="open", **where)),
        ]
        for rule, label in RuleCode.choices
        if counts.get(rule)
    ]
    return Table(
        key="flags-rules",
        title=_("Open red flags by type"),
        columns=[Column(_("Type")), Column(_("Open flags"), numeric=True)],
        rows=rows,
        totals=[
            text(_("Total")),
            count(sum(counts.values()), url("projects:flag_queue", status="open", **where)),
        ],
    )


def flags_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    rules = [(rule, label) for rule, label in RuleCode.choices]
    present = [r for r in rules if any(v.flags.get(r[0]) for v in data.villages)]
    flagged = sorted(
        (v for v in data.villages if v.flags),
        key=lambda v: (-sum(v.flags.values()), v.code),
    )
    rows = [
        [
            text(v.name, village_url(v.code)),
            text(v.district_name),
            count(sum(v.flags.values()), url("projects:map", village=v.code, flag="any")),
        ]
        + [
            count(v.flags.get(rule, 0), url("projects:map", village=v.code, flag=rule))
            for rule, _label in present
        ]
        for v in flagged
    ]
    return Table(
        key="flags-villages",
        title=_("Open red flags by village"),
        columns=[
            Column(_("Village")),
            Column(_("Kecamatan")),
            Column(_("Open flags"), numeric=True),
        ]
        + [Column(str(label), numeric=True) for _rule, label in present],
        rows=rows,
        note=_("Villages without open flags are not listed."),
    )
