"""The population register: residents, households (KK), life events, who viewed what.

Contracts other apps build on (keep stable): ``Resident``, ``Household``, ``LifeEvent`` and
their field names. Codes follow Dukcapil's SIAK lists (``codes.py``). Residents point at their
village (``village_id`` is the Kemendagri code), so scope filters need no join (ADR 0002).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .codes import (
    BloodType,
    Citizenship,
    Disability,
    Education,
    FamilyRole,
    MaritalStatus,
    Occupation,
    Religion,
    Sex,
)
from .identity import age_on

__all__ = [
    "ActivationCode",
    "BloodType",
    "Citizenship",
    "Disability",
    "Education",
    "FamilyRole",
    "Household",
    "ImportJob",
    "LifeEvent",
    "LifeEventKind",
    "MaritalStatus",
    "Occupation",
    "Religion",
    "Resident",
    "ResidentStatus",
    "ResidentViewLog",
    "Sex",
    "TransferRequest",
    "VillageStatistics",
]


class ResidentStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DEAD = "dead", _("Dead")
    MOVED_AWAY = "moved_away", _("Moved away")
    MISSING = "missing", _("Missing")


# Statuses of people who still live in the regency as far as the register knows: a NIK is
# unique among them, and only they count in statistics and may log in.
LIVING_STATUSES = (ResidentStatus.ALIVE, ResidentStatus.MISSING)


class Household(models.Model):
    """A family card (Kartu Keluarga). ``head`` is the member with SHDK 1."""

    kk_number = models.CharField(_("KK number"), max_length=16)
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    head = models.ForeignKey(
        "population.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of family"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    rt = models.CharField(_("RT"), max_length=3)
    rw = models.CharField(_("RW"), max_length=3)
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["kk_number"], name="household_kk_unique")]
        indexes = [models.Index(fields=["village", "rw", "rt"], name="household_village_rt")]

    def __str__(self) -> str:
        return f"KK {self.pk}"


class Resident(models.Model):
    """A person in the register. ``nik`` is unique among living residents (partial index)."""

    nik = models.CharField(_("NIK"), max_length=16)
    full_name = models.CharField(_("full name"), max_length=100)
    # Lower-case, accent-free form of full_name for search (identity.normalise_name); on
    # PostgreSQL it carries a pg_trgm GIN index (migration 0002).
    name_search = models.CharField(max_length=100, editable=False, default="")
    sex = models.PositiveSmallIntegerField(_("sex"), choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=60)
    birth_date = models.DateField(_("date of birth"))
    religion = models.PositiveSmallIntegerField(_("religion"), choices=Religion.choices)
    education = models.PositiveSmallIntegerField(_("education"), choices=Education.choices)
    occupation = models.PositiveSmallIntegerField(_("occupation"), choices=Occupation.choices)
    marital_status = models.PositiveSmallIntegerField(
        _("marital status"), choices=MaritalStatus.choices
    )
    family_role = models.PositiveSmallIntegerField(
        _("relationship to head of family (SHDK)"), choices=FamilyRole.choices
    )
    blood_type = models.PositiveSmallIntegerField(
        _("blood type"), choices=BloodType.choices, default=BloodType.UNKNOWN
    )
    citizenship = models.PositiveSmallIntegerField(
        _("citizenship"), choices=Citizenship.choices, default=Citizenship.WNI
    )
    disability = models.PositiveSmallIntegerField(
        _("disability"), choices=Disability.choices, null=True, blank=True
    )
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=100, blank=True)
    # No index of its own: resident_village_list starts with village_id.
    village = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village"),
        db_index=False,
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    rt = models.CharField(_("RT"), max_length=3)
    rw = models.CharField(_("RW"), max_length=3)
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ResidentStatus.choices, default=ResidentStatus.ALIVE
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    # The citizen's login (set on activation); they log in with their NIK (backends.py).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=Q(status__in=["alive", "missing"]),
                name="resident_nik_unique_living",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=[1, 2]), name="resident_sex_is_dukcapil_code"
            ),
        ]
        indexes = [
            models.Index(fields=["nik"], name="resident_nik"),
            # The village list: filter by village and status, ordered by name (ADR 0011).
            models.Index(
                fields=["village", "status", "name_search", "id"], name="resident_village_list"
            ),
            # Regency- and district-wide lists ordered by name.
            models.Index(fields=["name_search", "id"], name="resident_name_order"),
            # Statistics roll forward by the birth dates that changed age band (ADR 0012).
            models.Index(fields=["birth_date"], name="resident_birth_date"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_living(self) -> bool:
        return self.status in LIVING_STATUSES

    def age(self, today: date | None = None) -> int:
        return age_on(self.birth_date, today or date.today())


class LifeEventKind(models.TextChoices):
    BIRTH = "birth", _("Birth")
    DEATH = "death", _("Death")
    MOVE_IN = "move_in", _("Move in")
    MOVE_OUT = "move_out", _("Move out")
    TRANSFER = "transfer", _("Transfer between villages")
    # Registration by the operator or an import (not a life event, but part of the history).
    REGISTERED = "registered", _("Registered")


class LifeEvent(models.Model):
    """One entry of a resident's history (peristiwa). For a transfer, ``village`` is the
    destination and ``other_village`` the origin; both villages see it."""

    kind = models.CharField(_("event"), max_length=12, choices=LifeEventKind.choices)
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="life_events", verbose_name=_("resident")
    )
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    other_village = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other village"),
    )
    occurred_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    details = models.TextField(_("details"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["village", "-occurred_on"], name="lifeevent_village_date"),
            models.Index(fields=["other_village", "-occurred_on"], name="lifeevent_other_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


# The longest reason a full view of a record may carry; a longer one is refused, not cut.
VIEW_REASON_MAX_LENGTH = 200


class ResidentViewLog(models.Model):
    """One full view of a resident's record by an official (shown to the citizen)."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="view_logs")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept when the account is deleted: the citizen still sees who looked.
    viewer_name = models.CharField(_("viewed by"), max_length=150)
    viewer_role = models.CharField(_("role"), max_length=150, blank=True)
    viewed_at = models.DateTimeField(_("when"), auto_now_add=True)
    # Required by the service that grants the view (ADR 0072); blank only in older rows.
    reason = models.CharField(_("reason"), max_length=VIEW_REASON_MAX_LENGTH, blank=True)
    channel = models.CharField(max_length=3, choices=Channel.choices, default=Channel.WEB)

    class Meta:
        verbose_name = _("record view")
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["resident", "-viewed_at"], name="viewlog_resident")]

    def __str__(self) -> str:
        return f"{self.viewer_name} {self.viewed_at:%Y-%m-%d %H:%M}"

    @property
    def role_labels(self) -> str:
        """The viewer's roles, translated (stored as role codes)."""
        from smartkampung.accounts.models import Role

        return ", ".join(
            str(Role(c).label) for c in self.viewer_role.split(",") if c in Role.values
        )


