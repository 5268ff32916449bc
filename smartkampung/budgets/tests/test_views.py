"""Pages: who gets what, the live preview, forms, exports and uploads."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import PESANGGARAN, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role
from smartkampung.budgets import services
from smartkampung.budgets.models import (
    BudgetItem,
    BudgetRevenue,
    Ceiling,
    Disbursement,
    VillageBudget,
)

from .helpers import YEAR, approved_budget, cement, draft_budget, make_staff, road, set_ceilings
from .test_siskeudes import EXAMPLE_ZIP

pytestmark = pytest.mark.django_db


def test_budget_menu_and_index_only_for_officials(staff, login_client, make_user):
    page = login_client(staff.operator).get("/budgets/")
    assert page.status_code == 200
    assert 'href="/budgets/"' in page.content.decode()
    citizen = make_user(roles=[(Role.CITIZEN, SARONGAN)])
    assert login_client(citizen).get("/budgets/").status_code == 404
    assert login_client(citizen).get("/").content.decode().count('href="/budgets/"') == 0


def test_index_lists_budgets_without_n_plus_one(staff, login_client, django_assert_max_num_queries):
    for code in (SARONGAN, PESANGGARAN, SUKOREJO):
        make_staff(code)
    for code in (SARONGAN, PESANGGARAN, SUKOREJO):
        other = make_staff(code)
        set_ceilings(other)
        services.budget_submit(actor=other.head, budget=draft_budget(other))
    client = login_client(staff.pmd)
    with django_assert_max_num_queries(12):
        response = client.get(f"/budgets/?year={YEAR}")
    html = response.content.decode()
    assert html.count("/budgets/") and "Sukorejo" in html and "Pesanggaran" in html


def test_budget_page_shows_totals_checks_and_lines(
    staff, login_client, django_assert_max_num_queries
):
    set_ceilings(staff, DDS="90000000")
    budget = draft_budget(staff)
    client = login_client(staff.operator)
    with django_assert_max_num_queries(25):
        response = client.get(f"/budgets/{budget.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rp 165.000.000" in html  # revenue
    assert "Rp 78.750.000" in html  # expenditure
    assert 'data-code="revenue_over_ceiling"' in html
    assert "Semen" in html and "Upah tenaga kerja" in html


def test_budget_page_query_count_does_not_grow_with_items(
    staff, login_client, django_assert_max_num_queries
):
    budget = draft_budget(staff)
    for n in range(40):
        services.item_add(
            actor=staff.operator,
            activity=road(budget),
            description=f"Bahan {n}",
            volume="1",
            unit="m3",
            unit_price="1000",
            fund_source_code="DDS",
            account_code="5.3.5.03",
        )
    client = login_client(staff.operator)
    with django_assert_max_num_queries(25):
        assert client.get(f"/budgets/{budget.pk}/").status_code == 200


def test_drafts_of_other_villages_and_out_of_scope_budgets_are_404(staff, login_client):
    draft = draft_budget(staff)
    outsider = make_staff(SUKOREJO)
    for user in (outsider.operator, outsider.camat, staff.camat, staff.pmd):
        assert login_client(user).get(f"/budgets/{draft.pk}/").status_code == 404
    set_ceilings(staff)
    services.budget_submit(actor=staff.head, budget=draft)
    assert login_client(staff.camat).get(f"/budgets/{draft.pk}/").status_code == 200
    assert login_client(outsider.camat).get(f"/budgets/{draft.pk}/").status_code == 404


def test_live_preview_updates_totals_and_flags_without_saving(staff, login_client):
    set_ceilings(staff)
    services.ssh_import(
        actor=staff.pmd, year=YEAR, data=b"code,name,unit,price\nS-1,Semen,zak,72000\n"
    )
    from smartkampung.budgets.models import UnitPriceStandard

    ssh = UnitPriceStandard.objects.get(code="S-1")
    budget = draft_budget(staff)
    before = BudgetItem.objects.count()
    response = login_client(staff.operator).post(
        f"/budgets/{budget.pk}/preview/",
        {
            "kind": "item",
            "activity": road(budget).pk,
            "description": "Semen tambahan",
            "volume": "100",
            "unit": "zak",
            "unit_price": "80000",
            "fund_source": "DDS",
            "account": "5.3.5.03",
            "ssh": ssh.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rp 8.000.000" in html  # the line being typed
    assert "Rp 86.750.000" in html  # expenditure with it
    assert 'id="budget-totals" class="totals" aria-labelledby="totals-h" hx-swap-oob="true"' in html
    assert "SSH" in html and "Rp 72.000" in html
    assert BudgetItem.objects.count() == before


def test_preview_of_revenue_shows_the_ceiling_being_exceeded(staff, login_client):
    set_ceilings(staff)
    budget = draft_budget(staff)
    response = login_client(staff.operator).post(
        f"/budgets/{budget.pk}/preview/",
        {"kind": "revenue", "account": "4.2.1.01", "fund_source": "DDS", "amount": "5000000"},
    )
    assert 'data-code="revenue_over_ceiling"' in response.content.decode()
    assert BudgetRevenue.objects.filter(budget=budget).count() == 3


def test_preview_is_only_for_editors(staff, login_client):
    budget = draft_budget(staff)
    response = login_client(staff.head).post(f"/budgets/{budget.pk}/preview/", {"kind": "item"})
    assert response.status_code == 403


def test_add_and_edit_items_through_the_forms(staff, login_client):
    budget = draft_budget(staff)
    client = login_client(staff.operator)
    url = f"/budgets/{budget.pk}/activities/{road(budget).pk}/items/add/"
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'name="unit_price"' in partial
    response = client.post(
        url,
        {
            "description": "Besi beton",
            "volume": "10",
            "unit": "batang",
            "unit_price": "95000",
            "fund_source": "DDS",
            "account": "5.3.5.03",
        },
    )
    assert response.status_code == 302
    item = BudgetItem.objects.get(description="Besi beton")
    assert item.amount == Decimal("950000")
    bad = client.post(f"/budgets/{budget.pk}/items/{item.pk}/", {"volume": "-1"})
    assert bad.status_code == 422
    client.post(
        f"/budgets/{budget.pk}/items/{item.pk}/",
        {"description": "Besi", "volume": "12", "unit_price": "95000"},
    )
    item.refresh_from_db()
    assert item.amount == Decimal("1140000")
    client.post(f"/budgets/{budget.pk}/items/{item.pk}/delete/")
    assert not BudgetItem.objects.filter(pk=item.pk).exists()


def test_workflow_through_the_pages(staff, login_client):
    set_ceilings(staff)
    budget = draft_budget(staff)
    login_client(staff.head).post(f"/budgets/{budget.pk}/submit/")
    assert VillageBudget.objects.get(pk=budget.pk).status == "submitted"
    page = login_client(staff.camat).get(f"/budgets/{budget.pk}/").content.decode()
    assert 'id="review-form"' in page
    login_client(staff.camat).post(
        f"/budgets/{budget.pk}/evaluate/", {"decision": "return", "notes": "Lengkapi lokasi."}
    )
    assert VillageBudget.objects.get(pk=budget.pk).status == "returned"
    page = login_client(staff.operator).get(f"/budgets/{budget.pk}/").content.decode()
    assert "Lengkapi lokasi." in page
    login_client(staff.head).post(f"/budgets/{budget.pk}/submit/")
    login_client(staff.camat).post(f"/budgets/{budget.pk}/evaluate/", {"decision": "approve"})
    # the kecamatan cannot take the regency's decision
    login_client(staff.camat).post(f"/budgets/{budget.pk}/decide/", {"decision": "approve"})
    assert VillageBudget.objects.get(pk=budget.pk).status == "evaluated"
    staff.pmd.set_password("correct-horse-battery")
    staff.pmd.save()
    pmd = login_client(staff.pmd)
    # locking asks twice (step-up): first the summary and a password field, nothing changes
    asked = pmd.post(f"/budgets/{budget.pk}/decide/", {"decision": "approve"})
    assert asked.status_code == 200 and "data-stepup-form" in asked.content.decode()
    assert 'name="decision" value="approve"' in asked.content.decode()
    assert VillageBudget.objects.get(pk=budget.pk).status == "evaluated"
    pmd.post(
        f"/budgets/{budget.pk}/decide/",
        {"decision": "approve", "stepup_password": "correct-horse-battery"},
    )
    assert VillageBudget.objects.get(pk=budget.pk).status == "approved"


def test_failed_submission_explains_why(staff, login_client):
    budget = draft_budget(staff)  # no ceilings set
    client = login_client(staff.head)
    response = client.post(f"/budgets/{budget.pk}/submit/", follow=True)
    html = response.content.decode()
    assert "Belum ada pagu DDS" in html
    assert VillageBudget.objects.get(pk=budget.pk).status == "draft"


def test_export_neutralises_formulas(staff, login_client):
    set_ceilings(staff)
    budget = draft_budget(staff)
    services.revenue_add(
        actor=staff.operator,
        budget=budget,
        account_code="4.1.2.01",
        fund_source_code="PAD",
        amount="1",
        description='=HYPERLINK("http://evil.example","klik")',
    )
    services.activity_update(actor=staff.operator, activity=road(budget), location="@SUM(A1:A9)")
    response = login_client(staff.operator).get(f"/budgets/{budget.pk}/apbdes.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "ANGGARAN PENDAPATAN DAN BELANJA DESA" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "@", "+")) for v in values)
    assert 165_000_001 in [v for v in values if isinstance(v, (int, float, Decimal))]
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_lra_page_and_xlsx(staff, login_client):
    budget = approved_budget(staff)
    request = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="1000000", description="Semen"
    )
    services.disbursement_approve(actor=staff.head, disbursement=request)
    client = login_client(staff.camat)
    page = client.get(f"/budgets/lra/{SARONGAN}/{YEAR}/?period=year")
    assert page.status_code == 200 and "Rp 1.000.000" in page.content.decode()
    xlsx = client.get(f"/budgets/lra/{SARONGAN}/{YEAR}/?period=s1&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    headers = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "KODE REKENING")]
    assert headers[:5] == [
        "KODE REKENING",
        "URAIAN",
        "ANGGARAN (Rp)",
        "REALISASI (Rp)",
        "LEBIH/(KURANG) (Rp)",
    ]
    assert client.get(f"/budgets/lra/{SUKOREJO}/{YEAR}/").status_code == 404


def test_treasurer_marks_an_approved_spp_paid_from_the_execution_page(staff, login_client):
    budget = approved_budget(staff)
    request = services.disbursement_request(
        actor=staff.treasurer, item=cement(budget), amount="1000000", description="Semen"
    )
    url = f"/budgets/disbursements/{request.pk}/paid/"
    treasurer = login_client(staff.treasurer)
    page = treasurer.get(f"/budgets/{budget.pk}/execution/").content.decode()
    assert url not in page  # pending: nothing to pay yet
    assert treasurer.post(url).status_code == 302
    assert Disbursement.objects.get().paid_at is None
    services.disbursement_approve(actor=staff.head, disbursement=request)
    head = login_client(staff.head)
    assert url not in head.get(f"/budgets/{budget.pk}/execution/").content.decode()
    head.post(url)  # the head approves but does not pay
    assert Disbursement.objects.get().paid_at is None
    page = treasurer.get(f"/budgets/{budget.pk}/execution/").content.decode()
    assert url in page and "Belum dibayar" in page and "Tandai sudah dibayar" in page
    done = treasurer.post(url, follow=True).content.decode()
    assert "Dicatat sudah dibayar." in done and "Dibayar " in done and url not in done
    assert Disbursement.objects.get().paid_by == staff.treasurer
    other = login_client(make_staff(SUKOREJO).treasurer)
    other.post(url)
    assert Disbursement.objects.get().paid_by == staff.treasurer
    treasurer.cookies["sk_language"] = "en"
    english = treasurer.get(f"/budgets/{budget.pk}/execution/").content.decode()
    assert "Paid " in english


def test_execution_page_requests_and_approvals(staff, login_client):
    budget = approved_budget(staff)
    treasurer = login_client(staff.treasurer)
    page = treasurer.get(f"/budgets/{budget.pk}/execution/").content.decode()
    assert "Semen" in page
    treasurer.post(
        f"/budgets/{budget.pk}/execution/request/",
        {"item": cement(budget).pk, "kind": "LS", "amount": "2500000", "description": "Semen"},
    )
    request = Disbursement.objects.get()
    treasurer.post(f"/budgets/disbursements/{request.pk}/approve/")  # not the head
    assert Disbursement.objects.get().status == "pending"
    staff.head.set_password("correct-horse-battery")
    staff.head.save()
    head = login_client(staff.head)
    asked = head.post(f"/budgets/disbursements/{request.pk}/approve/")
    assert "Rp 2.500.000" in asked.content.decode()  # the step-up shows what is paid out
    assert Disbursement.objects.get().status == "pending"
    head.post(
        f"/budgets/disbursements/{request.pk}/approve/",
        {"stepup_password": "correct-horse-battery"},
    )
    assert Disbursement.objects.get().status == "approved"
    over = treasurer.post(
        f"/budgets/{budget.pk}/execution/request/",
        {"item": cement(budget).pk, "kind": "LS", "amount": "99000000", "description": "x"},
        follow=True,
    )
    assert Disbursement.objects.count() == 1
    assert "Rp 16.250.000" in over.content.decode()  # what remains


def test_consolidation_for_regency_and_kecamatan_only(staff, login_client):
    approved_budget(staff)
    page = login_client(staff.pmd).get(f"/budgets/consolidation/?year={YEAR}")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Rp 78.750.000" in html
    assert html.count("<figure") == 3  # kecamatan, bidang, fund source
    district = login_client(staff.camat).get(f"/budgets/consolidation/?year={YEAR}")
    assert district.status_code == 200
    assert login_client(staff.camat).get("/budgets/consolidation/?region=35.10").status_code == 404
    assert login_client(staff.operator).get("/budgets/consolidation/").status_code == 404
    xlsx = login_client(staff.pmd).get(f"/budgets/consolidation/?year={YEAR}&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_ceilings_page_sets_and_imports(staff, login_client):
    client = login_client(staff.pmd)
    assert client.get(f"/budgets/ceilings/?year={YEAR}").status_code == 200
    client.post(
        f"/budgets/ceilings/?year={YEAR}",
        {"village": SARONGAN, "fund_source": "DDS", "amount": "5000", "note": ""},
    )
    assert Ceiling.objects.get().amount == Decimal("5000")
    bad = SimpleUploadedFile("p.csv", b"village_code,year,fund_source,amount\nx,2026,DDS,1\n")
    response = client.post("/budgets/ceilings/import/", {"file": bad}, follow=True)
    assert "Baris 2" in response.content.decode()
    assert Ceiling.objects.count() == 1
    assert login_client(staff.camat).get("/budgets/ceilings/").status_code == 404


def test_ssh_and_reference_pages(staff, login_client):
    client = login_client(staff.pmd)
    upload = SimpleUploadedFile("ssh.csv", b"code,name,unit,price\nS-1,Semen,zak,72000\n")
    client.post("/budgets/ssh/import/", {"year": YEAR, "file": upload})
    assert "Semen" in client.get(f"/budgets/ssh/?year={YEAR}&q=sem").content.decode()
    client.post(
        "/budgets/reference/",
        {"kind": "activity", "activity-code": "01.02.90", "activity-name_id": "Kegiatan daerah"},
    )
    assert "01.02.90" in client.get("/budgets/reference/").content.decode()
    assert login_client(staff.operator).get("/budgets/reference/").status_code == 404


def test_siskeudes_upload_page(staff, login_client):
    client = login_client(staff.operator)
    assert client.get("/budgets/import/").status_code == 200
    good = SimpleUploadedFile("export.zip", EXAMPLE_ZIP.read_bytes())
    response = client.post("/budgets/import/", {"village": SARONGAN, "file": good})
    assert response.status_code == 302
    report = client.get(response["Location"]).content.decode()
    assert "Ta_SPPRinci" in report and "Rp 196.850.000" in report
    bad = SimpleUploadedFile("export.zip", b"PK\x03\x04 broken")
    refused = client.post("/budgets/import/", {"village": SARONGAN, "file": bad})
    assert refused.status_code == 422
    assert VillageBudget.objects.count() == 1
    wrong = SimpleUploadedFile("export.zip", EXAMPLE_ZIP.read_bytes())
    other = client.post("/budgets/import/", {"village": PESANGGARAN, "file": wrong})
    assert other.status_code == 422  # not one of this operator's villages
    assert login_client(staff.camat).get("/budgets/import/").status_code == 404


def test_village_page_has_a_budget_panel(staff, login_client):
    approved_budget(staff)
    html = login_client(staff.operator).get(f"/villages/{SARONGAN}/").content.decode()
    assert 'id="budget-panel-h"' in html and "APBDes 2026" in html


def test_execution_and_consolidation_queries_do_not_grow_with_rows(
    staff, login_client, django_assert_max_num_queries
):
    budget = approved_budget(staff)
    for n in range(12):
        request = services.disbursement_request(
            actor=staff.treasurer, item=cement(budget), amount="1000", description=f"#{n}"
        )
        if n % 2:
            services.disbursement_approve(actor=staff.head, disbursement=request)
    treasurer = login_client(staff.treasurer)
    with django_assert_max_num_queries(30):
        assert treasurer.get(f"/budgets/{budget.pk}/execution/").status_code == 200
    regency = login_client(staff.pmd)
    with django_assert_max_num_queries(20):
        assert regency.get(f"/budgets/consolidation/?year={YEAR}").status_code == 200
