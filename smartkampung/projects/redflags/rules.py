"""The red-flag rules: pure functions from records to findings.

Each rule documents what it compares; thresholds come from settings (``config`` below, defaults
in config/settings/base.py and the README). The engine feeds the rules from the database for one
project (screening) or from memory for all of them (``detect_redflags``).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from smartkampung.regions.geo import parse_geojson_geometry, point_within

from ..funding import Release
from ..geometry import distance_between_m, geometry_distance_m, place_overlap
from ..models import DHASH_KINDS, PHASH_KINDS, HashKind, RuleCode, Severity, WorkType
from ..photos import hamming
from .findings import Finding, pair_key
from .records import PhotoRec, ProjectRec, ReportRec
from .titles import comparable_title, title_similarity

PROJECT_RULES = {
    RuleCode.DUPLICATE_PROJECT,
    RuleCode.UNIT_COST_OUTLIER,
    RuleCode.STALLED,
    RuleCode.PROGRESS_WITHOUT_EVIDENCE,
    RuleCode.DISBURSED_AHEAD_OF_PROGRESS,
}
PHOTO_RULES = {
    RuleCode.PHOTO_REUSE,
    RuleCode.GEOTAG_OUTSIDE_VILLAGE,
    RuleCode.GEOTAG_FAR_FROM_SITE,
    RuleCode.GEOTAG_MISSING,
    RuleCode.PHOTO_TIME_INCONSISTENT,
}
ALL_RULES = PROJECT_RULES | PHOTO_RULES


@dataclass(frozen=True)
class Config:
    duplicate_distance_m: float
    duplicate_title_similarity: float
    duplicate_gap_days: int
    duplicate_years: int
    rebuild_distance_m: float
    rebuild_overlap: float
    rebuild_years: int
    durable_work_types: frozenset[str]
    phash_max_distance: int
    phash_corroborated_distance: int
    dhash_max_distance: int
    site_distance_m: float
    boundary_tolerance_m: float
    photo_early_days: int
    photo_future_minutes: int
    evidence_grace_hours: int
    stalled_grace_days: int
    unit_cost_iqr_factor: float
    unit_cost_min_samples: int


def config() -> Config:
    s = settings
    return Config(
        duplicate_distance_m=s.SK_PROJECTS_DUPLICATE_DISTANCE_M,
        duplicate_title_similarity=s.SK_PROJECTS_DUPLICATE_TITLE_SIMILARITY,
        duplicate_gap_days=s.SK_PROJECTS_DUPLICATE_PERIOD_GAP_DAYS,
        duplicate_years=s.SK_PROJECTS_DUPLICATE_YEARS,
        rebuild_distance_m=s.SK_PROJECTS_REBUILD_DISTANCE_M,
        rebuild_overlap=s.SK_PROJECTS_REBUILD_OVERLAP,
        rebuild_years=s.SK_PROJECTS_REBUILD_YEARS,
        durable_work_types=frozenset(s.SK_PROJECTS_DURABLE_WORK_TYPES),
        phash_max_distance=s.SK_PROJECTS_PHASH_MAX_DISTANCE,
        phash_corroborated_distance=s.SK_PROJECTS_PHASH_CORROBORATED_DISTANCE,
        dhash_max_distance=s.SK_PROJECTS_DHASH_MAX_DISTANCE,
        site_distance_m=s.SK_PROJECTS_SITE_DISTANCE_M,
        boundary_tolerance_m=s.SK_PROJECTS_BOUNDARY_TOLERANCE_M,
        photo_early_days=s.SK_PROJECTS_PHOTO_EARLY_DAYS,
        photo_future_minutes=s.SK_PROJECTS_PHOTO_FUTURE_MINUTES,
        evidence_grace_hours=s.SK_PROJECTS_EVIDENCE_GRACE_HOURS,
        stalled_grace_days=s.SK_PROJECTS_STALLED_GRACE_DAYS,
        unit_cost_iqr_factor=s.SK_PROJECTS_UNIT_COST_IQR_FACTOR,
        unit_cost_min_samples=s.SK_PROJECTS_UNIT_COST_MIN_SAMPLES,
    )


def search_window_days(cfg: Config) -> int:
    """How far apart two projects' starts may be and still be compared."""
    return max(cfg.duplicate_years * 366, cfg.duplicate_gap_days, cfg.rebuild_years * 366)


