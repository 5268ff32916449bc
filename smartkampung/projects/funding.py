"""A project's money: its link to a budget activity, and "no money ahead of evidence".

A project is linked to a budget activity by the activity's ``lineage`` (stable across APBDes
revisions, so a revised budget keeps its projects). The money released for the activity (the
approved disbursements of its items) may not run ahead of the progress its projects have shown
with photos: at most the evidenced stage plus an advance
(``SK_PROJECTS_DISBURSEMENT_ADVANCE_PERCENT``) of the activity's budget, and nothing before the
first photographed report (ADR 0034).

Projects reads budgets (downward); budgets reaches this module only through
``SK_DISBURSEMENT_CHECKS`` (``checks.progress_check_for_disbursement``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from smartkampung.budgets.selectors import linking as budget_links
from smartkampung.budgets.selectors.budgets import budget_activity_list

from .models import ProgressReport, Project

HUNDRED = Decimal("100")


def advance_percent() -> Decimal:
    return Decimal(str(settings.SK_PROJECTS_DISBURSEMENT_ADVANCE_PERCENT))


@dataclass(frozen=True)
class Release:
    """How much of an activity's money its projects' evidence allows to be released."""

    total: Decimal
    realised: Decimal
    evidenced_percent: Decimal | None  # None: no photographed report yet
    allowed: Decimal

    def as_evidence(self) -> dict[str, Any]:
        cents = Decimal("0.01")
        return {
            "activity_budget": str(self.total.quantize(cents)),
            "realised": str(self.realised.quantize(cents)),
            "evidenced_progress": (
                float(self.evidenced_percent) if self.evidenced_percent is not None else None
            ),
            "advance_percent": float(advance_percent()),
            "allowed": str(self.allowed.quantize(cents)),
        }


def allowed_release(total: Decimal, evidenced_percent: Decimal | None) -> Decimal:
    """The evidenced share plus the advance, capped at the whole; 0 without any evidence."""
    if evidenced_percent is None:
        return Decimal("0")
    share = min(HUNDRED, evidenced_percent + advance_percent())
    return (total * share / HUNDRED).quantize(Decimal("0.01"))


def evidenced_stages(project_ids: Iterable[int]) -> dict[int, int]:
    """The highest stage of each project that has at least one photo."""
    rows = (
        ProgressReport.objects.filter(project_id__in=list(project_ids))
        .annotate(n=Count("photos"))
        .filter(n__gt=0)
        .values("project_id")
        .annotate(stage=Max("stage"))
    )
    return {r["project_id"]: r["stage"] for r in rows}


def weighted_evidence(
    projects: Iterable[tuple[Decimal, int | None]],
) -> Decimal | None:
    """Projects' evidenced stages weighted by their budgets; None if none has evidence."""
    items = list(projects)
    if not items or all(stage is None for _budget, stage in items):
        return None
    weight = sum((budget for budget, _stage in items), Decimal("0"))
    if weight <= 0:
        return Decimal(max(stage or 0 for _budget, stage in items))
    return sum((budget * (stage or 0) for budget, stage in items), Decimal("0")) / weight


def release_for_activity(
    *, village_code: str, year: int, lineage: uuid.UUID | str
) -> Release | None:
    """The activity's release position, or None when no project is linked to it or its budget
    is not approved yet."""
    projects = list(
        Project.objects.filter(
            village_id=village_code,
            planned_start__year=year,
            budget_activity_lineage=lineage,
        ).values_list("pk", "budget")
    )
    if not projects:
        return None
    money = budget_links.activity_money(village_code=village_code, year=year, lineage=lineage)
    if money is None:
        return None
    stages = evidenced_stages(pk for pk, _budget in projects)
    evidenced = weighted_evidence((budget, stages.get(pk)) for pk, budget in projects)
    return Release(
        total=money.total,
        realised=money.realised,
        evidenced_percent=evidenced,
        allowed=allowed_release(money.total, evidenced),
    )


def releases_for_all() -> dict[str, Release]:
    """``release_for_activity`` for every linked activity at once, keyed by lineage (for
    ``detect_redflags``: three queries whatever the number of projects)."""
    linked = list(
        Project.objects.exclude(budget_activity_lineage=None).values_list(
            "pk", "budget", "budget_activity_lineage"
        )
    )
    if not linked:
        return {}
    by_lineage: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, budget, lineage in linked:
        by_lineage[str(lineage)].append((pk, budget))
    money = budget_links.activity_money_all(lineages=set(by_lineage))
    stages = evidenced_stages(pk for pk, _budget, _lineage in linked)
    out = {}
    for key, projects in by_lineage.items():
        if key not in money:
            continue
        evidenced = weighted_evidence((budget, stages.get(pk)) for pk, budget in projects)
        out[key] = Release(
            total=money[key].total,
            realised=money[key].realised,
            evidenced_percent=evidenced,
            allowed=allowed_release(money[key].total, evidenced),
        )
    return out


def budget_activity_choices(
    *, actor: Any, village_codes: Iterable[str], years: Iterable[int]
) -> list[tuple[str, str]]:
    """(lineage, label) of the budget activities a project of these villages may be linked to."""
    choices = []
    codes = list(village_codes)
    for year in sorted(set(years), reverse=True):
        for code in codes:
            for activity in budget_activity_list(actor=actor, village_code=code, year=year):
                label = f"{year} · {activity.activity_id} {activity.activity.name}"
                if activity.output:
                    label += f" — {activity.output}"
                if len(codes) > 1:
                    label = f"{code} · {label}"
                choices.append((str(activity.lineage), label))
    return choices


def check_budget_link(
    *, village_code: str, year: int, lineage: uuid.UUID | str, activity_code: str
) -> tuple[str | None, str]:
    """(error message or None, the activity code to store) for a proposed link."""
    activity = budget_links.activity_by_lineage(
        village_code=village_code, year=year, lineage=lineage
    )
    if activity is None:
        return (
            _(
                "This budget activity is not in the village's APBDes of %(year)d (the year "
                "of the planned start)."
            )
            % {"year": year},
            activity_code,
        )
    if activity_code and activity_code != activity.activity_id:
        return (
            _("The activity code %(code)s differs from the linked budget activity %(linked)s.")
            % {"code": activity_code, "linked": activity.activity_id},
            activity_code,
        )
    return None, activity.activity_id


@dataclass(frozen=True)
class ProjectFunding:
    """What the project page shows of the linked budget activity."""

    activity_code: str
    activity_name: str
    output: str
    budget_status: str
    release: Release | None


def project_funding(project: Project) -> ProjectFunding | None:
    if project.budget_activity_lineage is None:
        return None
    year = project.planned_start.year
    activity = budget_links.activity_by_lineage(
        village_code=project.village_id, year=year, lineage=project.budget_activity_lineage
    )
    if activity is None:
        return None
    return ProjectFunding(
        activity_code=activity.activity_id,
        activity_name=activity.activity.name,
        output=activity.output,
        budget_status=activity.budget.get_status_display(),
        release=release_for_activity(
            village_code=project.village_id, year=year, lineage=project.budget_activity_lineage
        ),
    )
