"""An operator searches, opens a record (logged), imports a file and watches it finish; a
citizen logs in with their NIK and sees only their own record and who opened it."""

from __future__ import annotations

from typing import Any

import pytest

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.population import services
from smartkampung.population.importer import records_to_csv
from smartkampung.population.models import Resident, ResidentViewLog
from smartkampung.population.testing import make_resident

from .conftest import WeightMeter, axe_serious_violations, log_in

PASSWORD = "browser-test-password"
CITIZEN_PASSWORD = "kopi-osing-2026"
SARONGAN = "35.10.01.2001"


@pytest.fixture
def register(regions_loaded: Any) -> dict[str, Any]:
    operator = User.objects.create_user(
        username="operator.sarongan", password=PASSWORD, full_name="Operator Sarongan"
    )
    RoleAssignment.objects.create(user=operator, role=Role.VILLAGE_OPERATOR, scope_id=SARONGAN)
    citizen = make_resident(
        actor=operator, village=SARONGAN, full_name="Siti Nurhasanah", sex=2, nik="3510014503880007"
    )
    neighbour = make_resident(actor=operator, village=SARONGAN, full_name="Bambang Santoso")
    code = services.activation_code_issue(actor=operator, resident=citizen)
    services.citizen_activate(nik=citizen.nik, code=code, password=CITIZEN_PASSWORD, address=None)
    return {"operator": operator, "citizen": citizen, "neighbour": neighbour}


def _import_file(tmp_path: Any) -> Any:
    import random
    from datetime import date

    from smartkampung.population.synthetic import NumberBook, households

    records: list[dict[str, Any]] = []
    for family in households(
        random.Random(7),
        village_code=SARONGAN,
        people=15,
        numbers=NumberBook("browser"),
        today=date(2026, 1, 1),
    ):
        records.extend(family)
    path = tmp_path / "warga.csv"
    path.write_bytes(records_to_csv(records))
    return path, len(records)


def test_operator_search_view_import(
    page: Any, live_server: Any, register: dict[str, Any], tmp_path: Any
) -> None:
    base = live_server.url
    log_in(page, base, "operator.sarongan", PASSWORD)

    # Search by part of a name, in another case, with a purpose.
    meter = WeightMeter(page)
    page.goto(f"{base}/population/residents/")
    assert sum(meter.sizes.values()) < 150 * 1024
    assert axe_serious_violations(page) == []
    page.fill("#id_reason", "Surat keterangan domisili")
    page.fill("#id_q", "NURHAS")
    page.wait_for_selector("#results a:has-text('Bambang')", state="detached")  # htmx swapped
    page.wait_for_selector("#results a:has-text('Siti Nurhasanah')")
    assert page.locator("#results").inner_text().count("3510••••••••0007") == 1
    assert "Bambang" not in page.locator("#results").inner_text()

    # Open the record: the full NIK, and the view is logged with the purpose.
    with page.expect_navigation():
        page.click("#results a:has-text('Siti Nurhasanah')")
    assert "3510014503880007" in page.locator("main").inner_text()
    assert axe_serious_violations(page) == []
    log = ResidentViewLog.objects.get(resident=register["citizen"])
    assert log.reason == "Surat keterangan domisili"

    # Import a small file and watch the progress finish.
    path, rows = _import_file(tmp_path)
    page.goto(f"{base}/population/import/?village={SARONGAN}")
    assert axe_serious_violations(page) == []
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_selector("#import-progress[data-state=done]", timeout=30_000)
    assert f"{rows}" in page.locator("#import-progress").inner_text()
    assert axe_serious_violations(page) == []
    assert Resident.objects.count() == rows + 2

    # Statistics of the village.
    page.goto(f"{base}/population/statistics/{SARONGAN}/")
    assert page.locator("svg.chart-svg").count() >= 4
    assert axe_serious_violations(page) == []


def test_citizen_logs_in_with_nik(page: Any, live_server: Any, register: dict[str, Any]) -> None:
    base = live_server.url
    services.resident_full_view(
        actor=register["operator"], resident_id=register["citizen"].pk, reason="Pelayanan SKTM"
    )
    log_in(page, base, "3510014503880007", CITIZEN_PASSWORD)
    page.goto(f"{base}/population/me/")
    main = page.locator("main").inner_text()
    assert "Siti Nurhasanah" in main and "3510014503880007" in main
    assert "Bambang" not in main
    assert "Pelayanan SKTM" in main and "Operator Sarongan" in main
    assert axe_serious_violations(page) == []
    response = page.goto(f"{base}/population/residents/{register['neighbour'].pk}/")
    assert response.status == 404
    response = page.goto(f"{base}/population/residents/")
    assert response.status == 404
