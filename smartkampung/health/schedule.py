"""The national immunisation schedule, read from ``data/health/immunisation_schedule.csv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCHEDULE_FILE = (
    Path(__file__).resolve().parents[2] / "data" / "health" / "immunisation_schedule.csv"
)


@dataclass(frozen=True)
class Vaccine:
    code: str
    name: str
    age_months: int


@cache
def immunisation_schedule() -> tuple[Vaccine, ...]:
    with SCHEDULE_FILE.open(encoding="utf-8") as handle:
        return tuple(
            Vaccine(code=r["code"], name=r["name"], age_months=int(r["age_months"]))
            for r in csv.DictReader(handle)
        )


def vaccine_codes() -> frozenset[str]:
    return frozenset(v.code for v in immunisation_schedule())
