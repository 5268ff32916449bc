"""Transactional tests (PostgreSQL row locks with parallel workers): kept in a file of their own,
because a transactional test empties the database and, with ``--dist loadfile``, must not run
before other files of its worker."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections, transaction

from smartkampung.letters.models import LetterType, NumberSequence
from smartkampung.letters.numbering import number_allocate

DAY = dt.date(2026, 11, 28)


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused(letter_types) -> None:
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    with pytest.raises(RuntimeError):
        number_allocate(village_code="35.10.01.2001", letter_type=spm, day=DAY)


# --- concurrency (PostgreSQL: real row locks, parallel connections) ---------------------------

WORKERS = 8
PER_WORKER = 50


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_never_duplicate_or_skip_a_number(regions_loaded: Any) -> None:
    from smartkampung.letters.services.catalogue import letter_types_install_defaults

    letter_types_install_defaults(regency_code="35.10")
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    committed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(WORKERS)

    def worker(index: int) -> None:
        try:
            start.wait()
            for i in range(PER_WORKER):
                try:
                    with transaction.atomic():
                        allocated = number_allocate(
                            village_code="35.10.01.2001", letter_type=spm, day=DAY
                        )
                        if (index + i) % 7 == 0:  # some issues fail after taking a number
                            raise RuntimeError("simulated failure")
                    with lock:
                        committed.append(allocated.sequence_number)
                except RuntimeError:
                    pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    duplicates = [n for n, c in Counter(committed).items() if c > 1]
    assert not duplicates
    assert sorted(committed) == list(range(1, len(committed) + 1))  # no gap
    assert len(committed) > WORKERS * PER_WORKER * 0.8
    assert NumberSequence.objects.get(key="spm").last_number == len(committed)


APPROVALS_PER_WORKER = 25


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_parallel_heads_approving_letters_get_consecutive_numbers(
    regions_loaded: Any, settings: Any
) -> None:
    """8 workers approve 200 requests at once through the real service (number, typeset,
    sign): 200 letters numbered 1..200 with no duplicate and no gap."""
    from smartkampung.accounts.models import Role, RoleAssignment, User
    from smartkampung.letters.services import requests as services
    from smartkampung.letters.services.catalogue import (
        LetterTypeInput,
        letter_type_create,
        letter_types_install_defaults,
        parse_field_lines,
    )
    from smartkampung.population.testing import make_resident

    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    letter_types_install_defaults(regency_code="35.10")
    officer = User.objects.create_user(username="pmd")
    RoleAssignment.objects.create(user=officer, role=Role.REGENCY_OFFICER, scope_id="35.10")
    operator = User.objects.create_user(username="op")
    RoleAssignment.objects.create(
        user=operator, role=Role.VILLAGE_OPERATOR, scope_id="35.10.01.2001"
    )
    heads = []
    for n in range(WORKERS):
        head = User.objects.create_user(username=f"kades{n}", full_name="Kepala Desa")
        RoleAssignment.objects.create(user=head, role=Role.VILLAGE_HEAD, scope_id="35.10.01.2001")
        heads.append(head)
    quick = letter_type_create(
        actor=officer,
        regency_code="35.10",
        data=LetterTypeInput(
            code="keterangan",
            title="Surat Keterangan",
            description="",
            number_code="400",
            number_format="[code]/[number]/[village code]/[month roman]/[year]",
            fields=parse_field_lines("keperluan | Keperluan | text | required"),
            documents=[],
            verifier_roles=["village_operator"],
            approver_roles=["village_head"],
            validity_days=None,
            target_minutes=30,
            body="Keterangan untuk {keperluan}.\n\n{identity}",
        ),
    )
    resident = make_resident(actor=operator, village="35.10.01.2001")
    request_ids = []
    for _ in range(WORKERS * APPROVALS_PER_WORKER):
        request = services.letter_request_create(
            actor=operator,
            letter_type=quick,
            resident=resident,
            values={"keperluan": "uji"},
            submit=True,
        )
        services.letter_request_check(actor=operator, request_id=request.pk)
        request_ids.append(request.pk)
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker(index: int) -> None:
        try:
            start.wait()
            for request_id in request_ids[index::WORKERS]:
                services.letter_request_approve(actor=heads[index], request_id=request_id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    from smartkampung.letters.models import Letter

    numbers = sorted(
        Letter.objects.filter(letter_type=quick).values_list("sequence_number", flat=True)
    )
    assert numbers == list(range(1, WORKERS * APPROVALS_PER_WORKER + 1))
    assert Letter.objects.filter(letter_type=quick, signed_at__isnull=True).count() == 0
    texts = list(Letter.objects.filter(letter_type=quick).values_list("number", flat=True))
    assert len(set(texts)) == len(texts)
