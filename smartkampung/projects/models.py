"""Village development projects, their progress evidence, and the red flags raised on them.

A project may exist without a budget link (budgets is a separate app; the link to a budget
activity is added when both have landed). The work type is kept twice on purpose (ADR 0030):
the Permendagri 20/2018 activity code as a plain string, and a small physical work type that the
unit-cost and duplicate rules compare.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkType(models.TextChoices):
    ROAD = "road", _("Road")
    DRAIN = "drain", _("Drain")
    BRIDGE = "bridge", _("Bridge")
    CULVERT = "culvert", _("Culvert")
    RETAINING_WALL = "retaining_wall", _("Retaining wall")
    BUILDING = "building", _("Building")
    IRRIGATION = "irrigation", _("Irrigation")
    WATER_SUPPLY = "water_supply", _("Clean water supply")
    SANITATION = "sanitation", _("Sanitation")
    RESERVOIR = "reservoir", _("Small reservoir")
    STREET_LIGHTING = "street_lighting", _("Street lighting")
    SPORTS_FIELD = "sports_field", _("Sports field")
    JETTY = "jetty", _("Boat mooring or jetty")
    HOUSING = "housing", _("Home repair (RTLH)")
    WASTE = "waste", _("Waste management")
    OTHER = "other", _("Other")


class Unit(models.TextChoices):
    METRE = "m", _("metre")
    SQUARE_METRE = "m2", _("square metre")
    CUBIC_METRE = "m3", _("cubic metre")
    PIECE = "unit", _("unit")
    PACKAGE = "package", _("package")


class FundSource(models.TextChoices):
    """Siskeudes fund-source codes (data/reference/fund_sources.csv)."""

    DDS = "DDS", _("Village Fund (Dana Desa)")
    ADD = "ADD", _("Village Fund Allocation (ADD)")
    PAD = "PAD", _("Village own-source revenue")
    PBH = "PBH", _("Share of regional taxes and levies")
    PBP = "PBP", _("Provincial financial assistance")
    PBK = "PBK", _("Regency financial assistance")
    SWD = "SWD", _("Community self-help (swadaya)")
    DLL = "DLL", _("Other funds")


class GeometryKind(models.TextChoices):
    POINT = "point", _("Point")
    LINE = "line", _("Line")
    POLYGON = "polygon", _("Area")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


class Project(models.Model):
    # The identifier of an imported project in its source system (import is idempotent on it).
    external_id = models.CharField(  # noqa: DJ001 - NULL: several projects without an id
        _("external id"), max_length=64, unique=True, null=True
    )
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    title = models.CharField(_("title"), max_length=200)
    activity_code = models.CharField(_("activity code"), max_length=8, blank=True, default="")
    # The budget activity (``budgets.BudgetActivity.lineage``, stable across APBDes revisions)
    # of the village's APBDes in the year of the planned start; empty when not linked.
    budget_activity_lineage = models.UUIDField(
        _("budget activity"), null=True, blank=True, db_index=True
    )
    work_type = models.CharField(_("work type"), max_length=20, choices=WorkType.choices)
    fund_source = models.CharField(_("fund source"), max_length=3, choices=FundSource.choices)
    budget = models.DecimalField(_("budget (Rp)"), max_digits=15, decimal_places=0)
    volume = models.DecimalField(_("volume"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    # budget / volume, kept for the unit-cost rule (a regency-wide statistic per work type).
    unit_cost = models.DecimalField(max_digits=17, decimal_places=2, null=True)
    executor = models.CharField(_("executor"), max_length=150, blank=True, default="")
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    # GeoJSON geometry (WGS84) and a representative point for markers.
    geometry_kind = models.CharField(max_length=8, choices=GeometryKind.choices)
    geometry = models.TextField()
    lat = models.FloatField()
    lng = models.FloatField()
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-planned_start", "-pk"]
        indexes = [
            models.Index(fields=["work_type", "unit"]),
            models.Index(fields=["planned_start"]),
            models.Index(fields=["planned_end"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="project_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0) & models.Q(volume__gt=0),
                name="project_budget_volume_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int:
        return self.planned_start.year


class ProjectCell(models.Model):
    """The H3 cells a project's geometry touches: the indexed column of the nearby search."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cells")
    cell = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "cell"], name="unique_project_cell")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}@{self.cell:x}"


