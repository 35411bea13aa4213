"""Forms of the three administrators' consoles (三员: accounts, configuration, grants)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import Classification, SystemConfig

from .models import AdminRole, Role, Unit


class AccountState:
    ACTIVE = "active"
    DISABLED = "disabled"
    CLOSED = "closed"

    choices = [
        ("", _("Any state")),
        (ACTIVE, _("Active")),
        (DISABLED, _("Disabled")),
        (CLOSED, _("Closed")),
    ]


class AccountFilterForm(forms.Form):
    """The filter bar above the account and grant lists; every field optional."""

    q = forms.CharField(
        label=_("Name or user name"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or user name")}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=AccountState.choices,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=Unit.objects.filter(deleted_at__isnull=True),
        empty_label=_("Any unit"),
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    cursor = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ConfigForm(forms.ModelForm):
    """System configuration, with the version the administrator saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = SystemConfig
        fields = ["site_name", "login_notice", "support_contact"]
        widgets = {"login_notice": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class GrantForm(forms.Form):
    """What the security administrator sets on one account."""

    admin_role = forms.ChoiceField(
        label=_("Administrator role"),
        required=False,
        choices=[("", _("None (business user)")), *AdminRole.choices],
        help_text=_(
            "An administrator holds no business role and reads no business content. "
            "Remove a role before giving a different one."
        ),
    )
    roles = forms.MultipleChoiceField(
        label=_("Business roles"),
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    clearance = forms.TypedChoiceField(
        label=_("Clearance"),
        choices=Classification.choices,
        coerce=int,
        help_text=_("From Confidential up, the person must use two-factor sign-in."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_user(cls, user, data=None):
        initial = {
            "admin_role": user.admin_role,
            "roles": sorted(user.role_grants.values_list("role", flat=True)),
            "clearance": user.clearance,
            "version": user.version,
        }
        return cls(data, initial=initial)


class AccountCreateForm(forms.Form):
    """A new account without a post; posts are given later under Organisation."""

    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(deleted_at__isnull=True), empty_label=None
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=40,
        help_text=_("Letters, digits, dots, hyphens and underscores, e.g. the pinyin of the name."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
