"""Background work: take IDs, idempotent, safe to retry."""

from __future__ import annotations

from django_tasks import task


@task()
def notification_deliver(notification_id: int) -> None:
    """Hand one notification to the configured backend (once)."""
    from .services.notifications import notification_deliver as deliver

    deliver(notification_id=notification_id)


@task()
def letter_sign(letter_id: int) -> None:
    """Typeset and sign a numbered letter whose signature failed earlier (no-op if signed)."""
    from .services.letters import letter_sign as sign

    sign(letter_id=letter_id)
