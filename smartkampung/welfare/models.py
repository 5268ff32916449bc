"""The welfare register (DTKS / DTSEN), aid programmes with their rules, enrolments, the
villages' proposals (usulan) and BLT Dana Desa payments.

The register keeps every version of a household's record: a version is true from
``valid_from`` (inclusive) to ``valid_to`` (exclusive, open while ``None``), so "what was true
on a date" is one indexed query (ADR 0080). Programmes keep their eligibility rules as data
(decile ceiling, age condition, exclusions), which ``rules.py`` reads (ADR 0081).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

DECILE_MIN, DECILE_MAX = 1, 10


class EntrySource(models.TextChoices):
    IMPORT = "import", _("DTKS/DTSEN import")
    PROPOSAL = "proposal", _("Approved proposal")


class RegisterImport(models.Model):
    """One import of the national welfare data, with its report (never personal data)."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    as_of = models.DateField(_("data as of"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)
    household_count = models.PositiveIntegerField(default=0)
    new_versions = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # [{"row": 7, "kind": "dead", "message": "..."}]: rows that could not be matched cleanly.
    report_json = models.JSONField(default=list)

    class Meta:
        verbose_name = _("welfare register import")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"welfare import {self.pk}"


class RegisterEntry(models.Model):
    """One version of one household's record in the welfare register."""

    household = models.ForeignKey(
        "population.Household", on_delete=models.PROTECT, related_name="+"
    )
    # The household's village when the version was written (scope filters need no join).
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    dtks_id = models.CharField(_("DTKS household ID"), max_length=40, blank=True)
    decile = models.PositiveSmallIntegerField(_("decile"))
    # Programme flags as the national data carries them (e.g. ["PKH", "BPNT"]).
    flags = models.JSONField(default=list, blank=True)
    member_count = models.PositiveSmallIntegerField(default=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(max_length=10, choices=EntrySource.choices)
    register_import = models.ForeignKey(
        RegisterImport, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    proposal = models.ForeignKey(
        "welfare.WelfareProposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("welfare register entry")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(valid_to__isnull=True),
                name="welfare_one_current_entry",
            ),
            models.CheckConstraint(
                condition=Q(decile__gte=DECILE_MIN, decile__lte=DECILE_MAX),
                name="welfare_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="welfare_entry_period_order",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "valid_from"], name="welfare_entry_household"),
            models.Index(fields=["village", "valid_to", "decile"], name="welfare_entry_village"),
        ]

    def __str__(self) -> str:
        return f"welfare entry {self.pk}"

    def true_on(self, day: object) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)  # type: ignore[operator]


class Target(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    PERSON = "person", _("Person")


class ProgrammeFundSource(models.TextChoices):
    APBN = "apbn", _("State budget (APBN)")
    APBD_PROVINCE = "apbd_province", _("Provincial budget (APBD)")
    APBD_REGENCY = "apbd_regency", _("Regency budget (APBD)")
    DANA_DESA = "dana_desa", _("Village Fund (Dana Desa)")


class AidProgramme(models.Model):
    """An aid programme (bansos) and its eligibility rules, kept by the social office."""

    # The regency whose social office keeps it (codes are unique per regency).
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    target = models.CharField(_("target"), max_length=10, choices=Target.choices)
    fund_source = models.CharField(
        _("fund source"), max_length=16, choices=ProgrammeFundSource.choices
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Rules as data (rules.py): None means "no such rule".
    decile_max = models.PositiveSmallIntegerField(_("decile ceiling"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    # Not for whoever is enrolled in one of these programmes in the same period.
    excludes = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="+", verbose_name=_("excludes")
    )
    # BLT Dana Desa: the APBDes activity that pays it and the monthly amount.
    budget_activity_code = models.CharField(
        _("budget activity (BB.SS.KK)"), max_length=8, blank=True
    )
    monthly_amount = models.DecimalField(
        _("monthly amount"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aid programme")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "code"], name="welfare_programme_code"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="welfare_programme_period_order"
            ),
            models.CheckConstraint(
                condition=Q(decile_max__isnull=True)
                | Q(decile_max__gte=DECILE_MIN, decile_max__lte=DECILE_MAX),
                name="welfare_programme_decile_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ProgrammeQuota(models.Model):
    """How many recipients a village may have in each period of a programme."""

    programme = models.ForeignKey(AidProgramme, on_delete=models.CASCADE, related_name="quotas")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("quota")
        constraints = [
            models.UniqueConstraint(fields=["programme", "village"], name="welfare_quota_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}@{self.village_id}: {self.quota}"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Enrolled")
    REVIEW = "review", _("Held for review")
    REFUSED = "refused", _("Refused after review")


class Enrolment(models.Model):
    """A recipient of a programme in one monthly period (``YYYY-MM``)."""

    programme = models.ForeignKey(AidProgramme, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=7)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "population.Household", on_delete=models.PROTECT, related_name="+"
    )
    # The person (for a person-target programme), else None.
    resident = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied so that the cross-village and duplicate rules need no join: the person's (or the
    # head's) NIK, the KK number, the normalised name and the birth date.
    nik = models.CharField(max_length=16, blank=True)
    kk_number = models.CharField(max_length=16)
    name_search = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    # The rules that fired (held for review), as rules.Finding dicts.
    findings = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        ordering = ["-period", "programme_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period", "household"],
                condition=Q(resident__isnull=True),
                name="welfare_household_enrolled_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "period", "resident"],
                condition=Q(resident__isnull=False),
                name="welfare_person_enrolled_once",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "period", "village", "status"], name="enrol_quota"),
            models.Index(fields=["kk_number", "period"], name="enrol_kk"),
            models.Index(fields=["nik", "period"], name="enrol_nik"),
            models.Index(fields=["programme", "period", "birth_date"], name="enrol_birth"),
            models.Index(fields=["household", "period"], name="enrol_household"),
            # The overlap matrix reads one period's active rows (covering: no table access).
            models.Index(
                fields=["period", "status", "village", "household", "programme"],
                name="enrol_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.period} #{self.pk}"


class ProposalKind(models.TextChoices):
    ADD = "add", _("Add to the register")
    REMOVE = "remove", _("Remove from the register")
    DECILE = "decile", _("Change the decile")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the kecamatan")
    CHECKED = "checked", _("Checked, waiting for the social office")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class WelfareProposal(models.Model):
    """A village's proposal (usulan) to add, remove or re-rank a household."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "population.Household", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("proposal"), max_length=8, choices=ProposalKind.choices)
    decile = models.PositiveSmallIntegerField(_("proposed decile"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000)
    evidence = models.TextField(_("evidence"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.TextField(blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=1000)

    class Meta:
        verbose_name = _("welfare proposal")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decile__isnull=True)
                | Q(decile__gte=DECILE_MIN, decile__lte=DECILE_MAX),
                name="welfare_proposal_decile_1_to_10",
            ),
        ]
        indexes = [models.Index(fields=["status", "village"], name="welfare_proposal_queue")]

    def __str__(self) -> str:
        return f"proposal {self.pk}"


class BltPayment(models.Model):
    """A monthly BLT Dana Desa payment: a disbursement request against the APBDes line."""

    # Several rows only when earlier requests were rejected or cancelled (services check).
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="payments")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    disbursement = models.OneToOneField(
        "budgets.Disbursement", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("BLT Dana Desa payment")

    def __str__(self) -> str:
        return f"BLT payment {self.pk}"


class SpmOutsideRegister(models.Model):
    """An SPM issued to a household that is not in the welfare register, with the reason."""

    letter_request_id = models.PositiveBigIntegerField(unique=True)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "population.Household", on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SPM outside the register")
        indexes = [models.Index(fields=["village", "recorded_at"], name="welfare_spm_outside")]

    def __str__(self) -> str:
        return f"SPM outside register {self.letter_request_id}"
