"""Welfare at regency scale (PostgreSQL): the register import, one enrolment check, aid_check
of 100,000 rows, the regency overlap matrix.

Targets (issue 13): 193,000 registered households (~600,000 people) on the 1.8 M-resident
register, 8 programmes, 12 monthly periods. Checking one enrolment against every rule p95 <
20 ms; ``aid_check`` of 100,000 rows < 60 s; the regency overlap matrix page p95 < 300 ms;
import of the whole register < 5 minutes.

The population comes from the population benchmark's generator (reused when present). The
register file is written from it (one row per living member of the chosen households) and
imported through the real service; the 12 periods of enrolments are inserted in bulk (a
generator, like the other benchmarks' data); checks and pages run through the real code.
``--quick``: 120,000 residents and the same proportions.
"""

from __future__ import annotations

import csv
import io
import os
import random
import tempfile
import time
from collections import defaultdict
from datetime import date
from typing import Any

from bench_population import SCALE_KEY, _client, _ensure_population, _user  # noqa: F401
from django.core.management import call_command
from django.db import connection, transaction
from harness import Harness
from scale import BANYUWANGI

from conftest import load_regions
from smartkampung.accounts.models import Role
from smartkampung.population.models import Household, Resident
from smartkampung.welfare import rules, services
from smartkampung.welfare.models import (
    AidProgramme,
    Enrolment,
    ProgrammeQuota,
    RegisterEntry,
    RegisterImport,
)

REGENCY = "35.10"
YEAR = 2026
PERIODS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
REGISTER_SHARE = 193_000 / 480_693  # registered households / all households (Banyuwangi)
# (code, target, decile ceiling, share of register households enrolled, excludes)
PROGRAMMES = [
    ("PKH", "household", 3, 0.10, []),
    ("BPNT", "household", 4, 0.14, []),
    ("PBI", "person", 5, 0.20, []),
    ("BLTDD", "household", 4, 0.04, ["PKH", "BPNT"]),
    ("PROV", "household", 5, 0.05, []),
    ("KAB", "household", 5, 0.05, []),
    ("LANSIA", "person", None, 0.03, []),
    ("DISAB", "person", None, 0.01, []),
]


