"""HTML forms: input shape only. The services validate again and their errors by field are
put back on the form (``add_record_errors``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.core.exceptions import DomainError

from .codes import (
    BloodType,
    Citizenship,
    Disability,
    Education,
    FamilyRole,
    MaritalStatus,
    Occupation,
    Religion,
    Sex,
)
from .models import VIEW_REASON_MAX_LENGTH, LifeEventKind, ResidentStatus
from .statistics import AGE_BANDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(choices: Any, *, blank: Any = None) -> list[tuple[Any, Any]]:
    items = list(choices.choices)
    return [("", blank), *items] if blank is not None else items


def _code_field(label: Any, choices: Any, *, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_choices(choices, blank="—"),
        coerce=int,
        required=required,
        empty_value=None,
    )


class ResidentForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=16,
        min_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk_number = forms.CharField(
        label=_("KK number"),
        max_length=16,
        min_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Members of one family card share its number."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    sex = _code_field(_("Sex"), Sex)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=60)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE_WIDGET)
    religion = _code_field(_("Religion"), Religion)
    education = _code_field(_("Education"), Education)
    occupation = _code_field(_("Occupation"), Occupation)
    marital_status = _code_field(_("Marital status"), MaritalStatus)
    family_role = _code_field(_("Relationship to head of family (SHDK)"), FamilyRole)
    blood_type = _code_field(_("Blood type"), BloodType, required=False)
    citizenship = _code_field(_("Citizenship"), Citizenship, required=False)
    disability = _code_field(_("Disability"), Disability, required=False)
    father_name = forms.CharField(label=_("Father's name"), max_length=100, required=False)
    mother_name = forms.CharField(label=_("Mother's name"), max_length=100, required=False)
    rt = forms.CharField(
        label=_("RT"), max_length=3, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    rw = forms.CharField(
        label=_("RW"), max_length=3, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    dusun = forms.CharField(label=_("Dusun"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in self.fields}


class MoveInForm(ResidentForm):
    occurred_on = forms.DateField(label=_("Date of moving in"), widget=DATE_WIDGET)
    origin = forms.CharField(label=_("Coming from"), max_length=120, required=False)

    field_order = ["occurred_on", "origin"]

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        data.pop("occurred_on", None)
        data.pop("origin", None)
        return data


class EventForm(forms.Form):
    """Death or move out of the regency."""

    occurred_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    details = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferForm(forms.Form):
    to_village = forms.ChoiceField(label=_("Destination village"))
    occurred_on = forms.DateField(label=_("Date of moving"), widget=DATE_WIDGET)
    whole_household = forms.BooleanField(
        label=_("The whole household moves (all living members, same family card)"),
        required=False,
    )
    kk_number = forms.CharField(
        label=_("KK number in the destination"),
        max_length=16,
        required=False,
        help_text=_("Not needed when the whole household moves."),
    )
    rt = forms.CharField(label=_("RT"), max_length=3)
    rw = forms.CharField(label=_("RW"), max_length=3)
    dusun = forms.CharField(label=_("Dusun"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    details = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_village"]).choices = [("", "—"), *villages]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("whole_household") and not data.get("kk_number"):
            self.add_error("kk_number", _("Give the KK number in the destination."))
        return data


class ResidentFilterForm(forms.Form):
    """The list's search and filters (GET)."""

    q = forms.CharField(
        label=_("Name, NIK or KK number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    rt = forms.RegexField(label=_("RT"), regex=r"^\d{1,3}$", max_length=3, required=False)
    rw = forms.RegexField(label=_("RW"), regex=r"^\d{1,3}$", max_length=3, required=False)
    dusun = forms.CharField(label=_("Dusun"), max_length=60, required=False)
    sex = forms.TypedChoiceField(
        label=_("Sex"),
        choices=_choices(Sex, blank=_("All")),
        coerce=int,
        required=False,
        empty_value=None,
    )
    age = forms.ChoiceField(
        label=_("Age"), choices=[("", _("All")), *[(b, b) for b in AGE_BANDS]], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[*ResidentStatus.choices, ("all", _("All"))],
        required=False,
    )
    reason = forms.CharField(
        label=_("Purpose of the lookup (logged when you open a record)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["village"]).choices = [
            ("", _("All villages in my area")),
            *villages,
        ]


class FullViewReasonForm(forms.Form):
    """Asked before the full record opens. Input shape only: the service decides whether the
    reason will do (required, at most ``VIEW_REASON_MAX_LENGTH``) and its error is put here."""

    reason = forms.CharField(
        label=_("Why do you open the full record?"),
        help_text=_("For example: SKTM letter for the hospital. The resident can read it."),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"maxlength": VIEW_REASON_MAX_LENGTH, "autocomplete": "off", "autofocus": True}
        ),
    )


class VillageFilterForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"), required=False)
    q = forms.CharField(label=_("KK number or name of the head"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Event"),
        choices=[("", _("All")), *LifeEventKind.choices],
        required=False,
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["village"]).choices = [
            ("", _("All villages in my area")),
            *villages,
        ]


class HouseholdPlaceForm(forms.Form):
    rt = forms.CharField(label=_("RT"), max_length=3)
    rw = forms.CharField(label=_("RW"), max_length=3)
    dusun = forms.CharField(label=_("Dusun"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV (UTF-8) or XLSX file"),
        help_text=_("Columns as in the template."),
    )


class ActivationForm(forms.Form):
    nik = forms.RegexField(
        label=_("NIK"),
        regex=r"^\d{16}$",
        max_length=16,
        error_messages={"invalid": _("A NIK has exactly 16 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("From the village office, e.g. ABCDE-23456."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        help_text=_("At least 10 characters; not only digits; not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


def add_record_errors(form: forms.Form, exc: DomainError) -> None:
    """Put a service's errors by field on the form (unknown fields go to the top)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    placed = False
    for name, messages in details.items():
        target = name if name in form.fields else None
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.message)
