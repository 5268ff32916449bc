"""The CSV form of the z-score computation (``manage.py growth_zscores``).

IN: ``id,sex,birth_date,visit_date,weight_kg,height_cm,position`` (sex ``M``/``F``, dates
``YYYY-MM-DD``, position ``lying``/``standing``, measurements may be empty).
OUT: ``id,age_days,waz,haz,whz,baz,flags`` — z-scores to 2 decimals, empty where not defined;
``flags`` names the implausible values, separated by ``;`` (e.g. ``haz;whz``).
Every row is checked first; one bad row refuses the file and nothing is written.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from datetime import date
from typing import IO, Any

import numpy as np
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import ValidationFailed

from .who import FEMALE, LYING, MALE, STANDING, UNKNOWN_POSITION, compute_zscores

IN_COLUMNS = ("id", "sex", "birth_date", "visit_date", "weight_kg", "height_cm", "position")
OUT_COLUMNS = ("id", "age_days", "waz", "haz", "whz", "baz", "flags")
MAX_REPORTED_ERRORS = 50
SEXES = {"M": MALE, "F": FEMALE}
POSITIONS = {"lying": LYING, "standing": STANDING, "": UNKNOWN_POSITION}
# Beyond these a value is a typing error, not a child (WHO's tables end at 120 cm, 58 kg).
MAX_WEIGHT_KG = 80.0
MAX_HEIGHT_CM = 150.0


def _number(text: str, *, maximum: float) -> float | None:
    if text == "":
        return math.nan
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 0 or value > maximum:
        return None
    return value


def _parse(rows: Iterable[dict[str, Any]]) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    cols: dict[str, list[Any]] = {k: [] for k in ("id", "sex", "age", "w", "h", "pos")}
    errors: list[dict[str, Any]] = []

    def bad(row_no: int, column: str, message: str) -> None:
        errors.append({"row": row_no, "column": column, "message": message})

    for row_no, row in enumerate(rows, start=2):  # row 1 is the header

        def get(key: str, row: dict[str, Any] = row) -> str:
            return str(row.get(key) or "").strip()

        n_before = len(errors)
        sex = SEXES.get(get("sex").upper())
        if sex is None:
            bad(row_no, "sex", _("Sex must be M or F."))
        dates: list[date | None] = []
        for column in ("birth_date", "visit_date"):
            try:
                dates.append(date.fromisoformat(get(column)))
            except ValueError:
                dates.append(None)
                bad(row_no, column, _("Not a date (YYYY-MM-DD)."))
        birth, visit = dates
        if birth and visit and visit < birth:
            bad(row_no, "visit_date", _("The visit is before the birth."))
        weight = _number(get("weight_kg"), maximum=MAX_WEIGHT_KG)
        if weight is None:
            bad(row_no, "weight_kg", _("Weight must be a positive number of kilograms."))
        height = _number(get("height_cm"), maximum=MAX_HEIGHT_CM)
        if height is None:
            bad(row_no, "height_cm", _("Height must be a positive number of centimetres."))
        position = POSITIONS.get(get("position").lower())
        if position is None:
            bad(row_no, "position", _("Position must be lying or standing."))
        if len(errors) == n_before and birth and visit:
            cols["id"].append(get("id"))
            cols["sex"].append(sex)
            cols["age"].append((visit - birth).days)
            cols["w"].append(weight)
            cols["h"].append(height)
            cols["pos"].append(position)
    return cols, errors


def _fmt(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.2f}"


def zscores_csv(source: IO[str], target: IO[str]) -> int:
    """Read IN from ``source``, write OUT to ``target``; returns the number of rows."""
    reader = csv.DictReader(source)
    missing = [c for c in IN_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)},
            details=[{"row": 1, "column": c, "message": _("Missing column.")} for c in missing],
        )
    cols, errors = _parse(reader)
    if errors:
        raise ValidationFailed(
            _("%(count)d errors; nothing was written.") % {"count": len(errors)},
            details=errors[:MAX_REPORTED_ERRORS],
        )
    z = compute_zscores(
        sex=np.array(cols["sex"], dtype=np.int64),
        age_days=np.array(cols["age"], dtype=np.float64),
        weight_kg=np.array(cols["w"], dtype=np.float64),
        height_cm=np.array(cols["h"], dtype=np.float64),
        position=np.array(cols["pos"], dtype=np.int64),
    )
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(OUT_COLUMNS)
    shown = ("haz", "waz", "whz", "baz", "standing_under_9_months")
    for i, row_id in enumerate(cols["id"]):
        flags = ";".join(f for f in z.flag_names(i) if f in shown)
        writer.writerow(
            [
                row_id,
                int(z.age_days[i]),
                _fmt(z.waz[i]),
                _fmt(z.haz[i]),
                _fmt(z.whz[i]),
                _fmt(z.baz[i]),
                flags,
            ]
        )
    return len(cols["id"])
