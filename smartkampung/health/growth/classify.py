"""Nutritional status classes of Permenkes 2/2020 (Standar Antropometri Anak), from z-scores."""

from __future__ import annotations

import math

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WeightForAge(models.TextChoices):
    SEVERELY_UNDERWEIGHT = "severely_underweight", _("Severely underweight")
    UNDERWEIGHT = "underweight", _("Underweight")
    NORMAL = "normal", _("Normal weight")
    RISK_OF_OVERWEIGHT = "risk_overweight", _("Risk of overweight")


class HeightForAge(models.TextChoices):
    SEVERELY_STUNTED = "severely_stunted", _("Severely stunted")
    STUNTED = "stunted", pgettext_lazy("height-for-age class", "Stunted")
    NORMAL = "normal", _("Normal height")
    TALL = "tall", _("Tall")


class WeightForHeight(models.TextChoices):
    SEVERELY_WASTED = "severely_wasted", _("Severely wasted")
    WASTED = "wasted", _("Wasted")
    NORMAL = "normal", _("Well nourished")
    RISK_OF_OVERWEIGHT = "risk_overweight", _("Possible risk of overweight")
    OVERWEIGHT = "overweight", _("Overweight")
    OBESE = "obese", _("Obese")


def _known(z: float | None) -> bool:
    return z is not None and not math.isnan(z)


def weight_for_age(z: float | None) -> str:
    """BB/U: < −3 severely underweight, −3 to < −2 underweight, −2 to +1 normal, > +1 risk."""
    if not _known(z):
        return ""
    assert z is not None
    if z < -3:
        return WeightForAge.SEVERELY_UNDERWEIGHT
    if z < -2:
        return WeightForAge.UNDERWEIGHT
    if z <= 1:
        return WeightForAge.NORMAL
    return WeightForAge.RISK_OF_OVERWEIGHT


def height_for_age(z: float | None) -> str:
    """PB/U or TB/U: < −3 severely stunted (sangat pendek), −3 to < −2 stunted (pendek),
    −2 to +3 normal, > +3 tall."""
    if not _known(z):
        return ""
    assert z is not None
    if z < -3:
        return HeightForAge.SEVERELY_STUNTED
    if z < -2:
        return HeightForAge.STUNTED
    if z <= 3:
        return HeightForAge.NORMAL
    return HeightForAge.TALL


def weight_for_height(z: float | None) -> str:
    """BB/PB or BB/TB: < −3 severely wasted (gizi buruk), −3 to < −2 wasted (gizi kurang),
    −2 to +1 normal, > +1 to +2 possible risk of overweight, > +2 to +3 overweight, > +3 obese."""
    if not _known(z):
        return ""
    assert z is not None
    if z < -3:
        return WeightForHeight.SEVERELY_WASTED
    if z < -2:
        return WeightForHeight.WASTED
    if z <= 1:
        return WeightForHeight.NORMAL
    if z <= 2:
        return WeightForHeight.RISK_OF_OVERWEIGHT
    if z <= 3:
        return WeightForHeight.OVERWEIGHT
    return WeightForHeight.OBESE
