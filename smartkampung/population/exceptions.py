"""Population errors with stable codes (the API returns them as ``code``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from smartkampung.core.exceptions import Conflict, DomainError, ValidationFailed


class PopulationErrorCode(StrEnum):
    INVALID_RECORD = "invalid_record"
    NIK_TAKEN = "nik_taken"
    KK_OTHER_VILLAGE = "kk_other_village"
    # A NIK or KK number held by a record outside the actor's register: the answer does not
    # say whether or where it exists (ADR 0063).
    NUMBER_UNAVAILABLE = "number_unavailable"
    HOUSEHOLD_HAS_HEAD = "household_has_head"
    NOT_LIVING = "not_living"
    SAME_VILLAGE = "same_village"
    # Transfers between villages (ADR 0064).
    TRANSFER_PENDING = "transfer_pending"
    TRANSFER_DECIDED = "transfer_decided"
    TRANSFER_STALE = "transfer_stale"
    ACTIVATION_INVALID = "activation_invalid"
    IMPORT_INVALID = "import_invalid"
    IMPORT_FILE = "import_file"
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"


class PopulationError(DomainError):
    code = "population_error"
    status = 400


class RecordInvalid(ValidationFailed):
    """``details`` maps each field to its problems: {"nik": ["..."]}."""

    code = PopulationErrorCode.INVALID_RECORD


class StateConflict(Conflict):
    """The resident's status does not allow this event (e.g. the death of a dead person)."""

    code = PopulationErrorCode.NOT_LIVING


class NumberUnavailable(RecordInvalid):
    """A NIK or KK number that cannot be used here because a record the actor may not see holds
    it. Says nothing more; the refusal is audited by ``audited_number_refusals``."""

    code = PopulationErrorCode.NUMBER_UNAVAILABLE

    def __init__(self, message: str, *, field: str, village_code: str, details: Any) -> None:
        super().__init__(message, details=details)
        self.field = field
        self.village_code = village_code
        self.audited = False


class TransferConflict(Conflict):
    """A transfer request that can no longer be decided as asked (already decided, or the
    resident is no longer where the request found them)."""

    code = PopulationErrorCode.TRANSFER_DECIDED


class ReasonRequired(ValidationFailed):
    """An official opened the full record without saying why (empty or blank reason): nothing is
    shown and nothing is logged. The web page asks for the reason; the API answers 422."""

    code = PopulationErrorCode.REASON_REQUIRED


class ReasonTooLong(ReasonRequired):
    """The reason is longer than the log keeps (``models.VIEW_REASON_MAX_LENGTH``): refused,
    never cut, so the log holds what the official wrote."""

    code = PopulationErrorCode.REASON_TOO_LONG
