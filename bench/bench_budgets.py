"""Budgets at regency scale: every desa with an approved APBDes of ~345 items (≈ 65,000 items,
the volume of 217 villages × 300 items), part of it realised. At ``--scale bogor`` the 416 desa
of the synthetic Bogor carry 300 items each (≈ 125,000 items; issue 16: 410 budgets × 300).

Kelurahan have no APBDes, so the 189 desa of Banyuwangi carry the whole volume. Measures the
regency consolidation (absorption per village, kecamatan, bidang and fund source, with its
charts) and the page of one 300-item budget, both through the full Django stack.
"""

from __future__ import annotations

import random
import time
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone
from harness import Harness
from scale import BOGOR, ensure_regions
from scale import of as scale_of

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.budgets.models import (
    Account,
    AccountLevel,
    Activity,
    BudgetActivity,
    BudgetItem,
    BudgetRevenue,
    BudgetStatus,
    Ceiling,
    Disbursement,
    DisbursementStatus,
    VillageBudget,
)
from smartkampung.budgets.reference_data import load_reference_data
from smartkampung.budgets.selectors.aggregates import consolidation
from smartkampung.regions.models import Kind, Level, Region

YEAR = 2031  # a year of its own, away from demo data
ITEMS_PER_BUDGET = 345
PAGE_ITEMS = 300  # the one budget whose page is measured
ACTIVITIES_PER_BUDGET = 20
PAGE_VILLAGE = "35.10.01.2001"
PASSWORD = "bench-password-not-secret"
STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SOURCES = [("4.2.1.01", "DDS"), ("4.2.3.01", "ADD"), ("4.2.2.01", "PBH"), ("4.1.2.01", "PAD")]


def _user(username: str, role: str, scope: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, scope_id=scope)
    return user


def generate(
    *, items_per_budget: int, regency: str = "35.10", page_village: str = PAGE_VILLAGE
) -> int:
    """(Re)create the bench year's budgets; returns the number of items."""
    rng = random.Random(2031)
    desa = list(
        Region.objects.filter(level=Level.VILLAGE, kind=Kind.DESA, code__startswith=f"{regency}.")
        .only("code")
        .order_by("code")
    )
    activity_codes = list(Activity.objects.filter(active=True).values_list("code", flat=True))
    accounts = list(
        Account.objects.filter(level=AccountLevel.OBJEK, code__startswith="5").values_list(
            "code", flat=True
        )
    )
    now = timezone.now()
    with transaction.atomic():
        Disbursement.objects.filter(year=YEAR).delete()
        BudgetItem.objects.filter(budget__year=YEAR).delete()
        VillageBudget.objects.filter(year=YEAR).delete()
        Ceiling.objects.filter(year=YEAR).delete()
        budgets = VillageBudget.objects.bulk_create(
            VillageBudget(
                village_id=v.code,
                year=YEAR,
                version=1,
                status=BudgetStatus.APPROVED,
                approved_at=now,
            )
            for v in desa
        )
        ceilings, revenues = [], []
        for budget in budgets:
            for account, source in SOURCES:
                amount = Decimal(rng.randrange(50_000, 1_200_000)) * 1000
                if source != "PAD":
                    ceilings.append(
                        Ceiling(
                            village_id=budget.village_id,
                            year=YEAR,
                            fund_source_id=source,
                            amount=amount,
                        )
                    )
                revenues.append(
                    BudgetRevenue(
                        budget=budget, account_id=account, fund_source_id=source, amount=amount
                    )
                )
        Ceiling.objects.bulk_create(ceilings)
        BudgetRevenue.objects.bulk_create(revenues)
        activities = BudgetActivity.objects.bulk_create(
            BudgetActivity(budget=budget, activity_id=code, location="Dusun", output="Output")
            for budget in budgets
            for code in rng.sample(activity_codes, ACTIVITIES_PER_BUDGET)
        )
        by_budget: dict[int, list[BudgetActivity]] = {}
        for activity in activities:
            by_budget.setdefault(activity.budget_id, []).append(activity)
        items = []
        for budget in budgets:
            count = PAGE_ITEMS if budget.village_id == page_village else items_per_budget
            own = by_budget[budget.pk]
            for n in range(count):
                volume = Decimal(rng.randrange(1, 500))
                price = Decimal(rng.randrange(5, 5000)) * 1000
                amount = volume * price
                realised = (amount * Decimal(rng.random() * 0.8)).quantize(Decimal("1"))
                items.append(
                    BudgetItem(
                        budget=budget,
                        activity=own[n % len(own)],
                        account_id=rng.choice(accounts),
                        description=f"Rincian belanja {n + 1}",
                        volume=volume,
                        unit="unit",
                        unit_price=price,
                        amount=amount,
                        fund_source_id=rng.choice(("DDS", "ADD", "PBH")),
                        realised=realised,
                        position=n,
                    )
                )
        BudgetItem.objects.bulk_create(items, batch_size=5000)
        page_budget = next(b for b in budgets if b.village_id == page_village)
        treasurer = _user("bench.bendahara", Role.VILLAGE_TREASURER, page_village)
        Disbursement.objects.bulk_create(
            Disbursement(
                village_id=page_village,
                year=YEAR,
                item=item,
                seq=n + 1,
                number=f"{n + 1:04d}/SPP/{page_village}/{YEAR}",
                description="Pembayaran",
                amount=item.realised,
                status=DisbursementStatus.APPROVED,
                requested_on=date(YEAR, 3, 1),
                approved_on=date(YEAR, 3, 2),
                requested_by=treasurer,
            )
            for n, item in enumerate(i for i in items if i.budget_id == page_budget.pk)
            if item.realised > 0
        )
    return len(items)


