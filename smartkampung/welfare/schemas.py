"""API shapes of the welfare app: one In/Out pair per operation."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema


class StatusOut(Schema):
    household_id: int
    in_register: bool
    decile: int | None
    programmes: list[str]


class CandidateIn(Schema):
    programme_code: str = Field(max_length=20)
    period: str = Field(max_length=7)
    nik: str = Field("", max_length=16)
    kk_number: str = Field("", max_length=16)
    village_code: str = Field(max_length=13)
    name: str = Field("", max_length=100)
    birth_date: date | None = None


class CheckIn(Schema):
    rows: list[CandidateIn] = Field(min_length=1, max_length=1000)


class FindingOut(Schema):
    code: str
    decision: str
    message: str
    evidence: dict[str, Any]


class JudgementOut(Schema):
    row: int
    decision: str
    rules: list[str]
    findings: list[FindingOut]


class EnrolmentOut(Schema):
    id: int
    programme_code: str
    period: str
    village_code: str
    household_id: int
    kk_number: str
    status: str
    findings: list[FindingOut]


class ProgrammeIn(Schema):
    code: str = Field(max_length=20)
    name: str = Field(max_length=120)
    target: str = Field(max_length=10)
    fund_source: str = Field(max_length=16)
    starts_on: date
    ends_on: date
    decile_max: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    excludes: list[str] = Field(default_factory=list, max_length=20)
    budget_activity_code: str = Field("", max_length=8)
    monthly_amount: int | None = None


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    target: str
    fund_source: str
    starts_on: date
    ends_on: date
    decile_max: int | None
    min_age: int | None
    max_age: int | None
    excludes: list[str]
    budget_activity_code: str
    monthly_amount: int | None


class QuotaIn(Schema):
    village_code: str = Field(max_length=13)
    quota: int = Field(ge=0, le=1_000_000)


class ProposalIn(Schema):
    household_id: int
    kind: str = Field(max_length=8)
    decile: int | None = None
    reason: str = Field(max_length=1000)
    evidence: str = Field(max_length=2000)


class DecisionIn(Schema):
    accept: bool
    note: str = Field("", max_length=1000)


class ProposalOut(Schema):
    id: int
    village_code: str
    household_id: int
    kind: str
    decile: int | None
    status: str
    reason: str


class PaymentIn(Schema):
    programme_code: str = Field(max_length=20)
    period: str = Field(max_length=7)
    household_id: int


class PaymentOut(Schema):
    id: int
    enrolment_id: int
    disbursement_id: int
    disbursement_number: str
    amount: int


class ImportOut(Schema):
    id: int
    as_of: date
    row_count: int
    household_count: int
    new_versions: int
    unchanged: int
    report: list[dict[str, Any]]


class EnrolmentImportOut(Schema):
    rows: int
    created: int
    review: int
    unchanged: int


class OverlapOut(Schema):
    period: str
    programmes: list[str]
    matrix: list[list[int]]
