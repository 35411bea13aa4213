"""Every page of the platform works at 375 px: nothing wider than the screen, no script errors."""

import pytest

from tests.e2e.conftest import sign_in

PAGES = {
    "office": [
        "/",
        "/directory/",
        "/search/?q=办公",
        "/org/",
        "/org/people/",
        "/org/positions/",
        "/org/units/",
        "/org/import/",
        "/org/departments/new/",
        "/account/",
        "/account/password/",
        "/account/two-factor/",
        "/calendar/",
        "/calendar/new/",
        "/work/",
        "/work/?box=done",
        "/work/routes/",
        "/work/routes/new/",
        "/work/settings/",
        "/notifications/",
        "/notifications/settings/",
    ],
    "sysadmin": [
        "/admin/accounts/",
        "/admin/accounts/new/",
        "/admin/config/",
        "/notifications/admin/outbox/",
        "/notifications/admin/robots/",
        "/notifications/admin/hosts/",
    ],
    "secadmin": ["/admin/grants/"],
    "auditor": ["/audit/"],
}


@pytest.mark.parametrize("username", list(PAGES))
def test_pages_fit_a_phone_screen(phone, username):
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(phone, username)
    phone.wait_for_url("**/")
    too_wide = []
    for path in PAGES[username]:
        response = phone.goto(path)
        assert response.status == 200, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 376:
            too_wide.append((path, width))
    assert too_wide == []
    assert errors == []