def run(h: Harness, *, quick: bool = False) -> None:
    scale = scale_of(h.context)
    ensure_regions(scale)
    load_reference_data()
    regency_code = scale.regency
    page_village = "32.01.01.2002" if scale is BOGOR else PAGE_VILLAGE
    per_budget = 60 if quick else (300 if scale is BOGOR else ITEMS_PER_BUDGET)
    start = time.perf_counter()
    count = generate(items_per_budget=per_budget, regency=regency_code, page_village=page_village)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give
            cursor.execute("ANALYZE")
    budgets = VillageBudget.objects.filter(year=YEAR).count()
    h.record(
        f"generate {budgets} approved budgets, {count} items (bulk insert)",
        (time.perf_counter() - start) * 1000,
        "ms",
    )
    officer = _user(f"bench.pmd.{scale.name}", Role.REGENCY_OFFICER, regency_code)
    operator = _user(f"bench.operator.{scale.name}", Role.VILLAGE_OPERATOR, page_village)
    runs = 10 if quick else 40

    h.measure(
        f"consolidation selector, regency ({budgets} desa, {count} items)",
        lambda: consolidation(year=YEAR, region_code=regency_code),
        n=runs,
    )
    with override_settings(STORAGES=STATIC):
        regency = Client()
        regency.force_login(officer)
        url = f"/budgets/consolidation/?year={YEAR}&region={regency_code}"

        def consolidation_page() -> None:
            response = regency.get(url)
            assert response.status_code == 200, response.status_code

        h.measure(
            f"regency consolidation page (charts + {budgets}-desa table)",
            consolidation_page,
            n=runs,
            target_p95_ms=300,
        )
        district_url = f"/budgets/consolidation/?year={YEAR}&region={scale.kecamatan}"
        h.measure(
            "kecamatan consolidation page",
            lambda: regency.get(district_url),
            n=runs,
        )
        page_budget = VillageBudget.objects.get(village_id=page_village, year=YEAR)
        items_on_page = page_budget.items.count()
        village = Client()
        village.force_login(operator)
        budget_url = f"/budgets/{page_budget.pk}/"

        def budget_page() -> None:
            response = village.get(budget_url)
            assert response.status_code == 200, response.status_code

        h.measure(
            f"budget page, {items_on_page} items",
            budget_page,
            n=runs,
            target_p95_ms=150,
        )
        lra_url = f"/budgets/lra/{page_village}/{YEAR}/?period=year"
        h.measure("LRA page of that village", lambda: regency.get(lra_url), n=runs)
        h.measure(
            "LRA XLSX export of that village",
            lambda: regency.get(lra_url + "&format=xlsx"),
            n=max(5, runs // 4),
        )
        size = len(village.get(budget_url).content)
        h.record(f"budget page, {items_on_page} items: HTML size", size / 1024, "KiB")
