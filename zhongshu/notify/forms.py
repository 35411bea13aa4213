"""Forms of the notification pages: a person's preferences, the administrator's robots and hosts."""

import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Event, OutboxStatus, RobotHost, RobotWebhook

HOST_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


class PreferencesForm(forms.Form):
    """Two checkboxes per event: e-mail, my department's group robot (in-app is always on)."""

    def __init__(self, *args, current: dict[str, tuple[bool, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for event in Event:
            email, robot = current.get(event.value, (True, True))
            self.fields[f"{event.value}:email"] = forms.BooleanField(
                label=_("E-mail"), required=False, initial=email
            )
            self.fields[f"{event.value}:robot"] = forms.BooleanField(
                label=_("My department's group robot"), required=False, initial=robot
            )
            self.rows.append(
                (event.label, self[f"{event.value}:email"], self[f"{event.value}:robot"])
            )

    def choices(self) -> dict[str, dict[str, bool]]:
        data = self.cleaned_data
        return {
            e.value: {"email": data[f"{e.value}:email"], "robot": data[f"{e.value}:robot"]}
            for e in Event
        }


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Not delivered")),
            (OutboxStatus.FAILED, OutboxStatus.FAILED.label),
            (OutboxStatus.PENDING, OutboxStatus.PENDING.label),
        ],
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    cursor = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def robot_address_error(url: str):
    """Why a robot address may not be used, or ``None`` (https, host on the allow-list)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    loopback = (
        settings.NOTIFY_ROBOT_ALLOW_LOOPBACK and parts.scheme == "http" and host == "127.0.0.1"
    )
    if parts.scheme != "https" and not loopback:
        return _("Use an https:// address.")
    if not RobotHost.objects.filter(host=host).exists():
        return _("This host is not on the robot host allow-list. Add it there first.")
    return None


class RobotForm(forms.ModelForm):
    url = forms.URLField(label=_("Webhook address"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "DingTalk robots with the “signed” security setting only. "
            "Leave blank to keep the stored secret."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every event."),
    )

    class Meta:
        model = RobotWebhook
        fields = ["department", "kind", "url", "events", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            self.fields["department"]
            .queryset.filter(deleted_at__isnull=True)
            .select_related("unit")
        )
        if self.instance.pk:
            # The address holds the access token: never shown back, typed again to change it.
            self.fields["url"].required = False
            self.fields["url"].help_text = _("Stored: %(url)s. Leave blank to keep it.") % {
                "url": self.instance.masked_url
            }
            self.initial["url"] = ""
        self.fields["url"].widget.attrs["autocomplete"] = "off"

    def clean_url(self):
        url = self.cleaned_data.get("url", "")
        if not url and self.instance.pk:
            return self.instance.url
        error = robot_address_error(url)
        if error:
            raise forms.ValidationError(error)
        return url


class RobotHostForm(forms.Form):
    host = forms.CharField(
        label=_("Host name"),
        max_length=253,
        help_text=_("A host name only, e.g. qyapi.weixin.qq.com."),
    )

    def clean_host(self):
        host = self.cleaned_data["host"].strip().lower().rstrip(".")
        if not HOST_RE.match(host):
            raise forms.ValidationError(_("Enter a host name, without https:// or a path."))
        if RobotHost.objects.filter(host=host).exists():
            raise forms.ValidationError(_("This host is already on the list."))
        return host
