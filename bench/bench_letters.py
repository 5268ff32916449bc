"""Letters: typeset + sign one letter, signed letters per second on 2 processes, the public
verification page, and the regency view's aggregates over a year of letters.

Targets (issue 4): typeset + sign p95 < 100 ms; >= 20 signed letters/s on 2 cores; verification
page p95 < 30 ms. Letters for the aggregates are inserted in bulk (numbered, unsigned rows);
the signed ones go through the real services.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import secrets
import tempfile
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone
from harness import Harness

VILLAGE = "35.10.01.2001"
REGENCY = "35.10"


def _setup() -> tuple[Any, Any, Any]:
    from conftest import load_regions  # after django.setup(): spawned processes import us first
    from smartkampung.accounts.models import Role, RoleAssignment, User
    from smartkampung.letters.models import LetterType
    from smartkampung.letters.services.catalogue import letter_types_install_defaults
    from smartkampung.regions.models import Region

    load_regions()
    letter_types_install_defaults(regency_code=REGENCY)
    head, _ = User.objects.get_or_create(
        username="bench.kades.sarongan", defaults={"full_name": "Kepala Desa Bench"}
    )
    RoleAssignment.objects.get_or_create(user=head, role=Role.VILLAGE_HEAD, scope_id=VILLAGE)
    spm = LetterType.objects.get(regency_id=REGENCY, code="spm")
    return head, spm, Region.objects.get(code=VILLAGE)


def _subject(n: int) -> Any:
    from smartkampung.letters.composition import LetterSubject

    return LetterSubject(
        name=f"Warga Bench {n}",
        nik=f"351001{n % 10**10:010d}",
        sex="Perempuan",
        birth_place="Banyuwangi",
        birth_date="5 Juli 1990",
        religion="Islam",
        occupation="Petani",
        marital_status="Kawin",
        address="Dusun Krajan RT 001/RW 002",
    )


def _issue(head: Any, spm: Any, village: Any, n: int) -> Any:
    from smartkampung.letters.services.letters import letter_create_numbered, letter_sign

    with transaction.atomic():
        letter = letter_create_numbered(
            letter_type=spm,
            village=village,
            subject=_subject(n),
            values={"keperluan": "pelayanan kesehatan gratis"},
            signer=head,
            now=timezone.now(),
        )
    return letter_sign(letter_id=letter.pk)


def _init_process(media_root: str) -> None:
    """A fresh (spawned) process: Typst's thread pool does not survive fork()."""
    import django

    django.setup()
    settings.MEDIA_ROOT = media_root
    settings.SK_PUBLIC_BASE_URL = "https://smartkampung.banyuwangikab.go.id"
    head, spm, village = _setup_light()
    _issue(head, spm, village, 5_000_000 + os.getpid())  # warm up: fonts, template, key


def _worker(count: int, offset: int) -> tuple[int, float, float]:
    """One process: issue ``count`` signed letters end to end (number, typeset, sign, store)."""
    head, spm, village = _setup_light()
    start = time.time()
    for i in range(count):
        _issue(head, spm, village, offset + i)
    end = time.time()
    connections.close_all()
    return count, start, end


def _setup_light() -> tuple[Any, Any, Any]:
    from smartkampung.accounts.models import User
    from smartkampung.letters.models import LetterType
    from smartkampung.regions.models import Region

    return (
        User.objects.get(username="bench.kades.sarongan"),
        LetterType.objects.get(regency_id=REGENCY, code="spm"),
        Region.objects.get(code=VILLAGE),
    )


def _bulk_letters(spm_types: list[Any], head: Any, total: int) -> None:
    """A year of letters for the aggregates: numbered rows spread over 217 villages."""
    from smartkampung.letters.models import Letter
    from smartkampung.regions.models import Level, Region

    if Letter.objects.filter(sequence_key="bench", content__has_key="letterhead").count() >= total:
        return
    Letter.objects.filter(sequence_key="bench").delete()
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    rng = random.Random(4)
    year = timezone.localdate().year
    start = timezone.now().replace(month=1, day=1, hour=8)
    rows = []
    for n in range(total):
        issued = start + timezone.timedelta(minutes=rng.randrange(0, 60 * 24 * 300))
        letter_type = rng.choice(spm_types)
        rows.append(
            Letter(
                village_id=rng.choice(villages),
                letter_type=letter_type,
                sequence_key="bench",
                year=year,
                sequence_number=n + 1,
                number=f"B/{n + 1}",
                issued_at=issued,
                token=secrets.token_urlsafe(24),
                subject_name=f"Warga {n}",
                subject_nik=f"351001{n:010d}",
                content={"letterhead": {"village_kind": "Desa"}},
                signer=head,
                signer_name="Kepala Desa",
                signer_position="Kepala Desa",
                signed_at=issued,
                issue_seconds=rng.randrange(300, 4 * 3600),
            )
        )
        if len(rows) == 5000:
            Letter.objects.bulk_create(rows)
            rows = []
    Letter.objects.bulk_create(rows)


