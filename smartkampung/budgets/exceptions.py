"""Budget errors with stable codes (the API's ``code`` field)."""

from __future__ import annotations

from enum import StrEnum

from smartkampung.core.exceptions import Conflict, ValidationFailed


class BudgetErrorCode(StrEnum):
    NOT_EDITABLE = "budget_not_editable"
    WRONG_STATUS = "budget_wrong_status"
    OPEN_VERSION_EXISTS = "budget_open_version_exists"
    ALREADY_EXISTS = "budget_exists"
    NOT_A_DESA = "budget_not_a_desa"
    CHECKS_FAILED = "budget_checks_failed"
    NOT_EXECUTING = "budget_not_executing"
    WRONG_ACCOUNT = "budget_wrong_account"
    ACTIVITY_EXISTS = "budget_activity_exists"
    EXCEEDS_REMAINING = "disbursement_exceeds_remaining"
    DISBURSEMENT_STATE = "disbursement_wrong_status"
    DISBURSEMENT_REFUSED = "disbursement_refused_by_check"
    DISBURSEMENT_NOT_APPROVED = "disbursement_not_approved"
    DISBURSEMENT_PAID = "disbursement_already_paid"
    HAS_REALISATION = "item_has_realisation"
    INVALID_CSV = "invalid_csv"
    REFERENCE_EXISTS = "reference_exists"
    SISKEUDES_REFUSED = "siskeudes_refused"


class BudgetConflict(Conflict):
    """The action is not allowed in the budget's (or request's) current state."""

    code = "budget_conflict"


class BudgetInvalid(ValidationFailed):
    """Input that cannot be accepted; ``details`` lists the problems when there are several."""

    code = "budget_invalid"


class ChecksFailed(BudgetConflict):
    """Blocking budget checks failed; ``details`` lists the findings."""

    code = BudgetErrorCode.CHECKS_FAILED


class DisbursementRefused(BudgetConflict):
    """A disbursement would exceed the item's remaining budget, or a check refused it."""

    code = BudgetErrorCode.EXCEEDS_REMAINING
