"""Health at regency scale: WHO z-scores, the village stunting page, the regency prevalence
map and the recompute of every figure.

- Z-scores: ``compute_zscores`` over 9 M synthetic measurements (150,000 children × 60), in
  chunks of 1 M, on one core (numpy's element-wise operations are single-threaded); target
  ≥ 50,000 measurements per second. Then the ``growth_zscores`` command on a 100,000-row CSV.
- Data: ``SK_BENCH_HEALTH_CHILDREN`` children under five (default 150,000; 3,000 with
  ``--quick``) spread over the 217 villages and 4 posyandu each, weighed every month from birth
  to today (a child under five today has at most 60 weighings; 30 on average), their
  measurements drawn around WHO's medians with Indonesia-like shifts (HAZ mean −1.1) and their
  z-scores computed by the same function. Loaded with COPY on PostgreSQL.
- Pages through the full Django stack (test client) as the health office: a village's
  stunting page (target p95 < 200 ms) and the regency prevalence map (target p95 < 300 ms).
- ``prevalence_recompute`` over every month (target < 2 minutes).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from harness import Harness

from conftest import load_regions
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.health.growth.who import DAYS_PER_MONTH, compute_zscores, tables
from smartkampung.health.models import GrowthVisit, Posyandu, PrevalenceFigure
from smartkampung.health.prevalence import prevalence_recompute
from smartkampung.population.models import Resident
from smartkampung.regions.models import Level, Region

NIK_PREFIX = "99"  # bench children: NIKs no real region code starts with
POSYANDU_PER_VILLAGE = 4


def _zscore_throughput(h: Harness, total: int) -> None:
    rng = np.random.default_rng(14)
    chunk = min(total, 1_000_000)
    sex = rng.integers(1, 3, chunk)
    age = rng.integers(0, 1826, chunk).astype(float)
    weight = rng.uniform(2.5, 25, chunk)
    height = rng.uniform(45, 118, chunk)
    position = np.where(age < 731, 1, 2)
    compute_zscores(
        sex=sex[:1000],
        age_days=age[:1000],
        weight_kg=weight[:1000],
        height_cm=height[:1000],
        position=position[:1000],
    )
    elapsed = 0.0
    done = 0
    while done < total:
        start = time.perf_counter()
        compute_zscores(
            sex=sex, age_days=age, weight_kg=weight, height_cm=height, position=position
        )
        elapsed += time.perf_counter() - start
        done += chunk
    rate = done / elapsed
    h.record(
        f"z-scores (WAZ, HAZ, WHZ, BAZ, HCZ + flags) of {done:,} measurements, one core",
        rate,
        "measurements/s",
        target=">= 50000 measurements/s",
        passed=rate >= 50_000,
        notes=f"{elapsed:.2f} s in all",
    )


def _command_throughput(h: Harness, rows: int) -> None:
    rng = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(
                ["id", "sex", "birth_date", "visit_date", "weight_kg", "height_cm", "position"]
            )
            birth = date(2021, 1, 1)
            for i in range(rows):
                age = int(rng.integers(0, 1800))
                w.writerow(
                    [
                        i,
                        "MF"[i % 2],
                        birth.isoformat(),
                        (birth + timedelta(days=age)).isoformat(),
                        f"{rng.uniform(3, 20):.2f}",
                        f"{rng.uniform(50, 110):.1f}",
                        "lying" if age < 731 else "standing",
                    ]
                )
        start = time.perf_counter()
        call_command("growth_zscores", str(src), str(out), stdout=io.StringIO())
        seconds = time.perf_counter() - start
    h.record(
        f"manage.py growth_zscores, {rows:,}-row CSV",
        rows / seconds,
        "rows/s",
        notes=f"{seconds:.1f} s (CSV parsing and checks in Python)",
    )


def _lms_value(table: str, sex: np.ndarray, age: np.ndarray, z: np.ndarray) -> np.ndarray:
    lms = tables()[table].lms[sex - 1, age]
    l, m, s = lms[:, 0], lms[:, 1], lms[:, 2]  # noqa: E741
    return m * (1 + l * s * z) ** (1 / l)


def _copy(table: str, columns: list[str], rows: Any) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _insert(table: str, columns: list[str], rows: Any) -> None:
    if connection.vendor == "postgresql":
        _copy(table, columns, rows)
        return
    # Table and column names are this module's constants, never input.
    marks = ", ".join("%s" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    batch: list[Any] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _generate(h: Harness, children: int) -> int:
    start = time.perf_counter()
    today = timezone.localdate()
    rng = np.random.default_rng(2020)
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    with transaction.atomic():
        PrevalenceFigure.objects.all().delete()
        GrowthVisit.objects.all().delete()
        Resident.objects.filter(nik__startswith=NIK_PREFIX).delete()
        Posyandu.objects.all().delete()
        Posyandu.objects.bulk_create(
            [
                Posyandu(village_id=v, name=f"Posyandu {k + 1}", rw=f"{k + 1:03d}")
                for v in villages
                for k in range(POSYANDU_PER_VILLAGE)
            ]
        )
    posyandu = {(p.village_id, p.rw): p.pk for p in Posyandu.objects.all()}
    # Children: villages sized unevenly (as the register is), RW 001–004.
    weights = rng.gamma(2.0, 1.0, len(villages))
    village_idx = rng.choice(len(villages), children, p=weights / weights.sum())
    age_now = rng.integers(0, 1826, children)
    sex = rng.integers(1, 3, children)
    rw = rng.integers(1, POSYANDU_PER_VILLAGE + 1, children)
    base_id = (Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    now = timezone.now()
    resident_columns = [
        "id",
        "nik",
        "full_name",
        "name_search",
        "sex",
        "birth_place",
        "birth_date",
        "religion",
        "education",
        "occupation",
        "marital_status",
        "family_role",
        "blood_type",
        "citizenship",
        "father_name",
        "mother_name",
        "village_id",
        "rt",
        "rw",
        "dusun",
        "address",
        "status",
        "created_at",
        "updated_at",
    ]

    def residents() -> Any:
        for i in range(children):
            name = f"Anak Bench {i:06d}"
            yield (
                base_id + i,
                f"{NIK_PREFIX}{i:014d}",
                name,
                name.lower(),
                int(sex[i]),
                "Banyuwangi",
                today - timedelta(days=int(age_now[i])),
                1,
                1,
                1,
                1,
                4,
                13,
                1,
                "",
                "",
                villages[village_idx[i]],
                "001",
                f"{rw[i]:03d}",
                "",
                "",
                "alive",
                now,
                now,
            )

    with transaction.atomic():
        _insert("population_resident", resident_columns, residents())
    # Visits: one a month from the birth month to this month, the child's z-scores drifting.
    months_alive = (age_now / DAYS_PER_MONTH).astype(int) + 1
    total = int(months_alive.sum())
    child = np.repeat(np.arange(children), months_alive)
    offset = np.arange(total) - np.repeat(np.cumsum(months_alive) - months_alive, months_alive)
    age = np.minimum(
        (offset * DAYS_PER_MONTH + rng.integers(0, 20, total)).astype(int),
        np.repeat(age_now, months_alive),
    )
    haz_base = rng.normal(-1.1, 1.1, children)
    waz_base = rng.normal(-0.9, 1.0, children)
    haz = np.repeat(haz_base, months_alive) + rng.normal(0, 0.25, total)
    waz = np.repeat(waz_base, months_alive) + rng.normal(0, 0.25, total)
    vsex = sex[child]
    height = np.round(_lms_value("haz", vsex, age, haz), 1)
    weight = np.round(_lms_value("waz", vsex, age, waz), 2)
    position = np.where(age < 731, 1, 2)
    z = compute_zscores(
        sex=vsex, age_days=age, weight_kg=weight, height_cm=height, position=position
    )
    visit_columns = [
        "child_id",
        "posyandu_id",
        "village_id",
        "visit_date",
        "month",
        "age_days",
        "weight_kg",
        "height_cm",
        "position",
        "vitamin_a",
        "immunisations",
        "waz",
        "haz",
        "whz",
        "baz",
        "flags",
        "stunted",
        "severely_stunted",
        "wasted",
        "underweight",
        "overweight",
        "trend",
        "needs_remeasure",
        "recorded_at",
    ]

    def num(v: float) -> float | None:
        return None if np.isnan(v) else float(v)

    def visits() -> Any:
        birth_dates = [today - timedelta(days=int(a)) for a in age_now]
        for i in range(total):
            c = int(child[i])
            when = birth_dates[c] + timedelta(days=int(age[i]))
            flags = int(z.flags[i])
            hz, wz, whz = z.haz[i], z.waz[i], z.whz[i]
            ok_h = not np.isnan(hz) and not flags & 1
            ok_w = not np.isnan(wz) and not flags & 2
            ok_wh = not np.isnan(whz) and not flags & 4
            village = villages[village_idx[c]]
            yield (
                base_id + c,
                posyandu[(village, f"{rw[c]:03d}")],
                village,
                when,
                when.replace(day=1),
                int(age[i]),
                float(weight[i]),
                float(height[i]),
                "lying" if position[i] == 1 else "standing",
                False,
                "[]",
                num(wz),
                num(hz),
                num(whz),
                num(z.baz[i]),
                flags,
                ok_h and hz < -2,
                ok_h and hz < -3,
                ok_wh and whz < -2,
                ok_w and wz < -2,
                ok_wh and whz > 2,
                "N" if i % 4 else "T",
                flags != 0,
                now,
            )

    with transaction.atomic():
        _insert("health_growthvisit", visit_columns, visits())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE population_resident")
            cursor.execute("ANALYZE health_growthvisit")
    h.record(
        f"generate {children:,} children and {total:,} visits",
        time.perf_counter() - start,
        "s",
        notes="COPY" if connection.vendor == "postgresql" else "executemany",
    )
    return total


def run(h: Harness, quick: bool = False) -> None:
    children = 3_000 if quick else int(os.environ.get("SK_BENCH_HEALTH_CHILDREN", "150000"))
    _zscore_throughput(h, 1_000_000 if quick else 9_000_000)
    _command_throughput(h, 20_000 if quick else 100_000)
    load_regions()
    have = Resident.objects.filter(nik__startswith=NIK_PREFIX).count()
    if have == children and GrowthVisit.objects.exists() and os.environ.get("SK_BENCH_REUSE"):
        visits = GrowthVisit.objects.count()
        print(f"  reusing {have:,} children and {visits:,} visits")
    else:
        visits = _generate(h, children)
    start = time.perf_counter()
    rows = prevalence_recompute()
    seconds = time.perf_counter() - start
    h.record(
        f"recompute every figure ({visits:,} visits → {rows:,} figures)",
        seconds,
        "s",
        target="< 120 s",
        passed=seconds < 120,
    )

    officer, _created = User.objects.get_or_create(username="bench.dinkes")
    RoleAssignment.objects.get_or_create(user=officer, role=Role.HEALTH_OFFICER, scope_id="35.10")
    client = Client()
    client.force_login(officer)
    biggest = (
        Resident.objects.filter(nik__startswith=NIK_PREFIX)
        .values("village_id")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert biggest is not None
    code, n = biggest["village_id"], biggest["n"]

    def village_page() -> None:
        r = client.get(f"/health/villages/{code}/")
        assert r.status_code == 200, r.status_code

    def regency_map() -> None:
        r = client.get("/health/regions/35.10/")
        assert r.status_code == 200 and b"<path" in r.content

    h.measure(
        f"village stunting page ({n:,} children under five)", village_page, n=30, target_p95_ms=200
    )
    h.measure(
        "regency prevalence map (217 villages) and kecamatan table",
        regency_map,
        n=30,
        target_p95_ms=300,
    )
