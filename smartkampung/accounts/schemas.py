from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class GrantOut(Schema):
    role: str
    scope: str
    scope_name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    totp_enabled: bool
    roles: list[GrantOut]


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str
