from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), max_length=80, required=False)
    username = forms.CharField(label=_("User"), max_length=150, required=False)
    target_type = forms.CharField(label=_("Object type"), max_length=80, required=False)
    scope = forms.CharField(label=_("Region code"), max_length=13, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    logins = forms.BooleanField(label=_("Show logins"), required=False)
