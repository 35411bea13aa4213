# ruff: noqa: F811  (pytest fixtures imported from the handling tests)
"""核发 to people in the browser (issue 4): the office finds them with the colleague picker —
part of a name typed, the person picked joins the list — and sends; nobody else of a unit of
hundreds is on the page. Under the CSP, at office and phone width."""

from django.contrib.auth import get_user_model

from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from tests.factories import PASSWORD, DepartmentFactory, MembershipFactory, UserFactory
from zhongshu.documents.models import Dispatch, State


def _pick(page, text, name):
    """Type ``text`` in the picker, choose ``name`` and wait until it is on the list."""
    page.fill("#to_user-q", text)
    page.locator("#to_user-options label", has_text=name).click()
    page.locator("#chosen-people label", has_text=name).wait_for()


def test_the_office_picks_people_and_sends_them_the_document(
    transactional_db, browser, live_server, at_state, office_clerk, unit
):
    document = at_state(State.SEALED)
    department = DepartmentFactory(unit=unit, name="综合处", code="ZHC")
    chosen = [UserFactory(unit=unit, full_name=name) for name in ("周一", "吴二")]
    for person in chosen:
        MembershipFactory(user=person, department=department)
    get_user_model().objects.bulk_create(
        UserFactory.build(unit=unit, username=f"many{n}", full_name=f"同事{n:03d}", password="!")
        for n in range(300)
    )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto("/login/")
    page.fill("input[name=username]", office_clerk.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/documents/{document.pk}/distribute/")
    assert "同事000" not in page.inner_text("main")

    _pick(page, "周", "周一")
    _pick(page, "综合", "吴二")  # by department: both are listed, 周一 once
    assert page.locator("#chosen-people input[name=people]:checked").count() == 2
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    with page.expect_navigation():
        page.click("#distribute-form button.btn-primary[type=submit]")

    sent = Dispatch.objects.filter(document=document).values_list("person_id", flat=True)
    assert sorted(sent) == sorted(p.pk for p in chosen)
    assert "周一" in page.inner_text("main") and "吴二" in page.inner_text("main")
    assert errors == []
    context.close()
