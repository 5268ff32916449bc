"""Records sent by devices: accepted once per idempotency key.

The key is claimed by inserting the record in the same transaction that makes the report or
request, so a concurrent resend of the same key waits on the unique index and then finds the
stored record; a resend later finds it at once. A refused or conflicting record changes
nothing on the server: the device keeps it and shows the user what to do.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import Conflict, PermissionDenied, ValidationFailed

from ..exceptions import FieldErrorCode
from ..kinds import handler_for
from ..models import DeviceSession, FieldRecord
from ..permissions import can_use_field_app

RESOLUTIONS = ("", "attach", "send_anyway")


def payload_digest(kind: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"kind": kind, "payload": payload}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _replay(record: FieldRecord, digest: str) -> FieldRecord:
    if record.payload_sha256 != digest:
        raise Conflict(
            _(
                "This record key was already used for a different record. The device must "
                "give every record its own key."
            ),
            code=FieldErrorCode.KEY_REUSED,
        )
    return record


def record_submit(
    *,
    actor: Any,
    key: uuid.UUID,
    kind: str,
    payload: dict[str, Any],
    device: DeviceSession | None = None,
    sent_at: datetime | None = None,
    resolution: str = "",
) -> tuple[FieldRecord, bool]:
    """Accept a record from a device, or answer with the one already accepted under its key.

    Returns ``(record, created)``. A record that conflicts with the server's state raises
    ``RecordConflict`` with the actions open to the user; ``resolution`` carries the user's
    choice (``attach`` photos to an existing report, ``send_anyway`` a late report)."""
    if not can_use_field_app(actor):
        raise PermissionDenied(
            _("Only field staff send records from the field app."),
            code=FieldErrorCode.NOT_PERMITTED,
        )
    if resolution not in RESOLUTIONS:
        raise ValidationFailed(_("Unknown choice."), code="invalid_resolution")
    handler = handler_for(kind)
    if not isinstance(payload, dict):
        raise ValidationFailed(_("The record is not valid."), code="invalid_record")
    parsed = handler.parse(payload)
    digest = payload_digest(kind, payload)
    existing = FieldRecord.objects.filter(user_id=actor.pk, key=key).first()
    if existing is not None:
        return _replay(existing, digest), False
    try:
        with transaction.atomic():
            prepared = handler.prepare(actor=actor, parsed=parsed)
            location = prepared.location or {}
            record = FieldRecord.objects.create(
                user=actor,
                device=device,
                key=key,
                kind=kind,
                payload_sha256=digest,
                village_id=prepared.village_code,
                captured_at=_aware(prepared.captured_at),
                device_lat=location.get("lat"),
                device_lng=location.get("lng"),
                device_accuracy_m=location.get("accuracy_m"),
                located_at=_aware(location.get("at")),
                sent_at=_aware(sent_at),
            )
            handler.apply(actor=actor, prepared=prepared, record=record, resolution=resolution)
            audit.record(
                actor,
                "field.record_accept",
                record,
                {
                    "kind": kind,
                    "key": str(key),
                    "device": device.pk if device else None,
                    "resolution": resolution,
                    **handler.result(record),
                },
            )
    except IntegrityError:
        # A concurrent send of the same key won the insert: answer with its record.
        existing = FieldRecord.objects.filter(user_id=actor.pk, key=key).first()
        if existing is None:
            raise
        return _replay(existing, digest), False
    return record, True
