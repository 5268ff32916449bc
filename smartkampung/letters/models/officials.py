"""The village's list of officials (perangkat desa): the name and title printed on a letter
when one of them signs (ADR 0118)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VillageOfficial(models.Model):
    """One official as the village writes them: ``name`` with degrees ("Hadi Sutrisno, S.Pd."),
    ``position`` as printed ("Kepala Desa Sarongan", "Plt. Kepala Desa Sarongan"). ``user`` is
    their login, if they have one: letters they sign carry this name and title."""

    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name as printed"), max_length=150)
    position = models.CharField(_("title as printed"), max_length=150)
    nip = models.CharField(_("official number (NIP / NIPD)"), max_length=30, blank=True)
    is_active = models.BooleanField(_("in office"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("village official")
        verbose_name_plural = _("village officials")
        ordering = ["village", "-is_active", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "user"],
                condition=Q(is_active=True, user__isnull=False),
                name="village_official_one_active_per_login",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"
