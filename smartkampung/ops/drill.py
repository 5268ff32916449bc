"""Clients and checks for the failover drill (smartkampung/ops/tests/drills, bench/bench_ha.py).

Each client is its own process (``python -m smartkampung.ops.drill client KIND N SECONDS OUT``)
doing real work through the app's services, as the demo accounts of Desa Sarongan: issuing
letters (request, check, approve: numbered, typeset, signed), requesting and approving
disbursements, adding progress photos. Every answer the service gave as a success is written
to OUT (one JSON line, flushed) *after* the service returned; a database error is recorded as an
outage and the client retries on a fresh connection. ``verify`` then checks the database
against those lines. Needs the demo data (``demo_seed``) in the database.
"""

from __future__ import annotations

import io
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

VILLAGE = "35.10.01.2001"  # Desa Sarongan: its APBDes is approved and being executed
DRILL_TYPE = "drill"


def _user(username: str) -> Any:
    from smartkampung.accounts.models import User

    return User.objects.get(username=username)


def prepare() -> None:
    """A letter type without required documents, for the letter clients (idempotent)."""
    from smartkampung.letters.models import LetterType
    from smartkampung.letters.services.catalogue import (
        LetterTypeInput,
        letter_type_create,
        parse_field_lines,
    )

    if LetterType.objects.filter(regency_id="35.10", code=DRILL_TYPE).exists():
        return
    letter_type_create(
        actor=_user("dinas.pmd"),
        regency_code="35.10",
        data=LetterTypeInput(
            code=DRILL_TYPE,
            title="Surat Keterangan Uji",
            description="",
            number_code="479",
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


class Client:
    def __init__(self, kind: str, index: int) -> None:
        self.kind = kind
        self.index = index
        self.rng = random.Random(index * 7919 + len(kind))  # noqa: S311 (test data, not secrets)
        self.ready = False

    def once(self) -> dict[str, Any] | None:
        if not self.ready:  # loaded here, inside the retry loop: the database may be down
            self.operator = _user("operator.sarongan")
            self.head = _user("kades.sarongan")
            self.treasurer = _user("bendahara.sarongan")
            self.ready = True
        return getattr(self, f"_{self.kind}")()

    def _letters(self) -> dict[str, Any]:
        from smartkampung.letters.models import LetterType
        from smartkampung.letters.services import requests as services
        from smartkampung.population.models import Resident

        letter_type = LetterType.objects.get(regency_id="35.10", code=DRILL_TYPE)
        resident = Resident.objects.filter(village_id=VILLAGE).order_by("pk").first()
        assert resident is not None, "the drill needs the demo data (demo_seed)"
        request = services.letter_request_create(
            actor=self.operator,
            letter_type=letter_type,
            resident=resident,
            values={"keperluan": f"uji failover {self.index}"},
            submit=True,
        )
        services.letter_request_check(actor=self.operator, request_id=request.pk)
        request = services.letter_request_approve(actor=self.head, request_id=request.pk)
        letter = request.letter
        return {"letter": letter.pk, "number": letter.number, "seq": letter.sequence_number}

    def _disbursements(self) -> dict[str, Any] | None:
        from smartkampung.budgets.models import BudgetItem
        from smartkampung.budgets.services import disbursement_approve, disbursement_request

        # Items shared by all disbursement clients: they race for the same money, and the
        # smaller items run out during the drill (the refusals are answers too).
        items = list(
            BudgetItem.objects.filter(budget__village_id=VILLAGE, budget__status="approved")
            .order_by("-amount", "pk")
            .values_list("pk", flat=True)[:8]
        )
        item = BudgetItem.objects.get(pk=self.rng.choice(items))
        amount = self.rng.choice([100_000, 250_000, 1_000_000, 2_500_000])
        disbursement = disbursement_request(
            actor=self.treasurer, item=item, amount=amount, description="Uji failover"
        )
        result: dict[str, Any] = {"disbursement": disbursement.pk, "amount": amount}
        try:
            disbursement_approve(actor=self.head, disbursement=disbursement)
            result["approved"] = True
        except Exception as exc:  # a refusal (no money ahead of evidence) is an answer too
            if _is_database_error(exc):
                raise
            result["approved"] = False
        return result

    def _photos(self) -> dict[str, Any]:
        from PIL import Image

        from smartkampung.projects.models import ProgressReport
        from smartkampung.projects.services import photo_add

        report = ProgressReport.objects.filter(project__village_id=VILLAGE).order_by("pk").first()
        assert report is not None, "the drill needs the demo data (demo_seed)"
        image = Image.frombytes("RGB", (48, 48), self.rng.randbytes(48 * 48 * 3))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        photo = photo_add(
            actor=self.operator,
            report=report,
            data=buffer.getvalue(),
            filename="uji.png",
            screen=False,
        )
        return {"photo": photo.pk, "file": photo.original.name, "sha256": photo.sha256}


def _is_database_error(exc: BaseException) -> bool:
    from django.db import DatabaseError, InterfaceError

    while exc is not None:
        if isinstance(exc, DatabaseError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def run_client(kind: str, index: int, seconds: float, out: Path) -> None:
    from django.db import connections

    client = Client(kind, index)
    deadline = time.monotonic() + seconds
    stop = out.parent / "stop"  # the drill says when to stop; the deadline is a safety net
    with out.open("a") as log:
        log.write(json.dumps({"kind": kind, "started": time.time()}) + "\n")
        log.flush()
        while time.monotonic() < deadline and not stop.exists():
            started = time.time()
            try:
                result = client.once()
            except Exception as exc:
                if not _is_database_error(exc):
                    log.write(json.dumps({"kind": kind, "refused": type(exc).__name__}) + "\n")
                    log.flush()
                    continue
                log.write(json.dumps({"kind": kind, "error": str(exc)[:200], "t": started}) + "\n")
                log.flush()
                connections.close_all()
                time.sleep(0.2)
                continue
            if result is not None:
                result.update(kind=kind, ok=True, t=started, done=time.time())
                log.write(json.dumps(result) + "\n")
                log.flush()


def verify(out_dir: Path) -> dict[str, Any]:
    """What the database holds against what the clients were told."""
    from django.core.files.storage import default_storage
    from django.db.models import Sum

    from smartkampung.budgets.models import BudgetItem, Disbursement
    from smartkampung.letters.models import Letter
    from smartkampung.projects.models import ProgressPhoto

    answered: list[dict[str, Any]] = []
    errors = 0
    for path in sorted(out_dir.glob("client-*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if row.get("ok"):
                answered.append(row)
            elif "error" in row:
                errors += 1
    letters = {r["letter"]: r for r in answered if r["kind"] == "letters"}
    disbursements = {r["disbursement"]: r for r in answered if r["kind"] == "disbursements"}
    photos = {r["photo"]: r for r in answered if r["kind"] == "photos"}
    stored_letters = dict(Letter.objects.filter(pk__in=letters).values_list("pk", "number"))
    missing_letters = [k for k, r in letters.items() if stored_letters.get(k) != r["number"]]
    stored_d = {
        pk: (status, amount)
        for pk, status, amount in Disbursement.objects.filter(pk__in=disbursements).values_list(
            "pk", "status", "amount"
        )
    }
    missing_disbursements = [
        k
        for k, r in disbursements.items()
        if k not in stored_d
        or int(stored_d[k][1]) != r["amount"]
        or (r["approved"] and stored_d[k][0] != "approved")
    ]
    stored_p = dict(ProgressPhoto.objects.filter(pk__in=photos).values_list("pk", "sha256"))
    missing_photos = [
        k
        for k, r in photos.items()
        if stored_p.get(k) != r["sha256"] or not default_storage.exists(r["file"])
    ]
    # Letter numbers: every sequence 1..n, no gap, no duplicate.
    sequences: dict[tuple[Any, ...], list[int]] = {}
    for village, key, year, seq in Letter.objects.values_list(
        "village_id", "sequence_key", "year", "sequence_number"
    ):
        sequences.setdefault((village, key, year), []).append(seq)
    bad_sequences = [
        "/".join(map(str, key))
        for key, numbers in sequences.items()
        if sorted(numbers) != list(range(1, len(numbers) + 1))
    ]
    duplicate_numbers = [
        n for n, c in Counter(Letter.objects.values_list("number", flat=True)).items() if c > 1
    ]
    over_budget = []
    for item in BudgetItem.objects.filter(budget__village_id=VILLAGE):
        spent = (
            Disbursement.objects.filter(item=item, status__in=["pending", "approved"]).aggregate(
                s=Sum("amount")
            )["s"]
            or 0
        )
        if spent > item.amount or item.committed + item.realised > item.amount:
            over_budget.append(item.pk)
    return {
        "answered": {
            k: sum(1 for r in answered if r["kind"] == k)
            for k in ("letters", "disbursements", "photos")
        },
        "errors": errors,
        "missing_letters": missing_letters,
        "missing_disbursements": missing_disbursements,
        "missing_photos": missing_photos,
        "bad_sequences": bad_sequences,
        "duplicate_numbers": duplicate_numbers,
        "over_budget_items": over_budget,
        "refused": sum(
            1
            for p in out_dir.glob("client-*.jsonl")
            for line in p.read_text().splitlines()
            if '"refused"' in line
        ),
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command = argv[0]
    if command == "prepare":
        prepare()
    elif command == "client":
        run_client(argv[1], int(argv[2]), float(argv[3]), Path(argv[4]))
    elif command == "verify":
        print(json.dumps(verify(Path(argv[1]))))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
