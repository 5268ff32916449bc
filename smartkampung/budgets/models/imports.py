"""A record of each Siskeudes import: what was read, what was mapped, what was not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .budget import VillageBudget


class SiskeudesImport(models.Model):
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    budget = models.ForeignKey(
        VillageBudget, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64)
    siskeudes_version = models.CharField(_("Siskeudes version"), max_length=60, blank=True)
    # {"counts": {...}, "unmapped": [...], "notes": [...], "ignored_tables": [...], ...}
    report = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Siskeudes import")

    def __str__(self) -> str:
        return f"Siskeudes {self.village_id} {self.year} ({self.created_at:%Y-%m-%d})"
