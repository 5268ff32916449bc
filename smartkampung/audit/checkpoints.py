"""Signed checkpoints of the audit chain head: the anchor outside the database.

``audit_checkpoint_create`` (run hourly from cron: ``manage.py audit_checkpoint``) signs "the
chain had N events, the last with hash H, at time T" with the checkpoint key (Ed25519, derived
from the key outside the database). The statement is stored in ``AuditCheckpoint``, appended
to ``SK_AUDIT_CHECKPOINT_FILE`` (a file the backups keep and that can be copied off the
machine) and published on the public portal, where anyone can keep a copy and check it against
the published public key.

Someone who can write the database can delete the last events and move the head, or rewrite
events with a hash they can compute; neither matches a checkpoint signed before, and they can
neither sign a new one nor remove the copies outside the database. ``audit_verify`` checks
every checkpoint it finds (database and file).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .keys import checkpoint_key_id, checkpoint_sign, checkpoint_signature_valid
from .models import AuditCheckpoint, AuditHead


def _statement(*, seq: int, head_hash: str, created_at: datetime, key_id: str) -> str:
    return json.dumps(
        {
            "chain": "smartkampung-audit",
            "seq": seq,
            "hash": head_hash,
            "created_at": created_at.isoformat(timespec="seconds"),
            "key_id": key_id,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def checkpoint_file() -> Path | None:
    name = getattr(settings, "SK_AUDIT_CHECKPOINT_FILE", "")
    return Path(name) if name else None


def _append_to_file(line: str) -> None:
    path = checkpoint_file()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def audit_checkpoint_create(*, now: datetime | None = None) -> AuditCheckpoint | None:
    """Sign the current chain head. Idempotent: none is made when the head has not moved since
    the last checkpoint (returns None). A system action: the checkpoint is its own record."""
    created_at = (now or timezone.now()).replace(microsecond=0)
    with transaction.atomic():
        # The head lock: no event is appended while the head is read and signed.
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        if AuditCheckpoint.objects.filter(seq=head.last_seq).exists():
            return None
        key_id = checkpoint_key_id()
        statement = _statement(
            seq=head.last_seq, head_hash=head.last_hash, created_at=created_at, key_id=key_id
        )
        checkpoint = AuditCheckpoint.objects.create(
            seq=head.last_seq,
            head_hash=head.last_hash,
            created_at=created_at,
            statement=statement,
            signature=checkpoint_sign(statement),
            key_id=key_id,
        )
        line = json.dumps({"statement": statement, "signature": checkpoint.signature})
        transaction.on_commit(lambda: _append_to_file(line))
    return checkpoint


def published_checkpoints(*, limit: int = 500) -> list[dict[str, Any]]:
    """The newest checkpoints as published (statement and signature, which anyone can check
    against the public key)."""
    rows = AuditCheckpoint.objects.order_by("-seq").values_list("statement", "signature")[:limit]
    return [{"statement": statement, "signature": signature} for statement, signature in rows]


def checkpoint_publication(*, limit: int = 500) -> dict[str, Any]:
    """What the public portal publishes: the public key and the newest signed checkpoints.
    Check one: Ed25519-verify ``statement`` (UTF-8) with ``public_key`` (raw, base64)."""
    import base64

    from .keys import checkpoint_public_key

    return {
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(checkpoint_public_key()).decode("ascii"),
        "key_id": checkpoint_key_id(),
        "checkpoints": published_checkpoints(limit=limit),
    }


# --- verification -----------------------------------------------------------------------------


@dataclass
class _Claim:
    seq: int
    head_hash: str
    created_at: str
    source: str


@dataclass
class CheckpointCheck:
    """What the checkpoints claim, matched against the chain as ``audit_verify`` walks it."""

    claims: dict[int, _Claim] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seen: dict[int, str] = field(default_factory=dict)
    latest_at: datetime | None = None

    @property
    def count(self) -> int:
        return len(self.claims)

    @classmethod
    def load(cls) -> CheckpointCheck:
        check = cls()
        in_database: dict[int, str] = {}
        for row in AuditCheckpoint.objects.order_by("seq"):
            in_database[row.seq] = row.signature
            check._claim(row.statement, row.signature, source="database")
        path = checkpoint_file()
        if path is not None and path.exists():
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    statement, signature = str(entry["statement"]), str(entry["signature"])
                except (ValueError, KeyError, TypeError):
                    check.problems.append(f"checkpoint file line {number}: not readable")
                    continue
                claim = check._claim(statement, signature, source=f"file line {number}")
                if claim is not None and claim.seq not in in_database:
                    check.problems.append(
                        f"checkpoint #{claim.seq} ({claim.created_at}) is in the checkpoint "
                        "file but not in the database (deleted?)"
                    )
        elif in_database and path is not None:
            check.warnings.append(
                f"checkpoint file {path} not found: only the database's checkpoints were checked"
            )
        return check

    def _claim(self, statement: str, signature: str, *, source: str) -> _Claim | None:
        if not checkpoint_signature_valid(statement, signature):
            self.problems.append(f"checkpoint in the {source}: the signature does not match")
            return None
        data = json.loads(statement)
        claim = _Claim(
            seq=int(data["seq"]),
            head_hash=str(data["hash"]),
            created_at=str(data["created_at"]),
            source=source,
        )
        known = self.claims.get(claim.seq)
        if known is not None and known.head_hash != claim.head_hash:
            self.problems.append(f"checkpoint #{claim.seq}: the database and the file disagree")
        self.claims.setdefault(claim.seq, claim)
        moment = datetime.fromisoformat(claim.created_at)
        if self.latest_at is None or moment > self.latest_at:
            self.latest_at = moment
        return claim

    def see(self, seq: int, event_hash: str) -> None:
        if seq in self.claims:
            self.seen[seq] = event_hash

    def finish(self, *, last_seq: int) -> list[str]:
        problems: list[str] = []
        for seq, claim in sorted(self.claims.items()):
            if seq == 0:
                continue
            if seq > last_seq:
                problems.append(
                    f"checkpoint #{seq} of {claim.created_at} was signed when the chain had "
                    f"{seq} events; it now ends at #{last_seq} (events at the end were deleted?)"
                )
            elif seq not in self.seen:
                problems.append(f"checkpoint #{seq}: event #{seq} is missing")
            elif self.seen[seq] != claim.head_hash:
                problems.append(
                    f"checkpoint #{seq} of {claim.created_at}: event #{seq} no longer has the "
                    "hash signed then (the chain was rewritten?)"
                )
        max_age = timedelta(hours=getattr(settings, "SK_AUDIT_CHECKPOINT_MAX_AGE_HOURS", 2))
        newest = max(self.claims, default=0)
        if last_seq > newest and (
            self.latest_at is None or timezone.now() - self.latest_at > max_age
        ):
            self.warnings.append(
                f"events #{newest + 1}..#{last_seq} are not covered by a checkpoint younger than "
                f"{max_age}: run manage.py audit_checkpoint hourly (cron)"
            )
        return problems