class ProgressReport(models.Model):
    """Progress at one stage (0 %, 50 %, 100 % by default: ``SK_PROJECTS_STAGES``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    stage = models.PositiveSmallIntegerField(_("stage (%)"))
    reported_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        ordering = ["project_id", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="unique_report_stage")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} @ {self.stage} %"


class ProgressPhoto(models.Model):
    """One photo: the original bytes as received, what the server read from them, and the
    location the reporting device sent (kept apart from EXIF: both are evidence)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    stage = models.PositiveSmallIntegerField()
    original = models.FileField(max_length=200)
    original_name = models.CharField(max_length=120, blank=True, default="")
    content_type = models.CharField(max_length=20)
    size_bytes = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.CharField(max_length=16)
    # pHash of the 90/180/270-degree rotations (hex, space-separated): query side only.
    phash_rotations = models.CharField(max_length=50, blank=True, default="")
    exif_lat = models.FloatField(null=True)
    exif_lng = models.FloatField(null=True)
    exif_taken_at = models.DateTimeField(null=True)
    exif_device = models.CharField(max_length=120, blank=True, default="")
    device_lat = models.FloatField(null=True)
    device_lng = models.FloatField(null=True)
    device_accuracy_m = models.FloatField(null=True)
    # EXIF-free derivatives made in the background (tasks.photo_make_derivatives).
    thumbnail = models.FileField(max_length=200, blank=True, default="")
    display = models.FileField(max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress photo")
        ordering = ["stage", "pk"]
        indexes = [models.Index(fields=["project", "stage"])]

    def __str__(self) -> str:
        return f"photo {self.pk} of project {self.project_id}"

    @property
    def has_device_location(self) -> bool:
        return self.device_lat is not None and self.device_lng is not None

    @property
    def has_exif_location(self) -> bool:
        return self.exif_lat is not None and self.exif_lng is not None


class HashKind(models.TextChoices):
    # pHash (DCT): the whole photo and central crops (band-indexed for the strong match) ...
    FULL = "full", _("whole photo")
    CROP90 = "crop90", _("central 90 %")
    CROP80 = "crop80", _("central 80 %")
    # ... and the four corner crops of 90 % (an off-centre crop), ADR 0038.
    TL90 = "tl90", _("top-left 90 %")
    TR90 = "tr90", _("top-right 90 %")
    BL90 = "bl90", _("bottom-left 90 %")
    BR90 = "br90", _("bottom-right 90 %")
    # dHash (gradients), the second, independent family, of the same seven regions.
    DFULL = "dfull", _("whole photo (difference hash)")
    D90 = "d90", _("central 90 % (difference hash)")
    D80 = "d80", _("central 80 % (difference hash)")
    DTL90 = "dtl90", _("top-left 90 % (difference hash)")
    DTR90 = "dtr90", _("top-right 90 % (difference hash)")
    DBL90 = "dbl90", _("bottom-left 90 % (difference hash)")
    DBR90 = "dbr90", _("bottom-right 90 % (difference hash)")


# The regions hashed by both families: (pHash kind, dHash kind, box as fractions l, t, r, b).
HASH_REGIONS = (
    (HashKind.FULL, HashKind.DFULL, (0.0, 0.0, 1.0, 1.0)),
    (HashKind.CROP90, HashKind.D90, (0.05, 0.05, 0.95, 0.95)),
    (HashKind.CROP80, HashKind.D80, (0.1, 0.1, 0.9, 0.9)),
    (HashKind.TL90, HashKind.DTL90, (0.0, 0.0, 0.9, 0.9)),
    (HashKind.TR90, HashKind.DTR90, (0.1, 0.0, 1.0, 0.9)),
    (HashKind.BL90, HashKind.DBL90, (0.0, 0.1, 0.9, 1.0)),
    (HashKind.BR90, HashKind.DBR90, (0.1, 0.1, 1.0, 1.0)),
)
PHASH_KINDS = tuple(p for p, _d, _box in HASH_REGIONS)
DHASH_KINDS = tuple(d for _p, d, _box in HASH_REGIONS)


class PhotoHash(models.Model):
    """Perceptual hashes of a photo (whole, and central crops so that a cropped copy is found),
    split into four 16-bit bands: two hashes within Hamming distance d < 8 share at least one
    band up to one bit, so the near-duplicate search is an indexed lookup (ADR 0032). Kinds
    compared only within a project (corner crops, dHash: ADR 0038) store -1 in the bands, a
    value no lookup asks for, so they do not dilute the band indexes."""

    photo = models.ForeignKey(ProgressPhoto, on_delete=models.CASCADE, related_name="hashes")
    kind = models.CharField(max_length=6, choices=HashKind.choices)
    value = models.BigIntegerField()
    band0 = models.IntegerField(db_index=True)
    band1 = models.IntegerField(db_index=True)
    band2 = models.IntegerField(db_index=True)
    band3 = models.IntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["photo", "kind"], name="unique_photo_hash_kind")
        ]

    def __str__(self) -> str:
        return f"{self.photo_id} {self.kind}"


