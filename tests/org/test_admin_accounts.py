"""The system administrator's console: accounts, configuration, closing demo accounts."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, StaleVersionError, SystemConfig
from zhongshu.org import services_accounts
from zhongshu.org.models import User, UserSession


def _action(pk, action):
    return reverse("org:account_action", args=[pk, action])


def _sign_in(username, password):
    client = Client()
    response = client.post(reverse("org:login"), {"username": username, "password": password})
    return client, response


def _signed_in(user):
    """A client signed in through the form, so the sign-in has its UserSession row."""
    client, response = _sign_in(user.username, PASSWORD)
    assert response.status_code == 302
    return client


# --- List --------------------------------------------------------------------------------


def test_list_filters_by_name_state_and_unit(client, sysadmin, unit, login_as):
    other_unit = UnitFactory(name="市档案馆")
    UserFactory(unit=unit, username="zhangsan", full_name="张三")
    UserFactory(unit=unit, username="lisi", full_name="李四", is_active=False)
    UserFactory(unit=other_unit, username="wangwu", full_name="王五")
    closed = UserFactory(unit=unit, username="zhaoliu", full_name="赵六", is_active=False)
    User.objects.filter(pk=closed.pk).update(closed_at="2026-01-01T00:00:00Z")
    login_as(sysadmin)
    url = reverse("org:account_list")

    def names(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {a.username for a in response.context["rows"]}

    assert names(q="张") == {"zhangsan"}
    assert names(q="lis") == {"lisi"}
    assert names(state="disabled") == {"lisi"}
    assert names(state="closed") == {"zhaoliu"}
    assert "zhaoliu" not in names(state="active")
    assert names(unit=other_unit.pk) == {"wangwu"}


def test_list_pages_by_keyset_without_counting(client, sysadmin, unit, login_as, monkeypatch):
    from zhongshu.org import views_admin

    monkeypatch.setattr(views_admin, "PAGE_SIZE", 3)
    for n in range(6):
        UserFactory(unit=unit, username=f"p{n}")
    login_as(sysadmin)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("org:account_list"))
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    first_page = [a.pk for a in first.context["rows"]]
    assert len(first_page) == 3
    second = client.get(reverse("org:account_list") + first.context["next_url"])
    second_page = [a.pk for a in second.context["rows"]]
    assert len(second_page) == 3
    assert max(second_page) < min(first_page)
    assert set(first_page).isdisjoint(second_page)


def test_list_query_count_is_constant(
    client, sysadmin, unit, login_as, django_assert_max_num_queries
):
    for n in range(20):
        UserFactory(unit=UnitFactory(), username=f"q{n}")
    login_as(sysadmin)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("org:account_list"))
    assert len(response.context["rows"]) == 21


def test_list_htmx_returns_the_table_only(client, sysadmin, login_as):
    login_as(sysadmin)
    response = client.get(reverse("org:account_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="account-table"' in body
    assert "<html" not in body


def test_detail_page_shows_account(client, sysadmin, staff, login_as):
    login_as(sysadmin)
    response = client.get(reverse("org:account_detail", args=[staff.pk]))
    assert response.status_code == 200
    assert "王小明" in response.content.decode()


# --- Actions -----------------------------------------------------------------------------


def test_open_shows_initial_password_once_and_it_signs_in_once(client, sysadmin, unit, login_as):
    person = UserFactory(unit=unit, username="newbie", password="!")
    login_as(sysadmin)
    response = client.post(_action(person.pk, "open"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r'id="initial-password">([^<]+)<', response.content.decode()).group(1)
    password = password.replace("&amp;", "&")
    # The next page (the account detail) no longer shows it.
    again = client.get(reverse("org:account_detail", args=[person.pk]))
    assert password not in again.content.decode()
    person.refresh_from_db()
    assert person.must_change_password is True
    assert AuditEvent.objects.filter(action="account.opened", object_id=str(person.pk)).count() == 1
    assert not any(password in str(e.detail) for e in AuditEvent.objects.all())

    first, response = _sign_in("newbie", password)
    assert response.status_code == 302
    assert first.get(reverse("core:home")).url == reverse("org:password_change")
    first.post(reverse("org:logout"))
    _, response = _sign_in("newbie", password)
    assert response.status_code == 200  # single use


def test_reset_ends_sessions_and_replaces_password(sysadmin, staff):
    user_client = _signed_in(staff)
    password = services_accounts.account_open(actor=sysadmin, user=staff, reset=True)
    assert password != PASSWORD
    assert not Session.objects.filter(session_key=user_client.session.session_key).exists()
    assert AuditEvent.objects.filter(action="account.password_reset").count() == 1
    _, response = _sign_in("staff", PASSWORD)
    assert response.status_code == 200


def test_disable_ends_sessions_and_blocks_sign_in(client, sysadmin, staff, login_as):
    user_client = _signed_in(staff)
    login_as(sysadmin)
    response = client.post(_action(staff.pk, "disable"))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.is_active is False
    assert user_client.get(reverse("core:home")).url.startswith(reverse("org:login"))
    assert AuditEvent.objects.filter(action="account.disabled").count() == 1
    _, response = _sign_in("staff", PASSWORD)
    assert response.status_code == 200

    client.post(_action(staff.pk, "enable"))
    staff.refresh_from_db()
    assert staff.is_active is True
    _, response = _sign_in("staff", PASSWORD)
    assert response.status_code == 302


def test_close_keeps_the_row_and_is_final(client, sysadmin, staff, login_as):
    login_as(sysadmin)
    client.post(_action(staff.pk, "close"))
    staff.refresh_from_db()
    assert staff.closed_at is not None
    assert staff.is_active is False
    assert User.objects.filter(pk=staff.pk).exists()
    response = client.post(_action(staff.pk, "enable"), follow=True)
    assert "closed" in response.content.decode()
    staff.refresh_from_db()
    assert staff.is_active is False
    with pytest.raises(ValidationError):
        services_accounts.account_open(actor=sysadmin, user=staff)


def test_kill_sessions_ends_every_session(client, sysadmin, staff, login_as):
    first, second = _signed_in(staff), _signed_in(staff)
    login_as(sysadmin)
    client.post(_action(staff.pk, "kill-sessions"))
    assert not UserSession.objects.filter(user=staff, ended_at__isnull=True).exists()
    assert not Session.objects.filter(
        session_key__in=[first.session.session_key, second.session.session_key]
    ).exists()
    for c in (first, second):
        assert c.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(action="account.sessions_ended").count() == 1


def test_unlock_clears_the_axes_lock(client, sysadmin, staff, login_as):
    for _ in range(5):
        _sign_in("staff", "wrong-password")
    assert services_accounts.account_locked(staff)
    login_as(sysadmin)
    assert "Locked" in client.get(reverse("org:account_detail", args=[staff.pk])).content.decode()
    client.post(_action(staff.pk, "unlock"))
    assert not AccessAttempt.objects.filter(username="staff").exists()
    _, response = _sign_in("staff", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.unlocked").count() == 1


def test_sysadmin_may_not_disable_or_close_himself(client, sysadmin, login_as):
    login_as(sysadmin)
    for action in ("disable", "close", "reset"):
        assert client.post(_action(sysadmin.pk, action)).status_code == 403
    sysadmin.refresh_from_db()
    assert sysadmin.is_active is True
    assert sysadmin.closed_at is None


def test_unknown_action_is_404_and_get_is_405(client, sysadmin, staff, login_as):
    login_as(sysadmin)
    assert client.post(_action(staff.pk, "delete")).status_code == 404
    assert client.get(_action(staff.pk, "disable")).status_code == 405


@pytest.mark.parametrize(
    "service",
    [
        services_accounts.account_open,
        services_accounts.account_disable,
        services_accounts.account_enable,
        services_accounts.account_close,
        services_accounts.account_sessions_end,
        services_accounts.account_unlock,
    ],
)
def test_account_services_refuse_anyone_but_the_sysadmin(service, secadmin, auditor, staff):
    for actor in (secadmin, auditor, staff):
        with pytest.raises(PermissionDenied):
            service(actor=actor, user=staff)
    staff.refresh_from_db()
    assert staff.is_active is True


# --- Configuration -----------------------------------------------------------------------


def test_config_edit_saves_and_audits(client, sysadmin, login_as):
    login_as(sysadmin)
    config = SystemConfig.get()
    response = client.post(
        reverse("org:config_edit"),
        {
            "site_name": "市局办公系统",
            "login_notice": "严禁处理涉密信息",
            "support_contact": "8888",
            "version": config.version,
        },
    )
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.site_name == "市局办公系统"
    event = AuditEvent.objects.get(action="config.changed")
    assert event.detail["site_name"] == {"before": "", "after": "市局办公系统"}


def test_config_stale_version_is_refused(client, sysadmin, login_as):
    login_as(sysadmin)
    config = SystemConfig.get()
    old = config.version
    services_accounts.config_update(
        actor=sysadmin, config=config, expected_version=old, site_name="甲"
    )
    response = client.post(
        reverse("org:config_edit"),
        {"site_name": "乙", "login_notice": "", "support_contact": "", "version": old},
    )
    assert response.status_code == 412
    config.refresh_from_db()
    assert config.site_name == "甲"
    with pytest.raises(StaleVersionError):
        services_accounts.config_update(
            actor=sysadmin, config=config, expected_version=old, site_name="丙"
        )


def test_config_service_refuses_other_roles(secadmin):
    config = SystemConfig.get()
    with pytest.raises(PermissionDenied):
        services_accounts.config_update(
            actor=secadmin, config=config, expected_version=config.version, site_name="x"
        )
    assert SystemConfig.get().site_name == ""


# --- Going to production -----------------------------------------------------------------


def test_close_demo_accounts_command(unit):
    demo = UserFactory(unit=unit, username="director", is_demo_account=True)
    real = UserFactory(unit=unit, username="real")
    call_command("close_demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo.refresh_from_db()
    real.refresh_from_db()
    assert demo.closed_at is not None and demo.is_active is False
    assert not demo.has_usable_password()
    assert real.closed_at is None
    event = AuditEvent.objects.get(action="account.closed")
    assert event.object_id == str(demo.pk)
    assert event.detail["reason"] == "demo_account"
    # Idempotent: a second run closes nothing more.
    call_command("close_demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AuditEvent.objects.filter(action="account.closed").count() == 1


def test_sysadmin_creates_an_account_without_a_post_then_opens_it(client, sysadmin, unit, login_as):
    login_as(sysadmin)
    response = client.post(
        reverse("org:account_create"),
        {"unit": unit.pk, "username": "firstorg", "full_name": "首位维护员", "mobile": ""},
    )
    account = User.objects.get(username="firstorg")
    assert response.status_code == 302
    assert response.url == reverse("org:account_detail", args=[account.pk])
    assert not account.has_usable_password() and account.must_change_password
    assert account.memberships.count() == 0
    assert (
        AuditEvent.objects.filter(action="account.created", object_id=str(account.pk)).count() == 1
    )


def test_account_create_refuses_a_taken_user_name_and_writes_nothing(
    client, sysadmin, staff, unit, login_as
):
    login_as(sysadmin)
    before = User.objects.count()
    response = client.post(
        reverse("org:account_create"),
        {"unit": unit.pk, "username": staff.username, "full_name": "重名"},
    )
    assert response.status_code == 400
    assert User.objects.count() == before
    response = client.post(reverse("org:account_create"), {})
    assert response.status_code == 400


def test_only_the_sysadmin_may_create_accounts(client, secadmin, staff, unit, login_as):
    for user in (secadmin, staff):
        login_as(user)
        response = client.post(
            reverse("org:account_create"),
            {"unit": unit.pk, "username": "sneaky", "full_name": "越权"},
        )
        assert response.status_code == 403
    assert not User.objects.filter(username="sneaky").exists()
