"""HTML forms of the projects app (input shape only; the services validate the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.core.exceptions import ValidationFailed

from .geometry import ParsedGeometry, parse_geometry
from .models import FlagStatus, FundSource, ProjectStatus, RuleCode, Unit, WorkType
from .services import ProjectData, stages


class DateInput(forms.DateInput):
    """A browser date picker; its value is always ISO (YYYY-MM-DD), whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ProjectForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"))
    title = forms.CharField(label=_("Title"), max_length=200)
    work_type = forms.ChoiceField(label=_("Work type"), choices=WorkType.choices)
    activity_code = forms.RegexField(
        label=_("Activity code (Permendagri 20/2018)"),
        regex=r"^\d{2}\.\d{2}\.\d{2}$",
        required=False,
        help_text=_("For example 02.03.10 (construction of village roads)."),
        error_messages={"invalid": _("An activity code looks like 02.03.10.")},
    )
    budget_activity = forms.ChoiceField(
        label=_("Budget activity (APBDes)"),
        required=False,
        help_text=_(
            "The activity of the village budget that pays for the project, in the year of the "
            "planned start. Money for it is released only against photographed progress."
        ),
    )
    fund_source = forms.ChoiceField(label=_("Fund source"), choices=FundSource.choices)
    budget = forms.DecimalField(
        label=_("Budget (Rp)"), min_value=0, max_digits=15, decimal_places=0
    )
    volume = forms.DecimalField(label=_("Volume"), min_value=0.01, max_digits=12, decimal_places=2)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    executor = forms.CharField(label=_("Executor"), max_length=150, required=False)
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput)
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput)
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        help_text=_("Click the map, or type it (e.g. -8.5868)."),
    )
    lng = forms.FloatField(label=_("Longitude"), required=False)
    geometry = forms.CharField(
        label=_("Line or area (GeoJSON or WKT)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Filled in when you draw a line (road, drain) or an area on the map."),
    )

    def __init__(
        self,
        *args: Any,
        villages: list[tuple[str, str]],
        budget_activities: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = villages
        if len(villages) == 1:
            field.initial = villages[0][0]
        activity = self.fields["budget_activity"]
        assert isinstance(activity, forms.ChoiceField)
        activity.choices = [("", _("— not linked —")), *budget_activities]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("geometry") or "").strip()
        is_json = text.startswith("{")
        try:
            data["parsed_geometry"] = parse_geometry(
                geojson=text if is_json else "",
                wkt=text if text and not is_json else "",
                lat=data.get("lat"),
                lng=data.get("lng"),
            )
        except ValidationFailed as exc:
            self.add_error("geometry" if text else "lat", exc.message)
        return data

    def project_data(self) -> ProjectData:
        d = self.cleaned_data
        geometry: ParsedGeometry = d["parsed_geometry"]
        return ProjectData(
            title=d["title"],
            work_type=d["work_type"],
            fund_source=d["fund_source"],
            budget=d["budget"],
            volume=d["volume"],
            unit=d["unit"],
            planned_start=d["planned_start"],
            planned_end=d["planned_end"],
            geometry=geometry,
            activity_code=d.get("activity_code") or "",
            executor=d.get("executor") or "",
            budget_activity=d.get("budget_activity") or None,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    reported_on = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultipleImageField(
        label=_("Photos (JPEG or PNG)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    device_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    device_lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    device_accuracy_m = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, f"{s} %") for s in stages()]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (FlagStatus.CONFIRMED, _("Confirm: this needs follow-up")),
            (FlagStatus.DISMISSED, _("Dismiss: there is an explanation")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


STATUS_FILTER_CHOICES = [("", _("all")), *ProjectStatus.choices, ("late", _("Late"))]
RULE_FILTER_CHOICES = [("", _("all")), ("any", _("any open flag")), *RuleCode.choices]


class ProjectFilterForm(forms.Form):
    kecamatan = forms.ChoiceField(label=_("District"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTER_CHOICES)
    flag = forms.ChoiceField(label=_("Red flag"), required=False, choices=RULE_FILTER_CHOICES)
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)

    def __init__(
        self,
        *args: Any,
        districts: list[tuple[str, str]],
        villages: list[tuple[str, str]],
        years: list[int],
        show_flags: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._only: dict[str, str] = {}
        for name, choices in (("kecamatan", districts), ("village", villages)):
            if not choices:  # village staff have no kecamatan to choose
                del self.fields[name]
                continue
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            # One region in scope: it is the filter (no "all" that would mean the same).
            field.choices = choices if len(choices) == 1 else [("", _("all")), *choices]
            if len(choices) == 1:
                field.initial = self._only[name] = choices[0][0]
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", _("all")), *[(y, str(y)) for y in years]]
        if not show_flags:
            del self.fields["flag"]

    def only_choice(self, name: str) -> str:
        """The code of the one region the user may choose for ``name``, or ""."""
        return self._only.get(name, "")


class FlagFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *FlagStatus.choices]
    )
    rule = forms.ChoiceField(
        label=_("Rule"), required=False, choices=[("", _("all")), *RuleCode.choices]
    )
    kecamatan = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args: Any, districts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kecamatan"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("all")), *districts]
