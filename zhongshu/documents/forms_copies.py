"""Forms of the classified copies register (涉密载体, issue 5 item 9). They only shape what the
browser sent into what :mod:`.services_copies` checks, and show its errors next to their
fields."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import Classification
from zhongshu.org.models import User

from .forms_drafting import year_choices
from .models import CopyKind, CopyState
from .models_copies import DestroyMethod, DisposalKind, DisposalState, ReturnMethod
from .services_copies import cleared_people


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.get_username()


def _classified_choices(user) -> list[tuple[int, str]]:
    return [
        (value, label)
        for value, label in Classification.choices
        if Classification.SECRET <= value <= user.clearance
    ]


def _token(form) -> None:
    if not form.is_bound:
        form.initial.setdefault("token", uuid.uuid4().hex)


class CopyFilterForm(forms.Form):
    """The filter bar of the register; a value that does not parse is simply ignored."""

    q = forms.CharField(label=_("Title, number or meeting"), max_length=60, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    state = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, required=False, empty_value=None
    )
    source = forms.CharField(label=_("Issued by"), max_length=100, required=False)
    overdue = forms.BooleanField(label=_("Overdue for return only"), required=False)

    FILTERS = ("q", "year", "state", "kind", "classification", "source", "overdue")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["year"].choices = everything + year_choices()
        self.fields["state"].choices = everything + list(CopyState.choices)
        self.fields["kind"].choices = everything + list(CopyKind.choices)
        self.fields["classification"].choices = everything + [
            (str(v), label) for v, label in _classified_choices(user)
        ]

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in self.FILTERS
            if name not in self.errors and cleaned.get(name) not in (None, "", False)
        }


class PapersForm(forms.Form):
    """Meeting papers brought back from a meeting, or another classified carrier."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (CopyKind.MEETING, CopyKind.MEETING.label),
            (CopyKind.OTHER, CopyKind.OTHER.label),
        ],
        initial=CopyKind.MEETING,
        widget=forms.RadioSelect,
    )
    meeting = forms.CharField(
        label=_("Meeting"),
        max_length=200,
        required=False,
        help_text=_("The meeting the papers were handed out at."),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    source_name = forms.CharField(
        label=_("Issued by"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "copy-source-names", "autocomplete": "off"}),
    )
    source_number = forms.CharField(
        label=_("Document number (文号)"), max_length=60, required=False
    )
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int)
    numbers = forms.CharField(
        label=_("Copy numbers (份号)"),
        max_length=2000,
        required=False,
        help_text=_("Ranges and single numbers, like 000012-000015, 000020."),
    )
    received_on = forms.DateField(
        label=_("Received on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    return_by = forms.DateField(
        label=_("To be returned by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the papers are to go back (阅后清退, 会后清退), if they are."),
    )
    brought_by = PersonChoiceField(
        label=_("Brought back by"), queryset=User.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    SERVICE_FIELDS = (
        "kind",
        "meeting",
        "title",
        "source_name",
        "source_number",
        "classification",
        "numbers",
        "received_on",
        "return_by",
        "brought_by",
        "note",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = _classified_choices(user)
        self.fields["brought_by"].queryset = cleared_people(user.unit_id, Classification.SECRET)
        _token(self)
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class LendForm(VersionForm):
    person = PersonChoiceField(label=_("Lend to"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, copy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = cleared_people(copy.unit_id, copy.classification)
        self.fields["person"].help_text = _("People of this unit cleared for %(level)s.") % {
            "level": copy.get_classification_display()
        }


class BackForm(VersionForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class NumberForm(VersionForm):
    copy_number = forms.CharField(label=_("Copy number (份号)"), max_length=6, required=False)


class PrepareForm(forms.Form):
    """A 清退单 or 销毁单 of the copies ticked on the register."""

    kind = forms.ChoiceField(choices=DisposalKind.choices, widget=forms.HiddenInput)
    copy = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.MultipleHiddenInput
    )
    recipient = forms.CharField(
        label=_("Returned to"),
        max_length=100,
        required=False,
        help_text=_("The organ that issued the copies, as a rule."),
    )
    method = forms.ChoiceField(label=_("Method"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, kind, copies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy"].choices = [(c.pk, c.pk) for c in copies]
        self.fields["method"].choices = [("", "—")] + list(ReturnMethod.choices)
        if kind == DisposalKind.RETURN:
            del self.fields["reason"]
        else:
            del self.fields["recipient"]
            del self.fields["method"]
        _token(self)


class ApproveForm(VersionForm):
    pass


class ExecuteForm(VersionForm):
    executed_by = PersonChoiceField(
        label=_("Destroyed by"), queryset=User.objects.none(), required=False
    )
    witness = PersonChoiceField(
        label=_("Witness (监销人)"), queryset=User.objects.none(), required=False
    )
    method = forms.ChoiceField(label=_("Method"), required=False)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    executed_at = forms.DateTimeField(
        label=_("Destroyed at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, disposal, **kwargs):
        super().__init__(*args, **kwargs)
        people = cleared_people(disposal.unit_id, disposal.classification)
        self.fields["executed_by"].queryset = people
        self.fields["witness"].queryset = people
        self.fields["method"].choices = [("", "—")] + list(DestroyMethod.choices)
        if not self.is_bound:
            self.initial.setdefault("executed_at", timezone.localtime().replace(second=0))


class ConfirmForm(VersionForm):
    confirmed_by = forms.CharField(
        label=_("Signed for by"),
        max_length=50,
        required=False,
        help_text=_("The person of the receiving organ who signed the receipt."),
    )
    confirmed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("confirmed_on", timezone.localdate())


class CancelForm(VersionForm):
    reason = forms.CharField(label=_("Why cancel it"), max_length=500, required=False)


class DisposalFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["state"].choices = everything + list(DisposalState.choices)
        self.fields["kind"].choices = everything + list(DisposalKind.choices)

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
