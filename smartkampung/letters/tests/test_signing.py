"""Long-term validation (ADR 0110): an RFC 3161 timestamp from the regency's TSA, the validation
information embedded (PAdES B-LT), the CA's CRL published where the certificates point, and a
letter that still validates after its signer's certificate is revoked — checked with pyHanko's
validator and poppler's pdfsig, not with our own code."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.management import CommandError, call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.ades import ades_with_time_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import SignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer

from smartkampung.accounts.testing import snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.letters.models import CertificateAuthority, Letter, SignerCertificate
from smartkampung.letters.services import certificates

pytestmark = pytest.mark.django_db


def _pdf(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as handle:
        return handle.read()


def _ca() -> asn1_x509.Certificate:
    authority = CertificateAuthority.objects.get()
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(authority.certificate_pem.encode()).public_bytes(
            serialization.Encoding.DER
        )
    )


def _signature(letter: Letter) -> Any:
    reader = PdfFileReader(io.BytesIO(_pdf(letter)))
    (signature,) = reader.embedded_signatures
    return reader, signature


def _revoke(regency_officer: Any) -> SignerCertificate:
    """Revoke the signer's certificate in a later second than the signature: a CRL gives the
    revocation time to the second, so a revocation in the very second of the signature would
    (rightly) read as before it."""
    cert = SignerCertificate.objects.get()
    signed = Letter.objects.filter(signed_at__isnull=False).latest("signed_at").signed_at
    assert signed is not None
    while dt.datetime.now(dt.UTC).replace(microsecond=0) <= signed.replace(microsecond=0):
        time.sleep(0.05)
    return certificates.signer_certificate_revoke(
        actor=regency_officer, certificate_id=cert.pk, reason="Kunci hilang"
    )


def _crl(client: Any) -> asn1_crl.CertificateList:
    response = client.get(reverse("verify:crl", kwargs={"regency_code": "35.10"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    return asn1_crl.CertificateList.load(response.content)


def _hard_fail_spec(*, crls: list[asn1_crl.CertificateList]) -> PdfSignatureValidationSpec:
    """pyHanko's AdES validator: our CA as the only trust root, revocation checked strictly,
    nothing fetched from the network, the CRLs a reader would download known."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[_ca()]),
        revinfo_policy=CertRevTrustPolicy(
            RevocationCheckingPolicy(
                ee_certificate_rule=RevocationCheckingRule.CRL_REQUIRED,
                intermediate_ca_cert_rule=RevocationCheckingRule.CRL_REQUIRED,
            )
        ),
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH
            ),
            local_knowledge=LocalKnowledge(known_crls=[CRLContainer(c) for c in crls]),
        )
    )


def test_the_signature_carries_a_timestamp_from_the_regency_tsa(issued_letter: Letter) -> None:
    _reader, signature = _signature(issued_letter)
    tokens = list(extract_tst_data_iter(signature.signer_info, signed=False))
    assert len(tokens) == 1, "no signature timestamp (RFC 3161)"
    tsa = next(
        c
        for c in tokens[0]["certificates"]
        if c.chosen.subject.native["common_name"].startswith("Smart Kampung TSA")
    ).chosen
    assert tsa.issuer == _ca().subject
    ca = x509.load_der_x509_certificate(_ca().dump())
    tsa_cert = x509.load_der_x509_certificate(tsa.dump())
    tsa_cert.verify_directly_issued_by(ca)
    eku = tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    status = validate_pdf_signature(
        signature,
        signer_validation_context=ValidationContext(trust_roots=[_ca()]),
        ts_validation_context=ValidationContext(trust_roots=[_ca()]),
    )
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.valid
    assert status.timestamp_validity.trusted
    assert abs(status.timestamp_validity.timestamp - issued_letter.signed_at) < dt.timedelta(
        minutes=1
    )


