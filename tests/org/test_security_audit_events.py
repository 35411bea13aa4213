"""security.md C1 (what is logged: one event per action) and C2 (what never is: passwords and
codes; control characters stored escaped)."""

import logging

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import login
from tests.factories import PASSWORD
from zhongshu.core.models import AuditEvent, Classification, SystemConfig
from zhongshu.org import services_accounts

LOGIN = reverse("org:login")


def code_for(device) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def do_login(ctx):
    ctx["client"].post(LOGIN, {"username": "staff", "password": PASSWORD})


def do_logout(ctx):
    login(ctx["client"], ctx["staff"]).post(reverse("org:logout"))


def do_failed_login(ctx):
    ctx["client"].post(LOGIN, {"username": "staff", "password": "Not-The-Password-1"})


def do_lockout(ctx):
    for n in range(5):
        ctx["client"].post(LOGIN, {"username": "staff", "password": f"wrong-{n}"})


def do_two_factor_enable(ctx):
    client = login(ctx["client"], ctx["staff"])
    client.get(reverse("org:two_factor_setup"))
    pending = TOTPDevice.objects.get(user=ctx["staff"], confirmed=False)
    client.post(reverse("org:two_factor_setup"), {"otp": code_for(pending)})


def do_password_change(ctx):
    login(ctx["client"], ctx["staff"]).post(
        reverse("org:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Lantern-Festival-9",
            "new_password2": "Lantern-Festival-9",
        },
    )


def do_account_disable(ctx):
    login(ctx["client"], ctx["sysadmin"]).post(
        reverse("org:account_action", args=[ctx["staff"].pk, "disable"])
    )


def do_role_grant(ctx):
    staff = ctx["staff"]
    login(ctx["client"], ctx["secadmin"]).post(
        reverse("org:grant_edit", args=[staff.pk]),
        {
            "admin_role": "",
            "roles": ["org"],
            "clearance": staff.clearance,
            "version": staff.version,
        },
    )


def do_clearance_change(ctx):
    staff = ctx["staff"]
    login(ctx["client"], ctx["secadmin"]).post(
        reverse("org:grant_edit", args=[staff.pk]),
        {"admin_role": "", "clearance": Classification.SECRET, "version": staff.version},
    )


def do_config_change(ctx):
    config = SystemConfig.get()
    login(ctx["client"], ctx["sysadmin"]).post(
        reverse("org:config_edit"),
        {
            "site_name": "市局",
            "login_notice": "",
            "support_contact": "",
            "version": config.version,
        },
    )


CASES = [
    ("login", do_login, "auth.login"),
    ("logout", do_logout, "auth.logout"),
    ("failed login", do_failed_login, "auth.login_failed"),
    ("lockout", do_lockout, "auth.locked"),
    ("2FA enable", do_two_factor_enable, "auth.two_factor_enabled"),
    ("password change", do_password_change, "auth.password_changed"),
    ("account disable", do_account_disable, "account.disabled"),
    ("role grant", do_role_grant, "grant.role_added"),
    ("clearance change", do_clearance_change, "grant.clearance_changed"),
    ("config change", do_config_change, "config.changed"),
]


@pytest.mark.parametrize(("what", "act", "action"), CASES, ids=[c[0] for c in CASES])
def test_each_action_writes_exactly_one_event(staff, sysadmin, secadmin, what, act, action):
    ctx = {"client": Client(), "staff": staff, "sysadmin": sysadmin, "secadmin": secadmin}
    with time_machine.travel(timezone.now(), tick=False):
        act(ctx)
    events = AuditEvent.objects.filter(action=action)
    assert events.count() == 1, what
    event = events.get()
    if action == "config.changed":
        assert (event.object_type, event.object_id) == ("core.systemconfig", "1")
    else:
        assert (event.object_type, event.object_id) == ("org.user", str(staff.pk))
    assert event.at.tzinfo is not None
    assert event.request_id
    assert event.ip == "127.0.0.1"


def test_role_and_clearance_events_name_the_grantor_and_values(staff, secadmin):
    services_accounts.grant_role(actor=secadmin, user=staff, role="org")
    services_accounts.clearance_set(actor=secadmin, user=staff, clearance=Classification.TOP_SECRET)
    role = AuditEvent.objects.get(action="grant.role_added")
    clearance = AuditEvent.objects.get(action="grant.clearance_changed")
    for event in (role, clearance):
        assert event.actor_id == secadmin.pk
        assert event.actor_role == "secadmin"
    assert clearance.detail == {"before": 1, "after": 4}
    assert clearance.classification == Classification.TOP_SECRET


# --- C2: nothing secret in the trail or the logs ----------------------------------------------

SECRETS_WRONG = "Wrong-Secret-Guess-31"
SECRET_NEW = "Brand-New-Secret-77"


def test_no_password_or_code_in_audit_rows_or_logs(caplog, staff, sysadmin, secadmin):
    caplog.set_level(logging.DEBUG)
    seen = [PASSWORD, SECRETS_WRONG, SECRET_NEW]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        client.post(LOGIN, {"username": "staff", "password": SECRETS_WRONG})
        client.post(LOGIN, {"username": "staff", "password": PASSWORD})
        client.post(
            reverse("org:password_change"),
            {"old_password": PASSWORD, "new_password1": SECRET_NEW, "new_password2": SECRET_NEW},
        )
        client.get(reverse("org:two_factor_setup"))
        pending = TOTPDevice.objects.get(user=staff, confirmed=False)
        code = code_for(pending)
        client.post(reverse("org:two_factor_setup"), {"otp": code})
        seen.append(code)

        # An administrator's two-step sign-in, and a wrong code.
        device = TOTPDevice.objects.create(user=sysadmin, name="app", confirmed=True)
        admin = Client()
        admin.post(LOGIN, {"username": "sys", "password": PASSWORD})
        admin.post(reverse("org:login_verify"), {"otp": "999999"})
        traveller.shift(2)
        admin_code = code_for(device)
        admin.post(reverse("org:login_verify"), {"otp": admin_code})
        seen += ["999999", admin_code]
        response = admin.post(reverse("org:account_action", args=[staff.pk, "reset"]))
        initial = response.context["password"]
        seen.append(initial)

    assert AuditEvent.objects.count() >= 7
    for event in AuditEvent.objects.all():
        row = str(model_to_dict(event))
        for secret in seen:
            assert secret not in row, (event.action, secret)
    for secret in seen:
        assert secret not in caplog.text
    assert pending.bin_key.hex() not in caplog.text


def test_crlf_in_a_user_name_attempt_is_stored_escaped(db, client):
    forged = "mallory\r\n2026-01-01 auth.login admin ok"
    client.post(LOGIN, {"username": forged, "password": "whatever"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert "\r" not in event.actor_name and "\n" not in event.actor_name
    assert event.actor_name == "mallory\\r\\n2026-01-01 auth.login admin ok"


def test_control_characters_in_a_user_name_attempt_are_escaped(db, client):
    client.post(LOGIN, {"username": "eve\x1b[31m\tx", "password": "whatever"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor_name == "eve\\x1b[31m\\tx"
