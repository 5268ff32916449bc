"""Numbers on public pages: short amounts for phones, hidden counts marked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from smartkampung.portal.templatetags.portal import bar, count, rupiah_short


@pytest.mark.parametrize(
    "value,indonesian,english",
    [
        (Decimal("1785549200"), "Rp 1,79 M", "Rp 1.79 bn"),
        (691_699_200, "Rp 692 jt", "Rp 692 m"),
        (56_250_000, "Rp 56,3 jt", "Rp 56.3 m"),
        (2_500_000, "Rp 2,50 jt", "Rp 2.50 m"),
        (950_000, "Rp 950.000", "Rp 950,000"),
        (0, "Rp 0", "Rp 0"),
        (None, "–", "–"),
    ],
)
def test_short_amounts(value: object, indonesian: str, english: str) -> None:
    with translation.override("id"):
        assert rupiah_short(value) == indonesian
    with translation.override("en"):
        assert rupiah_short(value) == english


def test_counts_and_hidden_cells() -> None:
    with translation.override("id"):
        assert count(1234) == "1.234"
        assert count(None) == '<span class="suppressed">disembunyikan</span>'


def test_bars_have_no_inline_style_and_stay_in_range() -> None:
    svg = bar(150, 100)
    assert 'width="100.0"' in svg and "style" not in svg
    assert bar(None, 100) == "" and bar(5, 0) == ""
