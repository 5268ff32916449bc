"""Telling citizens what happened to their request: in the app, and through a backend.

``SK_LETTERS_NOTIFICATION_BACKEND`` names a :class:`NotificationBackend`, like Django's email
backends. Shipped: console (the log), file (JSON lines, for a gateway to pick up) and locmem
(tests). An SMS or WhatsApp gateway is one more class with the same ``send``.
"""

from __future__ import annotations

import json
import logging
import threading
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("smartkampung.letters.notifications")

DEFAULT_BACKEND = "smartkampung.letters.notifications.ConsoleBackend"


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: int
    username: str
    phone: str
    message: str
    url: str


class NotificationBackend(ABC):
    @abstractmethod
    def send(self, message: OutgoingMessage) -> None:
        """Deliver or hand over the message; raise on failure (the app keeps its copy)."""


class ConsoleBackend(NotificationBackend):
    def send(self, message: OutgoingMessage) -> None:
        logger.info("notification to %s: %s %s", message.username, message.message, message.url)


class FileBackend(NotificationBackend):
    """Appends one JSON object per line to ``SK_LETTERS_NOTIFICATION_FILE``."""

    _lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> None:
        path = Path(
            getattr(settings, "SK_LETTERS_NOTIFICATION_FILE", "")
            or Path(settings.VAR_DIR) / "notifications.jsonl"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(message), ensure_ascii=False)
        with self._lock, path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class LocmemBackend(NotificationBackend):
    """Keeps messages in ``LocmemBackend.outbox`` (tests)."""

    outbox: ClassVar[list[OutgoingMessage]] = []

    def send(self, message: OutgoingMessage) -> None:
        self.outbox.append(message)


def notification_backend() -> NotificationBackend:
    path = getattr(settings, "SK_LETTERS_NOTIFICATION_BACKEND", "") or DEFAULT_BACKEND
    backend = import_string(path)()
    assert isinstance(backend, NotificationBackend)
    return backend
