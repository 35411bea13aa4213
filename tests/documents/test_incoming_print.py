# ruff: noqa: F811  (pytest fixtures imported from the support modules)
"""The printable pages of a 办件 (issue 5 items 6 and 8): the 收文处理单, for whoever may see the
document, and the 催办单, for the office — with what each prints, who may open them, and a
constant number of queries however long the handling was."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from tests.documents.incoming_support import accepted_action, fresh, leaders, started  # noqa: F401
from tests.factories import UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services_incoming
from zhongshu.documents import services_incoming_handling as handling
from zhongshu.documents.models import IncomingReading

pytestmark = pytest.mark.django_db

PROPOSAL = "拟请李副局长阅示，食品生产监管科牵头、计划财务科配合办理。"
INSTRUCTION = "请食品生产监管科抓紧落实，按时报送结果。"
COMMENT = "同意李副局长意见。"
LEAD_RESULT = "已完成全市专项检查，共检查企业一百二十家。"
CO_RESULT = "专项经费已拨付到位。"
NOTE = "请于本周五前报送办理情况。"
RESULT = "已按要求完成检查并向省局报送结果。"
SUMMARY = "请于规定时间内完成专项检查并报送结果。"


def sheet_url(document) -> str:
    return reverse("documents:incoming_sheet", args=[document.pk])


def reminder_url(document, reminder) -> str:
    pk = getattr(reminder, "pk", reminder)
    return reverse("documents:incoming_reminder_sheet", args=[document.pk, pk])


def working_day(days: int) -> date:
    day = date.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def in_handling(org, leaders, clerk, **data):
    """A 办件 the director started with the proposal written, instructed by the deputy."""
    document = started(
        org["office_head"],
        accepted_action(clerk, pages=4, copies=2, **data),
        handling.Proposal(
            text=PROPOSAL,
            leader=leaders["deputy"],
            lead=org["business"],
            co=(org["finance"],),
            deadline_on=working_day(14),
        ),
    )
    return handling.instruct(
        actor=leaders["deputy"], document=document, proposal=handling.Proposal(text=INSTRUCTION)
    )


def handled(org, leaders, clerk):
    """Taken the whole way: started with a proposal, instructed, circulated in turn and
    commented on, reminded, reported by both departments, and closed. Returns the document and
    its reminder."""
    document = in_handling(org, leaders, clerk)
    handling.circulate(
        actor=clerk,
        document=document,
        expected_version=document.version,
        people=[leaders["principal"], org["colleague"]],
        in_turn=True,
    )
    handling.comment(actor=leaders["principal"], document=document, text=COMMENT)
    reminder = handling.remind(actor=clerk, document=fresh(document), note=NOTE)
    handling.report(actor=org["head"], document=fresh(document), result=LEAD_RESULT)
    document = handling.report(
        actor=org["finance_head"], document=fresh(document), result=CO_RESULT
    )
    document = handling.close(
        actor=clerk, document=document, expected_version=document.version, result=RESULT
    )
    return document, reminder


def printed(response) -> str:
    """The sheet itself, without the page's title and the shell around it."""
    content = response.content.decode()
    return content[content.index("<article") : content.index("</article>")]


def in_order(content: str, *parts: str) -> list[int]:
    positions = [content.index(part) for part in parts]
    assert positions == sorted(positions), [
        p for _, p in sorted(zip(positions, parts, strict=True))
    ]
    return positions


# --- The 收文处理单 ----------------------------------------------------------------------------


