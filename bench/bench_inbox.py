"""The work inbox (home page) of every role at regency scale.

Data: the regency's residents (gen_population: 1.8 M, ``--quick`` 120,000), a year of letter
requests (217 villages x 2,000, ``--quick`` x 200) in every status, ten years of APBDes per desa
with 100 SPP each (``--quick`` 20), 217 x 20 x 10 projects (``--quick`` x 2) with three red
flags each in mixed severities and statuses, failed imports, and the dashboard's figures.
Rows are bulk-inserted (no services: speed; they are the rows the services write).

Measures, per role (village operator, village head, treasurer, kecamatan officer, regency
officer, inspector, citizen): the inbox sections alone (``inbox_for`` with the grants reloaded,
as on every request) and the home page through the full Django stack (session, middleware,
menu, template), p95 against 100 ms (issue 12); and the number of queries of each home page.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from harness import Harness

from conftest import load_regions
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.core.inbox import inbox_for

VILLAGE = "35.10.01.2001"
DISTRICT = "35.10.01"
REGENCY = "35.10"
SCALE_KEY = "bench:population:scale"
STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A year of requests: mostly issued, the rest waiting at each step (shares of 100).
STATUS_SHARES = [
    ("issued", 82),
    ("submitted", 5),
    ("verified", 3),
    ("returned", 2),
    ("draft", 2),
    ("approved", 1),
    ("rejected", 3),
    ("cancelled", 2),
]


def _user(username: str, role: str, scope: str) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
    RoleAssignment.objects.get_or_create(user=user, role=role, scope_id=scope)
    return user


def _population(h: Harness, total: int) -> None:
    from gen_population import generate

    from smartkampung.population.models import Resident

    have = Resident.objects.count()
    if cache.get(SCALE_KEY) == total and abs(have - total) < total * 0.01:
        print(f"  reusing {have} residents")
        return
    print(f"  generating {total} residents ...")
    timings = generate(total)
    cache.set(SCALE_KEY, total, None)
    h.record(f"generate {timings['residents']:,} residents", timings["seconds"], "s")


def _letters(per_village: int, rng: random.Random, counter: User, citizen: User) -> int:
    from smartkampung.letters.models import LetterRequest, LetterType
    from smartkampung.letters.services.catalogue import letter_types_install_defaults
    from smartkampung.population.models import Resident
    from smartkampung.regions.models import Level, Region

    if not LetterType.objects.filter(regency_id=REGENCY).exists():
        letter_types_install_defaults(regency_code=REGENCY)
    types = list(LetterType.objects.filter(regency_id=REGENCY).values_list("pk", flat=True))
    LetterRequest.objects.filter(values__bench=True).delete()
    statuses = [s for s, share in STATUS_SHARES for _ in range(share)]
    now = timezone.now()
    total = 0
    for code in Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True):
        residents = list(
            Resident.objects.filter(village_id=code).values_list("id", flat=True)[:200]
        )
        if not residents:
            continue
        rows = []
        for n in range(per_village):
            status = rng.choice(statuses)
            sent = now - timedelta(minutes=rng.randrange(10, 365 * 24 * 60))
            mine = code == VILLAGE and n < 30
            rows.append(
                LetterRequest(
                    village_id=code,
                    letter_type_id=rng.choice(types),
                    resident_id=rng.choice(residents),
                    requested_by=citizen if mine else counter,
                    applicant=citizen if mine else None,
                    channel="online" if mine else "counter",
                    values={"bench": True},
                    status=status,
                    status_reason="Foto KTP kurang jelas" if status == "returned" else "",
                    submitted_at=None if status == "draft" else sent,
                )
            )
        with transaction.atomic():
            LetterRequest.objects.bulk_create(rows, batch_size=5000)
        total += len(rows)
    return total


def _budgets(spp_per_budget: int, rng: random.Random, treasurer: User) -> int:
    from smartkampung.budgets.models import (
        Activity,
        BudgetActivity,
        BudgetItem,
        BudgetStatus,
        Disbursement,
        VillageBudget,
    )
    from smartkampung.budgets.reference_data import load_reference_data
    from smartkampung.regions.models import Kind, Level, Region

    load_reference_data()
    this_year = timezone.localdate().year
    years = list(range(this_year - 9, this_year + 1))
    with transaction.atomic():
        Disbursement.objects.filter(year__in=years).delete()
        BudgetItem.objects.filter(budget__year__in=years).delete()
        BudgetActivity.objects.filter(budget__year__in=years).delete()
        VillageBudget.objects.filter(year__in=years).delete()
    desa = list(
        Region.objects.filter(level=Level.VILLAGE, kind=Kind.DESA).values_list("code", flat=True)
    )
    activity = Activity.objects.filter(active=True).values_list("code", flat=True).first()
    current = [
        BudgetStatus.DRAFT,
        BudgetStatus.SUBMITTED,
        BudgetStatus.EVALUATED,
        BudgetStatus.APPROVED,
    ]
    budgets = VillageBudget.objects.bulk_create(
        VillageBudget(
            village_id=code,
            year=year,
            status=rng.choice(current) if year == this_year else BudgetStatus.APPROVED,
            submitted_at=timezone.now() - timedelta(days=rng.randrange(1, 60)),
        )
        for code in desa
        for year in years
    )
    activities = BudgetActivity.objects.bulk_create(
        BudgetActivity(budget=b, activity_id=activity, location="Dusun", output="Output")
        for b in budgets
    )
    items = BudgetItem.objects.bulk_create(
        BudgetItem(
            budget=b,
            activity=a,
            account_id="5.1.1.01",
            description="Rincian",
            volume=Decimal(1),
            unit="unit",
            unit_price=Decimal(100_000_000),
            amount=Decimal(100_000_000),
            fund_source_id="DDS",
            position=0,
        )
        for b, a in zip(budgets, activities, strict=True)
    )
    spps = []
    for item, budget in zip(items, budgets, strict=True):
        for n in range(spp_per_budget):
            status = rng.choice(["approved"] * 17 + ["pending", "pending", "rejected"])
            day = date(budget.year, rng.randrange(1, 13), rng.randrange(1, 28))
            spps.append(
                Disbursement(
                    village_id=budget.village_id,
                    year=budget.year,
                    item=item,
                    seq=n + 1,
                    number=f"{n + 1:04d}/SPP/{budget.village_id}/{budget.year}",
                    description="Pembayaran",
                    amount=Decimal(10_000),
                    status=status,
                    requested_on=day,
                    approved_on=day if status == "approved" else None,
                    requested_by=treasurer,
                )
            )
    Disbursement.objects.bulk_create(spps, batch_size=5000)
    return len(spps)


def _flags(per_village_year: int, rng: random.Random) -> tuple[int, int]:
    from bench_projects import _clear, generate_regency

    from smartkampung.projects.models import Project, RedFlag

    _clear()
    counts = generate_regency(per_village_year)
    now = timezone.now()
    rules = ["DUPLICATE_PROJECT", "UNIT_COST_OUTLIER", "STALLED"]
    flags = [
        RedFlag(
            rule=rule,
            key=f"bench-{pk}-{rule}",
            project_id=pk,
            village_id=village,
            severity=rng.choice(["high", "medium", "medium", "low", "low"]),
            status=rng.choice(["open", "open", "confirmed", "dismissed", "resolved"]),
            first_detected_at=now - timedelta(days=rng.randrange(1, 900)),
            last_detected_at=now,
        )
        for pk, village in Project.objects.values_list("pk", "village_id")
        for rule in rules
    ]
    RedFlag.objects.bulk_create(flags, batch_size=5000)
    return counts["projects"], len(flags)


def _imports(rng: random.Random, operator: User) -> None:
    from smartkampung.population.models import ImportJob
    from smartkampung.regions.models import Level, Region

    ImportJob.objects.filter(file_name__startswith="bench-").delete()
    ImportJob.objects.bulk_create(
        ImportJob(
            village_id=code,
            created_by=operator,
            file_name=f"bench-{code}-{n}.csv",
            state=rng.choice(["done", "done", "failed"]),
            error_count=rng.randrange(0, 40),
        )
        for code in Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True)
        for n in range(5)
    )


def run(h: Harness, *, quick: bool = False) -> None:
    from smartkampung.dashboards.services import dashboard_refresh
    from smartkampung.population.models import Resident

    load_regions()
    rng = random.Random(12)
    _population(h, 120_000 if quick else 1_800_000)
    operator = _user("bench.inbox.operator", Role.VILLAGE_OPERATOR, VILLAGE)
    head = _user("bench.inbox.kades", Role.VILLAGE_HEAD, VILLAGE)
    treasurer = _user("bench.inbox.bendahara", Role.VILLAGE_TREASURER, VILLAGE)
    camat = _user("bench.inbox.camat", Role.DISTRICT_OFFICER, DISTRICT)
    pmd = _user("bench.inbox.pmd", Role.REGENCY_OFFICER, REGENCY)
    inspector = _user("bench.inbox.inspektorat", Role.INSPECTOR, REGENCY)
    citizen = _user("bench.inbox.warga", Role.CITIZEN, VILLAGE)
    resident = Resident.objects.filter(village_id=VILLAGE, user__isnull=True).first()
    if resident is not None and not Resident.objects.filter(user=citizen).exists():
        resident.user = citizen
        resident.save(update_fields=["user"])

    start = time.perf_counter()
    letters = _letters(200 if quick else 2_000, rng, operator, citizen)
    spps = _budgets(20 if quick else 100, rng, treasurer)
    projects, flags = _flags(2 if quick else 20, rng)
    _imports(rng, operator)
    dashboard_refresh(regency_code=REGENCY, year=timezone.localdate().year)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give
            cursor.execute("ANALYZE")
    h.record(
        f"generate {letters:,} letter requests, {spps:,} SPP, {projects:,} projects with "
        f"{flags:,} red flags",
        time.perf_counter() - start,
        "s",
    )
    h.context["inbox_letter_requests"] = letters
    runs = 30 if quick else 100
    roles = [
        ("village operator", operator),
        ("village head", head),
        ("village treasurer", treasurer),
        ("kecamatan officer", camat),
        ("regency officer", pmd),
        ("inspector", inspector),
        ("citizen", citizen),
    ]
    with override_settings(STORAGES=STATIC):
        for label, user in roles:

            def sections(pk: int = user.pk) -> None:
                inbox_for(User.objects.get(pk=pk))  # grants reloaded, as on every request

            h.measure(f"inbox sections, {label}", sections, n=runs, target_p95_ms=100)
            client = Client()
            client.force_login(user)

            def home(client: Client = client) -> None:
                response = client.get("/")
                assert response.status_code == 200, response.status_code

            with CaptureQueriesContext(connection) as ctx:
                home()
            found = sum(s.count for s in inbox_for(User.objects.get(pk=user.pk)))
            h.measure(
                f"home page (inbox), {label}",
                home,
                n=runs,
                target_p95_ms=100,
                notes=f"{len(ctx.captured_queries)} queries; {found:,} items waiting",
            )
            reset_queries()
