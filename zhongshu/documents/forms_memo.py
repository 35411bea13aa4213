"""Forms of internal memos (签报): the memo itself, who decides it, and the list's filters.

They only shape what the browser sent into the dict :mod:`.services_memo` checks and show its
errors next to their fields.
"""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import Classification
from zhongshu.org import selectors as org_selectors
from zhongshu.org.models import Department

from . import rules
from .forms_drafting import clearance_choices, year_choices
from .forms_incoming import PersonChoiceField
from .models import Memo, MemoState, Urgency


class MemoForm(forms.Form):
    # Title and text are checked by the service, whose messages say what is missing.
    department = forms.ChoiceField(label=_("Department"), required=False)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=Memo.TITLE_MAX,
        help_text=_("What you ask, as 关于……的请示 or 关于……的签报."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=Memo.BODY_MAX,
        help_text=_("The matter, the reasons, what the department proposes (拟办意见)."),
    )
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), coerce=int, choices=Urgency.choices, initial=Urgency.NORMAL
    )
    needs_principal = forms.BooleanField(
        label=_("For the principal leader's decision too"),
        required=False,
        help_text=_("Major matters, spending above the leader in charge's authority, personnel."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        posts = rules.departments_of(user)
        self.fields["department"].choices = [(str(d.pk), d.name) for d in posts]
        if len(posts) <= 1:
            self.fields["department"].widget = forms.HiddenInput()
        levels = [
            (value, label)
            for value, label in clearance_choices(user)
            if rules.may_hold_classified_text() or not rules.classified(int(value))
        ]
        self.fields["classification"].choices = levels
        self.fields["classification"].initial = Classification.PUBLIC
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex
            if posts:
                self.initial.setdefault("department", str(posts[0].pk))

    @classmethod
    def initial_for(cls, memo: Memo) -> dict:
        return {
            "department": str(memo.department_id),
            "title": memo.title,
            "body": memo.body,
            "classification": memo.classification,
            "urgency": memo.urgency,
            "needs_principal": memo.needs_principal,
            "version": memo.version,
        }

    @property
    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "department",
                "title",
                "body",
                "classification",
                "urgency",
                "needs_principal",
            )
        }


class MemoRoutingForm(forms.Form):
    """At 审核 the office names the leader who decides and whether the principal decides too;
    at 批办 the leader may send it on to the principal."""

    leader = PersonChoiceField(label=_("Leader who decides (批办)"), queryset=None, required=False)
    needs_principal = forms.BooleanField(
        label=_("For the principal leader's decision too"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, memo: Memo, may_name_leader: bool, **kwargs):
        super().__init__(*args, **kwargs)
        from zhongshu.org.models import User

        leaders = [u.pk for u in org_selectors.unit_leaders(memo.unit_id)]
        self.fields["leader"].queryset = User.objects.filter(pk__in=leaders).order_by("full_name")
        if not may_name_leader:
            del self.fields["leader"]


class MemoFilterForm(forms.Form):
    """The filter bar of the memo list; a value that does not parse is simply ignored."""

    q = forms.CharField(label=_("Title, number or text"), max_length=60, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    state = forms.ChoiceField(label=_("State"), required=False)
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, required=False, empty_value=None
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, required=False, empty_value=None
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    open = forms.BooleanField(label=_("Still in approval"), required=False)

    FILTERS = ("q", "year", "state", "department", "classification", "mine", "open")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["department"].choices = everything + list(
            Department.objects.filter(unit_id=user.unit_id, deleted_at__isnull=True)
            .order_by("sort_order", "id")
            .values_list("pk", "name")
        )
        self.fields["year"].choices = everything + year_choices()
        self.fields["state"].choices = everything + list(MemoState.choices)
        self.fields["classification"].choices = everything + clearance_choices(user)

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