def test_the_sheet_of_a_handled_document_prints_every_part_in_order(
    client, login_as, org, leaders, office_clerk
):
    document, _reminder = handled(org, leaders, office_clerk)
    login_as(office_clerk)

    response = client.get(sheet_url(document))

    assert response.status_code == 200
    page = response.content.decode()
    content = printed(response)
    assert "Incoming document processing sheet" in content
    assert "市食品药品监督管理局" in content
    in_order(
        content,
        "省市场监督管理局",  # 来文单位
        document.source_number,
        document.receipt_number,
        "2 / 4",  # 份数 / 页数
        "关于开展食品安全专项检查的通知",
        SUMMARY,
        PROPOSAL,
        "刘主任 · ",  # who proposed it
        INSTRUCTION,
        "李副局长 · ",  # the deputy's 批办 …
        COMMENT,
        "陈局长 · ",  # … then the principal's 批示 while it circulated
        ">食品生产监管科<",
        "lead (主办)",
        LEAD_RESULT,
        "周科长 · ",
        ">计划财务科<",
        "co-department (协办)",
        CO_RESULT,
        "钱科长 · ",
        "Circulation (传阅)",
        RESULT,
        "赵文书 · ",  # closed by
        "Reminded (催办) 1 time",
    )
    circulation = content[content.index("Circulation (传阅)") : content.index("Result (办理结果)")]
    # In turn: the principal read it (✓ and the date), then the colleague, who has not.
    in_order(circulation, ">1<", "陈局长", "✓", ">2<", "吴同事", "Unread")
    assert circulation.count("✓") == 1
    assert "Now with:" not in content  # closed: nobody holds it
    assert "data-print" in page and "<script>" not in page
    assert 'href="/static/documents/incoming_sheet.css"' in page


def test_the_sheet_while_it_is_handled_says_who_holds_it_and_why_one_was_sent_back(
    client, login_as, org, leaders, office_clerk
):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"], co=(org["finance"],)),
    )
    handling.send_back(actor=org["finance_head"], document=document, reason="不属于本科室职责。")
    started(
        office_clerk,
        document,
        handling.Proposal(text="改由食品生产监管科独办。", lead=org["business"]),
    )
    login_as(org["head"])  # handles it: not the office, but may see it

    response = client.get(sheet_url(document))

    assert response.status_code == 200
    content = response.content.decode()
    assert "改由食品生产监管科独办。" in content and "分办。" not in content
    assert "Sent back (退办): 不属于本科室职责。" in content
    assert "Being handled" in content
    assert "Now with:" in content and "周科长" in content
    # No opinion of the 拟办 or 承办 steps is counted as a leader's 批示.
    instructions = content[
        content.index("Leaders' instructions") : content.index("Handling (承办情况)")
    ]
    assert "opinion-text" not in instructions


def test_the_sheet_of_a_catalogue_only_document_shows_its_neutral_title_only(
    client, login_as, settings, org, leaders, office_clerk
):
    for person in (office_clerk, org["office_head"], leaders["deputy"], org["head"]):
        person.clearance = Classification.SECRET
        person.save(update_fields=["clearance"])
    org["finance_head"].clearance = Classification.SECRET
    org["finance_head"].save(update_fields=["clearance"])
    document = accepted_action(
        office_clerk,
        classification=Classification.SECRET,
        secrecy_period="1年",
        title="某项工作安排",
        title_is_neutral=True,
        summary="",
    )
    # Registered on a classified network with its text, then read where it may not be held.
    settings.CLASSIFIED_NETWORK = True
    with_text = accepted_action(
        office_clerk,
        classification=Classification.SECRET,
        title="关于某涉密事项的通知",
        summary="涉密内容摘要不得显示。",
    )
    settings.CLASSIFIED_NETWORK = False
    login_as(office_clerk)

    neutral = client.get(sheet_url(document)).content.decode()
    hidden = client.get(sheet_url(with_text)).content.decode()

    assert "某项工作安排" in neutral and "(Neutral title)" in neutral
    assert '<div class="incoming-sheet-mark">Secret★1年</div>' in neutral
    assert "Registered by its catalogue data only" in neutral
    assert "关于某涉密事项的通知" in hidden
    assert "涉密内容摘要不得显示。" not in hidden
    assert "Registered by its catalogue data only" in hidden
    reads = AuditEvent.objects.filter(action="documents.read", detail__page="sheet")
    assert sorted(int(e.object_id) for e in reads) == sorted([document.pk, with_text.pk])


