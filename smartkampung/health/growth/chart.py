"""The child's growth chart (KMS): weight-for-age curves of WHO's standard and the child's
weighings, as a self-contained SVG (presentation attributes only: no script, no CSS), so it
renders on the page, prints, and passes the content-security policy."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

import numpy as np

from .who import DAYS_PER_MONTH, tables

WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 24, 40
MAX_MONTHS = 60
MAX_KG = 30.0
# (SD, stroke colour, label): the KMS lines of Permenkes 2/2020's weight-for-age classes.
CURVES = ((-3.0, "#b91c1c"), (-2.0, "#d97706"), (0.0, "#15803d"), (1.0, "#d97706"))


def _x(months: float) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * months / MAX_MONTHS


def _y(kg: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * kg / MAX_KG


def _curve(sex: int, sd: float) -> str:
    lms = tables()["waz"].lms[sex - 1]
    days = np.arange(0, lms.shape[0], 15)
    l, m, s = lms[days, 0], lms[days, 1], lms[days, 2]  # noqa: E741
    kg = m * (1 + l * s * sd) ** (1 / l)
    points = " ".join(
        f"{_x(d / DAYS_PER_MONTH):.1f},{_y(w):.1f}"
        for d, w in zip(days, kg, strict=True)
        if d / DAYS_PER_MONTH <= MAX_MONTHS
    )
    return points


def kms_svg(
    *, sex: int, points: Sequence[tuple[int, float]], title: str, x_label: str, y_label: str
) -> str:
    """``points``: (age in days, weight in kg) of each weighing."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for month in range(0, MAX_MONTHS + 1, 6):
        x = _x(month)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#e5e7eb"/>'
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">{month}</text>'
        )
    for kg in range(0, int(MAX_KG) + 1, 2):
        y = _y(kg)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{kg}</text>'
        )
    for sd, colour in CURVES:
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
            f'points="{_curve(sex, sd)}"/>'
        )
    child = [
        (_x(age / DAYS_PER_MONTH), _y(kg))
        for age, kg in points
        if 0 <= age / DAYS_PER_MONTH <= MAX_MONTHS and 0 < kg <= MAX_KG
    ]
    if len(child) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in child)
        parts.append(f'<polyline fill="none" stroke="#1d4ed8" stroke-width="2" points="{line}"/>')
    parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1d4ed8"/>' for x, y in child)
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
        f'<text x="12" y="{(TOP + HEIGHT - BOTTOM) / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {(TOP + HEIGHT - BOTTOM) / 2:.0f})">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
