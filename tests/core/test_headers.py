"""security.md E7: every response carries the CSP and the other security headers, and pages
hold no inline script or style the CSP would block."""

import re

import pytest
from django.urls import reverse

from zhongshu.core import audit

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _assert_headers(response):
    csp = response["Content-Security-Policy"]
    directives = {part.strip().split(" ", 1)[0]: part.strip() for part in csp.split(";")}
    assert directives["object-src"] == "object-src 'none'"
    assert directives["base-uri"] == "base-uri 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert "'unsafe-inline'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"]


def _assert_no_inline_code(response):
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    assert INLINE_SCRIPT.findall(html) == []
    assert STYLE_ATTRIBUTE.findall(html) == []
    assert EVENT_HANDLER.findall(html) == []


@pytest.fixture
def audit_rows(db, staff):
    event = audit.record(
        "account.profile_updated",
        actor=staff,
        obj=staff,
        detail={"email": {"before": "a@example.cn", "after": "b@example.cn"}},
    )
    audit.record("auth.login_failed", result="failure", actor_name="x<script>alert(1)</script>")
    return event


PUBLIC = ["org:login", "core:healthz"]
STAFF = ["core:home", "core:search", "org:profile"]
AUDITOR = ["core:audit_list", "core:audit_export"]


@pytest.mark.parametrize("url_name", PUBLIC)
def test_public_pages(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    _assert_headers(response)
    _assert_no_inline_code(response)


@pytest.mark.parametrize("url_name", STAFF)
def test_signed_in_pages(client, staff, login_as, url_name):
    login_as(staff)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    _assert_headers(response)
    _assert_no_inline_code(response)


@pytest.mark.parametrize("url_name", AUDITOR)
def test_audit_pages(client, auditor, login_as, audit_rows, url_name):
    login_as(auditor)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    _assert_headers(response)
    _assert_no_inline_code(response)


def test_audit_detail_and_filtered_list(client, auditor, login_as, audit_rows):
    login_as(auditor)
    for url in (
        reverse("core:audit_detail", args=[audit_rows.pk]),
        reverse("core:audit_list") + "?result=failure&date_from=2020-01-01",
        reverse("core:audit_list") + "?date_from=bad",
    ):
        response = client.get(url)
        assert response.status_code in (200, 400)
        _assert_headers(response)
        _assert_no_inline_code(response)
    assert b"x&lt;script&gt;" in client.get(reverse("core:audit_list")).content


def test_error_pages_carry_the_headers_too(client, staff, login_as):
    login_as(staff)
    for url, status in ((reverse("core:audit_list"), 403), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status
        _assert_headers(response)
        _assert_no_inline_code(response)


def test_production_https_headers_and_redirect(db, client, settings):
    """A8: HTTPS only, HSTS for at least a year including subdomains (production values)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    plain = client.get("/login/")
    secure = client.get("/login/", secure=True)

    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    hsts = secure["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
