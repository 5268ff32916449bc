"""SPMs issued to households outside the welfare register: the recorded reason."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit

from ..exceptions import WelfareErrorCode, WelfareInvalid
from ..models import SpmOutsideRegister
from .common import clean_text


def spm_outside_register_record(
    *,
    actor: Any,
    letter_request_id: int,
    village_code: str,
    household_id: int | None,
    reason: str,
) -> SpmOutsideRegister:
    """Called from the letters approval (``checks.spm_register_check``), whose service has
    already checked that the actor approves letters of the village."""
    text = clean_text(reason)
    if not text:
        raise WelfareInvalid(
            _("Give the reason for issuing the SPM outside the register."),
            code=WelfareErrorCode.SPM_REASON_REQUIRED,
        )
    with transaction.atomic():
        record, _created = SpmOutsideRegister.objects.get_or_create(
            letter_request_id=letter_request_id,
            defaults={
                "village_id": village_code,
                "household_id": household_id,
                "reason": text,
                "recorded_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        audit.record(
            actor,
            "welfare.spm_outside_register",
            record,
            {"letter_request": letter_request_id, "reason": text},
        )
    return record
