"""A staff member drafts a 请示 in the structured editor and submits it (issue 4, "Done when",
first steps); the drafting pages fit a phone screen."""

import json
import re

from tests.e2e.conftest import sign_in
from zhongshu.documents import rules
from zhongshu.documents.models import OutgoingDocument, State
from zhongshu.org.models import Department, User
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import AssigneeRule, ItemState, WorkItem

TITLE = "关于申请食品安全抽检专项经费的请示"


def seed_route():
    """核稿 by the drafting department's head, then 签发 by the principal (idempotent)."""
    office = User.objects.get(username="office")
    if workflow.active_route(office.unit_id, rules.SUBJECT_KIND) is None:
        workflow.route_create(
            actor=office,
            unit=office.unit,
            kind=rules.SUBJECT_KIND,
            name="发文审批",
            steps=[
                {"name": "核稿", "rule": AssigneeRule.SUBMITTER_DEPARTMENT_HEAD},
                {"name": "签发", "rule": AssigneeRule.PRINCIPAL},
            ],
        )


def _blocks(page):
    return json.loads(page.input_value("input[name=body_json]"))


def test_a_staff_member_drafts_a_request_and_submits_it(page):
    seed_route()
    sign_in(page, "staff1")
    page.wait_for_url("**/")

    page.goto("/documents/new/")
    page.select_option("select[name=kind]", "request")
    # The kind proposes its usual direction (请示 goes up).
    assert page.input_value("select[name=direction]") == "up"
    page.fill("textarea[name=title]", TITLE)
    page.fill("textarea[name=main_recipients_other]", "市人民政府")

    # The editor replaces the plain textarea: one empty paragraph to start with.
    assert page.is_hidden("textarea[name=body]")
    blocks = page.locator(".draft-block textarea")
    blocks.nth(0).fill("为做好今年全市食品安全抽检工作，现就专项经费请示如下。")
    page.click("[data-add-level='1']")
    blocks.nth(1).fill("一、经费需求")
    blocks.nth(1).press("End")
    blocks.nth(1).press("Enter")  # a new paragraph below the heading
    page.keyboard.type("共需经费三十万元，请予批准。")
    # A block added by mistake is removed again; another one is moved up and back.
    page.click("[data-add-level='0']")
    blocks.nth(3).fill("多余的一段")
    page.locator(".draft-block").nth(3).locator("[data-act=remove]").click()
    page.locator(".draft-block").nth(2).locator("[data-act=up]").click()
    page.locator(".draft-block").nth(1).locator("[data-act=down]").click()

    assert _blocks(page) == [
        {"level": 0, "text": "为做好今年全市食品安全抽检工作，现就专项经费请示如下。"},
        {"level": 1, "text": "一、经费需求"},
        {"level": 0, "text": "共需经费三十万元，请予批准。"},
    ]
    page.click("button[data-save]")
    page.wait_for_url(re.compile(r"/documents/\d+/$"))

    document = OutgoingDocument.objects.get(title=TITLE)
    assert document.kind == "request" and document.direction == "up"
    assert [b["level"] for b in document.body] == [0, 1, 0]
    assert document.main_recipients == [{"name": "市人民政府"}]
    assert page.locator(".doc-paper .level-1").inner_text() == "一、经费需求"

    page.click(f"form[action='/documents/{document.pk}/submit/'] button")
    page.wait_for_url(f"**/documents/{document.pk}/")

    document.refresh_from_db()
    assert document.state == State.REVIEW
    head = Department.objects.get(code="SPSC", unit=document.unit).head
    assert WorkItem.objects.filter(
        run__subject_id=document.pk, assignee=head, state=ItemState.OPEN
    ).exists()
    assert head.full_name in page.inner_text("main")
    assert page.console_errors == []


def test_the_drafting_pages_fit_a_phone_screen(phone):
    seed_route()
    sign_in(phone, "staff1")
    phone.wait_for_url("**/")
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    phone.goto("/documents/new/")
    phone.select_option("select[name=kind]", "report")
    phone.fill("textarea[name=title]", "关于上半年食品安全工作情况的报告")
    phone.locator(".draft-block textarea").nth(0).fill("现将上半年工作情况报告如下。")
    widths = {"form": phone.evaluate("document.documentElement.scrollWidth")}
    phone.click("button[data-save]")
    phone.wait_for_url(re.compile(r"/documents/\d+/$"))
    widths["detail"] = phone.evaluate("document.documentElement.scrollWidth")
    phone.goto("/documents/")
    widths["list"] = phone.evaluate("document.documentElement.scrollWidth")
    document = OutgoingDocument.objects.get(title="关于上半年食品安全工作情况的报告")
    phone.goto(f"/documents/{document.pk}/versions/")
    widths["versions"] = phone.evaluate("document.documentElement.scrollWidth")
    phone.goto(f"/documents/{document.pk}/compare/?a=1&b=1&all=1")
    widths["compare"] = phone.evaluate("document.documentElement.scrollWidth")

    assert {name: w for name, w in widths.items() if w > 376} == {}
    assert errors == []


def test_the_office_keeps_the_directory_of_organs_on_a_phone(phone):
    sign_in(phone, "office")
    phone.wait_for_url("**/")

    phone.goto("/documents/organs/new/")
    phone.fill("input[name=name]", "省卫生健康委员会")
    phone.fill("input[name=short_name]", "省局")
    phone.select_option("select[name=relation]", "superior")
    form_width = phone.evaluate("document.documentElement.scrollWidth")
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/documents/organs/")
    list_width = phone.evaluate("document.documentElement.scrollWidth")

    assert "省卫生健康委员会" in phone.inner_text("main")
    assert form_width <= 376 and list_width <= 376
