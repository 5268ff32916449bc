"""Fixtures for the letters tests: fast EC keys, captured notifications, issued letters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from conftest import SARONGAN
from smartkampung.accounts.models import Role, User
from smartkampung.letters.composition import LetterSubject
from smartkampung.letters.models import Letter, LetterType
from smartkampung.letters.notifications import LocmemBackend
from smartkampung.letters.services.catalogue import letter_types_install_defaults
from smartkampung.letters.services.letters import letter_create_numbered, letter_sign
from smartkampung.regions.models import Region

SUBJECT = LetterSubject(
    name="Siti Aminah",
    nik="3510014507900003",
    sex="Perempuan",
    birth_place="Banyuwangi",
    birth_date="5 Juli 1990",
    religion="Islam",
    occupation="Petani",
    marital_status="Kawin",
    address="Dusun Krajan RT 001/RW 002, Desa Sarongan",
)


@pytest.fixture(autouse=True)
def fast_letter_settings(settings: Any) -> None:
    """EC keys (RSA key generation would slow every test); messages kept in memory."""
    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.LocmemBackend"
    settings.SK_PUBLIC_BASE_URL = "https://sk.example.go.id"
    LocmemBackend.outbox.clear()
    # Welfare's SPM check (SK_LETTER_APPROVAL_CHECKS) has its own tests in
    # smartkampung/welfare/tests/test_spm.py; the letters flow is tested without it.
    settings.SK_LETTER_APPROVAL_CHECKS = []


@pytest.fixture
def letter_types(regions_loaded: Any) -> None:
    """The default catalogue (the data migration's rows vanish in transactional tests)."""
    letter_types_install_defaults(regency_code="35.10")


@pytest.fixture
def spm(letter_types: None) -> LetterType:
    return LetterType.objects.get(regency_id="35.10", code="spm")


@pytest.fixture
def head(make_user: Callable[..., User]) -> User:
    return make_user(
        "kades.sarongan", roles=[(Role.VILLAGE_HEAD, SARONGAN)], full_name="Budi Santoso"
    )


def issue_letter(
    *,
    letter_type: LetterType,
    village: Region,
    signer: User,
    subject: LetterSubject = SUBJECT,
    values: dict[str, str] | None = None,
    sign: bool = True,
) -> Letter:
    with transaction.atomic():
        letter = letter_create_numbered(
            letter_type=letter_type,
            village=village,
            subject=subject,
            values=values if values is not None else {"keperluan": "pelayanan kesehatan gratis"},
            signer=signer,
            now=timezone.now(),
        )
    return letter_sign(letter_id=letter.pk) if sign else letter


@pytest.fixture
def issued_letter(spm: LetterType, village: Region, head: User) -> Letter:
    return issue_letter(letter_type=spm, village=village, signer=head)


# --- residents and requests (population register) --------------------------------------------

CITIZEN_PASSWORD = "warga-password-2026"


def jpeg_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A small, harmless PDF (typeset, so it parses)."""
    import typst

    return typst.compile(b"= Kartu Keluarga\nSalinan.", format="pdf")


@pytest.fixture
def citizen(operator: User, village: Region) -> Any:
    """Siti Aminah, a resident of Sarongan with an activated citizen login."""
    import datetime as dt

    from smartkampung.population.codes import Sex
    from smartkampung.population.services.access import activation_code_issue, citizen_activate
    from smartkampung.population.testing import make_resident

    resident = make_resident(
        actor=operator,
        village=village,
        full_name="Siti Aminah",
        sex=Sex.FEMALE,
        birth_date=dt.date(1990, 7, 5),
    )
    code = activation_code_issue(actor=operator, resident=resident)
    citizen_activate(nik=resident.nik, code=code, password=CITIZEN_PASSWORD, address=None)
    resident.refresh_from_db()
    return resident


@pytest.fixture
def spm_request(citizen: Any, spm: LetterType) -> Any:
    """A submitted SPM request with both required documents."""
    from smartkampung.letters.services.requests import Upload, letter_request_create

    return letter_request_create(
        actor=citizen.user,
        letter_type=spm,
        resident=citizen,
        values={"keperluan": "pelayanan kesehatan gratis"},
        uploads=[Upload("ktp", "ktp.jpg", jpeg_bytes()), Upload("kk", "kk.pdf", pdf_bytes())],
        submit=True,
    )
