"""Given a project linked to a budget activity, money is released only against photographed
progress; a release that ran ahead anyway is a red flag; the SSH caps unit costs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from conftest import SARONGAN, SUKOREJO
from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.budgets import services as budget_services
from smartkampung.budgets.exceptions import DisbursementRefused
from smartkampung.budgets.models import BudgetItem, Disbursement, UnitPriceStandard
from smartkampung.budgets.selectors.linking import unit_price_ceiling
from smartkampung.budgets.tests.helpers import Staff, approved_budget, cement, make_staff, road
from smartkampung.core.exceptions import ValidationFailed
from smartkampung.projects import services
from smartkampung.projects.funding import allowed_release, weighted_evidence
from smartkampung.projects.models import FlagStatus, Project, RedFlag, RuleCode
from smartkampung.projects.redflags import detect_all
from smartkampung.projects.tests.factories import jpeg, project_data, scene
from smartkampung.regions.models import Region

pytestmark = pytest.mark.django_db
START = date(2026, 3, 2)
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def staff(regions_loaded) -> Staff:
    return make_staff(SARONGAN)


@pytest.fixture
def budget(staff):
    return approved_budget(staff)


def _project(staff: Staff, lineage: object, **extra: object) -> Project:
    village = Region.objects.get(code=staff.village)
    data = project_data(village, start=START, budget=36_750_000, **extra)
    data.budget_activity = str(lineage) if lineage else None
    return services.project_create(actor=staff.operator, village_code=staff.village, data=data)


def _photograph(staff: Staff, project: Project, stage: int, seed: int) -> None:
    day = date(2026, 3, 2 + stage // 10)
    report = services.report_create(
        actor=staff.operator, project=project, stage=stage, reported_on=day
    )
    services.photo_add(
        actor=staff.operator,
        report=report,
        data=jpeg(
            scene(seed),
            lat=project.lat,
            lng=project.lng,
            taken_at=datetime(2026, 3, 2 + stage // 10, 10, 0, tzinfo=WIB),
        ),
        filename=f"site-{stage}.jpg",
        device_lat=project.lat,
        device_lng=project.lng,
        device_accuracy_m=5,
    )


def _pay(staff: Staff, item: BudgetItem, amount: str) -> Disbursement:
    request = budget_services.disbursement_request(
        actor=staff.treasurer, item=item, amount=amount, description="Pembelian bahan"
    )
    return budget_services.disbursement_approve(actor=staff.head, disbursement=request)


def _refused_payment(staff: Staff, item: BudgetItem, amount: str) -> DisbursementRefused:
    request = budget_services.disbursement_request(
        actor=staff.treasurer, item=item, amount=amount, description="Pembelian bahan"
    )
    error = assert_refused_unchanged(
        lambda: budget_services.disbursement_approve(actor=staff.head, disbursement=request),
        snapshot=lambda: snapshot_rows(BudgetItem, Disbursement),
        errors=(DisbursementRefused,),
    )
    assert isinstance(error, DisbursementRefused)
    return error


# --- the arithmetic ---------------------------------------------------------------------------


def test_allowed_release_is_evidence_plus_advance_and_nothing_without_evidence():
    total = Decimal("1000")
    assert allowed_release(total, None) == 0
    assert allowed_release(total, Decimal(0)) == Decimal("300.00")
    assert allowed_release(total, Decimal(50)) == Decimal("800.00")
    assert allowed_release(total, Decimal(100)) == total


def test_evidence_of_several_projects_is_weighted_by_their_budgets():
    assert weighted_evidence([(Decimal(300), 100), (Decimal(100), None)]) == Decimal(75)
    assert weighted_evidence([(Decimal(300), None)]) is None


# --- linking ----------------------------------------------------------------------------------


def test_project_links_to_an_activity_and_takes_its_code(staff, budget):
    project = _project(staff, road(budget).lineage, activity_code="")
    assert project.budget_activity_lineage == road(budget).lineage
    assert project.activity_code == "02.03.10"


@pytest.mark.parametrize(
    "lineage,code",
    [
        ("not-a-uuid", ""),
        (uuid.uuid4(), ""),  # no such activity
        ("ROAD", "02.03.14"),  # code contradicts the linked activity
    ],
)
def test_bad_links_are_refused_and_nothing_changes(staff, budget, lineage, code):
    if lineage == "ROAD":
        lineage = road(budget).lineage
    village = Region.objects.get(code=staff.village)
    data = project_data(village, start=START, activity_code=code)
    data.budget_activity = str(lineage)
    error = assert_refused_unchanged(
        lambda: services.project_create(
            actor=staff.operator, village_code=staff.village, data=data
        ),
        snapshot=lambda: snapshot_rows(Project),
        errors=(ValidationFailed,),
    )
    assert "budget_activity" in error.details  # type: ignore[attr-defined]


def test_cannot_link_to_another_villages_activity(staff, budget):
    other = make_staff(SUKOREJO)
    village = Region.objects.get(code=other.village)
    data = project_data(village, start=START)
    data.budget_activity = str(road(budget).lineage)  # Sarongan's road
    assert_refused_unchanged(
        lambda: services.project_create(actor=other.operator, village_code=SUKOREJO, data=data),
        snapshot=lambda: snapshot_rows(Project),
        errors=(ValidationFailed,),
    )


# --- no money ahead of evidence ---------------------------------------------------------------


def test_no_release_before_any_photographed_report(staff, budget):
    _project(staff, road(budget).lineage)
    error = _refused_payment(staff, cement(budget), "5000000")
    assert "0 % stage" in error.message


def test_releases_follow_the_photographed_stages(staff, budget):
    project = _project(staff, road(budget).lineage)
    _photograph(staff, project, 0, seed=1)
    # Road activity: 36,750,000; 0 % shown + 30 % advance allows 11,025,000.
    _pay(staff, cement(budget), "10000000")
    error = _refused_payment(staff, cement(budget), "2000000")
    assert "allows Rp 11.025.000" in error.message
    _photograph(staff, project, 50, seed=2)  # 80 % allowed: 29,400,000
    _pay(staff, cement(budget), "2000000")


def test_items_of_activities_without_projects_are_not_held_back(staff, budget):
    _project(staff, road(budget).lineage)
    income = budget.items.get(description="Penghasilan tetap Kepala Desa")
    _pay(staff, income, "3500000")


# --- DISBURSED_AHEAD_OF_PROGRESS --------------------------------------------------------------


def test_release_ahead_of_progress_is_flagged_and_clears_with_evidence(staff, budget):
    _pay(staff, cement(budget), "15000000")  # paid while no project was linked yet
    project = _project(staff, road(budget).lineage)
    flag = RedFlag.objects.get(rule=RuleCode.DISBURSED_AHEAD_OF_PROGRESS, project=project)
    assert flag.status == FlagStatus.OPEN
    assert flag.evidence["realised"] == "15000000.00"
    assert flag.evidence["allowed"] == "0.00"
    assert flag.evidence["evidenced_progress"] is None
    _photograph(staff, project, 0, seed=3)  # 11,025,000 allowed: still ahead
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert flag.evidence["allowed"] == "11025000.00"
    _photograph(staff, project, 50, seed=4)  # 29,400,000 allowed
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED


def test_detect_all_finds_it_once(staff, budget):
    _pay(staff, cement(budget), "15000000")
    project = _project(staff, road(budget).lineage)
    RedFlag.objects.all().delete()
    detect_all()
    detect_all()
    assert (
        RedFlag.objects.filter(rule=RuleCode.DISBURSED_AHEAD_OF_PROGRESS, project=project).count()
        == 1
    )


def test_unlinked_projects_are_never_flagged_for_money(staff, budget):
    _pay(staff, cement(budget), "15000000")
    _project(staff, None)
    detect_all()
    assert not RedFlag.objects.filter(rule=RuleCode.DISBURSED_AHEAD_OF_PROGRESS).exists()


# --- SSH ceiling ------------------------------------------------------------------------------


def _ssh(category: str, unit: str, price: int) -> None:
    UnitPriceStandard.objects.create(
        regency_id="35.10",
        year=2026,
        code=f"HSPK-{category}-{unit}",
        name="Rabat beton jalan",
        unit=unit,
        price=price,
        category=category,
    )


def test_ssh_ceiling_lookup_matches_work_type_and_unit(staff):
    _ssh("road", "m", 400_000)
    _ssh("hspk:road", "m", 450_000)
    _ssh("drain", "m", 999_000)
    _ssh("road", "m²", 120_000)
    kwargs = {"village_code": SARONGAN, "activity_code": "02.03.10", "year": 2026}
    assert unit_price_ceiling(work_type="road", unit="m", **kwargs) == 450_000
    assert unit_price_ceiling(work_type="road", unit="m2", **kwargs) == 120_000
    assert unit_price_ceiling(work_type="bridge", unit="m", **kwargs) is None
    assert unit_price_ceiling(work_type="road", unit="m", **{**kwargs, "year": 2025}) is None


def test_ssh_ceiling_lookup_for_a_run_reads_each_regency_year_once(
    staff, django_assert_num_queries
):
    _ssh("road", "m", 400_000)
    _ssh("hspk:road", "m", 450_000)
    UnitPriceStandard.objects.create(
        regency_id="35.10",
        year=2026,
        code="OLD",
        name="x",
        unit="m",
        price=900_000,
        category="road",
        active=False,
    )
    lookup = unit_price_ceiling.for_run()
    kwargs = {"village_code": SARONGAN, "activity_code": "02.03.10", "year": 2026}
    with django_assert_num_queries(2):  # 2026 once, 2025 once
        for _ in range(3):
            assert lookup(work_type="Road", unit="M", **kwargs) == 450_000
            assert lookup(work_type="drain", unit="m", **kwargs) is None
        assert lookup(work_type="road", unit="m", **{**kwargs, "year": 2025}) is None
    # A single call reads afresh: a standard added meanwhile counts.
    _ssh("drain", "m", 999_000)
    assert unit_price_ceiling(work_type="drain", unit="m", **kwargs) == 999_000


def test_unit_cost_above_ssh_is_a_high_flag(staff):
    _ssh("road", "m", 400_000)
    project = _project(staff, None, volume="50")  # 36,750,000 / 50 m = 735,000 per m
    flag = RedFlag.objects.get(rule=RuleCode.UNIT_COST_OUTLIER, project=project)
    assert flag.severity == "high"
    assert flag.evidence["ssh_ceiling"] == 400_000
