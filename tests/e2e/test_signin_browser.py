from datetime import timedelta

from django.utils import timezone

from tests.e2e.conftest import sign_in
from zhongshu.core.models import AuditEvent


def test_sign_in_in_chinese_with_a_demo_button(page):
    page.goto("/")
    assert "/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("[data-fill-username=office]")
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text().startswith("你好")
    assert "刘海涛" in page.inner_text("header")
    assert page.console_errors == []  # nothing blocked by the CSP, no script errors


def test_switch_language_to_english_and_traditional(page):
    sign_in(page, "staff1")
    page.wait_for_url("**/")
    page.click(".language-menu .dropdown-toggle")
    page.click(".language-menu button[lang=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Hello")
    page.click(".language-menu .dropdown-toggle")
    page.click(".language-menu button[lang=zh-hant]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert "工作臺" in page.inner_text("nav#sidenav")


def test_lockout_refuses_the_right_password_on_the_sixth_try(page):
    page.goto("/login/")
    messages = []
    for _ in range(5):
        page.fill("input[name=username]", "staff1")
        page.fill("input[name=password]", "wrong-password-1")
        page.click("#login-form button[type=submit]")
        messages.append(page.inner_text("#login-error"))
    page.fill("input[name=username]", "staff1")
    page.fill("input[name=password]", "Zhongshu@2026")
    page.click("#login-form button[type=submit]")
    assert "/login/" in page.url
    assert page.inner_text("#login-error") == messages[0]
    assert len(set(messages)) == 1
    assert "用户名或密码错误" in messages[0]
    since = timezone.now() - timedelta(minutes=5)
    events = AuditEvent.objects.filter(at__gte=since, actor_name="staff1")
    assert events.filter(action="auth.login_failed").count() == 5
    assert events.filter(action="auth.locked").count() == 1


def test_phone_width_navigation_drawer(phone):
    sign_in(phone, "office")
    phone.wait_for_url("**/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.click("button[aria-controls=sidenav]")
    phone.wait_for_selector("#sidenav.show")
    assert phone.locator("#sidenav").get_by_text("组织机构").is_visible()
