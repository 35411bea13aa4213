"""A 办件 handled in the browser (issue 5 "Done when", 条例 §24 steps 4–7): the clerk of the demo
organisation registers an incoming 函 for action and sends it to the office director, who
proposes a deputy and two departments; the deputy instructs; the departments report while the
principal, to whom the office circulated it, reads it on a phone and adds a 批示; the office
reminds the late department once, drafts the linked 复函, completes and files it — under the
CSP."""

from tests.e2e.conftest import sign_in
from zhongshu.documents.models import (
    AssignmentState,
    IncomingAssignment,
    IncomingDocument,
    IncomingReading,
    IncomingReminder,
    IncomingState,
    OutgoingDocument,
)
from zhongshu.org.demo import DEMO_PASSWORD
from zhongshu.org.models import Department

NUMBER = "省食药监函〔2026〕77号"
TITLE = "关于报送食品安全专项整治工作情况的函"


def _as(browser, live_server, username, *, phone=False):
    size = {"width": 375, "height": 740} if phone else {"width": 1366, "height": 768}
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=size)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    sign_in(page, username)
    page.wait_for_url("**/")
    return page


def _head(code):
    """The head of a demo department, given the demo password so that they can sign in."""
    head = Department.objects.get(code=code, deleted_at__isnull=True).head
    head.set_password(DEMO_PASSWORD)
    head.save()
    return head


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_a_letter_for_action_goes_from_registration_to_completion(page, browser, live_server):
    business, finance = _head("SPSC"), _head("JHCW")
    sign_in(page, "clerk")
    page.wait_for_url("**/")
    page.goto("/documents/incoming/register/")
    page.fill("input[name=source_name]", "省食品药品监督管理局")
    page.fill("input[name=source_number]", NUMBER)
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=kind]", "letter")
    page.check("input[name=handling][value=action]")
    page.fill("input[name=deadline_days]", "10")
    _submit(page, "main form button.btn-primary[type=submit]")
    document = IncomingDocument.objects.get(source_number=NUMBER)
    detail = f"/documents/incoming/{document.pk}/"
    _submit(page, "form[action$='/accept/'] button[type=submit]")
    # The panel that sends it on fits a phone screen.
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.set_viewport_size({"width": 1366, "height": 768})
    _submit(page, "form[action$='/start/'] button[value=director]")
    document.refresh_from_db()
    assert document.state == IncomingState.PROPOSING
    assert "刘海涛" in page.inner_text("main")  # now with the office director

    director = _as(browser, live_server, "office", phone=True)
    director.goto(detail)
    assert director.evaluate("document.documentElement.scrollWidth") <= 376
    form = director.locator("form[action$='/propose/']")
    form.locator("textarea[name=text]").fill(
        "拟请李文华副局长阅示，食品生产监管科牵头，计划财务科协办。"
    )
    form.locator("select[name=leader]").select_option(label="李文华")
    form.locator("select[name=lead]").select_option(label="食品生产监管科")
    form.locator("label", has_text="计划财务科").click()
    _submit(director, "form[action$='/propose/'] button[type=submit]")
    document.refresh_from_db()
    assert document.state == IncomingState.INSTRUCTING

    deputy = _as(browser, live_server, "deputy1")
    deputy.goto(detail)
    assert "拟请李文华副局长阅示" in deputy.inner_text("main")
    deputy.fill(
        "form[action$='/instruct/'] textarea[name=text]", "同意。请两科抓紧办理，按时报送。"
    )
    _submit(deputy, "form[action$='/instruct/'] button[type=submit]")
    document.refresh_from_db()
    assert document.state == IncomingState.HANDLING

    # The office circulates it to the principal while the departments handle it.
    page.goto(detail)
    page.locator("#circulation-title").scroll_into_view_if_needed()
    page.click("summary:has-text('传阅')")
    page.locator("form[action$='/circulate/'] label", has_text="陈建国").click()
    _submit(page, "form[action$='/circulate/'] button[type=submit]")

    lead = _as(browser, live_server, business.username)
    lead.goto(detail)
    lead.fill("form[action$='/report/'] textarea[name=result]", "已完成全市专项整治，情况已汇总。")
    _submit(lead, "form[action$='/report/'] button[type=submit]")

    principal = _as(browser, live_server, "director", phone=True)
    principal.goto(detail)
    assert principal.evaluate("document.documentElement.scrollWidth") <= 376
    principal.fill(
        "form[action$='/comment/'] textarea[name=text]", "请办公室督促计划财务科按时办结。"
    )
    _submit(principal, "form[action$='/comment/'] button[type=submit]")
    reading = IncomingReading.objects.get(document=document, person__username="director")
    assert reading.read_at and reading.comment

    # One reminder (催办) to the late department, printable as the 催办单.
    page.goto(detail)
    assert "请办公室督促计划财务科按时办结。" in page.inner_text("main")
    page.fill("form[action$='/remind/'] textarea[name=note]", "请于本周五前报送协办意见。")
    _submit(page, "form[action$='/remind/'] button[type=submit]")
    reminder = IncomingReminder.objects.get(document=document)
    assert [r["id"] for r in reminder.recipients] == [finance.pk]

    co = _as(browser, live_server, finance.username)
    co.goto(detail)
    co.fill("form[action$='/report/'] textarea[name=result]", "所需经费已落实。")
    _submit(co, "form[action$='/report/'] button[type=submit]")
    document.refresh_from_db()
    assert document.state == IncomingState.HANDLED
    assert set(
        IncomingAssignment.objects.filter(document=document).values_list("state", flat=True)
    ) == {AssignmentState.REPORTED}

    # The reply (复函) is drafted from the document and stays linked; then it is completed.
    page.goto(detail)
    _submit(page, f"a[href='/documents/new/?answers={document.pk}']")
    assert page.input_value("textarea[name=title]") == "关于报送食品安全专项整治工作情况的复函"
    _submit(page, "#draft-form button.btn-primary[type=submit]")
    reply = OutgoingDocument.objects.get(answers=document)
    assert document.receipt_number in page.inner_text("main")
    page.goto(detail)
    page.fill("form[action$='/close/'] textarea[name=result]", "已函复省局，专项整治情况已报送。")
    _submit(page, "form[action$='/close/'] button[type=submit]")
    document.refresh_from_db()
    assert document.state == IncomingState.DONE
    assert reply.title in page.inner_text("main")
    _submit(page, "form[action$='/file/'] button[type=submit]")
    document.refresh_from_db()
    assert document.state == IncomingState.FILED
    assert page.locator(f"a[href='/documents/incoming/{document.pk}/archive/']").count() == 1
    for browser_page in (page, director, deputy, lead, principal, co):
        assert browser_page.console_errors == []
