"""Demo accounts for every role in three villages of two kecamatan, plus regency roles.

Deterministic and idempotent: running it again changes nothing. The password of every demo
account is DEMO_PASSWORD (listed in the README); never run this on a production database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from smartkampung.regions.models import Region

from .models import Role, RoleAssignment, User

DEMO_PASSWORD = "demo-kampung-2026"  # noqa: S105 - public demo credential, documented

DEMO_VILLAGES = {
    "sarongan": "35.10.01.2001",
    "pesanggaran": "35.10.01.2002",
    "sukorejo": "35.10.02.2001",
}
DEMO_DISTRICTS = {"pesanggaran": "35.10.01", "bangorejo": "35.10.02"}
VILLAGE_ROLE_PREFIX = {
    Role.VILLAGE_OPERATOR: "operator",
    Role.VILLAGE_SECRETARY: "sekdes",
    Role.VILLAGE_TREASURER: "bendahara",
    Role.VILLAGE_HEAD: "kades",
}


# Personal names (invented, common in Banyuwangi): a signer's block reads "Kepala Desa Sarongan"
# and then the person's name, so a name like "Village head Sarongan" would say the title twice.
# The usernames and the password stay as documented in the README.
DEMO_NAMES = {
    "operator.sarongan": "Rina Wulandari",
    "sekdes.sarongan": "Agus Prasetyo",
    "bendahara.sarongan": "Dewi Lestari",
    "kades.sarongan": "Hadi Sutrisno",
    "operator.pesanggaran": "Fajar Nugroho",
    "sekdes.pesanggaran": "Sri Handayani",
    "bendahara.pesanggaran": "Yuni Astuti",
    "kades.pesanggaran": "Bambang Suryadi",
    "operator.sukorejo": "Eko Saputro",
    "sekdes.sukorejo": "Nur Aini",
    "bendahara.sukorejo": "Wahyu Hidayat",
    "kades.sukorejo": "Slamet Riyadi",
    "camat.pesanggaran": "Joko Santoso",
    "camat.bangorejo": "Endang Susilowati",
    "dinas.pmd": "Ahmad Fauzi",
    "inspektorat": "Lilik Maryani",
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    scope: str


def demo_accounts() -> list[DemoAccount]:
    accounts: list[DemoAccount] = []
    for slug, code in DEMO_VILLAGES.items():
        for role, prefix in VILLAGE_ROLE_PREFIX.items():
            accounts.append(
                DemoAccount(f"{prefix}.{slug}", DEMO_NAMES[f"{prefix}.{slug}"], role, code)
            )
    for slug, code in DEMO_DISTRICTS.items():
        accounts.append(
            DemoAccount(f"camat.{slug}", DEMO_NAMES[f"camat.{slug}"], Role.DISTRICT_OFFICER, code)
        )
    accounts.append(
        DemoAccount("dinas.pmd", DEMO_NAMES["dinas.pmd"], Role.REGENCY_OFFICER, "35.10")
    )
    accounts.append(DemoAccount("inspektorat", DEMO_NAMES["inspektorat"], Role.INSPECTOR, "35.10"))
    return accounts


def _is_generic_name(name: str) -> bool:
    generic = ("Village ", "Camat ", "Petugas Dinas PMD", "Auditor Inspektorat")
    return not name or name.startswith(generic)


def seed(*, write: object = print) -> list[tuple[str, str, str, str]]:
    """Create the demo accounts; return (username, password, role, scope) for the console."""
    rows = []
    with transaction.atomic():
        for account in demo_accounts():
            scope = Region.objects.filter(code=account.scope).first()
            if scope is None:
                continue
            user, created = User.objects.get_or_create(
                username=account.username, defaults={"full_name": account.full_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            elif user.full_name != account.full_name and _is_generic_name(user.full_name):
                # Databases seeded before the demo accounts had personal names.
                user.full_name = account.full_name
                user.save(update_fields=["full_name"])
            RoleAssignment.objects.get_or_create(user=user, role=account.role, scope=scope)
            rows.append(
                (account.username, DEMO_PASSWORD, str(Role(account.role).label), account.scope)
            )
    return rows
