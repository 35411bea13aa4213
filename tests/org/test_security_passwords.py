"""security.md A1 (password rules) and A2 (expiry, history)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import PASSWORD, UserFactory
from zhongshu.core.models import Classification
from zhongshu.org import passwords
from zhongshu.org.middleware import OPEN_PREFIXES
from zhongshu.org.models import User

LONG_65 = "Aa1-" + "x" * 57 + "Zz9!"
assert len(LONG_65) == 65


@pytest.fixture
def person(unit):
    return UserFactory(
        unit=unit,
        username="zhangwei2024",
        full_name="张伟",
        email="zhangwei@example.gov.cn",
        mobile="13912345678",
    )


@pytest.mark.parametrize(
    ("candidate", "code"),
    [
        ("Plum-Blossom-8848", None),  # 17 characters, four classes
        ("abcdefGHIJ12", None),  # exactly 12, three classes
        ("lower-digits-99", None),  # lower, digit, symbol
        (LONG_65, None),  # 64+ accepted
        ("Aa1-" + "q" * 200, None),  # no upper bound below 4096
        ("Short-1a", "password_too_short"),  # 8 characters
        ("Abcdefgh-1a", "password_too_short"),  # 11 characters
        ("onlylowercaseletters", "password_too_simple"),  # one class
        ("lowerandUPPERonly", "password_too_simple"),  # two classes
        ("123456789012-", "password_too_simple"),  # digits and a symbol
        ("Password1234", "password_too_common"),
        ("Zhangwei2024!", "password_too_similar"),  # the user name
        ("Zhangwei@example", "password_too_similar"),  # the e-mail address
        (PASSWORD, "password_reused"),  # the current password
    ],
)
def test_validate_password(person, candidate, code):
    if code is None:
        validate_password(candidate, person)
        return
    with pytest.raises(ValidationError) as exc:
        validate_password(candidate, person)
    assert code in {e.code for e in exc.value.error_list}


def test_65_character_password_signs_in_without_truncation(person):
    passwords.password_change(actor=person, user=person, raw_password=LONG_65)
    client = Client()
    truncated = client.post(
        reverse("org:login"), {"username": person.username, "password": LONG_65[:64]}
    )
    assert truncated.status_code == 200  # refused: the 65th character counts
    response = client.post(reverse("org:login"), {"username": person.username, "password": LONG_65})
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_only_the_last_five_passwords_are_refused(person):
    history = [PASSWORD] + [f"Rotation-{n}-Secret" for n in range(1, 7)]
    for new in history[1:]:
        passwords.password_change(actor=person, user=person, raw_password=new)
    person.refresh_from_db()
    # The current one and the five before it are refused...
    for old in history[-6:]:
        with pytest.raises(ValidationError):
            validate_password(old, person)
    # ...an older one is allowed again.
    validate_password(history[0], person)
    assert person.password_history.count() == 5


def test_reused_password_is_refused_by_the_form(client, staff, login_as):
    login_as(staff)
    response = client.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
    assert staff.password_changed_at is None


# --- A2: expiry ---------------------------------------------------------------------------


def _all_page_paths() -> list[str]:
    """Every URL of the site with sample arguments, except the pages left open while a
    password change is due (sign-in, language, static, the change form itself) and the API."""
    samples = {"int": "1", "str": "x", "slug": "x", "path": "x"}
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                for name, value in samples.items():
                    route = re.sub(rf"<{name}:\w+>", value, route)
                paths.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    skip = (*OPEN_PREFIXES, "/account/password/", "/account/two-factor/", "/api/")
    return sorted({p for p in paths if not p.startswith(skip)})


def test_path_list_covers_the_site():
    paths = _all_page_paths()
    assert "/" in paths
    assert "/admin/accounts/" in paths
    assert "/org/people/1/" in paths
    assert "/audit/" in paths


@pytest.mark.parametrize("path", _all_page_paths())
def test_after_91_days_every_url_redirects_to_the_change_form(staff, path):
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        client = login(Client(), staff)
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("org:password_change")
        # The change form itself is reachable, and changing the password lifts the block.
        assert client.get(reverse("org:password_change")).status_code == 200


def test_expired_password_change_unblocks(staff):
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        client = login(Client(), staff)
        response = client.post(
            reverse("org:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Spring-Festival-2027",
                "new_password2": "Spring-Festival-2027",
            },
        )
        assert response.status_code == 302
        assert client.get(reverse("core:home")).status_code == 200


def test_89_days_is_still_fine(staff):
    with time_machine.travel(timezone.now() + timedelta(days=89), tick=False):
        client = login(Client(), staff)
        assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize(
    ("clearance", "days", "expired"),
    [
        (Classification.INTERNAL, 31, False),
        (Classification.SECRET, 29, False),
        (Classification.SECRET, 31, True),
        (Classification.CONFIDENTIAL, 31, True),
    ],
)
def test_30_days_for_users_cleared_for_secret(unit, clearance, days, expired):
    user = UserFactory(unit=unit, username="cleared", clearance=clearance)
    with time_machine.travel(timezone.now() + timedelta(days=days), tick=False):
        client = login(Client(), user)
        response = client.get(reverse("core:home"))
        if expired:
            assert response.status_code == 302
            assert response.url == reverse("org:password_change")
        else:
            assert response.status_code == 200


def test_expiry_counts_from_the_last_change(staff):
    with time_machine.travel(timezone.now() + timedelta(days=80), tick=False):
        passwords.password_change(actor=staff, user=staff, raw_password="Mid-Autumn-2026")
    with time_machine.travel(timezone.now() + timedelta(days=160), tick=False):
        client = login(Client(), User.objects.get(pk=staff.pk))
        assert client.get(reverse("core:home")).status_code == 200
