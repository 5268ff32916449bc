"""Letter services: the catalogue of letter types, numbering, issued (signed) letters, the
regency certificate authority, and in-app notifications.

Split by sub-domain; import models from here (``from smartkampung.letters.models import Letter``).
"""

from .catalogue import DEFAULT_NUMBER_FORMAT, DocumentSpec, FieldKind, FieldSpec, LetterType
from .letters import Letter, LetterStatus, NumberSequence
from .notifications import Notification
from .officials import VillageOfficial
from .requests import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Attachment,
    Channel,
    LetterRequest,
    RequestEvent,
    RequestStatus,
)
from .signing import CertificateAuthority, SignerCertificate

__all__ = [
    "DEFAULT_NUMBER_FORMAT",
    "EDITABLE_STATUSES",
    "OPEN_STATUSES",
    "Attachment",
    "CertificateAuthority",
    "Channel",
    "DocumentSpec",
    "FieldKind",
    "FieldSpec",
    "Letter",
    "LetterRequest",
    "LetterStatus",
    "LetterType",
    "Notification",
    "NumberSequence",
    "RequestEvent",
    "RequestStatus",
    "SignerCertificate",
    "VillageOfficial",
]