def _period_gap_days(a: ProjectRec, b: ProjectRec) -> int:
    """Days between two periods; negative: they overlap by that many days."""
    if a.planned_start <= b.planned_start:
        return (b.planned_start - a.planned_end).days
    return (a.planned_start - b.planned_end).days


# --- DUPLICATE_PROJECT ----------------------------------------------------------------------


def duplicate_findings(
    project: ProjectRec, candidates: Iterable[ProjectRec], cfg: Config
) -> list[Finding]:
    """Another project (any village, any fund source) within D metres with a similar title or
    the same work type, whose period overlaps or lies within the gap; a very similar title
    alone is enough within the last N years (the same work budgeted again a year later).
    Titles are compared normalised (``titles``). A second signal needs no title at all: the
    same durable work type laid at the same place (``place_overlap``) within the rebuild
    window — a retaining wall, bridge or concrete road does not need building again so soon."""
    out: list[Finding] = []
    window = timedelta(days=cfg.duplicate_years * 366)
    rebuild_window = timedelta(days=cfg.rebuild_years * 366)
    for other in candidates:
        if other.id == project.id:
            continue
        apart = abs(other.planned_start - project.planned_start)
        if apart > max(window, rebuild_window):
            continue
        gap = _period_gap_days(project, other)
        similarity = title_similarity(project.title, other.title)
        title_similar = similarity >= cfg.duplicate_title_similarity and apart <= window
        same_type = project.work_type == other.work_type and project.work_type != WorkType.OTHER
        close = gap <= cfg.duplicate_gap_days
        durable = same_type and project.work_type in cfg.durable_work_types
        if not (title_similar or (same_type and close and apart <= window) or durable):
            continue
        distance = distance_between_m(project.geom, other.geom)
        if distance > max(cfg.duplicate_distance_m, cfg.rebuild_distance_m):
            continue
        overlap = (
            place_overlap(project.geom, other.geom, cfg.rebuild_distance_m)
            if durable and apart <= rebuild_window
            else 0.0
        )
        same_place = overlap >= cfg.rebuild_overlap
        by_title_or_period = distance <= cfg.duplicate_distance_m and (
            title_similar or (same_type and close and apart <= window)
        )
        if not (by_title_or_period or same_place):
            continue
        later, earlier = (project, other) if project.id > other.id else (other, project)
        if (title_similar and close) or (same_place and (title_similar or close)):
            severity = Severity.HIGH
        else:
            severity = Severity.MEDIUM
        out.append(
            Finding(
                rule=RuleCode.DUPLICATE_PROJECT,
                key=pair_key(project.id, other.id),
                project_id=later.id,
                village_id=later.village_id,
                other_project_id=earlier.id,
                severity=severity,
                evidence={
                    "distance_m": round(distance, 1),
                    "title_similarity": round(similarity, 1),
                    "titles_compared": [
                        comparable_title(later.title),
                        comparable_title(earlier.title),
                    ],
                    "same_work_type": same_type,
                    "period_gap_days": gap,
                    "same_place": same_place,
                    "place_overlap": overlap,
                    "place_distance_m": cfg.rebuild_distance_m,
                    "work_type": later.work_type,
                    "years_apart": round(apart.days / 365.25, 1),
                    "project": {"id": later.id, "title": later.title, "village": later.village_id},
                    "other_project": {
                        "id": earlier.id,
                        "title": earlier.title,
                        "village": earlier.village_id,
                        "start": earlier.planned_start.isoformat(),
                        "end": earlier.planned_end.isoformat(),
                    },
                },
            )
        )
    return out


# --- UNIT_COST_OUTLIER ----------------------------------------------------------------------


