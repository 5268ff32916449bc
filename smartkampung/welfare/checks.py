"""What welfare tells other apps without them importing it (named in settings or AppConfig
hooks, the way budgets asks projects about progress).

``spm_register_check`` is listed in ``SK_LETTER_APPROVAL_CHECKS``: the letters app calls it
when the village head approves a request. For an SPM (statement of poverty) of a household
outside the welfare register it refuses unless a reason is given, and records the reason, so
the regency sees SPMs issued outside the register per village.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

SPM_CODE = "spm"


def _is_spm(request: Any) -> bool:
    return getattr(getattr(request, "letter_type", None), "code", "") == SPM_CODE


def _household_id(request: Any) -> int | None:
    resident = getattr(request, "resident", None)
    return getattr(resident, "household_id", None)


def spm_register_check(*, request: Any, actor: Any, reason: str = "") -> str | None:
    """None to let the approval go on, or the refusal message."""
    if not _is_spm(request):
        return None
    from .models import RegisterEntry, SpmOutsideRegister
    from .services.spm import spm_outside_register_record

    household_id = _household_id(request)
    if (
        household_id is not None
        and RegisterEntry.objects.filter(household_id=household_id, valid_to__isnull=True).exists()
    ):
        return None
    if SpmOutsideRegister.objects.filter(letter_request_id=request.pk).exists():
        return None
    if not (reason or "").strip():
        return _(
            "The household is not in the welfare register. To issue the SPM anyway, give the "
            "reason (it is recorded and the regency sees it)."
        )
    spm_outside_register_record(
        actor=actor,
        letter_request_id=request.pk,
        village_code=request.village_id,
        household_id=household_id,
        reason=reason,
    )
    return None
