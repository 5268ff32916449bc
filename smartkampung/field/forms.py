"""HTML input of the field pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConnectForm(forms.Form):
    name = forms.CharField(
        label=_("Name of this device"),
        max_length=80,
        help_text=_("For example “Phone of the operator, Samsung A14”."),
    )