class ActivationCode(models.Model):
    """A one-time code the village office gives a citizen to set their password.

    Only an HMAC-SHA-256 of the code is stored; it expires and is used at most once."""

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="activation_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        indexes = [models.Index(fields=["resident", "-created_at"], name="activation_resident")]

    def __str__(self) -> str:
        return f"activation code {self.pk}"


class ImportJob(models.Model):
    """A web upload of residents, validated and imported by a background task."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        VALIDATING = "validating", _("Checking rows")
        SAVING = "saving", _("Saving")
        DONE = "done", _("Done")
        FAILED = "failed", _("Refused")

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200)
    # The uploaded file, deleted once the job has finished (it holds personal data).
    file = models.FileField(upload_to="population/imports/", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # [{"row": 3, "column": "nik", "message": "..."}], the first MAX_REPORTED_ERRORS.
    errors_json = models.TextField(default="[]")
    error_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("resident import")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))


class VillageStatistics(models.Model):
    """Aggregate counts of one village's living residents (no personal data), recomputed when
    the register changes (``stale``) or the day changes (ages move). Regency and kecamatan
    figures are sums of these rows (ADR 0012)."""

    village = models.OneToOneField(
        "regions.Village", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    computed_on = models.DateField()
    stale = models.BooleanField(default=False)
    data_json = models.TextField(default="{}")

    class Meta:
        verbose_name = _("village statistics")

    def __str__(self) -> str:
        return f"statistics {self.village_id}"


class TransferRequest(models.Model):
    """A move of a resident (or a whole household) into another village of the regency, asked
    by the origin village and decided by the receiving one (ADR 0064). Until it is accepted
    nobody moves; ``kk_number`` is the family card they join there (created if new), blank
    for a whole household, which keeps its own."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("One resident")
        HOUSEHOLD = "household", _("Whole household")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiving village")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="transfer_requests",
        verbose_name=_("resident"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer_requests",
        verbose_name=_("household"),
    )
    village = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("origin village"),
    )
    target_village = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving village"),
    )
    kk_number = models.CharField(_("KK number in the receiving village"), max_length=16, blank=True)
    # The household they joined, set on acceptance.
    target_household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_on = models.DateField(_("date of moving"))
    rt = models.CharField(_("RT"), max_length=3)
    rw = models.CharField(_("RW"), max_length=3)
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # Who accepted, refused or cancelled, when, and their note (a refusal must say why).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request per person: a second one would move them twice.
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_resident",
            ),
            models.CheckConstraint(
                condition=Q(kind="resident") | Q(household__isnull=False),
                name="transfer_household_kind_has_household",
            ),
        ]
        indexes = [
            models.Index(fields=["target_village", "status"], name="transfer_target_status"),
            models.Index(fields=["village", "status"], name="transfer_origin_status"),
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
