"""The national immunisation schedule, read from ``data/health/immunisation_schedule.csv``
(its names in Indonesian, ``name_en`` in English: the schedule is data, not msgids)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

SCHEDULE_FILE = (
    Path(__file__).resolve().parents[2] / "data" / "health" / "immunisation_schedule.csv"
)


@dataclass(frozen=True)
class Vaccine:
    code: str
    name: str
    age_months: int
    name_en: str = ""

    def label(self) -> str:
        """The vaccine's name in the active language (Indonesian unless English is active)."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


@cache
def immunisation_schedule() -> tuple[Vaccine, ...]:
    with SCHEDULE_FILE.open(encoding="utf-8") as handle:
        return tuple(
            Vaccine(
                code=r["code"],
                name=r["name"],
                name_en=r.get("name_en") or "",
                age_months=int(r["age_months"]),
            )
            for r in csv.DictReader(handle)
        )


def vaccine_codes() -> frozenset[str]:
    return frozenset(v.code for v in immunisation_schedule())
