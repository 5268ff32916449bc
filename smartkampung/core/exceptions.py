"""Domain errors: raised by services and selectors, turned into pages or API errors at the edge.

Every error has a stable machine ``code`` and a translated human ``message``. The API answers
``{"code": ..., "message": ...}`` with ``status``; views show the message.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code: str = "error"
    status: int = 400

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        if code is not None:
            self.code = str(code)
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(DomainError):
    """The object does not exist or lies outside the actor's scope (never tell which)."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    """The object is in scope but the actor lacks the role for this action."""

    code = "permission_denied"
    status = 403


class ValidationFailed(DomainError):
    """Input is malformed; ``details`` lists the problems (e.g. per row and column)."""

    code = "invalid"
    status = 422


class Conflict(DomainError):
    """The action is not allowed in the object's current state."""

    code = "conflict"
    status = 409


class TooLarge(DomainError):
    code = "too_large"
    status = 413


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
