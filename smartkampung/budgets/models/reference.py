"""Reference lists (Permendagri 20/2018, Siskeudes) and the regency's figures: ceilings, SSH.

Codes are primary keys, written as in the regulation without Siskeudes' trailing dots:
accounts ``4.1.2.01``, activities ``02.03.10`` (bidang.sub-bidang.kegiatan), fund sources ``DDS``.
Regency officers extend the lists (regional codes 90–99); rows are never deleted, only
deactivated, because budgets of past years point at them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MONEY_DIGITS = 18
MONEY_PLACES = 2
ZERO = Decimal("0.00")


def regency_of(code: str) -> str:
    """``35.10.01.2001`` → ``35.10``: the regency a region code belongs to."""
    return ".".join(code.split(".")[:2])


class ReferenceQuerySet(models.QuerySet[Any]):
    def usable_in(self, region_code: str) -> ReferenceQuerySet:
        """National rows plus the rows the region's own regency added."""
        return self.filter(Q(regency__isnull=True) | Q(regency_id=regency_of(region_code)))


def regency_field() -> Any:
    """The regency that added a row (regional codes, SSH); empty for the national lists."""
    return models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regency"),
    )


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    """Every amount of money: Decimal with 2 places, never a float."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(
        verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs
    )


class LocalizedName(models.Model):
    """Official Indonesian name plus our English translation (no official status)."""

    name_id = models.CharField(_("name (Indonesian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        language = get_language() or "id"
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_id


class AccountLevel(models.TextChoices):
    AKUN = "akun", _("Account")
    KELOMPOK = "kelompok", _("Group")
    JENIS = "jenis", _("Type")
    OBJEK = "objek", _("Object")


class Account(LocalizedName):
    """The village chart of accounts: 4 revenue, 5 expenditure, 6 financing."""

    code = models.CharField(_("code"), max_length=16, primary_key=True)
    level = models.CharField(_("level"), max_length=10, choices=AccountLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    regional = models.BooleanField(_("added by the regency"), default=False)
    regency = regency_field()
    active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_revenue(self) -> bool:
        return self.code.startswith("4")

    @property
    def is_expenditure(self) -> bool:
        return self.code.startswith("5")

    @property
    def is_financing_receipt(self) -> bool:
        return self.code.startswith("6.1")

    @property
    def is_financing_expenditure(self) -> bool:
        return self.code.startswith("6.2")


class Sector(LocalizedName):
    """Bidang (01–05)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SubSector(LocalizedName):
    """Sub bidang (``BB.SS``)."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="sub_sectors")

    class Meta:
        ordering = ["code"]
        verbose_name = _("sub-sector")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Activity(LocalizedName):
    """Kegiatan (``BB.SS.KK``): the annex list plus the regency's regional codes."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    sub_sector = models.ForeignKey(SubSector, on_delete=models.PROTECT, related_name="activities")
    regional = models.BooleanField(_("added by the regency"), default=False)
    regency = regency_field()
    active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def sector_code(self) -> str:
        return self.code[:2]


class FundSource(LocalizedName):
    """Sumber dana (Siskeudes ``Ref_Sumber``): DDS, ADD, PAD, PBH, PBK, PBP, SWD, DLL."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # Transfers whose amount the regency allocates per village (pagu): revenue from these
    # sources must stay within the village's ceiling.
    needs_ceiling = models.BooleanField(_("limited by a regency ceiling"), default=False)
    regency = regency_field()
    active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("fund source")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Ceiling(models.Model):
    """Pagu: the regency's allocation to a village for one year and fund source."""

    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="budget_ceilings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    fund_source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="+")
    amount = money_field(_("amount"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["village_id", "year", "fund_source__position"]
        verbose_name = _("ceiling")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "fund_source"], name="budgets_ceiling_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgets_ceiling_amount_gte_0"),
        ]
        indexes = [models.Index(fields=["year", "village"])]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.fund_source_id}: {self.amount}"


class UnitPriceStandard(models.Model):
    """SSH (standar satuan harga): the regency's ceiling price for an item in a year."""

    regency = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=40)
    price = money_field(_("ceiling price"))
    category = models.CharField(_("category"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("unit price standard (SSH)")
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "year", "code"], name="budgets_ssh_unique_code"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="budgets_ssh_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.unit})"
