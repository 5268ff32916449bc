"""The default signing backend: the signer's own key under the regency CA, PAdES via pyHanko."""

from __future__ import annotations

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import ValidationContext

from ..permissions import regency_code_of
from ..services.certificates import (
    authority_crl,
    authority_get_or_create,
    signer_certificate_current,
    signer_key,
)
from . import SignedPdf, SignerIdentity, SigningBackend
from .pades import sign_pdf
from .timestamps import timestamping_backend
from .x509 import cert_from_pem


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class LocalSigningBackend(SigningBackend):
    def sign(self, pdf: bytes, *, signer: SignerIdentity, reason: str, location: str) -> SignedPdf:
        cert = signer_certificate_current(
            user_id=signer.user_id,
            village_code=signer.village_code,
            name=signer.name,
            position=signer.position,
        )
        authority = cert.authority
        ca = cert_from_pem(authority.certificate_pem)
        stamping = timestamping_backend().timestamping(regency_code=authority.regency_id)
        # B-LT: the CA as trust root, its current CRL as the revocation information; nothing is
        # fetched from the network unless an external TSA's chain needs it.
        context = ValidationContext(
            trust_roots=[_asn1(ca), *stamping.trust_roots],
            crls=[authority_crl(regency_code=authority.regency_id)],
            allow_fetching=stamping.needs_fetching,
            revocation_mode="hard-fail",
        )
        signed = sign_pdf(
            pdf,
            certificate=cert_from_pem(cert.certificate_pem),
            key=signer_key(cert),
            chain=[ca],
            reason=reason,
            location=location,
            name=signer.name,
            timestamper=stamping.timestamper,
            validation_context=context,
        )
        return SignedPdf(data=signed, reference=f"local:{cert.serial_hex}")

    def trust_anchor_pem(self, *, regency_code: str) -> str | None:
        return authority_get_or_create(regency_code=regency_code_of(regency_code)).certificate_pem
