"""Generator of a regency-sized population for the benchmark (never used by the app or tests).

1.8 million residents in realistic households (smartkampung.population.synthetic) across the
217 villages of Banyuwangi, village sizes spread around the mean (one village gets exactly
BIG_VILLAGE_SIZE for the paging benchmark), ~2 % dead and ~1 % moved away. On PostgreSQL the
rows go in with COPY, secondary indexes dropped during the load and rebuilt afterwards; on
SQLite with bulk_create (small sizes only).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from smartkampung.population.identity import normalise_name
from smartkampung.population.models import Household, Resident, VillageStatistics
from smartkampung.population.synthetic import NumberBook, households
from smartkampung.regions.models import Level, Region

BIG_VILLAGE = "35.10.01.2002"  # Pesanggaran: the 10,000-resident village of the paging test
BIG_VILLAGE_SIZE = 10_000
TODAY = date(2026, 1, 1)

RESIDENT_COLUMNS = [
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
    "disability",
    "father_name",
    "mother_name",
    "village_id",
    "household_id",
    "rt",
    "rw",
    "dusun",
    "address",
    "status",
    "status_changed_on",
    "user_id",
    "created_at",
    "updated_at",
]
HOUSEHOLD_COLUMNS = [
    "id",
    "kk_number",
    "village_id",
    "head_id",
    "address",
    "rt",
    "rw",
    "dusun",
    "created_at",
    "updated_at",
]


def village_sizes(
    total: int, rng: random.Random, *, regency: str = "35.10", big_village: str = BIG_VILLAGE
) -> dict[str, int]:
    """Sizes around the mean (lognormal), summing to ``total``; the big village fixed."""
    codes = list(
        Region.objects.filter(level=Level.VILLAGE, code__startswith=f"{regency}.")
        .order_by("code")
        .values_list("code", flat=True)
    )
    rest = [c for c in codes if c != big_village]
    weights = [rng.lognormvariate(0, 0.45) for _ in rest]
    budget = max(total - BIG_VILLAGE_SIZE, len(rest))
    scale = budget / sum(weights)
    sizes = {code: max(1, int(w * scale)) for code, w in zip(rest, weights, strict=True)}
    sizes[big_village] = BIG_VILLAGE_SIZE
    return sizes


def _rows(
    sizes: dict[str, int], rng: random.Random, start_resident: int, start_household: int
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """("household", row) and ("resident", row) tuples, households before their members."""
    now = timezone.now()
    rid, hid = start_resident, start_household
    books: dict[str, NumberBook] = {}
    for code, size in sizes.items():
        district = code[:8]
        numbers = books.setdefault(district, NumberBook(f"bench-{district}"))
        made = 0
        for family in households(
            rng, village_code=code, people=size, numbers=numbers, today=TODAY, rw_count=8
        ):
            if made >= size:
                break
            family = family[: size - made]
            made += len(family)
            hid += 1
            head_id = rid + 1
            head = family[0]
            yield (
                "household",
                (
                    hid,
                    head["kk_number"],
                    code,
                    head_id,
                    head["address"],
                    head["rt"],
                    head["rw"],
                    head["dusun"],
                    now,
                    now,
                ),
            )
            for member in family:
                rid += 1
                roll = rng.random()
                status, changed = "alive", None
                if roll < 0.02:
                    status, changed = "dead", date(2025, rng.randint(1, 12), rng.randint(1, 28))
                elif roll < 0.03:
                    status, changed = "moved_away", date(2025, rng.randint(1, 12), 1)
                yield (
                    "resident",
                    (
                        rid,
                        member["nik"],
                        member["full_name"],
                        normalise_name(member["full_name"]),
                        member["sex"],
                        member["birth_place"],
                        member["birth_date"],
                        member["religion"],
                        member["education"],
                        member["occupation"],
                        member["marital_status"],
                        member["family_role"],
                        member["blood_type"],
                        member["citizenship"],
                        None,
                        member.get("father_name", ""),
                        member.get("mother_name", ""),
                        code,
                        hid,
                        member["rt"],
                        member["rw"],
                        member["dusun"],
                        member["address"],
                        status,
                        changed,
                        None,
                        now,
                        now,
                    ),
                )


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname "
            "NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        return list(cursor.fetchall())


def clear() -> None:
    """Remove every resident and household (the benchmark database only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE population_lifeevent, population_residentviewlog, "
                "population_activationcode, population_resident, population_household, "
                "population_villagestatistics CASCADE"
            )
        else:
            for model in ("lifeevent", "residentviewlog", "activationcode"):
                cursor.execute(f"DELETE FROM population_{model}")  # noqa: S608
            cursor.execute("UPDATE population_household SET head_id = NULL")
            cursor.execute("DELETE FROM population_resident")
            cursor.execute("DELETE FROM population_household")
            cursor.execute("DELETE FROM population_villagestatistics")


