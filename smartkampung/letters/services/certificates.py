"""The regency certificate authority and signer certificates (local signing backend).

The platform creates the CA the first time a letter of the regency is signed, and issues each
signer (a village head in a village) a certificate the first time they sign. Private keys are
encrypted at rest with ``core.crypto``. Regency officers may revoke a signer certificate (for a
lost password or a change of office); the next signature gets a new key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.crypto import decrypt_bytes, encrypt_bytes
from smartkampung.core.exceptions import NotFound
from smartkampung.regions.models import Region

from ..exceptions import LetterConflict, LetterErrorCode, LetterInvalid
from ..models import CertificateAuthority, SignerCertificate
from ..permissions import can_manage_certificates, regency_code_of
from ..signing import x509 as certs

CA_KEY_PURPOSE = "letters.ca-key"
SIGNER_KEY_PURPOSE = "letters.signer-key"
TSA_KEY_PURPOSE = "letters.tsa-key"
# A reader treats a CRL older than its nextUpdate as stale; we publish one that stays good for a
# week (a new one is made at every revocation, and at least hourly while anyone asks).
CRL_VALID = dt.timedelta(days=7)
CRL_CACHE_SECONDS = 3600


def _public(path: str) -> str:
    return getattr(settings, "SK_PUBLIC_BASE_URL", "").rstrip("/") + path


def crl_url(*, regency_code: str) -> str:
    """Where the regency CA's CRL is published (named in every new certificate)."""
    return _public(reverse("verify:crl", kwargs={"regency_code": regency_code}))


def authority_certificate_url(*, regency_code: str) -> str:
    return _public(reverse("verify:authority_der", kwargs={"regency_code": regency_code}))


def authority_get_or_create(*, regency_code: str) -> CertificateAuthority:
    """The regency's CA, created (key pair and self-signed certificate) on first use."""
    existing = CertificateAuthority.objects.filter(regency_id=regency_code).first()
    if existing is not None:
        return existing
    regency = Region.objects.filter(code=regency_code).first()
    if regency is None:
        raise NotFound(_("Not found."))
    now = timezone.now()
    issued = certs.create_authority(regency_name=regency.name, now=now)
    with transaction.atomic():
        authority, created = CertificateAuthority.objects.get_or_create(
            regency_id=regency_code,
            defaults={
                "name": issued.certificate.subject.rfc4514_string(),
                "certificate_pem": certs.cert_to_pem(issued.certificate),
                "key_encrypted": encrypt_bytes(
                    certs.key_to_der(issued.key), purpose=CA_KEY_PURPOSE
                ),
                "fingerprint_sha256": certs.fingerprint(issued.certificate),
                "not_before": issued.certificate.not_valid_before_utc,
                "not_after": issued.certificate.not_valid_after_utc,
            },
        )
        if created:
            audit.record(
                None,
                "letters.authority_create",
                authority,
                {"fingerprint": authority.fingerprint_sha256},
                scope=regency_code,
            )
    return authority


def authority_key(authority: CertificateAuthority) -> certs.PrivateKey:
    return certs.key_from_der(decrypt_bytes(authority.key_encrypted, purpose=CA_KEY_PURPOSE))


def signer_key(certificate: SignerCertificate) -> certs.PrivateKey:
    return certs.key_from_der(decrypt_bytes(certificate.key_encrypted, purpose=SIGNER_KEY_PURPOSE))


def _usable(cert: SignerCertificate | None, *, name: str, position: str) -> bool:
    if cert is None or cert.revoked_at is not None:
        return False
    if cert.common_name != name[:64] or cert.position != position[:64]:
        return False
    return cert.not_after > timezone.now() + dt.timedelta(days=1)


def signer_certificate_current(
    *, user_id: int, village_code: str, name: str, position: str
) -> SignerCertificate:
    """The signer's valid certificate for this village; issued now if there is none."""

    def latest() -> SignerCertificate | None:
        return (
            SignerCertificate.objects.filter(user_id=user_id, village_id=village_code)
            .order_by("-created_at", "-pk")
            .first()
        )

    cert = latest()
    if _usable(cert, name=name, position=position):
        assert cert is not None
        return cert
    authority = authority_get_or_create(regency_code=regency_code_of(village_code))
    village = Region.objects.get(code=village_code)
    with transaction.atomic():
        # One issuer at a time per regency, so two simultaneous first letters share one key.
        authority = CertificateAuthority.objects.select_for_update().get(pk=authority.pk)
        cert = latest()
        if _usable(cert, name=name, position=position):
            assert cert is not None
            return cert
        issued = certs.issue_signer(
            authority_cert=certs.cert_from_pem(authority.certificate_pem),
            authority_key=authority_key(authority),
            common_name=name[:64],
            position=position[:64],
            organisation=f"Pemerintah {village.get_kind_display()} {village.name}",
            now=timezone.now(),
            crl_url=crl_url(regency_code=authority.regency_id),
            ca_url=authority_certificate_url(regency_code=authority.regency_id),
        )
        cert = SignerCertificate.objects.create(
            authority=authority,
            user_id=user_id,
            village_id=village_code,
            common_name=name[:64],
            position=position[:64],
            serial_hex=f"{issued.certificate.serial_number:x}",
            certificate_pem=certs.cert_to_pem(issued.certificate),
            key_encrypted=encrypt_bytes(certs.key_to_der(issued.key), purpose=SIGNER_KEY_PURPOSE),
            not_before=issued.certificate.not_valid_before_utc,
            not_after=issued.certificate.not_valid_after_utc,
        )
        audit.record(None, "letters.signer_certificate_issue", cert, {"serial": cert.serial_hex})
    return cert


