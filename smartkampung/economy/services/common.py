"""Input cleaning shared by the economy services: every problem is collected per field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

# Up to 999 billion rupiah: more than any village enterprise, far below the column's limit.
MAX_AMOUNT = Decimal("999999999999.99")


def clean_text(value: Any, max_length: int) -> str:
    return " ".join(str(value or "").split())[:max_length]


def money(errors: dict[str, str], field: str, value: Any, *, required: bool = True) -> Decimal:
    """A non-negative amount of rupiah with at most 2 decimals; an error in ``errors`` else."""
    text = str(value if value is not None else "").strip().replace(" ", "")
    if text == "":
        if required:
            errors[field] = _("This field is required.")
        return Decimal("0.00")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        errors[field] = _("Not an amount of money.")
        return Decimal("0.00")
    if not number.is_finite():
        errors[field] = _("Not an amount of money.")
        return Decimal("0.00")
    if number < 0:
        errors[field] = _("Cannot be negative.")
        return Decimal("0.00")
    if number > MAX_AMOUNT:
        errors[field] = _("The amount is too large.")
        return Decimal("0.00")
    if number != number.quantize(Decimal("0.01")):
        errors[field] = _("At most two decimals.")
        return Decimal("0.00")
    return number.quantize(Decimal("0.01"))


def whole_number(errors: dict[str, str], field: str, value: Any, *, maximum: int) -> int:
    text = str(value if value is not None else "").strip()
    if text.lstrip("-").isdigit():
        number = int(text)
        if number < 0:
            errors[field] = _("Cannot be negative.")
        elif number > maximum:
            errors[field] = _("At most %(max)s.") % {"max": maximum}
        else:
            return number
    else:
        errors[field] = _("Not a whole number.")
    return 0


def year_value(errors: dict[str, str], field: str, value: Any) -> int:
    text = str(value if value is not None else "").strip()
    if not (text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        errors[field] = _("Not a year (2000–2100).")
        return 0
    return int(text)
