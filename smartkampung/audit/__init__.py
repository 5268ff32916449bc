"""Audit trail. Public API: ``audit.record(actor, action, target, data)``."""

from __future__ import annotations

from typing import Any


def record(
    actor: Any, action: str, target: Any = None, data: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    """Append an audit event (see ``services.audit_record``)."""
    from .services import audit_record

    return audit_record(actor=actor, action=action, target=target, data=data, **kwargs)
