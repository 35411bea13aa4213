"""security.md A4 (idle and absolute limits), A6 (session key, cookie flags) and A7 (ending
sessions)."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import PASSWORD
from zhongshu.org import services_accounts

HOME = reverse("core:home")
LOGIN = reverse("org:login")


def sign_in(user, client=None, password=PASSWORD):
    """Through the sign-in form, as a browser does (staff: no second factor)."""
    client = client or Client()
    response = client.post(LOGIN, {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def session_rows_of(user) -> list[str]:
    return [
        s.session_key
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def cookie_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def replay(cookie_value: str):
    """A fresh browser presenting an old session cookie."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie_value
    return client.get(HOME)


def goes_to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(LOGIN)


# --- A4: idle and absolute limits --------------------------------------------------------


def test_idle_31_minutes_signs_out_and_deletes_the_session_row(staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = sign_in(staff)
        key = cookie_of(client)
        assert client.get(HOME).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(HOME)
        assert goes_to_login(response)
        assert not Session.objects.filter(session_key=key).exists()


def test_idle_29_minutes_is_still_signed_in(staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = sign_in(staff)
        traveller.shift(timedelta(minutes=29))
        assert client.get(HOME).status_code == 200


def test_administrator_idle_limit_is_15_minutes(sysadmin):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(Client(), sysadmin)
        key = cookie_of(client)
        assert client.get(reverse("org:account_list")).status_code == 200
        traveller.shift(timedelta(minutes=14))
        assert client.get(reverse("org:account_list")).status_code == 200
        traveller.shift(timedelta(minutes=16))
        assert goes_to_login(client.get(reverse("org:account_list")))
        assert not Session.objects.filter(session_key=key).exists()


def test_absolute_limit_of_12_hours_even_with_activity(staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = sign_in(staff)
        key = cookie_of(client)
        for _ in range(35):  # a request every 20 minutes for 11 h 40 min
            traveller.shift(timedelta(minutes=20))
            assert client.get(HOME).status_code == 200
        traveller.shift(timedelta(minutes=21))  # 12 h 1 min after signing in, 21 min idle
        assert goes_to_login(client.get(HOME))
        assert not Session.objects.filter(session_key=key).exists()


def test_polling_requests_do_not_extend_the_idle_clock(staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = sign_in(staff)
        for _ in range(3):  # the badge refreshes at +10, +20, +30 min
            traveller.shift(timedelta(minutes=10))
            client.get(HOME, HTTP_X_ZHONGSHU_POLL="1")
        traveller.shift(timedelta(minutes=1))
        assert goes_to_login(client.get(HOME))


def test_real_activity_extends_the_idle_clock(staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = sign_in(staff)
        for _ in range(3):
            traveller.shift(timedelta(minutes=20))
            assert client.get(HOME).status_code == 200


# --- A6: session key and cookies ---------------------------------------------------------


def test_session_key_changes_at_sign_in(staff):
    client = Client()
    session = client.session  # an anonymous session already exists
    session["seen"] = True
    session.save()
    before = cookie_of(client)
    sign_in(staff, client)
    after = cookie_of(client)
    assert before != after
    assert not Session.objects.filter(session_key=before).exists()


def test_session_key_changes_at_each_step_of_a_two_factor_sign_in(sysadmin):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=sysadmin, name="app", confirmed=True)
    client = Client()
    session = client.session
    session.save()
    keys = [cookie_of(client)]
    response = client.post(LOGIN, {"username": "sys", "password": PASSWORD})
    assert response.url == reverse("org:login_verify")
    keys.append(cookie_of(client))
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("org:login_verify"), {"otp": code})
    assert response.status_code == 302
    keys.append(cookie_of(client))
    assert len(set(keys)) == 3


def _production_settings() -> dict:
    """The cookie settings as the real settings module computes them in production mode."""
    code = (
        "import json, zhongshu.settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['SESSION_COOKIE_NAME', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_NAME', 'CSRF_COOKIE_SECURE', "
        "'CSRF_COOKIE_SAMESITE', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_SSL_REDIRECT']}))"
    )
    env = {
        **os.environ,
        "ZHONGSHU_MODE": "production",
        "SECRET_KEY": "x" * 60,
        "DEBUG": "",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_mode_cookie_settings():
    values = _production_settings()
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600  # A8
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


@pytest.fixture
def production_cookies():
    values = _production_settings()
    with override_settings(
        SESSION_COOKIE_NAME=values["SESSION_COOKIE_NAME"],
        SESSION_COOKIE_SECURE=values["SESSION_COOKIE_SECURE"],
        SESSION_COOKIE_HTTPONLY=values["SESSION_COOKIE_HTTPONLY"],
        SESSION_COOKIE_SAMESITE=values["SESSION_COOKIE_SAMESITE"],
        CSRF_COOKIE_NAME=values["CSRF_COOKIE_NAME"],
        CSRF_COOKIE_SECURE=values["CSRF_COOKIE_SECURE"],
        CSRF_COOKIE_SAMESITE=values["CSRF_COOKIE_SAMESITE"],
    ):
        yield values


def test_set_cookie_headers_in_production_mode(staff, production_cookies):
    client = Client()
    page = client.get(LOGIN, secure=True)
    csrf = page.cookies["__Host-csrftoken"]
    response = client.post(LOGIN, {"username": "staff", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    for cookie in (response.cookies["__Host-sessionid"], csrf):
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""  # __Host- cookies carry no Domain
        assert cookie["samesite"] in {"Lax", "Strict"}
    assert response.cookies["__Host-sessionid"]["httponly"] is True
    header = response.cookies["__Host-sessionid"].output()
    assert "Secure" in header and "HttpOnly" in header and "SameSite=" in header


# --- A7: ending sessions -----------------------------------------------------------------


def test_sign_out_deletes_every_session_of_the_user(staff):
    laptop, phone = sign_in(staff), sign_in(staff)
    old = [cookie_of(laptop), cookie_of(phone)]
    assert len(session_rows_of(staff)) == 2
    laptop.post(reverse("org:logout"))
    assert session_rows_of(staff) == []
    for cookie in old:
        assert goes_to_login(replay(cookie))


def test_disabling_deletes_every_session_of_the_user(staff, sysadmin):
    laptop, phone = sign_in(staff), sign_in(staff)
    old = [cookie_of(laptop), cookie_of(phone)]
    services_accounts.account_disable(actor=sysadmin, user=staff)
    assert session_rows_of(staff) == []
    for cookie in old:
        assert goes_to_login(replay(cookie))


def test_kill_sessions_deletes_every_session_of_the_user(staff, sysadmin):
    laptop = sign_in(staff)
    old = cookie_of(laptop)
    services_accounts.account_sessions_end(actor=sysadmin, user=staff)
    assert session_rows_of(staff) == []
    assert goes_to_login(replay(old))


def test_password_change_ends_the_other_sessions(staff):
    laptop, phone = sign_in(staff), sign_in(staff)
    old_laptop, old_phone = cookie_of(laptop), cookie_of(phone)
    response = laptop.post(
        reverse("org:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-New-Secret-77",
            "new_password2": "Brand-New-Secret-77",
        },
    )
    assert response.status_code == 302
    # Only the session that made the change survives, under a new key.
    assert session_rows_of(staff) == [cookie_of(laptop)]
    assert cookie_of(laptop) != old_laptop
    assert laptop.get(HOME).status_code == 200
    assert goes_to_login(replay(old_phone))
    assert goes_to_login(replay(old_laptop))