def test_the_validation_information_is_embedded(issued_letter: Letter) -> None:
    reader, signature = _signature(issued_letter)
    dss = DocumentSecurityStore.read_dss(reader)
    crls = [asn1_crl.CertificateList.load(c.get_object().data) for c in dss.crls]
    assert crls, "no CRL in the DSS"
    assert all(c.issuer == _ca().subject for c in crls)
    embedded = list(dss.load_certs())
    embedded_subjects = {c.subject.native["common_name"] for c in embedded}
    assert "Budi Santoso" in embedded_subjects
    assert any(name.startswith("Smart Kampung TSA") for name in embedded_subjects)
    # with only what the file carries, strict revocation checking, no network: valid
    context = ValidationContext(
        trust_roots=[_ca()],
        crls=crls,
        other_certs=embedded,
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    status = validate_pdf_signature(signature, signer_validation_context=context)
    assert status.bottom_line, status.pretty_print_details()
    # the DSS sits in the signature's own revision: the signature still covers the whole file
    assert status.coverage.name == "ENTIRE_FILE"


def test_new_certificates_name_the_published_crl(issued_letter: Letter, client) -> None:
    cert = x509.load_pem_x509_certificate(SignerCertificate.objects.get().certificate_pem.encode())
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    urls = [name.value for point in points for name in point.full_name or []]
    assert urls == ["https://sk.example.go.id/v/ca/35.10.crl"]
    aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [d.access_location.value for d in aia] == ["https://sk.example.go.id/v/ca/35.10.cer"]
    crl = _crl(client)
    ca = x509.load_der_x509_certificate(_ca().dump())
    parsed = x509.load_der_x509_crl(crl.dump())
    assert parsed.is_signature_valid(ca.public_key())  # type: ignore[arg-type]
    assert len(parsed) == 0
    assert parsed.next_update_utc is not None


def test_revocation_is_published_in_the_crl(issued_letter: Letter, client, regency_officer) -> None:
    revoked = _revoke(regency_officer)
    parsed = x509.load_der_x509_crl(_crl(client).dump())
    entry = parsed.get_revoked_certificate_by_serial_number(int(revoked.serial_hex, 16))
    assert entry is not None
    assert abs(entry.revocation_date_utc - revoked.revoked_at) < dt.timedelta(seconds=1)


def test_a_letter_still_validates_as_b_lt_after_its_signer_is_revoked(
    issued_letter: Letter, client, regency_officer
) -> None:
    _revoke(regency_officer)
    new_crl = _crl(client)
    _reader, signature = _signature(issued_letter)

    # pyHanko's AdES validation of a signature with time and long-term validation data
    # (ETSI EN 319 102-1 § 5.5, the process for B-T/B-LT), knowing the new CRL: the timestamp
    # proves the signature existed before the revocation.
    reader = PdfFileReader(io.BytesIO(_pdf(issued_letter)))
    dss = DocumentSecurityStore.read_dss(reader)
    embedded_crls = [asn1_crl.CertificateList.load(c.get_object().data) for c in dss.crls]
    result = asyncio.run(
        ades_with_time_validation(
            signature.signed_data,
            _hard_fail_spec(crls=[new_crl, *embedded_crls]).signature_validation_spec,
            raw_digest=signature.compute_digest(),
        )
    )
    assert result.ades_subindic == AdESPassed.OK, result
    assert result.api_status is not None and result.api_status.bottom_line
    revoked_at = SignerCertificate.objects.get().revoked_at
    assert revoked_at is not None and result.best_signature_time < revoked_at

    # The same check at the present time without the timestamp's proof refuses it: the test
    # can fail, and the revocation is seen.
    now_context = ValidationContext(
        trust_roots=[_ca()], crls=[new_crl], allow_fetching=False, revocation_mode="hard-fail"
    )
    status: SignatureStatus = validate_pdf_signature(
        signature, signer_validation_context=now_context
    )
    assert status.revoked


def test_pdfsig_validates_the_signature_and_its_timestamp(
    issued_letter: Letter, tmp_path: Path, regency_officer
) -> None:
    _revoke(regency_officer)  # pdfsig reads only the file: it stays valid
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(issued_letter))
    out = subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature is Valid." in out, out
    assert "Total document signed" in out, out
    assert "ETSI.CAdES.detached" in out, out


