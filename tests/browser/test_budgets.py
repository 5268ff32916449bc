"""An operator drafts an APBDes and sees totals follow their typing; the village head submits
it, the camat approves it, the regency approves it. axe-core finds nothing serious on the way."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.budgets import services
from smartkampung.budgets.models import VillageBudget
from smartkampung.budgets.reference_data import load_reference_data

from .conftest import WeightMeter, axe_serious_violations, log_in

PASSWORD = "browser-test-password"
SARONGAN = "35.10.01.2001"


def _account(username: str, role: str, scope: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    RoleAssignment.objects.create(user=user, role=role, scope_id=scope)
    return user


@pytest.fixture
def people(regions_loaded: Any) -> dict[str, User]:
    load_reference_data()  # the transactional test database was emptied
    users = {
        "operator": _account("operator.sarongan", Role.VILLAGE_OPERATOR, SARONGAN),
        "head": _account("kades.sarongan", Role.VILLAGE_HEAD, SARONGAN),
        "camat": _account("camat.pesanggaran", Role.DISTRICT_OFFICER, "35.10.01"),
        "pmd": _account("dinas.pmd", Role.REGENCY_OFFICER, "35.10"),
    }
    services.ceiling_set(
        actor=users["pmd"],
        village_code=SARONGAN,
        year=2026,
        fund_source_code="DDS",
        amount="100000000",
    )
    return users


def _as(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, username, PASSWORD)
    return page


def test_draft_submit_evaluate_approve(browser: Any, live_server: Any, people: Any) -> None:
    base = live_server.url
    page = _as(browser, base, "operator.sarongan")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Start the draft.
    page.goto(f"{base}/budgets/")
    assert axe_serious_violations(page) == []
    page.select_option("#id_village", SARONGAN)
    page.fill("#id_year", "2026")
    with page.expect_navigation():
        page.click("text=Buat rancangan")
    budget = VillageBudget.objects.get(village_id=SARONGAN, year=2026)
    assert page.url.endswith(f"/budgets/{budget.pk}/")
    assert axe_serious_violations(page) == []

    # Revenue: the totals follow the typing before anything is saved.
    page.select_option("#id_account", "4.2.1.01")
    page.select_option("#id_fund_source", "DDS")
    page.fill("#id_amount", "120000000")
    expect(page.locator("#total-revenue")).to_have_text("Rp 120.000.000")
    expect(page.locator("#budget-checks")).to_contain_text("melebihi pagu kabupaten")
    page.fill("#id_amount", "100000000")
    expect(page.locator("#budget-checks")).not_to_contain_text("melebihi pagu kabupaten")
    assert not budget.revenues.exists()
    with page.expect_navigation():
        page.click("text=Tambahkan baris pendapatan")
    expect(page.locator("#total-revenue")).to_have_text("Rp 100.000.000")

    # An activity from the reference list, then an item typed in the inline form.
    page.select_option("#id_act-activity", "02.03.10")
    page.fill("#id_act-location", "Dusun Krajan")
    page.fill("#id_act-output", "Rabat beton 300 m")
    with page.expect_navigation():
        page.click("text=Tambahkan kegiatan")
    page.click("[id='add-item-02.03.10']")
    form = page.locator("form.item-form")
    form.locator("[name=description]").fill("Semen Portland 40 kg")
    form.locator("[name=unit]").fill("zak")
    form.locator("[name=fund_source]").select_option("DDS")
    form.locator("[name=account]").select_option("5.3.5.03")
    form.locator("[name=volume]").fill("250")
    form.locator("[name=unit_price]").fill("75000")
    expect(page.locator("#total-expenditure")).to_have_text("Rp 18.750.000")
    expect(page.locator("#total-balance")).to_have_text("Rp 81.250.000")
    expect(form.locator("output.preview")).to_contain_text("Rp 18.750.000")
    assert axe_serious_violations(page) == []
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#total-expenditure")).to_have_text("Rp 18.750.000")
    expect(page.locator("#budget-checks")).to_contain_text("Semua pemeriksaan terpenuhi")
    assert budget.items.count() == 1

    # The budget page stays light on a village connection.
    fresh = browser.new_context(storage_state=page.context.storage_state())
    fresh_page = fresh.new_page()
    meter = WeightMeter(fresh_page)
    fresh_page.goto(f"{base}/budgets/{budget.pk}/")
    fresh_page.wait_for_load_state("networkidle")
    assert meter.total < 150 * 1024, meter.sizes
    fresh.close()

    # The village head submits.
    head = _as(browser, base, "kades.sarongan")
    head.goto(f"{base}/budgets/{budget.pk}/")
    with head.expect_navigation():
        head.click("#submit-budget")
    expect(head.locator("#budget-status")).to_have_text("Diajukan, menunggu kecamatan")
    assert axe_serious_violations(head) == []

    # The camat evaluates and approves.
    camat = _as(browser, base, "camat.pesanggaran")
    camat.goto(f"{base}/budgets/{budget.pk}/")
    assert axe_serious_violations(camat) == []
    camat.check("#review-form input[value=approve]")
    with camat.expect_navigation():
        camat.click("#review-form button[type=submit]")
    expect(camat.locator("#budget-status")).to_have_text("Telah dievaluasi, menunggu kabupaten")

    # The regency approves; the budget is locked.
    pmd = _as(browser, base, "dinas.pmd")
    pmd.goto(f"{base}/budgets/{budget.pk}/")
    pmd.check("#review-form input[value=approve]")
    with pmd.expect_navigation():
        pmd.click("#review-form button[type=submit]")
    # Locking asks twice (step-up): the budget's summary, then the officer's password.
    expect(pmd.locator("[data-stepup-summary]")).to_contain_text("Sarongan")
    pmd.fill("#id_stepup_password", PASSWORD)
    with pmd.expect_navigation():
        pmd.click("[data-stepup-form] button[type=submit]")
    expect(pmd.locator("#budget-status")).to_have_text("Disetujui dan dikunci")
    assert axe_serious_violations(pmd) == []
    pmd.goto(f"{base}/budgets/consolidation/?year=2026")
    expect(pmd.locator("#consolidated-budget")).to_have_text("Rp 18.750.000")
    assert axe_serious_violations(pmd) == []

    # Locked: the operator no longer sees the editing forms.
    page.goto(f"{base}/budgets/{budget.pk}/")
    assert page.locator("form.item-form, #revenue-form").count() == 0
    assert errors == []
