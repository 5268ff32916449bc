"""Step-up confirmation (ADR 0112): an official confirms a weighty act — signing a letter,
approving an SPP, locking a budget — with their password or an authenticator code, shown a
summary of what they confirm. A confirmation holds for ``SK_STEPUP_SECONDS`` (a few minutes) in
the session, so a head signing a queue of letters confirms once. Where
``SK_STEPUP_TOTP_FOR_VILLAGE_HEADS`` is on (production), a village head must use the
authenticator code. Every confirmation and every refusal is audited.

Views call :func:`stepup_gate`; the API calls :func:`stepup_check_headers` (a token client
confirms each call, as it has no session).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import DomainError

from .models import Role, User
from .permissions import has_role_anywhere
from .services import totp_verify

SESSION_KEY = "sk_stepup"
FAILURES_KEY = "sk_stepup_failures"
MAX_FAILURES = 5
PASSWORD_FIELD = "stepup_password"  # noqa: S105 - a form field name
CODE_FIELD = "stepup_code"
PASSWORD_HEADER = "X-Step-Up-Password"  # noqa: S105 - a header name
CODE_HEADER = "X-Step-Up-Code"


class StepUpError(DomainError):
    code = "step_up_required"
    status = 403


def _seconds() -> int:
    return int(getattr(settings, "SK_STEPUP_SECONDS", 300))


def totp_required(actor: Any) -> bool:
    """Whether this actor must confirm with the authenticator code (not the password)."""
    return bool(getattr(settings, "SK_STEPUP_TOTP_FOR_VILLAGE_HEADS", False)) and (
        has_role_anywhere(actor, {Role.VILLAGE_HEAD})
    )


def stepup_is_fresh(request: HttpRequest) -> bool:
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("user") != request.user.pk:
        return False
    if totp_required(request.user) and held.get("method") != "totp":
        return False
    return time.time() - float(held.get("at", 0)) < _seconds()


def stepup_confirm(
    *, actor: User, password: str = "", code: str = "", purpose: str, target: Any = None
) -> str:
    """Check the actor's password or authenticator code for ``purpose``; return the method.

    Raises StepUpError (audited as a refusal) when it is missing or wrong, or when a village
    head must use an authenticator code and gave a password or has none set up."""
    method = ""
    if totp_required(actor):
        if not actor.totp_enabled:
            _refused(actor, purpose, target, "no_totp")
            raise StepUpError(
                _("Set up two-factor login (an authenticator app) before you sign."),
                code="totp_setup_required",
            )
        if code and totp_verify(user=actor, code=code):
            method = "totp"
        elif not code:
            raise StepUpError(_("Enter the code from your authenticator app to confirm."))
    elif code and actor.totp_enabled and totp_verify(user=actor, code=code):
        method = "totp"
    elif password and actor.check_password(password):
        method = "password"
    elif not code and not password:
        raise StepUpError(_("Confirm with your password or your authenticator code."))
    if not method:
        _refused(actor, purpose, target, "wrong")
        raise StepUpError(
            _("The password or code is wrong. Nothing was signed or approved."),
            code="step_up_invalid",
        )
    with transaction.atomic():
        audit.record(actor, "accounts.stepup", target, {"purpose": purpose, "method": method})
    return method


def _refused(actor: User, purpose: str, target: Any, why: str) -> None:
    with transaction.atomic():
        audit.record(actor, "accounts.stepup_refused", target, {"purpose": purpose, "why": why})


def stepup_gate(
    request: HttpRequest,
    *,
    purpose: str,
    title: str,
    summary: Sequence[tuple[str, Any]],
    cancel_url: str,
    target: Any = None,
    keep: Sequence[str] = (),
) -> HttpResponse | None:
    """None when the act may go ahead (a fresh confirmation, or one in this POST); otherwise
    the confirmation page, which posts the same form (the ``keep`` fields) back with the
    password or code. Five wrong answers in a session log the user out."""
    if stepup_is_fresh(request):
        return None
    error = ""
    password = request.POST.get(PASSWORD_FIELD, "")
    code = request.POST.get(CODE_FIELD, "").strip()
    if password or code:
        try:
            method = stepup_confirm(
                actor=request.user,  # type: ignore[arg-type]
                password=password,
                code=code,
                purpose=purpose,
                target=target,
            )
        except StepUpError as exc:
            error = exc.message
            failures = int(request.session.get(FAILURES_KEY, 0)) + 1
            request.session[FAILURES_KEY] = failures
            if failures >= MAX_FAILURES:
                logout(request)
                return render(
                    request,
                    "accounts/stepup_locked.html",
                    status=403,
                )
        else:
            request.session[SESSION_KEY] = {
                "user": request.user.pk,
                "at": time.time(),
                "method": method,
            }
            request.session.pop(FAILURES_KEY, None)
            return None
    hidden = [(name, request.POST.get(name, "")) for name in keep if name in request.POST]
    return render(
        request,
        "accounts/stepup.html",
        {
            "title": title,
            "summary": summary,
            "hidden": hidden,
            "cancel_url": cancel_url,
            "error": error,
            "totp_only": totp_required(request.user),
            "has_totp": getattr(request.user, "totp_enabled", False),
            "minutes": max(1, _seconds() // 60),
            "password_field": PASSWORD_FIELD,
            "code_field": CODE_FIELD,
        },
        status=403 if error else 200,
    )


def stepup_check_headers(request: HttpRequest, *, purpose: str, target: Any = None) -> None:
    """The API's step-up: the password or code in a header on the call itself."""
    stepup_confirm(
        actor=request.user,  # type: ignore[arg-type]
        password=request.headers.get(PASSWORD_HEADER, ""),
        code=request.headers.get(CODE_HEADER, "").strip(),
        purpose=purpose,
        target=target,
    )
