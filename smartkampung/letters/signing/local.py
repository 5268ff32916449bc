"""The default signing backend: the signer's own key under the regency CA, PAdES via pyHanko."""

from __future__ import annotations

from ..permissions import regency_code_of
from ..services.certificates import (
    authority_get_or_create,
    signer_certificate_current,
    signer_key,
)
from . import SignedPdf, SignerIdentity, SigningBackend
from .pades import sign_pdf
from .x509 import cert_from_pem


class LocalSigningBackend(SigningBackend):
    def sign(self, pdf: bytes, *, signer: SignerIdentity, reason: str, location: str) -> SignedPdf:
        cert = signer_certificate_current(
            user_id=signer.user_id,
            village_code=signer.village_code,
            name=signer.name,
            position=signer.position,
        )
        authority = cert.authority
        signed = sign_pdf(
            pdf,
            certificate=cert_from_pem(cert.certificate_pem),
            key=signer_key(cert),
            chain=[cert_from_pem(authority.certificate_pem)],
            reason=reason,
            location=location,
            name=signer.name,
        )
        return SignedPdf(data=signed, reference=f"local:{cert.serial_hex}")

    def trust_anchor_pem(self, *, regency_code: str) -> str | None:
        return authority_get_or_create(regency_code=regency_code_of(regency_code)).certificate_pem
