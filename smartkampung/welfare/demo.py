"""Demo data for welfare: a social affairs officer and a health-office reader, the demo
villages' households in the welfare register (deciles spread deterministically), the national
and village programmes, and this month's recipients — all through the services, so the red
light decides who is enrolled.

Deterministic and idempotent: nothing is added once the register holds a demo import."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from smartkampung.accounts.demo import DEMO_PASSWORD, DEMO_VILLAGES
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.population.models import Household, Resident
from smartkampung.regions.models import Region

from . import rules, services
from .models import AidProgramme, RegisterImport

REGENCY = "35.10"
ACCOUNTS = (
    ("dinsos", "Dinas Sosial (demo)", Role.SOCIAL_OFFICER),
    ("dinkes", "Dinas Kesehatan (demo)", Role.HEALTH_OFFICER),
)
DEMO_FILE = "demo-dtks.csv"


def _accounts() -> list[tuple[str, str, str, str]]:
    rows = []
    for username, name, role in ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=role, scope_id=REGENCY)
        rows.append((username, DEMO_PASSWORD, str(Role(role).label), REGENCY))
    return rows


def _register_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["household_id", "kk_number", "nik", "name", "birth_date", "decile", "village_code"]
    )
    households = Household.objects.filter(village_id__in=DEMO_VILLAGES.values()).order_by("pk")
    for n, household in enumerate(households):
        decile = (n * 7) % 10 + 1  # every decile, in a fixed order
        for r in Resident.objects.filter(household=household, status="alive").order_by("pk"):
            writer.writerow(
                [
                    f"DEMO-{household.pk}",
                    household.kk_number,
                    r.nik,
                    r.full_name,
                    r.birth_date.isoformat(),
                    decile,
                    household.village_id,
                ]
            )
    return out.getvalue().encode()


PROGRAMMES: list[dict[str, Any]] = [
    {
        "code": "PKH",
        "name": "Program Keluarga Harapan",
        "target": "household",
        "fund_source": "apbn",
        "decile_max": 3,
    },
    {
        "code": "BPNT",
        "name": "Bantuan Pangan Non-Tunai (Sembako)",
        "target": "household",
        "fund_source": "apbn",
        "decile_max": 4,
    },
    {
        "code": "PBI",
        "name": "PBI Jaminan Kesehatan",
        "target": "person",
        "fund_source": "apbn",
        "decile_max": 5,
    },
    {
        "code": "BLTDD",
        "name": "BLT Dana Desa",
        "target": "household",
        "fund_source": "dana_desa",
        "decile_max": 4,
        "excludes": ["PKH", "BPNT"],
        "budget_activity_code": "05.03.01",
        "monthly_amount": 300000,
    },
]


def seed(*, write: Any = print) -> list[tuple[str, str, str, str]]:
    if not Region.objects.filter(code=REGENCY).exists():
        return []
    accounts = _accounts()
    if RegisterImport.objects.filter(file_name=DEMO_FILE).exists():
        return accounts
    social = User.objects.get(username="dinsos")
    today = timezone.localdate()
    with transaction.atomic():
        record = services.register_import(
            actor=social, data=_register_file(), file_name=DEMO_FILE, as_of=date(today.year, 1, 1)
        )
        for spec in PROGRAMMES:
            if AidProgramme.objects.filter(regency_id=REGENCY, code=spec["code"]).exists():
                continue
            services.programme_save(
                actor=social,
                regency_code=REGENCY,
                data={
                    "starts_on": date(today.year, 1, 1),
                    "ends_on": date(today.year, 12, 31),
                    **spec,
                },
            )
        period = f"{today.year:04d}-{today.month:02d}"
        enrolled = 0
        for household in Household.objects.filter(
            village_id__in=DEMO_VILLAGES.values(), head__isnull=False
        ).select_related("head"):
            nik = household.head.nik if household.head else ""
            for code in ("PKH", "BPNT", "BLTDD"):
                candidate = rules.Candidate(
                    code, period, nik, household.kk_number, household.village_id
                )
                if next(iter(rules.check([candidate]))).decision == rules.ACCEPT:
                    services.enrolment_create(actor=social, candidate=candidate)
                    enrolled += 1
    write(
        f"welfare: {record.household_count} households in the register, {enrolled} enrolments "
        f"in {period}"
    )
    return accounts
