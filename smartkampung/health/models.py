"""Posyandu, their cadres, growth visits of children under five, pregnancies, household
water and sanitation, and the precomputed prevalence figures.

Children are residents of the population register (``population.Resident``): nothing is copied,
so a birth registered there appears here by itself and a child moving village keeps its visits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .growth.kms import Trend


class Position(models.TextChoices):
    LYING = "lying", _("Lying (length)")
    STANDING = "standing", _("Standing (height)")


class Posyandu(models.Model):
    """A monthly health post of a village, for one RW or dusun or the whole village."""

    name = models.CharField(_("name"), max_length=100)
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    # The area it serves: an RW, a dusun, or (both empty) the whole village.
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    dusun = models.CharField(_("dusun"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("posyandu")
        verbose_name_plural = _("posyandu")
        ordering = ["village_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="posyandu_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def serves(self, *, rw: str, dusun: str) -> bool:
        if self.rw:
            return rw == self.rw
        if self.dusun:
            return dusun.casefold() == self.dusun.casefold()
        return True


class CadreAssignment(models.Model):
    """Ties a user holding the posyandu-cadre role on the village to one of its posyandu."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posyandu_cadre"
    )
    posyandu = models.ForeignKey(Posyandu, on_delete=models.CASCADE, related_name="cadres")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("posyandu cadre")

    def __str__(self) -> str:
        return f"cadre {self.user_id}@{self.posyandu_id}"


