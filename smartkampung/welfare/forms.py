"""HTML input shapes of the welfare pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProgrammeFundSource, ProposalKind, Target


class RegisterImportForm(forms.Form):
    file = forms.FileField(label=_("DTKS / DTSEN file (CSV or XLSX)"))
    as_of = forms.DateField(
        label=_("Data as of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EnrolmentImportForm(forms.Form):
    file = forms.FileField(label=_("Enrolment file (CSV or XLSX)"))


class RegisterFilterForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"), required=False)
    day = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    decile_max = forms.IntegerField(
        label=_("Decile up to"), required=False, min_value=1, max_value=10
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("All in my scope")), *villages]  # type: ignore[attr-defined]


class ProgrammeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)
    target = forms.ChoiceField(label=_("Target"), choices=Target.choices)
    fund_source = forms.ChoiceField(label=_("Fund source"), choices=ProgrammeFundSource.choices)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    decile_max = forms.IntegerField(
        label=_("Decile ceiling"), required=False, min_value=1, max_value=10
    )
    min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=0, max_value=150)
    max_age = forms.IntegerField(label=_("Maximum age"), required=False, min_value=0, max_value=150)
    excludes = forms.CharField(
        label=_("Excludes (programme codes, comma-separated)"), required=False, max_length=200
    )
    budget_activity_code = forms.CharField(
        label=_("APBDes activity that pays it (BB.SS.KK)"), required=False, max_length=8
    )
    monthly_amount = forms.IntegerField(label=_("Monthly amount (Rp)"), required=False, min_value=1)

    def programme_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["excludes"] = (data.get("excludes") or "").replace(";", ",").split(",")
        return data


class QuotaForm(forms.Form):
    village = forms.CharField(label=_("Village code"), max_length=13)
    quota = forms.IntegerField(label=_("Quota per period"), min_value=0)


class EnrolForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    period = forms.RegexField(
        label=_("Period (YYYY-MM)"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7
    )
    village = forms.ChoiceField(label=_("Village"))
    nik = forms.RegexField(label=_("NIK"), regex=r"^\d{16}$", required=False, max_length=16)
    kk_number = forms.RegexField(
        label=_("KK number"), regex=r"^\d{16}$", required=False, max_length=16
    )

    def __init__(
        self,
        *args: Any,
        programmes: list[tuple[str, str]],
        villages: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = programmes  # type: ignore[attr-defined]
        self.fields["village"].choices = villages  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("nik") and not data.get("kk_number"):
            raise forms.ValidationError(_("Give the NIK or the KK number."))
        return data


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Proposal"), choices=ProposalKind.choices)
    decile = forms.IntegerField(
        label=_("Proposed decile"), required=False, min_value=1, max_value=10
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.CharField(
        label=_("Evidence"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PeriodForm(forms.Form):
    period = forms.RegexField(
        label=_("Period (YYYY-MM)"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7, required=False
    )
