"""Template helpers of the public portal: counts that may be suppressed, bars in table cells."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def count(value: int | None) -> SafeString | str:
    """A published count, or the marker of a suppressed (hidden) cell."""
    if value is None:
        return format_html('<span class="suppressed">{}</span>', _("hidden"))
    return formats.number_format(value, force_grouping=True)


@register.simple_tag
def bar(
    value: int | float | Decimal | None, top: int | float | Decimal | None, kind: str = ""
) -> SafeString | str:
    """A horizontal bar (inline SVG, no inline style: CSP) of ``value`` against ``top``."""
    if value is None or not top:
        return ""
    width = max(0.0, min(100.0, float(value) / float(top) * 100))
    return format_html(
        '<svg class="p-bar {}" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect class="bar-track" width="100" height="6"/>'
        '<rect class="bar-fill" width="{}" height="6"/></svg>',
        kind,
        f"{width:.1f}",
    )


@register.filter
def top_of(rows: list[dict[str, object]], key: str) -> float:
    """The largest value of ``key`` among rows (for bar scales); hidden cells count as 0."""
    values = []
    for row in rows:
        value = row.get(key) if isinstance(row, dict) else getattr(row, key, None)
        if isinstance(value, int | float | Decimal):
            values.append(float(value))
    return max(values, default=0.0)


@register.filter
def pyramid_top(rows: list[dict[str, int | None]]) -> int:
    return max((v for r in rows for v in (r["male"], r["female"]) if v), default=0)


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def rupiah_short(value: int | float | Decimal | None) -> str:
    """``1785549200`` → ``Rp 1,79 M`` (Indonesian) / ``Rp 1.79 bn``: short enough for a phone
    screen. The exact amounts are in the open data."""
    if value is None:
        return "–"
    amount = Decimal(str(value))
    for size, suffix in ((10**12, _("tn")), (10**9, _("bn")), (10**6, _("m"))):
        if abs(amount) >= size:
            scaled = amount / size
            # Three significant digits, rounded half up: 1,79 M · 56,3 jt · 692 jt.
            places = 2 if abs(scaled) < 10 else 1 if abs(scaled) < 100 else 0
            rounded = scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            return f"Rp {formats.number_format(rounded, decimal_pos=places)} {suffix}"
    whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"Rp {formats.number_format(whole, force_grouping=True)}"


@register.filter
def minutes(value: int | float | None) -> str:
    """``28.0`` → ``28 menit``; ``1440`` → ``24 jam`` (targets of a day and more in hours)."""
    if value is None:
        return "–"
    amount = float(value)
    if amount >= 120:
        hours = formats.number_format(
            round(amount / 60, 1), decimal_pos=0 if amount % 60 == 0 else 1
        )
        return _("%(hours)s h") % {"hours": hours}
    number = formats.number_format(round(amount, 1), decimal_pos=0 if amount == int(amount) else 1)
    return _("%(minutes)s min") % {"minutes": number}
