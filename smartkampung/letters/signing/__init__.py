"""Pluggable signing (ADR 0043), like Django's authentication backends.

``SK_LETTERS_SIGNING_BACKEND`` names a :class:`SigningBackend`. The default,
``smartkampung.letters.signing.local.LocalSigningBackend``, signs (PAdES) with pyHanko using the
signer's key under the regency certificate authority that the platform manages. A remote signing
service (e.g. BSrE) is another backend: it receives the PDF and the signer's identity and
returns the signed PDF.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "smartkampung.letters.signing.local.LocalSigningBackend"


@dataclass(frozen=True)
class SignerIdentity:
    """Who signs: a user, in a position, for a village."""

    user_id: int
    name: str
    position: str
    village_code: str
    village_name: str


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    reference: str  # e.g. the certificate serial, or a remote service's transaction id


class SigningBackend(ABC):
    @abstractmethod
    def sign(self, pdf: bytes, *, signer: SignerIdentity, reason: str, location: str) -> SignedPdf:
        """Return ``pdf`` signed by ``signer``. Raise an exception if it cannot be signed."""

    def trust_anchor_pem(self, *, regency_code: str) -> str | None:
        """The root certificate readers may trust to validate the signatures (if any)."""
        del regency_code
        return None


@lru_cache(maxsize=4)
def _backend(path: str) -> SigningBackend:
    backend = import_string(path)()
    assert isinstance(backend, SigningBackend)
    return backend


def signing_backend() -> SigningBackend:
    return _backend(getattr(settings, "SK_LETTERS_SIGNING_BACKEND", DEFAULT_BACKEND))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
