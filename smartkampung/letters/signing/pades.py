"""PAdES signatures with pyHanko: baseline B-LT (ADR 0110) — a signature timestamp (RFC 3161)
and the validation information (certificates, CRL) embedded in the document's DSS, so a reader
validates the letter years later, offline, after the signer's certificate expired or was revoked.
Without a timestamper the signature is B-B (ADR 0043)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers import pdf_signer
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .x509 import PrivateKey

# Room for the CMS signature (signer certificate, CA certificate, signature value, and the
# timestamp token with the TSA's certificates); skips pyHanko's trial signature that would
# otherwise size it.
SIGNATURE_BYTES = 8192
TIMESTAMPED_SIGNATURE_BYTES = 16384


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses the key for every signature (tens of milliseconds for
    RSA); this one signs with the already-loaded ``cryptography`` key."""

    def __init__(self, *, key: PrivateKey, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if digest_algorithm != "sha256":
            raise ValueError(f"unsupported digest {digest_algorithm}")
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), hashes.SHA256())
        assert isinstance(self._key, ec.EllipticCurvePrivateKey)
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_pdf(
    pdf: bytes,
    *,
    certificate: x509.Certificate,
    key: PrivateKey,
    chain: list[x509.Certificate],
    reason: str,
    location: str,
    name: str,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Sign as a certification signature that allows no later change (DocMDP level 1).

    With ``timestamper``, the signature carries an RFC 3161 timestamp; with
    ``validation_context`` (trust roots, CRLs), pyHanko validates the signer and TSA chains now
    and embeds what it used in the DSS of the same revision (B-LT). A revoked or unknown signer
    fails here."""
    signer = _LoadedKeySigner(
        key=key,
        signing_cert=_asn1_cert(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason[:200],
        location=location[:200],
        name=name[:150],
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
        # The DSS goes into the signature's own revision, so the signature still covers the
        # whole file (pdfsig: "Total document signed"; the exact-file check of ADR 0044).
        dss_settings=pdf_signer.DSSContentSettings(
            placement=pdf_signer.SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
            include_vri=False,
        ),
    )
    reserved = SIGNATURE_BYTES if timestamper is None else TIMESTAMPED_SIGNATURE_BYTES

    def run() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = io.BytesIO()
        signers.sign_pdf(
            writer,
            meta,
            signer=signer,
            timestamper=timestamper,
            output=out,
            bytes_reserved=reserved,
        )
        return out.getvalue()

    return _outside_event_loop(run)


def _outside_event_loop(fn: Callable[[], bytes]) -> bytes:
    """pyHanko's synchronous API calls ``asyncio.run``, which fails in a thread that already
    runs an event loop (ASGI, or a test driving a browser): sign in a helper thread then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()
