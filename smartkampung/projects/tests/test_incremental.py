"""``detect_redflags`` incremental runs: they check only what changed, and store the same flags
as a full run (ADR 0130)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from smartkampung.projects import services
from smartkampung.projects.models import DetectionRun, Project, RedFlag, RuleCode
from smartkampung.projects.redflags import detect_changed

from .factories import jpeg, project_data, scene
from .test_redflags import add_photo, at_site, make_project, report

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[str, str, str, str]]:
    return sorted(RedFlag.objects.values_list("rule", "key", "status", "severity"))


def travel(monkeypatch: Any, to: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: to)


def quiet_project(operator: Any, village: Any, **kwargs: Any) -> Project:
    """A project saved the way an import saves it: without screening on save."""
    return services.project_create(
        actor=operator,
        village_code=village.code,
        data=project_data(village, **kwargs),
        screen=False,
    )


def test_an_incremental_run_finds_what_a_full_run_finds(operator, village, monkeypatch, settings):
    settings.SK_PROJECTS_UNIT_COST_MIN_SAMPLES = 4
    grace = settings.SK_PROJECTS_STALLED_GRACE_DAYS
    today = date.today()
    road = make_project(operator, village, title="Jalan rabat beton Dusun Krajan")
    # Not late yet; ten days on it is past its end plus the grace period.
    late_soon = make_project(
        operator,
        village,
        title="Talud Dusun Sumberagung",
        work_type="retaining_wall",
        start=today - timedelta(days=60),
        days=60 - grace + 3,
        north_m=1500,
    )
    # A report without a photo: its grace period (hours) ends within the ten days.
    bare = make_project(operator, village, title="Gorong-gorong", work_type="culvert", east_m=1500)
    report(operator, bare, 0)
    for i in range(5):
        make_project(
            operator,
            village,
            title=f"Drainase lingkungan {i}",
            work_type="drain",
            north_m=-1500 - 300 * i,
            budget=50_000_000 + 1_000_000 * i,
            volume="100",
        )
    for i in range(3):  # nothing happens to these: an incremental run leaves them alone
        make_project(
            operator, village, title=f"Jembatan {i}", work_type="bridge", east_m=-900 * i - 900
        )
    _first, run = detect_changed()
    assert run.full  # no previous run
    assert RedFlag.objects.filter(project=late_soon, rule=RuleCode.STALLED).count() == 0

    travel(monkeypatch, timezone.localtime() + timedelta(days=10))
    # New, unscreened: a near-duplicate of the road, a photo reused from another project,
    # and a drain whose cost is far beyond its group's.
    twin = quiet_project(operator, village, title="Jln. Rabat Beton Dsn. Krajan", north_m=30)
    data = jpeg(scene(31), lat=road.lat, lng=road.lng, taken_at=timezone.localtime())
    add_photo(operator, report(operator, road, 0), data, **at_site(road))
    costly = quiet_project(
        operator,
        village,
        title="Drainase mahal",
        work_type="drain",
        north_m=-3300,
        budget=900_000_000,
        volume="100",
    )
    RedFlag.objects.filter(project__in=[twin, costly]).delete()
    untouched = Project.objects.count()

    _result, run = detect_changed()
    assert not run.full
    assert 0 < run.projects_checked <= untouched - 3
    incremental = snapshot()
    rules_found = {rule for rule, *_rest in incremental}
    assert {
        RuleCode.DUPLICATE_PROJECT,
        RuleCode.STALLED,
        RuleCode.PROGRESS_WITHOUT_EVIDENCE,
        RuleCode.UNIT_COST_OUTLIER,
    } <= rules_found
    assert RedFlag.objects.filter(project=late_soon, rule=RuleCode.STALLED).exists()
    assert RedFlag.objects.filter(project=costly, rule=RuleCode.UNIT_COST_OUTLIER).exists()

    _full, run = detect_changed(full=True)
    assert run.full
    assert snapshot() == incremental


def test_a_run_with_nothing_new_checks_next_to_nothing(operator, village):
    make_project(operator, village)
    make_project(operator, village, title="Jalan rabat beton Dusun Krajan", north_m=40)
    detect_changed()
    before = snapshot()
    _result, run = detect_changed()
    assert not run.full and run.projects_checked == 0
    assert snapshot() == before


def test_a_changed_threshold_means_a_full_run(operator, village, settings):
    make_project(operator, village)
    detect_changed()
    settings.SK_PROJECTS_DUPLICATE_DISTANCE_M = 5
    _result, run = detect_changed()
    assert run.full


def test_a_changed_price_standard_rechecks_every_unit_cost(operator, village, settings):
    from smartkampung.budgets.models import UnitPriceStandard

    for i in range(3):
        make_project(operator, village, title=f"Jalan {i}", north_m=600 * i, volume="100")
    detect_changed()
    UnitPriceStandard.objects.create(
        regency_id=village.code[:5],
        year=date.today().year,
        code="HSPK-1",
        name="Rabat beton per m",
        unit="m",
        price=1000,
        category="hspk:road",
    )
    _result, run = detect_changed()
    assert not run.full and run.projects_checked >= 3


def test_the_command_says_what_it_checked(operator, village, capsys):
    make_project(operator, village)
    call_command("detect_redflags")
    call_command("detect_redflags")
    call_command("detect_redflags", "--full")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("full run") and out[1].startswith("0 projects checked")
    assert out[2].startswith("full run")
    assert DetectionRun.objects.count() == 3
