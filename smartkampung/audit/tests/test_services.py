from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from smartkampung import audit
from smartkampung.audit.models import AuditEvent, AuditHead
from smartkampung.audit.services import audit_verify

pytestmark = pytest.mark.django_db


class _UpdateTriggerOff:
    """What an attacker with database access could do: switch the append-only trigger off."""

    def __enter__(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush deferred FK checks
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
            else:
                cursor.execute("DROP TRIGGER audit_event_no_update")

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")
            else:
                cursor.execute(
                    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
                )


def _three_events(operator) -> list[AuditEvent]:
    return [
        audit.record(operator, "test.first", operator, {"n": 1}),
        audit.record(None, "test.second", None, {"n": 2, "text": "é"}),
        audit.record(operator, "test.third", ("letters.letter", 7), {"n": 3}),
    ]


def test_events_are_chained(operator):
    start = AuditHead.objects.get(pk=1).last_seq
    events = _three_events(operator)
    assert [e.seq for e in events] == [start + 1, start + 2, start + 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert events[2].target_type == "letters.letter"
    assert audit_verify().ok


def test_model_refuses_to_update_or_delete(operator):
    event = _three_events(operator)[0]
    event.action = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_database_refuses_update(operator):
    event = _three_events(operator)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")


def test_verify_detects_an_edited_event(operator):
    events = _three_events(operator)
    with _UpdateTriggerOff():
        AuditEvent.objects.filter(pk=events[1].pk).update(data_json='{"n":99}')
    result = audit_verify()
    assert not result.ok
    assert any(f"#{events[1].seq}" in p and "changed" in p for p in result.problems)
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_verify_detects_a_deleted_event(operator):
    events = _three_events(operator)
    AuditEvent.objects.filter(pk=events[1].pk)._raw_delete(AuditEvent.objects.db)
    result = audit_verify()
    assert not result.ok
    assert any("missing" in p for p in result.problems)


def test_verify_detects_a_deleted_tail(operator):
    events = _three_events(operator)
    AuditEvent.objects.filter(pk=events[2].pk)._raw_delete(AuditEvent.objects.db)
    result = audit_verify()
    assert not result.ok
    assert any("head records" in p for p in result.problems)


def test_command_reports_intact_chain(operator, capsys):
    _three_events(operator)
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_scope_is_taken_from_the_target_village(operator, village):
    event = audit.record(operator, "test.village", village, {})
    assert event.scope_code == village.code
