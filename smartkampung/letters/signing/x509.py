"""Keys and certificates for the regency CA and its signers (``cryptography``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from django.conf import settings

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

CA_YEARS = 10
SIGNER_YEARS = 2
# id-kp-documentSigning (RFC 9336)
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")


def key_algorithm() -> str:
    """``rsa`` (default: what every PDF reader accepts) or ``ec`` (P-256: faster, smaller)."""
    return "ec" if getattr(settings, "SK_LETTERS_KEY_ALGORITHM", "rsa") == "ec" else "rsa"


def generate_key(*, ca: bool = False) -> PrivateKey:
    if key_algorithm() == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=3072 if ca else 2048)


def key_to_der(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def key_from_der(data: bytes) -> PrivateKey:
    # Our own keys, decrypted from authenticated storage: skip the slow RSA consistency check.
    key = serialization.load_der_private_key(
        data, password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return key


def cert_to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def cert_from_pem(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: PrivateKey


def _name(*parts: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in parts if value])


def create_authority(*, regency_name: str, now: dt.datetime) -> Issued:
    key = generate_key(ca=True)
    name = _name(
        (NameOID.COUNTRY_NAME, "ID"),
        (NameOID.ORGANIZATION_NAME, f"Pemerintah {regency_name}"),
        (NameOID.COMMON_NAME, f"Smart Kampung CA {regency_name}"),
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


def issue_signer(
    *,
    authority_cert: x509.Certificate,
    authority_key: PrivateKey,
    common_name: str,
    position: str,
    organisation: str,
    now: dt.datetime,
    crl_url: str = "",
    ca_url: str = "",
) -> Issued:
    """A signer's certificate; ``crl_url`` (the CRL distribution point) and ``ca_url`` (where
    the issuer's certificate is downloaded) let a reader check it without our help."""
    key = generate_key()
    not_after = min(now + dt.timedelta(days=365 * SIGNER_YEARS), authority_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            _name(
                (NameOID.COUNTRY_NAME, "ID"),
                (NameOID.ORGANIZATION_NAME, organisation[:64]),
                (NameOID.TITLE, position[:64]),
                (NameOID.COMMON_NAME, common_name[:64]),
            )
        )
        .issuer_name(authority_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
    )
    cert = _with_locations(builder, crl_url=crl_url, ca_url=ca_url).sign(
        authority_key, hashes.SHA256()
    )
    return Issued(cert, key)


def _with_locations(
    builder: x509.CertificateBuilder, *, crl_url: str, ca_url: str
) -> x509.CertificateBuilder:
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    if ca_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(ca_url),
                    )
                ]
            ),
            critical=False,
        )
    return builder


def issue_timestamping(
    *,
    authority_cert: x509.Certificate,
    authority_key: PrivateKey,
    regency_name: str,
    now: dt.datetime,
    crl_url: str = "",
    ca_url: str = "",
) -> Issued:
    """The regency's time-stamping authority (RFC 3161): RSA, because pyHanko's TSA machinery
    signs tokens with RSA; EKU timeStamping, critical, as RFC 3161 § 2.3 requires."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            _name(
                (NameOID.COUNTRY_NAME, "ID"),
                (NameOID.ORGANIZATION_NAME, f"Pemerintah {regency_name}"[:64]),
                (NameOID.COMMON_NAME, f"Smart Kampung TSA {regency_name}"[:64]),
            )
        )
        .issuer_name(authority_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(authority_cert.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
    )
    cert = _with_locations(builder, crl_url=crl_url, ca_url=ca_url).sign(
        authority_key, hashes.SHA256()
    )
    return Issued(cert, key)


@dataclass(frozen=True)
class Revoked:
    serial_number: int
    revoked_at: dt.datetime


def build_crl(
    *,
    authority_cert: x509.Certificate,
    authority_key: PrivateKey,
    revoked: list[Revoked],
    now: dt.datetime,
    next_update: dt.timedelta,
) -> bytes:
    """A DER CRL (RFC 5280) of the regency CA listing ``revoked``. The CRL number grows with
    time, so a newer list always has a larger number without a counter to keep."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority_cert.subject)
        .last_update(now - dt.timedelta(minutes=1))
        .next_update(now + next_update)
        .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
    )
    for item in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(item.serial_number)
            .revocation_date(item.revoked_at)
            .build()
        )
    crl = builder.sign(authority_key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)
