"""Errors of the field app, each with a stable code the device acts on."""

from __future__ import annotations

from enum import StrEnum

from smartkampung.core.exceptions import Conflict


class FieldErrorCode(StrEnum):
    KEY_REUSED = "idempotency_key_reused"
    UNKNOWN_KIND = "unknown_record_kind"
    PROJECT_UNAVAILABLE = "project_unavailable"
    PROJECT_COMPLETED = "project_completed"
    STAGE_ALREADY_REPORTED = "stage_already_reported"
    RESIDENT_NOT_FOUND = "resident_not_found"
    LETTER_TYPE_UNAVAILABLE = "letter_type_unavailable"
    POSYANDU_UNAVAILABLE = "posyandu_unavailable"
    CHILD_UNAVAILABLE = "child_unavailable"
    VISIT_INVALID = "visit_invalid"
    VISIT_EXISTS = "visit_exists"
    NOT_PERMITTED = "not_permitted"
    PHOTO_UNKNOWN = "photo_unknown"
    SHA256_MISMATCH = "sha256_mismatch"
    DEVICE_NOT_ALLOWED = "device_not_allowed"


class RecordConflict(Conflict):
    """The record no longer fits what the server holds. ``details["actions"]`` names what the
    user may do about it (``attach``, ``send_anyway``, ``edit``, ``discard``)."""

    def __init__(self, message: str, *, code: str, actions: list[str], **details: object) -> None:
        super().__init__(message, code=code, details={"actions": actions, **details})