def run(h: Harness, *, quick: bool = False) -> None:
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="sk-bench-letters-")
    settings.SK_LETTERS_VERIFY_PER_MINUTE = 10**9
    settings.SK_PUBLIC_BASE_URL = "https://smartkampung.banyuwangikab.go.id"
    head, spm, village = _setup()
    algorithm = settings.SK_LETTERS_KEY_ALGORITHM
    h.context["letters_key_algorithm"] = algorithm

    from smartkampung.letters.pdf import typeset
    from smartkampung.letters.services.letters import letter_document, typeset_and_sign

    sample = _issue(head, spm, village, 0)
    doc = letter_document(sample)
    h.measure("typeset one letter (Typst, PDF/A-2b)", lambda: typeset(doc), n=30 if quick else 200)
    h.measure(
        f"typeset + sign one letter ({algorithm} key, PAdES)",
        lambda: typeset_and_sign(sample),
        n=30 if quick else 200,
        target_p95_ms=100,
    )
    # What long-term validation adds (ADR 0110): the same signature without the timestamp and
    # the embedded validation info (B-B), and the CRL the signature validates against.
    from cryptography.hazmat.primitives import serialization

    from smartkampung.letters.services import certificates
    from smartkampung.letters.signing import pades
    from smartkampung.letters.signing.x509 import cert_from_pem

    pdf = typeset(doc)
    cert = certificates.signer_certificate_current(
        user_id=head.pk,
        village_code=village.code,
        name=sample.signer_name,
        position=sample.signer_position,
    )
    ca = cert_from_pem(cert.authority.certificate_pem)
    key = certificates.signer_key(cert)
    h.measure(
        f"sign one typeset letter B-B, no timestamp ({algorithm} key; baseline for B-LT)",
        lambda: pades.sign_pdf(
            pdf,
            certificate=cert_from_pem(cert.certificate_pem),
            key=key,
            chain=[ca],
            reason="bench",
            location="bench",
            name=sample.signer_name,
        ),
        n=30 if quick else 200,
    )
    regency = cert.authority.regency_id
    h.measure(
        "regency CRL, rebuilt and signed (cache cleared each time)",
        lambda: (cache.clear(), certificates.authority_crl(regency_code=regency)),
        n=20 if quick else 100,
    )
    h.context["letters_signed_pdf_bytes"] = len(typeset_and_sign(sample)[0])
    h.context["letters_ca_der_bytes"] = len(ca.public_bytes(serialization.Encoding.DER))

    counter = iter(range(1, 10**9))
    h.measure(
        "issue one letter end to end (number, typeset, sign, store)",
        lambda: _issue(head, spm, village, next(counter)),
        n=20 if quick else 100,
    )

    # Throughput: 2 processes, each issuing letters end to end against the database.
    per_process = 15 if quick else 60
    context = multiprocessing.get_context("spawn")
    with context.Pool(2, initializer=_init_process, initargs=(settings.MEDIA_ROOT,)) as pool:
        results = pool.starmap(_worker, [(per_process, 10_000), (per_process, 20_000)])
    done = sum(r[0] for r in results)
    # from the first process starting to the last finishing (process start-up excluded)
    elapsed = max(r[2] for r in results) - min(r[1] for r in results)
    rate = done / elapsed
    h.record(
        "signed letters per second, 2 processes (end to end)",
        rate,
        "letters/s",
        target=">= 20 letters/s",
        passed=rate >= 20,
        notes=f"{done} letters in {elapsed:.1f} s",
    )

    # Verification page with a year of letters in the table.
    from smartkampung.letters.models import Letter, LetterType

    total = 20_000 if quick else 200_000
    _bulk_letters(list(LetterType.objects.filter(regency_id=REGENCY)), head, total)
    h.record("letters in the table", Letter.objects.count(), "rows")
    client = Client()
    tokens = list(Letter.objects.filter(pdf="").values_list("token", flat=True)[:500])
    tokens.append(sample.token)
    cache.clear()

    def verify() -> None:
        response = client.get(f"/v/{random.choice(tokens)}")
        assert response.status_code == 200

    h.measure("verification page /v/<token>", verify, n=100 if quick else 500, target_p95_ms=30)

    pdf = sample.pdf.open("rb").read()

    def check() -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(f"/v/{sample.token}", {"document": SimpleUploadedFile("s.pdf", pdf)})
        assert response.status_code == 200

    settings.SK_LETTERS_CHECK_PER_MINUTE = 10**9
    h.measure("verification: upload and check the PDF", check, n=30 if quick else 100)

    from smartkampung.letters import selectors

    year = timezone.localdate().year
    h.measure(
        f"regency view aggregates by village + by type ({total} letters)",
        lambda: (
            selectors.aggregate_letters_by_village(region_code=REGENCY, year=year),
            selectors.aggregate_letters_by_type(region_code=REGENCY, year=year),
        ),
        n=3 if quick else 10,
    )
