"""The village economy at regency scale: the public market page's product search and the
regency BUMDes view (capital placed vs returns, missing reports, red flags).

- Data: one BUMDes in each of the regency's 189 desa with 10 years of capital placements and
  yearly reports (the last year missing in a fifth of them), an approved APBDes with an
  equity participation (6.2.2) line for each of those village-years (where the budgets
  benchmark left no approved version of its own), ``SK_BENCH_ECONOMY_BUSINESSES`` local
  businesses (default 20,000; 2,000 with ``--quick``) owned by generated residents and five
  products each (100,000), nine in ten approved. Loaded with bulk inserts.
- Pages through the full Django stack (test client): the public market page of the village
  with the most products, searching a word, and the regency-wide product search (anonymous;
  target p95 < 100 ms), and the regency BUMDes view as a regency officer (target p95 <
  300 ms) and its CSV.
"""

from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from harness import Harness

from conftest import load_regions
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.budgets.models import BudgetFinancing, BudgetStatus, VillageBudget
from smartkampung.budgets.reference_data import load_reference_data
from smartkampung.economy.models import (
    ApprovalStatus,
    CapitalPlacement,
    EnterpriseReport,
    LocalBusiness,
    Product,
    ReportStatus,
    VillageEnterprise,
)
from smartkampung.population.models import Resident
from smartkampung.regions.models import Kind, Level, Region

NIK_PREFIX = "97"  # bench business owners: NIKs no real region code starts with
YEARS = 10
PRODUCTS_PER_BUSINESS = 5
WORDS = ("Kopi", "Gula aren", "Batik", "Keripik", "Madu", "Tahu", "Tempe", "Sambal", "Dodol")


def _generate(h: Harness, businesses: int) -> None:
    start = time.perf_counter()
    rng = np.random.default_rng(18)
    this_year = timezone.localdate().year
    years = list(range(this_year - YEARS, this_year))
    desa = list(
        Region.objects.filter(level=Level.VILLAGE, kind=Kind.DESA).values_list("code", flat=True)
    )
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    with transaction.atomic():
        Product.objects.all().delete()
        LocalBusiness.objects.all().delete()
        EnterpriseReport.objects.all().delete()
        CapitalPlacement.objects.all().delete()
        VillageEnterprise.objects.all().delete()
        Resident.objects.filter(nik__startswith=NIK_PREFIX).delete()

        # Approved APBDes with equity participation, where no approved version exists yet.
        taken = set(
            VillageBudget.objects.filter(status=BudgetStatus.APPROVED, year__in=years).values_list(
                "village_id", "year"
            )
        )
        VillageBudget.objects.bulk_create(
            [
                VillageBudget(village_id=v, year=y, version=1, status=BudgetStatus.APPROVED)
                for v in desa
                for y in years
                if (v, y) not in taken
            ],
            ignore_conflicts=True,
        )
        with_equity = set(
            BudgetFinancing.objects.filter(
                budget__year__in=years, account__pk__startswith="6.2.2."
            ).values_list("budget_id", flat=True)
        )
        budgets = VillageBudget.objects.filter(
            status=BudgetStatus.APPROVED, year__in=years, village_id__in=desa
        ).values_list("pk", "village_id", "year")
        amount = {
            (v, y): Decimal(int(rng.integers(2, 20)) * 5_000_000) for v in desa for y in years
        }
        BudgetFinancing.objects.bulk_create(
            [
                BudgetFinancing(
                    budget_id=pk,
                    account_id="6.2.2.01",
                    description="Penyertaan modal BUM Desa",
                    amount=amount[(v, y)],
                )
                for pk, v, y in budgets
                if pk not in with_equity
            ]
        )
        equity: dict[tuple[str, int], Decimal] = {}
        for v, y, a in BudgetFinancing.objects.filter(
            budget__status=BudgetStatus.APPROVED,
            budget__year__in=years,
            account__pk__startswith="6.2.2.",
        ).values_list("budget__village_id", "budget__year", "amount"):
            equity[(v, y)] = equity.get((v, y), Decimal(0)) + a
        VillageEnterprise.objects.bulk_create(
            [
                VillageEnterprise(
                    village_id=v, name=f"BUMDes {v}", registration_number=f"AHU-BENCH-{i:05d}"
                )
                for i, v in enumerate(desa)
            ]
        )
        enterprises = list(VillageEnterprise.objects.values_list("pk", "village_id"))
        CapitalPlacement.objects.bulk_create(
            [
                CapitalPlacement(
                    enterprise_id=pk,
                    village_id=v,
                    year=y,
                    amount=equity[(v, y)],
                    budgeted=equity[(v, y)],
                )
                for pk, v in enterprises
                for y in years
                if (v, y) in equity
            ]
        )
        now = timezone.now()
        reports = []
        for pk, v in enterprises:
            skip_last = rng.random() < 0.2
            for y in years:
                if skip_last and y == years[-1]:
                    continue
                revenue = Decimal(int(rng.integers(20, 400)) * 1_000_000)
                costs = revenue * Decimal("0.8")
                reports.append(
                    EnterpriseReport(
                        enterprise_id=pk,
                        village_id=v,
                        year=y,
                        revenue=revenue,
                        costs=costs,
                        profit=revenue - costs,
                        assets=revenue * 2,
                        pad_share=(revenue - costs) * Decimal("0.3"),
                        employees=int(rng.integers(1, 40)),
                        status=ReportStatus.CHECKED,
                        submitted_at=now,
                    )
                )
        EnterpriseReport.objects.bulk_create(reports, batch_size=5000)

        # Owners, their businesses and products, villages sized unevenly.
        weights = rng.gamma(2.0, 1.0, len(villages))
        village_idx = rng.choice(len(villages), businesses, p=weights / weights.sum())
        Resident.objects.bulk_create(
            [
                Resident(
                    nik=f"{NIK_PREFIX}{i:014d}",
                    full_name=f"Pemilik Bench {i:06d}",
                    name_search=f"pemilik bench {i:06d}",
                    sex=1,
                    birth_place="Banyuwangi",
                    birth_date=date(1980, 1, 1),
                    religion=1,
                    education=1,
                    occupation=1,
                    marital_status=2,
                    family_role=1,
                    village_id=villages[village_idx[i]],
                    rt="001",
                    rw="001",
                )
                for i in range(businesses)
            ],
            batch_size=5000,
        )
        owners = list(
            Resident.objects.filter(nik__startswith=NIK_PREFIX)
            .order_by("nik")
            .values_list("pk", "village_id")
        )
        LocalBusiness.objects.bulk_create(
            [
                LocalBusiness(
                    village_id=v,
                    owner_id=pk,
                    name=f"Usaha {i:06d}",
                    kbli_code="10761",
                    sector="C",
                    status=ApprovalStatus.APPROVED
                    if rng.random() < 0.9
                    else ApprovalStatus.PENDING,
                )
                for i, (pk, v) in enumerate(owners)
            ],
            batch_size=5000,
        )
        products = []
        for b_pk, v in LocalBusiness.objects.values_list("pk", "village_id"):
            for k in range(PRODUCTS_PER_BUSINESS):
                word = WORDS[int(rng.integers(0, len(WORDS)))]
                products.append(
                    Product(
                        business_id=b_pk,
                        village_id=v,
                        name=f"{word} {k + 1}",
                        price=Decimal(int(rng.integers(5, 200)) * 1000),
                        whatsapp="6281234567890",
                        status=ApprovalStatus.APPROVED
                        if rng.random() < 0.9
                        else ApprovalStatus.PENDING,
                    )
                )
        Product.objects.bulk_create(products, batch_size=10000)
    h.record(
        f"generate {len(enterprises)} BUMDes × {YEARS} years, {businesses:,} businesses, "
        f"{len(products):,} products",
        time.perf_counter() - start,
        "s",
    )


