"""Letter services: the catalogue of letter types, numbering, issued (signed) letters, the
regency certificate authority, and in-app notifications.

Split by sub-domain; import models from here (``from smartkampung.letters.models import Letter``).
"""

from .catalogue import DEFAULT_NUMBER_FORMAT, DocumentSpec, FieldKind, FieldSpec, LetterType
from .letters import Letter, LetterStatus, NumberSequence
from .notifications import Notification
from .signing import CertificateAuthority, SignerCertificate

__all__ = [
    "DEFAULT_NUMBER_FORMAT",
    "CertificateAuthority",
    "DocumentSpec",
    "FieldKind",
    "FieldSpec",
    "Letter",
    "LetterStatus",
    "LetterType",
    "Notification",
    "NumberSequence",
    "SignerCertificate",
]
