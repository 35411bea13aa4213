"""The holiday calendar's entry form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CalendarDayKind


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CalendarDayKind.choices,
        help_text=_(
            "A make-up working day (调休上班) is a weekend day worked instead of a holiday."
        ),
    )
    name = forms.CharField(
        label=_("Holiday"),
        max_length=40,
        required=False,
        help_text=_("For example 国庆节 (National Day)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class CalendarDeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