@dataclass(frozen=True)
class CostStats:
    n: int
    q1: float
    median: float
    q3: float

    def fence(self, factor: float) -> float:
        return self.q3 + factor * (self.q3 - self.q1)

    def beyond_fence(self, cost: float, factor: float) -> float:
        """How far ``cost`` lies beyond the fence, in IQRs (the fence's own scale). With no
        spread at all (IQR 0: every sample the same price) a tenth of the median is the scale,
        so one rupiah above a flat market is not "infinitely" far out."""
        iqr = self.q3 - self.q1
        scale = iqr if iqr > 0 else max(abs(self.median) * 0.1, 1.0)
        return (cost - self.fence(factor)) / scale


def cost_severity(beyond_iqr: float, factor: float) -> str:
    """Severity grows with the distance beyond the fence, measured in multiples of the fence
    factor k (1.5 by default, Tukey's inner fence): up to k IQRs beyond it (Q3 + 2k·IQR, 3·IQR
    by default: Tukey's outer fence, the classic boundary of a "far out" value) is low — a
    mild outlier that a hilly site or a small volume explains; up to 3k beyond (Q3 + 4k·IQR,
    6·IQR: twice the far-out distance) is medium; further is high. Above the SSH price ceiling
    is always high (a regulation, not a statistic)."""
    if beyond_iqr <= factor:
        return Severity.LOW
    if beyond_iqr <= 3 * factor:
        return Severity.MEDIUM
    return Severity.HIGH


def cost_stats(values: list[float]) -> CostStats | None:
    if len(values) < 2:
        return None
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return CostStats(n=len(values), q1=q1, median=median, q3=q3)


CeilingLookup = Callable[..., Decimal | None]


def unit_cost_findings(
    project: ProjectRec,
    stats: CostStats | None,
    cfg: Config,
    ceiling_lookup: CeilingLookup | None = None,
    activity_code: str = "",
) -> list[Finding]:
    """Cost per unit above the SSH ceiling (when a lookup is configured), or beyond
    Q3 + 1.5·IQR of the regency's projects of the same work type and unit."""
    if project.unit_cost is None:
        return []
    cost = float(project.unit_cost)
    evidence: dict[str, Any] = {"unit_cost": round(cost, 2), "unit": project.unit}
    severity = None
    if stats is not None and stats.n >= cfg.unit_cost_min_samples:
        fence = stats.fence(cfg.unit_cost_iqr_factor)
        evidence.update(
            {
                "samples": stats.n,
                "q1": round(stats.q1, 2),
                "median": round(stats.median, 2),
                "q3": round(stats.q3, 2),
                "fence": round(fence, 2),
                "times_median": round(cost / stats.median, 2) if stats.median else None,
            }
        )
        if cost > fence:
            beyond = stats.beyond_fence(cost, cfg.unit_cost_iqr_factor)
            evidence["beyond_fence_iqr"] = round(beyond, 2)
            severity = cost_severity(beyond, cfg.unit_cost_iqr_factor)
    if ceiling_lookup is not None:
        ceiling = ceiling_lookup(
            village_code=project.village_id,
            activity_code=activity_code,
            work_type=project.work_type,
            unit=project.unit,
            year=project.planned_start.year,
        )
        if ceiling is not None:
            evidence["ssh_ceiling"] = round(float(ceiling), 2)
            if cost > float(ceiling):
                severity = Severity.HIGH
    if severity is None:
        return []
    return [
        Finding(
            rule=RuleCode.UNIT_COST_OUTLIER,
            key=str(project.id),
            project_id=project.id,
            village_id=project.village_id,
            severity=severity,
            evidence=evidence,
        )
    ]


# --- STALLED, PROGRESS_WITHOUT_EVIDENCE -------------------------------------------------------


def stalled_findings(project: ProjectRec, today: date, cfg: Config) -> list[Finding]:
    """Past the planned end (plus a grace period) and below 100 %."""
    late = (today - project.planned_end).days
    if project.progress >= 100 or late <= cfg.stalled_grace_days:
        return []
    return [
        Finding(
            rule=RuleCode.STALLED,
            key=str(project.id),
            project_id=project.id,
            village_id=project.village_id,
            severity=Severity.HIGH if late > 180 else Severity.MEDIUM,
            evidence={
                "planned_end": project.planned_end.isoformat(),
                "days_late": late,
                "progress": project.progress,
            },
        )
    ]


