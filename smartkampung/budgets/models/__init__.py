"""Budgets: reference lists, ceilings, APBDes versions, execution and imports.

Stable names other apps use (documented in docs/budgets.md): ``VillageBudget``,
``BudgetActivity``, ``BudgetItem``, ``UnitPriceStandard``, ``Disbursement``, ``Ceiling``,
``FundSource``, and the reference ``Activity`` (code ``BB.SS.KK``).
"""

from .budget import (
    BudgetActivity,
    BudgetFinancing,
    BudgetItem,
    BudgetOrigin,
    BudgetRevenue,
    BudgetReview,
    BudgetStatus,
    ReviewAction,
    VillageBudget,
)
from .execution import Disbursement, DisbursementKind, DisbursementStatus, RevenueReceipt
from .imports import SiskeudesImport
from .reference import (
    Account,
    AccountLevel,
    Activity,
    Ceiling,
    FundSource,
    Sector,
    SubSector,
    UnitPriceStandard,
)

__all__ = [
    "Account",
    "AccountLevel",
    "Activity",
    "BudgetActivity",
    "BudgetFinancing",
    "BudgetItem",
    "BudgetOrigin",
    "BudgetRevenue",
    "BudgetReview",
    "BudgetStatus",
    "Ceiling",
    "Disbursement",
    "DisbursementKind",
    "DisbursementStatus",
    "FundSource",
    "RevenueReceipt",
    "ReviewAction",
    "Sector",
    "SiskeudesImport",
    "SubSector",
    "UnitPriceStandard",
    "VillageBudget",
]
