"""security.md A3: 5 failures lock username+IP for 15 minutes, logged once, looking like a wrong
password (never axes' own 429 page)."""

import re
from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from zhongshu.core.models import AuditEvent
from zhongshu.org.signin import SIGN_IN_FAILED

LOGIN = reverse("org:login")


def attempt(client, username, password, ip="10.0.0.8"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def visible_text(response) -> str:
    """The page without the per-response CSRF tokens, to compare two responses."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def error_text(response) -> str:
    match = re.search(r'id="login-error">([^<]*)<', response.content.decode())
    return match.group(1) if match else ""


def test_sixth_attempt_with_the_correct_password_fails_like_a_wrong_one(client, staff):
    wrong = [attempt(client, "staff", f"wrong-{n}") for n in range(5)]
    assert all(r.status_code == 200 for r in wrong)
    locked = attempt(client, "staff", PASSWORD)
    assert locked.status_code == 200  # not axes' 429
    assert error_text(locked) == error_text(wrong[0]) == str(SIGN_IN_FAILED)
    assert visible_text(locked) == visible_text(wrong[-1])
    assert "_auth_user_id" not in client.session


def test_exactly_five_failures_and_one_lock_are_audited(client, staff):
    for n in range(5):
        attempt(client, "staff", f"wrong-{n}")
    attempt(client, "staff", PASSWORD)
    attempt(client, "staff", "wrong-again")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5
    locked = AuditEvent.objects.filter(action="auth.locked")
    assert locked.count() == 1
    assert locked.get().object_id == str(staff.pk)
    assert locked.get().detail == {"minutes": 15}
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_four_failures_do_not_lock(client, staff):
    for n in range(4):
        attempt(client, "staff", f"wrong-{n}")
    assert attempt(client, "staff", PASSWORD).status_code == 302
    assert not AuditEvent.objects.filter(action="auth.locked").exists()


def test_lock_lifts_after_15_minutes(staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        for n in range(5):
            attempt(client, "staff", f"wrong-{n}")
        traveller.shift(timedelta(minutes=14))
        assert attempt(client, "staff", PASSWORD).status_code == 200
        # Failures during the lock do not restart the cool-off.
        traveller.shift(timedelta(minutes=1, seconds=1))
        response = attempt(client, "staff", PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("core:home")


def test_mobile_number_counts_against_the_same_lock(client, unit):
    UserFactory(unit=unit, username="wangwu", mobile="13800000009")
    for n in range(3):
        attempt(client, "wangwu", f"wrong-{n}")
    for n in range(2):
        attempt(client, "13800000009", f"wrong-m{n}")
    assert attempt(client, "WangWu", PASSWORD).status_code == 200
    assert attempt(client, "13800000009", PASSWORD).status_code == 200
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1


def test_lock_is_per_address(staff):
    """Username + IP: someone else's failures from another address do not lock the owner out."""
    attacker = Client()
    for n in range(5):
        attempt(attacker, "staff", f"wrong-{n}", ip="203.0.113.9")
    assert attempt(attacker, "staff", PASSWORD, ip="203.0.113.9").status_code == 200
    assert attempt(Client(), "staff", PASSWORD, ip="10.0.0.8").status_code == 302


def test_unknown_user_name_gives_the_same_answer(client, staff):
    unknown = attempt(client, "nobody", "whatever")
    wrong = attempt(Client(), "staff", "whatever")
    assert error_text(unknown) == error_text(wrong) == str(SIGN_IN_FAILED)