def evidence_findings(
    project: ProjectRec, reports: Iterable[ReportRec], now: datetime, cfg: Config
) -> list[Finding]:
    """A progress report that still has no photo after the grace period."""
    out = []
    for report in reports:
        hours = (now - report.created_at).total_seconds() / 3600
        if report.photo_count > 0 or hours < cfg.evidence_grace_hours:
            continue
        out.append(
            Finding(
                rule=RuleCode.PROGRESS_WITHOUT_EVIDENCE,
                key=f"{project.id}:{report.stage}",
                project_id=project.id,
                village_id=project.village_id,
                severity=Severity.HIGH if report.stage >= 100 else Severity.MEDIUM,
                evidence={"stage": report.stage, "hours_without_photo": int(hours)},
            )
        )
    return out


# --- DISBURSED_AHEAD_OF_PROGRESS ------------------------------------------------------------


def disbursement_findings(project: ProjectRec, release: Release | None) -> list[Finding]:
    """More of the linked budget activity's money released than its projects' photographed
    progress (plus the advance) allows (funding.allowed_release)."""
    if release is None or release.realised <= release.allowed:
        return []
    nothing_shown = release.evidenced_percent is None
    far_ahead = release.realised > release.allowed + release.total / 4
    return [
        Finding(
            rule=RuleCode.DISBURSED_AHEAD_OF_PROGRESS,
            key=str(project.id),
            project_id=project.id,
            village_id=project.village_id,
            severity=Severity.HIGH if nothing_shown or far_ahead else Severity.MEDIUM,
            evidence=release.as_evidence(),
        )
    ]


# --- PHOTO_REUSE ----------------------------------------------------------------------------


def query_hashes(photo: PhotoRec) -> dict[str, int]:
    """The variants of a photo compared with other photos' whole-photo hashes."""
    return {
        HashKind.FULL: photo.hashes[HashKind.FULL],
        **photo.rotation_hashes(),
        HashKind.CROP90: photo.hashes[HashKind.CROP90],
        HashKind.CROP80: photo.hashes[HashKind.CROP80],
    }


def best_match(photo: PhotoRec, other: PhotoRec) -> tuple[int, str]:
    """Smallest Hamming distance between the photos' comparable hashes, and how they match:
    whole, rotated, or one a central crop of the other."""
    best = (65, "")
    other_full = other.hashes[HashKind.FULL]
    for name, value in query_hashes(photo).items():
        d = hamming(value, other_full)
        if d < best[0]:
            best = (d, name)
    mine = photo.hashes[HashKind.FULL]
    for kind in (HashKind.CROP90, HashKind.CROP80):
        d = hamming(mine, other.hashes[kind])
        if d < best[0]:
            best = (d, f"{kind}-other")
    return best


def variant_distance(photo: PhotoRec, other: PhotoRec, kinds: Iterable[str]) -> int:
    """Smallest Hamming distance between any region of one photo and any region of the other
    in one hash family (a crop of either is compared with every crop of the other)."""
    mine = [photo.hashes[k] for k in kinds if k in photo.hashes]
    theirs = [other.hashes[k] for k in kinds if k in other.hashes]
    return min((hamming(a, b) for a in mine for b in theirs), default=65)


def exif_lost(photo: PhotoRec, siblings: Iterable[PhotoRec]) -> dict[str, Any] | None:
    """The photo carries no camera EXIF at all while other photos of the project sent by the
    same account kept theirs (a device): it was re-saved or forwarded, not taken for this
    report. Evidence that strengthens a near-match; not a flag on its own (many phones and
    apps strip EXIF for everybody, and then no sibling has it either)."""
    if not photo.has_no_exif or photo.uploaded_by_id is None:
        return None
    kept = [
        s
        for s in siblings
        if s.id != photo.id and s.uploaded_by_id == photo.uploaded_by_id and s.exif_device
    ]
    if not kept:
        return None
    return {"siblings_with_exif": len(kept), "sibling_device": kept[0].exif_device}