def test_the_sheet_answers_404_to_someone_who_may_not_see_the_document(
    client, login_as, unit, org, leaders, office_clerk
):
    document, reminder = handled(org, leaders, office_clerk)
    outsider = UserFactory(unit=unit, username="outsider", full_name="孙路人")
    login_as(outsider)
    denied_before = AuditEvent.objects.filter(action="access.denied").count()

    sheet = client.get(sheet_url(document))
    notice = client.get(reminder_url(document, reminder))

    assert sheet.status_code == 404 and notice.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() == denied_before + 2


def test_a_reader_sees_the_sheet_but_not_the_reminder_sheet(
    client, login_as, org, leaders, office_clerk
):
    document, reminder = handled(org, leaders, office_clerk)
    login_as(leaders["principal"])  # it was circulated to him

    sheet = client.get(sheet_url(document))
    notice = client.get(reminder_url(document, reminder))

    assert sheet.status_code == 200 and COMMENT in sheet.content.decode()
    assert notice.status_code == 404


# --- The 催办单 --------------------------------------------------------------------------------


def test_the_reminder_sheet_prints_the_reminder_and_room_for_the_answer(
    client, login_as, org, leaders, office_clerk
):
    document = in_handling(org, leaders, office_clerk)
    handling.report(actor=org["head"], document=document, result=LEAD_RESULT)
    handling.remind(actor=office_clerk, document=fresh(document))
    reminder = handling.remind(actor=office_clerk, document=fresh(document), note=NOTE)
    login_as(office_clerk)

    response = client.get(reminder_url(document, reminder))

    assert response.status_code == 200
    content = printed(response)
    in_order(
        content,
        "市食品药品监督管理局办公室",  # the unit and its office send it
        "Reminder to handle a document",
        "Reminder no. 2 on this document",
        fresh(document).receipt_number,
        "省市场监督管理局",
        "关于开展食品安全专项检查的通知",
        document.source_number,
        "钱科长",  # the one still handling it, at the 承办 step
        NOTE,
        "赵文书",
        "Progress (办理情况)",
        "Received by (signature)",
    )
    people = content[content.index("incoming-sheet-people") : content.index(NOTE)]
    assert "周科长" not in people  # reported already: not reminded
    assert "data-print" in response.content.decode()


def test_a_reminder_of_another_document_answers_404(client, login_as, org, leaders, office_clerk):
    document = in_handling(org, leaders, office_clerk)
    other = in_handling(org, leaders, office_clerk)
    reminder = handling.remind(actor=office_clerk, document=fresh(other), note=NOTE)
    login_as(office_clerk)

    wrong = client.get(reminder_url(document, reminder))
    right = client.get(reminder_url(other, reminder))
    missing = client.get(reminder_url(other, reminder.pk + 1000))

    assert wrong.status_code == 404 and missing.status_code == 404
    assert right.status_code == 200


def test_the_reminder_sheet_of_a_classified_document_is_an_audited_read(
    client, login_as, org, leaders, office_clerk
):
    for person in (office_clerk, org["office_head"], leaders["deputy"], org["head"]):
        person.clearance = Classification.SECRET
        person.save(update_fields=["clearance"])
    org["finance_head"].clearance = Classification.SECRET
    org["finance_head"].save(update_fields=["clearance"])
    document = in_handling(
        org,
        leaders,
        office_clerk,
        classification=Classification.SECRET,
        title="某项工作安排",
        title_is_neutral=True,
        summary="",
    )
    reminder = handling.remind(actor=office_clerk, document=fresh(document))
    login_as(office_clerk)

    response = client.get(reminder_url(document, reminder))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="documents.read", detail__page="reminder_sheet")
    assert (event.object_id, event.actor_id) == (str(document.pk), office_clerk.pk)