def run(h: Harness, quick: bool = False) -> None:
    businesses = 2_000 if quick else int(os.environ.get("SK_BENCH_ECONOMY_BUSINESSES", "20000"))
    load_regions()
    load_reference_data()
    have = LocalBusiness.objects.count()
    if have == businesses and os.environ.get("SK_BENCH_REUSE"):
        print(f"  reusing {have:,} businesses")
    else:
        _generate(h, businesses)
    if connection.vendor == "postgresql":
        # Fresh statistics after the bulk load (autovacuum would catch up only later).
        with connection.cursor() as cursor:
            for model in (Product, LocalBusiness, EnterpriseReport, CapitalPlacement):
                cursor.execute(f"ANALYZE {model._meta.db_table}")

    busiest = (
        Product.objects.values("village_id")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    code, n = busiest["village_id"], busiest["n"]
    public = Client()

    def market_search() -> None:
        r = public.get(f"/economy/market/{code}/", {"q": "kopi"})
        assert r.status_code == 200 and b"wa.me" in r.content

    def market_page() -> None:
        r = public.get(f"/economy/market/{code}/")
        assert r.status_code == 200

    h.measure(
        f"public market page, product search (village with {n:,} products)",
        market_search,
        n=50,
        target_p95_ms=100,
    )

    total = Product.objects.count()
    for word, share in (("gula", "a word in one product name of nine"), ("madu 2", "two words")):

        def regency_search(word: str = word) -> None:
            r = public.get("/economy/market/", {"q": word})
            assert r.status_code == 200 and b"wa.me" in r.content

        h.measure(
            f"public product search over every village ({total:,} products), «{word}»",
            regency_search,
            n=50,
            target_p95_ms=100,
            notes=share,
        )
    page = public.get(f"/economy/market/{code}/")
    h.measure(
        "public market page, first 200 products",
        market_page,
        n=50,
        target_p95_ms=100,
        notes=f"{len(page.content) / 1024:.0f} KB of HTML, no script",
    )

    officer, _created = User.objects.get_or_create(username="bench.pmd.economy")
    RoleAssignment.objects.get_or_create(user=officer, role=Role.REGENCY_OFFICER, scope_id="35.10")
    client = Client()
    client.force_login(officer)
    enterprises = VillageEnterprise.objects.count()

    def overview() -> None:
        r = client.get("/economy/overview/35.10/")
        assert r.status_code == 200

    def overview_csv() -> None:
        r = client.get("/economy/overview/35.10/bumdes.csv")
        assert r.status_code == 200

    h.measure(
        f"regency BUMDes view ({enterprises} BUMDes, {YEARS} years of capital and reports)",
        overview,
        n=30,
        target_p95_ms=300,
    )
    h.measure("regency BUMDes view as CSV", overview_csv, n=30, target_p95_ms=300)

    # The economy figures the dashboard stores and the portal publishes (ADR 0142): computed
    # for the whole regency on a refresh or a cold cache.
    from smartkampung.dashboards.compute import compute_economy
    from smartkampung.portal.economy import compute_published_economy

    this_year = timezone.localdate().year
    h.measure(
        "dashboard economy section, computed for the regency",
        lambda: compute_economy(regency_code="35.10", year=this_year, now=timezone.now()),
        n=20,
        notes="background work, no target in the issue",
    )
    h.measure(
        "portal economy figures of every region, with suppression (cold cache)",
        lambda: compute_published_economy(regency_code="35.10", year=this_year, threshold=5),
        n=20,
        notes="background work, no target in the issue",
    )