def reuse_findings(
    photo: PhotoRec,
    candidates: Iterable[PhotoRec],
    cfg: Config,
    siblings: Iterable[PhotoRec] = (),
) -> list[Finding]:
    """The same photo (identical bytes, or near-identical pixels: recompressed, stripped of
    EXIF, rotated, cropped) in another project, or at an earlier stage of the same project.

    Two signals (ADR 0038): a strong one, the pHash within ``phash_max_distance`` (6 bits);
    and, instead of a wider pHash threshold that would match distinct photos, a corroborated
    one: pHash within ``phash_corroborated_distance`` *and* the independent dHash within
    ``dhash_max_distance`` on any pair of regions (whole, central and corner crops). A photo
    that lost all its EXIF while its siblings kept theirs makes a match more severe."""
    out = []
    siblings = list(siblings)
    lost = exif_lost(photo, siblings)
    for other in candidates:
        if other.id == photo.id:
            continue
        same_project = other.project_id == photo.project_id
        if same_project and other.stage == photo.stage:
            continue  # two shots of one stage: not evidence of anything
        identical = other.sha256 == photo.sha256
        distance, how = (0, "identical") if identical else best_match(photo, other)
        signal = "phash"
        p_distance = d_distance = None
        if distance > cfg.phash_max_distance:
            p_distance = variant_distance(photo, other, PHASH_KINDS)
            if p_distance > cfg.phash_corroborated_distance:
                continue
            d_distance = variant_distance(photo, other, DHASH_KINDS)
            if d_distance > cfg.dhash_max_distance:
                continue
            signal, distance, how = "phash+dhash", p_distance, "variants"
        if same_project:
            later, earlier = (photo, other) if photo.stage > other.stage else (other, photo)
        else:
            later, earlier = (photo, other) if photo.id > other.id else (other, photo)
        lost_here = lost if later.id == photo.id else exif_lost(later, siblings)
        strong = identical or (signal == "phash" and distance <= 1)
        evidence: dict[str, Any] = {
            "sha256_identical": identical,
            "hamming_distance": distance,
            "similarity": round(1 - distance / 64, 3),
            "match": how,
            "signal": signal,
            "same_project": same_project,
            "photo": {"id": later.id, "project": later.project_id, "stage": later.stage},
            "other_photo": {
                "id": earlier.id,
                "project": earlier.project_id,
                "stage": earlier.stage,
            },
        }
        if d_distance is not None:
            evidence["dhash_distance"] = d_distance
        if lost_here:
            evidence["exif_lost"] = lost_here
        out.append(
            Finding(
                rule=RuleCode.PHOTO_REUSE,
                key=pair_key(photo.id, other.id),
                project_id=later.project_id,
                village_id=later.village_id,
                photo_id=later.id,
                other_project_id=earlier.project_id,
                other_photo_id=earlier.id,
                severity=Severity.HIGH if strong or lost_here else Severity.MEDIUM,
                evidence=evidence,
            )
        )
    return out


# --- GEOTAG_* -------------------------------------------------------------------------------


