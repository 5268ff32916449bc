"""The budgets' inbox sections on the demo data: each role's waiting work, one query each."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from conftest import KEC_PESANGGARAN, SARONGAN
from smartkampung.accounts.models import User
from smartkampung.budgets.inbox import inbox_sections
from smartkampung.budgets.models import BudgetStatus, Disbursement, VillageBudget
from smartkampung.budgets.services.workflow import budget_evaluate
from smartkampung.core.inbox import InboxSection

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_seed", stdout=io.StringIO())


def _sections(username: str) -> dict[str, InboxSection]:
    return {s.key: s for s in inbox_sections(User.objects.get(username=username))}


def test_village_head_treasurer_and_kecamatan_see_their_work(
    demo: None, client: Any, django_assert_num_queries: Any
) -> None:
    pending = Disbursement.objects.filter(village_id=SARONGAN, status="pending")
    head = _sections("kades.sarongan")
    assert head["budgets.spp_to_approve"].count == pending.count() >= 1
    assert (
        head["budgets.to_submit"].count
        == VillageBudget.objects.filter(
            village_id=SARONGAN, status__in=[BudgetStatus.DRAFT, BudgetStatus.RETURNED]
        ).count()
    )
    # One click opens the execution page at that SPP, with its approve button.
    client.force_login(User.objects.get(username="kades.sarongan"))
    url = head["budgets.spp_to_approve"].items[0].url
    page = client.get(url.split("#")[0])
    assert page.status_code == 200
    assert f'id="{url.split("#")[1]}"'.encode() in page.content
    assert b"/approve/" in page.content

    treasurer = _sections("bendahara.sarongan")
    assert treasurer["budgets.spp_waiting"].count == pending.count()
    assert "budgets.spp_to_approve" not in treasurer
    assert _sections("bendahara.sukorejo")["budgets.spp_waiting"].count == (
        Disbursement.objects.filter(village_id="35.10.02.2001", status="pending").count()
    )

    submitted = VillageBudget.objects.filter(
        village__pk__startswith=KEC_PESANGGARAN + ".", status=BudgetStatus.SUBMITTED
    )
    camat = _sections("camat.pesanggaran")
    assert camat["budgets.to_evaluate"].count == submitted.count() >= 1
    assert _sections("camat.bangorejo")["budgets.to_evaluate"].count == 0

    user = User.objects.get(username="kades.sarongan")
    with django_assert_num_queries(3):  # grants, SPP to approve, budgets to submit
        inbox_sections(user)


def test_treasurer_sees_approved_spp_to_pay_until_paid(
    demo: None, client: Any, django_assert_num_queries: Any
) -> None:
    from smartkampung.budgets.services import disbursement_mark_paid

    to_pay = Disbursement.objects.filter(
        village_id=SARONGAN, status="approved", paid_at__isnull=True
    )
    treasurer = User.objects.get(username="bendahara.sarongan")
    section = _sections("bendahara.sarongan")["budgets.spp_to_pay"]
    assert section.count == to_pay.count() >= 1
    oldest = to_pay.order_by("approved_on", "pk").first()
    assert oldest is not None and oldest.number in section.items[0].label
    assert "budgets.spp_to_pay" not in _sections("kades.sarongan")
    # One click opens the execution page at that SPP, with its "paid" button.
    client.force_login(treasurer)
    url = section.items[0].url
    page = client.get(url.split("#")[0])
    assert f'id="{url.split("#")[1]}"'.encode() in page.content
    assert f"/budgets/disbursements/{oldest.pk}/paid/".encode() in page.content
    disbursement_mark_paid(actor=treasurer, disbursement=oldest)
    after = _sections("bendahara.sarongan")["budgets.spp_to_pay"]
    assert after.count == section.count - 1
    assert all(oldest.number not in item.label for item in after.items)
    fresh = User.objects.get(username="bendahara.sarongan")
    with django_assert_num_queries(4):  # grants, SPP to pay, waiting, rejected
        inbox_sections(fresh)


def test_evaluated_budget_moves_from_the_kecamatan_to_the_regency(demo: None) -> None:
    budget = VillageBudget.objects.filter(
        village__pk__startswith=KEC_PESANGGARAN + ".", status=BudgetStatus.SUBMITTED
    ).first()
    assert budget is not None
    before_regency = _sections("dinas.pmd")["budgets.to_approve"].count
    before_district = _sections("camat.pesanggaran")["budgets.to_evaluate"].count
    budget_evaluate(
        actor=User.objects.get(username="camat.pesanggaran"), budget=budget, approve=True
    )
    assert _sections("camat.pesanggaran")["budgets.to_evaluate"].count == before_district - 1
    regency = _sections("dinas.pmd")["budgets.to_approve"]
    assert regency.count == before_regency + 1
    assert any(str(budget.pk) in item.url for item in regency.items)


def test_citizens_and_inspectors_have_no_budget_section(demo: None) -> None:
    assert _sections("inspektorat") == {}
    citizen = User.objects.get(resident__nik="3510010804920722")
    assert inbox_sections(citizen) == []
