"""Forms of the office's steps after 签发: 复核, 印制, 用印, 核发 and the seal register filters."""

from datetime import datetime, time

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.org.models import Department, Membership

from . import handling, numbering
from .models import OutgoingDocument


class VersionForm(forms.Form):
    """The version of the document the page showed (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CheckForm(VersionForm):
    """复核: each point of the checklist ticked, with an optional note."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in handling.CHECK_POINTS:
            self.fields[key] = forms.BooleanField(
                label=label,
                required=True,
                error_messages={"required": _("Tick this point once you have checked it.")},
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("Note"),
                max_length=handling.NOTE_MAX,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Optional")}),
            )

    def points(self):
        """(checkbox, note) pairs in the checklist's order, for the template."""
        return [(self[key], self[f"{key}_note"]) for key, _label in handling.CHECK_POINTS]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        keys = [key for key, _label in handling.CHECK_POINTS]
        return {
            "ticked": [key for key in keys if data.get(key)],
            "notes": {key: data.get(f"{key}_note", "") for key in keys},
        }


class PrintForm(VersionForm):
    copies = forms.IntegerField(
        label=_("Copies printed"), min_value=1, max_value=numbering.MAX_COPIES
    )
    print_date = forms.DateField(
        label=_("Printing date (印发日期)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, document: OutgoingDocument, **kwargs):
        super().__init__(*args, **kwargs)
        copies = self.fields["copies"]
        copies.help_text = _("The number registered (印制份数), unless you printed another.")
        if document.is_classified:
            copies.disabled = True
            copies.help_text = _(
                "A classified document is printed once per copy number (份号) given at "
                "registration."
            )
        if document.print_date:
            self.fields["print_date"].disabled = True
            self.fields["print_date"].help_text = _("Fixed at registration.")


class SealForm(VersionForm):
    seal = forms.CharField(
        label=_("Seal"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "seal-names", "autocomplete": "off"}),
        help_text=_("Which seal was put on the copies, e.g. the issuing organ's."),
    )
    copies = forms.IntegerField(label=_("Copies sealed"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=handling.NOTE_MAX, required=False)

    def __init__(self, *args, document: OutgoingDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copies"].max_value = max(document.copies, 1)
        self.fields["copies"].widget.attrs["max"] = max(document.copies, 1)


# The colleague picker (workflow/_people_picker.html) names its radio buttons after a field the
# shared search (workflow:colleagues) knows; on this form it is the person just picked.
PICK = "to_user"


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


class DistributeForm(VersionForm):
    """核发 in the system: people, or every active member of departments.

    People are chosen with the colleague picker, one at a time: the person picked (``to_user``)
    joins those chosen so far (``people``, ids sent back as ticked checkboxes), so the page
    never lists the whole unit. ``adding``: the picked person is only added to the list (the
    page shown again), nothing is sent, so choosing nobody yet is no error.
    """

    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every active member of each department chosen receives it."),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput(attrs={"id": f"{PICK}-q"}),
        error_messages={
            "invalid_choice": _("Choose people of this unit."),
            "invalid_pk_value": _("Choose people of this unit."),
        },
    )
    to_user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.HiddenInput(attrs={"id": f"{PICK}-q"}),
        error_messages={"invalid_choice": _("Choose people of this unit.")},
    )

    def __init__(self, *args, document: OutgoingDocument, adding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.adding = adding
        self.fields["departments"].queryset = Department.objects.filter(
            unit_id=document.unit_id, deleted_at__isnull=True
        ).order_by("sort_order", "id")
        # Anyone of the unit is a valid choice here, so that whoever may not receive the
        # document is named with the reason (_receivers); another unit's people are not named.
        of_unit = get_user_model().objects.filter(unit_id=document.unit_id)
        self.fields["people"].queryset = of_unit
        self.fields[PICK].queryset = of_unit
        self.fields["people"].help_text = _(
            "Type part of a name, user name or department, then choose: each person chosen "
            "joins the list below. Untick whoever should not receive it."
        )
        if document.is_classified:
            self.fields["people"].help_text += " " + _(
                "Only people cleared for %(classification)s can receive it."
            ) % {"classification": document.get_classification_display()}

    def clean(self):
        cleaned = super().clean()
        if "people" not in cleaned or PICK not in cleaned:
            return cleaned  # an id of another unit: said on the field
        chosen = {p.pk: p for p in cleaned["people"]}
        if cleaned[PICK] is not None:
            chosen.setdefault(cleaned[PICK].pk, cleaned[PICK])
        cleaned["people"] = self._receivers(list(chosen.values()))
        if not self.adding and not cleaned.get("departments") and not chosen:
            raise forms.ValidationError(_("Choose at least one person or department."))
        return cleaned

    def _receivers(self, people: list) -> list:
        """``people`` if the document may go to each of them (handling.recipients_possible),
        else an error on the field naming who may not and why."""
        document = self.document
        possible = set(
            handling.recipients_possible(document)
            .filter(pk__in=[p.pk for p in people])
            .values_list("pk", flat=True)
        )
        for person in people:
            if person.pk in possible:
                continue
            if person.is_active and not person.admin_role and not person.closed_at:
                message = _(
                    "%(person)s is not cleared for documents marked %(classification)s."
                ) % {"person": person, "classification": document.get_classification_display()}
            else:
                message = _("%(person)s cannot receive documents of this unit.") % {
                    "person": person
                }
            self.add_error("people", message)
        return [p for p in people if p.pk in possible]

    def chosen_people(self) -> list:
        """Those chosen so far who may receive the document, for the list above the picker,
        with their live posts (two queries): posted back, or given to the page (``initial``)."""
        ids = _ids([*(self["people"].value() or ()), self[PICK].value()])
        if not ids:
            return []
        posts = (
            Membership.objects.filter(deleted_at__isnull=True, department__deleted_at__isnull=True)
            .select_related("department")
            .order_by("-is_primary", "sort_order", "id")
        )
        return list(
            handling.recipients_possible(self.document)
            .filter(pk__in=ids)
            .prefetch_related(Prefetch("memberships", queryset=posts, to_attr="live_posts"))
        )


class ExternalForm(VersionForm):
    """核发 outside the unit: the organ, the channel, the time and the 份号 sent."""

    organ = forms.CharField(
        label=_("Organ"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "organ-names", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in handling.EXTERNAL_CHANNELS],
    )
    copy_numbers = forms.TypedMultipleChoiceField(
        label=_("Copy numbers (份号)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sent_at = forms.DateTimeField(
        label=_("Sent at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Now, if left empty."),
    )

    def __init__(self, *args, document: OutgoingDocument, copies=(), **kwargs):
        super().__init__(*args, **kwargs)
        if document.is_classified:
            field = self.fields["copy_numbers"]
            field.required = True
            field.choices = [(c.number, c.text) for c in copies]
            field.help_text = _("Each copy goes to one recipient only.")
        else:
            del self.fields["copy_numbers"]


class SealFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Seal, number or title"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
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

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end is before the start."))
        return cleaned

    def used_filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}

    def filter(self, uses: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            start = datetime.combine(data["date_from"], time.min)
            uses = uses.filter(used_at__gte=timezone.make_aware(start, tz))
        if data.get("date_to"):
            end = datetime.combine(data["date_to"], time.max)
            uses = uses.filter(used_at__lte=timezone.make_aware(end, tz))
        if data.get("q"):
            q = data["q"].strip()
            uses = uses.filter(
                Q(seal__icontains=q)
                | Q(document__doc_number__icontains=q)
                | Q(document__title__icontains=q)
            )
        return uses


__all__ = [
    "CheckForm",
    "DistributeForm",
    "ExternalForm",
    "PrintForm",
    "SealFilterForm",
    "SealForm",
    "VersionForm",
]