def geotag_findings(
    photo: PhotoRec, project: ProjectRec, boundary_geojson: str, cfg: Config
) -> list[Finding]:
    """Where the photo was taken, by the device's report and by EXIF: missing, typed in
    (accuracy 0), outside the village, or far from the project's geometry."""

    def finding(rule: str, severity: str, evidence: dict[str, Any]) -> Finding:
        return Finding(
            rule=rule,
            key=str(photo.id),
            project_id=photo.project_id,
            village_id=photo.village_id,
            photo_id=photo.id,
            severity=severity,
            evidence=evidence,
        )

    out: list[Finding] = []
    locations: list[tuple[str, float, float, float]] = []
    device_zero = False
    if photo.device_lat is not None and photo.device_lng is not None:
        if photo.device_accuracy_m is not None and photo.device_accuracy_m <= 0:
            device_zero = True
        else:
            locations.append(
                ("device", photo.device_lat, photo.device_lng, photo.device_accuracy_m or 0.0)
            )
    if photo.exif_lat is not None and photo.exif_lng is not None:
        locations.append(("exif", photo.exif_lat, photo.exif_lng, 0.0))
    if device_zero or not locations:
        out.append(
            finding(
                RuleCode.GEOTAG_MISSING,
                Severity.HIGH if device_zero else Severity.MEDIUM,
                {
                    "reason": "device_accuracy_zero" if device_zero else "no_location",
                    "device_location": [photo.device_lat, photo.device_lng]
                    if photo.device_lat is not None
                    else None,
                    "exif_location": [photo.exif_lat, photo.exif_lng]
                    if photo.exif_lat is not None
                    else None,
                },
            )
        )
    if not locations:
        return out
    boundary = parse_geojson_geometry(boundary_geojson) if boundary_geojson else None
    outside: list[dict[str, Any]] = []
    far: list[dict[str, Any]] = []
    for source, lat, lng, accuracy in locations:
        to_site = geometry_distance_m(project.geom, lat, lng)
        entry = {
            "source": source,
            "lat": lat,
            "lng": lng,
            "accuracy_m": accuracy or None,
            "distance_to_site_m": round(to_site, 1),
        }
        if boundary is not None and not point_within(
            boundary, lat, lng, tolerance_m=cfg.boundary_tolerance_m
        ):
            outside.append(entry)
        elif to_site - min(accuracy, cfg.site_distance_m) > cfg.site_distance_m:
            far.append(entry)
    if outside:
        out.append(
            finding(
                RuleCode.GEOTAG_OUTSIDE_VILLAGE,
                Severity.HIGH,
                {"locations": outside, "tolerance_m": cfg.boundary_tolerance_m},
            )
        )
    elif far:
        out.append(
            finding(
                RuleCode.GEOTAG_FAR_FROM_SITE,
                Severity.MEDIUM,
                {"locations": far, "limit_m": cfg.site_distance_m},
            )
        )
    return out


# --- PHOTO_TIME_INCONSISTENT -----------------------------------------------------------------


def time_findings(
    photo: PhotoRec,
    project: ProjectRec,
    project_photos: Iterable[PhotoRec],
    now: datetime,
    cfg: Config,
) -> list[Finding]:
    """Captured long before the project started, in the future, or a later stage captured
    before an earlier stage's photo."""
    taken = photo.exif_taken_at
    if taken is None:
        return []
    reasons: list[dict[str, Any]] = []
    earliest = project.planned_start - timedelta(days=cfg.photo_early_days)
    if taken.date() < earliest:
        reasons.append(
            {
                "reason": "before_start",
                "planned_start": project.planned_start.isoformat(),
                "days_before": (project.planned_start - taken.date()).days,
            }
        )
    latest_plausible = now + timedelta(minutes=cfg.photo_future_minutes)
    if taken > latest_plausible:
        reasons.append({"reason": "future"})
    for other in project_photos:
        if (
            other.id != photo.id
            and other.stage < photo.stage
            and other.exif_taken_at is not None
            and taken < other.exif_taken_at <= latest_plausible  # a future time is its own flag
        ):
            reasons.append(
                {
                    "reason": "stage_order",
                    "other_photo": other.id,
                    "other_stage": other.stage,
                    "other_taken_at": timezone.localtime(other.exif_taken_at).isoformat(),
                }
            )
            break
    if not reasons:
        return []
    return [
        Finding(
            rule=RuleCode.PHOTO_TIME_INCONSISTENT,
            key=str(photo.id),
            project_id=photo.project_id,
            village_id=photo.village_id,
            photo_id=photo.id,
            severity=Severity.HIGH if len(reasons) > 1 else Severity.MEDIUM,
            evidence={
                "taken_at": timezone.localtime(taken).isoformat(),
                "stage": photo.stage,
                "reasons": reasons,
            },
        )
    ]
