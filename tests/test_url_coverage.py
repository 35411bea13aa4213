"""Deny by default (security.md B1), Zulip-style: every URL pattern is requested anonymously and
must refuse, unless it is on the public list; every pattern must have an entry in
``tests/permission_table.py``; and users outside a page's audience are refused it (B4).
"""

import sys
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from tests.conftest import login
from tests.factories import MembershipFactory, PositionFactory, UserFactory
from tests.permission_table import (
    AUDIENCES,
    DENIED_USERS,
    EMPTY_LIST_FOR_DENIED,
    PERMISSION_TABLE,
)
from zhongshu.core import audit

# Values for string parameters, by parameter name.
SAMPLE_STRINGS = {"action": "disable"}


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    pattern: URLPattern

    def __str__(self):
        return self.name or self.route

    @property
    def placeholder(self) -> bool:
        """A view module still being written (its docstring says so): every view raises 404."""
        module = sys.modules.get(getattr(self.pattern.callback, "__module__", ""), None)
        return (getattr(module, "__doc__", "") or "").startswith("Placeholder")

    def url(self, pk: int = 1) -> str:
        return reverse(self.name, kwargs=self.kwargs(pk))

    def kwargs(self, pk: int) -> dict:
        pattern = self.pattern.pattern
        converters = getattr(pattern, "converters", {})
        kwargs = {}
        for name in pattern.regex.groupindex:
            converter = converters.get(name)
            if converter is None:  # a regex group (DRF routers): ids are the only ones we use
                kwargs[name] = str(pk)
            elif isinstance(converter, IntConverter):
                kwargs[name] = pk
            elif isinstance(converter, UUIDConverter):
                kwargs[name] = uuid.UUID(int=pk)
            else:  # str, slug, path
                kwargs[name] = SAMPLE_STRINGS.get(name, "sample")
        return kwargs


def walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(name=name, route=prefix + str(entry.pattern), pattern=entry)


ROUTES = list(walk(get_resolver().url_patterns))
NAMED = [r for r in ROUTES if r.name in PERMISSION_TABLE]
PUBLIC = [r for r in NAMED if PERMISSION_TABLE[r.name] == "public"]
PROTECTED = [r for r in NAMED if PERMISSION_TABLE[r.name] != "public"]
DENIALS = [
    (route, who) for route in PROTECTED for who in DENIED_USERS[PERMISSION_TABLE[route.name]]
]


def _refused_anonymous(response, login_url) -> bool:
    if response.status_code == 302:
        return response.url.startswith(login_url)
    return response.status_code in (401, 403)


# --- The table covers every pattern -----------------------------------------------------------


def test_every_url_pattern_has_a_name_and_a_permission_entry():
    unnamed = [r.route for r in ROUTES if r.name is None]
    missing = sorted(r.name for r in ROUTES if r.name and r.name not in PERMISSION_TABLE)

    assert unnamed == [], "give these URL patterns a name and a PERMISSION_TABLE entry"
    assert missing == [], "add these URL names to tests/permission_table.py"


def test_permission_table_has_no_stale_or_unknown_entries():
    names = {r.name for r in ROUTES}

    assert sorted(set(PERMISSION_TABLE) - names) == []
    assert {v for v in PERMISSION_TABLE.values() if v not in AUDIENCES} == set()


def test_public_list_is_the_agreed_one():
    # CONVENTIONS.md "HTTP conventions": sign-in, language switch, /healthz, static, token, schema.
    assert sorted(r.name for r in PUBLIC) == [
        "api:schema",
        "api:token",
        "core:healthz",
        "org:login",
        "org:login_verify",
        "org:logout",
        "org:set_language",
    ]


# --- Anonymous requests -------------------------------------------------------------------------


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_anonymous_is_refused(client, db, route):
    if route.placeholder:
        pytest.skip(f"{route.name}: view module is still a placeholder")
    url = route.url()
    login_url = reverse("org:login")

    responses = {"GET": client.get(url), "POST": client.post(url)}

    # A method the view does not take may be refused first (405); the one it takes must ask
    # for sign-in.
    for method, response in responses.items():
        assert _refused_anonymous(response, login_url) or response.status_code == 405, (
            f"{method} {url} answered {response.status_code} to an anonymous user"
        )
    assert any(_refused_anonymous(r, login_url) for r in responses.values()), url


@pytest.mark.parametrize("route", PUBLIC, ids=str)
def test_public_urls_answer_anonymous_users(client, db, route):
    url = route.url()

    get = client.get(url)
    post = client.post(url)

    assert get.status_code < 500 and post.status_code < 500


def test_public_pages_really_are_public(client, db):
    assert client.get(reverse("core:healthz")).status_code in (200, 503)
    assert client.get(reverse("org:login")).status_code == 200
    assert client.get(reverse("api:schema")).status_code == 200
    assert client.post(reverse("api:token"), {}).status_code == 400
    assert client.get("/static/core/app.css").status_code == 200


# --- Signed-in users outside the audience ------------------------------------------------------


@pytest.fixture
def targets(unit, office):
    """Real objects in the denied user's own unit, so a refusal is not just "no such id"."""
    person = UserFactory(unit=unit, username="target")
    post = MembershipFactory(user=person, department=office)
    event = audit.record("test.event", actor=person, obj=person)
    return {
        "department": office.pk,
        "unit": unit.pk,
        "position": PositionFactory(unit=unit).pk,
        "person": person.pk,
        "post": post.pk,
        "audit": event.pk,
    }


# Which object an id in a URL refers to, by URL name prefix.
PK_KINDS = [
    ("org:department_", "department"),
    ("org:unit_", "unit"),
    ("org:position_", "position"),
    ("org:person_", "person"),
    ("org:post_create", "person"),
    ("org:post_delete", "post"),
    ("org:account_", "person"),
    ("org:grant_", "person"),
    ("core:audit_", "audit"),
    ("api:department-", "department"),
    ("api:person-", "person"),
]


def _pk(name: str, targets: dict) -> int:
    for prefix, kind in PK_KINDS:
        if name.startswith(prefix):
            return targets[kind]
    return 1


@pytest.mark.parametrize(("route", "who"), DENIALS, ids=[f"{r}-as-{who}" for r, who in DENIALS])
def test_users_outside_the_audience_are_refused(request, client, targets, route, who):
    user = request.getfixturevalue(who)
    login(client, user)
    url = route.url(_pk(route.name, targets))

    responses = {"GET": client.get(url), "POST": client.post(url)}

    for method, response in responses.items():
        status = response.status_code
        if status == 200 and route.name in EMPTY_LIST_FOR_DENIED and method == "GET":
            assert response.json()["results"] == [], f"{who} read {url}"
            continue
        assert status in (403, 404, 405), f"{method} {url} answered {status} to {who}"
    assert any(
        r.status_code in (403, 404) or route.name in EMPTY_LIST_FOR_DENIED
        for r in responses.values()
    ), url
