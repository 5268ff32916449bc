"""Reading Siskeudes values: numbers as Access exports write them, columns by name."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def parse_number(text: str) -> Decimal | None:
    """Siskeudes numbers: ``267000000``, ``1.2446900000000000e+007``; empty is None."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")  # a decimal comma from a localised converter
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(cleaned) from None
    if not number.is_finite():
        raise ValueError(cleaned)
    return number


def money(number: Decimal) -> Decimal:
    """Rounded half up to the cent."""
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def value(row: dict[str, str], *names: str) -> str:
    """The first non-empty of ``names`` (column names are matched case-insensitively)."""
    for name in names:
        found = row.get(name.lower(), "")
        if found:
            return found
    return ""
