"""Precomputing the dashboard: what is stored, the activity definition, freshness."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import REGENCY, SARONGAN, SUKOREJO
from smartkampung.accounts.models import Role, User
from smartkampung.dashboards.models import DashboardFigures, RolloutSnapshot, Section
from smartkampung.dashboards.services import dashboard_ensure_fresh, dashboard_refresh

YEAR = timezone.localdate().year


def _figures(section: str, year: int = YEAR) -> dict[str, Any]:
    row = DashboardFigures.objects.get(regency_id=REGENCY, section=section, year=year)
    return json.loads(row.data_json)


def _logged_in(make_user: Any, role: str, code: str, days_ago: float) -> User:
    user = make_user(roles=[(role, code)])
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=days_ago))
    return user


def test_refresh_stores_every_section_and_todays_snapshot(db: Any) -> None:
    sections = dashboard_refresh(regency_code=REGENCY, year=YEAR)
    assert set(sections) == {
        Section.ROLLOUT,
        Section.SERVICES,
        Section.BUDGET,
        Section.MONITORING,
        Section.WELFARE,
        Section.ECONOMY,
    }
    assert DashboardFigures.objects.filter(regency_id=REGENCY, year=YEAR).count() == 6
    today = timezone.localdate()
    assert RolloutSnapshot.objects.filter(day=today).count() == 217
    # Again the same day: replaced, not added.
    dashboard_refresh(regency_code=REGENCY, year=YEAR)
    assert RolloutSnapshot.objects.filter(day=today).count() == 217
    assert DashboardFigures.objects.filter(regency_id=REGENCY).count() == 6


def test_a_village_is_active_when_its_operator_logged_in_recently(
    make_user: Any, settings: Any
) -> None:
    settings.SK_ROLLOUT_CRITERIA = ["operator_login"]
    settings.SK_ROLLOUT_LOGIN_DAYS = 14
    _logged_in(make_user, Role.VILLAGE_OPERATOR, SARONGAN, days_ago=3)
    _logged_in(make_user, Role.VILLAGE_OPERATOR, SUKOREJO, days_ago=20)
    # A village head's login does not count: the definition names the operator.
    _logged_in(make_user, Role.VILLAGE_HEAD, "35.10.01.2002", days_ago=1)

    dashboard_refresh(regency_code=REGENCY, year=YEAR)

    villages = _figures(Section.ROLLOUT)["villages"]
    assert villages[SARONGAN]["active"] is True
    assert villages[SUKOREJO]["active"] is False
    assert villages[SUKOREJO]["last_login"] is not None
    assert villages["35.10.01.2002"]["active"] is False
    assert sum(1 for v in villages.values() if v["active"]) == 1
    snapshot = RolloutSnapshot.objects.get(day=timezone.localdate(), village_id=SARONGAN)
    assert snapshot.active and snapshot.operator_active


def test_the_definition_is_a_setting(make_user: Any, settings: Any) -> None:
    settings.SK_ROLLOUT_CRITERIA = ["operator_login"]
    _logged_in(make_user, Role.VILLAGE_OPERATOR, SUKOREJO, days_ago=20)
    settings.SK_ROLLOUT_LOGIN_DAYS = 30
    dashboard_refresh(regency_code=REGENCY, year=YEAR)
    assert _figures(Section.ROLLOUT)["villages"][SUKOREJO]["active"] is True

    settings.SK_ROLLOUT_STAFF_ROLES = ["village_secretary"]
    dashboard_refresh(regency_code=REGENCY, year=YEAR)
    assert _figures(Section.ROLLOUT)["villages"][SUKOREJO]["active"] is False


def test_figures_of_the_sample(sample: Any) -> None:
    dashboard_refresh(regency_code=REGENCY, year=sample.year)
    budget = _figures(Section.BUDGET, sample.year)
    sarongan = budget["villages"][SARONGAN]
    assert sarongan["status"] == "approved" and sarongan["submitted"] is True
    assert sarongan["realised"] == "7500000.00"
    assert budget["villages"][SUKOREJO]["submitted"] is False
    over = [c for c in budget["ceilings"] if c["over"]]
    assert [(c["village"], c["fund_source"]) for c in over] == [(SUKOREJO, "DDS")]
    assert SUKOREJO not in budget["villages"] or budget["villages"][SUKOREJO]["budget"] == "0.00"

    monitoring = _figures(Section.MONITORING, sample.year)["villages"]
    assert monitoring[SARONGAN]["projects"]["ongoing"] == 1
    assert monitoring[SARONGAN]["projects"]["planned"] == 2
    assert monitoring[SUKOREJO]["projects"]["completed"] == 1
    assert monitoring[SARONGAN]["flags"].get("DUPLICATE_PROJECT", 0) >= 1


def test_missing_figures_are_computed_when_someone_looks(db: Any) -> None:
    assert not DashboardFigures.objects.exists()
    dashboard_ensure_fresh(regency_code=REGENCY, year=YEAR)
    assert DashboardFigures.objects.filter(regency_id=REGENCY, year=YEAR).count() == 6


def test_stale_figures_are_refreshed_in_the_background_once(
    db: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SK_DASHBOARD_MAX_AGE_MINUTES = 15
    old = timezone.now() - timedelta(hours=2)
    dashboard_refresh(regency_code=REGENCY, year=YEAR, now=old)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dashboard_ensure_fresh(regency_code=REGENCY, year=YEAR)
    assert len(callbacks) == 1  # the task was enqueued (and run: immediate backend in tests)
    row = DashboardFigures.objects.get(regency_id=REGENCY, section=Section.BUDGET, year=YEAR)
    assert row.computed_at > old + timedelta(hours=1)

    # Someone else opens the dashboard: no second task in the same period.
    DashboardFigures.objects.update(computed_at=old)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dashboard_ensure_fresh(regency_code=REGENCY, year=YEAR)
    assert callbacks == []


def test_fresh_figures_are_left_alone(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    dashboard_refresh(regency_code=REGENCY, year=YEAR)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dashboard_ensure_fresh(regency_code=REGENCY, year=YEAR)
    assert callbacks == []


def test_the_refresh_command(db: Any) -> None:
    out = StringIO()
    call_command("dashboard_refresh", "--year", str(YEAR), "--year", str(YEAR - 1), stdout=out)
    assert (
        f"{REGENCY} {YEAR}: rollout, services, budget, monitoring, welfare, economy"
        in out.getvalue()
    )
    assert DashboardFigures.objects.filter(year=YEAR - 1).count() == 6


@pytest.mark.parametrize("args", [["--year", "1900"], ["--regency", "99.99"], ["--year", "abc"]])
def test_the_refresh_command_refuses_bad_arguments(db: Any, args: list[str]) -> None:
    with pytest.raises((CommandError, SystemExit)):
        call_command("dashboard_refresh", *args, stdout=StringIO(), stderr=StringIO())
    assert not DashboardFigures.objects.exists()


def test_services_issued_is_part_of_the_default_definition(sample: Any, settings: Any) -> None:
    """Active: an operator logged in recently AND letters issued in the last 30 days."""
    assert settings.SK_ROLLOUT_CRITERIA == ["operator_login", "services_issued"]
    User.objects.filter(pk=sample.operator.pk).update(last_login=timezone.now())
    op_sukorejo = User.objects.get(username="op.sukorejo.sample")
    User.objects.filter(pk=op_sukorejo.pk).update(last_login=timezone.now())
    dashboard_refresh(regency_code=REGENCY, year=sample.year)
    villages = _figures(Section.ROLLOUT, sample.year)["villages"]
    assert villages[SARONGAN]["services_issued"] == 7  # the SPMs of the last week
    assert villages[SARONGAN]["active"] is True
    # Sukorejo's operator logged in, but its only letter is older than 30 days.
    assert villages[SUKOREJO]["operator_active"] is True
    assert villages[SUKOREJO]["active"] is (villages[SUKOREJO]["services_issued"] >= 1)

    settings.SK_ROLLOUT_SERVICE_DAYS = 3
    settings.SK_ROLLOUT_MIN_SERVICES = 5
    dashboard_refresh(regency_code=REGENCY, year=sample.year)
    villages = _figures(Section.ROLLOUT, sample.year)["villages"]
    assert villages[SARONGAN]["services_issued"] == 3
    assert villages[SARONGAN]["active"] is False


def test_service_figures_of_the_sample(sample: Any) -> None:
    dashboard_refresh(regency_code=REGENCY, year=sample.year)
    services = _figures(Section.SERVICES, sample.year)
    assert sum(services["villages"][SARONGAN]["months"]) == 9
    types = {t["code"]: t for t in services["regions"]["35.10.01"]["types"]}
    assert types["spm"]["count"] == 7
    assert types["spm"]["median_minutes"] == 28.0
    assert types["spm"]["target_minutes"] == 30 and types["spm"]["within_target"] is True
    regency_types = {t["code"]: t for t in services["regions"][REGENCY]["types"]}
    assert regency_types["spm"]["count"] == 8
    assert set(services["regions"]) == {REGENCY, *[f"35.10.{n:02d}" for n in range(1, 26)]}
    assert "backlog" in services["regions"][REGENCY]
