"""Demo health data: a posyandu in each demo village with a cadre (``kader.<village>``), the
health office (``dinkes``), six months of weighings of the register's children under five
(drawn around WHO's medians, a few stunted) and the figures. Deterministic and idempotent
(skipped when the demo posyandu already has visits). Never run on a production database."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartkampung.accounts.demo import DEMO_PASSWORD
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.core.exceptions import DomainError
from smartkampung.population.models import LIVING_STATUSES, Resident
from smartkampung.regions.models import Region

from . import services
from .growth.who import tables
from .models import GrowthVisit, Posyandu
from .prevalence import prevalence_recompute

VILLAGES = {
    "35.10.01.2001": "sarongan",
    "35.10.01.2002": "pesanggaran",
    "35.10.02.2001": "sukorejo",
}
MONTHS = 6


def _user(username: str, role: str, scope: str, full_name: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, scope_id=scope)
    return user


def _median(table: str, sex: int, age_days: int, z: float) -> float:
    l, m, s = tables()[table].lms[sex - 1, min(age_days, 1856)]  # noqa: E741
    return float(m * (1 + l * s * z) ** (1 / l))


def seed(*, write: Any = print) -> list[tuple[str, str, str, str]]:
    rows = [("dinkes", DEMO_PASSWORD, str(Role.HEALTH_OFFICER.label), "35.10")]
    _user("dinkes", Role.HEALTH_OFFICER, "35.10", "Dinas Kesehatan")
    today = timezone.localdate()
    rng = random.Random(14)  # noqa: S311 - demo data, not a secret
    for code, slug in VILLAGES.items():
        village = Region.objects.filter(code=code).first()
        operator = User.objects.filter(username=f"operator.{slug}").first()
        if village is None or operator is None:
            continue
        posyandu = Posyandu.objects.filter(village_id=code, name="Posyandu Melati").first()
        if posyandu is None:
            posyandu = services.posyandu_create(
                actor=operator, village=village, name="Posyandu Melati"
            )
        cadre = _user(f"kader.{slug}", Role.POSYANDU_CADRE, code, f"Kader {village.name}")
        services.cadre_assign(actor=operator, posyandu=posyandu, user=cadre)
        rows.append((cadre.username, DEMO_PASSWORD, str(Role.POSYANDU_CADRE.label), code))
        if GrowthVisit.objects.filter(posyandu=posyandu).exists():
            continue
        children = Resident.objects.filter(
            village_id=code,
            status__in=LIVING_STATUSES,
            birth_date__gt=today - timedelta(days=1826 - 31 * MONTHS),
        ).order_by("id")
        count = 0
        for child in children:
            haz, waz = rng.gauss(-1.2, 1.0), rng.gauss(-0.8, 0.9)
            for back in range(MONTHS - 1, -1, -1):
                when = (today.replace(day=1) - timedelta(days=30 * back)).replace(day=10)
                if when > today or when < child.birth_date:
                    continue
                age = (when - child.birth_date).days
                height = _median("haz", child.sex, age, haz)
                weight = _median("waz", child.sex, age, waz + rng.gauss(0, 0.1))
                try:
                    services.growth_visit_record(
                        actor=cadre,
                        posyandu=posyandu,
                        child_id=child.pk,
                        visit_date=when,
                        weight_kg=Decimal(f"{weight:.2f}"),
                        height_cm=Decimal(f"{height:.1f}"),
                        position="lying" if age < 731 else "standing",
                    )
                    count += 1
                except DomainError:
                    continue  # e.g. outside the posyandu's reach: the demo skips it
        write(f"health {village.name}: {posyandu.name}, {count} visits")
    figures = prevalence_recompute()
    write(f"health: {figures} prevalence figures")
    return rows
