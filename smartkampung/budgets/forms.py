"""HTML input shapes. Domain rules live in the services; these only parse and offer choices."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Account, AccountLevel, Activity, FundSource, UnitPriceStandard
from .models.execution import DisbursementKind
from .models.reference import regency_of


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


MONEY_ATTRS = {"step": "0.01", "min": "0", "inputmode": "decimal"}


def money(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0"),
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
    )


def volume(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=required,
        widget=forms.NumberInput(attrs=MONEY_ATTRS),
    )


def account_choices(prefix: str, *, region: str, blank: bool = False) -> list[Any]:
    """Object-level accounts under ``prefix`` usable in ``region``, grouped by type (jenis)."""
    accounts = (
        Account.objects.usable_in(region)
        .filter(level=AccountLevel.OBJEK, active=True, code__startswith=prefix)
        .order_by("code")
    )
    types = {
        a.code: a.name
        for a in Account.objects.filter(level=AccountLevel.JENIS, code__startswith=prefix[0])
    }
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for account in accounts:
        jenis = account.code.rsplit(".", 1)[0]
        groups[f"{jenis} {types.get(jenis, '')}"].append(
            (account.code, f"{account.code} {account.name}")
        )
    choices: list[Any] = [("", "—")] if blank else []
    return choices + list(groups.items())


def fund_source_choices(*, region: str, blank: bool = False) -> list[tuple[str, str]]:
    choices = [
        (s.code, f"{s.code} – {s.name}")
        for s in FundSource.objects.usable_in(region).filter(active=True)
    ]
    return ([("", "—")] if blank else []) + choices


def activity_choices(*, region: str) -> list[Any]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    usable = Activity.objects.usable_in(region).filter(active=True).select_related("sub_sector")
    for activity in usable:
        group = f"{activity.sub_sector.code} {activity.sub_sector.name}"
        groups[group].append((activity.code, f"{activity.code} {activity.name}"))
    return list(groups.items())


def ssh_choices(year: int, *, region: str) -> list[tuple[str, str]]:
    rows = UnitPriceStandard.objects.filter(
        year=year, active=True, regency_id=regency_of(region)
    ).order_by("code")
    return [("", "—")] + [
        (str(s.pk), f"{s.code} {s.name} ({s.unit}, ≤ {s.price:,.0f})".replace(",", "."))
        for s in rows
    ]


class BudgetCreateForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"))
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "village", villages)


class RevenueForm(forms.Form):
    account = forms.ChoiceField(label=_("Account"))
    fund_source = forms.ChoiceField(label=_("Fund source"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    amount = money(_("Amount (Rp)"))

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "account", account_choices("4", region=region))
        set_choices(self, "fund_source", fund_source_choices(region=region))


class FinancingForm(forms.Form):
    account = forms.ChoiceField(label=_("Account"))
    fund_source = forms.ChoiceField(label=_("Fund source"), required=False)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    amount = money(_("Amount (Rp)"))

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "account", account_choices("6", region=region))
        set_choices(self, "fund_source", fund_source_choices(region=region, blank=True))


class ActivityEditForm(forms.Form):
    location = forms.CharField(label=_("Location"), max_length=255, required=False)
    output = forms.CharField(label=_("Output"), max_length=255, required=False)
    output_volume = volume(_("Output volume"), required=False)
    output_unit = forms.CharField(label=_("Output unit"), max_length=40, required=False)
    duration = forms.CharField(
        label=_("Duration"),
        max_length=40,
        required=False,
        help_text=_("e.g. 3 months"),
    )


class ActivityForm(ActivityEditForm):
    activity = forms.ChoiceField(label=_("Activity (bidang.sub-bidang.kegiatan)"))

    field_order = ["activity", "location", "output", "output_volume", "output_unit", "duration"]

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "activity", activity_choices(region=region))


class ItemForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    volume = volume(_("Volume"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    unit_price = money(_("Unit price (Rp)"), required=False)
    fund_source = forms.ChoiceField(label=_("Fund source"), required=False)
    account = forms.ChoiceField(label=_("Account"), required=False)
    ssh = forms.ChoiceField(
        label=_("SSH item"),
        required=False,
        help_text=_("The regency's ceiling price for this kind of item, if there is one."),
    )

    def __init__(self, *args: Any, year: int, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "fund_source", fund_source_choices(region=region, blank=True))
        set_choices(self, "account", account_choices("5", region=region, blank=True))
        set_choices(self, "ssh", ssh_choices(year, region=region))

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data.get("description", ""),
            "volume": data.get("volume") or 0,
            "unit": data.get("unit", ""),
            "unit_price": data.get("unit_price") or 0,
            "fund_source_code": data.get("fund_source") or None,
            "account_code": data.get("account") or None,
            "ssh_id": data.get("ssh") or None,
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return to the village"))],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes for the village"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the budget: say what must be corrected."),
    )


class DisbursementForm(forms.Form):
    item = forms.ChoiceField(label=_("Budget item"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DisbursementKind.choices)
    amount = money(_("Amount (Rp)"))
    description = forms.CharField(label=_("What the payment is for"), max_length=255)

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "item", items)


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Reason"), max_length=255)


class ReceiptForm(forms.Form):
    account = forms.ChoiceField(label=_("Account"))
    fund_source = forms.ChoiceField(label=_("Fund source"))
    amount = money(_("Amount (Rp)"))
    received_on = forms.DateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accounts = account_choices("4", region=region) + account_choices("6.1", region=region)
        set_choices(self, "account", accounts)
        set_choices(self, "fund_source", fund_source_choices(region=region))


class CeilingForm(forms.Form):
    village = forms.CharField(label=_("Village code"), max_length=13)
    fund_source = forms.ChoiceField(label=_("Fund source"))
    amount = money(_("Ceiling (Rp)"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = FundSource.objects.usable_in(region).filter(active=True)
        set_choices(
            self,
            "fund_source",
            [
                (s.code, f"{s.code} – {s.name}")
                for s in sorted(sources, key=lambda s: (not s.needs_ceiling, s.position))
            ],
        )


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class SshImportForm(CsvUploadForm):
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)


class ActivityDefineForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=8, help_text=_("e.g. 02.03.90"))
    name_id = forms.CharField(label=_("Name (Indonesian)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)


class AccountDefineForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16, help_text=_("e.g. 5.2.1.90"))
    name_id = forms.CharField(label=_("Name (Indonesian)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)


class FundSourceDefineForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=8, help_text=_("e.g. BKK"))
    name_id = forms.CharField(label=_("Name (Indonesian)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    needs_ceiling = forms.BooleanField(label=_("Limited by a regency ceiling"), required=False)


class SiskeudesUploadForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"))
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2015,
        max_value=2100,
        required=False,
        help_text=_("Optional: the file is refused if it is for another year."),
    )
    file = forms.FileField(label=_("Siskeudes export (ZIP of CSV tables)"))

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "village", villages)
