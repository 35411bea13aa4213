"""POST /api/token/, logout and the life of a token (A3, A5, A7; CONVENTIONS.md "Sign-in")."""

import base64
from datetime import timedelta

import time_machine
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from tests.api.conftest import current_code, device_for, issue_token
from tests.factories import PASSWORD, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.org import passwords, signin
from zhongshu.org.models import AdminRole

ME = "/api/me/"


def test_issue_token_and_use_it(api, staff):
    response = issue_token(api, "staff")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    # Stored hashed: the database never holds the token itself.
    stored = AuthToken.objects.get(user=staff)
    assert stored.digest != body["token"]
    assert body["token"].startswith(stored.token_key)
    assert AuditEvent.objects.filter(action="auth.token_issued", actor=staff).count() == 1
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = api.get(ME)
    assert me.status_code == 200
    assert me.json()["username"] == "staff"


def test_token_by_mobile_number(api, unit):
    UserFactory(unit=unit, username="wangwu", mobile="13800000001")

    assert issue_token(api, "13800000001").status_code == 200


def test_token_expires_after_ttl(api, staff, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = issue_token(api, "staff").json()["token"]
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        traveller.shift(settings.REST_KNOX["TOKEN_TTL"] - timedelta(minutes=1))
        assert api.get(ME).status_code == 200
        traveller.shift(timedelta(minutes=2))

        response = api.get(ME)

    assert response.status_code == 401
    assert not AuthToken.objects.filter(user=staff).exists()


def test_wrong_password_and_unknown_user_get_the_same_answer(api, staff):
    wrong = issue_token(api, "staff", "not-the-password")
    unknown = issue_token(api, "nobody", "not-the-password")

    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json() == {"detail": str(signin.SIGN_IN_FAILED)}
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2
    assert not AuthToken.objects.exists()


def test_missing_fields_are_field_errors(api):
    response = api.post(reverse("api:token"), {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_lockout_five_wrong_then_correct_is_refused_with_same_body(api, staff):
    wrong = [issue_token(api, "staff", "wrong-password") for _ in range(5)]

    locked = issue_token(api, "staff")

    assert {r.status_code for r in wrong} == {400}
    assert locked.status_code == 400
    assert locked.json() == wrong[0].json() == {"detail": str(signin.SIGN_IN_FAILED)}
    assert not AuthToken.objects.exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1


def test_lockout_ends_after_cool_off(api, staff, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            issue_token(api, "staff", "wrong-password")
        assert issue_token(api, "staff").status_code == 400
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))

        response = issue_token(api, "staff")

    assert response.status_code == 200


def test_lockout_is_shared_with_the_web_form(api, client, staff):
    for _ in range(3):
        client.post(reverse("org:login"), {"username": "staff", "password": "wrong-password"})
    for _ in range(2):
        issue_token(api, "staff", "wrong-password")

    by_api = issue_token(api, "staff")
    by_web = client.post(reverse("org:login"), {"username": "staff", "password": PASSWORD})

    assert by_api.status_code == 400
    assert by_api.json() == {"detail": str(signin.SIGN_IN_FAILED)}
    assert by_web.status_code == 200  # the form again, not a redirect into the application
    assert "_auth_user_id" not in client.session


def test_success_resets_the_failure_count(api, staff):
    for _ in range(4):
        issue_token(api, "staff", "wrong-password")
    assert issue_token(api, "staff").status_code == 200

    for _ in range(4):
        issue_token(api, "staff", "wrong-password")

    assert issue_token(api, "staff").status_code == 200


def test_sysadmin_needs_otp(api, sysadmin):
    device = device_for(sysadmin)
    code = current_code(device)

    missing = issue_token(api, "sys")
    right = issue_token(api, "sys", otp=code)
    replayed = issue_token(api, "sys", otp=code)

    assert missing.status_code == 400
    assert set(missing.json()) == {"otp"}
    assert right.status_code == 200
    assert replayed.status_code == 400  # a code works once (A5)
    assert replayed.json() == {"otp": [str(signin.OTP_FAILED)]}
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor=sysadmin).count() == 1
    assert AuthToken.objects.filter(user=sysadmin).count() == 1
    event = AuditEvent.objects.get(action="auth.token_issued")
    assert event.detail["two_factor"] is True


def test_wrong_otp_is_refused(api, sysadmin):
    device_for(sysadmin)

    response = issue_token(api, "sys", otp="abcdef")

    assert response.status_code == 400
    assert response.json() == {"otp": [str(signin.OTP_FAILED)]}
    assert not AuthToken.objects.exists()


def test_confidential_clearance_needs_otp(api, unit):
    device_for(UserFactory(unit=unit, username="jimi", clearance=Classification.CONFIDENTIAL))

    response = issue_token(api, "jimi")

    assert response.status_code == 400
    assert set(response.json()) == {"otp"}


def test_two_factor_not_set_up_is_refused(api, sysadmin):
    response = issue_token(api, "sys", otp="123456")

    assert response.status_code == 403
    assert not AuthToken.objects.exists()


def test_expired_password_is_told_to_change_it_in_the_web(api, staff):
    staff.password_changed_at = timezone.now() - timedelta(days=91)
    staff.save(update_fields=["password_changed_at"])

    response = issue_token(api, "staff")

    assert response.status_code == 403
    assert "web" in response.json()["detail"].lower() or "网" in response.json()["detail"]
    assert not AuthToken.objects.exists()


def test_must_change_password_is_refused(api, staff):
    staff.must_change_password = True
    staff.save(update_fields=["must_change_password"])

    assert issue_token(api, "staff").status_code == 403


def test_token_stops_working_when_the_password_expires(token_client, staff):
    client = token_client(staff)
    staff.password_changed_at = timezone.now() - timedelta(days=91)
    staff.save(update_fields=["password_changed_at"])

    response = client.get(ME)

    assert response.status_code == 403


def test_logout_revokes_only_the_current_token(api, token_client, staff):
    first = token_client(staff)
    second = token_client(staff)

    response = first.post("/api/logout/")

    assert response.status_code == 204
    assert first.get(ME).status_code == 401
    assert second.get(ME).status_code == 200
    assert AuthToken.objects.filter(user=staff).count() == 1
    assert AuditEvent.objects.filter(action="auth.logout", actor=staff).count() == 1


def test_logout_all_revokes_every_token(token_client, staff):
    first = token_client(staff)
    second = token_client(staff)

    response = first.post("/api/logout-all/")

    assert response.status_code == 204
    assert first.get(ME).status_code == 401
    assert second.get(ME).status_code == 401
    assert not AuthToken.objects.filter(user=staff).exists()
    assert AuditEvent.objects.filter(action="auth.logout_all", actor=staff).count() == 1


def test_password_change_revokes_tokens(token_client, staff):
    client = token_client(staff)

    passwords.password_change(actor=staff, user=staff, raw_password="Brand-New-Secret-77")

    assert client.get(ME).status_code == 401
    assert not AuthToken.objects.filter(user=staff).exists()


def test_disabled_account_token_is_refused(token_client, staff):
    client = token_client(staff)

    staff.is_active = False
    staff.save(update_fields=["is_active"])
    signin.end_all_sessions(staff)

    assert client.get(ME).status_code == 401
    assert issue_token(client, "staff").status_code == 400


def test_inactive_user_token_is_refused_even_before_revocation(token_client, staff):
    client = token_client(staff)

    staff.is_active = False
    staff.save(update_fields=["is_active"])

    assert client.get(ME).status_code == 401


def test_basic_auth_is_not_accepted(api, staff):
    credentials = base64.b64encode(f"staff:{PASSWORD}".encode()).decode()
    api.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")

    response = api.get(ME)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_malformed_tokens_are_401_not_500(api, staff):
    for header in [
        "Token",
        "Token a b",
        "Token \u00e9\u00e9",
        "Token abc\x01def",
        "Token " + "a" * 500,
    ]:
        api.credentials(HTTP_AUTHORIZATION=header)
        assert api.get(ME).status_code == 401, header


def test_token_endpoint_is_throttled(api):
    responses = [api.post(reverse("api:token"), {}, format="json") for _ in range(31)]

    assert [r.status_code for r in responses[:30]] == [400] * 30
    assert responses[30].status_code == 429
    assert int(responses[30]["Retry-After"]) > 0


def test_token_limit_per_user(api, staff, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    from knox.settings import knox_settings

    knox_settings.reload()
    try:
        assert issue_token(api, "staff").status_code == 200
        assert issue_token(api, "staff").status_code == 200
        response = issue_token(api, "staff")
    finally:
        settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 20}
        knox_settings.reload()

    assert response.status_code == 403
    assert AuthToken.objects.filter(user=staff).count() == 2


def test_admin_tokens_carry_no_business_content(token_client, sysadmin):
    client = token_client(sysadmin)

    me = client.get(ME)

    assert me.status_code == 200
    assert me.json()["admin_role"] == AdminRole.SYSTEM
    assert client.get("/api/departments/").json()["results"] == []


def test_initial_password_is_not_spent_by_the_api(api, unit):
    user = UserFactory(unit=unit, username="newbie", must_change_password=True)
    user.password = make_password("Initial-Pass-123")
    user.initial_password_expires_at = timezone.now() + timedelta(hours=24)
    user.save()

    response = issue_token(api, "newbie", "Initial-Pass-123")

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.initial_password_expires_at > timezone.now()


def test_logout_of_a_browser_session_signs_it_out(client, staff, login_as):
    login_as(staff)

    response = client.post("/api/logout/")

    assert response.status_code == 204
    assert client.get(ME).status_code == 401
    assert AuditEvent.objects.filter(action="auth.logout", actor=staff).count() == 1
