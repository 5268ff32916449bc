"""The audit trail's keys, kept outside the database like the letter-signing keys' key: both
are derived (HKDF) from SK_ENCRYPTION_KEY, else SECRET_KEY, so a database copy alone cannot
recompute the chain or sign a checkpoint.

- the chain key (HMAC-SHA256) makes each event's hash;
- the checkpoint key (Ed25519) signs the chain head; its public half is published so that
  anyone can check a checkpoint without being able to make one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from smartkampung.core.crypto import derive_key

# The version stored with each keyed event; a new key (rotation) gets a new version and purpose.
CHAIN_KEY_VERSION = 1
_CHAIN_PURPOSES = {1: "audit-chain-hmac-v1"}
_CHECKPOINT_PURPOSE = "audit-checkpoint-ed25519-v1"


def chain_mac(content: bytes, *, version: int = CHAIN_KEY_VERSION) -> str:
    """The keyed hash of one event's canonical content (hex)."""
    key = derive_key(_CHAIN_PURPOSES[version])
    return hmac.new(key, content, hashlib.sha256).hexdigest()


def _checkpoint_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(derive_key(_CHECKPOINT_PURPOSE))


def checkpoint_public_key() -> bytes:
    """The raw 32-byte Ed25519 public key that checks checkpoints."""
    return _checkpoint_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def checkpoint_key_id() -> str:
    """A short fingerprint of the public key, named in every checkpoint."""
    return hashlib.sha256(checkpoint_public_key()).hexdigest()[:16]


def checkpoint_sign(statement: str) -> str:
    return base64.b64encode(_checkpoint_key().sign(statement.encode())).decode("ascii")


def checkpoint_signature_valid(
    statement: str, signature: str, *, public_key: bytes | None = None
) -> bool:
    key = Ed25519PublicKey.from_public_bytes(public_key or checkpoint_public_key())
    try:
        key.verify(base64.b64decode(signature, validate=True), statement.encode())
    except (InvalidSignature, ValueError):
        return False
    return True
