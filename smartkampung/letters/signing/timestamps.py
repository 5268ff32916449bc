"""RFC 3161 timestamps for letter signatures (ADR 0110), behind one small interface.

A signature timestamp proves the signature existed at a time vouched for by a third key, so a
letter still validates after its signer's certificate expires or is revoked: the reader checks
the certificate as it stood at the timestamp. ``SK_LETTERS_TSA_URL`` names an external RFC 3161
service (its root certificate in ``SK_LETTERS_TSA_TRUST_PEM``); when it is empty, the platform's
own time-stamping authority signs, with a certificate under the regency CA.
"""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms, core, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from pyhanko.sign import general
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from .x509 import PrivateKey

# The platform TSA's policy (RFC 3161 TSTInfo.policy): an OID under 2.25 derived from a UUID
# (ITU-T X.667), which needs no registration. ADR 0110 describes the policy it names.
PLATFORM_TSA_POLICY = f"2.25.{uuid.UUID('5b0f3c1e-8d7a-4c52-9f0e-6a1d2b3c4e5f').int}"


@dataclass(frozen=True)
class Timestamping:
    """What a signature needs from a timestamping backend: the pyHanko client, and the
    certificates that validate its tokens (added to the signature's validation info)."""

    timestamper: TimeStamper
    trust_roots: list[asn1_x509.Certificate] = field(default_factory=list)
    # True when the TSA's revocation information must be fetched from the network.
    needs_fetching: bool = False


class TimestampingBackend(ABC):
    @abstractmethod
    def timestamping(self, *, regency_code: str) -> Timestamping:
        """The timestamp client for letters of ``regency_code``."""


class _PlatformTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA, with our policy OID and the already-loaded RSA key (its
    parent re-parses the key for every token)."""

    def __init__(
        self,
        *,
        tsa_cert: asn1_x509.Certificate,
        key: rsa.RSAPrivateKey,
        chain: list[asn1_x509.Certificate],
    ) -> None:
        key_info = asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        super().__init__(tsa_cert=tsa_cert, tsa_key=key_info, certs_to_embed=chain)  # type: ignore[arg-type]
        self._loaded_key = key

    def _build_tst_info(
        self, message_imprint: tsp.MessageImprint, dt: dt.datetime, req: tsp.TimeStampReq
    ) -> tsp.TSTInfo:
        info = super()._build_tst_info(message_imprint, dt, req)
        info["policy"] = tsp.ObjectIdentifier(PLATFORM_TSA_POLICY)
        info["accuracy"] = tsp.Accuracy({"seconds": 1})
        return info

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: dt.datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        if md_algorithm != "sha256":
            raise ValueError(f"unsupported digest {md_algorithm}")
        digest = hashes.Hash(hashes.SHA256())
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                general.simple_cms_attribute("content_type", "tst_info"),
                general.simple_cms_attribute(
                    "signing_time", cms.Time({"utc_time": core.UTCTime(dt)})
                ),
                general.simple_cms_attribute(
                    "signing_certificate", general.as_signing_certificate(self.tsa_cert)
                ),
                general.simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._loaded_key.sign(signed_attrs.dump(), PKCS1v15(), hashes.SHA256())
        return signature, signed_attrs


def platform_timestamper(
    *, tsa_certificate: asn1_x509.Certificate, key: PrivateKey, ca: asn1_x509.Certificate
) -> TimeStamper:
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the platform TSA signs with RSA")
    return _PlatformTimeStamper(tsa_cert=tsa_certificate, key=key, chain=[ca])


class PlatformTimestampingBackend(TimestampingBackend):
    """The default: the regency's own TSA, a certificate under the regency CA."""

    def timestamping(self, *, regency_code: str) -> Timestamping:
        from ..services.certificates import timestamping_authority

        authority = timestamping_authority(regency_code=regency_code)
        return Timestamping(
            timestamper=platform_timestamper(
                tsa_certificate=authority.certificate, key=authority.key, ca=authority.ca
            ),
        )


class HttpTimestampingBackend(TimestampingBackend):
    """An external RFC 3161 service at ``SK_LETTERS_TSA_URL`` (e.g. a national TSA)."""

    def timestamping(self, *, regency_code: str) -> Timestamping:
        del regency_code
        url = settings.SK_LETTERS_TSA_URL
        roots: list[asn1_x509.Certificate] = []
        pem_path = settings.SK_LETTERS_TSA_TRUST_PEM
        if pem_path:
            from asn1crypto import pem

            for _kind, _headers, der in pem.unarmor(Path(pem_path).read_bytes(), multiple=True):
                roots.append(asn1_x509.Certificate.load(der))
        timeout = settings.SK_LETTERS_TSA_TIMEOUT
        return Timestamping(
            timestamper=RequestsHTTPTimeStamper(url, timeout=timeout),
            trust_roots=roots,
            needs_fetching=True,
        )


def timestamping_backend() -> TimestampingBackend:
    if settings.SK_LETTERS_TSA_URL:
        return HttpTimestampingBackend()
    return PlatformTimestampingBackend()
