"""The audit log's filter bar: who, what, result, when and which object."""

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit_labels import action_choices
from .models import AuditResult


def _filter_who(events: QuerySet, who: str) -> QuerySet:
    """Events of the accounts whose user name starts with ``who`` or whose full name contains
    it, through the (actor, id) index; a name no account has (a failed sign-in as a made-up
    user) is matched exactly through the actor_name index. Never a substring scan of the log."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    accounts = get_user_model().objects.filter(
        Q(username__istartswith=who) | Q(full_name__icontains=who)
    )
    ids = list(accounts.values_list("pk", flat=True)[:MAX_ACCOUNTS_PER_FILTER])
    if ids:
        return events.filter(actor_id__in=ids)
    return events.filter(actor_name=who)


MAX_ACCOUNTS_PER_FILTER = 500


def _day_start(day) -> datetime:
    """Midnight of ``day`` in the deployment's zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class AuditFilterForm(forms.Form):
    who = forms.CharField(
        label=_("User"),
        required=False,
        max_length=200,
        help_text=_("Start of the user name, or part of the full name."),
    )
    action = forms.ChoiceField(
        label=_("Event"), required=False, widget=forms.Select(attrs={"data-autosubmit": ""})
    )
    action_prefix = forms.CharField(
        label=_("Event code starts with"),
        required=False,
        max_length=60,
        help_text=_("For example “org.” for every organisation change."),
    )
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("Any result")), *AuditResult.choices],
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)

    # Shown unfolded in the filter bar; the rest are folded (UI.md "Lists").
    main_fields = ("who", "action", "result", "date_from", "date_to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any event")), *action_choices()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def main(self):
        return [self[name] for name in self.main_fields]

    def more(self):
        return [self[name] for name in self.fields if name not in self.main_fields]

    def has_more_values(self) -> bool:
        """Keep the folded filters open when one of them is in use."""
        if not self.is_bound:
            return False
        return any(self.data.get(name) for name in self.fields if name not in self.main_fields)

    def used_filters(self) -> dict:
        """The filters in effect, as plain text (stored with an export's audit event)."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}

    def filter(self, events: QuerySet) -> QuerySet:
        """Apply the valid filters. Dates are whole days in the deployment's zone."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("who"):
            events = _filter_who(events, data["who"].strip())
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("action_prefix"):
            events = events.filter(action__startswith=data["action_prefix"].strip())
        if data.get("result"):
            events = events.filter(result=data["result"])
        if data.get("date_from"):
            events = events.filter(at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(at__lt=_day_start(data["date_to"] + timedelta(days=1)))
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"].strip())
        if data.get("object_id"):
            events = events.filter(object_id=data["object_id"].strip())
        return events
