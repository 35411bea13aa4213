"""security.md B4 (三员分立: per-role URL matrix, one administrator role, no superuser) and B5
(initial passwords: random, single-use, 24 hours, then a forced change)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import PASSWORD, UserFactory
from zhongshu.core.models import AuditEvent, SystemConfig
from zhongshu.org import passwords, services_accounts
from zhongshu.org.models import AdminRole, Role, User
from zhongshu.org.signin import SIGN_IN_FAILED

# --- B4: who may open which page -----------------------------------------------------------

PAGES = {
    "accounts": lambda t: reverse("org:account_list"),
    "account": lambda t: reverse("org:account_detail", args=[t.pk]),
    "config": lambda t: reverse("org:config_edit"),
    "grants": lambda t: reverse("org:grant_list"),
    "grant": lambda t: reverse("org:grant_edit", args=[t.pk]),
    "org": lambda t: reverse("org:department_list"),
    "people": lambda t: reverse("org:person_list"),
    "units": lambda t: reverse("org:unit_list"),
    "person": lambda t: reverse("org:person_detail", args=[t.pk]),
    "audit": lambda t: reverse("core:audit_list"),
}
ALLOWED = {
    "sysadmin": {"accounts", "account", "config"},
    "secadmin": {"grants", "grant"},
    "auditor": {"audit"},
    "org_manager": {"org", "people", "units", "person"},
    "staff": set(),
}
# Object pages of organisation maintenance answer 404 to whoever may not see them.
DENIED_STATUS = {"person": 404}


@pytest.fixture
def target(unit):
    """An ordinary person in the same unit, the object of the detail pages."""
    return UserFactory(unit=unit, username="target", full_name="对象人")


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("page", list(PAGES))
def test_role_page_matrix(request, client, target, role, page):
    user = request.getfixturevalue(role)
    login(client, user)
    response = client.get(PAGES[page](target))
    if page in ALLOWED[role]:
        assert response.status_code == 200, (role, page)
    else:
        assert response.status_code == DENIED_STATUS.get(page, 403), (role, page)


@pytest.mark.parametrize("role", ["secadmin", "auditor", "org_manager", "staff"])
@pytest.mark.parametrize("action", ["open", "reset", "disable", "close", "kill-sessions", "unlock"])
def test_only_the_sysadmin_may_act_on_accounts(request, client, target, role, action):
    login(client, request.getfixturevalue(role))
    before = User.objects.values().get(pk=target.pk)
    response = client.post(reverse("org:account_action", args=[target.pk, action]))
    assert response.status_code == 403
    assert User.objects.values().get(pk=target.pk) == before
    assert not AuditEvent.objects.filter(action__startswith="account.").exists()
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "org_manager", "staff"])
def test_only_the_secadmin_may_grant(request, client, target, role):
    login(client, request.getfixturevalue(role))
    response = client.post(
        reverse("org:grant_edit", args=[target.pk]),
        {"admin_role": "sysadmin", "roles": ["org"], "clearance": 4, "version": target.version},
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert (target.admin_role, target.clearance) == ("", 1)
    assert not target.role_grants.exists()


@pytest.mark.parametrize("role", ["secadmin", "auditor", "org_manager", "staff"])
def test_only_the_sysadmin_may_change_configuration(request, client, role):
    login(client, request.getfixturevalue(role))
    response = client.post(
        reverse("org:config_edit"),
        {"site_name": "x", "login_notice": "", "support_contact": "", "version": 1},
    )
    assert response.status_code == 403
    assert SystemConfig.get().site_name == ""


def test_sysadmin_cannot_disable_or_close_himself(client, sysadmin):
    login(client, sysadmin)
    for action in ("disable", "close"):
        response = client.post(reverse("org:account_action", args=[sysadmin.pk, action]))
        assert response.status_code == 403
    sysadmin.refresh_from_db()
    assert sysadmin.is_active and sysadmin.closed_at is None


def test_secadmin_cannot_change_his_own_grants(client, secadmin):
    login(client, secadmin)
    response = client.post(
        reverse("org:grant_edit", args=[secadmin.pk]),
        {"admin_role": "", "roles": ["org"], "clearance": 4, "version": secadmin.version},
    )
    assert response.status_code == 403
    secadmin.refresh_from_db()
    assert secadmin.admin_role == AdminRole.SECURITY
    assert not secadmin.role_grants.exists()


def test_navigation_shows_each_administrator_only_his_console(client, sysadmin, secadmin, auditor):
    login(client, sysadmin)
    body = client.get(reverse("org:account_list")).content.decode()
    assert reverse("org:config_edit") in body
    assert reverse("org:grant_list") not in body
    assert reverse("org:department_list") not in body


# --- B4: one administrator role, none with business roles, no superuser -------------------


def test_second_admin_role_raises(secadmin, sysadmin, auditor):
    for user, other in ((sysadmin, "auditor"), (auditor, "secadmin")):
        with pytest.raises(ValidationError):
            services_accounts.admin_role_set(actor=secadmin, user=user, admin_role=other)
    assert User.objects.get(pk=sysadmin.pk).admin_role == "sysadmin"
    assert User.objects.get(pk=auditor.pk).admin_role == "auditor"


def test_admin_role_and_business_roles_do_not_mix(secadmin, sysadmin, org_manager):
    with pytest.raises(ValidationError, match="business roles"):
        services_accounts.admin_role_set(actor=secadmin, user=org_manager, admin_role="auditor")
    with pytest.raises(ValidationError, match="administrators cannot hold business roles"):
        services_accounts.grant_role(actor=secadmin, user=sysadmin, role=Role.ORGANISATION)
    assert User.objects.get(pk=org_manager.pk).admin_role == ""
    assert not sysadmin.role_grants.exists()


def test_an_administrator_has_no_business_role_even_if_one_is_stored(unit):
    """Defence in depth: a stray row (e.g. from a data fix) grants nothing to an administrator."""
    admin = UserFactory(unit=unit, admin_role="auditor", roles=[Role.ORGANISATION])
    assert admin.has_role(Role.ORGANISATION) is False


def test_no_superuser_can_be_created(unit):
    with pytest.raises(NotImplementedError):
        User.objects.create_superuser("root", "root@example.com", PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(unit=unit, is_superuser=True, admin_role="sysadmin")
    assert not User.objects.filter(is_superuser=True).exists()


# --- B5: initial passwords ------------------------------------------------------------------


def sign_in(username, password, client=None):
    client = client or Client()
    response = client.post(reverse("org:login"), {"username": username, "password": password})
    return client, response


def test_initial_passwords_are_random(sysadmin, target):
    issued = {
        services_accounts.account_open(actor=sysadmin, user=target, reset=True) for _ in range(3)
    }
    assert len(issued) == 3
    for raw in issued:
        assert len(raw) >= 16


def test_initial_password_works_once_and_forces_a_change(sysadmin, target):
    raw = services_accounts.account_open(actor=sysadmin, user=target)
    client, response = sign_in("target", raw)
    assert response.status_code == 302
    for path in (reverse("core:home"), reverse("org:profile"), reverse("core:search")):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == reverse("org:password_change")
    page = client.get(reverse("org:password_change"))
    assert page.context["must_change"] is True
    client.post(reverse("org:logout"))

    _, again = sign_in("target", raw)
    assert again.status_code == 200
    assert str(SIGN_IN_FAILED) in again.content.decode()


def test_initial_password_then_own_password(sysadmin, target):
    raw = services_accounts.account_open(actor=sysadmin, user=target)
    client, _ = sign_in("target", raw)
    response = client.post(
        reverse("org:password_change"),
        {
            "old_password": raw,
            "new_password1": "My-Own-Choice-55",
            "new_password2": "My-Own-Choice-55",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    client.post(reverse("org:logout"))
    _, response = sign_in("target", "My-Own-Choice-55")
    assert response.status_code == 302


def test_initial_password_fails_after_24_hours(sysadmin, target):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        raw = services_accounts.account_open(actor=sysadmin, user=target)
        traveller.shift(timedelta(hours=24, minutes=1))
        _, response = sign_in("target", raw)
        assert response.status_code == 200
        assert str(SIGN_IN_FAILED) in response.content.decode()


def test_initial_password_works_within_24_hours(sysadmin, target):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        raw = services_accounts.account_open(actor=sysadmin, user=target)
        traveller.shift(timedelta(hours=23, minutes=59))
        _, response = sign_in("target", raw)
        assert response.status_code == 302


def test_reset_replaces_the_old_password(sysadmin, target):
    raw = passwords.initial_password_issue(actor=sysadmin, user=target)
    assert raw != PASSWORD
    _, response = sign_in("target", PASSWORD)
    assert response.status_code == 200
