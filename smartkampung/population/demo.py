"""Demo residents for the three demo villages, and one citizen account in each.

Deterministic (seeded per village) and idempotent: the residents go through the normal
import (updates by NIK change nothing the second time); the life events, the account and a
sample record view are made only once. Never run on a production database.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from smartkampung.accounts.demo import DEMO_PASSWORD, DEMO_VILLAGES
from smartkampung.accounts.models import Role, User
from smartkampung.regions.models import Region

from .codes import FamilyRole, Sex
from .importer import records_to_csv
from .models import LifeEvent, Resident, ResidentStatus
from .services import (
    activation_code_issue,
    birth_register,
    citizen_activate,
    death_record,
    resident_full_view,
)
from .services.imports import resident_import
from .synthetic import NumberBook, households

PEOPLE_PER_VILLAGE = {"sarongan": 320, "pesanggaran": 280, "sukorejo": 300}
BABY_BIRTH = date(2025, 10, 18)
# A fixed "today" for the generator, so that the same people come out every year.
DEMO_REFERENCE_DATE = date(2026, 1, 1)


def _village_records(slug: str, code: str, numbers: NumberBook) -> list[dict[str, Any]]:
    """The same people every time, given the same NumberBook state (villages of one
    kecamatan share the NIK region prefix, so they share the book, in a fixed order)."""
    rng = random.Random(f"smartkampung-demo-{code}")  # noqa: S311 - demo data, not secrets
    records: list[dict[str, Any]] = []
    for family in households(
        rng,
        village_code=code,
        people=PEOPLE_PER_VILLAGE[slug],
        numbers=numbers,
        today=DEMO_REFERENCE_DATE,
    ):
        records.extend(family)
    return records


def _events_once(village: Region, records: list[dict[str, Any]], baby_nik: str) -> None:
    """A birth and a death, so that history pages and statistics have something to show."""
    if LifeEvent.objects.filter(village_id=village.code, kind__in=["birth", "death"]).exists():
        return
    heads = [r for r in records if r["family_role"] == FamilyRole.HEAD_OF_FAMILY]
    oldest = min(heads, key=lambda r: r["birth_date"])
    deceased = Resident.objects.get(nik=oldest["nik"], status=ResidentStatus.ALIVE)
    death_record(
        actor=None,
        resident=deceased,
        occurred_on=DEMO_REFERENCE_DATE - timedelta(days=40),
        place=deceased.village.name,
        details="Meninggal di rumah.",
    )
    parents = next(r for r in heads if r["sex"] == Sex.MALE and r["marital_status"] == 2)
    birth_register(
        actor=None,
        village=village,
        data={
            **{k: parents[k] for k in ("kk_number", "rt", "rw", "dusun", "address", "religion")},
            "nik": baby_nik,
            "full_name": f"Muhammad Rizky {parents['full_name'].split()[0]}",
            "sex": Sex.MALE,
            "birth_place": "Banyuwangi",
            "birth_date": BABY_BIRTH,
            "education": 1,
            "occupation": 1,
            "marital_status": 1,
            "family_role": FamilyRole.CHILD,
            "father_name": parents["full_name"],
        },
        place="Puskesmas",
    )


def _citizen_once(village: Region, records: list[dict[str, Any]]) -> Resident:
    """The first head of family (alive) gets an activated account."""
    for record in records:
        if record["family_role"] != FamilyRole.HEAD_OF_FAMILY:
            continue
        resident = Resident.objects.filter(nik=record["nik"], status=ResidentStatus.ALIVE).first()
        if resident is None:
            continue
        if resident.user_id is None:
            code = activation_code_issue(actor=None, resident=resident)
            citizen_activate(nik=resident.nik, code=code, password=DEMO_PASSWORD, address=None)
            operator = User.objects.filter(username=f"operator.{_slug(village.code)}").first()
            if operator is not None:
                resident_full_view(
                    actor=operator, resident_id=resident.pk, reason="Pelayanan surat (demo)"
                )
        return resident
    raise RuntimeError(f"no living head of family in {village.code}")


def _slug(code: str) -> str:
    return next(slug for slug, c in DEMO_VILLAGES.items() if c == code)


def seed(*, write: Any = print) -> list[tuple[str, str, str, str]]:
    """Residents of the demo villages; returns the citizen accounts (NIK, password, ...)."""
    rows = []
    numbers = NumberBook()
    for slug, code in DEMO_VILLAGES.items():
        records = _village_records(slug, code, numbers)
        # Drawn on every run, so that the numbers of the next village do not depend on it.
        baby_nik = numbers.nik(code.replace(".", "")[:6], Sex.MALE, BABY_BIRTH)
        village = Region.objects.filter(code=code).first()
        if village is None:
            continue
        # People the demo has since recorded as dead stay dead.
        gone = set(
            Resident.objects.filter(village_id=code)
            .exclude(status=ResidentStatus.ALIVE)
            .values_list("nik", flat=True)
        )
        current = [r for r in records if r["nik"] not in gone]
        result = resident_import(actor=None, village=village, data=records_to_csv(current))
        with transaction.atomic():
            _events_once(village, records, baby_nik)
            citizen = _citizen_once(village, records)
        write(
            f"population {village.name}: {result.rows} residents "
            f"({result.created} new, {result.updated} updated)"
        )
        rows.append((citizen.nik, DEMO_PASSWORD, str(Role.CITIZEN.label), code))
    return rows
