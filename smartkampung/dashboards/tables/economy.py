"""Economy tables: approved local businesses per KBLI sector, kecamatan and village; BUMDes
capital placed from the APBDes against the PAD share paid back, per kecamatan and village."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from smartkampung.economy.kbli import SECTION_NAMES

from ..selectors import DashboardData, VillageFigures
from .base import (
    ZERO,
    Cell,
    Column,
    Table,
    count,
    dashboard_url,
    money,
    percent_cell,
    share,
    text,
    url,
    village_url,
)


def _sector_label(letter: str) -> str:
    return f"{letter} {SECTION_NAMES.get(letter, '')}".strip()


def _sector_counts(villages: Iterable[VillageFigures]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in villages:
        for letter, n in v.businesses.items():
            counts[letter] = counts.get(letter, 0) + n
    return counts


def _groups(data: DashboardData, by_village: bool) -> dict[str, tuple[str, list[VillageFigures]]]:
    groups: dict[str, tuple[str, list[VillageFigures]]] = {}
    for v in data.villages:
        code, name = (v.code, v.name) if by_village else (v.district_code, v.district_name)
        groups.setdefault(code, (name, []))[1].append(v)
    return groups


def _name_cell(data: DashboardData, code: str, name: str, by_village: bool) -> Cell:
    return text(name, village_url(code) if by_village else dashboard_url(data, code))


def businesses_sectors(data: DashboardData, params: Mapping[str, str]) -> Table:
    counts = _sector_counts(data.villages)
    return Table(
        key="businesses-sectors",
        title=_("Approved local businesses by KBLI sector"),
        columns=[Column(_("Sector (KBLI)")), Column(_("Businesses"), numeric=True)],
        rows=[[text(_sector_label(s)), count(counts[s])] for s in sorted(counts)],
        totals=[text(_("Total")), count(sum(counts.values()))],
    )


def _businesses_table(data: DashboardData, key: str, by_village: bool) -> Table:
    present = sorted(_sector_counts(data.villages))
    rows = []
    for code, (name, villages) in _groups(data, by_village).items():
        counts = _sector_counts(villages)
        if by_village and not counts:
            continue
        link = url("economy:market", code) if by_village else ""
        rows.append(
            [_name_cell(data, code, name, by_village), count(sum(counts.values()), link)]
            + [count(counts.get(s, 0)) for s in present]
        )
    totals = _sector_counts(data.villages)
    return Table(
        key=key,
        title=(
            _("Approved local businesses by village and sector")
            if by_village
            else _("Approved local businesses by kecamatan and sector")
        ),
        columns=[Column(_("Village") if by_village else _("Kecamatan"))]
        + [Column(_("Businesses"), numeric=True)]
        + [Column(_sector_label(s), numeric=True) for s in present],
        rows=rows,
        totals=[text(_("Total")), count(sum(totals.values()))]
        + [count(totals[s]) for s in present],
        note=_("Businesses the village approved, in the register today, whatever the year."),
    )


def businesses_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    return _businesses_table(data, "businesses-districts", by_village=False)


def businesses_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    return _businesses_table(data, "businesses-villages", by_village=True)


def _bumdes_sums(villages: Iterable[VillageFigures]) -> tuple[int, Decimal, Decimal]:
    enterprises, placed, returned = 0, ZERO, ZERO
    for v in villages:
        if v.bumdes is None:
            continue
        enterprises += int(v.bumdes["enterprises"])
        placed += Decimal(v.bumdes["placed"])
        returned += Decimal(v.bumdes["returned"])
    return enterprises, placed, returned


def _bumdes_table(data: DashboardData, key: str, by_village: bool) -> Table:
    rows = []
    for code, (name, villages) in _groups(data, by_village).items():
        enterprises, placed, returned = _bumdes_sums(villages)
        if by_village and not any(v.bumdes for v in villages):
            continue
        overview = url("economy:overview", code)
        rows.append(
            [
                _name_cell(data, code, name, by_village),
                count(enterprises, overview),
                money(placed, overview),
                money(returned, overview),
                percent_cell(share(returned, placed)),
            ]
        )
    enterprises, placed, returned = _bumdes_sums(data.villages)
    overview = url("economy:overview", data.region.code)
    return Table(
        key=key,
        title=(
            _("BUMDes capital placed and returned to %(year)s, by village")
            if by_village
            else _("BUMDes capital placed and returned to %(year)s, by kecamatan")
        )
        % {"year": data.year},
        columns=[
            Column(_("Village") if by_village else _("Kecamatan")),
            Column(_("BUMDes"), numeric=True),
            Column(_("Capital placed"), numeric=True),
            Column(_("Returned to the village (PAD)"), numeric=True),
            Column(_("Return on capital"), numeric=True),
        ],
        rows=rows,
        totals=[
            text(_("Total")),
            count(enterprises, overview),
            money(placed, overview),
            money(returned, overview),
            percent_cell(share(returned, placed)),
        ],
        note=_(
            "Capital placed from the APBDes (financing 6.2.2) and the PAD share of the "
            "submitted or checked reports, every year up to the one shown."
        ),
    )


def bumdes_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    return _bumdes_table(data, "bumdes-districts", by_village=False)


def bumdes_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    return _bumdes_table(data, "bumdes-villages", by_village=True)
