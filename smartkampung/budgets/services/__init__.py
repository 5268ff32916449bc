"""Budget writes (``<entity>_<verb>(*, actor, ...)``): permission, transaction, audit last.

Split by sub-domain: ``editing`` (drafting a version), ``workflow`` (submit, evaluate, approve,
revise), ``execution`` (disbursements, receipts), ``reference`` (ceilings, SSH, regional codes),
``siskeudes`` (the Siskeudes import)."""

from .ceilings import ceiling_set, ceilings_import
from .editing import (
    activity_add,
    activity_delete,
    activity_update,
    budget_create,
    budget_delete_draft,
    financing_add,
    financing_delete,
    item_add,
    item_build,
    item_delete,
    item_update,
    revenue_add,
    revenue_delete,
    revenue_update,
)
from .execution import (
    disbursement_approve,
    disbursement_cancel,
    disbursement_checks,
    disbursement_mark_paid,
    disbursement_reject,
    disbursement_request,
    receipt_record,
)
from .reference import account_define, activity_define, fund_source_define, ssh_import
from .siskeudes import siskeudes_import
from .workflow import budget_decide, budget_evaluate, budget_revise, budget_submit

__all__ = [
    "account_define",
    "activity_add",
    "activity_define",
    "activity_delete",
    "activity_update",
    "budget_create",
    "budget_decide",
    "budget_delete_draft",
    "budget_evaluate",
    "budget_revise",
    "budget_submit",
    "ceiling_set",
    "ceilings_import",
    "disbursement_approve",
    "disbursement_cancel",
    "disbursement_checks",
    "disbursement_mark_paid",
    "disbursement_reject",
    "disbursement_request",
    "financing_add",
    "financing_delete",
    "fund_source_define",
    "item_add",
    "item_build",
    "item_delete",
    "item_update",
    "receipt_record",
    "revenue_add",
    "revenue_delete",
    "revenue_update",
    "siskeudes_import",
    "ssh_import",
]
