"""Welfare tables (issue 13): aid recipients per programme by kecamatan and by village, the
overlap matrix between programmes, exclusion and inclusion errors — counts only, never a
name or NIK, and only for the roles that see welfare aggregates (``data.welfare`` is None for
the others, whose request for these tables answers 404)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from smartkampung.core.exceptions import NotFound

from ..selectors import DashboardData, VillageFigures, WelfareFigures
from .base import Column, Table, count, dashboard_url, filter_villages, text, url, village_url


def _figures(data: DashboardData) -> WelfareFigures:
    if data.welfare is None:
        raise NotFound(_("Not found."))
    return data.welfare


def welfare_report_url(data: DashboardData, fmt: str = "") -> str:
    """The welfare reports page (or one of its CSV exports) for the dashboard's month and
    region."""
    assert data.welfare is not None
    return url("welfare:report", period=data.welfare.period, region=data.region.code, format=fmt)


def _columns(figures: WelfareFigures, first: list[Column]) -> list[Column]:
    return [
        *first,
        *(Column(code, numeric=True) for code in figures.programmes),
        Column(_("Exclusion errors"), numeric=True),
        Column(_("Inclusion errors"), numeric=True),
    ]


def _counts(figures: WelfareFigures, villages: list[VillageFigures]) -> list[int]:
    return [
        *(
            sum(int(v.welfare.get("recipients", {}).get(code, 0)) for v in villages)
            for code in figures.programmes
        ),
        sum(int(v.welfare.get("exclusion", 0)) for v in villages),
        sum(int(v.welfare.get("inclusion", 0)) for v in villages),
    ]


def _note(figures: WelfareFigures) -> str:
    return _(
        "Active recipients in %(period)s. Exclusion errors: households of decile 1–%(decile)s "
        "receiving nothing; inclusion errors: recipients above the programme's decile ceiling "
        "or outside the register."
    ) % {"period": figures.period, "decile": figures.exclusion_decile}


def welfare_districts(data: DashboardData, params: Mapping[str, str]) -> Table:
    figures = _figures(data)
    by_district: dict[str, list[VillageFigures]] = {}
    for v in data.villages:
        by_district.setdefault(v.district_code, []).append(v)
    rows = [
        [
            text(villages[0].district_name, dashboard_url(data, code) + "#welfare"),
            *(count(n) for n in _counts(figures, villages)),
        ]
        for code, villages in by_district.items()
    ]
    return Table(
        key="welfare-districts",
        title=_("Aid recipients per programme, by kecamatan"),
        columns=_columns(figures, [Column(_("Kecamatan"))]),
        rows=rows,
        totals=[text(_("Total")), *(count(n) for n in _counts(figures, data.villages))],
        note=_note(figures),
    )


def welfare_villages(data: DashboardData, params: Mapping[str, str]) -> Table:
    figures = _figures(data)
    villages = filter_villages(
        data.villages,
        params,
        {
            "exclusion": lambda v: v.welfare.get("exclusion", 0),
            "inclusion": lambda v: v.welfare.get("inclusion", 0),
        },
    )
    rows = [
        [
            text(v.name, village_url(v.code)),
            text(v.district_name),
            *(count(n) for n in _counts(figures, [v])),
        ]
        for v in villages
    ]
    return Table(
        key="welfare-villages",
        title=_("Aid recipients per programme, by village"),
        columns=_columns(figures, [Column(_("Village")), Column(_("Kecamatan"))]),
        rows=rows,
        totals=[text(_("Total")), text(""), *(count(n) for n in _counts(figures, villages))],
        note=_note(figures),
        filters={
            k: params[k] for k in ("exclusion", "inclusion") if params.get(k) in {"yes", "no"}
        },
    )


def welfare_overlap(data: DashboardData, params: Mapping[str, str]) -> Table:
    figures = _figures(data)
    return Table(
        key="welfare-overlap",
        title=_("Households receiving both programmes, %(period)s") % {"period": figures.period},
        columns=[Column(_("Programme")), *(Column(c, numeric=True) for c in figures.programmes)],
        rows=[[text(code), *(count(n) for n in values)] for code, values in figures.overlap_rows()],
        note=_("The diagonal is each programme's number of households."),
    )
