"""Counts of issued letters per village, for the regency dashboard and the public portal.

Like the ``aggregate_*`` selectors: no actor, no personal data (no names, NIKs or numbers of
letters) — counts per village, month and type, and the time each took to issue.
``region_code`` limits them to a kecamatan or a village (prefix match on the code). A letter
counts on the day it was issued (numbered).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from .models import Letter
from .selectors import _letters_in


def _in_region(region_code: str) -> Q:
    return Q(village_id=region_code) | Q(village__pk__startswith=region_code + ".")


def letters_by_village_and_month(*, region_code: str, year: int) -> dict[str, list[int]]:
    """Per village code: twelve counts, January first (villages without letters are absent)."""
    result: dict[str, list[int]] = {}
    rows: QuerySet[Letter, Any] = (
        _letters_in(region_code, year)
        .annotate(month=ExtractMonth("issued_at"))
        .values("village_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        result.setdefault(row["village_id"], [0] * 12)[row["month"] - 1] += row["n"]
    return result


def issue_times_by_village_and_type(
    *, region_code: str, year: int
) -> dict[str, dict[str, list[int | None]]]:
    """Per village code and letter type code: the seconds from request to signed letter of each
    letter issued in ``year`` (None where not measured, e.g. a letter typed at the counter) —
    one entry per letter, so the length is the count. Lets a caller count and take medians for
    villages, kecamatan and the regency from one read."""
    result: dict[str, dict[str, list[int | None]]] = {}
    rows = _letters_in(region_code, year).values_list(
        "village_id", "letter_type__code", "issue_seconds"
    )
    for village, type_code, seconds in rows.iterator(chunk_size=10_000):
        result.setdefault(village, {}).setdefault(type_code, []).append(seconds)
    return result


def letters_issued_since(*, region_code: str, since: dt.datetime) -> dict[str, int]:
    """Per village code: letters issued from ``since`` until now (villages without: absent)."""
    rows = (
        Letter.objects.filter(_in_region(region_code), issued_at__gte=since)
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
        .order_by()
    )
    return dict(rows)
