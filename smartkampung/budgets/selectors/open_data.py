"""Aggregates for the public portal's APBDes infographic and its open data (Fiscal Data Package).

Like ``aggregates``: no actor, no personal data (codes and sums only — no item descriptions,
payees or document numbers), executing (approved) versions only; ``region_code`` limits the
figures to a kecamatan or a village.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from ..models import (
    BudgetItem,
    BudgetRevenue,
    BudgetStatus,
    FundSource,
    RevenueReceipt,
    VillageBudget,
)
from .aggregates import ZERO, Absorption, _in_region


def _approved_villages(year: int, region_code: str | None) -> set[str]:
    return set(
        VillageBudget.objects.filter(
            _in_region(region_code), year=year, status=BudgetStatus.APPROVED
        ).values_list("village_id", flat=True)
    )


def _approved_revenue(year: int, region_code: str | None) -> Any:
    return BudgetRevenue.objects.filter(
        _in_region(region_code, "budget__village__pk"),
        budget__year=year,
        budget__status=BudgetStatus.APPROVED,
    )


def _receipts(year: int, region_code: str | None) -> Any:
    """Receipts of the villages whose budget for ``year`` is executing."""
    return RevenueReceipt.objects.filter(
        _in_region(region_code), year=year, village_id__in=_approved_villages(year, region_code)
    )


def revenue_by_fund_source(*, year: int, region_code: str | None = None) -> list[Absorption]:
    """Revenue of the executing budgets per fund source: ``budget`` is the planned revenue,
    ``realised`` the receipts recorded (``committed`` stays 0). Sources with nothing planned
    or received are left out."""
    names = {s.code: f"{s.code} – {s.name}" for s in FundSource.objects.all()}
    totals: dict[str, Absorption] = {}

    def row(code: str) -> Absorption:
        if code not in totals:
            totals[code] = Absorption(key=code, label=names.get(code, code))
        return totals[code]

    planned = (
        _approved_revenue(year, region_code)
        .values("fund_source_id")
        .annotate(total=Sum("amount"))
        .values_list("fund_source_id", "total")
        .order_by()
    )
    for source, amount in planned:
        row(source or "").budget += amount or ZERO
    received = (
        _receipts(year, region_code)
        .values("fund_source_id")
        .annotate(total=Sum("amount"))
        .values_list("fund_source_id", "total")
        .order_by()
    )
    for source, amount in received:
        row(source or "").realised += amount or ZERO
    return sorted((r for r in totals.values() if r.budget or r.realised), key=lambda r: r.key)


def fiscal_lines(*, year: int, region_code: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The executing budgets as aggregated lines: ``expenditure`` per (village, kegiatan,
    account, fund source) with ``approved`` (budgeted) and ``executed`` (approved
    disbursements); ``revenue`` per (village, account, fund source) with ``approved`` and
    ``executed`` (receipts). Ordered by those codes."""
    items = (
        BudgetItem.objects.filter(
            _in_region(region_code, "budget__village__pk"),
            budget__year=year,
            budget__status=BudgetStatus.APPROVED,
        )
        .values("budget__village_id", "activity__activity_id", "account_id", "fund_source_id")
        .annotate(approved=Sum("amount"), executed=Sum("realised"))
        .order_by("budget__village_id", "activity__activity_id", "account_id", "fund_source_id")
    )
    expenditure = [
        {
            "village": r["budget__village_id"],
            "activity": r["activity__activity_id"],
            "account": r["account_id"] or "",
            "fund_source": r["fund_source_id"] or "",
            "approved": r["approved"] or ZERO,
            "executed": r["executed"] or ZERO,
        }
        for r in items
    ]
    revenue: dict[tuple[str, str, str], dict[str, Any]] = {}

    def line(village: str, account: str, source: str | None) -> dict[str, Any]:
        return revenue.setdefault(
            (village, account, source or ""), {"approved": ZERO, "executed": ZERO}
        )

    planned = (
        _approved_revenue(year, region_code)
        .values("budget__village_id", "account_id", "fund_source_id")
        .annotate(total=Sum("amount"))
        .values_list("budget__village_id", "account_id", "fund_source_id", "total")
        .order_by()
    )
    for village, account, source, amount in planned:
        line(village, account, source)["approved"] += amount or ZERO
    received = (
        _receipts(year, region_code)
        .values("village_id", "account_id", "fund_source_id")
        .annotate(total=Sum("amount"))
        .values_list("village_id", "account_id", "fund_source_id", "total")
        .order_by()
    )
    for village, account, source, amount in received:
        line(village, account, source)["executed"] += amount or ZERO
    return {
        "expenditure": expenditure,
        "revenue": [
            {"village": v, "account": a, "fund_source": s, **amounts}
            for (v, a, s), amounts in sorted(revenue.items())
        ],
    }
