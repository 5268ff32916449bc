"""The region tree (Kemendagri codes): regency → district (kecamatan) → village (desa/kelurahan).

The code is the primary key, so every domain row that points at a village carries the code, and
"everything within a scope" is a prefix match on that code without a join.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    REGENCY = "regency", _("Regency")
    DISTRICT = "district", _("District")
    VILLAGE = "village", _("Village")


class Kind(models.TextChoices):
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")


CODE_DIGITS_BY_LEVEL = {Level.REGENCY: 4, Level.DISTRICT: 6, Level.VILLAGE: 10}


class Region(models.Model):
    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # GeoJSON geometry (Polygon / MultiPolygon, WGS84), repaired on import; "" when unknown.
    boundary = models.TextField(_("boundary"), blank=True, default="")
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lng = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    min_lng = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    max_lng = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)
    boundary_repaired = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="regency", parent__isnull=True)
                    | models.Q(level__in=["district", "village"], parent__isnull=False)
                ),
                name="region_parent_matches_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    def covers(self, code: str) -> bool:
        """True if ``code`` is this region or lies below it in the tree."""
        return code == self.code or code.startswith(self.code + ".")

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        if self.min_lng is None:
            return None
        return (self.min_lng, self.min_lat or 0.0, self.max_lng or 0.0, self.max_lat or 0.0)


class _LevelManager(models.Manager[Any]):
    def __init__(self, level: str) -> None:
        super().__init__()
        self.level = level

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(level=self.level)


class Regency(Region):
    objects = _LevelManager(Level.REGENCY)  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("regency")


class District(Region):
    objects = _LevelManager(Level.DISTRICT)  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("district")


class Village(Region):
    """A desa or kelurahan. Domain apps point at this with ``village = ForeignKey(Village)``."""

    objects = _LevelManager(Level.VILLAGE)  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("village")