class UploadStatus(models.TextChoices):
    OPEN = "open", _("receiving")
    COMPLETE = "complete", _("complete")


class PhotoUpload(models.Model):
    """A resumable photo upload: chunks are appended at ``received`` until ``size`` bytes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="uploads")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=120, blank=True, default="")
    size = models.PositiveIntegerField()
    received = models.PositiveIntegerField(default=0)
    device_lat = models.FloatField(null=True)
    device_lng = models.FloatField(null=True)
    device_accuracy_m = models.FloatField(null=True)
    status = models.CharField(max_length=10, choices=UploadStatus.choices, default="open")
    photo = models.ForeignKey(ProgressPhoto, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"upload {self.id} ({self.received}/{self.size})"


class RuleCode(models.TextChoices):
    DUPLICATE_PROJECT = "DUPLICATE_PROJECT", _("Possible duplicate project")
    PHOTO_REUSE = "PHOTO_REUSE", _("Photo reused")
    GEOTAG_OUTSIDE_VILLAGE = "GEOTAG_OUTSIDE_VILLAGE", _("Photo taken outside the village")
    GEOTAG_FAR_FROM_SITE = "GEOTAG_FAR_FROM_SITE", _("Photo taken far from the site")
    GEOTAG_MISSING = "GEOTAG_MISSING", _("Photo without a trustworthy location")
    PHOTO_TIME_INCONSISTENT = "PHOTO_TIME_INCONSISTENT", _("Photo time inconsistent")
    UNIT_COST_OUTLIER = "UNIT_COST_OUTLIER", _("Unit cost outlier")
    PROGRESS_WITHOUT_EVIDENCE = "PROGRESS_WITHOUT_EVIDENCE", _("Progress without evidence")
    STALLED = "STALLED", _("Stalled project")
    DISBURSED_AHEAD_OF_PROGRESS = "DISBURSED_AHEAD_OF_PROGRESS", _("Money ahead of progress")


class Severity(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


SEVERITY_ORDER = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


class FlagStatus(models.TextChoices):
    OPEN = "open", _("open")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")
    # The rule no longer fires (e.g. the missing photo was uploaded); reopened if it fires again.
    RESOLVED = "resolved", _("resolved by itself")


class RedFlag(models.Model):
    """One finding of one rule, identified by (rule, key) so that re-running the rules updates
    it instead of adding another, and never overwrites an inspector's decision."""

    rule = models.CharField(_("rule"), max_length=32, choices=RuleCode.choices)
    key = models.CharField(max_length=80)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="flags")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    photo = models.ForeignKey(
        ProgressPhoto, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_photo = models.ForeignKey(
        ProgressPhoto, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    evidence = models.JSONField(default=dict)
    first_detected_at = models.DateTimeField()
    last_detected_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        ordering = ["-last_detected_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="unique_flag_key")]
        indexes = [
            models.Index(fields=["status", "village"]),
            models.Index(fields=["project", "rule"]),
            models.Index(fields=["other_project"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.key}"

    @property
    def is_decided(self) -> bool:
        return self.status in {FlagStatus.CONFIRMED, FlagStatus.DISMISSED}


class DetectionRun(models.Model):
    """One ``detect_redflags`` run: when it started (the next incremental run looks at what
    changed since then), whether it was a full run, and the fingerprints of the thresholds and
    of the SSH price standards it ran with (a change of either widens the next run, ADR 0130)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    full = models.BooleanField(default=True)
    config_digest = models.CharField(max_length=64)
    ssh_digest = models.CharField(max_length=64)
    projects_checked = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    # The unit-cost quartiles of every (regency, work type, unit) group at this run:
    # {"35.10|road|m": [n, q1, median, q3]}; a group whose figures moved is re-checked.
    cost_stats = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{'full' if self.full else 'incremental'} run at {self.started_at:%Y-%m-%d %H:%M}"
