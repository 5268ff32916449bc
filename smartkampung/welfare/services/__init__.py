"""Writes of the welfare app (see the modules for the rules each one keeps)."""

from .access import welfare_view_log
from .enrolment import (
    enrolment_check,
    enrolment_create,
    enrolment_review_decide,
    enrolment_withdraw,
)
from .enrolment_import import EnrolmentImportRefused, EnrolmentImportResult, enrolment_import
from .payments import blt_payment_request
from .programmes import programme_save, quota_set
from .proposals import proposal_check, proposal_create, proposal_decide
from .register import RegisterImportRefused, register_import
from .spm import spm_outside_register_record

__all__ = [
    "EnrolmentImportRefused",
    "EnrolmentImportResult",
    "RegisterImportRefused",
    "blt_payment_request",
    "enrolment_check",
    "enrolment_create",
    "enrolment_import",
    "enrolment_review_decide",
    "enrolment_withdraw",
    "programme_save",
    "proposal_check",
    "proposal_create",
    "proposal_decide",
    "quota_set",
    "register_import",
    "spm_outside_register_record",
    "welfare_view_log",
]
