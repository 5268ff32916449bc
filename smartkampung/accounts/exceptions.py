from __future__ import annotations

from enum import StrEnum

from smartkampung.core.exceptions import DomainError


class AccountErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    LOCKED_OUT = "locked_out"
    TOTP_REQUIRED = "totp_required"
    TOTP_INVALID = "totp_invalid"
    WRONG_SCOPE_LEVEL = "wrong_scope_level"
    ROLE_EXISTS = "role_exists"
    PASSWORD_INVALID = "password_invalid"  # noqa: S105 - an error code
    TOKEN_INVALID = "token_invalid"  # noqa: S105 - an error code


class AccountError(DomainError):
    code = "account_error"
    status = 400


class LoginRefused(AccountError):
    status = 401


class LockedOut(AccountError):
    code = AccountErrorCode.LOCKED_OUT
    status = 429
