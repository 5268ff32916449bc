"""``detect_redflags`` without re-reading the regency: only what changed since the last run.

A run records when it started (``DetectionRun``). The next run re-evaluates exactly the
projects whose findings can have changed since then (ADR 0130):

* **changed projects**: created or edited (``updated_at``), or with a progress report or photo
  added since (a photo's hashes are written with it);
* (their neighbours need no check of their own: a pair flag — duplicate, photo reuse — is keyed
  by the unordered pair, so checking the changed side finds it again, and storing covers every
  flag with the changed project on either side, so a pair that no longer holds resolves);
* **projects that time alone changes**: past their planned end plus the stalled grace period
  (or its 180-day severity step) between the two runs; a report whose photo grace period ended
  between them; a photo whose capture time stopped being "in the future";
* **the unit-cost outliers of groups whose quartiles moved**: each run keeps the quartiles of
  every (regency, work type, unit) group; where they moved, the projects above the lower of
  the old and new fence, and those already flagged, are checked by the unit-cost rule (below
  both fences nothing can change); every project with a unit cost when the SSH price
  standards changed;
* **the money rule** (disbursed ahead of evidence) over every linked activity, always: its input
  is the budgets' running totals, three aggregate queries, and a disbursement leaves no trace
  on the project.

A changed threshold (any ``SK_PROJECTS_*`` setting the rules read) or no previous run means a
full run; ``detect_redflags --full`` forces one. An incremental and a full run store the same
flags (a test proves it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from smartkampung.budgets.selectors.linking import unit_price_standards_fingerprint

from ..funding import advance_percent, releases_for_all
from ..models import DetectionRun, ProgressPhoto, ProgressReport, Project, RuleCode
from . import rules
from .engine import _project_rec, ceiling_lookup, detect_all, project_findings, regency_of
from .findings import Coverage, Finding, StoreResult, store_findings
from .records import PROJECT_FIELDS

# Beyond this many projects to check one by one, the full run's single in-memory pass is
# cheaper (one screening reads ~10 indexed queries; the full run reads everything once).
INCREMENTAL_LIMIT = 2000


def config_digest() -> str:
    """A fingerprint of everything the rules are configured with."""
    text = "|".join(
        [
            repr(rules.config()),
            str(advance_percent()),
            str(settings.SK_UNIT_PRICE_CEILING_LOOKUP),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def changed_projects(since: datetime) -> set[int]:
    """Projects created or edited since ``since``, or with a report or photo added since."""
    ids = set(
        Project.objects.filter(Q(updated_at__gte=since) | Q(created_at__gte=since)).values_list(
            "pk", flat=True
        )
    )
    ids |= set(
        ProgressReport.objects.filter(created_at__gte=since).values_list("project_id", flat=True)
    )
    ids |= set(
        ProgressPhoto.objects.filter(uploaded_at__gte=since).values_list("project_id", flat=True)
    )
    return ids


def changed_by_time(since: datetime, now: datetime, cfg: rules.Config) -> set[int]:
    """Projects whose time-dependent findings (stalled, a report without photo, a photo from
    the future) can have changed between ``since`` and ``now`` with no data changing."""
    d0, d1 = timezone.localdate(since), timezone.localdate(now)
    ids: set[int] = set()
    for grace in (cfg.stalled_grace_days, 180):  # the flag, and its severity step
        ids |= set(
            Project.objects.filter(
                progress__lt=100,
                planned_end__gte=d0 - timedelta(days=grace + 1),
                planned_end__lte=d1 - timedelta(days=grace),
            ).values_list("pk", flat=True)
        )
    grace_h = timedelta(hours=cfg.evidence_grace_hours)
    # A report's age counts from its entry or from the end of its date, whichever is earlier.
    window = Q(created_at__gt=since - grace_h - timedelta(days=1), created_at__lte=now - grace_h)
    window |= Q(
        reported_on__gte=timezone.localdate(since - grace_h) - timedelta(days=1),
        reported_on__lte=timezone.localdate(now - grace_h) + timedelta(days=1),
    )
    ids |= set(
        ProgressReport.objects.filter(window)
        .annotate(n=Count("photos"))
        .filter(n=0)
        .values_list("project_id", flat=True)
    )
    future = timedelta(minutes=cfg.photo_future_minutes)
    ids |= set(
        ProgressPhoto.objects.filter(
            exif_taken_at__gt=since + future - timedelta(minutes=1),
            exif_taken_at__lte=now + future,
        ).values_list("project_id", flat=True)
    )
    return ids


Group = tuple[str, str, str]  # (regency, work type, unit)


def _group_key(group: Group) -> str:
    return "|".join(group)


def all_cost_stats() -> dict[str, list[float]]:
    """The unit-cost quartiles of every group, keyed ``"regency|work type|unit"`` (one read of
    the projects' costs; the same figures the rules use)."""
    values: dict[Group, list[float]] = {}
    rows = Project.objects.filter(unit_cost__isnull=False).values_list(
        "village_id", "work_type", "unit", "unit_cost"
    )
    for village, work_type, unit, cost in rows.iterator(chunk_size=20000):
        values.setdefault((regency_of(village), work_type, unit), []).append(float(cost or 0))
    out: dict[str, list[float]] = {}
    for group, costs in values.items():
        stats = rules.cost_stats(costs)
        if stats is not None:
            out[_group_key(group)] = [stats.n, stats.q1, stats.median, stats.q3]
    return out


def _fence(figures: list[float] | None, cfg: rules.Config) -> float | None:
    if not figures or figures[0] < cfg.unit_cost_min_samples:
        return None
    return rules.CostStats(int(figures[0]), *figures[1:]).fence(cfg.unit_cost_iqr_factor)


def _cost_affected(
    before: dict[str, list[float]], after: dict[str, list[float]], cfg: rules.Config
) -> Q | None:
    """The projects whose unit-cost finding a change of their group's quartiles can change:
    those above the lower of the old and new fence, and those already flagged (their
    evidence carries the quartiles). None: no group's figures moved."""
    q: Q | None = None
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if (
            old is not None
            and new is not None
            and all(abs(a - b) < 1e-6 for a, b in zip(old, new, strict=True))
        ):
            continue
        regency, work_type, unit = key.split("|", 2)
        members = Q(village__pk__startswith=regency + ".", work_type=work_type, unit=unit)
        fences = [f for f in (_fence(old, cfg), _fence(new, cfg)) if f is not None]
        reach = Q(flags__rule=RuleCode.UNIT_COST_OUTLIER)
        if fences:
            reach |= Q(unit_cost__gt=min(fences))
        part = members & reach
        q = part if q is None else q | part
    return q


def _unit_cost_findings(where: Q | None, cfg: rules.Config) -> tuple[list[Finding], set[int]]:
    """The unit-cost rule over the projects ``where`` selects (None: every project)."""
    from .engine import _unit_cost_stats

    qs = Project.objects.filter(unit_cost__isnull=False)
    if where is not None:
        qs = qs.filter(where).distinct()
    lookup = ceiling_lookup(run=True)
    findings: list[Finding] = []
    ids: set[int] = set()
    stats: dict[tuple[str, str, str], rules.CostStats | None] = {}  # once per group
    for row in qs.values(*PROJECT_FIELDS, "activity_code").iterator(chunk_size=5000):
        project = _project_rec(row)
        ids.add(project.id)
        group = (regency_of(project.village_id), project.work_type, project.unit)
        if group not in stats:
            stats[group] = _unit_cost_stats(project)
        findings += rules.unit_cost_findings(
            project, stats[group], cfg, lookup, activity_code=row["activity_code"]
        )
    return findings, ids


def _money_findings() -> list[Finding]:
    """The disbursed-ahead rule over every project linked to a budget activity."""
    releases = releases_for_all()
    findings: list[Finding] = []
    rows = Project.objects.exclude(budget_activity_lineage=None).values(
        *PROJECT_FIELDS, "budget_activity_lineage"
    )
    for row in rows.iterator(chunk_size=5000):
        release = releases.get(str(row["budget_activity_lineage"]))
        findings += rules.disbursement_findings(_project_rec(row), release)
    return findings


def _add(total: StoreResult, part: StoreResult) -> None:
    for name in ("created", "updated", "reopened", "resolved", "found"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.new_flag_ids += part.new_flag_ids


def detect_changed(
    *, full: bool = False, progress: Callable[[str], None] | None = None
) -> tuple[StoreResult, DetectionRun]:
    """Run the rules over what changed since the last run (or over everything: ``full``, no
    previous run, or changed thresholds). Records the run."""
    say = progress or (lambda _msg: None)
    now = timezone.now()
    cfg = rules.config()
    digest = config_digest()
    ssh = unit_price_standards_fingerprint()
    last = DetectionRun.objects.filter(finished_at__isnull=False).first()
    changed: set[int] = set()
    evaluate: set[int] = set()
    if last is None or last.config_digest != digest:
        full = True
    elif not full:
        changed = changed_projects(last.started_at)
        evaluate = changed | changed_by_time(last.started_at, now, cfg)
        full = len(evaluate) > INCREMENTAL_LIMIT
    if full or last is None:
        say("full run")
        result = detect_all(progress)
        run = DetectionRun.objects.create(
            started_at=now,
            finished_at=timezone.now(),
            full=True,
            config_digest=digest,
            ssh_digest=ssh,
            projects_checked=Project.objects.count(),
            counts=_counts(result),
            cost_stats=all_cost_stats(),
        )
        return result, run
    say(f"{len(changed)} changed projects; {len(evaluate)} to check")
    result = StoreResult()
    findings: list[Finding] = []
    for project_id in sorted(evaluate):
        findings += project_findings(project_id, now=now)
    if evaluate:
        _add(result, store_findings(findings, Coverage(set(rules.ALL_RULES), set(evaluate))))
    cost_stats = all_cost_stats()
    if ssh != last.ssh_digest:
        cost_findings, cost_ids = _unit_cost_findings(None, cfg)
        _add(result, store_findings(cost_findings, Coverage({RuleCode.UNIT_COST_OUTLIER}, None)))
    else:
        where = _cost_affected(last.cost_stats, cost_stats, cfg)
        cost_findings, cost_ids = (
            _unit_cost_findings(where, cfg) if where is not None else ([], set())
        )
        if cost_ids:
            cover = Coverage({RuleCode.UNIT_COST_OUTLIER}, cost_ids)
            _add(result, store_findings(cost_findings, cover))
    _add(
        result,
        store_findings(_money_findings(), Coverage({RuleCode.DISBURSED_AHEAD_OF_PROGRESS}, None)),
    )
    run = DetectionRun.objects.create(
        started_at=now,
        finished_at=timezone.now(),
        full=False,
        config_digest=digest,
        ssh_digest=ssh,
        projects_checked=len(evaluate | cost_ids),
        counts=_counts(result),
        cost_stats=cost_stats,
    )
    return result, run


def _counts(result: StoreResult) -> dict[str, Any]:
    return {
        "found": result.found,
        "created": result.created,
        "updated": result.updated,
        "reopened": result.reopened,
        "resolved": result.resolved,
    }
