from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import AssigneeRule, ConditionOp, StepMode


class RouteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Business type"), choices=())

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = registry.choices()
        if editing:
            self.fields["kind"].disabled = True


class StepForm(forms.Form):
    name = forms.CharField(label=_("Step name"), max_length=60)
    rule = forms.ChoiceField(label=_("Who acts"), choices=AssigneeRule.choices)
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=None, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=(),
        required=False,
        help_text=_(
            "With “Position or role in a department”: only the people of the department "
            "(and position, if chosen) who hold this role."
        ),
    )
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)
    source = forms.ChoiceField(
        label=_("Named on the item"),
        choices=(),
        required=False,
        help_text=_("With “People the item names”: which of the item's lists names them."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=StepMode.choices, initial=StepMode.ONE)
    condition_field = forms.ChoiceField(label=_("Only when"), choices=(), required=False)
    condition_op = forms.ChoiceField(
        label=_("Condition"), choices=[("", "—"), *ConditionOp.choices], required=False
    )
    condition_value = forms.CharField(label=_("Value"), max_length=60, required=False)
    read_only = forms.BooleanField(label=_("Read only (已阅)"), required=False)
    batch_allowed = forms.BooleanField(label=_("Batch approval allowed"), required=False)
    due_working_days = forms.IntegerField(
        label=_("Working days to act"), min_value=0, max_value=365, initial=0, required=False
    )
    cc = forms.ModelMultipleChoiceField(label=_("Copy to"), queryset=None, required=False)

    def __init__(self, *args, unit=None, kind="", **kwargs):
        from zhongshu.org.models import Department, Position, Role, User

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *Role.choices]
        people = User.objects.filter(
            unit=unit, is_active=True, closed_at__isnull=True, admin_role=""
        )
        self.fields["department"].queryset = Department.objects.filter(
            unit=unit, deleted_at__isnull=True
        )
        self.fields["position"].queryset = Position.objects.filter(
            unit=unit, deleted_at__isnull=True
        )
        self.fields["person"].queryset = people.order_by("full_name")
        self.fields["cc"].queryset = people.order_by("full_name")
        fields, sources = {}, {}
        for subject in registry.subjects():
            if not kind or subject.kind == kind:
                fields.update(subject.condition_fields)
                sources.update({k: label for k, (label, _fn) in subject.assignee_sources.items()})
        self.fields["condition_field"].choices = [("", "—"), *fields.items()]
        self.fields["source"].choices = [("", "—"), *sources.items()]

    def clean(self):
        data = super().clean()
        if bool(data.get("condition_field")) != bool(data.get("condition_op")):
            raise forms.ValidationError(_("A condition needs a field and a comparison."))
        data["due_working_days"] = data.get("due_working_days") or 0
        return data


StepFormSet = formset_factory(StepForm, extra=1, can_delete=True, max_num=30, validate_max=True)


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(label=_("Delegate"), queryset=None)
    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user=None, **kwargs):
        from zhongshu.org.models import User

        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = (
            User.objects.filter(
                unit_id=user.unit_id, is_active=True, closed_at__isnull=True, admin_role=""
            )
            .exclude(pk=user.pk)
            .order_by("full_name")
        )


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("Common opinion"), max_length=200)
