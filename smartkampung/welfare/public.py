"""Actor-free aggregates for the public portal: recipients per programme and village in the
latest month with recipients (no personal data). The portal applies its small-cell
suppression before publishing them (ADR 0086)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from . import reports
from .models import AidProgramme, Enrolment, EnrolmentStatus, SpmOutsideRegister
from .selectors import current_period


def latest_period(*, regency_code: str) -> str | None:
    """The latest month, up to the current one, with active recipients in the regency."""
    return (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ACTIVE,
            programme__regency_id=regency_code,
            period__lte=current_period(),
        )
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def village_counts(*, regency_code: str, period: str) -> dict[str, dict[str, int]]:
    """village code → {programme code: active recipients} for every village with any."""
    rows = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ACTIVE,
            period=period,
            programme__regency_id=regency_code,
        )
        .order_by()
        .values_list("village_id", "programme__code")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {}
    for village, code, n in rows:
        counts.setdefault(str(village), {})[str(code)] = int(n)
    return counts


def programme_names(*, regency_code: str) -> list[tuple[str, str]]:
    """(code, name) of the regency's programmes, by code."""
    return [
        (str(code), str(name))
        for code, name in AidProgramme.objects.filter(regency_id=regency_code)
        .order_by("code")
        .values_list("code", "name")
    ]


def spm_outside_register_by_village(*, regency_code: str, year: int) -> dict[str, int]:
    """village code → SPMs issued in ``year`` to households outside the welfare register
    (for the regency dashboard; counts only)."""
    prefix = regency_code + "."
    rows = (
        SpmOutsideRegister.objects.filter(recorded_at__year=year)
        .order_by()
        .values_list("village_id")
        .annotate(n=Count("pk"))
    )
    return {str(code): int(n) for code, n in rows if str(code).startswith(prefix)}


def dashboard_period(*, regency_code: str, year: int) -> str:
    """The month the regency dashboard shows for ``year``: the latest month of the year, up
    to the current one, with active recipients in the regency; else the year's last month so
    far (or its first, for a year still to come)."""
    first, last = f"{year:04d}-01", min(f"{year:04d}-12", current_period())
    last = max(last, first)
    found = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ACTIVE,
            programme__regency_id=regency_code,
            period__gte=first,
            period__lte=last,
        )
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return str(found or last)


def dashboard_figures(*, regency_code: str, year: int) -> dict[str, Any]:
    """Counts for the regency dashboard's welfare section (actor-free: the dashboard shows
    them only to ``REPORT_ROLES``): per village the recipients per programme and the
    exclusion and inclusion errors, and the overlap masks per village; the same functions as
    the welfare reports, with the regency as the scope. One query per figure."""
    period = dashboard_period(regency_code=regency_code, year=year)
    where = Q(village__pk__startswith=regency_code + ".")
    villages: dict[str, dict[str, Any]] = {}

    def village(code: str) -> dict[str, Any]:
        return villages.setdefault(code, {"recipients": {}, "exclusion": 0, "inclusion": 0})

    for row in reports.recipient_rows(where=where, period=period):
        village(str(row["village_id"]))["recipients"][str(row["programme__code"])] = row["n"]
    for row in reports.error_count_rows(where=where, period=period):
        figures = village(str(row["village"]))
        figures["exclusion"], figures["inclusion"] = row["exclusion"], row["inclusion"]
    programmes = reports.programme_bits()
    masks = reports.overlap_masks(scope=[regency_code], period=period, programmes=programmes)
    # The matrix of the regency and of each kecamatan (a household counts once, so the
    # matrices are summed from households per village and mask here, not on the page).
    by_region: dict[str, list[tuple[str, frozenset[str], int]]] = {regency_code: masks}
    for mask in masks:
        by_region.setdefault(".".join(mask[0].split(".")[:3]), []).append(mask)
    return {
        "period": period,
        "exclusion_decile": reports.exclusion_decile(),
        "programmes": [code for _pk, code in programmes],
        "villages": villages,
        "overlap": {
            region: [[a, b, n] for (a, b), n in sorted(reports.overlap_pairs(rows).items())]
            for region, rows in by_region.items()
        },
    }
