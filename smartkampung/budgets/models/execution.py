"""Execution of an approved APBDes: disbursement requests (SPP) and revenue receipts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .budget import BudgetItem
from .reference import Account, FundSource, money_field


class DisbursementKind(models.TextChoices):
    LS = "LS", _("Direct payment (LS)")
    UM = "UM", _("Advance (panjar)")


class DisbursementStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the village head")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Disbursement(models.Model):
    """An SPP: the treasurer's request to pay from one budget item, approved by the head.

    ``item`` always points at the item of the executing version: when a revision is approved,
    requests move to the matching item of the new version (same ``lineage``).
    """

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    item = models.ForeignKey(BudgetItem, on_delete=models.PROTECT, related_name="disbursements")
    seq = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=60)
    kind = models.CharField(
        _("kind"), max_length=2, choices=DisbursementKind.choices, default=DisbursementKind.LS
    )
    description = models.CharField(_("description"), max_length=255)
    amount = money_field(_("amount"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.PENDING,
    )
    requested_on = models.DateField(_("request date"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The date the money counts as realised (the approval date), for the LRA periods.
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    decision_notes = models.CharField(_("notes"), max_length=255, blank=True)
    # Paid out by the treasurer after the head's approval (ADR 0073). The status stays
    # ``approved`` (the realisation counts from the approval, as in Siskeudes); ``paid_at`` is
    # the "paid" state.
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-seq"]
        verbose_name = _("disbursement request (SPP)")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "seq"], name="budgets_disbursement_unique_seq"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="budgets_disbursement_amount_gt_0"
            ),
            models.CheckConstraint(
                condition=~Q(status=DisbursementStatus.APPROVED) | Q(approved_on__isnull=False),
                name="budgets_disbursement_approved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(paid_at__isnull=True) | Q(status=DisbursementStatus.APPROVED),
                name="budgets_disbursement_paid_is_approved",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "year", "status"]),
            models.Index(fields=["item", "status"]),
            # The treasurer's inbox: approved SPP not yet paid, oldest approval first.
            models.Index(
                fields=["village", "approved_on"],
                condition=Q(status=DisbursementStatus.APPROVED, paid_at__isnull=True),
                name="budgets_spp_to_pay",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class RevenueReceipt(models.Model):
    """Money received (TBP) by account and fund source, counted in the LRA's revenue column."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    fund_source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=60)
    received_on = models.DateField(_("date received"))
    description = models.CharField(_("description"), max_length=255)
    amount = money_field(_("amount"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-seq"]
        verbose_name = _("revenue receipt")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "seq"], name="budgets_receipt_unique_seq"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="budgets_receipt_amount_gt_0"),
        ]
        indexes = [models.Index(fields=["village", "year", "fund_source"])]

    def __str__(self) -> str:
        return self.number