def generate(
    total: int, *, seed: int = 2026, regency: str = "35.10", big_village: str = BIG_VILLAGE
) -> dict[str, float]:
    """Fill the register with ``total`` residents of ``regency``'s villages; returns timings."""
    rng = random.Random(seed)
    clear()
    sizes = village_sizes(total, rng, regency=regency, big_village=big_village)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        counts = _generate_postgres(sizes, rng)
    else:
        counts = _generate_orm(sizes, rng)
    seconds = time.perf_counter() - started
    VillageStatistics.objects.all().delete()
    return {"seconds": seconds, **counts}


def _generate_postgres(sizes: dict[str, int], rng: random.Random) -> dict[str, float]:
    saved = {t: _secondary_indexes(t) for t in ("population_resident", "population_household")}
    residents = household_count = 0
    load_started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Consistent by construction: skip the per-row foreign-key triggers during the load.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for indexes in saved.values():
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        raw = cursor.cursor  # psycopg 3
        household_buffer: list[tuple[Any, ...]] = []
        with raw.copy(
            f"COPY population_resident ({', '.join(RESIDENT_COLUMNS)}) FROM STDIN"
        ) as copy:
            for kind, row in _rows(sizes, rng, 0, 0):
                if kind == "household":
                    household_buffer.append(row)
                    household_count += 1
                else:
                    copy.write_row(row)
                    residents += 1
        with raw.copy(
            f"COPY population_household ({', '.join(HOUSEHOLD_COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in household_buffer:
                copy.write_row(row)
        load_seconds = time.perf_counter() - load_started
        index_started = time.perf_counter()
        for indexes in saved.values():
            for _name, definition in indexes:
                cursor.execute(definition)
        for table in ("population_resident", "population_household"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    index_seconds = time.perf_counter() - index_started
    vacuum_started = time.perf_counter()
    with connection.cursor() as cursor:  # outside the transaction: VACUUM sets the visibility map
        cursor.execute("VACUUM ANALYZE population_resident")
        cursor.execute("VACUUM ANALYZE population_household")
    return {
        "residents": residents,
        "households": household_count,
        "load_seconds": load_seconds,
        "index_seconds": index_seconds,
        "vacuum_seconds": time.perf_counter() - vacuum_started,
    }


def _generate_orm(sizes: dict[str, int], rng: random.Random) -> dict[str, float]:
    residents: list[Resident] = []
    household_rows: list[Household] = []
    for kind, row in _rows(sizes, rng, 0, 0):
        if kind == "household":
            household_rows.append(Household(**dict(zip(HOUSEHOLD_COLUMNS, row, strict=True))))
        else:
            residents.append(Resident(**dict(zip(RESIDENT_COLUMNS, row, strict=True))))
    heads = {h.pk: h.head_id for h in household_rows}
    for h in household_rows:
        h.head_id = None
    with transaction.atomic():
        Household.objects.bulk_create(household_rows, batch_size=2000)
        Resident.objects.bulk_create(residents, batch_size=2000)
        for h in household_rows:
            h.head_id = heads[h.pk]
        Household.objects.bulk_update(household_rows, ["head"], batch_size=2000)
    return {"residents": len(residents), "households": len(household_rows)}
