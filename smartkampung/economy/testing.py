"""A small economy built through the services, for the dashboard's and the portal's tests.

Sarongan (kecamatan Pesanggaran): one BUMDes with Rp 50 M placed from the approved APBDes of
``YEAR`` and a report of that year paying Rp 6 M back; approved businesses: six in
manufacturing (KBLI section C) and two in trade (G, a small cell), one pending (I), which
never counts. Nothing in Bangorejo.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.budgets import services as budget_services
from smartkampung.budgets.tests.helpers import YEAR, approve, draft_budget, make_staff, set_ceilings
from smartkampung.population.testing import make_resident
from smartkampung.regions.models import Region

from . import services
from .models import LocalBusiness, VillageEnterprise

SARONGAN = "35.10.01.2001"
OWNER_NAME = "Sri Pemilik Usaha"
OWNER_PHONE = "6281234567890"


@dataclass
class EconomySample:
    village: Region
    enterprise: VillageEnterprise
    businesses: list[LocalBusiness]
    owner_nik: str
    year: int = YEAR


def build_economy_sample() -> EconomySample:
    staff = make_staff(SARONGAN)
    village = Region.objects.get(code=SARONGAN)
    set_ceilings(staff, YEAR)
    budget = draft_budget(staff, YEAR)
    budget_services.financing_add(
        actor=staff.operator,
        budget=budget,
        account_code="6.2.2.01",
        fund_source_code="DDS",
        amount="50000000",
        description="Penyertaan modal BUM Desa",
    )
    approve(staff, budget)
    enterprise = services.enterprise_register(
        actor=staff.operator,
        village=village,
        name="BUMDes Sarongan Makmur",
        registration_number="AHU-0012.AH.01.33.2021",
    )
    services.capital_place(actor=staff.operator, enterprise=enterprise, year=YEAR)
    manager, _created = User.objects.get_or_create(username="bumdes.sample")
    RoleAssignment.objects.get_or_create(user=manager, role=Role.BUMDES_MANAGER, scope_id=SARONGAN)
    person = make_resident(actor=staff.operator, village=village, full_name="Sri Wahyuni")
    services.manager_add(
        actor=staff.operator,
        enterprise=enterprise,
        resident_id=person.pk,
        position="Direktur",
        user=manager,
    )
    services.report_submit(
        actor=manager,
        enterprise=enterprise,
        data={
            "year": str(YEAR),
            "revenue": "120000000",
            "costs": "90000000",
            "assets": "75000000",
            "pad_share": "6000000",
            "employees": "7",
        },
    )
    owner = make_resident(actor=staff.operator, village=village, full_name=OWNER_NAME)
    businesses = []
    for i, (kbli, approved) in enumerate(
        [("10761", True)] * 6 + [("47111", True)] * 2 + [("56101", False)]
    ):
        business = services.business_register(
            actor=staff.operator,
            village=village,
            name=f"Usaha Contoh {i}",
            kbli_code=kbli,
            owner_id=owner.pk,
        )
        if approved:
            business = services.business_decide(actor=staff.head, business=business, approve=True)
        businesses.append(business)
    return EconomySample(
        village=village, enterprise=enterprise, businesses=businesses, owner_nik=owner.nik
    )
