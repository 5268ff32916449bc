"""Issuing, signing, re-downloading and revoking letters; signer certificates."""

from __future__ import annotations

import hashlib

import pytest
from django.db import transaction
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, permission_matrix, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.core.crypto import decrypt_bytes
from smartkampung.letters.models import CertificateAuthority, Letter, SignerCertificate
from smartkampung.letters.services import certificates
from smartkampung.letters.services.letters import (
    letter_create_numbered,
    letter_revoke,
    letter_sign,
    letter_sign_or_defer,
)
from smartkampung.letters.signing import SignedPdf, SigningBackend

from .conftest import SUBJECT, issue_letter

pytestmark = pytest.mark.django_db


def test_signing_stores_the_pdf_and_its_hash(issued_letter: Letter) -> None:
    with issued_letter.pdf.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == issued_letter.pdf_sha256
    assert issued_letter.signed_at is not None
    assert issued_letter.signature_reference.startswith("local:")
    assert AuditEvent.objects.filter(action="letters.letter_sign").exists()


def test_signing_again_changes_nothing(issued_letter: Letter) -> None:
    before = snapshot_rows(Letter)
    letter_sign(letter_id=issued_letter.pk)
    assert snapshot_rows(Letter) == before


def test_letter_content_is_frozen_at_issue(issued_letter: Letter, spm) -> None:
    spm.body = "Teks baru {name}."
    spm.title = "Judul baru"
    spm.save()
    issued_letter.refresh_from_db()
    assert issued_letter.content["title"] == "Surat Pernyataan Miskin"
    assert "Teks baru" not in str(issued_letter.content["blocks"])


def test_validity_follows_the_type(issued_letter: Letter) -> None:
    assert (issued_letter.valid_until - timezone.localdate(issued_letter.issued_at)).days == 90


def test_keys_are_encrypted_at_rest(issued_letter: Letter) -> None:
    authority = CertificateAuthority.objects.get()
    cert = SignerCertificate.objects.get()
    for stored in (authority.key_encrypted, cert.key_encrypted):
        assert "PRIVATE" not in stored and not stored.startswith("MI")
    der = decrypt_bytes(cert.key_encrypted, purpose=certificates.SIGNER_KEY_PURPOSE)
    assert der.startswith(b"0")  # DER sequence
    with pytest.raises(ValueError):
        decrypt_bytes(cert.key_encrypted, purpose=certificates.CA_KEY_PURPOSE)


def test_the_signer_certificate_chains_to_the_regency_ca(issued_letter: Letter) -> None:
    from smartkampung.letters.signing.x509 import cert_from_pem

    authority = CertificateAuthority.objects.get()
    cert = SignerCertificate.objects.get()
    ca = cert_from_pem(authority.certificate_pem)
    signer = cert_from_pem(cert.certificate_pem)
    assert signer.issuer == ca.subject
    signer.verify_directly_issued_by(ca)
    assert "Kepala Desa Sarongan" in signer.subject.rfc4514_string()


def test_a_revoked_certificate_is_replaced_at_the_next_signature(
    issued_letter: Letter, spm, village, head, regency_officer
) -> None:
    first = SignerCertificate.objects.get()
    certificates.signer_certificate_revoke(
        actor=regency_officer, certificate_id=first.pk, reason="Kata sandi bocor"
    )
    letter = issue_letter(letter_type=spm, village=village, signer=head)
    assert (
        letter.signature_reference
        == "local:" + SignerCertificate.objects.exclude(pk=first.pk).get().serial_hex
    )


@permission_matrix(allowed={"staff_with_role"})
def test_certificate_revoke_permission_matrix(
    actor_kind, allowed, matrix_actor, village, issued_letter
):
    actor = matrix_actor(actor_kind, village=village, role=Role.REGENCY_OFFICER)
    cert = SignerCertificate.objects.get()
    call = lambda: certificates.signer_certificate_revoke(  # noqa: E731
        actor=actor, certificate_id=cert.pk, reason="Ganti kepala desa"
    )
    if allowed:
        assert call().revoked_at is not None
    else:
        assert_refused_unchanged(
            call, snapshot=lambda: snapshot_rows(SignerCertificate, AuditEvent)
        )


@permission_matrix(allowed={"staff_with_role"})
def test_revoke_permission_matrix(actor_kind, allowed, matrix_actor, village, issued_letter):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_HEAD)
    call = lambda: letter_revoke(  # noqa: E731
        actor=actor, letter_id=issued_letter.pk, reason="Salah data"
    )
    if allowed:
        letter = call()
        assert letter.status_on(timezone.localdate()) == "revoked"
    else:
        assert_refused_unchanged(call, snapshot=lambda: snapshot_rows(Letter, AuditEvent))


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoke_needs_a_reason(issued_letter, head, reason) -> None:
    assert_refused_unchanged(
        lambda: letter_revoke(actor=head, letter_id=issued_letter.pk, reason=reason),
        snapshot=lambda: snapshot_rows(Letter, AuditEvent),
    )


def test_revoking_twice_is_a_conflict(issued_letter, head) -> None:
    letter_revoke(actor=head, letter_id=issued_letter.pk, reason="Salah data")
    error = assert_refused_unchanged(
        lambda: letter_revoke(actor=head, letter_id=issued_letter.pk, reason="Lagi"),
        snapshot=lambda: snapshot_rows(Letter),
    )
    assert error.status == 409


class _BrokenBackend(SigningBackend):
    def sign(self, pdf, *, signer, reason, location):
        raise ConnectionError("signing service unreachable")


class _RemoteLikeBackend(SigningBackend):
    calls: list[str] = []

    def sign(self, pdf, *, signer, reason, location):
        self.calls.append(signer.name)
        return SignedPdf(data=pdf, reference="remote:tx-42")


def test_a_failed_signature_keeps_the_number_and_is_retried(
    settings, spm, village, head, django_capture_on_commit_callbacks
) -> None:
    settings.SK_LETTERS_SIGNING_BACKEND = "smartkampung.letters.tests.test_letters._BrokenBackend"
    from smartkampung.letters.signing import _backend

    _backend.cache_clear()
    with transaction.atomic():
        letter = letter_create_numbered(
            letter_type=spm,
            village=village,
            subject=SUBJECT,
            values={"keperluan": "x"},
            signer=head,
            now=timezone.now(),
        )
    try:
        result = letter_sign_or_defer(letter_id=letter.pk)
        assert result.signed_at is None and result.number.startswith("460/001/")
        settings.SK_LETTERS_SIGNING_BACKEND = (
            "smartkampung.letters.signing.local.LocalSigningBackend"
        )
        from smartkampung.letters.tasks import letter_sign as task

        task.enqueue(letter.pk)  # what the worker does on retry
        letter.refresh_from_db()
        assert letter.signed_at is not None and letter.number.startswith("460/001/")
    finally:
        _backend.cache_clear()


def test_signing_backend_is_pluggable(settings, spm, village, head) -> None:
    settings.SK_LETTERS_SIGNING_BACKEND = (
        "smartkampung.letters.tests.test_letters._RemoteLikeBackend"
    )
    from smartkampung.letters.signing import _backend

    _backend.cache_clear()
    try:
        letter = issue_letter(letter_type=spm, village=village, signer=head)
    finally:
        _backend.cache_clear()
    assert letter.signature_reference == "remote:tx-42"
    assert _RemoteLikeBackend.calls[-1] == "Budi Santoso"
    assert not SignerCertificate.objects.exists()
