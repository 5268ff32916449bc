"""Notifications: stored in the app, delivered through the backend after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Notification
from ..notifications import OutgoingMessage, notification_backend


def notify(*, user: Any, message: str, url: str = "") -> Notification:
    """Store a notification and deliver it once the caller's transaction commits."""
    notification = Notification.objects.create(user=user, message=message[:300], url=url[:200])

    def enqueue() -> None:
        from ..tasks import notification_deliver as task

        task.enqueue(notification.pk)

    transaction.on_commit(enqueue)
    return notification


def notification_deliver(*, notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.delivered_at is not None:
        return
    user = notification.user
    try:
        notification_backend().send(
            OutgoingMessage(
                notification_id=notification.pk,
                username=user.username,
                phone=user.phone,
                message=notification.message,
                url=notification.url,
            )
        )
    except Exception as exc:  # a gateway failure must not lose the in-app copy
        Notification.objects.filter(pk=notification.pk).update(delivery_error=str(exc)[:300])
        raise
    Notification.objects.filter(pk=notification.pk).update(
        delivered_at=timezone.now(), delivery_error=""
    )


def notifications_mark_read(*, actor: Any) -> int:
    return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
