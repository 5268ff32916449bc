"""Demo data: SSH and ceilings for every desa in 2026, and a realistic APBDes 2026 for the three
demo villages at different stages — Sarongan approved and being executed (requests, approvals,
receipts), Pesanggaran submitted to its kecamatan, Sukorejo still a draft with open problems.

Deterministic and idempotent (``make run`` calls it on every start). Every figure is invented;
the SSH list is illustrative, not the regent's regulation. Built through the services, acting
as the demo accounts, so the audit trail reads like real use.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from smartkampung.accounts.models import User
from smartkampung.regions.models import Kind, Level, Region

from .. import services
from ..models import Ceiling, Disbursement, UnitPriceStandard, VillageBudget
from ..reference_data import DATA_DIR, load_reference_data
from .data import ACTIVITIES, DISBURSEMENTS, FINANCING, RECEIPTS, REVENUE

DEMO_YEAR = 2026
SSH_FILE = "ssh_contoh_2026.csv"

SCALE = {
    "35.10.01.2001": Decimal("1"),
    "35.10.01.2002": Decimal("1.08"),
    "35.10.02.2001": Decimal("0.93"),
}
STAFF = {
    "35.10.01.2001": "sarongan",
    "35.10.01.2002": "pesanggaran",
    "35.10.02.2001": "sukorejo",
}
DISTRICT_OFFICER = {"35.10.01": "camat.pesanggaran", "35.10.02": "camat.bangorejo"}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _scaled(amount: int, factor: Decimal) -> Decimal:
    return (Decimal(amount) * factor / 1000).quantize(Decimal("1")) * 1000


def _hash(code: str, salt: str, modulo: int) -> int:
    return int(hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()[:8], 16) % modulo


def _ceiling_csv() -> bytes:
    """Every desa: DDS 0.75–1.15 bn, ADD 0.45–0.70 bn, PBH 40–80 m, PBK for about half."""
    lines = ["village_code,year,fund_source,amount,note"]
    desa = Region.objects.filter(level=Level.VILLAGE, kind=Kind.DESA).order_by("code")
    for village in desa.only("code"):
        code = village.code
        factor = SCALE.get(code)
        if factor is not None:
            amounts = {
                source: _scaled(amount, factor)
                for _account, source, _d, amount in REVENUE
                if source in ("DDS", "ADD", "PBH", "PBK")
            }
        else:
            amounts = {
                "DDS": Decimal(750_000 + _hash(code, "dds", 400_000)) * 1000,
                "ADD": Decimal(450_000 + _hash(code, "add", 250_000)) * 1000,
                "PBH": Decimal(40_000 + _hash(code, "pbh", 40_000)) * 1000,
            }
            if _hash(code, "pbk", 2):
                amounts["PBK"] = Decimal(100_000 + _hash(code, "pbk-amount", 100_000)) * 1000
        for source, amount in amounts.items():
            lines.append(f"{code},{DEMO_YEAR},{source},{amount},Pagu contoh")
    return ("\n".join(lines) + "\n").encode()


def _build(code: str, operator: User) -> VillageBudget:
    factor = SCALE[code]
    budget = services.budget_create(actor=operator, village_code=code, year=DEMO_YEAR)
    for account, source, description, amount in REVENUE:
        services.revenue_add(
            actor=operator,
            budget=budget,
            account_code=account,
            fund_source_code=source,
            description=description,
            amount=_scaled(amount, factor),
        )
    for account, source, description, amount in FINANCING:
        services.financing_add(
            actor=operator,
            budget=budget,
            account_code=account,
            fund_source_code=source,
            description=description,
            amount=_scaled(amount, factor),
        )
    ssh = dict(
        UnitPriceStandard.objects.filter(year=DEMO_YEAR, regency_id="35.10").values_list(
            "code", "pk"
        )
    )
    for activity_code, (location, output, volume, unit, duration, items) in ACTIVITIES.items():
        activity = services.activity_add(
            actor=operator,
            budget=budget,
            activity_code=activity_code,
            location=location,
            output=output,
            output_volume=volume,
            output_unit=unit,
            duration=duration,
        )
        for description, qty, item_unit, price, source, account, ssh_code in items:
            services.item_add(
                actor=operator,
                activity=activity,
                description=description,
                volume=max(1, round(qty * factor)),
                unit=item_unit,
                unit_price=price,
                fund_source_code=source,
                account_code=account,
                ssh_id=ssh.get(ssh_code) if ssh_code else None,
            )
    return budget


def _execute(budget: VillageBudget, treasurer: User, head: User) -> None:
    """Requests across the year (dates are set as if made then), most approved."""
    items = {
        (i.activity.activity_id, i.description): i
        for i in budget.items.select_related("budget", "activity")
    }
    for description, amount, month, what, decision in DISBURSEMENTS:
        item = next((i for (_code, d), i in items.items() if d == description), None)
        if description in ("Semen Portland 40 kg", "Upah pekerja", "Pasir beton"):
            item = items.get(("02.03.10", description))
        if item is None:
            continue
        request = services.disbursement_request(
            actor=treasurer,
            item=item,
            amount=amount,
            description=what,
            requested_on=date(DEMO_YEAR, month, 5),
        )
        if decision == "ok":
            services.disbursement_approve(actor=head, disbursement=request)
            # Demo only: date the approval in the month it would have happened, for the LRA.
            Disbursement.objects.filter(pk=request.pk).update(
                approved_on=date(DEMO_YEAR, month, 12)
            )
        elif decision == "reject":
            services.disbursement_reject(
                actor=head, disbursement=request, notes="Cukup dibeli per semester"
            )
    for account, source, amount, month, what in RECEIPTS:
        services.receipt_record(
            actor=treasurer,
            village_code=budget.village_id,
            year=DEMO_YEAR,
            account_code=account,
            fund_source_code=source,
            amount=amount,
            description=what,
            received_on=date(DEMO_YEAR, month, 15),
        )


def seed(*, write: Any = print) -> list[tuple[str, str, str, str]]:
    load_reference_data()
    officer = _user("dinas.pmd")
    if officer is None:
        write("budgets demo: the demo accounts are missing; skipped")
        return []
    if not UnitPriceStandard.objects.filter(year=DEMO_YEAR).exists():
        services.ssh_import(actor=officer, year=DEMO_YEAR, data=(DATA_DIR / SSH_FILE).read_bytes())
    if not Ceiling.objects.filter(year=DEMO_YEAR).exists():
        report = services.ceilings_import(actor=officer, data=_ceiling_csv())
        write(f"budgets demo: {report.created} ceilings for {DEMO_YEAR}")
    for code, slug in STAFF.items():
        if VillageBudget.objects.filter(village_id=code, year=DEMO_YEAR).exists():
            continue
        operator, head = _user(f"operator.{slug}"), _user(f"kades.{slug}")
        treasurer = _user(f"bendahara.{slug}")
        camat = _user(DISTRICT_OFFICER[code.rsplit(".", 1)[0]])
        if None in (operator, head, treasurer, camat):
            continue
        assert operator and head and treasurer and camat
        with transaction.atomic():
            budget = _build(code, operator)
            if slug == "sarongan":
                budget = services.budget_submit(actor=head, budget=budget)
                budget = services.budget_evaluate(actor=camat, budget=budget, approve=True)
                budget = services.budget_decide(
                    actor=officer, budget=budget, approve=True, notes="Sesuai pagu dan RKP Desa."
                )
                _execute(budget, treasurer, head)
            elif slug == "pesanggaran":
                budget = services.budget_submit(actor=head, budget=budget)
            else:
                # A draft with work left: one unit price above the SSH and an unfinished item.
                road = budget.activities.get(activity_id="02.03.10")
                cement = budget.items.get(activity=road, description="Semen Portland 40 kg")
                services.item_update(actor=operator, item=cement, unit_price=78_000)
                services.item_add(
                    actor=operator,
                    activity=road,
                    description="Besi beton polos 10 mm",
                    unit="batang",
                )
        write(f"budgets demo: APBDes {DEMO_YEAR} for {slug} ({budget.get_status_display()})")
    return []
