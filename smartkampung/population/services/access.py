"""Access to personal data: the logged full view, activation codes and citizen accounts.

- Every full view of a record by an official is logged (who, when, why) in
  ``ResidentViewLog``, which the citizen sees, and audited.
- The village office issues a one-time activation code (10 characters, valid for
  ``SK_POPULATION_ACTIVATION_HOURS``); only its HMAC-SHA-256 is stored and it is compared in
  constant time. With it the citizen sets their password (Argon2) and logs in with their NIK
  (``backends.NikBackend``). Wrong codes count as failed logins for the NIK (lockout).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.accounts import services as account_services
from smartkampung.accounts.exceptions import LockedOut
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.accounts.permissions import actor_grants, covers
from smartkampung.core.exceptions import NotFound
from smartkampung.core.privacy import mask_identifier
from smartkampung.regions.models import Region

from .. import selectors
from ..exceptions import (
    PopulationError,
    PopulationErrorCode,
    ReasonRequired,
    ReasonTooLong,
    StateConflict,
)
from ..exports import register_xlsx
from ..models import (
    LIVING_STATUSES,
    VIEW_REASON_MAX_LENGTH,
    ActivationCode,
    Resident,
    ResidentViewLog,
)
from ..permissions import (
    EXPORT_ROLES,
    REGISTER_READ_ROLES,
    can_export_register,
    can_read_register,
)
from .residents import require_edit

# No 0/O, 1/I/L: read aloud at the counter or copied from a slip of paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
_DIGIT_RUN = re.compile(r"\d{8,}")


def _clean_reason(reason: str) -> str:
    """The reason for a full view: required, at most ``VIEW_REASON_MAX_LENGTH`` characters after
    collapsing whitespace; long digit runs (a NIK typed by mistake) are masked."""
    text = " ".join((reason or "").split())
    if not text:
        raise ReasonRequired(_("Say why you open the full record; the resident can read it."))
    if len(text) > VIEW_REASON_MAX_LENGTH:
        raise ReasonTooLong(
            _("The reason is too long: at most %(limit)d characters.")
            % {"limit": VIEW_REASON_MAX_LENGTH}
        )
    return _DIGIT_RUN.sub(lambda m: mask_identifier(m.group()), text)


def _viewer_roles(actor: Any, village_code: str) -> str:
    """The codes of the actor's roles that let them read this village's register."""
    roles = {
        g.role
        for g in actor_grants(actor)
        if g.role in REGISTER_READ_ROLES and covers(g.scope, village_code)
    }
    return ",".join(sorted(roles))


def resident_full_view(
    *, actor: Any, resident_id: int, reason: str = "", channel: str = "web"
) -> Resident:
    """The full record (NIK and KK unmasked) for an official in scope; logged and audited.

    The official must give a reason (``ReasonRequired``/``ReasonTooLong`` otherwise, and nothing
    is logged). A citizen opening their own record is not logged (it is theirs)."""
    resident = selectors.resident_get(actor=actor, resident_id=resident_id)
    if not can_read_register(actor, resident.village_id):
        return resident  # the citizen themself
    reason = _clean_reason(reason)
    with transaction.atomic():
        log = ResidentViewLog.objects.create(
            resident=resident,
            viewer=actor,
            viewer_name=(getattr(actor, "display_name", "") or actor.username)[:150],
            viewer_role=_viewer_roles(actor, resident.village_id),
            reason=reason,
            channel=channel if channel in ResidentViewLog.Channel.values else "web",
        )
        audit.record(
            actor,
            "population.resident_view",
            resident,
            {"reason": reason, "channel": log.channel},
        )
    return resident


def _code_hash(code: str, resident_id: int) -> str:
    key = hashlib.sha256(("population.activation:" + settings.SECRET_KEY).encode()).digest()
    message = f"{resident_id}:{normalise_code(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def activation_code_issue(*, actor: Any, resident: Resident) -> str:
    """Issue a new one-time code for a living resident (earlier unused codes stop working).

    Returns the code, shown once to the operator to hand to the citizen."""
    require_edit(actor, resident.village_id)
    if not resident.is_living:
        raise StateConflict(_("Only a living resident can have an account."))
    code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    now = timezone.now()
    hours = int(getattr(settings, "SK_POPULATION_ACTIVATION_HOURS", 72))
    with transaction.atomic():
        ActivationCode.objects.filter(
            resident=resident, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        ActivationCode.objects.create(
            resident=resident,
            code_hash=_code_hash(code, resident.pk),
            created_by=actor,
            expires_at=now + timedelta(hours=hours),
        )
        audit.record(actor, "population.activation_issue", resident, {"hours": hours})
    return format_code(code)


def _refuse_activation(nik: str, address: str | None) -> PopulationError:
    account_services.login_failure_record(username=nik, address=address, reason="activation")
    return PopulationError(
        _("The NIK or the activation code is wrong, or the code has expired or was used."),
        code=PopulationErrorCode.ACTIVATION_INVALID,
    )


def citizen_activate(*, nik: str, code: str, password: str, address: str | None) -> User:
    """Set a citizen's password with their activation code; creates their login if needed.

    ``address`` is the client's IP (``accounts.services.client_address``). Wrong NIK/code
    pairs count as failed logins for that NIK and address, so guessing locks out."""
    nik = (nik or "").strip()
    if account_services.login_is_locked(username=nik, address=address):
        raise LockedOut(
            _(
                "Too many failed attempts. Try again in %(minutes)d minutes or ask the "
                "village office."
            )
            % {"minutes": settings.SK_LOCKOUT_WINDOW_MINUTES}
        )
    resident = (
        Resident.objects.select_related("user").filter(nik=nik, status__in=LIVING_STATUSES).first()
        if nik.isdigit() and len(nik) == 16
        else None
    )
    now = timezone.now()
    candidates = (
        list(
            ActivationCode.objects.filter(
                resident=resident, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
            )
        )
        if resident is not None
        else []
    )
    given = _code_hash(code, resident.pk if resident else 0)
    match = next(
        (c for c in candidates if hmac.compare_digest(c.code_hash, given)),
        None,
    )
    if resident is None or match is None:
        raise _refuse_activation(nik, address)
    # A new account's username is a random label, never a login name (it logs in by NIK).
    user = resident.user or User(
        username=f"warga.{secrets.token_hex(8)}",
        full_name=resident.full_name,
        login_with_nik=True,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise PopulationError(" ".join(exc.messages), code="password_invalid") from exc
    with transaction.atomic():
        locked = ActivationCode.objects.select_for_update().get(pk=match.pk)
        if locked.used_at is not None:  # used by a concurrent request
            raise _refuse_activation(nik, address)
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        created = user.pk is None
        user.full_name = resident.full_name
        user.is_active = True
        user.set_password(password)
        user.save()
        if created:
            Resident.objects.filter(pk=resident.pk).update(user=user)
            resident.user = user
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.CITIZEN, scope_id=resident.village_id
        )
        audit.record(
            None, "population.citizen_activate", resident, {"user": user.pk, "new": created}
        )
    return user


def register_export(*, actor: Any, village: Region) -> bytes:
    """The village's living residents as XLSX, NIK and KK masked; audited."""
    if not can_export_register(actor, village.code):
        raise NotFound(_("Village not found."))
    residents = selectors.resident_list(actor=actor, village=village, roles=EXPORT_ROLES)
    title = _("Residents of %(village)s, %(date)s") % {
        "village": village.name,
        "date": timezone.localdate().isoformat(),
    }
    body = register_xlsx(residents, title=title)
    audit.record(actor, "population.register_export", village, {"format": "xlsx"})
    return body
