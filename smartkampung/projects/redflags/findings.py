"""A rule's finding, and storing findings idempotently.

A finding is identified by (rule, key). Storing a batch of findings for a *coverage* (the rules
that ran and the projects they ran on) inserts new flags, refreshes the evidence of existing
ones, reopens a flag that had resolved by itself, and marks open flags of the coverage that were
not found again as resolved. Inspectors' decisions (confirmed, dismissed) are never changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import FlagStatus, RedFlag


@dataclass
class Finding:
    rule: str
    key: str
    project_id: int
    village_id: str
    severity: str
    evidence: dict[str, Any]
    photo_id: int | None = None
    other_project_id: int | None = None
    other_photo_id: int | None = None


@dataclass
class Coverage:
    """What an evaluation looked at: ``rules`` over ``project_ids`` (None: every project)."""

    rules: set[str]
    project_ids: set[int] | None = None


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0
    found: int = 0
    new_flag_ids: list[int] = field(default_factory=list)


def pair_key(a: int, b: int) -> str:
    lo, hi = sorted((a, b))
    return f"{lo}-{hi}"


def store_findings(findings: Iterable[Finding], coverage: Coverage) -> StoreResult:
    """Apply findings for ``coverage`` (see the module docstring). Idempotent."""
    now = timezone.now()
    by_key: dict[tuple[str, str], Finding] = {}
    for f in findings:
        by_key[(f.rule, f.key)] = f
    result = StoreResult(found=len(by_key))
    scope = Q(rule__in=sorted(coverage.rules))
    if coverage.project_ids is not None:
        ids = sorted(coverage.project_ids)
        scope &= Q(project_id__in=ids) | Q(other_project_id__in=ids)
    with transaction.atomic():
        existing: dict[tuple[str, str], RedFlag] = {}
        wanted_keys = list(by_key)
        # Flags in the coverage plus any flag with a key found now (it may lie outside it).
        rows = RedFlag.objects.filter(scope)
        for flag in rows.only("id", "rule", "key", "status", "evidence", "severity"):
            existing[(flag.rule, flag.key)] = flag
        missing = [k for k in wanted_keys if k not in existing]
        for chunk_start in range(0, len(missing), 500):
            chunk = missing[chunk_start : chunk_start + 500]
            q = Q(pk__in=[])
            for rule, key in chunk:
                q |= Q(rule=rule, key=key)
            for flag in RedFlag.objects.filter(q).only(
                "id", "rule", "key", "status", "evidence", "severity"
            ):
                existing[(flag.rule, flag.key)] = flag
        to_create: list[RedFlag] = []
        to_update: list[RedFlag] = []
        for ident, f in by_key.items():
            found = existing.get(ident)
            if found is None:
                to_create.append(
                    RedFlag(
                        rule=f.rule,
                        key=f.key,
                        project_id=f.project_id,
                        village_id=f.village_id,
                        photo_id=f.photo_id,
                        other_project_id=f.other_project_id,
                        other_photo_id=f.other_photo_id,
                        severity=f.severity,
                        evidence=f.evidence,
                        status=FlagStatus.OPEN,
                        first_detected_at=now,
                        last_detected_at=now,
                    )
                )
                continue
            found.evidence = f.evidence
            found.severity = f.severity
            found.last_detected_at = now
            if found.status == FlagStatus.RESOLVED:
                found.status = FlagStatus.OPEN
                result.reopened += 1
            to_update.append(found)
        stale = [
            flag
            for ident, flag in existing.items()
            if ident not in by_key and flag.status == FlagStatus.OPEN
        ]
        if to_create:
            created = RedFlag.objects.bulk_create(to_create, batch_size=1000)
            result.created = len(created)
            result.new_flag_ids = [c.pk for c in created if c.pk is not None]
        if to_update:
            RedFlag.objects.bulk_update(
                to_update, ["evidence", "severity", "last_detected_at", "status"], batch_size=1000
            )
            result.updated = len(to_update)
        if stale:
            ids = [flag.pk for flag in stale]
            for start in range(0, len(ids), 1000):
                RedFlag.objects.filter(pk__in=ids[start : start + 1000]).update(
                    status=FlagStatus.RESOLVED
                )
            result.resolved = len(stale)
    return result
