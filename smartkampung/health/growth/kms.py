"""Growth "naik / tidak naik" on the KMS: this month's weight against last month's.

N (naik) when the gain reaches the minimum weight gain (KBM) for the child's age, T (tidak
naik) when it does not, O when the child was not weighed the month before, B at the first
weighing. The KBM table is data (``data/kms/kbm.csv``, with its source).
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from .who import DAYS_PER_MONTH

KBM_FILE = Path(__file__).resolve().parents[3] / "data" / "kms" / "kbm.csv"


class Trend(models.TextChoices):
    UP = "N", _("Gained (N)")
    NOT_UP = "T", _("Did not gain (T)")
    MISSED = "O", _("Not weighed last month (O)")
    FIRST = "B", _("First weighing (B)")


@cache
def kbm_table() -> dict[int, int]:
    with KBM_FILE.open(encoding="utf-8") as handle:
        return {int(r["age_months"]): int(r["min_gain_g"]) for r in csv.DictReader(handle)}


def minimum_gain_g(age_days: int) -> int | None:
    """The KBM (grams) for a child of this age; None in the first month of life."""
    months = int(age_days // DAYS_PER_MONTH)
    table = kbm_table()
    if months < min(table):
        return None
    return table[min(months, max(table))]


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def growth_trend(
    *,
    visit_date: date,
    weight_kg: Decimal | float | None,
    age_days: int,
    previous_date: date | None,
    previous_weight_kg: Decimal | float | None,
) -> str:
    """The KMS code of one weighing given the child's previous weighing (or none)."""
    if weight_kg is None:
        return ""
    if previous_date is None or previous_weight_kg is None:
        return Trend.FIRST
    if _month_index(visit_date) - _month_index(previous_date) != 1:
        return Trend.MISSED
    kbm = minimum_gain_g(age_days)
    gain_g = (Decimal(str(weight_kg)) - Decimal(str(previous_weight_kg))) * 1000
    if kbm is None:
        return Trend.UP if gain_g > 0 else Trend.NOT_UP
    return Trend.UP if gain_g >= kbm else Trend.NOT_UP
