"""API shapes of the economy app, one In/Out pair per operation. Amounts travel as strings
(decimal rupiah) and are checked by the services, so a bad value gets the same message as on
the page."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from smartkampung.core.api import Year

Amount = str


class EnterpriseOut(Schema):
    id: int
    village: str
    name: str
    registration_number: str
    units: list[str]
    other_capital: str


class PlacementOut(Schema):
    year: int
    amount: str
    budgeted: str


class ReportIn(Schema):
    year: Year
    revenue: Amount = Field(max_length=20)
    costs: Amount = Field(max_length=20)
    assets: Amount = Field(max_length=20)
    pad_share: Amount = Field(max_length=20)
    employees: int = Field(ge=0, le=100_000)


class ReportOut(Schema):
    id: int
    enterprise: int
    year: int
    revenue: str
    costs: str
    profit: str
    assets: str
    pad_share: str
    employees: int
    status: str
    note: str
    submitted_at: datetime


class ReportCheckIn(Schema):
    accept: bool
    note: str = Field(default="", max_length=2000)


class CapitalIn(Schema):
    year: Year
    amount: Amount | None = Field(default=None, max_length=20)


class OverviewRowOut(Schema):
    village_code: str
    village: str
    kecamatan: str
    enterprises: int
    equity_budgeted: str
    capital_placed: str
    profit_reported: str
    returned_to_village: str
    return_on_capital_percent: float | None
    without_report_last_year: list[str]
    capital_without_previous_report: list[str]


class OverviewOut(Schema):
    region: str
    report_year_due: int
    villages: list[OverviewRowOut]