class GrowthVisit(models.Model):
    """One monthly weighing and measuring (penimbangan) of a child under five."""

    child = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    posyandu = models.ForeignKey(
        Posyandu, on_delete=models.PROTECT, related_name="visits", verbose_name=_("posyandu")
    )
    # Where the child was measured (the posyandu's village): figures count by it.
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    visit_date = models.DateField(_("visit date"))
    month = models.DateField()  # first day of the visit's month, for the monthly figures
    age_days = models.PositiveIntegerField(_("age (days)"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("length/height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    position = models.CharField(_("measured"), max_length=8, choices=Position.choices, blank=True)
    head_cm = models.DecimalField(
        _("head circumference (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    muac_cm = models.DecimalField(
        _("upper-arm circumference (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    vitamin_a = models.BooleanField(_("vitamin A given"), default=False)
    immunisations = models.JSONField(_("immunisations given"), default=list, blank=True)
    exclusive_breastfeeding = models.BooleanField(_("exclusively breastfed"), null=True, blank=True)
    # WHO 2006 z-scores (None where not defined) and WHO's implausible flags (growth.who bits).
    waz = models.FloatField(null=True, blank=True)
    haz = models.FloatField(null=True, blank=True)
    whz = models.FloatField(null=True, blank=True)
    baz = models.FloatField(null=True, blank=True)
    hcz = models.FloatField(null=True, blank=True)
    flags = models.PositiveSmallIntegerField(default=0)
    # Plausible classes that count in the figures (Permenkes 2/2020).
    stunted = models.BooleanField(default=False)
    severely_stunted = models.BooleanField(default=False)
    wasted = models.BooleanField(default=False)
    underweight = models.BooleanField(default=False)
    overweight = models.BooleanField(default=False)
    trend = models.CharField(_("growth"), max_length=1, choices=Trend.choices, blank=True)
    # An implausible value waits for re-measurement until a later visit of the child.
    needs_remeasure = models.BooleanField(default=False)
    remeasured_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("growth visit")
        ordering = ["child_id", "visit_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "visit_date"], name="growthvisit_one_a_day"),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gt=0),
                name="growthvisit_weight_positive",
            ),
            models.CheckConstraint(
                condition=Q(height_cm__isnull=True) | Q(height_cm__gt=0),
                name="growthvisit_height_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "-visit_date"], name="growthvisit_child_date"),
            models.Index(fields=["village", "month"], name="growthvisit_village_month"),
            models.Index(
                fields=["posyandu", "needs_remeasure"],
                condition=Q(needs_remeasure=True),
                name="growthvisit_remeasure_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"visit {self.child_id} {self.visit_date}"


class PregnancyOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    MISCARRIAGE = "miscarriage", _("Miscarriage")
    OTHER = "other", _("Other ending")


class Pregnancy(models.Model):
    """A pregnant woman followed by a posyandu (ibu hamil), open until closed with its
    outcome and the day it ended (``services.pregnancy_close``)."""

    mother = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("mother")
    )
    posyandu = models.ForeignKey(Posyandu, on_delete=models.PROTECT, related_name="pregnancies")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField(_("registered on"))
    expected_delivery = models.DateField(_("expected delivery"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=PregnancyOutcome.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pregnancy")
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mother"],
                condition=Q(ended_on__isnull=True),
                name="pregnancy_one_open_per_mother",
            ),
            # Closed means both the day and the outcome; open means neither.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, outcome="")
                | (Q(ended_on__isnull=False) & ~Q(outcome="")),
                name="pregnancy_closed_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"pregnancy {self.pk}"


KEK_MUAC_CM = 23.5  # chronic energy deficiency (KEK) below this upper-arm circumference


class PregnancyVisit(models.Model):
    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.CASCADE, related_name="visits")
    visit_date = models.DateField(_("visit date"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    muac_cm = models.DecimalField(_("upper-arm circumference (cm)"), max_digits=4, decimal_places=1)
    chronic_energy_deficiency = models.BooleanField(_("chronic energy deficiency (KEK)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pregnancy visit")
        ordering = ["visit_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "visit_date"], name="pregnancyvisit_one_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"pregnancy visit {self.pregnancy_id} {self.visit_date}"


class HouseholdSanitation(models.Model):
    """Water and sanitation of a household (KK), kept here, keyed by the household."""

    household = models.OneToOneField(
        "population.Household", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    safe_water = models.BooleanField(_("safe drinking water"), null=True, blank=True)
    healthy_latrine = models.BooleanField(_("healthy latrine"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household water and sanitation")

    def __str__(self) -> str:
        return f"sanitation {self.household_id}"


class AreaKind(models.TextChoices):
    POSYANDU = "posyandu", _("Posyandu")
    VILLAGE = "village", _("Village")
    DISTRICT = "district", _("Kecamatan")
    REGENCY = "regency", _("Regency")


class PrevalenceFigure(models.Model):
    """Counts of one area in one month (no personal data), recomputed by
    ``manage.py health_recompute``. ``area_code``: a region code or a posyandu id."""

    area_kind = models.CharField(max_length=8, choices=AreaKind.choices)
    area_code = models.CharField(max_length=13)
    month = models.DateField()
    measured = models.PositiveIntegerField(default=0)  # children with a plausible HAZ
    stunted = models.PositiveIntegerField(default=0)
    severely_stunted = models.PositiveIntegerField(default=0)
    weighed_for_height = models.PositiveIntegerField(default=0)  # plausible WHZ
    wasted = models.PositiveIntegerField(default=0)
    overweight = models.PositiveIntegerField(default=0)
    weighed = models.PositiveIntegerField(default=0)  # plausible WAZ
    underweight = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("prevalence figure")
        constraints = [
            models.UniqueConstraint(
                fields=["area_kind", "area_code", "month"], name="prevalence_area_month"
            )
        ]
        indexes = [models.Index(fields=["area_kind", "month"], name="prevalence_kind_month")]

    def __str__(self) -> str:
        return f"{self.area_kind} {self.area_code} {self.month:%Y-%m}"

    @staticmethod
    def percent(part: int, whole: int) -> float | None:
        return round(100.0 * part / whole, 1) if whole else None

    @property
    def stunting_percent(self) -> float | None:
        return self.percent(self.stunted, self.measured)

    @property
    def wasting_percent(self) -> float | None:
        return self.percent(self.wasted, self.weighed_for_height)

    @property
    def underweight_percent(self) -> float | None:
        return self.percent(self.underweight, self.weighed)