def _register_csv(rng: random.Random) -> tuple[bytes, int, list[int]]:
    ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    chosen = sorted(rng.sample(ids, int(len(ids) * REGISTER_SHARE)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["household_id", "kk_number", "nik", "name", "birth_date", "decile", "village_code"]
    )
    rows = 0
    for start in range(0, len(chosen), 20_000):
        part = chosen[start : start + 20_000]
        kk = dict(Household.objects.filter(pk__in=part).values_list("pk", "kk_number"))
        deciles = {pk: rng.randint(1, 10) for pk in part}
        members = Resident.objects.filter(household_id__in=part, status="alive").values_list(
            "household_id", "nik", "full_name", "birth_date", "village_id"
        )
        for household_id, nik, name, birth, village in members.iterator(chunk_size=20_000):
            writer.writerow(
                [
                    f"DTKS-{household_id}",
                    kk[household_id],
                    nik,
                    name,
                    birth.isoformat(),
                    deciles[household_id],
                    village,
                ]
            )
            rows += 1
    return out.getvalue().encode(), rows, chosen


def _ensure_register(h: Harness, rng: random.Random, social: Any) -> list[int]:
    if (
        RegisterImport.objects.filter(file_name="bench-dtks.csv").exists()
        and RegisterEntry.objects.exists()
    ):
        print("  reusing the register")
        return list(
            RegisterEntry.objects.filter(valid_to__isnull=True).values_list(
                "household_id", flat=True
            )
        )
    RegisterEntry.objects.all().delete()
    RegisterImport.objects.all().delete()
    start = time.perf_counter()
    data, rows, chosen = _register_csv(rng)
    h.record(f"write the register file ({rows:,} rows)", time.perf_counter() - start, "s")
    start = time.perf_counter()
    record = services.register_import(
        actor=social, data=data, file_name="bench-dtks.csv", as_of=date(YEAR, 1, 1)
    )
    seconds = time.perf_counter() - start
    h.record(
        f"import the register: {rows:,} rows, {record.household_count:,} households",
        seconds,
        "s",
        target="< 300 s",
        passed=seconds < 300,
        notes=f"{len(record.report_json)} report lines",
    )
    return chosen


def _ensure_programmes(social: Any) -> dict[str, AidProgramme]:
    found = {}
    for code, target, ceiling, _share, excludes in PROGRAMMES:
        programme = AidProgramme.objects.filter(regency_id=REGENCY, code=code).first()
        if programme is None:
            programme = services.programme_save(
                actor=social,
                regency_code=REGENCY,
                data={
                    "code": code,
                    "name": f"Programme {code}",
                    "target": target,
                    "fund_source": "dana_desa" if code == "BLTDD" else "apbn",
                    "starts_on": date(YEAR, 1, 1),
                    "ends_on": date(YEAR, 12, 31),
                    "decile_max": ceiling,
                    "min_age": 60 if code == "LANSIA" else None,
                    "excludes": excludes,
                    "budget_activity_code": "05.03.01" if code == "BLTDD" else "",
                    "monthly_amount": 300000 if code == "BLTDD" else None,
                },
            )
        found[code] = programme
    return found


def _ensure_enrolments(h: Harness, rng: random.Random, programmes: dict[str, AidProgramme]) -> None:
    if Enrolment.objects.filter(period=PERIODS[-1]).exists():
        print("  reusing the enrolments")
        return
    Enrolment.objects.all().delete()
    start = time.perf_counter()
    entries = list(
        RegisterEntry.objects.filter(valid_to__isnull=True).values_list(
            "household_id", "village_id", "decile", "household__kk_number"
        )
    )
    heads: dict[int, tuple[int, str, str, date]] = {}
    household_ids = [e[0] for e in entries]
    for i in range(0, len(household_ids), 20_000):
        for pk, hid, nik, name, birth in Resident.objects.filter(
            household_id__in=household_ids[i : i + 20_000], family_role=1, status="alive"
        ).values_list("pk", "household_id", "nik", "name_search", "birth_date"):
            heads[hid] = (pk, nik, name, birth)
    taken: dict[str, set[int]] = defaultdict(set)
    total = 0
    for code, target, ceiling, share, excludes in PROGRAMMES:
        programme = programmes[code]
        eligible = [
            e
            for e in entries
            if (ceiling is None or e[2] <= ceiling)
            and e[0] in heads
            and not any(e[0] in taken[x] for x in excludes)
        ]
        pick = rng.sample(eligible, min(len(eligible), int(len(entries) * share)))
        taken[code] = {e[0] for e in pick}
        rows = [
            (
                programme.pk,
                period,
                village,
                household_id,
                heads[household_id][0] if target == "person" else None,
                heads[household_id][1],
                kk,
                heads[household_id][2],
                heads[household_id][3],
            )
            for period in PERIODS
            for household_id, village, _decile, kk in pick
        ]
        total += _insert_enrolments(rows)
    for village in {e[1] for e in entries}:
        ProgrammeQuota.objects.get_or_create(
            programme=programmes["BLTDD"], village_id=village, defaults={"quota": 10_000}
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {Enrolment._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {RegisterEntry._meta.db_table}")
    h.record(
        f"insert {total:,} enrolments (8 programmes x 12 periods)", time.perf_counter() - start, "s"
    )


def _insert_enrolments(rows: list[tuple[Any, ...]]) -> int:
    """COPY on PostgreSQL (a generator's shortcut, like gen_population), else bulk_create."""
    now = time.strftime("%Y-%m-%d %H:%M:%S+00")
    if connection.vendor == "postgresql":
        columns = (
            "programme_id, period, village_id, household_id, resident_id, nik, kk_number, "
            "name_search, birth_date, status, findings, created_at"
        )
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {Enrolment._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((*row, "active", "[]", now))
        return len(rows)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                programme_id=r[0],
                period=r[1],
                village_id=r[2],
                household_id=r[3],
                resident_id=r[4],
                nik=r[5],
                kk_number=r[6],
                name_search=r[7],
                birth_date=r[8],
            )
            for r in rows
        ],
        batch_size=5000,
    )
    return len(rows)


def _candidates(rng: random.Random, n: int) -> list[rules.Candidate]:
    """Proposed enrolments of random registered households (some eligible, some not)."""
    ids = (
        list(
            RegisterEntry.objects.filter(valid_to__isnull=True)
            .order_by("?")[: n * 2]
            .values_list("household_id", flat=True)
        )
        if connection.vendor == "sqlite"
        else None
    )
    if ids is None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT household_id FROM {RegisterEntry._meta.db_table} "  # noqa: S608
                "TABLESAMPLE SYSTEM (5) WHERE valid_to IS NULL LIMIT %s",
                [n * 2],
            )
            ids = [row[0] for row in cursor.fetchall()]
    heads = {
        hid: (nik, village)
        for hid, nik, village in Resident.objects.filter(
            household_id__in=ids, family_role=1, status="alive"
        ).values_list("household_id", "nik", "village_id")
    }
    kks = dict(Household.objects.filter(pk__in=list(heads)).values_list("pk", "kk_number"))
    codes = [p[0] for p in PROGRAMMES]
    out = []
    for hid, (nik, village) in heads.items():
        out.append(rules.Candidate(rng.choice(codes), rng.choice(PERIODS), nik, kks[hid], village))
    rng.shuffle(out)
    while len(out) < n:
        out += out
    return out[:n]


