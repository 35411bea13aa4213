"""Forms of receiving (收文): the registration form, 初审 and the list's filters.

They only shape what the browser sent into the dict :mod:`.services_incoming` checks — the same
checks the API gets — and show its errors next to their fields.
"""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import Classification
from zhongshu.org import selectors as org_selectors
from zhongshu.org.models import Department, User

from . import organs
from .forms_drafting import clearance_choices, year_choices
from .models import DeadlineSource, Handling, IncomingState, Kind, Organ, Urgency
from .services_incoming import MAX_DEADLINE_DAYS, RETURN_REASONS


class OrganChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class RegisterIncomingForm(forms.Form):
    source_organ = OrganChoiceField(
        label=_("Sending organ from the directory"),
        queryset=Organ.objects.none(),
        required=False,
    )
    source_name = forms.CharField(
        label=_("Sending organ (来文单位)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "source-names", "autocomplete": "off"}),
        help_text=_("Choose it from the directory above, or type its name."),
    )
    source_number = forms.CharField(
        label=_("Its document number (来文字号)"), max_length=60, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind (文种)"), required=False)
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, initial=Classification.PUBLIC
    )
    secrecy_period = forms.CharField(label=_("Secrecy period"), max_length=20, required=False)
    title_is_neutral = forms.BooleanField(
        label=_("The title I wrote reveals nothing secret (a neutral title)"),
        required=False,
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), coerce=int, choices=Urgency.choices, initial=Urgency.NORMAL
    )
    copy_number = forms.CharField(label=_("Copy number (份号)"), max_length=6, required=False)
    signed_on = forms.DateField(
        label=_("Date of the document (成文日期)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Now, if left empty."),
    )
    pages = forms.IntegerField(label=_("Pages"), required=False, min_value=1)
    copies = forms.IntegerField(label=_("Copies"), required=False, min_value=1, initial=1)
    handling = forms.ChoiceField(
        label=_("Handling"),
        choices=Handling.choices,
        initial=Handling.ACTION,
        widget=forms.RadioSelect,
    )
    deadline_days = forms.IntegerField(
        label=_("Deadline in working days"),
        required=False,
        min_value=0,
        max_value=MAX_DEADLINE_DAYS,
        help_text=_("Counted from the day it was received; holidays and weekends are skipped."),
    )
    deadline_source = forms.ChoiceField(
        label=_("Deadline set by"),
        required=False,
        choices=[
            (DeadlineSource.DOCUMENT, DeadlineSource.DOCUMENT.label),
            (DeadlineSource.OFFICE, DeadlineSource.OFFICE.label),
        ],
        initial=DeadlineSource.DOCUMENT,
    )
    summary = forms.CharField(
        label=_("Summary or text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What it asks or says; searched with the title."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    # The fields the service reads, as the form cleans them.
    SERVICE_FIELDS = (
        "source_organ",
        "source_name",
        "source_number",
        "title",
        "kind",
        "classification",
        "secrecy_period",
        "title_is_neutral",
        "urgency",
        "copy_number",
        "signed_on",
        "received_at",
        "pages",
        "copies",
        "handling",
        "deadline_days",
        "deadline_source",
        "summary",
        "note",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_organ"].queryset = organs.organs_in_use(user.unit_id)
        self.fields["kind"].choices = [("", "—")] + list(Kind.choices)
        self.fields["classification"].choices = [
            (value, label) for value, label in Classification.choices if value <= user.clearance
        ]
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0))

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}
        if data["copies"] is None:
            data["copies"] = 1
        if data["deadline_days"] is None:
            # The "set by" select always sends a value: without days there is no deadline.
            data["deadline_source"] = ""
        return data


