"""The keyed chain and its signed checkpoints: the two forgeries someone with write access to
the database could commit, and the path from an existing (unkeyed) trail."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase

from smartkampung import audit
from smartkampung.audit.checkpoints import audit_checkpoint_create, published_checkpoints
from smartkampung.audit.keys import checkpoint_public_key, checkpoint_signature_valid
from smartkampung.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from smartkampung.audit.services import _event_hash, audit_verify

from .test_services import _UpdateTriggerOff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    path = tmp_path / "backup" / "audit-checkpoints.jsonl"
    settings.SK_AUDIT_CHECKPOINT_FILE = str(path)
    return path


def _events(actor, n: int) -> list[AuditEvent]:
    return [audit.record(actor, "test.event", actor, {"n": i}) for i in range(n)]


def _checkpoint() -> AuditCheckpoint:
    """Sign the head, and run what waits for the commit (the file append)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        checkpoint = audit_checkpoint_create()
    assert checkpoint is not None
    return checkpoint


def _plain_hash(event: AuditEvent, prev_hash: str) -> str:
    """What the attacker can compute: the chain's hash without the key (plain SHA-256)."""
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
        prev_hash=prev_hash,
        key_version=0,
    )


def _rewrite_everything(*, edit_seq: int, downgrade: bool = False) -> None:
    """Edit one event, recompute every hash after it the only way one can without the key,
    and move the head to match: what made the old ``audit_verify`` say "intact"."""
    prev = "0" * 64
    with _UpdateTriggerOff():
        for event in AuditEvent.objects.order_by("seq"):
            if event.seq == edit_seq:
                event.data_json = '{"n":999}'
            new = _plain_hash(event, prev)
            fields = {"data_json": event.data_json, "prev_hash": prev, "hash": new}
            if downgrade:
                fields["key_version"] = 0
            AuditEvent.objects.filter(pk=event.pk).update(**fields)
            prev = new
        last = AuditEvent.objects.order_by("-seq").first()
        AuditHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=prev)


def _delete_tail(count: int) -> None:
    """Delete the last events and move the head back (DELETE is possible at the SQL level)."""
    tail = list(AuditEvent.objects.order_by("-seq")[: count + 1])
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditevent WHERE seq > %s", [tail[-1].seq]
        )  # the model refuses delete(); SQL does not
    AuditHead.objects.filter(pk=1).update(last_seq=tail[-1].seq, last_hash=tail[-1].hash)


# --- the keyed chain ---------------------------------------------------------------------------


def test_events_are_keyed_not_plain_sha256(operator):
    event = _events(operator, 1)[0]
    assert event.key_version == 1
    assert event.hash != _plain_hash(event, event.prev_hash)
    assert audit_verify().ok


def test_forgery_edit_an_event_and_recompute_every_hash_is_detected(operator):
    events = _events(operator, 5)
    _rewrite_everything(edit_seq=events[2].seq)
    result = audit_verify()
    assert not result.ok
    assert any(f"#{events[2].seq}" in p and "changed" in p for p in result.problems)
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_forgery_rewrite_as_an_unkeyed_chain_is_detected_by_the_checkpoint(operator):
    """The attacker also marks every event as written before the key: the chain is then
    consistent on its own, but no longer matches what was signed."""
    events = _events(operator, 4)
    _checkpoint()
    _rewrite_everything(edit_seq=events[1].seq, downgrade=True)
    result = audit_verify()
    assert not result.ok
    assert any("no longer has the hash signed" in p for p in result.problems)


def test_an_unkeyed_event_after_keyed_ones_is_detected(operator):
    events = _events(operator, 3)
    last = events[-1]
    with _UpdateTriggerOff():
        AuditEvent.objects.filter(pk=last.pk).update(
            key_version=0, hash=_plain_hash(last, last.prev_hash)
        )
    AuditHead.objects.filter(pk=1).update(last_hash=_plain_hash(last, last.prev_hash))
    result = audit_verify()
    assert not result.ok and any("unkeyed hash after keyed" in p for p in result.problems)


# --- signed checkpoints ------------------------------------------------------------------------


def test_forgery_delete_the_last_events_and_move_the_head_is_detected(operator):
    _events(operator, 5)
    checkpoint = _checkpoint()
    _delete_tail(2)
    result = audit_verify()
    assert not result.ok
    assert any(f"checkpoint #{checkpoint.seq}" in p and "deleted" in p for p in result.problems), (
        result.problems
    )


