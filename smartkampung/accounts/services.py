"""Account writes: users, role grants, login with lockout, two-factor, API tokens.

Each function checks the actor's permission, runs in a transaction and writes an audit event.
``actor=None`` means the system itself (management commands, demo seed).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, get_backends
from django.contrib.auth import password_validation as pv
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.crypto import decrypt_text, encrypt_text
from smartkampung.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from smartkampung.core.privacy import mask_identifier
from smartkampung.regions.models import Region

from .exceptions import AccountError, AccountErrorCode, LockedOut, LoginRefused
from .models import ROLE_SCOPE_LEVEL, ApiToken, LoginFailure, Role, RoleAssignment, User
from .permissions import can_grant_role, can_manage_users, forget_grants

TOTP_PURPOSE = "accounts.totp"
TOKEN_PREFIX = "skt_"  # noqa: S105 - a public prefix that makes leaked tokens greppable


# --- users and roles --------------------------------------------------------------------------


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    validate_password: bool = True,
) -> User:
    """Create a user. Only the system or a regency officer may."""
    if actor is not None and not can_manage_users(actor):
        raise PermissionDenied(_("Only regency officers manage user accounts."))
    username = username.strip()
    if not username:
        raise ValidationFailed(_("A username is required."), code="username_required")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("This username is taken."), code="username_taken")
    user = User(username=username, full_name=full_name.strip(), email=email, phone=phone)
    if password:
        if validate_password:
            _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        audit.record(actor, "accounts.user_create", user, {"username": username})
    return user


def role_grant(*, actor: User | None, user: User, role: str, scope: Region) -> RoleAssignment:
    """Grant ``role`` on ``scope``. The scope must be of the level the role is granted on."""
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), code="unknown_role")
    if actor is not None and not can_grant_role(actor, role, scope.code):
        raise PermissionDenied(_("You may not grant this role here."))
    if scope.level != ROLE_SCOPE_LEVEL[role]:
        raise AccountError(
            _("The role %(role)s is granted on a %(level)s, not on a %(given)s.")
            % {
                "role": Role(role).label,
                "level": ROLE_SCOPE_LEVEL[role],
                "given": scope.level,
            },
            code=AccountErrorCode.WRONG_SCOPE_LEVEL,
        )
    try:
        with transaction.atomic():
            grant = RoleAssignment.objects.create(
                user=user, role=role, scope=scope, granted_by=actor
            )
            audit.record(
                actor,
                "accounts.role_grant",
                user,
                {"role": role, "scope": scope.code},
                scope=scope.code,
            )
    except IntegrityError as exc:
        raise AccountError(
            _("The user already holds this role here."), code=AccountErrorCode.ROLE_EXISTS
        ) from exc
    forget_grants(user)
    return grant


def role_revoke(*, actor: User | None, assignment_id: int) -> None:
    grant = RoleAssignment.objects.select_related("user").filter(pk=assignment_id).first()
    if grant is None:
        raise NotFound(_("Role grant not found."))
    if actor is not None and not can_grant_role(actor, grant.role, grant.scope_id):
        raise NotFound(_("Role grant not found."))
    with transaction.atomic():
        grant.delete()
        audit.record(
            actor,
            "accounts.role_revoke",
            grant.user,
            {"role": grant.role, "scope": grant.scope_id},
            scope=grant.scope_id,
        )
    forget_grants(grant.user)


def _validate_password(password: str, user: User) -> None:
    try:
        pv.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            " ".join(exc.messages), code=AccountErrorCode.PASSWORD_INVALID
        ) from exc


def password_change(*, actor: User, old_password: str, new_password: str) -> None:
    if not actor.check_password(old_password):
        raise AccountError(
            _("The current password is wrong."), code=AccountErrorCode.INVALID_CREDENTIALS
        )
    _validate_password(new_password, actor)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.save(update_fields=["password", "must_change_password"])
        audit.record(actor, "accounts.password_change", actor, {})


# --- login and lockout ------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str | None:
    """The client's IP: REMOTE_ADDR, or the entry added by our own trusted proxies."""
    proxies = settings.SK_TRUSTED_PROXIES
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _window_start() -> Any:
    return timezone.now() - timedelta(minutes=settings.SK_LOCKOUT_WINDOW_MINUTES)


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def user_for_login_name(name: str) -> User | None:
    """The account a typed login name belongs to (a username, a citizen's NIK), asking each
    authentication backend that knows how (``user_for_login_name``); None if none does."""
    for backend in get_backends():
        finder = getattr(backend, "user_for_login_name", None)
        if finder is None:
            continue
        user = finder(name)
        if isinstance(user, User):
            return user
    return None


