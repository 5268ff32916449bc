"""API shapes. Money is a decimal string in JSON (never a float)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

Money = Decimal


class BudgetOut(Schema):
    id: int
    village: str
    village_name: str
    year: int
    version: int
    status: str
    origin: str
    based_on: int | None
    submitted_at: datetime | None
    approved_at: datetime | None


class BudgetCreateIn(Schema):
    village: str = Field(..., max_length=13)
    year: int = Field(..., ge=2015, le=2100)


class TotalsOut(Schema):
    revenue: Money
    expenditure: Money
    financing_receipts: Money
    financing_expenditure: Money
    net_financing: Money
    surplus: Money
    balance: Money


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    target: str


class LineOut(Schema):
    id: int
    account: str
    fund_source: str | None
    description: str
    amount: Money


class ItemOut(Schema):
    id: int
    activity: str
    budget_activity: int
    account: str | None
    description: str
    volume: Decimal
    unit: str
    unit_price: Money
    amount: Money
    fund_source: str | None
    ssh: int | None
    committed: Money
    realised: Money
    lineage: str


class ActivityOut(Schema):
    id: int
    activity: str
    name: str
    location: str
    output: str
    output_volume: Decimal
    output_unit: str
    duration: str
    lineage: str


class BudgetDetailOut(BudgetOut):
    totals: TotalsOut
    findings: list[FindingOut]
    revenues: list[LineOut]
    financing: list[LineOut]
    activities: list[ActivityOut]
    items: list[ItemOut]


class ReviewIn(Schema):
    approve: bool
    notes: str = Field("", max_length=4000)


class RevenueIn(Schema):
    account: str = Field(..., max_length=16)
    fund_source: str = Field(..., max_length=8)
    amount: Money = Field(..., ge=0, max_digits=18, decimal_places=2)
    description: str = Field("", max_length=255)


class FinancingIn(Schema):
    account: str = Field(..., max_length=16)
    fund_source: str | None = Field(None, max_length=8)
    amount: Money = Field(..., ge=0, max_digits=18, decimal_places=2)
    description: str = Field("", max_length=255)


class ActivityIn(Schema):
    activity: str = Field(..., max_length=8)
    location: str = Field("", max_length=255)
    output: str = Field("", max_length=255)
    output_volume: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    output_unit: str = Field("", max_length=40)
    duration: str = Field("", max_length=40)


class ActivityPatch(Schema):
    location: str | None = Field(None, max_length=255)
    output: str | None = Field(None, max_length=255)
    output_volume: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    output_unit: str | None = Field(None, max_length=40)
    duration: str | None = Field(None, max_length=40)


class ItemIn(Schema):
    description: str = Field("", max_length=255)
    volume: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    unit: str = Field("", max_length=40)
    unit_price: Money = Field(Decimal("0"), ge=0, max_digits=18, decimal_places=2)
    fund_source: str | None = Field(None, max_length=8)
    account: str | None = Field(None, max_length=16)
    ssh: int | None = None


class ItemPatch(Schema):
    description: str | None = Field(None, max_length=255)
    volume: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    unit: str | None = Field(None, max_length=40)
    unit_price: Money | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    fund_source: str | None = Field(None, max_length=8)
    account: str | None = Field(None, max_length=16)
    ssh: int | None = None


class DiffRowOut(Schema):
    section: str
    change: str
    label: str
    old_amount: Money | None
    new_amount: Money | None
    fields: list[str]


class DiffTotalOut(Schema):
    label: str
    old: Money
    new: Money
    change: Money


class DiffOut(Schema):
    old: int
    new: int
    rows: list[DiffRowOut]
    totals: list[DiffTotalOut]


class CeilingOut(Schema):
    village: str
    year: int
    fund_source: str
    amount: Money
    note: str


class CeilingIn(Schema):
    village: str = Field(..., max_length=13)
    year: int = Field(..., ge=2015, le=2100)
    fund_source: str = Field(..., max_length=8)
    amount: Money = Field(..., ge=0, max_digits=18, decimal_places=2)
    note: str = Field("", max_length=255)


class CsvReportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int


class DisbursementOut(Schema):
    id: int
    number: str
    village: str
    year: int
    item: int
    kind: str
    description: str
    amount: Money
    status: str
    requested_on: date
    approved_on: date | None
    decision_notes: str
    paid_at: datetime | None = None


class DisbursementIn(Schema):
    item: int
    amount: Money = Field(..., gt=0, max_digits=18, decimal_places=2)
    description: str = Field(..., min_length=1, max_length=255)
    kind: str = Field("LS", max_length=2)


class NotesIn(Schema):
    notes: str = Field("", max_length=255)


class ReceiptOut(Schema):
    id: int
    number: str
    village: str
    year: int
    account: str
    fund_source: str
    received_on: date
    description: str
    amount: Money


class ReceiptIn(Schema):
    village: str = Field(..., max_length=13)
    year: int = Field(..., ge=2015, le=2100)
    account: str = Field(..., max_length=16)
    fund_source: str = Field(..., max_length=8)
    amount: Money = Field(..., gt=0, max_digits=18, decimal_places=2)
    received_on: date
    description: str = Field("", max_length=255)


class ReportRowOut(Schema):
    code: str
    label: str
    depth: int
    kind: str
    budget: Money
    realised: Money | None
    difference: Money | None


class ReportOut(Schema):
    budget: int
    village: str
    year: int
    period: str
    period_end: date | None
    rows: list[ReportRowOut]


class AbsorptionOut(Schema):
    key: str
    label: str
    parent: str
    budget: Money
    realised: Money
    committed: Money
    absorption: float | None


class ConsolidationOut(Schema):
    region: str
    year: int
    total: AbsorptionOut
    by_district: list[AbsorptionOut]
    by_village: list[AbsorptionOut]
    by_sector: list[AbsorptionOut]
    by_fund_source: list[AbsorptionOut]
    status_counts: dict[str, int]
    without_submitted: list[dict[str, str]]


class ReferenceOut(Schema):
    code: str
    name: str
    name_id: str
    name_en: str
    level: str | None = None
    needs_ceiling: bool | None = None


class SshOut(Schema):
    id: int
    year: int
    code: str
    name: str
    unit: str
    price: Money
    category: str


class ImportOut(Schema):
    id: int
    village: str
    year: int
    budget: int | None
    report: dict[str, Any]
