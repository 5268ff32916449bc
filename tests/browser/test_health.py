"""A posyandu cadre opens a child, records a weighing with a typing error, corrects it, and
sees the z-scores, the classes and the child's dot on the KMS chart; the health office sees the
child on the village's stunting list. axe-core finds nothing serious."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.health import services
from smartkampung.health.models import GrowthVisit
from smartkampung.population.codes import FamilyRole, MaritalStatus, Sex
from smartkampung.population.testing import make_resident

from .conftest import axe_serious_violations, log_in

PASSWORD = "browser-test-password"
SARONGAN = "35.10.01.2001"


def _account(username: str, role: str, scope: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    RoleAssignment.objects.create(user=user, role=role, scope_id=scope)
    return user


@pytest.fixture
def setting(regions_loaded: Any) -> dict[str, Any]:
    operator = _account("operator.sarongan", Role.VILLAGE_OPERATOR, SARONGAN)
    cadre = _account("kader.sarongan", Role.POSYANDU_CADRE, SARONGAN)
    officer = _account("dinkes", Role.HEALTH_OFFICER, "35.10")
    from smartkampung.regions.models import Region

    village = Region.objects.get(code=SARONGAN)
    posyandu = services.posyandu_create(actor=operator, village=village, name="Melati")
    services.cadre_assign(actor=operator, posyandu=posyandu, user=cadre)
    child = make_resident(
        actor=operator,
        village=village,
        full_name="Sari Kecil",
        sex=Sex.FEMALE,
        birth_date=timezone.localdate() - timedelta(days=731),
        family_role=FamilyRole.CHILD,
        marital_status=MaritalStatus.NOT_MARRIED,
    )
    return {"cadre": cadre, "officer": officer, "child": child, "posyandu": posyandu}


def test_cadre_records_a_weighing_and_office_sees_stunting(
    page: Any, live_server: Any, setting: dict[str, Any]
) -> None:
    base = live_server.url
    child = setting["child"]
    log_in(page, base, "kader.sarongan", PASSWORD)
    page.goto(f"{base}/health/")
    expect(page.get_by_role("link", name="Sari Kecil")).to_be_visible()
    page.get_by_role("link", name="Sari Kecil").click()
    expect(page.locator("h1")).to_have_text("Sari Kecil")
    assert not axe_serious_violations(page)

    page.fill("#id_weight_kg", "-9")
    page.fill("#id_height_cm", "77.5")
    page.select_option("#id_position", "standing")
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.locator("main form")).to_contain_text("Harus antara")
    assert not GrowthVisit.objects.exists()

    page.fill("#id_weight_kg", "9,0")
    page.get_by_role("button", name="Simpan kunjungan").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("-2,55")  # WHO anthro: girl, 731 days, 77.5 cm → HAZ −2.55
    expect(row).to_contain_text("Pendek")
    kms = page.locator("figure img")
    expect(kms).to_be_visible()
    assert kms.evaluate("img => img.naturalWidth") > 0
    svg = page.request.get(f"{base}/health/children/{child.pk}/kms.svg").text()
    assert svg.count("<circle") == 1

    page.context.clear_cookies()
    log_in(page, base, "dinkes", PASSWORD)
    page.goto(f"{base}/health/villages/{SARONGAN}/")
    expect(page.get_by_role("link", name="Sari Kecil")).to_be_visible()
    assert child.nik not in page.content()
    assert not axe_serious_violations(page)
