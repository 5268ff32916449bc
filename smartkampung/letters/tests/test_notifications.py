"""Notifications: stored in the app, delivered once through the configured backend."""

from __future__ import annotations

import json

import pytest

from smartkampung.letters.models import Notification
from smartkampung.letters.notifications import (
    LocmemBackend,
    NotificationBackend,
    OutgoingMessage,
)
from smartkampung.letters.services.notifications import (
    notification_deliver,
    notifications_mark_read,
    notify,
)

pytestmark = pytest.mark.django_db


class _Broken(NotificationBackend):
    def send(self, message: OutgoingMessage) -> None:
        raise ConnectionError("gateway down")


def test_delivered_once_after_commit(make_user, django_capture_on_commit_callbacks):
    user = make_user("warga", phone="081234567890")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=user, message="Surat Anda sudah ditandatangani", url="/x/")
    assert [m.phone for m in LocmemBackend.outbox] == ["081234567890"]
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    notification_deliver(notification_id=notification.pk)  # a retry sends nothing more
    assert len(LocmemBackend.outbox) == 1


def test_nothing_is_sent_if_the_transaction_fails(make_user, django_capture_on_commit_callbacks):
    from django.db import transaction

    user = make_user("warga")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(user=user, message="x")
        raise RuntimeError
    assert callbacks == [] and LocmemBackend.outbox == []
    assert not Notification.objects.exists()


def test_file_backend_writes_json_lines(make_user, settings, tmp_path):
    target = tmp_path / "out" / "notifications.jsonl"
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.FileBackend"
    settings.SK_LETTERS_NOTIFICATION_FILE = str(target)
    user = make_user("warga", phone="0812")
    for text in ("satu", "dua"):
        notification_deliver(notification_id=notify(user=user, message=text).pk)
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["message"] for line in lines] == ["satu", "dua"]
    assert lines[0]["phone"] == "0812" and lines[0]["username"] == "warga"


def test_console_backend_logs(make_user, settings, caplog):
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.ConsoleBackend"
    user = make_user("warga")
    with caplog.at_level("INFO", logger="smartkampung.letters.notifications"):
        notification_deliver(notification_id=notify(user=user, message="halo").pk)
    assert "halo" in caplog.text


def test_a_failing_gateway_keeps_the_in_app_copy(make_user, settings):
    settings.SK_LETTERS_NOTIFICATION_BACKEND = (
        "smartkampung.letters.tests.test_notifications._Broken"
    )
    user = make_user("warga")
    notification = notify(user=user, message="halo")
    with pytest.raises(ConnectionError):
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.delivered_at is None and "gateway down" in notification.delivery_error


def test_mark_read(make_user):
    user = make_user("warga")
    notify(user=user, message="a")
    notify(user=user, message="b")
    assert notifications_mark_read(actor=user) == 2
    assert not Notification.objects.filter(read_at__isnull=True).exists()
