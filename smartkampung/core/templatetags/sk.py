"""Template helpers shared by every app: masking, numbers, SVG charts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import template

from smartkampung.core.formatting import format_date, format_datetime, format_duration
from smartkampung.core.privacy import mask_identifier, mask_name

register = template.Library()


@register.filter
def sk_date(value: Any) -> str:
    """``4 Desember 2026`` / ``4 December 2026`` (core.formatting)."""
    return format_date(value)


@register.filter
def sk_datetime(value: Any) -> str:
    """``4 Desember 2026, 09.30`` / ``4 December 2026, 09:30`` in local time."""
    return format_datetime(value)


@register.filter
def duration(value: Any, unit: str = "seconds") -> str:
    """``{{ hours|duration:"hours" }}`` → ``2 jam 10 menit``; never ``0,6 jam``."""
    return format_duration(value, unit=unit)


@register.filter
def masked(value: str | None) -> str:
    """NIK / KK number masked for lists and exports: ``3510••••••••0003``."""
    return mask_identifier(value)


@register.filter
def masked_name(value: str | None) -> str:
    return mask_name(value)


@register.filter
def rupiah(value: Decimal | int | float | None) -> str:
    """``1234567`` → ``Rp 1.234.567`` (Indonesian thousands separator, whole rupiah)."""
    if value is None:
        return "–"
    amount = round(Decimal(value))
    text = f"{abs(amount):,}".replace(",", ".")
    return f"{'-' if amount < 0 else ''}Rp {text}"


@register.filter
def percent(value: float | Decimal | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{float(value):.{int(digits)}f} %".replace(".", ",")


@register.inclusion_tag("core/partials/bar_chart.html")
def bar_chart(
    rows: Iterable[Mapping[str, Any]],
    title: str,
    label_key: str = "label",
    value_key: str = "value",
    unit: str = "",
) -> dict[str, Any]:
    """A horizontal bar chart drawn as inline SVG (no JavaScript), with its data table beside.

    Accessible: the SVG is labelled and the same numbers are in a real table.
    """
    items = [(str(r[label_key]), float(r[value_key] or 0)) for r in rows]
    top = max((v for _, v in items), default=0) or 1
    # Each row: its category's name above its bar (the chart reads without the table).
    label_height, bar_height, gap, chart_width = 5, 10, 4, 100
    pitch = label_height + bar_height + gap
    bars = [
        {
            "label": label,
            "value": value,
            "label_y": i * pitch + label_height - 1,
            "y": i * pitch + label_height,
            "width": round(value / top * chart_width, 2),
            "text_x": round(value / top * chart_width, 2) + 1,
            "text_y": i * pitch + label_height + 7,
        }
        for i, (label, value) in enumerate(items)
    ]
    return {
        "title": title,
        "bars": bars,
        "unit": unit,
        "bar_height": bar_height,
        "height": max(len(bars) * pitch, pitch),
    }


@register.inclusion_tag("core/partials/pyramid_chart.html")
def pyramid_chart(rows: Iterable[Mapping[str, Any]], title: str) -> dict[str, Any]:
    """A population pyramid: rows of ``{"band": "0-4", "male": n, "female": n}``, youngest first.

    Drawn oldest at the top, as pyramids are; its table lists the bands in the same order, and
    each bar row carries its age band."""
    items = list(rows)
    top = max((max(int(r["male"]), int(r["female"])) for r in items), default=0) or 1
    bar_height, gap, centre, half = 14, 3, 56, 43
    bands = []
    for i, r in enumerate(reversed(items)):
        male_w = round(int(r["male"]) / top * half, 2)
        female_w = round(int(r["female"]) / top * half, 2)
        bands.append(
            {
                "band": r["band"],
                "male": int(r["male"]),
                "female": int(r["female"]),
                "y": i * (bar_height + gap),
                "text_y": i * (bar_height + gap) + 9,
                "male_x": centre - male_w,
                "male_w": male_w,
                "female_w": female_w,
            }
        )
    return {
        "title": title,
        "bands": bands,
        "centre": centre,
        "bar_height": bar_height,
        "height": max(len(bands) * (bar_height + gap), bar_height),
    }