def _user_key(user_id: int) -> str:
    return LoginFailure.user_key(user_id)


def _account_key(username: str) -> str:
    """One failure counter per person: the account's, whatever name was typed for it; for a
    name that belongs to no account, the typed name's (hashed, never stored in clear)."""
    user = user_for_login_name(username)
    if user is not None:
        return _user_key(user.pk)
    return _hashed(username.strip().lower())


def _account_locked(account_key: str, address: str | None) -> bool:
    since = _window_start()
    recent = LoginFailure.objects.filter(created_at__gte=since)
    if recent.filter(account_key=account_key).count() >= settings.SK_LOCKOUT_ACCOUNT_FAILURES:
        return True
    return bool(
        address and recent.filter(address=address).count() >= settings.SK_LOCKOUT_ADDRESS_FAILURES
    )


def login_is_locked(*, username: str, address: str | None) -> bool:
    """Locked when the account or the address has too many recent failures."""
    return _account_locked(_account_key(username), address)


def login_failure_record(
    *, username: str, address: str | None, reason: str, user: User | None = None
) -> None:
    """Count one failure against the person (``user`` when known, else the account the typed
    name belongs to) and the address."""
    key = _user_key(user.pk) if user is not None else _account_key(username)
    with transaction.atomic():
        LoginFailure.objects.create(account_key=key, address=address)
        shown = mask_identifier(username) if username.strip().isdigit() else username[:150]
        audit.record(None, "accounts.login_failed", None, {"username": shown, "reason": reason})


def _lockout_guard(
    username: str,
    address: str | None,
    *,
    user: User | None = None,
    unlocked_user_id: int | None = None,
) -> None:
    key = _user_key(user.pk) if user is not None else _account_key(username)
    # A user who unlocked with their second factor (ADR 0065) is not held by the address's
    # counter, which others behind the same address (a village office, a mobile NAT) fill.
    exempt = unlocked_user_id is not None and key == _user_key(unlocked_user_id)
    if _account_locked(key, None if exempt else address):
        raise LockedOut(
            _(
                "Too many failed attempts. Logging in is blocked for %(minutes)d minutes; "
                "try again later or ask your administrator."
            )
            % {"minutes": settings.SK_LOCKOUT_WINDOW_MINUTES}
        )


def login_check_password(
    *,
    request: HttpRequest,
    username: str,
    password: str,
    unlocked_user_id: int | None = None,
) -> User:
    """First factor. Raises LockedOut while the account or address is locked, LoginRefused on
    bad credentials (and counts the failure). ``unlocked_user_id``: the account this browser
    unlocked with its second factor (``lockout_unlock``), which the address lock spares."""
    address = client_address(request)
    _lockout_guard(username, address, unlocked_user_id=unlocked_user_id)
    user = authenticate(request, username=username, password=password)
    if user is None or not isinstance(user, User):
        login_failure_record(username=username, address=address, reason="password")
        raise LoginRefused(
            _("The username or NIK, or the password, is wrong."),
            code=AccountErrorCode.INVALID_CREDENTIALS,
        )
    return user


