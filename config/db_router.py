"""Lag-tolerant reads on the replica (ADR 0120).

Only reads that may be a few moments old go to the ``replica`` database: the public portal, the
dashboard and the open data, chosen by URL prefix (``SK_REPLICA_READ_PATHS``, GET and HEAD only).
Everything else — every write, every read inside a transaction, and every read of the apps that
must read their own writes (sessions, accounts, the task queue: ``SK_REPLICA_EXCLUDED_APPS``) —
stays on the primary. Without a ``replica`` database configured this router changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_replica_reads: ContextVar[bool] = ContextVar("sk_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, lag-tolerant reads may use the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Database router: see the module docstring."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _replica_reads.get() or not replica_configured():
            return None
        if model._meta.app_label in getattr(settings, "SK_REPLICA_EXCLUDED_APPS", ()):
            return None
        # A read inside a transaction on the primary (a lock, a read of its own write) stays.
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA


class ReplicaReadsMiddleware:
    """Runs GET/HEAD requests under ``SK_REPLICA_READ_PATHS`` inside :func:`replica_reads`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefixes = tuple(getattr(settings, "SK_REPLICA_READ_PATHS", ()))
        if (
            prefixes
            and request.method in ("GET", "HEAD")
            and request.path.startswith(prefixes)
            and replica_configured()
        ):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
