"""Reads of the dashboard: the stored figures, filtered to what the actor may see.

Regency officers, inspectors and the social office see the regency; kecamatan officers their
kecamatan. A region outside the actor's scope answers 404 (NotFound), like everywhere else.
The welfare section is read only for the roles that see welfare aggregates (ADR 0087).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.budgets.permissions import can_manage_ceilings
from smartkampung.core.exceptions import NotFound
from smartkampung.regions.models import Level, Region

from .models import DashboardFigures, RolloutSnapshot, Section
from .permissions import can_view_dashboard, can_view_welfare_figures, dashboard_scopes


def dashboard_region(*, actor: Any, region_code: str | None = None) -> Region:
    """The regency or kecamatan whose dashboard the actor asked for (their widest scope by
    default). NotFound outside their scope, for villages, and for actors without the role."""
    scopes = dashboard_scopes(actor)
    if not scopes:
        raise NotFound(_("Not found."))
    code = region_code or scopes[0]
    if not can_view_dashboard(actor, code):
        raise NotFound(_("Not found."))
    region = (
        Region.objects.defer("boundary")
        .filter(code=code, level__in=[Level.REGENCY, Level.DISTRICT])
        .first()
    )
    if region is None:
        raise NotFound(_("Not found."))
    return region


def dashboard_region_choices(*, actor: Any) -> list[tuple[str, str]]:
    """The regions the actor may switch to: their scopes and the kecamatan below them."""
    scopes = dashboard_scopes(actor)
    regions = Region.objects.defer("boundary").filter(
        Q(code__in=scopes) | Q(parent_id__in=scopes, level=Level.DISTRICT)
    )
    return [(r.code, region_label(r)) for r in regions.order_by("code")]


def region_label(region: Region) -> str:
    """``Kecamatan Pesanggaran``; a regency's name already says what it is."""
    if region.level == Level.REGENCY:
        return region.name
    return f"{region.get_kind_display()} {region.name}"


def regency_code_of(code: str) -> str:
    return ".".join(code.split(".")[:2])


@dataclass
class VillageFigures:
    code: str
    name: str
    kind: str
    district_code: str
    district_name: str
    rollout: dict[str, Any] = field(default_factory=dict)
    budget: dict[str, Any] | None = None  # desa only (kelurahan have no APBDes)
    projects: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    letters: list[int] = field(default_factory=lambda: [0] * 12)  # per month of the year
    spm_outside: int = 0  # SPMs of the year issued outside the welfare register
    # Aid recipients per programme code, and the exclusion and inclusion errors (only for the
    # roles that see welfare aggregates; empty otherwise).
    welfare: dict[str, Any] = field(default_factory=dict)

    businesses: dict[str, int] = field(default_factory=dict)  # approved, per KBLI section
    # BUMDes: {"enterprises": int, "placed": "decimal", "returned": "decimal"}; None: none
    bumdes: dict[str, Any] | None = None

    @property
    def letters_year(self) -> int:
        return sum(self.letters)


@dataclass
class WelfareFigures:
    period: str
    exclusion_decile: int
    programmes: list[str]
    # (programme A, programme B) → households receiving both in this region (diagonal: A).
    pairs: dict[tuple[str, str], int]

    def overlap_rows(self) -> list[tuple[str, list[int]]]:
        return [(a, [self.pairs.get((a, b), 0) for b in self.programmes]) for a in self.programmes]


def _welfare(stored: dict[str, Any], region_code: str) -> WelfareFigures | None:
    if not stored:
        return None
    pairs = stored.get("overlap", {}).get(region_code, [])
    return WelfareFigures(
        period=str(stored.get("period", "")),
        exclusion_decile=int(stored.get("exclusion_decile", 0)),
        programmes=list(stored.get("programmes", [])),
        pairs={(str(a), str(b)): int(n) for a, b, n in pairs},
    )