def login_check_second_factor(
    *, request: HttpRequest, user: User, code: str, unlocked_user_id: int | None = None
) -> None:
    """Second factor for users with two-factor login on; a wrong code counts as a failure."""
    address = client_address(request)
    _lockout_guard(user.username, address, user=user, unlocked_user_id=unlocked_user_id)
    if not code or not totp_verify(user=user, code=code):
        login_failure_record(username=user.username, address=address, reason="totp", user=user)
        raise LoginRefused(
            _("The authenticator code is wrong."), code=AccountErrorCode.TOTP_INVALID
        )


def _unlock_key(user: User | None, username: str) -> str:
    """The counter of wrong unlock codes: its own, so that unlocking cannot be used to try
    more authenticator codes than the login allows, and the login's counter stays as it is."""
    if user is not None:
        return LoginFailure.unlock_key(user.pk)
    return _hashed("unlock:" + username.strip().lower())


def lockout_unlock(*, request: HttpRequest, username: str, code: str) -> User:
    """Lift a lockout with the second factor (ADR 0065): a user with two-factor login on who
    gives a valid authenticator code clears their account's failure count, and their next
    login from this browser is not held by the address's count. It does not log them in: the
    password is still needed. Wrong codes are counted (SK_LOCKOUT_ACCOUNT_FAILURES per window)
    and answered the same whether the name exists, has two-factor login or not."""
    address = client_address(request)
    user = user_for_login_name(username)
    unlock_key = _unlock_key(user, username)
    since = _window_start()
    tries = LoginFailure.objects.filter(created_at__gte=since, account_key=unlock_key).count()
    if tries >= settings.SK_LOCKOUT_ACCOUNT_FAILURES:
        raise LockedOut(
            _("Too many wrong codes. Try again in %(minutes)d minutes.")
            % {"minutes": settings.SK_LOCKOUT_WINDOW_MINUTES}
        )
    valid = (
        user is not None
        and user.is_active
        and user.totp_enabled
        and totp_verify(user=user, code=code or "")
    )
    shown = mask_identifier(username) if username.strip().isdigit() else username[:150]
    if not valid or user is None:
        with transaction.atomic():
            LoginFailure.objects.create(account_key=unlock_key, address=address)
            audit.record(None, "accounts.lockout_unlock_failed", None, {"username": shown})
        raise LoginRefused(
            _("The authenticator code is wrong, or this account has no authenticator."),
            code=AccountErrorCode.TOTP_INVALID,
        )
    with transaction.atomic():
        cleared = LoginFailure.objects.filter(
            account_key__in=[_user_key(user.pk), unlock_key]
        ).delete()[0]
        audit.record(user, "accounts.lockout_unlocked", user, {"failures_cleared": cleared})
    return user


def login_succeeded(*, user: User) -> None:
    """Clear the account's failure count and record the login."""
    with transaction.atomic():
        LoginFailure.objects.filter(account_key=_user_key(user.pk)).delete()
        audit.record(user, "accounts.login", user, {})


def login_authenticate(
    *, request: HttpRequest, username: str, password: str, totp_code: str | None = None
) -> User:
    """Both factors in one call (API). AccountError(TOTP_REQUIRED) if the code is missing."""
    user = login_check_password(request=request, username=username, password=password)
    if user.totp_enabled:
        if not totp_code:
            raise AccountError(
                _("Enter the code from your authenticator app."),
                code=AccountErrorCode.TOTP_REQUIRED,
            )
        login_check_second_factor(request=request, user=user, code=totp_code)
    login_succeeded(user=user)
    return user


# --- two-factor login (TOTP) ------------------------------------------------------------------


def _require_password(actor: User, password: str) -> None:
    if not password or not actor.check_password(password):
        raise AccountError(
            _("The current password is wrong."), code=AccountErrorCode.INVALID_CREDENTIALS
        )


