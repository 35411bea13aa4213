"""A 签报 decided in the browser (issue 5 "Done when", item 10): a clerk of the food production
department writes a memo and submits it; the department's head checks it on a phone; the office
director asks for the principal's decision too; the deputy in charge and the director decide;
the memo comes back to the clerk approved, with every opinion on the printable 签报处理单, and a
notice is drafted from it — under the CSP, in the demo organisation."""

from tests.e2e.conftest import sign_in
from tests.e2e.test_incoming_handling_browser import _as, _head, _submit
from zhongshu.documents.models import Memo, MemoState

TITLE = "关于举办全市餐饮服务食品安全培训班的请示"


def _decide(page, url, opinion):
    page.goto(url)
    page.fill("#decide-form textarea[name=opinion]", opinion)
    _submit(page, "#decide-form button[value=approve]")


def test_a_memo_is_decided(page, browser, live_server):
    head = _head("SPSC")
    sign_in(page, "staff1")
    page.wait_for_url("**/")
    page.goto("/documents/memos/new/")
    _submit(page, "main form button[type=submit]")  # empty: the service says what is missing
    assert page.locator(".errorlist").count() >= 2
    page.console_errors.clear()  # the 400 of that empty form, on purpose
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=body]", "拟于下月举办培训班，约150人，经费约3万元。\n妥否，请批示。")
    _submit(page, "main form button[type=submit]")
    memo = Memo.objects.get(title=TITLE)
    detail = f"/documents/memos/{memo.pk}/"
    assert page.url.endswith(detail)
    _submit(page, "#memo-submit")
    memo.refresh_from_db()
    assert memo.state == MemoState.CHECKING and memo.number in page.inner_text("main")

    checker = _as(browser, live_server, head.username, phone=True)
    for path in ("/documents/memos/", "/documents/memos/new/", detail, f"{detail}sheet/"):
        checker.goto(path)
        assert checker.evaluate("document.documentElement.scrollWidth") <= 376, path
    _decide(checker, detail, "情况属实，拟同意。")

    office = _as(browser, live_server, "office")
    office.goto(detail)
    office.check("input[name=needs_principal]")
    _submit(office, "#memo-route")
    _decide(office, detail, "拟请李局长、陈局长审定。")
    memo.refresh_from_db()
    assert memo.needs_principal and memo.state == MemoState.INSTRUCTING

    deputy = _as(browser, live_server, "deputy1")
    _decide(deputy, detail, "同意，请陈局长审定。")
    director = _as(browser, live_server, "director", phone=True)
    _decide(director, detail, "同意。")
    memo.refresh_from_db()
    assert memo.state == MemoState.APPROVED and memo.decision == "同意。"

    page.goto(detail)
    assert "同意。" in page.inner_text("#memo-decision")
    page.goto(f"{detail}sheet/")
    sheet = page.inner_text("article")
    for words in ("情况属实，拟同意。", "拟请李局长、陈局长审定。", "同意，请陈局长审定。", TITLE):
        assert words in sheet
    page.goto(detail)
    _submit(page, "a[href*='?memo=']")
    assert page.input_value("textarea[name=title]") == "关于举办全市餐饮服务食品安全培训班的通知"
    for p in (page, checker, office, deputy, director):
        assert p.console_errors == [], p.console_errors
