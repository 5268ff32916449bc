"""Precomputed figures of the regency dashboard and the daily rollout snapshots.

Nothing here is a source of truth: every row is recomputed from the other apps' aggregate
selectors by ``services.dashboard_refresh`` (a background task, the ``dashboard_refresh``
command, or the first view of a stale dashboard). The rows hold counts and sums per village,
never personal data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    ROLLOUT = "rollout", _("Smart Kampung rollout")
    SERVICES = "services", _("Services")
    BUDGET = "budget", _("Budget")
    MONITORING = "monitoring", _("Monitoring")
    WELFARE = "welfare", _("Poverty alleviation")

    ECONOMY = "economy", _("Village economy")


class DashboardFigures(models.Model):
    """One section's figures for a regency and a year, per village, as JSON."""

    regency = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=12, choices=Section.choices)
    year = models.PositiveSmallIntegerField()
    data_json = models.TextField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("dashboard figures")
        verbose_name_plural = _("dashboard figures")
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "section", "year"], name="dashboards_one_figures_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.regency_id} {self.year}"


class RolloutSnapshot(models.Model):
    """Whether one village ran Smart Kampung on one day (the trend is a count per day).

    ``services_issued`` is None when services were not part of the activity definition (or
    could not be counted) on that day."""

    day = models.DateField()
    village = models.ForeignKey("regions.Village", on_delete=models.CASCADE, related_name="+")
    operator_active = models.BooleanField()
    services_issued = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField()

    class Meta:
        verbose_name = _("rollout snapshot")
        ordering = ["day", "village_id"]
        constraints = [
            models.UniqueConstraint(fields=["day", "village"], name="dashboards_one_snapshot")
        ]
        indexes = [models.Index(fields=["day", "active"])]

    def __str__(self) -> str:
        return f"{self.village_id} {self.day} {'active' if self.active else 'inactive'}"
