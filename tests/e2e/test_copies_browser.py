"""Classified copies in the browser (issue 5 item 9): the document clerk registers the 份号 of
meeting papers brought back from a provincial meeting, ticks two of them for destruction, the
office director approves the list (the clerk may not approve her own), and the clerk records
the destruction with the director as witness (监销人) — the register then shows them destroyed,
and the printed 销毁登记表 carries both names. The pages fit a phone screen; under the CSP."""

from tests.e2e.test_incoming_handling_browser import _as, _submit
from zhongshu.core.models import Classification
from zhongshu.documents.models import ClassifiedCopy, CopyDisposal, CopyState, DisposalState

MEETING = "全省食品安全工作会议"


def test_meeting_papers_are_registered_and_two_copies_destroyed(browser, live_server, demo_org):
    clerk = _as(browser, live_server, "clerk")
    clerk.on("dialog", lambda dialog: dialog.accept())
    clerk.goto("/documents/copies/register/")
    clerk.fill("input[name=meeting]", MEETING)
    clerk.fill("input[name=title]", "会议讨论稿（一）")
    clerk.select_option("select[name=classification]", str(Classification.SECRET))
    clerk.fill("input[name=source_name]", "省食品药品监督管理局")
    clerk.fill("[name=numbers]", "000031-000033")
    _submit(clerk, "main form button.btn-primary[type=submit]")
    copies = list(ClassifiedCopy.objects.filter(meeting=MEETING).order_by("copy_number"))
    assert [c.copy_number for c in copies] == ["000031", "000032", "000033"]

    clerk.goto("/documents/copies/")
    for copy in copies[:2]:
        clerk.check(f"#pick-{copy.pk}")
    _submit(clerk, "button[name=kind][value=destroy]")
    clerk.fill("[name=reason]", "会议结束，按会议要求销毁。")
    _submit(clerk, "main form button[type=submit].btn-danger")
    disposal = CopyDisposal.objects.get()
    assert disposal.state == DisposalState.PREPARED
    page_url = f"/documents/copies/lists/{disposal.pk}/"
    assert clerk.url.endswith(page_url)

    office = _as(browser, live_server, "office", phone=True)
    for path in ("/documents/copies/", page_url, f"{page_url}print/"):
        office.goto(path)
        assert office.evaluate("document.documentElement.scrollWidth") <= 376, path
    office.goto(page_url)
    _submit(office, f"form[action$='/lists/{disposal.pk}/approve/'] button[type=submit]")
    disposal.refresh_from_db()
    assert disposal.state == DisposalState.APPROVED

    clerk.goto(page_url)
    form = clerk.locator(f"form[action$='/lists/{disposal.pk}/execute/']")
    form.locator("select[name=executed_by]").select_option(label="杨静")
    form.locator("select[name=witness]").select_option(label="刘海涛")
    form.locator("select[name=method]").select_option("shredding")
    form.locator("input[name=place]").fill("机要室")
    _submit(clerk, f"form[action$='/lists/{disposal.pk}/execute/'] button[type=submit]")
    disposal.refresh_from_db()
    assert disposal.state == DisposalState.DONE
    states = [c.state for c in ClassifiedCopy.objects.filter(meeting=MEETING).order_by("pk")]
    assert states == [CopyState.DESTROYED, CopyState.DESTROYED, CopyState.HELD]
    clerk.goto(f"{page_url}print/")
    sheet = clerk.inner_text("main")
    assert "杨静" in sheet and "刘海涛" in sheet and "000031" in sheet
    for p in (clerk, office):
        assert p.console_errors == [], p.console_errors
