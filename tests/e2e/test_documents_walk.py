"""Issue 4, "Done when", in the browser: a staff member drafts a 请示; it passes 核稿, 会签 and
审核 (where the office fixes a proofreading finding), is signed by the director, then the office
checks, registers (the number), prints, seals, distributes and files it."""

import re

from tests.e2e.conftest import sign_in
from zhongshu.documents import demo
from zhongshu.documents.models import ArchivePackage, OutgoingDocument, SealUse, State
from zhongshu.org.demo import DEMO_PASSWORD
from zhongshu.org.models import Department, User
from zhongshu.workflow.models import ItemState, WorkItem

TITLE = "关于申请食品安全快速检测设备购置经费的请示"
WRONG = "根据《关于做好2026年食品安全抽检工作的通知》（市政发[2026]12号）要求，现请示如下。"
RIGHT = WRONG.replace("[2026]", "〔2026〕")


def _prepare():
    """The demo organisation with the office's route and number series (no demo documents);
    the two department heads on the route get the demo password."""
    people = {u.username: u for u in User.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(unit=people["office"].unit)}
    demo.prepare(people, departments)
    heads = {code: departments[code].head for code in ("SPSC", "JHCW")}
    for head in heads.values():
        head.set_password(DEMO_PASSWORD)
        head.save()
    return heads, departments


def _as(page, username):
    page.context.clear_cookies()
    sign_in(page, username)
    page.wait_for_url("**/")


def _decide(page, document, opinion):
    page.goto(f"/documents/{document.pk}/")
    page.fill("#opinion", opinion)
    page.click("#decide-form button[name=decision][value=approve]")
    page.wait_for_load_state()


def _office_step(page, document, path, *, fields=None, ticks=None, form="main form"):
    """Open the step's page, fill and tick what it asks, send it; the document reloaded."""
    page.goto(f"/documents/{document.pk}/{path}/")
    for name, value in (fields or {}).items():
        page.fill(f"[name={name}]", value)
    for box in page.locator(ticks).all() if ticks else ():
        box.check()
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()
    document.refresh_from_db()


def _state(document):
    document.refresh_from_db()
    return document.state


def test_a_request_goes_from_draft_to_the_archive(page):
    heads, departments = _prepare()
    page.on("dialog", lambda dialog: dialog.accept())  # "File this document?" confirmation

    # 拟稿: staff1 drafts the 请示 and asks 计划财务科 to countersign.
    _as(page, "staff1")
    page.goto("/documents/new/")
    page.select_option("select[name=kind]", "request")
    page.fill("textarea[name=title]", TITLE)
    page.fill("textarea[name=main_recipients_other]", "市人民政府")
    page.check(f"input[name=countersign_departments][value='{departments['JHCW'].pk}']")
    page.locator(".draft-block textarea").nth(0).fill(WRONG)
    page.click("button[data-save]")
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    document = OutgoingDocument.objects.get(title=TITLE)
    page.click(f"form[action='/documents/{document.pk}/submit/'] button")
    page.wait_for_url(f"**/documents/{document.pk}/")
    assert _state(document) == State.REVIEW

    # 核稿 by the drafting department's head, 会签 by the finance department's head.
    _as(page, heads["SPSC"].username)
    _decide(page, document, "同意，请计划财务科会签。")
    _as(page, heads["JHCW"].username)
    _decide(page, document, "经费已列入年度预算，同意。")

    # 审核: the office sees the wrong brackets of the cited 文号 and fixes the text.
    _as(page, "office")
    page.goto(f"/documents/{document.pk}/findings/")
    assert "[2026]" in page.inner_text("main")
    page.goto(f"/documents/{document.pk}/edit/")
    page.locator(".draft-block textarea").nth(0).fill(RIGHT)
    page.fill("[name=reason]", "引用文号的括号改为六角括号")
    page.click("button[data-save]")
    page.wait_for_url(f"**/documents/{document.pk}/")
    document.refresh_from_db()
    assert document.body[0]["text"] == RIGHT and document.findings_errors == 0
    _decide(page, document, "文种、格式符合要求，已与计划财务科协商一致。")

    # 签发 by the director (主要负责人: a 请示 goes up).
    _as(page, "director")
    _decide(page, document, "同意。")
    assert _state(document) == State.SIGNED
    assert document.signed_by.username == "director" and document.issued_on is not None

    # The office's steps after signing (条例 §25), each a page with one form.
    _as(page, "office")
    _office_step(page, document, "check", ticks="main form input[type=checkbox]")
    assert document.state == State.CHECKED
    _office_step(
        page,
        document,
        "register",
        fields={"copies": "8", "distribution_scope": "市人民政府，局领导，计划财务科"},
    )
    assert document.state == State.REGISTERED
    assert re.fullmatch(r"市食药监发〔\d{4}〕1号", document.doc_number)
    _office_step(page, document, "print")
    assert document.state == State.PRINTED
    _office_step(page, document, "seal", fields={"seal": "市食品药品监督管理局印章", "copies": "8"})
    assert document.state == State.SEALED
    assert SealUse.objects.filter(document=document).count() == 1
    _office_step(
        page,
        document,
        "distribute",
        ticks=f"input[name=departments][value='{departments['JHCW'].pk}']",
        form=f"form[action='/documents/{document.pk}/distribute/']",
    )
    assert document.state == State.DISTRIBUTED
    assert WorkItem.objects.filter(
        run__subject_id=document.pk, is_cc=True, assignee=heads["JHCW"], state=ItemState.OPEN
    ).exists()
    _office_step(page, document, "file")
    assert document.state == State.FILED
    assert ArchivePackage.objects.filter(document=document).exists()
    page.goto(f"/documents/{document.pk}/")
    assert document.doc_number in page.inner_text("main")
    assert page.console_errors == []
