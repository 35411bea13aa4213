"""security.md A5: password plus TOTP for the 三员 and for users cleared for 机密/绝密; a code works
once; the demo accounts skip it in demo mode only."""

import re

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.org.signin import OTP_FAILED, SIGN_IN_FAILED

LOGIN = reverse("org:login")
VERIFY = reverse("org:login_verify")
ACCOUNTS = reverse("org:account_list")


def code_for(device, offset_steps=0) -> str:
    """The code an authenticator app shows now (or ``offset_steps`` steps away)."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset_steps
    )
    return f"{value:0{device.digits}d}"


@pytest.fixture
def device(sysadmin):
    return TOTPDevice.objects.create(user=sysadmin, name="app", confirmed=True)


@pytest.fixture
def frozen():
    # Codes are computed and checked within one 30-second step.
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_administrator_without_second_factor_is_redirected(sysadmin):
    client = Client()
    client.force_login(sysadmin, backend="zhongshu.org.backends.UsernameOrMobileBackend")
    for path in (ACCOUNTS, reverse("org:config_edit"), reverse("core:home")):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == reverse("org:two_factor_setup")


def test_password_alone_does_not_sign_an_administrator_in(sysadmin, device):
    client = Client()
    response = client.post(LOGIN, {"username": "sys", "password": PASSWORD})
    assert response.url == VERIFY
    assert "_auth_user_id" not in client.session
    assert client.get(ACCOUNTS).url.startswith(LOGIN)


def test_totp_sign_in_through_both_steps(sysadmin, device, frozen):
    client = Client()
    response = client.post(LOGIN, {"username": "sys", "password": PASSWORD})
    assert response.status_code == 302 and response.url == VERIFY
    response = client.post(VERIFY, {"otp": code_for(device)})
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.get(ACCOUNTS).status_code == 200
    event = AuditEvent.objects.get(action="auth.login")
    assert event.detail == {"two_factor": True}


def test_code_from_the_previous_step_is_accepted(sysadmin, device, frozen):
    """Tolerance ±1 step (a phone clock a little slow)."""
    client = Client()
    client.post(LOGIN, {"username": "sys", "password": PASSWORD})
    assert client.post(VERIFY, {"otp": code_for(device, -1)}).status_code == 302


def test_code_two_steps_old_is_refused(sysadmin, device, frozen):
    client = Client()
    client.post(LOGIN, {"username": "sys", "password": PASSWORD})
    response = client.post(VERIFY, {"otp": code_for(device, -3)})
    assert response.status_code == 200
    assert str(OTP_FAILED) in response.content.decode()


def test_a_reused_code_is_rejected(sysadmin, device, frozen):
    code = code_for(device)
    first = Client()
    first.post(LOGIN, {"username": "sys", "password": PASSWORD})
    assert first.post(VERIFY, {"otp": code}).status_code == 302

    second = Client()
    second.post(LOGIN, {"username": "sys", "password": PASSWORD})
    response = second.post(VERIFY, {"otp": code})
    assert response.status_code == 200
    assert str(OTP_FAILED) in response.content.decode()
    assert "_auth_user_id" not in second.session
    assert AuditEvent.objects.filter(action="auth.otp_failed").count() == 1
    # The next step's code works.
    frozen.shift(30)
    assert second.post(VERIFY, {"otp": code_for(device)}).status_code == 302


def test_five_wrong_codes_send_back_to_the_password(sysadmin, device, frozen):
    client = Client()
    client.post(LOGIN, {"username": "sys", "password": PASSWORD})
    for _ in range(4):
        assert client.post(VERIFY, {"otp": "000000"}).status_code == 200
    response = client.post(VERIFY, {"otp": "000000"})
    assert response.url == LOGIN
    assert client.get(VERIFY).url == LOGIN


def test_setup_flow_for_a_user_cleared_for_confidential(unit, frozen):
    user = UserFactory(unit=unit, username="jimi", clearance=Classification.CONFIDENTIAL)
    assert not TOTPDevice.objects.filter(user=user).exists()
    client = Client()
    response = client.post(LOGIN, {"username": "jimi", "password": PASSWORD})
    assert response.url == VERIFY
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert page.context["setting_up"] is True
    assert "<svg" in page.content.decode()
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    shown = page.context["secret"].replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]+", shown)

    wrong = "123456" if code_for(pending) != "123456" else "654321"
    assert client.post(VERIFY, {"otp": wrong}).status_code == 200
    frozen.shift(2)  # django-otp throttles for a second after a wrong code
    response = client.post(VERIFY, {"otp": code_for(pending)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed is True
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enabled").count() == 1


def test_clearance_granted_mid_session_requires_setup(unit, secadmin):
    from zhongshu.org import services_accounts

    user = UserFactory(unit=unit, username="promoted")
    client = Client()
    client.post(LOGIN, {"username": "promoted", "password": PASSWORD})
    assert client.get(reverse("core:home")).status_code == 200
    services_accounts.clearance_set(actor=secadmin, user=user, clearance=Classification.TOP_SECRET)
    response = client.get(reverse("core:home"))
    assert response.url == reverse("org:two_factor_setup")


def test_demo_accounts_skip_two_factor_in_demo_mode(unit):
    UserFactory(unit=unit, username="sysadmin", admin_role="sysadmin", is_demo_account=True)
    client = Client()
    response = client.post(LOGIN, {"username": "sysadmin", "password": PASSWORD})
    assert response.url == reverse("core:home")
    assert client.get(ACCOUNTS).status_code == 200


@override_settings(DEMO_MODE=False)
def test_demo_accounts_need_two_factor_outside_demo_mode(unit):
    UserFactory(unit=unit, username="sysadmin", admin_role="sysadmin", is_demo_account=True)
    client = Client()
    response = client.post(LOGIN, {"username": "sysadmin", "password": PASSWORD})
    assert response.url == VERIFY


def test_wrong_password_never_reaches_the_code_step(sysadmin, device):
    client = Client()
    response = client.post(LOGIN, {"username": "sys", "password": "wrong"})
    assert response.status_code == 200
    assert str(SIGN_IN_FAILED) in response.content.decode()
    assert client.get(VERIFY).url == LOGIN