def test_the_crl_of_an_unknown_regency_is_not_found(client, regions_loaded) -> None:
    response = client.get(reverse("verify:crl", kwargs={"regency_code": "35.10"}))
    assert response.status_code == 404


def test_the_tsa_certificate_is_issued_once_and_audited(issued_letter: Letter, spm, village, head):
    from .conftest import issue_letter

    first = CertificateAuthority.objects.get().tsa_certificate_pem
    issue_letter(letter_type=spm, village=village, signer=head)
    assert CertificateAuthority.objects.get().tsa_certificate_pem == first
    assert AuditEvent.objects.filter(action="letters.tsa_certificate_issue").count() == 1


# --- the revocation command -----------------------------------------------------------------


def test_the_command_revokes_and_audits(issued_letter: Letter, regency_officer, client) -> None:
    cert = SignerCertificate.objects.get()
    out = io.StringIO()
    call_command(
        "letters_certificate_revoke",
        cert.serial_hex,
        reason="Kepala desa berganti",
        by=regency_officer.username,
        stdout=out,
    )
    cert.refresh_from_db()
    assert cert.revoked_at is not None and cert.revoke_reason == "Kepala desa berganti"
    event = AuditEvent.objects.get(action="letters.signer_certificate_revoke")
    assert event.actor_id == regency_officer.pk
    assert cert.serial_hex in out.getvalue()
    parsed = x509.load_der_x509_crl(_crl(client).dump())
    assert parsed.get_revoked_certificate_by_serial_number(int(cert.serial_hex, 16))


@pytest.mark.parametrize(
    "serial,by,reason",
    [
        ("ffff", "pmd", "Kunci hilang"),  # unknown serial
        (None, "nobody", "Kunci hilang"),  # unknown user
        (None, "kades.sarongan", "Kunci hilang"),  # not a regency officer
        (None, "pmd", " "),  # no reason
    ],
)
def test_the_command_refuses_and_changes_nothing(
    issued_letter: Letter, regency_officer, head, serial, by, reason
) -> None:
    serial = serial or SignerCertificate.objects.get().serial_hex
    before = snapshot_rows(SignerCertificate, AuditEvent)
    with pytest.raises(CommandError):
        call_command("letters_certificate_revoke", serial, reason=reason, by=by)
    assert snapshot_rows(SignerCertificate, AuditEvent) == before


def test_the_fingerprint_shown_is_the_certificates(issued_letter: Letter, client) -> None:
    der = client.get(reverse("verify:authority_der", kwargs={"regency_code": "35.10"})).content
    digest = hashlib.sha256(der).hexdigest().upper()
    page = client.get(reverse("verify:trust")).content.decode()
    assert ":".join(digest[i : i + 2] for i in range(0, 64, 2)) in page
    assert (
        x509.load_der_x509_certificate(der).subject
        == x509.load_der_x509_certificate(_ca().dump()).subject
    )


def test_pdf_readers_guide_and_links(issued_letter: Letter, client) -> None:
    for language, expected in (
        ("id", "Untuk memeriksa surat, Anda tidak memerlukan semua ini."),
        ("en", "To check a letter you need none of this."),
    ):
        client.cookies["sk_language"] = language
        page = client.get(reverse("verify:trust"))
        assert page.status_code == 200
        text = page.content.decode()
        assert expected in text
        assert "Foxit" in text and "pdfsig" in text
        assert reverse("verify:crl", kwargs={"regency_code": "35.10"}) in text
    verify = client.get(reverse("verify:letter", kwargs={"token": issued_letter.token}))
    assert reverse("verify:trust") in verify.content.decode()
    assert "data-trust-note" in verify.content.decode()
    start = client.get(reverse("verify:start"))
    assert reverse("verify:trust") in start.content.decode()


def test_the_letter_footer_names_the_trust_page(issued_letter: Letter, tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(issued_letter))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "https://sk.example.go.id/v/ca/" in text.replace("\n", "")
