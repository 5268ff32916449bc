"""Signing asks twice (ADR 0112): the head confirms approving a letter with a password or an
authenticator code, shown the letter's summary; a refusal signs nothing and is audited."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client

from smartkampung.accounts.services import TOTP_PURPOSE
from smartkampung.accounts.stepup import SESSION_KEY
from smartkampung.audit.models import AuditEvent
from smartkampung.core.crypto import encrypt_text
from smartkampung.letters.models import Letter, LetterRequest, RequestStatus
from smartkampung.letters.services.requests import letter_request_check

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # make_user's default


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def verified(spm_request, operator):
    letter_request_check(actor=operator, request_id=spm_request.pk)
    return spm_request


def _approve(client: Client, request_id: int, **fields: str):
    return client.post(f"/letters/requests/{request_id}/approve/", fields)


def _unchanged(request_id: int) -> None:
    assert LetterRequest.objects.get(pk=request_id).status == RequestStatus.VERIFIED
    assert not Letter.objects.exists()


def test_approving_shows_the_summary_and_waits_for_confirmation(verified, head) -> None:
    page = _approve(_client(head), verified.pk)
    html = page.content.decode()
    assert page.status_code == 200 and "data-stepup-form" in html
    assert "Surat Pernyataan Miskin" in html  # the letter type
    assert "Siti Aminah" in html and "pelayanan kesehatan gratis" in html
    assert verified.resident.nik not in html  # masked
    assert 'name="stepup_password"' in html
    _unchanged(verified.pk)
    assert not AuditEvent.objects.filter(action="accounts.stepup").exists()


@pytest.mark.parametrize("password", ["wrong-password", " "])
def test_a_wrong_password_signs_nothing_and_is_audited(verified, head, password) -> None:
    page = _approve(_client(head), verified.pk, stepup_password=password)
    assert page.status_code == 403
    assert "data-stepup-error" in page.content.decode()
    _unchanged(verified.pk)
    refused = AuditEvent.objects.get(action="accounts.stepup_refused")
    assert refused.actor_id == head.pk and refused.data["purpose"] == "letters.approve"


def test_the_password_confirms_and_signs_and_is_audited(verified, head) -> None:
    _approve(_client(head), verified.pk, stepup_password=PASSWORD)
    assert LetterRequest.objects.get(pk=verified.pk).status == RequestStatus.ISSUED
    event = AuditEvent.objects.get(action="accounts.stepup")
    assert event.data == {"purpose": "letters.approve", "method": "password"}


def _another_request(citizen, spm, operator, purpose: str):
    from smartkampung.letters.services.requests import Upload, letter_request_create

    from .conftest import jpeg_bytes, pdf_bytes

    made = letter_request_create(
        actor=citizen.user,
        letter_type=spm,
        resident=citizen,
        values={"keperluan": purpose},
        uploads=[Upload("ktp", "ktp.jpg", jpeg_bytes()), Upload("kk", "kk.pdf", pdf_bytes())],
        submit=True,
    )
    letter_request_check(actor=operator, request_id=made.pk)
    return made


def test_a_confirmation_holds_for_a_few_minutes_then_lapses(
    verified, head, operator, settings, spm, citizen
) -> None:
    client = _client(head)
    _approve(client, verified.pk, stepup_password=PASSWORD)
    # within the window the next approval goes straight through
    second = _another_request(citizen, spm, operator, "pelayanan kesehatan gratis")
    _approve(client, second.pk)
    assert LetterRequest.objects.get(pk=second.pk).status == RequestStatus.ISSUED
    # after it, the head is asked again
    session = client.session
    held = session[SESSION_KEY]
    held["at"] = time.time() - settings.SK_STEPUP_SECONDS - 1
    session[SESSION_KEY] = held
    session.save()
    third = _another_request(citizen, spm, operator, "pelayanan kesehatan gratis")
    asked = _approve(client, third.pk)
    assert "data-stepup-form" in asked.content.decode()
    assert LetterRequest.objects.get(pk=third.pk).status == RequestStatus.VERIFIED


def test_five_wrong_answers_sign_the_user_out(verified, head) -> None:
    client = _client(head)
    for _ in range(4):
        assert _approve(client, verified.pk, stepup_password="nope").status_code == 403
    last = _approve(client, verified.pk, stepup_password="nope")
    assert last.status_code == 403 and "/accounts/login/" in last.content.decode()
    assert "_auth_user_id" not in client.session
    _unchanged(verified.pk)


def _with_totp(user) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    user.totp_secret_encrypted = encrypt_text(secret, purpose=TOTP_PURPOSE)
    user.totp_enabled = True
    user.save(update_fields=["totp_secret_encrypted", "totp_enabled"])
    return pyotp.TOTP(secret)


def test_heads_must_use_their_authenticator_where_the_setting_says(
    verified, head, settings
) -> None:
    settings.SK_STEPUP_TOTP_FOR_VILLAGE_HEADS = True
    client = _client(head)
    # no authenticator set up: told to set it up, nothing signed
    page = _approve(client, verified.pk, stepup_password=PASSWORD, stepup_code="123456")
    assert page.status_code == 403 and "data-stepup-error" in page.content.decode()
    assert AuditEvent.objects.get(action="accounts.stepup_refused").data["why"] == "no_totp"
    _unchanged(verified.pk)
    totp = _with_totp(head)
    page = _approve(client, verified.pk, stepup_password=PASSWORD)  # a password is not enough
    assert 'name="stepup_password"' not in page.content.decode()
    _unchanged(verified.pk)
    _approve(client, verified.pk, stepup_code=totp.now())
    assert LetterRequest.objects.get(pk=verified.pk).status == RequestStatus.ISSUED
    event = AuditEvent.objects.get(action="accounts.stepup")
    assert event.data["method"] == "totp"


def test_the_demo_lets_heads_confirm_with_the_password(verified, head, settings) -> None:
    settings.SK_STEPUP_TOTP_FOR_VILLAGE_HEADS = False
    _with_totp(head)
    _approve(_client(head), verified.pk, stepup_password=PASSWORD)
    assert LetterRequest.objects.get(pk=verified.pk).status == RequestStatus.ISSUED


def test_others_are_not_asked_and_still_refused(verified, operator) -> None:
    # the step-up never replaces the permission check: an operator gets no confirmation page
    page = _approve(_client(operator), verified.pk, stepup_password=PASSWORD)
    assert "data-stepup-form" not in page.content.decode()
    _unchanged(verified.pk)
    assert not AuditEvent.objects.filter(action__startswith="accounts.stepup").exists()
