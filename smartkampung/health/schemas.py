"""API shapes of the health app, one In/Out pair per operation."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field


class ZScoreIn(Schema):
    sex: str = Field(pattern="^[MF]$")
    birth_date: date
    visit_date: date
    weight_kg: float | None = None
    height_cm: float | None = None
    position: str = Field(default="", pattern="^(lying|standing|)$")


class ZScoreOut(Schema):
    age_days: int
    waz: float | None
    haz: float | None
    whz: float | None
    baz: float | None
    flags: list[str]


class VisitIn(Schema):
    posyandu: int
    visit_date: str
    weight_kg: str | None = Field(default=None, max_length=10)
    height_cm: str | None = Field(default=None, max_length=10)
    position: str = Field(default="", max_length=10)
    head_cm: str | None = Field(default=None, max_length=10)
    muac_cm: str | None = Field(default=None, max_length=10)
    vitamin_a: bool = False
    immunisations: list[str] = Field(default_factory=list, max_length=30)
    exclusive_breastfeeding: bool | None = None


class VisitOut(Schema):
    id: int
    visit_date: date
    age_days: int
    weight_kg: str | None
    height_cm: str | None
    position: str
    waz: float | None
    haz: float | None
    whz: float | None
    baz: float | None
    stunted: bool
    wasted: bool
    underweight: bool
    trend: str
    needs_remeasure: bool


class FigureOut(Schema):
    month: date
    measured: int
    stunted: int
    stunting_percent: float | None
    wasted: int
    wasting_percent: float | None
    underweight: int
    underweight_percent: float | None


class PregnancyCloseIn(Schema):
    outcome: str = Field(max_length=12, description="delivered, miscarriage or other")
    ended_on: str = Field(max_length=10, description="YYYY-MM-DD")


class PregnancyOut(Schema):
    id: int
    posyandu: int
    mother: int
    registered_on: date
    expected_delivery: date | None
    ended_on: date | None
    outcome: str
    chronic_energy_deficiency: bool  # KEK at the last visit
