"""Errors of the welfare app, each with a stable code."""

from __future__ import annotations

from enum import StrEnum

from smartkampung.core.exceptions import Conflict, ValidationFailed


class WelfareErrorCode(StrEnum):
    INVALID = "welfare_invalid"
    IMPORT_INVALID = "welfare_import_invalid"
    ENROLMENT_IMPORT_INVALID = "enrolment_import_invalid"
    ENROLMENT_REFUSED = "enrolment_refused"
    PROPOSAL_STATE = "proposal_state"
    PAYMENT_REFUSED = "blt_payment_refused"
    SPM_REASON_REQUIRED = "spm_reason_required"


class WelfareInvalid(ValidationFailed):
    code = WelfareErrorCode.INVALID


class EnrolmentRefused(Conflict):
    """The red light: a rule refuses the enrolment (``details`` lists the findings)."""

    code = WelfareErrorCode.ENROLMENT_REFUSED


class WelfareConflict(Conflict):
    code = WelfareErrorCode.PROPOSAL_STATE
