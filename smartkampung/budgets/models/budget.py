"""The APBDes: one ``VillageBudget`` row per village, year and version.

Version 1 is the original APBDes; each revision (perubahan APBDes) is a new version copied
from the approved one, so every version is kept. Rows of a version carry a ``lineage`` UUID
that is copied into its revisions: it identifies "the same line" across versions (for the
version diff, and to carry realisation over when a revision is approved).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .reference import Account, Activity, FundSource, UnitPriceStandard, money_field

# Every stored amount is a multiple of 0.01, so allowing 0.005 of slack admits no real excess;
# it only absorbs float rounding where SQLite evaluates the constraint on REAL values.
CONSTRAINT_SLACK = Decimal("0.005")


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting the kecamatan")
    RETURNED = "returned", _("Returned for correction")
    EVALUATED = "evaluated", _("Evaluated, awaiting the regency")
    APPROVED = "approved", _("Approved and locked")
    SUPERSEDED = "superseded", _("Superseded by a revision")


# A village-year has at most one version in progress and at most one approved version.
OPEN_STATUSES = (
    BudgetStatus.DRAFT,
    BudgetStatus.SUBMITTED,
    BudgetStatus.RETURNED,
    BudgetStatus.EVALUATED,
)
EDITABLE_STATUSES = (BudgetStatus.DRAFT, BudgetStatus.RETURNED)
# Seen by officials above the village (a draft is the village's own workspace).
SHARED_STATUSES = (
    BudgetStatus.SUBMITTED,
    BudgetStatus.RETURNED,
    BudgetStatus.EVALUATED,
    BudgetStatus.APPROVED,
    BudgetStatus.SUPERSEDED,
)


class BudgetOrigin(models.TextChoices):
    MANUAL = "manual", _("Entered here")
    SISKEUDES = "siskeudes", _("Imported from Siskeudes")


class VillageBudget(models.Model):
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=BudgetOrigin.choices, default=BudgetOrigin.MANUAL
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["village_id", "-year", "-version"]
        verbose_name = _("village budget (APBDes)")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "version"], name="budgets_budget_unique_version"
            ),
            models.UniqueConstraint(
                fields=["village", "year"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="budgets_budget_one_open_version",
            ),
            models.UniqueConstraint(
                fields=["village", "year"],
                condition=Q(status=BudgetStatus.APPROVED),
                name="budgets_budget_one_approved_version",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="budgets_budget_year_range"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="budgets_budget_version_gte_1"
            ),
        ]
        indexes = [models.Index(fields=["year", "status", "village"])]

    def __str__(self) -> str:
        return f"APBDes {self.village_id} {self.year} v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_revision(self) -> bool:
        return self.version > 1

    @property
    def label(self) -> str:
        if self.is_revision:
            return str(
                _("Revised APBDes %(year)s (version %(version)s)")
                % {"year": self.year, "version": self.version}
            )
        return str(_("APBDes %(year)s") % {"year": self.year})


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted by the village head")
    DISTRICT_APPROVE = "district_approve", _("Evaluated and approved by the kecamatan")
    DISTRICT_RETURN = "district_return", _("Returned by the kecamatan")
    REGENCY_APPROVE = "regency_approve", _("Approved by the regency")
    REGENCY_RETURN = "regency_return", _("Returned by the regency")


class BudgetReview(models.Model):
    """One step of the workflow, with the reviewer's notes (shown to the village)."""

    budget = models.ForeignKey(VillageBudget, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(_("action"), max_length=20, choices=ReviewAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("budget review")

    def __str__(self) -> str:
        return f"{self.budget_id} {self.action}"


class BudgetRevenue(models.Model):
    """A revenue line (pendapatan) by account and fund source."""

    budget = models.ForeignKey(VillageBudget, on_delete=models.CASCADE, related_name="revenues")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    fund_source = models.ForeignKey(
        FundSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    amount = money_field(_("amount"))
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["account_id", "position", "pk"]
        verbose_name = _("revenue line")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgets_revenue_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.fund_source_id} {self.amount}"


class BudgetFinancing(models.Model):
    """A financing line: receipts (6.1, e.g. SiLPA) add to the means, expenditures (6.2) take."""

    budget = models.ForeignKey(
        VillageBudget, on_delete=models.CASCADE, related_name="financing_lines"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    fund_source = models.ForeignKey(
        FundSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    amount = money_field(_("amount"))
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["account_id", "position", "pk"]
        verbose_name = _("financing line")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="budgets_financing_amount_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"

    @property
    def is_receipt(self) -> bool:
        return self.account_id.startswith("6.1")


class BudgetActivity(models.Model):
    """An activity of the reference list (``Activity``, code BB.SS.KK) in one budget version.

    Projects (the projects app) belong to a budget activity; ``lineage`` stays the same across
    revisions, so a project can follow its activity into later versions.
    """

    budget = models.ForeignKey(VillageBudget, on_delete=models.CASCADE, related_name="activities")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("location"), max_length=255, blank=True)
    output = models.CharField(_("output"), max_length=255, blank=True)
    output_volume = models.DecimalField(
        _("output volume"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    output_unit = models.CharField(_("output unit"), max_length=40, blank=True)
    duration = models.CharField(_("duration"), max_length=40, blank=True)
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["activity_id"]
        verbose_name = _("budget activity")
        verbose_name_plural = _("budget activities")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "activity"], name="budgets_activity_once_per_budget"
            ),
            models.CheckConstraint(
                condition=Q(output_volume__gte=0), name="budgets_activity_volume_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_id} {self.activity_id}"

    @property
    def sector_code(self) -> str:
        return str(self.activity_id)[:2]


class BudgetItem(models.Model):
    """RAB rinci: one expenditure line of an activity.

    ``committed`` holds pending disbursement requests, ``realised`` approved ones. The database
    refuses ``committed + realised > amount`` (the service also checks it under a row lock).
    On a version that is not executing, both stay 0.
    """

    budget = models.ForeignKey(VillageBudget, on_delete=models.CASCADE, related_name="items")
    activity = models.ForeignKey(BudgetActivity, on_delete=models.CASCADE, related_name="items")
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2, default=Decimal("0"))
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    unit_price = money_field(_("unit price"))
    amount = money_field(_("amount"))
    fund_source = models.ForeignKey(
        FundSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ssh = models.ForeignKey(
        UnitPriceStandard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SSH item"),
    )
    committed = money_field(_("requested, not yet approved"))
    realised = money_field(_("realised"))
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["activity_id", "position", "pk"]
        verbose_name = _("budget item")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgets_item_amount_gte_0"),
            models.CheckConstraint(condition=Q(volume__gte=0), name="budgets_item_volume_gte_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="budgets_item_unit_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(committed__gte=0, realised__gte=0),
                name="budgets_item_execution_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(
                    amount__gte=F("committed") + F("realised") - CONSTRAINT_SLACK,
                ),
                name="budgets_item_realisation_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["budget", "fund_source"])]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount})"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed - self.realised