def totp_begin(*, actor: User, password: str) -> str:
    """Start enrolling an authenticator (first time or a replacement), confirmed with the
    password. The new secret waits until ``totp_confirm``; a factor already on stays on and
    keeps working, so starting an enrolment never switches two-factor login off. Returns the
    provisioning URI for the QR code."""
    _require_password(actor, password)
    secret = pyotp.random_base32()
    with transaction.atomic():
        actor.totp_pending_secret_encrypted = encrypt_text(secret, purpose=TOTP_PURPOSE)
        actor.save(update_fields=["totp_pending_secret_encrypted"])
        audit.record(actor, "accounts.totp_begin", actor, {"replacing": actor.totp_enabled})
    return pyotp.TOTP(secret).provisioning_uri(name=actor.username, issuer_name="Smart Kampung")


def _totp_step_matching(secret: str, code: str, last_step: int) -> int | None:
    totp = pyotp.TOTP(secret)
    code = "".join(ch for ch in code if ch.isdigit())
    now_step = int(time.time()) // 30
    for step in (now_step - 1, now_step, now_step + 1):
        if step > last_step and secrets.compare_digest(totp.at(step * 30), code):
            return step
    return None


def totp_verify(*, user: User, code: str) -> bool:
    """Check a code of the active secret (±1 step of 30 s); a used code is refused."""
    if not user.totp_secret_encrypted:
        return False
    secret = decrypt_text(user.totp_secret_encrypted, purpose=TOTP_PURPOSE)
    step = _totp_step_matching(secret, code, user.totp_last_step)
    if step is None:
        return False
    User.objects.filter(pk=user.pk).update(totp_last_step=step)
    user.totp_last_step = step
    return True


def totp_confirm(*, actor: User, code: str) -> None:
    """Confirm the enrolment with a code from the new authenticator: the new secret replaces
    the old one (if any) and two-factor login is on."""
    if not actor.totp_pending_secret_encrypted:
        raise AccountError(
            _("Start setting up the authenticator first."), code=AccountErrorCode.TOTP_INVALID
        )
    secret = decrypt_text(actor.totp_pending_secret_encrypted, purpose=TOTP_PURPOSE)
    step = _totp_step_matching(secret, code, 0)
    if step is None:
        raise AccountError(
            _("The authenticator code is wrong."), code=AccountErrorCode.TOTP_INVALID
        )
    with transaction.atomic():
        replacing = actor.totp_enabled
        actor.totp_secret_encrypted = actor.totp_pending_secret_encrypted
        actor.totp_pending_secret_encrypted = ""
        actor.totp_enabled = True
        actor.totp_last_step = step
        actor.save(
            update_fields=[
                "totp_secret_encrypted",
                "totp_pending_secret_encrypted",
                "totp_enabled",
                "totp_last_step",
            ]
        )
        audit.record(actor, "accounts.totp_enable", actor, {"replaced": replacing})


def totp_disable(*, actor: User, password: str) -> None:
    _require_password(actor, password)
    with transaction.atomic():
        actor.totp_enabled = False
        actor.totp_secret_encrypted = ""
        actor.totp_pending_secret_encrypted = ""
        actor.save(
            update_fields=["totp_enabled", "totp_secret_encrypted", "totp_pending_secret_encrypted"]
        )
        audit.record(actor, "accounts.totp_disable", actor, {})


# --- API tokens --------------------------------------------------------------------------------


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, actor: User, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the actor. The secret is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationFailed(_("Give the token a name (at most 80 characters)."))
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationFailed(_("A token expires after 1 to 3650 days."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=secret[:10],
            key_hash=_token_hash(secret),
            expires_at=expires,
        )
        audit.record(actor, "accounts.token_create", token, {"name": name})
    return token, secret


def api_token_revoke(*, actor: User, token_id: int) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("Token not found."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "accounts.token_revoke", token, {"name": token.name})


def api_token_authenticate(secret: str) -> User | None:
    """The active user owning this token secret, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
