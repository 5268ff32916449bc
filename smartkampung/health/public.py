"""Actor-free aggregates for the public portal: the latest month's counts per village (no
personal data). The portal applies its small-cell suppression before publishing them."""

from __future__ import annotations

from datetime import date

from .models import AreaKind, PrevalenceFigure


def latest_month() -> date | None:
    return (
        PrevalenceFigure.objects.filter(area_kind=AreaKind.REGENCY)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def village_counts(*, regency_code: str, month: date) -> dict[str, dict[str, int]]:
    """code → {"measured", "stunted", "weighed_for_height", "wasted", "weighed",
    "underweight"} for every village of the regency with figures that month."""
    fields = ("measured", "stunted", "weighed_for_height", "wasted", "weighed", "underweight")
    rows = PrevalenceFigure.objects.filter(
        area_kind=AreaKind.VILLAGE, month=month, area_code__startswith=regency_code + "."
    ).values_list("area_code", *fields)
    return {row[0]: dict(zip(fields, row[1:], strict=True)) for row in rows}