class ReturnForm(forms.Form):
    """退文: why the document goes back to its sender."""

    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=RETURN_REASONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the sender"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class IncomingFilterForm(forms.Form):
    """The filter bar of the incoming list; a value that does not parse is simply ignored."""

    q = forms.CharField(label=_("Title, number or organ"), max_length=60, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    source = forms.CharField(label=_("Sending organ"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    handling = forms.ChoiceField(label=_("Handling"), required=False)
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, required=False, empty_value=None
    )
    department = forms.TypedChoiceField(
        label=_("Department handling it"), coerce=int, required=False, empty_value=None
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    FILTERS = (
        "q",
        "year",
        "source",
        "state",
        "handling",
        "classification",
        "department",
        "overdue",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["department"].choices = everything + list(
            Department.objects.filter(unit_id=user.unit_id, deleted_at__isnull=True)
            .order_by("sort_order", "id")
            .values_list("pk", "name")
        )
        self.fields["year"].choices = everything + year_choices()
        self.fields["state"].choices = everything + list(IncomingState.choices)
        self.fields["handling"].choices = everything + list(Handling.choices)
        self.fields["classification"].choices = everything + clearance_choices(user)

    def filters(self) -> dict:
        """The filters that parse; one that does not (a state that does not exist) is left
        out without dropping the others."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in self.FILTERS
            if name not in self.errors and cleaned.get(name) not in (None, "", False)
        }


# --- Handling a 办件 -----------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.get_username()


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.get_username()


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class DepartmentsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def _text_field(label, *, required=False, rows=3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ProposalForm(forms.Form):
    """拟办 (and 分办, and the leader's changes at 批办): the text, which leader instructs, which
    departments handle it, by when. The lists are the unit's leaders and departments."""

    text = _text_field(_("Proposal (拟办意见)"))
    leader = PersonChoiceField(
        label=_("Leader to instruct (批办)"), queryset=User.objects.none(), required=False
    )
    lead = DepartmentChoiceField(
        label=_("Lead department (主办)"), queryset=Department.objects.none(), required=False
    )
    co = DepartmentsChoiceField(
        label=_("Co-departments (协办)"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline_on = forms.DateField(
        label=_("Deadline (办理时限)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty to keep the deadline set at registration."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, document, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        leaders = [u.pk for u in org_selectors.unit_leaders(document.unit_id)]
        if "leader" in self.fields:
            self.fields["leader"].queryset = User.objects.filter(pk__in=leaders)
        departments = Department.objects.filter(
            unit_id=document.unit_id, deleted_at__isnull=True
        ).select_related("head")
        self.fields["lead"].queryset = departments
        self.fields["co"].queryset = departments

    def proposal(self):
        from .services_incoming_handling import Proposal

        data = self.cleaned_data
        return Proposal(
            text=data.get("text") or "",
            leader=data.get("leader"),
            lead=data.get("lead"),
            co=tuple(data.get("co") or ()),
            deadline_on=data.get("deadline_on"),
        )


class StartForm(ProposalForm):
    """The office sends an accepted 办件 on: to the director's 拟办 as it is, or with the
    proposal written (分办 to departments, or the director's own 拟办)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = _text_field(_("Proposal (拟办意见)"))


class InstructForm(ProposalForm):
    """批办: the leader's instruction, and the departments only if the leader changes them."""

    text = _text_field(_("Instruction (批示)"), rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["leader"]
        self.fields["lead"].help_text = _("Leave empty to keep the departments proposed.")


class ReportForm(forms.Form):
    """承办: what the department did."""

    result = _text_field(_("Result (办理结果)"), rows=4)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class SendBackForm(forms.Form):
    """退办: why the department should not handle it."""

    reason = _text_field(_("Why it is not for your department"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class CirculateForm(forms.Form):
    """传阅 to the unit's leaders, all at once or in turn (by rank)."""

    people = PeopleChoiceField(
        label=_("Leaders"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    in_turn = forms.BooleanField(
        label=_("In turn (one after the other, by rank)"),
        required=False,
        help_text=_("Otherwise all of them get it at once."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaders = org_selectors.unit_leaders(document.unit_id)
        self.fields["people"].queryset = User.objects.filter(pk__in=[u.pk for u in self.leaders])

    def chosen(self) -> list:
        """The people ticked, in the leaders' rank order."""
        ticked = {u.pk for u in self.cleaned_data.get("people") or ()}
        return [u for u in self.leaders if u.pk in ticked]


class CommentForm(forms.Form):
    """A reader's 批示."""

    text = _text_field(_("Instruction (批示)"), rows=3)


class RemindForm(forms.Form):
    """催办, with a note to whoever holds the document."""

    note = _text_field(_("Note"), rows=2)


class CloseForm(forms.Form):
    """办结: the result, and why no reply was sent where one was asked for."""

    result = _text_field(_("Result (办理结果)"), rows=3)
    no_reply_reason = _text_field(_("Why no reply is sent (if none is linked)"), rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FileForm(forms.Form):
    """归档 of a completed document."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
