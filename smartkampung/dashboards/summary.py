"""Headline figures of a dashboard and the per-region figures its map colours by — one
computation for the page, the map data and the API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .selectors import DashboardData

ZERO = Decimal("0")
SPM_CODE = "spm"  # the letter type whose time to issue the regency promises (30 minutes)


@dataclass(frozen=True)
class Summary:
    active: int
    villages: int
    target: int | None  # the regency's target; None on a kecamatan dashboard
    criteria: list[str]
    login_days: int | None
    desa: int
    not_submitted: int
    budget: Decimal
    realised: Decimal
    over_ceiling: int
    projects: dict[str, int]
    open_flags: dict[str, int]
    letters: int
    spm: dict[str, Any] | None  # the SPM's count, median and target in this region
    backlog: dict[str, Any]
    spm_outside: int = 0  # SPMs of the year issued outside the welfare register
    # Exclusion and inclusion errors in the region (0 when the welfare section is hidden).
    exclusion_errors: int = 0
    inclusion_errors: int = 0

    @property
    def target_share(self) -> float | None:
        return self.active / self.target * 100 if self.target else None

    @property
    def absorption(self) -> float | None:
        return float(self.realised / self.budget * 100) if self.budget else None


def summarise(data: DashboardData) -> Summary:
    desa = [v.budget for v in data.villages if v.budget is not None]
    projects: dict[str, int] = {}
    flags: dict[str, int] = {}
    for v in data.villages:
        for status, n in v.projects.items():
            projects[status] = projects.get(status, 0) + n
        for rule, n in v.flags.items():
            flags[rule] = flags.get(rule, 0) + n
    target = int(data.rollout.get("target") or 0)
    own = data.services.get(data.region.code, {})
    return Summary(
        active=sum(1 for v in data.villages if v.rollout.get("active")),
        villages=len(data.villages),
        target=target if data.is_regency and target else None,
        criteria=list(data.rollout.get("criteria", [])),
        login_days=data.rollout.get("login_days"),
        desa=len(desa),
        not_submitted=sum(1 for b in desa if not b["submitted"]),
        budget=sum((Decimal(b["budget"]) for b in desa), ZERO),
        realised=sum((Decimal(b["realised"]) for b in desa), ZERO),
        over_ceiling=sum(1 for c in data.ceilings if c["over"]),
        projects=projects,
        open_flags=flags,
        letters=sum(v.letters_year for v in data.villages),
        spm=next((t for t in own.get("types", []) if t["code"] == SPM_CODE), None),
        backlog=own.get("backlog", {}),
        spm_outside=sum(v.spm_outside for v in data.villages),
        exclusion_errors=sum(int(v.welfare.get("exclusion", 0)) for v in data.villages),
        inclusion_errors=sum(int(v.welfare.get("inclusion", 0)) for v in data.villages),
    )


def _share(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def map_figures(data: DashboardData) -> dict[str, dict[str, Any]]:
    """Per kecamatan and per village: active share, budget absorption, open red flags."""
    districts: dict[str, dict[str, Any]] = {}
    villages: dict[str, dict[str, Any]] = {}
    for v in data.villages:
        d = districts.setdefault(
            v.district_code,
            {"name": v.district_name, "villages": 0, "active": 0, "budget": 0.0, "realised": 0.0},
        )
        active = bool(v.rollout.get("active"))
        d["villages"] += 1
        d["active"] += int(active)
        row: dict[str, Any] = {
            "name": v.name,
            "active": active,
            "share": 100 if active else 0,
            "flags": sum(v.flags.values()),
            "absorption": None,
        }
        if v.budget is not None:
            budget, realised = float(v.budget["budget"]), float(v.budget["realised"])
            d["budget"] += budget
            d["realised"] += realised
            row["absorption"] = _share(realised, budget)
        villages[v.code] = row
    for d in districts.values():
        d["share"] = _share(d["active"], d["villages"])
        d["absorption"] = _share(d["realised"], d["budget"])
    return {"districts": districts, "villages": villages}