@dataclass
class DashboardData:
    region: Region
    year: int
    computed_at: dict[str, datetime]
    villages: list[VillageFigures]
    ceilings: list[dict[str, Any]]
    rollout: dict[str, Any]
    # Per region code (this region and, on the regency's, each kecamatan): letter types with
    # their median time to issue, and the backlog.
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Whether the actor may open the regency's ceilings page (its figures link there).
    ceilings_editable: bool = False
    # The welfare section (period, programme codes, overlap pairs of this region), or None
    # when the actor may not see welfare aggregates.
    welfare: WelfareFigures | None = None

    @property
    def region_label(self) -> str:
        return region_label(self.region)

    @property
    def is_regency(self) -> bool:
        return self.region.level == Level.REGENCY

    @property
    def oldest_figures(self) -> datetime | None:
        return min(self.computed_at.values(), default=None)


def _in_scope(region_code: str) -> Q:
    return Q(code__startswith=region_code + ".")


def dashboard_data(*, actor: Any, region_code: str | None, year: int) -> DashboardData:
    """The stored figures of the actor's region for ``year`` (call
    ``services.dashboard_ensure_fresh`` first so that they exist)."""
    region = dashboard_region(actor=actor, region_code=region_code)
    rows = DashboardFigures.objects.filter(regency_id=regency_code_of(region.code), year=year)
    # The welfare section only for the roles that see welfare aggregates (regency officer,
    # social office): not even read for the others.
    welfare_visible = can_view_welfare_figures(actor, region.code)
    if not welfare_visible:
        rows = rows.exclude(section=Section.WELFARE)
    sections = {r.section: json.loads(r.data_json) for r in rows}
    computed_at = {r.section: r.computed_at for r in rows}
    welfare = sections.get(Section.WELFARE, {})
    welfare_villages = welfare.get("villages", {})
    rollout = sections.get(Section.ROLLOUT, {})
    budget = sections.get(Section.BUDGET, {})
    monitoring = sections.get(Section.MONITORING, {})
    services = sections.get(Section.SERVICES, {})
    economy = sections.get(Section.ECONOMY, {}).get("villages", {})
    villages: list[VillageFigures] = []
    regions = (
        Region.objects.filter(_in_scope(region.code), level=Level.VILLAGE)
        .values("code", "name", "kind", "parent_id", "parent__name")
        .order_by("code")
    )
    for r in regions:
        code = r["code"]
        watched = monitoring.get("villages", {}).get(code, {})
        villages.append(
            VillageFigures(
                code=code,
                name=r["name"],
                kind=r["kind"],
                district_code=r["parent_id"],
                district_name=r["parent__name"],
                rollout=rollout.get("villages", {}).get(code, {}),
                budget=budget.get("villages", {}).get(code),
                projects=watched.get("projects", {}),
                flags=watched.get("flags", {}),
                letters=services.get("villages", {}).get(code, {}).get("months", [0] * 12),
                spm_outside=services.get("villages", {}).get(code, {}).get("spm_outside", 0),
                welfare=welfare_villages.get(code, {}),
                businesses=economy.get(code, {}).get("sectors", {}),
                bumdes=economy.get(code, {}).get("bumdes"),
            )
        )
    prefix = region.code + "."
    ceilings = [c for c in budget.get("ceilings", []) if c["village"].startswith(prefix)]
    meta = {k: v for k, v in rollout.items() if k != "villages"}
    regions = services.get("regions", {})
    return DashboardData(
        region=region,
        year=year,
        computed_at=computed_at,
        villages=villages,
        ceilings=ceilings,
        rollout=meta,
        services={
            code: figures
            for code, figures in regions.items()
            if code == region.code or code.startswith(prefix)
        },
        ceilings_editable=can_manage_ceilings(actor, region.code),
        welfare=_welfare(welfare, region.code) if welfare_visible else None,
    )


def rollout_trend(*, region: Region, days: int, today: date | None = None) -> list[dict[str, Any]]:
    """Active villages per day over the last ``days`` days (days without a snapshot are
    absent), from the stored daily snapshots."""
    today = today or timezone.localdate()
    rows = (
        RolloutSnapshot.objects.filter(
            day__gt=today - timedelta(days=days), village__pk__startswith=region.code + "."
        )
        .values("day")
        .annotate(active=Count("id", filter=Q(active=True)), villages=Count("id"))
        .order_by("day")
    )
    return [{"day": r["day"], "active": r["active"], "villages": r["villages"]} for r in rows]
