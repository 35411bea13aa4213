"""Forms of the numbering area: series, 登记, 份号 hand-over, withdrawal, register filters."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.org.models import Department

from . import numbering
from .models import CopyNumber, IssuedNumber, Layout, NumberSeries, OutgoingDocument


def _departments(unit_id: int) -> QuerySet[Department]:
    return Department.objects.filter(unit_id=unit_id, deleted_at__isnull=True).order_by(
        "sort_order", "id"
    )


class SeriesForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("How the office calls the series, for example “Bureau documents”."),
    )
    code = forms.CharField(
        label=_("Organ code (机关代字)"),
        max_length=30,
        help_text=_(
            "Chinese characters or letters only, for example 市食药监发. The number is printed "
            "as code〔year〕sequence号."
        ),
    )
    layout = forms.ChoiceField(
        label=_("Layout"),
        choices=Layout.choices,
        help_text=_("Letters (信函) and minutes (纪要) are numbered in series of their own."),
    )
    owner = forms.ModelChoiceField(label=_("Owning department"), queryset=Department.objects.none())
    external = forms.BooleanField(
        label=_("For documents leaving the unit"),
        required=False,
        initial=True,
        help_text=_("Only a series owned by the general office may number external documents."),
    )
    yearly_restart = forms.BooleanField(
        label=_("Restart at the first number each year"), required=False, initial=True
    )
    start_number = forms.IntegerField(
        label=_("First number"),
        min_value=1,
        max_value=999_999,
        initial=1,
        help_text=_("The first number given (each year, when the series restarts)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, unit_id: int, frozen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _departments(unit_id)
        self.fields["owner"].queryset = departments
        if "owner" not in self.initial:
            # Most series are the general office's (only it may number external documents).
            office = departments.filter(is_general_office=True).values_list("pk", flat=True)
            self.initial["owner"] = office.first()
        if frozen:
            for name in numbering.FROZEN_ONCE_USED:
                field = self.fields[name]
                field.disabled = True
                field.help_text = _("Fixed: this series has already given numbers.")


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SeriesChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: NumberSeries) -> str:
        return f"{obj.name} · {obj.code}"


class RegisterForm(forms.Form):
    series = SeriesChoiceField(
        label=_("Number series"), queryset=NumberSeries.objects.none(), required=False
    )
    copies = forms.IntegerField(
        label=_("Copies printed (印制份数)"), min_value=1, max_value=numbering.MAX_COPIES
    )
    distribution_scope = forms.CharField(
        label=_("Distribution (分送范围)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who receives the document, one line per recipient or group."),
    )
    print_date = forms.DateField(
        label=_("Printing date (印发日期)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, document: OutgoingDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self.no_series = False
        if document.doc_number:
            del self.fields["series"]
        else:
            field = self.fields["series"]
            field.queryset = numbering.eligible_series(document)
            field.required = True
            if numbering.goes_outside(document):
                field.help_text = _(
                    "The document goes outside the unit: only series for external documents "
                    "are offered."
                )
            # Series are few: load them once, for the select and for the checks below.
            series = list(field.queryset)
            field.choices = [("", "---------")] + [
                (s.pk, field.label_from_instance(s)) for s in series
            ]
            self.no_series = not series
            if len(series) == 1 and not self.is_bound:
                self.initial.setdefault("series", series[0].pk)
        if document.is_classified:
            self.fields["copies"].help_text = _(
                "A classified document gets one six-digit copy number (份号) per copy."
            )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the register with the void number, which is never given again."),
    )


class CopyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.text


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.username})"


class CopyAssignForm(forms.Form):
    copy = CopyChoiceField(label=_("Copy number (份号)"), queryset=None)
    person = PersonChoiceField(label=_("Person"), queryset=None, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    recipient = forms.CharField(
        label=_("Organ or other recipient"),
        max_length=100,
        required=False,
        help_text=_("For a copy leaving the unit: the organ that received it."),
    )

    def __init__(self, *args, document: OutgoingDocument, copies: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy"].queryset = CopyNumber.objects.filter(document=document)
        # The select shows the copies already loaded for the table: no query of its own.
        self.fields["copy"].choices = [("", "---------")] + [(c.pk, c.text) for c in copies]
        self.fields["person"].queryset = numbering.copy_holders(
            document.unit_id, document.classification
        )
        self.fields["department"].queryset = _departments(document.unit_id)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("person") or cleaned.get("department") or cleaned.get("recipient")):
            raise forms.ValidationError(
                _("Say who received the copy: a person, a department or an organ.")
            )
        return cleaned


class RegisterFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Number or title"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    series = SeriesChoiceField(
        label=_("Series"),
        queryset=NumberSeries.objects.none(),
        required=False,
        empty_label=_("Any series"),
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *IssuedNumber.Status.choices],
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )

    def __init__(self, *args, unit_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = NumberSeries.objects.filter(
            unit_id=unit_id, deleted_at__isnull=True
        ).order_by("layout", "code", "id")
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("Any year"))] + [
            (y, str(y)) for y in range(this_year + 1, this_year - 15, -1)
        ]

    def used_filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            k: str(v.pk if hasattr(v, "pk") else v)
            for k, v in self.cleaned_data.items()
            if v not in (None, "")
        }

    def filter(self, numbers: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("year"):
            numbers = numbers.filter(year=data["year"])
        if data.get("series"):
            numbers = numbers.filter(series=data["series"])
        if data.get("status"):
            numbers = numbers.filter(status=data["status"])
        if data.get("q"):
            q = data["q"].strip()
            numbers = numbers.filter(Q(text__icontains=q) | Q(document__title__icontains=q))
        return numbers
