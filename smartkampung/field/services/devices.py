"""Device sessions: a field worker connects a phone once (while logged in) and the phone then
sends without a login for every send, until the session expires or is revoked."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied, ValidationFailed

from ..exceptions import FieldErrorCode
from ..models import DeviceSession
from ..permissions import can_revoke_device, can_use_field_app, device_owner_villages

TOKEN_PREFIX = "skd_"  # noqa: S105 - a prefix, not a secret


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _scope(owner: Any) -> str:
    """The audit scope of a device: its owner's village (the first, if several), so the village
    head sees the event; kecamatan officers' devices are audited without a village."""
    villages = sorted(device_owner_villages(owner))
    return villages[0] if villages else ""


def device_session_create(
    *, actor: Any, name: str, user_agent: str = ""
) -> tuple[DeviceSession, str]:
    """Connect a device of a field worker. The secret is returned once and never stored."""
    if not can_use_field_app(actor):
        raise PermissionDenied(
            _(
                "Only field staff (village operators, secretaries, kecamatan officers) "
                "connect devices."
            ),
            code=FieldErrorCode.DEVICE_NOT_ALLOWED,
        )
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationFailed(
            _("Give the device a name (at most 80 characters)."),
            code="invalid_name",
            details={"name": _("Give the device a name (at most 80 characters).")},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        device = DeviceSession.objects.create(
            user=actor,
            name=name,
            prefix=secret[:10],
            key_hash=_token_hash(secret),
            user_agent=user_agent[:200],
            expires_at=timezone.now() + timedelta(days=settings.SK_FIELD_DEVICE_SESSION_DAYS),
        )
        audit.record(actor, "field.device_connect", device, {"name": name}, scope=_scope(actor))
    return device, secret


def device_session_revoke(*, actor: Any, device_id: int) -> DeviceSession:
    """Revoke a device session (its owner, or the village head of the owner's village).
    Anyone else is answered as if it did not exist."""
    with transaction.atomic():
        device = (
            DeviceSession.objects.select_for_update()
            .select_related("user")
            .filter(pk=device_id)
            .first()
        )
        if device is None or not can_revoke_device(actor, device):
            raise NotFound(_("Device not found."))
        if device.revoked_at is not None:
            return device
        device.revoked_at = timezone.now()
        device.revoked_by = actor
        device.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor,
            "field.device_revoke",
            device,
            {"name": device.name, "owner": device.user.username},
            scope=_scope(device.user),
        )
    return device


def device_session_authenticate(secret: str) -> tuple[Any, DeviceSession] | None:
    """The active user and session of a device token, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    device = (
        DeviceSession.objects.select_related("user")
        .filter(key_hash=_token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if device is None or not device.user.is_active or device.expires_at <= now:
        return None
    if device.last_used_at is None or now - device.last_used_at > timedelta(minutes=5):
        DeviceSession.objects.filter(pk=device.pk).update(last_used_at=now)
    return device.user, device
