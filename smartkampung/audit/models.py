"""The append-only audit trail. Each event carries a keyed hash (HMAC-SHA256, the key outside
the database) of its content and of the event before it, so that an edited, inserted or deleted
row breaks the chain (``audit_verify``); signed checkpoints of the chain head, kept outside the
database too, reveal a deleted tail."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept even if the user is later deleted: the label is part of the hashed content.
    actor_label = models.CharField(max_length=150)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True)
    scope_code = models.CharField(max_length=13, blank=True, db_index=True)
    # Canonical JSON text (not a JSON column: jsonb would reorder keys and break the hash).
    data_json = models.TextField(default="{}")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # How ``hash`` was made: 0 = plain SHA-256 (events written before the chain was keyed),
    # 1 = HMAC-SHA256 with the audit chain key (services.CHAIN_KEY_VERSION).
    key_version = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit events are append-only")

    @property
    def data(self) -> dict[str, Any]:
        value = json.loads(self.data_json)
        return value if isinstance(value, dict) else {"value": value}


class AuditHead(models.Model):
    """One row: the last sequence number and hash. Locking it serialises appends, and it
    reveals a deleted tail of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class AuditCheckpoint(models.Model):
    """A signed statement "the chain had ``seq`` events, the last with hash ``head_hash``",
    written at least hourly. Also appended to a file outside the database and published on the
    public portal: deleting events after a checkpoint, or rewriting any event before it, no
    longer matches."""

    seq = models.BigIntegerField(unique=True)
    head_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    # The signed text (canonical JSON of seq, hash, time, key id) and its Ed25519 signature.
    statement = models.TextField()
    signature = models.CharField(max_length=120)
    key_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("audit checkpoints are append-only")
        super().save(*args, **kwargs)