@dataclass(frozen=True)
class TimestampingAuthority:
    certificate: asn1_x509.Certificate
    key: certs.PrivateKey
    ca: asn1_x509.Certificate


def _asn1(pem: str) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        certs.cert_from_pem(pem).public_bytes(serialization.Encoding.DER)
    )


def timestamping_authority(*, regency_code: str) -> TimestampingAuthority:
    """The regency's TSA certificate and key, issued under its CA on first use."""
    authority = authority_get_or_create(regency_code=regency_code_of(regency_code))
    if not authority.tsa_certificate_pem:
        with transaction.atomic():
            authority = CertificateAuthority.objects.select_for_update().get(pk=authority.pk)
            if not authority.tsa_certificate_pem:
                regency = Region.objects.get(code=authority.regency_id)
                issued = certs.issue_timestamping(
                    authority_cert=certs.cert_from_pem(authority.certificate_pem),
                    authority_key=authority_key(authority),
                    regency_name=regency.name,
                    now=timezone.now(),
                    crl_url=crl_url(regency_code=authority.regency_id),
                    ca_url=authority_certificate_url(regency_code=authority.regency_id),
                )
                authority.tsa_certificate_pem = certs.cert_to_pem(issued.certificate)
                authority.tsa_key_encrypted = encrypt_bytes(
                    certs.key_to_der(issued.key), purpose=TSA_KEY_PURPOSE
                )
                authority.save(update_fields=["tsa_certificate_pem", "tsa_key_encrypted"])
                audit.record(
                    None,
                    "letters.tsa_certificate_issue",
                    authority,
                    {"serial": f"{issued.certificate.serial_number:x}"},
                    scope=authority.regency_id,
                )
    return TimestampingAuthority(
        certificate=_asn1(authority.tsa_certificate_pem),
        key=certs.key_from_der(decrypt_bytes(authority.tsa_key_encrypted, purpose=TSA_KEY_PURPOSE)),
        ca=_asn1(authority.certificate_pem),
    )


def authority_crl(*, regency_code: str) -> bytes:
    """The regency CA's current CRL (DER): every revoked signer certificate with its time.

    Kept in the cache under the state of the revocations, so a revocation is published at once
    and an unchanged list is signed again at most hourly."""
    authority = CertificateAuthority.objects.filter(regency_id=regency_code).first()
    if authority is None:
        raise NotFound(_("Not found."))
    revoked = SignerCertificate.objects.filter(authority=authority, revoked_at__isnull=False)
    state = revoked.aggregate(n=Count("pk"), last=Max("revoked_at"))
    last = state["last"].isoformat() if state["last"] else "-"
    key = f"letters:crl:{authority.fingerprint_sha256}:{state['n']}:{last}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    crl = certs.build_crl(
        authority_cert=certs.cert_from_pem(authority.certificate_pem),
        authority_key=authority_key(authority),
        revoked=[
            certs.Revoked(serial_number=int(serial, 16), revoked_at=at)
            for serial, at in revoked.values_list("serial_hex", "revoked_at")
            if at is not None
        ],
        now=timezone.now(),
        next_update=CRL_VALID,
    )
    cache.set(key, crl, CRL_CACHE_SECONDS)
    return crl


def signer_certificate_revoke(*, actor: Any, certificate_id: int, reason: str) -> SignerCertificate:
    """Revoke a signer's certificate (regency officers). Letters it signed stay valid unless
    revoked one by one: the certificate was good when they were signed."""
    cert = SignerCertificate.objects.filter(pk=certificate_id).first()
    if cert is None or not can_manage_certificates(actor, cert.village_id):
        raise NotFound(_("Not found."))
    reason = (reason or "").strip()
    if not reason:
        raise LetterInvalid(_("Give a reason."), code=LetterErrorCode.REASON_REQUIRED)
    with transaction.atomic():
        cert = SignerCertificate.objects.select_for_update().get(pk=cert.pk)
        if cert.revoked_at is not None:
            raise LetterConflict(
                _("The certificate is already revoked."), code=LetterErrorCode.ALREADY_REVOKED
            )
        cert.revoked_at = timezone.now()
        cert.revoke_reason = reason[:300]
        cert.save(update_fields=["revoked_at", "revoke_reason"])
        audit.record(actor, "letters.signer_certificate_revoke", cert, {"serial": cert.serial_hex})
    return cert
