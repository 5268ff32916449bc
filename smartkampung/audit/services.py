"""Appending to and verifying the audit trail.

Call ``audit_record`` inside the service's transaction, as its last step: it locks the chain
head, so recording before taking other row locks could deadlock with a concurrent writer.

Each event's hash is an HMAC-SHA256 under the chain key (``keys.py``, outside the database) of
its content and the previous hash; events written before the chain was keyed keep their plain
SHA-256 (``key_version`` 0). ``audit_verify`` also checks the signed checkpoints
(``checkpoints.py``), which reveal a deleted tail that the head row alone cannot.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .keys import CHAIN_KEY_VERSION, chain_mac
from .models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def _canonical_json(data: Any) -> str:
    return json.dumps(
        data if data is not None else {},
        cls=DjangoJSONEncoder,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _event_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    scope_code: str,
    data_json: str,
    prev_hash: str,
    key_version: int = CHAIN_KEY_VERSION,
) -> str:
    content = json.dumps(
        [
            seq,
            created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            action,
            target_type,
            target_id,
            scope_code,
            data_json,
            prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    if key_version == 0:  # written before the chain was keyed (migration 0003)
        return hashlib.sha256(content.encode()).hexdigest()
    return chain_mac(content.encode(), version=key_version)


def _describe_target(target: Any) -> tuple[str, str, str]:
    """(type, id, scope code) for a model instance, a (type, id) pair or None."""
    if target is None:
        return "", "", ""
    if isinstance(target, tuple):
        return str(target[0]), str(target[1]), ""
    if isinstance(target, models.Model):
        concrete = target._meta.concrete_model or type(target)
        label = concrete._meta.label_lower
        scope = ""
        if label == "regions.region":
            scope = str(target.pk)
        elif hasattr(target, "village_id"):
            scope = str(target.village_id or "")
        return label, str(target.pk), scope
    return type(target).__name__, str(target), ""


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
    scope: str | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a user, or None for the system (CLI, background task).

    Never put NIK, KK numbers or passwords in ``data``.
    """
    target_type, target_id, derived_scope = _describe_target(target)
    scope_code = scope if scope is not None else derived_scope
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    actor_label = getattr(actor, "username", "") if actor_id else "system"
    data_json = _canonical_json(data)
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.last_seq + 1
        created_at = timezone.now()
        event_hash = _event_hash(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            scope_code=scope_code,
            data_json=data_json,
            prev_hash=head.last_hash,
        )
        event = AuditEvent.objects.create(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            scope_code=scope_code,
            data_json=data_json,
            prev_hash=head.last_hash,
            hash=event_hash,
            key_version=CHAIN_KEY_VERSION,
        )
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=event_hash)
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]
    # Events hashed before the chain was keyed, checkpoints checked, and notes that are not
    # forgeries (e.g. no checkpoint for a while).
    legacy: int = 0
    checkpoints: int = 0
    warnings: list[str] = field(default_factory=list)


def event_hash_of(event: AuditEvent) -> str:
    """Recompute one stored event's hash with the key it was written under."""
    return _event_hash(
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        scope_code=event.scope_code,
        data_json=event.data_json,
        prev_hash=event.prev_hash,
        key_version=event.key_version,
    )


def audit_verify(*, max_problems: int = 20) -> VerifyResult:
    """Recompute the whole chain with its key; report edited, inserted or deleted events, and
    any signed checkpoint (database or file) the chain no longer matches."""
    from .checkpoints import CheckpointCheck

    problems: list[str] = []
    checkpoints = CheckpointCheck.load()
    problems.extend(checkpoints.problems)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = legacy = 0
    keyed_seen = False
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=5000):
        checked += 1
        if event.seq != expected_seq:
            problems.append(f"event #{expected_seq}..#{event.seq - 1} missing (deleted?)")
        if event.prev_hash != expected_prev:
            problems.append(f"event #{event.seq}: link to the previous event is broken")
        if event.key_version == 0:
            legacy += 1
            if keyed_seen:
                problems.append(f"event #{event.seq}: unkeyed hash after keyed events (rewritten?)")
        else:
            keyed_seen = True
        if event.key_version not in (0, CHAIN_KEY_VERSION) or not hmac.compare_digest(
            event_hash_of(event), event.hash
        ):
            problems.append(f"event #{event.seq}: content was changed after it was written")
        checkpoints.see(event.seq, event.hash)
        expected_prev = event.hash
        expected_seq = event.seq + 1
        if len(problems) >= max_problems:
            break
    head = AuditHead.objects.filter(pk=1).first()
    if (
        head is not None
        and len(problems) < max_problems
        and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev)
    ):
        problems.append(
            f"the chain ends at #{expected_seq - 1} but the head records #{head.last_seq} "
            "(events at the end were deleted?)"
        )
    if len(problems) < max_problems:
        problems.extend(checkpoints.finish(last_seq=expected_seq - 1))
    return VerifyResult(
        ok=not problems,
        checked=checked,
        problems=problems[:max_problems],
        legacy=legacy,
        checkpoints=checkpoints.count,
        warnings=checkpoints.warnings,
    )
