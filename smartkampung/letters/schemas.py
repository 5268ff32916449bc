"""API shapes: one In/Out pair per operation."""

import datetime as dt

from ninja import Schema
from pydantic import Field


class FieldSpecSchema(Schema):
    key: str = Field(max_length=40)
    label: str = Field(max_length=100)
    kind: str = "text"
    required: bool = True
    prefill: str = ""
    choices: list[str] = []


class DocumentSpecSchema(Schema):
    key: str = Field(max_length=40)
    label: str = Field(max_length=100)
    required: bool = True


class LetterTypeIn(Schema):
    code: str = Field(max_length=20)
    title: str = Field(max_length=150)
    description: str = ""
    number_code: str = Field(max_length=20)
    number_format: str = Field(max_length=120)
    fields: list[FieldSpecSchema] = []
    documents: list[DocumentSpecSchema] = []
    verifier_roles: list[str]
    approver_roles: list[str]
    validity_days: int | None = None
    target_minutes: int = 1440
    body: str = Field(max_length=20000)
    is_active: bool = True
    sort_order: int = Field(100, ge=0, le=32000)


class LetterTypeOut(LetterTypeIn):
    pass


class VerificationOut(Schema):
    type: str
    number: str
    issued_on: dt.date
    valid_until: dt.date | None
    village: str
    name: str
    nik: str
    status: str
    revoked_on: dt.date | None


class CheckOut(Schema):
    matches: bool


class LetterOut(Schema):
    id: int
    number: str
    type: str
    village_code: str
    issued_at: dt.datetime
    valid_until: dt.date | None
    status: str
    subject_name: str
    subject_nik_masked: str
    signer_name: str
    signer_position: str
    signed_at: dt.datetime | None
    pdf_sha256: str
    verify_url: str
    issue_seconds: int | None
    revoked_at: dt.datetime | None


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class ApproveIn(Schema):
    reason: str = Field("", max_length=1000)


class VillageCountOut(Schema):
    code: str
    name: str
    count: int


class TypeStatsOut(Schema):
    code: str
    title: str
    count: int
    median_minutes: float | None
    target_minutes: int
    within_target: bool | None
    measured: int


class BacklogOut(Schema):
    open: int
    submitted: int
    returned: int
    verified: int
    oldest_hours: float | None


class OverviewOut(Schema):
    region: str
    year: int
    by_village: list[VillageCountOut]
    by_type: list[TypeStatsOut]
    backlog: BacklogOut | None = None


class SpmOut(Schema):
    number: str
    issued_on: dt.date
    village_code: str
    village: str
    name: str
    nik: str
    valid_until: dt.date | None
    status: str


class RequestIn(Schema):
    type: str = Field(max_length=20)
    resident_id: int
    values: dict[str, str | int] = {}
    submit: bool = False


class ValuesIn(Schema):
    values: dict[str, str | int]


class AttachmentOut(Schema):
    id: int
    document_key: str
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime


class EventOut(Schema):
    status_from: str
    status_to: str
    actor: str | None
    note: str
    created_at: dt.datetime


class RequestOut(Schema):
    id: int
    type: str
    type_title: str
    village_code: str
    resident_id: int
    resident_name: str
    resident_nik_masked: str
    channel: str
    status: str
    status_reason: str
    values: dict[str, str]
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    letter_id: int | None
    letter_number: str | None
    attachments: list[AttachmentOut]
    history: list[EventOut]


class NoteIn(Schema):
    note: str = Field("", max_length=1000)


class NotificationOut(Schema):
    id: int
    message: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class OfficialIn(Schema):
    """One entry of the village's list of officials (ADR 0118)."""

    name: str = Field(max_length=300)
    position: str = Field(max_length=300)
    nip: str = Field("", max_length=60)
    user_id: int | None = None
    is_active: bool = True


class OfficialOut(OfficialIn):
    id: int
    village: str
    username: str | None
