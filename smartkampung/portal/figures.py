"""The public figures of a region (the regency, a kecamatan or a village), from the other
apps' aggregate selectors: profile, published population statistics, the APBDes infographic
(approved budgets only), published projects. No actor: everything here is public, and nothing
here is personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.budgets.models import BudgetStatus
from smartkampung.budgets.selectors import aggregates as budget_aggregates
from smartkampung.budgets.selectors import open_data as budget_open_data
from smartkampung.core.exceptions import NotFound
from smartkampung.projects import public as project_public
from smartkampung.regions.models import Kind, Level, Region

from .economy import PublishedEconomy, published_economy
from .letters import letter_figures
from .population import (
    PublishedPopulation,
    published_population,
    published_populations,
    regency_code_of,
)

ZERO = Decimal("0.00")


def portal_regency() -> Region:
    """The regency the portal opens on (the first one: one regency runs one installation)."""
    region = Region.objects.defer("boundary").filter(level=Level.REGENCY).order_by("code").first()
    if region is None:
        raise NotFound(_("Not found."))
    return region


def portal_region(*, code: str) -> Region:
    region = Region.objects.defer("boundary").select_related("parent").filter(code=code).first()
    if region is None:
        raise NotFound(_("Region not found."))
    return region


def region_ancestors(region: Region) -> list[Region]:
    """The regions above ``region``, the regency first (for breadcrumbs)."""
    codes = []
    parts = region.code.split(".")
    for depth in range(2, len(parts)):
        codes.append(".".join(parts[:depth]))
    return list(Region.objects.defer("boundary").filter(code__in=codes).order_by("code"))


def region_label(region: Region) -> str:
    if region.level == Level.REGENCY:
        return region.name
    return f"{region.get_kind_display()} {region.name}"


def published_statuses() -> list[str]:
    return list(settings.SK_PORTAL_PROJECT_STATUSES)


@dataclass
class Amounts:
    key: str
    label: str
    planned: Decimal = ZERO
    realised: Decimal = ZERO

    @property
    def share(self) -> float | None:
        return float(self.realised / self.planned * 100) if self.planned else None


@dataclass
class BudgetFigures:
    year: int
    desa: int
    approved: int
    revenue: list[Amounts] = field(default_factory=list)
    spending: list[Amounts] = field(default_factory=list)
    by_child: list[Amounts] = field(default_factory=list)

    @property
    def revenue_total(self) -> Amounts:
        return _total(self.revenue, _("Total revenue"))

    @property
    def spending_total(self) -> Amounts:
        return _total(self.spending, _("Total expenditure"))


def _total(rows: list[Amounts], label: str) -> Amounts:
    return Amounts(
        key="",
        label=label,
        planned=sum((r.planned for r in rows), ZERO),
        realised=sum((r.realised for r in rows), ZERO),
    )


def budget_figures(*, region: Region, year: int) -> BudgetFigures:
    """Revenue by fund source, expenditure by bidang and their realisation, from the approved
    APBDes of the region's desa; for a regency or kecamatan also per kecamatan or desa."""
    code = region.code
    cube = budget_aggregates.absorption_cube(year=year, region_code=code)
    statuses = budget_aggregates.budget_status_counts(year=year, region_code=code)
    figures = BudgetFigures(
        year=year,
        desa=sum(statuses.values()),
        approved=statuses.get(BudgetStatus.APPROVED, 0),
        revenue=[
            Amounts(r.key, r.label, r.budget, r.realised)
            for r in budget_open_data.revenue_by_fund_source(year=year, region_code=code)
        ],
        spending=[
            Amounts(r.key, f"{r.key} {r.label}", r.budget, r.realised)
            for r in budget_aggregates.absorption_by_sector(year=year, region_code=code, cube=cube)
            if r.budget or r.realised
        ],
    )
    if region.level == Level.REGENCY:
        rows = budget_aggregates.absorption_by_district(year=year, region_code=code, cube=cube)
    elif region.level == Level.DISTRICT:
        rows = budget_aggregates.absorption_by_village(year=year, region_code=code, cube=cube)
    else:
        rows = []
    figures.by_child = [Amounts(r.key, r.label, r.budget, r.realised) for r in rows]
    return figures


@dataclass
class ProjectFigures:
    year: int
    counts: dict[str, int]
    budget: Decimal
    projects: list[dict[str, Any]]  # public fields, newest first (a sample above a village)
    photos: dict[int, list[int]]  # project id → photo ids (EXIF-free copies exist)
    total: int


PROJECT_SAMPLE = 12


def project_figures(*, region: Region, year: int) -> ProjectFigures:
    qs = project_public.public_projects(
        statuses=published_statuses(), region_code=region.code, year=year
    )
    rows = list(qs.values(*project_public.PUBLIC_PROJECT_FIELDS))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    shown = rows if region.level == Level.VILLAGE else rows[:PROJECT_SAMPLE]
    return ProjectFigures(
        year=year,
        counts=counts,
        budget=sum((Decimal(r["budget"]) for r in rows), ZERO),
        projects=shown,
        photos=project_public.public_photo_ids(project_ids=[r["id"] for r in shown]),
        total=len(rows),
    )


@dataclass
class ChildRegion:
    code: str
    name: str
    kind: str
    population: int | None
    households: int | None


@dataclass
class RegionFigures:
    region: Region
    year: int
    population: PublishedPopulation
    budget: BudgetFigures | None  # None for a kelurahan (no APBDes)
    projects: ProjectFigures
    children: list[ChildRegion]
    letters: dict[str, Any]
    economy: PublishedEconomy

    @property
    def label(self) -> str:
        return region_label(self.region)


def region_figures(*, region: Region, year: int) -> RegionFigures:
    populations = published_populations(regency_code=regency_code_of(region.code))
    empty = PublishedPopulation(code="", total=0, households=0)
    children = [
        ChildRegion(
            code=c.code,
            name=c.name,
            kind=c.get_kind_display(),
            population=(p := populations.get(c.code, empty)).total,
            households=p.households,
        )
        for c in Region.objects.defer("boundary").filter(parent_id=region.code).order_by("code")
    ]
    is_kelurahan = region.level == Level.VILLAGE and region.kind == Kind.KELURAHAN
    return RegionFigures(
        region=region,
        year=year,
        population=populations.get(region.code) or published_population(region_code=region.code),
        budget=None if is_kelurahan else budget_figures(region=region, year=year),
        projects=project_figures(region=region, year=year),
        children=children,
        letters=letter_figures(region_code=region.code, year=year),
        economy=published_economy(region_code=region.code, year=year),
    )
