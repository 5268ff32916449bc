"""Reports: the APBDes and its realisation (LRA) in the official row structure, and the
difference between two versions.

Row structure (Permendagri 20/2018, Lampiran): revenue by kelompok → jenis → objek; expenditure
by bidang → sub bidang → kegiatan; surplus/deficit; financing receipts and expenditures by
account; net financing; the remaining surplus (SiLPA).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.core.exceptions import NotFound

from ..models import (
    Account,
    Activity,
    BudgetStatus,
    Disbursement,
    DisbursementStatus,
    RevenueReceipt,
    Sector,
    SubSector,
    VillageBudget,
)
from ..permissions import can_view_execution
from .budgets import BudgetContent, budget_content

ZERO = Decimal("0.00")

# Cumulative reporting periods: (label, last month).
PERIODS: dict[str, tuple[Any, int]] = {
    "q1": (gettext_lazy("First quarter"), 3),
    "s1": (gettext_lazy("First semester"), 6),
    "q3": (gettext_lazy("Third quarter"), 9),
    "year": (gettext_lazy("Full year"), 12),
}


def period_end(year: int, period: str) -> date:
    if period not in PERIODS:
        raise NotFound(_("Unknown period."))
    month = PERIODS[period][1]
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class ReportRow:
    code: str
    label: str
    depth: int
    budget: Decimal = ZERO
    realised: Decimal | None = None
    kind: str = "line"  # section | group | line | total

    @property
    def difference(self) -> Decimal | None:
        """Lebih/(kurang): realisation minus budget."""
        return None if self.realised is None else self.realised - self.budget

    @property
    def percent(self) -> float | None:
        if self.realised is None or not self.budget:
            return None
        return float(self.realised / self.budget * 100)


@dataclass
class Report:
    budget: VillageBudget
    title: str
    rows: list[ReportRow] = field(default_factory=list)
    with_realisation: bool = False
    period: str = ""
    period_label: str = ""
    period_end: date | None = None


def _account_names(codes: set[str]) -> dict[str, str]:
    wanted: set[str] = set()
    for code in codes:
        parts = code.split(".")
        wanted.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return {a.code: a.name for a in Account.objects.filter(code__in=wanted)}


def _tree_rows(
    leaves: dict[str, tuple[Decimal, Decimal | None]],
    ancestors: Callable[[str], list[str]],
    names: dict[str, str],
    *,
    depth0: int,
    realised: bool,
) -> list[ReportRow]:
    """Rows for every leaf code and its groups, each group carrying the sum of its leaves."""
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for code, (budget, real) in leaves.items():
        for node in [*ancestors(code), code]:
            sums[node][0] += budget
            sums[node][1] += real or ZERO
    rows = []
    for code in sorted(sums):
        depth = len(ancestors(code))
        rows.append(
            ReportRow(
                code=code,
                label=names.get(code, code),
                depth=depth0 + depth,
                budget=sums[code][0],
                realised=sums[code][1] if realised else None,
                kind="line" if code in leaves else "group",
            )
        )
    return rows


def _account_ancestors(skip: int) -> Callable[[str], list[str]]:
    """Ancestors of an account code below the first ``skip`` levels (4 → 4.1 → 4.1.2)."""

    def ancestors(code: str) -> list[str]:
        parts = code.split(".")
        return [".".join(parts[:n]) for n in range(skip + 1, len(parts))]

    return ancestors


def _activity_ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def _build(
    content: BudgetContent,
    *,
    revenue_real: dict[str, Decimal] | None,
    activity_real: dict[str, Decimal] | None,
    financing_real: dict[str, Decimal] | None,
) -> list[ReportRow]:
    with_real = revenue_real is not None
    rows: list[ReportRow] = []

    def total(code: str, label: str, budget: Decimal, real: Decimal | None) -> ReportRow:
        return ReportRow(code, label, 0, budget, real if with_real else None, kind="total")

    # Revenue: kelompok → jenis → objek.
    revenue: dict[str, list[Any]] = defaultdict(lambda: [ZERO, ZERO])
    for line in content.revenues:
        revenue[line.account_id][0] += line.amount
    for code, amount in (revenue_real or {}).items():
        revenue[code][1] += amount
    names = _account_names(set(revenue))
    rows.append(ReportRow("4", names.get("4", _("Revenue")), 0, kind="section"))
    revenue_rows = _tree_rows(
        {c: (v[0], v[1]) for c, v in revenue.items()},
        _account_ancestors(1),
        names,
        depth0=1,
        realised=with_real,
    )
    rows += revenue_rows
    revenue_budget = sum((v[0] for v in revenue.values()), ZERO)
    revenue_total = sum((v[1] for v in revenue.values()), ZERO)
    rows.append(total("", _("Total revenue"), revenue_budget, revenue_total))

    # Expenditure: bidang → sub bidang → kegiatan.
    spending: dict[str, list[Any]] = defaultdict(lambda: [ZERO, ZERO])
    for item in content.items:
        spending[item.activity.activity_id][0] += item.amount
    for code, amount in (activity_real or {}).items():
        spending[code][1] += amount
    activity_names: dict[str, str] = {s.code: s.name for s in Sector.objects.all()}
    activity_names.update({s.code: s.name for s in SubSector.objects.all()})
    activity_names.update(
        {a.code: a.name for a in Activity.objects.filter(code__in=list(spending))}
    )
    rows.append(ReportRow("5", _account_names({"5"}).get("5", _("Expenditure")), 0, kind="section"))
    rows += _tree_rows(
        {c: (v[0], v[1]) for c, v in spending.items()},
        _activity_ancestors,
        activity_names,
        depth0=1,
        realised=with_real,
    )
    spending_budget = sum((v[0] for v in spending.values()), ZERO)
    spending_total = sum((v[1] for v in spending.values()), ZERO)
    rows.append(total("", _("Total expenditure"), spending_budget, spending_total))
    rows.append(
        total(
            "",
            _("Surplus / (deficit)"),
            revenue_budget - spending_budget,
            revenue_total - spending_total,
        )
    )

    # Financing.
    financing: dict[str, list[Any]] = defaultdict(lambda: [ZERO, ZERO])
    for financing_line in content.financing:
        financing[financing_line.account_id][0] += financing_line.amount
    for code, amount in (financing_real or {}).items():
        financing[code][1] += amount
    names = _account_names(set(financing) | {"6.1", "6.2"})
    rows.append(ReportRow("6", names.get("6", _("Financing")), 0, kind="section"))
    sums = {}
    for group in ("6.1", "6.2"):
        leaves = {c: (v[0], v[1]) for c, v in financing.items() if c.startswith(group + ".")}
        if leaves:
            rows += _tree_rows(leaves, _account_ancestors(1), names, depth0=1, realised=with_real)
        sums[group] = (
            sum((v[0] for v in leaves.values()), ZERO),
            sum((v[1] or ZERO for v in leaves.values()), ZERO),
        )
    net_budget = sums["6.1"][0] - sums["6.2"][0]
    net_real = sums["6.1"][1] - sums["6.2"][1]
    rows.append(total("", _("Net financing"), net_budget, net_real))
    rows.append(
        total(
            "",
            _("Remaining surplus (SiLPA)"),
            revenue_budget - spending_budget + net_budget,
            revenue_total - spending_total + net_real,
        )
    )
    return rows


def apbdes_report(*, budget: VillageBudget) -> Report:
    """The budget of one version in the official APBDes layout (callers check visibility)."""
    content = budget_content(budget)
    return Report(
        budget=budget,
        title=budget.label,
        rows=_build(content, revenue_real=None, activity_real=None, financing_real=None),
    )


def lra_report(*, actor: Any, village_code: str, year: int, period: str) -> Report:
    """Laporan Realisasi Anggaran of the executing version, cumulative to the period's end."""
    if not can_view_execution(actor, village_code):
        raise NotFound(_("Not found."))
    budget = (
        VillageBudget.objects.select_related("village", "village__parent")
        .filter(village_id=village_code, year=year, status=BudgetStatus.APPROVED)
        .first()
    )
    if budget is None:
        raise NotFound(_("There is no approved budget for this year."))
    end = period_end(year, period)
    content = budget_content(budget)
    receipts = (
        RevenueReceipt.objects.filter(village_id=village_code, year=year, received_on__lte=end)
        .values("account_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    received = {r["account_id"]: r["total"] or ZERO for r in receipts}
    spent = (
        Disbursement.objects.filter(
            village_id=village_code,
            year=year,
            status=DisbursementStatus.APPROVED,
            approved_on__lte=end,
        )
        .values("item__activity__activity_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rows = _build(
        content,
        revenue_real={c: v for c, v in received.items() if c.startswith("4")},
        activity_real={r["item__activity__activity_id"]: r["total"] or ZERO for r in spent},
        financing_real={c: v for c, v in received.items() if c.startswith("6")},
    )
    label = str(PERIODS[period][0])
    return Report(
        budget=budget,
        title=_("Budget realisation report %(year)s") % {"year": year},
        rows=rows,
        with_realisation=True,
        period=period,
        period_label=label,
        period_end=end,
    )
