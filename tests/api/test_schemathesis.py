"""Every API operation, fuzzed from our own schema, never answers 5xx (security.md E1, B2).

Runs in-process through the WSGI application (no server), signed in with a real token of a
normal user, against a small organisation in two units so that ids of both exist.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle
from schemathesis.checks import not_a_server_error

from tests.api.conftest import token_for
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory


@pytest.fixture
def api_schema(db, auth_headers, monkeypatch):
    # Fuzz the token endpoint's input handling, not its rate limit (test_token covers 429).
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "100000/min"})
    # Requests go through the WSGI handler itself. As Django's test client does, keep them from
    # closing the database connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _load_schema()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _load_schema():
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    # Same inputs on every run, so CI failures reproduce.
    schema.config.generation.update(deterministic=True)
    return schema


@pytest.fixture
def reader(db):
    home, other = UnitFactory(), UnitFactory()
    for unit in (home, other):
        office = DepartmentFactory(unit=unit, is_general_office=True)
        DepartmentFactory(unit=unit, parent=office)
        MembershipFactory(user=UserFactory(unit=unit), department=office)
    return UserFactory(unit=home, username="reader")


@pytest.fixture
def auth_headers(reader):
    # Signed in the way a client signs in. Taken before api_schema unhooks
    # close_old_connections: Django's test client hooks it back after each of its requests.
    return {"Authorization": f"Token {token_for(APIClient(), reader)}"}


def fresh_token(user) -> dict:
    """Logout examples revoke tokens: every case gets its own, so order does not matter.

    The previous case's tokens go first: knox looks at every token of the user on each request,
    so thousands of cases' tokens made the run quadratic (~4 minutes of CI). Sign-in keeps real
    users at REST_KNOX's TOKEN_LIMIT_PER_USER.
    """
    AuthToken.objects.filter(user=user).delete()
    _instance, token = AuthToken.objects.create(user)
    return {"Authorization": f"Token {token}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors(case, reader, auth_headers):
    case.call_and_validate(headers=fresh_token(reader), checks=[not_a_server_error])
