"""收文 in the browser (issue 5 items 1–3): the office clerk of the demo organisation registers a
subordinate's 请示 and a 阅件, returns the invalid 请示 at 初审 with its reasons and prints the
退文通知单, and accepts the 阅件 — under the CSP, at office and phone width."""

from tests.e2e.conftest import sign_in
from zhongshu.core.models import AuditEvent
from zhongshu.documents.models import IncomingDocument, IncomingState


def _register(page, *, organ, number, title, reading=False):
    page.goto("/documents/incoming/register/")
    page.fill("input[name=source_name]", organ)
    page.fill("input[name=source_number]", number)
    page.fill("input[name=title]", title)
    if reading:
        page.check("input[name=handling][value=reading]")
    else:
        page.fill("input[name=deadline_days]", "5")
    with page.expect_navigation():
        page.click("main form button.btn-primary[type=submit]")


def test_the_clerk_registers_returns_a_request_and_accepts_a_reading(page):
    sign_in(page, "office")
    page.wait_for_url("**/")

    _register(
        page,
        organ="某区食品药品监督管理局",
        number="区食药监〔2026〕8号",
        title="关于申请经费的请示",
    )
    request = IncomingDocument.objects.get(source_number="区食药监〔2026〕8号")
    assert request.receipt_number in page.inner_text("main")
    assert request.deadline is not None

    # 初审: the 请示 has two 主送 and no 签发人 — returned with both reasons.
    page.click("a[href$='/return/']")
    page.check("input[name=reasons][value=request_recipients]")
    page.check("input[name=reasons][value=request_signer]")
    page.fill("textarea[name=note]", "请只主送一个机关，并标注签发人后重新报送。")
    with page.expect_navigation():
        page.click("form[action$='/return/'] button[type=submit]")
    request.refresh_from_db()
    assert request.state == IncomingState.RETURNED
    with page.expect_navigation():
        page.click("a[href$='/return-notice/']")
    notice = page.inner_text("main")
    assert "退文通知单" in notice and "区食药监〔2026〕8号" in notice and "签发人" in notice

    _register(
        page,
        organ="市人民政府办公室",
        number="市府办函〔2026〕30号",
        title="关于做好节日值班的通知",
        reading=True,
    )
    reading = IncomingDocument.objects.get(source_number="市府办函〔2026〕30号")
    with page.expect_navigation():
        page.click("form[action$='/accept/'] button[type=submit]")
    reading.refresh_from_db()
    assert (reading.state, reading.handling) == (IncomingState.ACCEPTED, "reading")

    page.goto("/documents/incoming/?state=returned")
    assert request.receipt_number in page.inner_text("main")
    assert reading.receipt_number not in page.inner_text("main")
    page.set_viewport_size({"width": 375, "height": 740})
    for path in (
        "/documents/incoming/",
        "/documents/incoming/register/",
        f"/documents/incoming/{request.pk}/",
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 376, path
    assert AuditEvent.objects.filter(action="documents.incoming_returned").count() == 1
    assert page.console_errors == []
