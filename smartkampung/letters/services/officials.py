"""The village's list of officials: who they are and the name and title printed when they sign
(ADR 0118). Kept by the village head or secretary (or the regency), audited."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.accounts.models import User
from smartkampung.accounts.permissions import has_role
from smartkampung.core.exceptions import NotFound, PermissionDenied

from ..exceptions import LetterErrorCode, LetterInvalid
from ..models import VillageOfficial
from ..permissions import VILLAGE_LETTER_STAFF, can_keep_officials, can_view_village_letters

NIP_RE = re.compile(r"^[0-9 .]{0,30}$")


def _invalid(message: str, field: str) -> LetterInvalid:
    return LetterInvalid(message, code=LetterErrorCode.OFFICIAL_INVALID, details={"field": field})


def village_official_save(
    *,
    actor: Any,
    village_code: str,
    name: str,
    position: str,
    user_id: int | None = None,
    nip: str = "",
    is_active: bool = True,
    official_id: int | None = None,
) -> VillageOfficial:
    """Add an official to the village's list, or change one (``official_id``). ``user_id`` links
    their login (a member of the village's letter staff): letters they sign then carry ``name``
    and ``position`` as written here. NotFound outside the actor's scope; PermissionDenied for
    staff who do not keep the list; LetterInvalid (nothing saved) for bad input."""
    if not can_keep_officials(actor, village_code):
        if can_view_village_letters(actor, village_code):
            raise PermissionDenied(_("Only the village head or secretary keeps the officials."))
        raise NotFound(_("Not found."))
    name = " ".join(name.split())
    position = " ".join(position.split())
    nip = nip.strip()
    if not name or len(name) > 150:
        raise _invalid(
            _("Write the official's name as it is printed (at most 150 characters)."), "name"
        )
    if not position or len(position) > 150:
        raise _invalid(
            _(
                "Write the title as it is printed, e.g. Kepala Desa Sarongan "
                "(at most 150 characters)."
            ),
            "position",
        )
    if not NIP_RE.match(nip):
        raise _invalid(_("The official number holds digits only."), "nip")
    user = None
    if user_id is not None:
        user = User.objects.filter(pk=user_id).first()
        if user is None or not has_role(user, VILLAGE_LETTER_STAFF, village_code):
            raise _invalid(_("Choose a login of this village's letter staff."), "user")
    with transaction.atomic():
        if official_id is not None:
            official = (
                VillageOfficial.objects.select_for_update()
                .filter(pk=official_id, village_id=village_code)
                .first()
            )
            if official is None:
                raise NotFound(_("Not found."))
        else:
            official = VillageOfficial(village_id=village_code)
        if (
            user is not None
            and is_active
            and VillageOfficial.objects.filter(village_id=village_code, user=user, is_active=True)
            .exclude(pk=official.pk)
            .exists()
        ):
            raise _invalid(_("This login already belongs to an official in office."), "user")
        before = (
            {"name": official.name, "position": official.position, "is_active": official.is_active}
            if official.pk
            else None
        )
        official.user = user
        official.name = name
        official.position = position
        official.nip = nip
        official.is_active = is_active
        official.save()
        audit.record(
            actor,
            "letters.official_save",
            official,
            {
                "village": village_code,
                "user": user.pk if user else None,
                "name": name,
                "position": position,
                "is_active": is_active,
                "before": before,
            },
        )
    return official