def _measure_enrolment_import(h: Harness, rng: random.Random, social: Any, *, quick: bool) -> None:
    """Enrolment by import (ADR 0085): a file of rows the red light lets through, imported by
    the real service (shape check, red light, bulk write, audit) and rolled back, so that the
    generated data stay as they are."""
    size = 1_000 if quick else 5_000
    # Most random proposals are refused; the quick scale samples only ~600 households.
    pool = _candidates(rng, size * 3)
    kept: list[rules.Candidate] = []
    seen: set[tuple[str, str, str]] = set()
    for c, j in zip(pool, rules.check(pool), strict=True):
        if j.decision != rules.REFUSE and (c.programme_code, c.period, c.nik) not in seen:
            seen.add((c.programme_code, c.period, c.nik))
            kept.append(c)
        if len(kept) == size:
            break
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["programme_code", "period", "nik", "kk_number", "village_code"])
    for c in kept:
        writer.writerow([c.programme_code, c.period, c.nik, c.kk_number, c.village_code])
    data = buffer.getvalue().encode()
    start = time.perf_counter()
    try:
        with transaction.atomic():
            result = services.enrolment_import(actor=social, data=data, file_name="bench.csv")
            seconds = time.perf_counter() - start
            transaction.set_rollback(True)
    except services.EnrolmentImportRefused as exc:
        print(f"  enrolment import refused: {exc.message} {exc.details[:3]}")
        return
    h.record(
        f"enrolment import of {len(kept):,} rows (rolled back)",
        seconds,
        "s",
        notes=f"{result.created} enrolled, {result.review} held for review",
    )


def run(h: Harness, *, quick: bool = False) -> None:
    total = 120_000 if quick else 1_800_000
    h.context["welfare_residents"] = total
    load_regions()
    # The population benchmark's generator, at the Banyuwangi scale (REGENCY above).
    _ensure_population(h, BANYUWANGI, total)
    rng = random.Random(13)
    social = _user("bench.dinsos", Role.SOCIAL_OFFICER, REGENCY)
    _ensure_register(h, rng, social)
    programmes = _ensure_programmes(social)
    _ensure_enrolments(h, rng, programmes)
    h.record(
        "register households (current)",
        RegisterEntry.objects.filter(valid_to__isnull=True).count(),
        "households",
    )
    h.record("enrolments", Enrolment.objects.count(), "rows")

    singles = iter(_candidates(rng, 400))
    decisions: dict[str, int] = defaultdict(int)

    def one() -> None:
        judgement = next(iter(rules.check([next(singles)])))
        decisions[judgement.decision] += 1

    h.measure(
        "check one enrolment against every rule",
        one,
        n=300,
        warmup=20,
        target_p95_ms=20,
        notes="random registered households, programmes and periods",
    )
    print(f"  decisions: {dict(decisions)}")

    rows = 10_000 if quick else 100_000
    candidates = _candidates(rng, rows)
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "usulan.csv")
        with open(source, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["programme_code", "period", "nik", "kk_number", "village_code"])
            for c in candidates:
                writer.writerow([c.programme_code, c.period, c.nik, c.kk_number, c.village_code])
        start = time.perf_counter()
        call_command(
            "aid_check", source, "--output", os.path.join(tmp, "out.csv"), stderr=io.StringIO()
        )
        seconds = time.perf_counter() - start
    target = 60 if not quick else 6
    h.record(
        f"aid_check of {rows:,} rows", seconds, "s", target=f"< {target} s", passed=seconds < target
    )

    _measure_enrolment_import(h, rng, social, quick=quick)

    client = _client(social)
    h.measure(
        "regency overlap matrix (API)",
        lambda: client.get(f"/api/v1/welfare/reports/overlap?period={PERIODS[5]}"),
        n=30,
        warmup=2,
        target_p95_ms=300,
    )
    h.measure(
        "regency welfare report page (overlap, recipients, errors)",
        lambda: client.get(f"/welfare/reports/?period={PERIODS[5]}"),
        n=20,
        warmup=2,
    )

    # The regency dashboard's welfare section (ADR 0087): computed with the other sections,
    # read with them (no query of its own on the page).
    from smartkampung.dashboards.models import Section
    from smartkampung.dashboards.services import dashboard_refresh

    h.measure(
        "dashboard_refresh: the welfare section (recipients, overlap, errors)",
        lambda: dashboard_refresh(regency_code=REGENCY, year=YEAR, sections=[Section.WELFARE]),
        n=5,
        warmup=1,
    )
    dashboard_refresh(regency_code=REGENCY, year=YEAR)
    officer = _client(_user("bench.pmd", Role.REGENCY_OFFICER, REGENCY))
    h.measure(
        "regency dashboard with the welfare section (regency officer)",
        lambda: officer.get(f"/dashboards/?year={YEAR}"),
        n=30,
        warmup=2,
        target_p95_ms=300,
    )
    h.measure(
        "dashboard CSV: aid recipients per programme and village",
        lambda: officer.get(f"/dashboards/tables/welfare-villages/?year={YEAR}&format=csv"),
        n=20,
        warmup=2,
    )
