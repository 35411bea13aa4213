"""Forms of the organisation pages. They parse and check the input; services write.

Choices always come from the visibility selectors, so a crafted id of another unit's object is
"not a valid choice", never a silent cross-unit link. Every edit form carries the ``version``
the user saw (optimistic locking).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Department, Position, Unit, User, mobile_validator

GENDER_CHOICES = [("", "—"), ("M", _("Male")), ("F", _("Female"))]


class VersionForm(forms.Form):
    """The hidden version of the record the user saw; delete buttons post only this."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.username})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.username})"


class DepartmentChoiceField(forms.ModelChoiceField):
    """Shows the unit too when departments of several units are offered."""

    def __init__(self, *args, show_unit=False, **kwargs):
        self.show_unit = show_unit
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.unit.name} · {obj.name}" if self.show_unit else obj.name


class UnitForm(VersionForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    code = forms.CharField(
        label=_("Code"),
        max_length=30,
        help_text=_("Unified social credit code or an internal code."),
    )
    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=Unit.objects.none())
    principal = PersonChoiceField(
        label=_("Principal leader"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Routes that need the unit's principal leader (主要负责人) go to this person."),
    )
    authorised_signers = PeopleChoiceField(
        label=_("Authorised signers"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "People the principal leader has authorised to sign upward and important documents "
            "(条例 §20) in their place. Leave empty if only the principal signs them."
        ),
    )
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=0)

    def __init__(self, *args, user, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is None:
            self.fields["version"].required = False
        if unit is not None and unit.pk == user.unit_id:
            # The maintainer's own unit: its place above is not theirs to change.
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = selectors.visible_units(user).filter(pk=user.unit_id)
        if unit is None:
            del self.fields["principal"]  # nobody belongs to a unit before it exists
            del self.fields["authorised_signers"]
        else:
            self.fields["principal"].queryset = selectors.unit_people(user, unit)
            self.fields["authorised_signers"].queryset = selectors.unit_people(user, unit)


class DepartmentForm(VersionForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=30)
    parent = DepartmentChoiceField(
        label=_("Parent department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Leave empty for a top-level department."),
        error_messages={
            "invalid_choice": _(
                "Choose a department of the same unit that is neither this department "
                "nor one of its sub-departments."
            )
        },
    )
    is_general_office = forms.BooleanField(
        label=_("This is the general office (办公室)"), required=False
    )
    head = PersonChoiceField(label=_("Head"), queryset=User.objects.none(), required=False)
    leader_in_charge = PersonChoiceField(
        label=_("Leader in charge"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The unit leader in charge of this department (分管领导)."),
    )
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=0)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args, user, unit: Unit, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = selectors.visible_departments(user).filter(unit=unit)
        if department is None:
            self.fields["version"].required = False
        else:
            excluded = selectors.department_descendant_ids(department) | {department.pk}
            parents = parents.exclude(pk__in=excluded)
        self.fields["parent"].queryset = parents
        people = selectors.unit_people(user, unit)
        self.fields["head"].queryset = people
        self.fields["leader_in_charge"].queryset = people


class PositionForm(VersionForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    rank = forms.IntegerField(
        label=_("Rank order"),
        min_value=0,
        initial=100,
        help_text=_("Smaller numbers rank higher (the director is 1)."),
    )
    is_leader = forms.BooleanField(label=_("Unit leader"), required=False)

    def __init__(self, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["version"].required = False


username_field = User._meta.get_field("username")


class PersonForm(VersionForm):
    """Name and contact details; on creation also the unit and the primary post."""

    username = forms.CharField(
        label=_("User name"),
        max_length=40,
        validators=username_field.validators,
        help_text=_("Used to sign in. Letters, digits, dots, hyphens and underscores."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    mobile = forms.CharField(
        label=_("Mobile"), max_length=11, required=False, validators=[mobile_validator]
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=GENDER_CHOICES, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("The primary post; concurrent posts are added on the person's page."),
    )
    position = forms.ModelChoiceField(
        label=_("Position"), queryset=Position.objects.none(), required=False
    )
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:
            for name in ("username", "unit", "department", "position", "sort_order"):
                del self.fields[name]
            return
        self.fields["version"].required = False
        units = selectors.visible_units(user)
        self.fields["unit"].queryset = units
        self.fields["unit"].initial = user.unit_id
        several = len(selectors.visible_unit_ids(user)) > 1
        departments = selectors.visible_departments(user).order_by("unit", "sort_order", "id")
        self.fields["department"].queryset = departments
        self.fields["department"].show_unit = several
        self.fields["position"].queryset = selectors.visible_positions(user).select_related("unit")

    def clean_mobile(self):
        return self.cleaned_data["mobile"] or None

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        department = data.get("department")
        position = data.get("position")
        if unit and department and department.unit_id != unit.pk:
            self.add_error("department", _("Choose a department of the person's unit."))
        if unit and position and position.unit_id != unit.pk:
            self.add_error("position", _("Choose a position of the person's unit."))
        if position and not department:
            self.add_error("department", _("Choose the department of this position."))
        return data


class PostForm(forms.Form):
    department = DepartmentChoiceField(label=_("Department"), queryset=Department.objects.none())
    position = forms.ModelChoiceField(
        label=_("Position"), queryset=Position.objects.none(), required=False
    )
    is_primary = forms.BooleanField(
        label=_("Primary post"),
        required=False,
        help_text=_("Leave unticked for a concurrent post (兼职)."),
    )
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=0)

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        unit_id = person.unit_id
        self.fields["department"].queryset = selectors.visible_departments(user).filter(
            unit_id=unit_id
        )
        self.fields["position"].queryset = selectors.visible_positions(user).filter(unit_id=unit_id)


class ImportForm(forms.Form):
    KIND_CHOICES = [("departments", _("Departments")), ("people", _("People"))]

    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template: one header row, then one row per record."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.visible_units(user)
        self.fields["unit"].initial = user.unit_id