# --- Queries and languages ----------------------------------------------------------------------


def test_the_sheet_takes_the_same_queries_however_long_the_handling(
    client, login_as, unit, org, leaders, office_clerk, django_assert_max_num_queries
):
    document = in_handling(org, leaders, office_clerk)
    handling.circulate(
        actor=office_clerk,
        document=fresh(document),
        expected_version=fresh(document).version,
        people=[leaders["principal"]],
    )
    handling.comment(actor=leaders["principal"], document=document, text=COMMENT)
    login_as(office_clerk)
    client.get(sheet_url(document))  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(sheet_url(document)).status_code == 200

    readers = [UserFactory(unit=unit, username=f"reader{n}") for n in range(6)]
    handling.circulate(
        actor=office_clerk,
        document=fresh(document),
        expected_version=fresh(document).version,
        people=readers,
    )
    for n, reader in enumerate(readers):
        handling.comment(actor=reader, document=document, text=f"阅。{n}")
    for _ in range(3):
        handling.remind(actor=office_clerk, document=fresh(document), note=NOTE)
    handling.report(actor=org["head"], document=fresh(document), result=LEAD_RESULT)
    handling.report(actor=org["finance_head"], document=fresh(document), result=CO_RESULT)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(sheet_url(document))
    assert response.status_code == 200
    assert response.content.decode().count("阅。") == 6


@pytest.mark.parametrize(
    ("language", "label"),
    [("zh-hant", "來文單位"), ("en", "Sending organ")],
)
def test_both_pages_render_in_each_language(
    client, login_as, org, leaders, office_clerk, language, label
):
    document, reminder = handled(org, leaders, office_clerk)
    office_clerk.language = language
    office_clerk.save(update_fields=["language"])
    login_as(office_clerk)

    sheet = client.get(sheet_url(document))
    notice = client.get(reminder_url(document, reminder))

    for response in (sheet, notice):
        assert response.status_code == 200
        content = response.content.decode()
        assert f'<html lang="{language}">' in content
        assert label in content and document.receipt_number in content
    assert PROPOSAL in sheet.content.decode() and NOTE in notice.content.decode()


def test_a_registered_document_not_yet_handled_has_an_empty_sheet_to_fill_in(
    client, login_as, office_clerk
):
    document = services_incoming.register(
        actor=office_clerk,
        data={
            "source_name": "市财政局",
            "title": "关于下达专项经费的通知",
            "classification": Classification.PUBLIC,
            "handling": "action",
        },
    )
    login_as(office_clerk)

    response = client.get(sheet_url(document))

    assert response.status_code == 200
    content = response.content.decode()
    assert "关于下达专项经费的通知" in content and "opinion-text" not in content
    assert "Reminded" not in content


def test_each_instruction_of_one_reader_keeps_its_own_time(
    client, login_as, org, leaders, office_clerk
):
    import time_machine
    from django.utils import timezone

    document = in_handling(org, leaders, office_clerk)
    handling.circulate(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        people=[leaders["principal"]],
    )
    first_at = timezone.now() + timedelta(days=1)
    with time_machine.travel(first_at, tick=False):
        handling.comment(actor=leaders["principal"], document=document, text="请抓紧研究。")
    with time_machine.travel(first_at + timedelta(days=2), tick=False):
        handling.comment(actor=leaders["principal"], document=document, text="已阅结果，同意。")
    reading = IncomingReading.objects.get(document=document, person=leaders["principal"])
    assert [e["text"] for e in reading.instruction_entries] == ["请抓紧研究。", "已阅结果，同意。"]
    assert reading.instruction_entries[1]["at"] - reading.instruction_entries[0]["at"] == (
        timedelta(days=2)
    )
    login_as(office_clerk)
    content = printed(client.get(sheet_url(document)))
    in_order(content, INSTRUCTION, "请抓紧研究。", "已阅结果，同意。")
    assert content.count("陈局长") >= 2  # each 批示 signed with its own date
