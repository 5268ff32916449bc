"""Helpers shared by the welfare services."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import has_role
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.core.privacy import mask_identifier

from ..permissions import BLT_READ_ROLES, PROPOSAL_READ_ROLES

_DIGIT_RUN = re.compile(r"\d{8,}")


def clean_text(value: Any, *, max_length: int = 1000) -> str:
    """Free text: whitespace collapsed, cut to length, long digit runs (a NIK typed by
    mistake) masked — it lands in the audit trail."""
    text = " ".join(str(value or "").split())[:max_length]
    return _DIGIT_RUN.sub(lambda m: mask_identifier(m.group()), text)


def require(actor: Any, allowed: bool, village_code: str, message: str) -> None:
    """404 for whoever may not see the village's welfare data; 403 in scope without the role.

    ``actor=None`` is the system itself (management commands)."""
    if actor is None or allowed:
        return
    if has_role(actor, PROPOSAL_READ_ROLES | BLT_READ_ROLES, village_code):
        raise PermissionDenied(message)
    raise NotFound(_("Not found."))
