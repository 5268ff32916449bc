"""The village economy: the village-owned enterprise (BUMDes) with its managers, the capital
the APBDes placed in it and its yearly reports; local businesses (UMKM) and their products.

Residents are the population register's (``population.Resident``) and the capital comes from
the budgets app's approved APBDes (financing 6.2.2, penyertaan modal desa): nothing is copied
from either beyond the figure a placement recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.budgets.models.reference import money_field


class VillageEnterprise(models.Model):
    """A village's BUMDes (badan usaha milik desa)."""

    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=120)
    # Nomor badan hukum / sertifikat pendaftaran from the Ministry's registry.
    registration_number = models.CharField(_("legal registration number"), max_length=40)
    # Units of business (unit usaha): short names, e.g. "Air bersih", "Wisata Pantai".
    units = models.JSONField(_("units of business"), default=list, blank=True)
    other_capital = money_field(_("other capital"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("BUMDes")
        verbose_name_plural = _("BUMDes")
        ordering = ["village_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"], name="economy_enterprise_registration_unique"
            ),
            models.UniqueConstraint(fields=["village", "name"], name="economy_enterprise_name"),
            models.CheckConstraint(
                condition=Q(other_capital__gte=0), name="economy_enterprise_other_capital_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseManager(models.Model):
    """A manager (pengurus) of the enterprise: a resident, and optionally the login that holds
    the ``bumdes_manager`` role on the village and so submits the enterprise's reports."""

    enterprise = models.ForeignKey(
        VillageEnterprise, on_delete=models.CASCADE, related_name="managers"
    )
    resident = models.ForeignKey(
        "population.Resident",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resident"),
    )
    position = models.CharField(_("position"), max_length=60)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bumdes_manager",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("BUMDes manager")
        ordering = ["enterprise_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "resident"], name="economy_manager_once_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"manager {self.resident_id}@{self.enterprise_id}"


class CapitalPlacement(models.Model):
    """The equity the village placed in the enterprise in a budget year: never more than the
    approved APBDes's financing 6.2.2 of that year left unplaced (checked by the service)."""

    enterprise = models.ForeignKey(
        VillageEnterprise, on_delete=models.PROTECT, related_name="placements"
    )
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = money_field(_("capital placed"))
    # What the approved APBDes carried when the placement was recorded (for the record).
    budgeted = money_field(_("budgeted equity participation"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("capital placement")
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="economy_placement_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="economy_placement_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.amount}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting the village head")
    CHECKED = "checked", _("Checked by the village head")
    RETURNED = "returned", _("Returned for correction")


class EnterpriseReport(models.Model):
    """The enterprise's yearly report. Profit is revenue minus costs (a loss is negative);
    ``pad_share`` is the part of the profit paid to the village as own revenue (PAD)."""

    enterprise = models.ForeignKey(
        VillageEnterprise, on_delete=models.PROTECT, related_name="reports"
    )
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = money_field(_("revenue"))
    costs = money_field(_("costs"))
    profit = money_field(_("profit"))
    assets = money_field(_("assets"))
    pad_share = money_field(_("share paid to the village (PAD)"))
    employees = models.PositiveIntegerField(_("employees"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    note = models.TextField(_("note of the village head"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("BUMDes report")
        ordering = ["enterprise_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="economy_report_year"),
            models.CheckConstraint(
                condition=Q(revenue__gte=0, costs__gte=0, assets__gte=0, pad_share__gte=0),
                name="economy_report_amounts_gte_0",
            ),
        ]
        indexes = [models.Index(fields=["year", "village"])]

    def __str__(self) -> str:
        return f"report {self.enterprise_id} {self.year}"


# --- local businesses (UMKM) and their products -----------------------------------------------


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the village")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class LocalBusiness(models.Model):
    """A local business (UMKM) of a resident, registered by the village office or by the
    citizen themself, and approved by the village before its products are listed."""

    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    owner = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=120)
    # KBLI 2020 (Klasifikasi Baku Lapangan Usaha Indonesia): five digits; the first two are
    # the division, which names the sector (section letter, see economy.kbli).
    kbli_code = models.CharField(_("KBLI code"), max_length=5)
    sector = models.CharField(_("sector"), max_length=1)
    # Nomor Induk Berusaha from OSS, 13 digits, if the business has one.
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("local business")
        verbose_name_plural = _("local businesses")
        ordering = ["village_id", "name"]
        indexes = [models.Index(fields=["village", "status"]), models.Index(fields=["sector"])]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product of a local business: price, a WhatsApp number the seller chose for buyers,
    an optional photo (a re-encoded copy without metadata); listed once the village approved
    it and its business."""

    business = models.ForeignKey(LocalBusiness, on_delete=models.CASCADE, related_name="products")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    price = money_field(_("price"))
    # International form without "+": 628123456789 (wa.me links take this form).
    whatsapp = models.CharField(_("WhatsApp number"), max_length=15)
    photo = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product")
        ordering = ["business_id", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="economy_product_price_gte_0")
        ]
        indexes = [models.Index(fields=["village", "status", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def whatsapp_url(self) -> str:
        return f"https://wa.me/{self.whatsapp}"
