"""Demo economy data: a BUMDes in each demo village with a manager (``bumdes.<village>``),
Sarongan's capital read from its approved APBDes and a checked report for last year, and a few
approved local businesses with products on the market pages. Deterministic and idempotent
(a village that already has its demo BUMDes is skipped). Never run on a production database."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from smartkampung.accounts.demo import DEMO_PASSWORD
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.core.exceptions import DomainError
from smartkampung.population.models import LIVING_STATUSES, Resident
from smartkampung.regions.models import Region

from . import services
from .models import VillageEnterprise

VILLAGES = {
    "35.10.01.2001": ("sarongan", "BUMDes Sarongan Makmur", ["Air bersih", "Wisata Rajegwesi"]),
    "35.10.01.2002": ("pesanggaran", "BUMDes Pesanggaran Jaya", ["Simpan pinjam", "Pasar desa"]),
    "35.10.02.2001": ("sukorejo", "BUMDes Sukorejo Sejahtera", ["Pengolahan kopi"]),
}
BUSINESSES = [
    ("Kopi Rajegwesi", "10761", [("Kopi bubuk robusta 250 g", "35000")]),
    ("Keripik Pisang Bu Sri", "10794", [("Keripik pisang 200 g", "15000")]),
    ("Batik Gajah Oling", "13134", [("Kain batik tulis 2 m", "350000")]),
]


def seed(*, write: Any = print) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    last_year = timezone.localdate().year - 1
    for n, (code, (slug, name, units)) in enumerate(VILLAGES.items(), start=1):
        village = Region.objects.filter(code=code).first()
        operator = User.objects.filter(username=f"operator.{slug}").first()
        head = User.objects.filter(username=f"kades.{slug}").first()
        if village is None or operator is None or head is None:
            continue
        manager, created = User.objects.get_or_create(
            username=f"bumdes.{slug}", defaults={"full_name": f"Pengelola {name}"}
        )
        if created:
            manager.set_password(DEMO_PASSWORD)
            manager.save()
        RoleAssignment.objects.get_or_create(user=manager, role=Role.BUMDES_MANAGER, scope_id=code)
        rows.append((manager.username, DEMO_PASSWORD, str(Role.BUMDES_MANAGER.label), code))
        if VillageEnterprise.objects.filter(village_id=code, name=name).exists():
            continue
        people = list(
            Resident.objects.filter(village_id=code, status__in=LIVING_STATUSES)
            .exclude(user__isnull=False)
            .order_by("id")[: 1 + len(BUSINESSES)]
        )
        if len(people) < 1 + len(BUSINESSES):
            continue
        enterprise = services.enterprise_register(
            actor=operator,
            village=village,
            name=name,
            registration_number=f"AHU-{n:04d}.AH.01.33.2021",
            units=units,
            other_capital="5000000",
        )
        services.manager_add(
            actor=operator,
            enterprise=enterprise,
            resident_id=people[0].pk,
            position="Direktur",
            user=manager,
        )
        report = services.report_submit(
            actor=manager,
            enterprise=enterprise,
            data={
                "year": last_year,
                "revenue": str(60_000_000 * n),
                "costs": str(45_000_000 * n),
                "assets": str(120_000_000 * n),
                "pad_share": str(4_500_000 * n),
                "employees": 4 + n,
            },
        )
        services.report_check(actor=head, report=report, accept=True)
        placed = ""
        for year in (last_year + 1, last_year):
            try:
                placement = services.capital_place(actor=operator, enterprise=enterprise, year=year)
                placed += f", Rp {placement.amount:,.0f} placed from APBDes {year}"
            except DomainError:
                continue  # no approved APBDes with equity participation that year
        for owner, (business_name, kbli, products) in zip(people[1:], BUSINESSES, strict=True):
            business = services.business_register(
                actor=operator,
                village=village,
                name=business_name,
                kbli_code=kbli,
                owner_id=owner.pk,
            )
            services.business_decide(actor=head, business=business, approve=True)
            for product_name, price in products:
                product = services.product_add(
                    actor=operator,
                    business=business,
                    name=product_name,
                    price=price,
                    whatsapp=f"08123456{n:02d}{len(product_name) % 100:02d}",
                )
                services.product_decide(actor=head, product=product, approve=True)
        write(f"economy {village.name}: {name}{placed}, {len(BUSINESSES)} businesses")
    return rows
