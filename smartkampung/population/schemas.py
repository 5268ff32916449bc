"""API shapes and the functions that fill them. Lists carry masked NIK/KK numbers; the full
record (one resident) is logged by the caller."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from smartkampung.core.privacy import mask_identifier

from .models import Household, LifeEvent, Resident, TransferRequest
from .validation import RESIDENT_FIELDS


class ResidentIn(Schema):
    village: str = Field(..., max_length=13, description="village code, e.g. 35.10.01.2001")
    nik: str = Field(..., max_length=32)
    kk_number: str = Field(..., max_length=32)
    full_name: str = Field(..., max_length=200)
    sex: int = Field(..., description="Dukcapil jenis_kelamin: 1 male, 2 female")
    birth_place: str = Field(..., max_length=120)
    birth_date: date
    religion: int
    education: int
    occupation: int
    marital_status: int
    family_role: int = Field(..., description="SHDK, 1 = head of family")
    blood_type: int | None = None
    citizenship: int | None = None
    disability: int | None = None
    father_name: str = Field("", max_length=200)
    mother_name: str = Field("", max_length=200)
    rt: str = Field(..., max_length=8)
    rw: str = Field(..., max_length=8)
    dusun: str = Field("", max_length=120)
    address: str = Field("", max_length=400)


class BirthIn(ResidentIn):
    place: str = Field("", max_length=120)


class MoveInIn(ResidentIn):
    occurred_on: date
    origin: str = Field("", max_length=120)


class ResidentPatch(Schema):
    """Only the fields that change."""

    nik: str | None = Field(None, max_length=32)
    kk_number: str | None = Field(None, max_length=32)
    full_name: str | None = Field(None, max_length=200)
    sex: int | None = None
    birth_place: str | None = Field(None, max_length=120)
    birth_date: date | None = None
    religion: int | None = None
    education: int | None = None
    occupation: int | None = None
    marital_status: int | None = None
    family_role: int | None = None
    blood_type: int | None = None
    citizenship: int | None = None
    disability: int | None = None
    father_name: str | None = Field(None, max_length=200)
    mother_name: str | None = Field(None, max_length=200)
    rt: str | None = Field(None, max_length=8)
    rw: str | None = Field(None, max_length=8)
    dusun: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=400)


class EventIn(Schema):
    occurred_on: date
    place: str = Field("", max_length=120)
    details: str = Field("", max_length=2000)


class TransferIn(Schema):
    to_village: str = Field(..., max_length=13)
    occurred_on: date
    whole_household: bool = False
    kk_number: str = Field("", max_length=32)
    rt: str = Field(..., max_length=8)
    rw: str = Field(..., max_length=8)
    dusun: str = Field("", max_length=120)
    address: str = Field("", max_length=400)
    details: str = Field("", max_length=2000)


class TransferDecisionIn(Schema):
    note: str = Field("", max_length=2000, description="required to refuse: say why")


class TransferOut(Schema):
    id: int
    kind: str = Field(..., description="resident or household")
    status: str = Field(..., description="pending, accepted, refused or cancelled")
    resident_id: int
    resident_name: str
    household_id: int | None
    from_village: str
    to_village: str
    kk_masked: str = Field(..., description="the family card joined there; empty: a household")
    occurred_on: date
    rt: str
    rw: str
    dusun: str
    address: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    note: str


class ResidentListOut(Schema):
    id: int
    full_name: str
    nik_masked: str
    sex: int
    age: int
    rt: str
    rw: str
    dusun: str
    village: str
    status: str


class ResidentPageOut(Schema):
    items: list[ResidentListOut]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page")
    truncated: bool = Field(
        False, description="a name search matched more than 1,000: narrow it to see all"
    )


class ResidentOut(Schema):
    """The full record (a logged view for officials)."""

    id: int
    nik: str
    kk_number: str | None
    household_id: int | None
    full_name: str
    sex: int
    birth_place: str
    birth_date: date
    religion: int
    education: int
    occupation: int
    marital_status: int
    family_role: int
    blood_type: int
    citizenship: int
    disability: int | None
    father_name: str
    mother_name: str
    village: str
    rt: str
    rw: str
    dusun: str
    address: str
    status: str
    status_changed_on: date | None


class LifeEventOut(Schema):
    id: int
    kind: str
    resident_id: int
    resident_name: str
    village: str
    other_village: str | None
    occurred_on: date
    place: str
    details: str


class MemberOut(Schema):
    id: int
    full_name: str
    nik_masked: str
    family_role: int
    sex: int
    age: int
    status: str


class HouseholdOut(Schema):
    id: int
    kk_masked: str
    village: str
    head_id: int | None
    rt: str
    rw: str
    dusun: str
    address: str


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]


class ViewLogOut(Schema):
    viewed_at: datetime
    viewer_name: str
    viewer_roles: str
    reason: str
    channel: str


class MyRecordOut(Schema):
    resident: ResidentOut
    household: list[MemberOut]
    events: list[LifeEventOut]
    views: list[ViewLogOut]


class CountOut(Schema):
    code: int
    label: str
    value: int


class BandOut(Schema):
    band: str
    male: int
    female: int


class AreaOut(Schema):
    code: str
    name: str
    total: int
    households: int


class StatisticsOut(Schema):
    region_code: str
    region_name: str
    level: str
    villages: int
    total: int
    households: int
    male: int
    female: int
    computed_on: date | None
    pyramid: list[BandOut]
    by_sex: list[CountOut]
    by_religion: list[CountOut]
    by_education: list[CountOut]
    by_occupation: list[CountOut]
    by_marital_status: list[CountOut]
    children: list[AreaOut]


# --- filling the shapes -------------------------------------------------------------------


def resident_list_out(r: Resident, today: date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "full_name": r.full_name,
        "nik_masked": mask_identifier(r.nik),
        "sex": r.sex,
        "age": r.age(today),
        "rt": r.rt,
        "rw": r.rw,
        "dusun": r.dusun,
        "village": r.village_id,
        "status": r.status,
    }


def resident_out(r: Resident) -> dict[str, Any]:
    fields = (*(f for f in RESIDENT_FIELDS if f != "kk_number"), "status", "status_changed_on")
    out: dict[str, Any] = {name: getattr(r, name) for name in fields}
    out.update(
        id=r.pk,
        village=r.village_id,
        household_id=r.household_id,
        kk_number=r.household.kk_number if r.household else None,
    )
    return out


def event_out(e: LifeEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "resident_id": e.resident_id,
        "resident_name": e.resident.full_name,
        "village": e.village_id,
        "other_village": e.other_village_id,
        "occurred_on": e.occurred_on,
        "place": e.place,
        "details": e.details,
    }


def member_out(m: Resident, today: date) -> dict[str, Any]:
    return {
        "id": m.pk,
        "full_name": m.full_name,
        "nik_masked": mask_identifier(m.nik),
        "family_role": m.family_role,
        "sex": m.sex,
        "age": m.age(today),
        "status": m.status,
    }


def household_out(h: Household) -> dict[str, Any]:
    return {
        "id": h.pk,
        "kk_masked": mask_identifier(h.kk_number),
        "village": h.village_id,
        "head_id": h.head_id,
        "rt": h.rt,
        "rw": h.rw,
        "dusun": h.dusun,
        "address": h.address,
    }


def transfer_out(t: TransferRequest) -> dict[str, Any]:
    return {
        "id": t.pk,
        "kind": t.kind,
        "status": t.status,
        "resident_id": t.resident_id,
        "resident_name": t.resident.full_name,
        "household_id": t.household_id,
        "from_village": t.village_id,
        "to_village": t.target_village_id,
        "kk_masked": mask_identifier(t.kk_number) if t.kk_number else "",
        "occurred_on": t.occurred_on,
        "rt": t.rt,
        "rw": t.rw,
        "dusun": t.dusun,
        "address": t.address,
        "reason": t.reason,
        "requested_at": t.requested_at,
        "decided_at": t.decided_at,
        "note": t.note,
    }
