"""HTML input shapes; the services validate again (they are the rule)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Position
from .schedule import immunisation_schedule


class GrowthVisitForm(forms.Form):
    visit_date = forms.DateField(
        label=_("Visit date"),
        # ISO, as <input type="date"> requires (the localized format would leave it empty).
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    weight_kg = forms.CharField(label=_("Weight (kg)"), required=False, max_length=8)
    height_cm = forms.CharField(label=_("Length/height (cm)"), required=False, max_length=8)
    position = forms.ChoiceField(
        label=_("Measured"), required=False, choices=[("", "—"), *Position.choices]
    )
    head_cm = forms.CharField(label=_("Head circumference (cm)"), required=False, max_length=8)
    muac_cm = forms.CharField(label=_("Upper-arm circumference (cm)"), required=False, max_length=8)
    vitamin_a = forms.BooleanField(label=_("Vitamin A given"), required=False)
    immunisations = forms.MultipleChoiceField(
        label=_("Immunisations given"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )
    exclusive_breastfeeding = forms.NullBooleanField(
        label=_("Exclusively breastfed (under 6 months)"), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["immunisations"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(v.code, v.label()) for v in immunisation_schedule()]


class PosyanduForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    dusun = forms.CharField(label=_("Dusun"), max_length=60, required=False)