def test_deleting_the_checkpoints_from_the_database_too_is_caught_by_the_file(
    operator, checkpoint_file
):
    _events(operator, 5)
    checkpoint = _checkpoint()
    _delete_tail(2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditcheckpoint")
    result = audit_verify()
    assert not result.ok
    assert any(f"#{checkpoint.seq}" in p and "not in the database" in p for p in result.problems)
    assert any("deleted" in p for p in result.problems)


def test_a_checkpoint_signed_with_another_key_is_refused(operator, settings):
    _events(operator, 2)
    honest = _checkpoint()
    settings.SK_ENCRYPTION_KEY = "an attacker's own key"
    _events(operator, 1)
    _checkpoint()  # signed with the wrong key
    settings.SK_ENCRYPTION_KEY = ""
    result = audit_verify()
    assert not result.ok
    assert any("signature does not match" in p for p in result.problems)
    assert honest.seq < AuditEvent.objects.order_by("-seq").first().seq


def test_checkpoints_verify_and_are_published_with_their_public_key(operator, checkpoint_file):
    _events(operator, 3)
    first = _checkpoint()
    assert audit_checkpoint_create() is None  # nothing new: no second checkpoint
    _events(operator, 2)
    second = _checkpoint()
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    assert [json.loads(line["statement"])["seq"] for line in lines] == [first.seq, second.seq]
    result = audit_verify()
    assert result.ok and result.checkpoints == 2 and not result.warnings
    for entry in published_checkpoints():
        assert checkpoint_signature_valid(
            entry["statement"], entry["signature"], public_key=checkpoint_public_key()
        )


def test_verify_warns_when_no_recent_checkpoint_covers_the_chain(operator):
    _events(operator, 2)
    result = audit_verify()
    assert result.ok
    assert any("audit_checkpoint" in w for w in result.warnings)


def test_checkpoint_command(operator, capsys):
    _events(operator, 2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("audit_checkpoint")
        call_command("audit_checkpoint")
    out = capsys.readouterr().out
    assert "signed" in out and "unchanged" in out
    call_command("audit_verify")
    assert "1 signed checkpoint(s) match" in capsys.readouterr().out


# --- moving an existing, unkeyed trail ---------------------------------------------------------


def _legacy_events(n: int) -> list[AuditEvent]:
    """Events as the trail held them before migration 0003: plain SHA-256, key_version 0."""
    from django.utils import timezone

    head = AuditHead.objects.get(pk=1)
    prev, seq, made = head.last_hash, head.last_seq, []
    for i in range(n):
        seq += 1
        event = AuditEvent(
            seq=seq,
            created_at=timezone.now(),
            actor_label="system",
            action="legacy.event",
            data_json=json.dumps({"n": i}),
            prev_hash=prev,
            key_version=0,
        )
        event.hash = _plain_hash(event, prev)
        event.save()
        made.append(event)
        prev = event.hash
    AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return made


def test_an_existing_trail_continues_keyed_and_verifies(operator):
    legacy = _legacy_events(3)
    assert (
        legacy[0].hash
        == hashlib.sha256(
            json.dumps(
                [
                    legacy[0].seq,
                    legacy[0].created_at.isoformat(timespec="microseconds"),
                    None,
                    "system",
                    "legacy.event",
                    "",
                    "",
                    "",
                    legacy[0].data_json,
                    legacy[0].prev_hash,
                ],
                separators=(",", ":"),
            ).encode()
        ).hexdigest()
    )  # the pre-0003 formula, unchanged for old rows
    keyed = _events(operator, 2)
    assert keyed[0].prev_hash == legacy[-1].hash
    result = audit_verify()
    assert result.ok and result.legacy == 3 and result.checked >= 5


def test_rewriting_the_unkeyed_part_breaks_the_first_keyed_event(operator):
    legacy = _legacy_events(3)
    _events(operator, 1)
    _rewrite_everything(edit_seq=legacy[1].seq)
    result = audit_verify()
    assert not result.ok
    assert any("changed" in p for p in result.problems)


def test_the_portal_publishes_checkpoints_anyone_can_check(operator):
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from django.test import Client

    _events(operator, 2)
    checkpoint = _checkpoint()
    for url in ("/portal/audit/checkpoints.json", "/api/v1/audit/checkpoints"):
        body = Client().get(url).json()  # anonymous
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(body["public_key"]))
        entry = body["checkpoints"][0]
        key.verify(base64.b64decode(entry["signature"]), entry["statement"].encode())
        statement = json.loads(entry["statement"])
        assert statement["seq"] == checkpoint.seq and statement["hash"] == checkpoint.head_hash
        assert "operator" not in entry["statement"]  # no personal data, only the head
