"""The security administrator's console: business roles, clearances, administrator roles."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.org import services_accounts
from zhongshu.org.models import AdminRole, Role, User, UserRole


def _post(client, user, **changes):
    user.refresh_from_db()
    data = {
        "admin_role": user.admin_role,
        "roles": list(user.role_grants.values_list("role", flat=True)),
        "clearance": user.clearance,
        "version": user.version,
    }
    data.update(changes)
    return client.post(reverse("org:grant_edit", args=[user.pk]), data)


def test_grant_list_filters_and_shows_roles(client, secadmin, org_manager, staff, login_as):
    login_as(secadmin)
    response = client.get(reverse("org:grant_list"), {"q": "orgman"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [a.username for a in rows] == ["orgman"]
    assert [grant.role for grant in rows[0].grants] == [Role.ORGANISATION]


def test_grant_list_by_unit(client, secadmin, staff, login_as):
    other = UserFactory(unit=UnitFactory(), username="elsewhere")
    login_as(secadmin)
    response = client.get(reverse("org:grant_list"), {"unit": other.unit_id})
    assert [a.username for a in response.context["rows"]] == ["elsewhere"]


def test_grant_and_revoke_business_role(client, secadmin, staff, login_as):
    login_as(secadmin)
    response = _post(client, staff, roles=[Role.ORGANISATION])
    assert response.status_code == 302
    assert staff.role_grants.filter(role=Role.ORGANISATION, granted_by=secadmin).exists()
    event = AuditEvent.objects.get(action="grant.role_added")
    assert event.detail == {"role": "org"}
    assert event.actor_id == secadmin.pk

    response = _post(client, staff, roles=[])
    assert response.status_code == 302
    assert not staff.role_grants.exists()
    assert AuditEvent.objects.filter(action="grant.role_removed").count() == 1


def test_clearance_records_grantor_and_requires_two_factor(client, secadmin, staff, login_as):
    login_as(secadmin)
    assert staff.requires_two_factor is False
    _post(client, staff, clearance=Classification.CONFIDENTIAL)
    staff.refresh_from_db()
    assert staff.clearance == Classification.CONFIDENTIAL
    assert staff.clearance_granted_by == secadmin
    assert staff.clearance_granted_at is not None
    assert staff.requires_two_factor is True
    event = AuditEvent.objects.get(action="grant.clearance_changed")
    assert event.detail == {"before": 1, "after": 3}


def test_admin_role_assignment(client, secadmin, staff, login_as):
    login_as(secadmin)
    _post(client, staff, admin_role=AdminRole.AUDIT)
    staff.refresh_from_db()
    assert staff.admin_role == AdminRole.AUDIT
    event = AuditEvent.objects.get(action="grant.admin_role_changed")
    assert event.detail == {"before": "", "after": "auditor"}


def test_admin_role_refused_while_business_roles_held(client, secadmin, org_manager, login_as):
    login_as(secadmin)
    response = _post(client, org_manager, admin_role=AdminRole.SYSTEM)
    assert response.status_code == 400
    assert "business roles" in response.content.decode()
    org_manager.refresh_from_db()
    assert org_manager.admin_role == ""
    assert not AuditEvent.objects.filter(action__startswith="grant.").exists()


def test_swapping_business_roles_for_admin_role_in_one_form(
    client, secadmin, org_manager, login_as
):
    login_as(secadmin)
    response = _post(client, org_manager, admin_role=AdminRole.SYSTEM, roles=[])
    assert response.status_code == 302
    org_manager.refresh_from_db()
    assert org_manager.admin_role == AdminRole.SYSTEM
    assert not org_manager.role_grants.exists()


def test_a_refused_form_changes_nothing(client, secadmin, org_manager, login_as):
    """Clearance and admin role in one form; the admin role is refused, so is the clearance."""
    login_as(secadmin)
    response = _post(
        client, org_manager, admin_role=AdminRole.AUDIT, clearance=Classification.SECRET
    )
    assert response.status_code == 400
    org_manager.refresh_from_db()
    assert org_manager.clearance == Classification.INTERNAL
    assert not AuditEvent.objects.filter(action__startswith="grant.").exists()


def test_business_role_refused_for_an_administrator(secadmin, sysadmin):
    with pytest.raises(ValidationError) as exc:
        services_accounts.grant_role(actor=secadmin, user=sysadmin, role=Role.ORGANISATION)
    assert exc.value.code == "admin_role_conflict"
    assert not UserRole.objects.filter(user=sysadmin).exists()


def test_second_admin_role_refused(secadmin, auditor):
    with pytest.raises(ValidationError) as exc:
        services_accounts.admin_role_set(actor=secadmin, user=auditor, admin_role="sysadmin")
    assert exc.value.code == "second_admin_role"
    auditor.refresh_from_db()
    assert auditor.admin_role == "auditor"


def test_secadmin_cannot_change_himself(client, secadmin, login_as):
    login_as(secadmin)
    page = client.get(reverse("org:grant_edit", args=[secadmin.pk]))
    assert page.status_code == 200
    assert '<form method="post" novalidate>' not in page.content.decode()
    response = _post(client, secadmin, admin_role="", clearance=Classification.TOP_SECRET)
    assert response.status_code == 403
    secadmin.refresh_from_db()
    assert secadmin.admin_role == AdminRole.SECURITY
    assert secadmin.clearance == Classification.INTERNAL
    for call in (
        lambda: services_accounts.clearance_set(actor=secadmin, user=secadmin, clearance=4),
        lambda: services_accounts.admin_role_set(actor=secadmin, user=secadmin, admin_role=""),
        lambda: services_accounts.grant_role(actor=secadmin, user=secadmin, role="org"),
        lambda: services_accounts.revoke_role(actor=secadmin, user=secadmin, role="org"),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_stale_form_is_refused(client, secadmin, staff, login_as):
    login_as(secadmin)
    staff.refresh_from_db()
    stale_version = staff.version
    services_accounts.clearance_set(actor=secadmin, user=staff, clearance=Classification.SECRET)
    response = client.post(
        reverse("org:grant_edit", args=[staff.pk]),
        {"admin_role": "", "roles": ["org"], "clearance": 1, "version": stale_version},
    )
    assert response.status_code == 412
    staff.refresh_from_db()
    assert staff.clearance == Classification.SECRET
    assert not staff.role_grants.exists()


def test_closed_account_cannot_be_granted(secadmin, staff):
    User.objects.filter(pk=staff.pk).update(closed_at="2026-01-01T00:00:00Z", is_active=False)
    with pytest.raises(ValidationError):
        services_accounts.grant_role(actor=secadmin, user=staff, role=Role.ORGANISATION)


@pytest.mark.parametrize(
    "call",
    [
        lambda actor, user: services_accounts.grant_role(actor=actor, user=user, role="org"),
        lambda actor, user: services_accounts.revoke_role(actor=actor, user=user, role="org"),
        lambda actor, user: services_accounts.clearance_set(actor=actor, user=user, clearance=4),
        lambda actor, user: services_accounts.admin_role_set(
            actor=actor, user=user, admin_role="auditor"
        ),
    ],
)
def test_grant_services_refuse_anyone_but_the_secadmin(call, sysadmin, auditor, org_manager, staff):
    for actor in (sysadmin, auditor, org_manager):
        with pytest.raises(PermissionDenied):
            call(actor, staff)
    staff.refresh_from_db()
    assert staff.clearance == Classification.INTERNAL
    assert staff.admin_role == ""
    assert not staff.role_grants.exists()


def test_grant_list_query_count_is_constant(
    client, secadmin, login_as, django_assert_max_num_queries
):
    for n in range(15):
        UserFactory(username=f"g{n}", roles=[Role.ORGANISATION])
    login_as(secadmin)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("org:grant_list"))
    assert len(response.context["rows"]) == 16
