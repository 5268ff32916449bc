"""Letter errors with stable codes (the API's ``code`` field)."""

from __future__ import annotations

from enum import StrEnum

from smartkampung.core.exceptions import Conflict, DomainError, ValidationFailed


class LetterErrorCode(StrEnum):
    TYPE_INVALID = "letter_type_invalid"
    TYPE_INACTIVE = "letter_type_inactive"
    NUMBER_FORMAT_INVALID = "number_format_invalid"
    WRONG_STATE = "wrong_state"
    REASON_REQUIRED = "reason_required"
    FIELD_INVALID = "field_invalid"
    DOCUMENT_MISSING = "document_missing"
    DOCUMENT_UNKNOWN = "document_unknown"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    ATTACHMENT_NOT_VIEWABLE = "attachment_not_viewable"
    OFFICIAL_INVALID = "official_invalid"
    NOT_SIGNED = "letter_not_signed"
    ALREADY_REVOKED = "letter_already_revoked"
    SIGNING_FAILED = "signing_failed"
    NO_SIGNER = "no_signer"
    NOT_A_RESIDENT = "not_a_resident"


class LetterError(DomainError):
    code = "letter_error"
    status = 400


class LetterConflict(Conflict):
    """The action is not allowed in the request's or letter's current state."""


class LetterInvalid(ValidationFailed):
    """Input that does not fit the letter type (fields, documents, catalogue entries)."""
