"""Swagger UI renders in chromium under our CSP with nothing refused (security.md E7)."""

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import login
from tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.e2e


@pytest.fixture
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def test_swagger_ui_runs_without_csp_violations(transactional_db, chromium, live_server):
    user = UserFactory(username="reader")
    client = login(Client(), user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = chromium.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": live_server.url}]
    )
    page = context.new_page()
    problems = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else None
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15_000)
    page.click("#operations-account-me_retrieve .opblock-summary")
    page.wait_for_selector("#operations-account-me_retrieve .try-out__btn")

    assert "Zhongshu API" in page.inner_text(".info .title")
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
    context.close()
