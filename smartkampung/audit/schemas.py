from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class AuditFilter(Schema):
    action: str = ""
    username: str = ""
    target_type: str = ""
    scope: str = ""
    date_from: date | None = None
    date_to: date | None = None


class AuditEventOut(Schema):
    seq: int
    created_at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    scope_code: str
    data: dict[str, Any]
    hash: str


class CheckpointOut(Schema):
    statement: str
    signature: str


class CheckpointsOut(Schema):
    algorithm: str
    public_key: str
    key_id: str
    checkpoints: list[CheckpointOut]
