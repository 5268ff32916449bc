"""Symmetric encryption of secrets at rest (TOTP seeds, signing keys).

The key comes from SK_ENCRYPTION_KEY when set (so that SECRET_KEY can rotate), else it is
derived from SECRET_KEY; each purpose gets its own derived key (HKDF-SHA256).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def derive_key(purpose: str, *, length: int = 32) -> bytes:
    """A key for one purpose, derived from the master key (which lives outside the database:
    SK_ENCRYPTION_KEY, else SECRET_KEY)."""
    master = (getattr(settings, "SK_ENCRYPTION_KEY", "") or settings.SECRET_KEY).encode()
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=b"smartkampung", info=purpose.encode()
    ).derive(master)


def _fernet(purpose: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(purpose)))


def encrypt_bytes(data: bytes, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(data).decode("ascii")


def decrypt_bytes(token: str, *, purpose: str) -> bytes:
    try:
        return _fernet(purpose).decrypt(token.encode("ascii"))
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or damaged data") from exc


def encrypt_text(text: str, *, purpose: str) -> str:
    return encrypt_bytes(text.encode(), purpose=purpose)


def decrypt_text(token: str, *, purpose: str) -> str:
    return decrypt_bytes(token, purpose=purpose).decode()
