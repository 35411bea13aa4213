import pytest
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import DepartmentFactory, UnitFactory, UserFactory
from zhongshu.core.audit import SQLITE_NO_DELETE, SQLITE_NO_UPDATE
from zhongshu.org import signin
from zhongshu.org.models import AdminRole, Role


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_keeps_audit_guard():
    """Django flushes SQLite with DELETE, which the audit trigger refuses (as it should in
    production). Between transactional tests only, lift the guard around the flush."""
    # Through .base: importing .operations first is a circular import when SQLite is not in use.
    from django.db.backends.sqlite3.base import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if "core_auditevent" not in tables:
            return statements
        return [
            "DROP TRIGGER IF EXISTS core_auditevent_no_update",
            "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
            *statements,
            SQLITE_NO_UPDATE,
            SQLITE_NO_DELETE,
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(autouse=True)
def _english_for_anonymous_requests(request, settings):
    """Outside the browser tests, anonymous pages answer in English too (see factories)."""
    if "tests/e2e/" not in str(request.node.fspath):
        settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_axes_cache():
    from django.core.cache import cache

    cache.clear()


def login(client, user):
    """Sign ``user`` in on a test client, second factor included where the account needs it."""
    client.force_login(user, backend="zhongshu.org.backends.UsernameOrMobileBackend")
    if user.requires_two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def unit(db):
    return UnitFactory(name="市食品药品监督管理局", code="FDA001")


@pytest.fixture
def office(unit):
    return DepartmentFactory(unit=unit, name="办公室", code="BGS", is_general_office=True)


@pytest.fixture
def staff(unit):
    return UserFactory(unit=unit, username="staff", full_name="王小明")


@pytest.fixture
def org_manager(unit):
    return UserFactory(unit=unit, username="orgman", full_name="李组织", roles=[Role.ORGANISATION])


@pytest.fixture
def sysadmin(unit):
    return UserFactory(
        unit=unit, username="sys", full_name="系统管理员", admin_role=AdminRole.SYSTEM
    )


@pytest.fixture
def secadmin(unit):
    return UserFactory(
        unit=unit, username="sec", full_name="安全保密管理员", admin_role=AdminRole.SECURITY
    )


@pytest.fixture
def auditor(unit):
    return UserFactory(
        unit=unit, username="aud", full_name="安全审计员", admin_role=AdminRole.AUDIT
    )


@pytest.fixture
def login_as(client):
    def _login(user):
        return login(client, user)

    return _login


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


__all__ = ["login", "signin"]
