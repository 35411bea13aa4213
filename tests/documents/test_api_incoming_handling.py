# ruff: noqa: F811  (pytest fixtures imported from the support modules)
"""Handling a 办件 over the API (issue 5 item 12): sending it on (送拟办, 分办), the holder's
decisions (拟办, 批办, 承办, 退办), 传阅 with 批示 and read receipts, 催办 and 办结 — through the
services the pages call; people and departments by ids of the caller's unit; 409 not now or
not yours, 412 stale, 400 bad input, audited 404 for what is not the caller's, never a 500."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import client_as as api
from tests.api.conftest import token_client_as as token_api
from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from tests.documents.incoming_support import accepted_action, fresh, leaders, started  # noqa: F401
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services_incoming
from zhongshu.documents import services_incoming_handling as handling
from zhongshu.documents.models import (
    AssignmentState,
    IncomingAssignment,
    IncomingReading,
    IncomingReminder,
    IncomingState,
)
from zhongshu.notify.models import Notification
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow.models import RunEvent, RunState, WorkItem

pytestmark = pytest.mark.django_db

LIST = "/api/incoming-documents/"


def url(document, verb: str = "") -> str:
    return f"{LIST}{document.pk}/{verb}/" if verb else f"{LIST}{document.pk}/"


def post(client, document, verb: str, **data):
    if verb in ("start", "circulate", "close"):
        data.setdefault("version", fresh(document).version)
    return client.post(url(document, verb), data, format="json")


def decide(client, document, action: str, text: str = "同意。", **data):
    return post(client, document, "decide", action=action, text=text, **data)


def working_day(days_ahead: int = 14) -> date:
    day = date.today() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def denials(user) -> int:
    return AuditEvent.objects.filter(action="access.denied", actor=user).count()


def holders(document) -> set[int]:
    run = workflow_selectors.latest_run(handling.KIND, document.pk)
    return {item.assignee_id for item in workflow_selectors.open_holders(run)} if run else set()


def sent_on(clerk, org, **proposal):
    """An accepted 办件 the office sent to departments itself (分办)."""
    proposal.setdefault("lead", org["business"])
    return started(clerk, accepted_action(clerk), handling.Proposal(text="分办。", **proposal))


# --- The whole way, and its variants ------------------------------------------------------------


def test_the_whole_way_of_a_notice_for_action(org, leaders, office_clerk):
    document = accepted_action(office_clerk)
    director, deputy = org["office_head"], leaders["deputy"]
    deadline = working_day()

    started_ = post(token_api(office_clerk), document, "start")

    assert started_.status_code == 200, started_.content
    got = started_.json()
    assert got["state"] == IncomingState.PROPOSING
    progress = got["handling_progress"]
    assert (progress["state"], progress["leader"], progress["assignments"]) == ("running", None, [])
    assert [h["id"] for h in progress["holders"]] == [director.pk]
    assert progress["holders"][0]["step"] == WorkItem.objects.get(assignee=director).step_name

    proposed = decide(
        token_api(director),
        document,
        "propose",
        "拟请李副局长阅示，食品生产监管科牵头办理。",
        leader=deputy.pk,
        lead_department=org["business"].pk,
        co_departments=[org["finance"].pk],
        deadline=deadline.isoformat(),
    )

    assert proposed.status_code == 200, proposed.content
    progress = proposed.json()["handling_progress"]
    assert proposed.json()["state"] == IncomingState.INSTRUCTING
    assert progress["proposal"] == "拟请李副局长阅示，食品生产监管科牵头办理。"
    assert progress["proposed_by"] == {"id": director.pk, "full_name": director.full_name}
    assert progress["leader"] == {"id": deputy.pk, "full_name": deputy.full_name}
    assert [(a["department"], a["lead"], a["state"]) for a in progress["assignments"]] == [
        ({"id": org["business"].pk, "name": org["business"].name}, True, "handling"),
        ({"id": org["finance"].pk, "name": org["finance"].name}, False, "handling"),
    ]
    assert [h["id"] for h in progress["holders"]] == [deputy.pk]
    assert progress["deadline"].startswith(deadline.isoformat())
    assert fresh(document).deadline.date() == deadline

    # The leader sees it now, with where it stands.
    seen = api(deputy).get(url(document))
    assert seen.status_code == 200
    assert seen.json()["handling_progress"]["holders"][0]["id"] == deputy.pk

    instructed = decide(api(deputy), document, "instruct", "请食品生产监管科抓紧落实。")

    assert instructed.status_code == 200, instructed.content
    assert instructed.json()["state"] == IncomingState.HANDLING
    progress = instructed.json()["handling_progress"]
    assert {h["id"] for h in progress["holders"]} == {org["head"].pk, org["finance_head"].pk}

    first = decide(api(org["head"]), document, "report", "已完成全市检查。")
    second = decide(api(org["finance_head"]), document, "report", "经费已落实。")

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["state"] == IncomingState.HANDLING
    got = second.json()
    assert got["state"] == IncomingState.HANDLED
    assert got["handling_progress"]["state"] is None  # no live run
    assert got["handling_progress"]["holders"] == []
    reported = {
        a["department"]["id"]: (a["state"], a["result"], a["reported_by"]["id"])
        for a in got["handling_progress"]["assignments"]
    }
    assert reported == {
        org["business"].pk: ("reported", "已完成全市检查。", org["head"].pk),
        org["finance"].pk: ("reported", "经费已落实。", org["finance_head"].pk),
    }

    closed = post(api(office_clerk), document, "close", result="已办结。")

    assert closed.status_code == 200, closed.content
    got = closed.json()
    assert got["state"] == IncomingState.DONE
    assert (got["handling_progress"]["result"], got["handling_progress"]["closed_by"]["id"]) == (
        "已办结。",
        office_clerk.pk,
    )
    saved = fresh(document)
    assert (saved.state, saved.result, saved.closed_by) == (
        IncomingState.DONE,
        "已办结。",
        office_clerk,
    )
    actions = set(
        AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True)
    )
    assert {
        "documents.incoming_started",
        "documents.incoming_proposed",
        "documents.incoming_instructed",
        "documents.incoming_reported",
        "documents.incoming_closed",
    } <= actions


def test_the_office_sends_a_routine_matter_to_the_departments_itself(org, leaders, office_clerk):
    """分办: a text and a lead department, no leader — no 拟办, no 批办."""
    document = accepted_action(office_clerk)

    response = post(
        api(office_clerk),
        document,
        "start",
        text="请食品生产监管科办理。",
        lead_department=org["business"].pk,
        co_departments=[org["finance"].pk, org["business"].pk, org["finance"].pk],
    )

    assert response.status_code == 200, response.content
    got = response.json()
    assert got["state"] == IncomingState.HANDLING
    assert got["handling_progress"]["settled_by_office"] is True
    assert [a["department"]["id"] for a in got["handling_progress"]["assignments"]] == [
        org["business"].pk,
        org["finance"].pk,
    ]
    assert holders(document) == {org["head"].pk, org["finance_head"].pk}


def test_the_director_starting_it_writes_the_proposal_at_once(org, leaders, office_clerk):
    document = accepted_action(office_clerk)
    client = api(org["office_head"])

    bare = post(client, document, "start")
    with_leader = post(
        client, document, "start", text="请李副局长阅示。", leader=leaders["deputy"].pk
    )

    assert bare.status_code == 400
    assert "text" in bare.json()
    assert with_leader.status_code == 200, with_leader.content
    assert with_leader.json()["state"] == IncomingState.INSTRUCTING
    assert holders(document) == {leaders["deputy"].pk}


def test_a_leader_changes_the_departments_and_deadline(org, leaders, office_clerk):
    document = started(office_clerk, accepted_action(office_clerk))
    decide(
        api(org["office_head"]),
        document,
        "propose",
        "拟办。",
        leader=leaders["deputy"].pk,
        lead_department=org["business"].pk,
    )
    deadline = working_day(20)

    response = decide(
        api(leaders["deputy"]),
        document,
        "instruct",
        "改由计划财务科牵头。",
        lead_department=org["finance"].pk,
        co_departments=[org["business"].pk],
        deadline=deadline.isoformat(),
    )

    assert response.status_code == 200, response.content
    lead = IncomingAssignment.objects.get(document=document, lead=True)
    assert lead.department == org["finance"]
    assert fresh(document).deadline.date() == deadline
    assert holders(document) == {org["head"].pk, org["finance_head"].pk}


def test_a_department_sends_it_back_and_the_office_sends_it_on_afresh(org, leaders, office_clerk):
    document = sent_on(office_clerk, org, co=(org["finance"],))

    blank = decide(api(org["finance_head"]), document, "send_back", " ")
    sent_back = decide(api(org["finance_head"]), document, "send_back", "不属于本科室职责。")

    assert blank.status_code == 400
    assert "text" in blank.json()
    assert sent_back.status_code == 200, sent_back.content
    got = sent_back.json()
    assert got["state"] == IncomingState.ACCEPTED
    progress = got["handling_progress"]
    assert progress["state"] == RunState.RETURNED
    assert [h["id"] for h in progress["holders"]] == [office_clerk.pk]  # back with the office
    finance = next(a for a in progress["assignments"] if a["department"]["id"] == org["finance"].pk)
    assert (finance["state"], finance["reason"]) == ("sent_back", "不属于本科室职责。")
    assert holders(document) == {office_clerk.pk}

    # The office sends it on afresh, to the lead department alone.
    again = post(
        api(office_clerk),
        document,
        "start",
        text="改由食品生产监管科独办。",
        lead_department=org["business"].pk,
    )

    assert again.status_code == 200, again.content
    assert again.json()["state"] == IncomingState.HANDLING
    assert again.json()["handling_progress"]["state"] == RunState.RUNNING
    assert holders(document) == {org["head"].pk}
    runs = workflow_selectors.runs_of(handling.KIND, document.pk)
    assert [r.state for r in runs] == [RunState.WITHDRAWN, RunState.RUNNING]


# --- 传阅, 批示 and the read receipts -------------------------------------------------------------


def test_circulation_in_turn_with_an_instruction_and_the_receipts(org, leaders, office_clerk):
    document = sent_on(office_clerk, org)
    principal, deputy = leaders["principal"], leaders["deputy"]
    clerk = api(office_clerk)

    circulated = post(clerk, document, "circulate", people=[deputy.pk, principal.pk], in_turn=True)

    assert circulated.status_code == 200, circulated.content
    assert [p["id"] for p in circulated.json()["circulated"]] == [deputy.pk, principal.pk]
    receipts = clerk.get(url(document, "receipts")).json()
    assert receipts["totals"] == {"sent": 1, "read": 0}
    rows = {r["person"]["id"]: r for r in receipts["readings"]}
    assert (rows[deputy.pk]["purpose"], rows[deputy.pk]["turn"]) == ("circulation", 1)
    assert rows[deputy.pk]["sent_at"] is not None
    assert (rows[principal.pk]["turn"], rows[principal.pk]["sent_at"]) == (2, None)
    # Not the principal's turn yet: the document is not theirs to see.
    assert api(principal).post(url(document, "comment"), {"text": "阅。"}).status_code == 404

    commented = api(deputy).post(
        url(document, "comment"), {"text": "请抓紧办理，按时报结果。"}, format="json"
    )

    assert commented.status_code == 200, commented.content
    got = commented.json()
    assert got["person"] == {"id": deputy.pk, "full_name": deputy.full_name}
    assert got["comment"] == "请抓紧办理，按时报结果。"
    assert got["read_at"] is not None and got["commented_at"] is not None
    assert Notification.objects.filter(event="work.instructed", recipient=office_clerk).exists()

    # Its turn come, the principal reads it by opening it.
    assert api(principal).get(url(document)).status_code == 200
    receipts = clerk.get(url(document, "receipts")).json()
    assert receipts["totals"] == {"sent": 2, "read": 2}
    rows = {r["person"]["id"]: r for r in receipts["readings"]}
    assert rows[deputy.pk]["comment"] == "请抓紧办理，按时报结果。"
    assert rows[principal.pk]["sent_at"] is not None and rows[principal.pk]["read_at"] is not None
    assert rows[principal.pk]["comment"] == ""


def test_circulation_at_once_and_a_reader_outside_the_handling(org, leaders, office_clerk):
    document = sent_on(office_clerk, org)

    response = post(
        api(office_clerk),
        document,
        "circulate",
        people=[leaders["principal"].pk, leaders["deputy"].pk],
        in_turn=False,
    )
    again = post(api(office_clerk), document, "circulate", people=[leaders["deputy"].pk])

    assert response.status_code == 200, response.content
    assert IncomingReading.objects.filter(document=document, sent_at__isnull=False).count() == 2
    assert set(IncomingReading.objects.values_list("turn", flat=True)) == {0}
    assert again.status_code == 400
    assert "already" in again.json()["people"][0]
    # Someone who may see it but was not sent it has no 批示 to give: 409.
    not_a_reader = api(org["drafter"]).post(url(document, "comment"), {"text": "阅。"})
    assert not_a_reader.status_code == 409


def test_the_receipts_cover_readers_of_a_document_for_information(org, office_clerk):
    document = services_incoming.register(
        actor=office_clerk,
        data={"source_name": "市政府办公室", "title": "关于值班的通知", "handling": "reading"},
    )
    document = services_incoming.review_accept(
        actor=office_clerk, document=document, expected_version=1
    )
    services_incoming.send_for_reading(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        people=[org["drafter"], org["head"]],
        departments=[],
    )
    api(org["head"]).get(url(document))  # opened: read

    response = api(office_clerk).get(url(document, "receipts"))
    detail = api(office_clerk).get(url(document)).json()

    assert response.status_code == 200
    got = response.json()
    assert got["totals"] == {"sent": 2, "read": 1}
    # Unread first.
    assert [(r["person"]["id"], r["purpose"]) for r in got["readings"]] == [
        (org["drafter"].pk, "reading"),
        (org["head"].pk, "reading"),
    ]
    assert detail["handling_progress"] is None  # a 阅件 is not handled


# --- 催办 --------------------------------------------------------------------------------------


def test_the_office_reminds_whoever_holds_it_now(org, leaders, office_clerk):
    document = sent_on(office_clerk, org, co=(org["finance"],))
    handling.report(actor=org["head"], document=fresh(document), result="已办。")

    response = post(token_api(office_clerk), document, "remind", note="请于周五前报送。")

    assert response.status_code == 200, response.content
    got = response.json()
    reminder = IncomingReminder.objects.get(document=document)
    assert got["id"] == reminder.pk
    assert got["note"] == "请于周五前报送。"
    assert got["sent_by"] == {"id": office_clerk.pk, "full_name": office_clerk.full_name}
    assert [(r["id"], r["full_name"]) for r in got["recipients"]] == [
        (org["finance_head"].pk, org["finance_head"].full_name)
    ]
    assert got["recipients"][0]["step"]
    assert Notification.objects.filter(
        event="work.reminded", recipient=org["finance_head"]
    ).exists()


def test_nobody_to_remind_is_409(office_clerk):
    document = accepted_action(office_clerk)

    response = post(api(office_clerk), document, "remind", note="催办")

    assert response.status_code == 409
    assert not IncomingReminder.objects.exists()


# --- 办结 --------------------------------------------------------------------------------------


def test_a_request_closed_without_a_reply_needs_the_reason(office_clerk):
    document = accepted_action(office_clerk, kind="request", title="关于拨付专项经费的请示")
    client = api(office_clerk)

    without = post(client, document, "close", result="已办。")
    with_reason = post(
        client, document, "close", result="已电话答复。", no_reply_reason="已当面答复来文单位。"
    )

    assert without.status_code == 400
    assert set(without.json()) == {"no_reply_reason"}
    assert with_reason.status_code == 200, with_reason.content
    assert with_reason.json()["handling_progress"]["no_reply_reason"] == "已当面答复来文单位。"
    assert fresh(document).state == IncomingState.DONE


# --- Not now (409), stale (412) -----------------------------------------------------------------


def test_decisions_not_waiting_for_the_caller_are_409(org, leaders, office_clerk):
    document = started(office_clerk, accepted_action(office_clerk))
    director = api(org["office_head"])

    # The office clerk sees it but holds nothing.
    clerk_proposes = decide(
        api(office_clerk), document, "propose", lead_department=org["business"].pk
    )
    wrong_step = decide(director, document, "report", "已办。")
    proposed = decide(director, document, "propose", lead_department=org["business"].pk)
    twice = decide(director, document, "propose", lead_department=org["business"].pk)
    # A member of the department sees it, but the head holds it.
    member = decide(api(org["drafter"]), document, "report", "已办。")

    assert (clerk_proposes.status_code, wrong_step.status_code) == (409, 409)
    assert proposed.status_code == 200, proposed.content
    assert (twice.status_code, member.status_code) == (409, 409)
    assert "not waiting" in twice.json()["detail"]
    assert fresh(document).state == IncomingState.HANDLING
    assert AuditEvent.objects.filter(action="documents.incoming_proposed").count() == 1
    assert not AuditEvent.objects.filter(action="documents.incoming_reported").exists()


def test_office_steps_at_the_wrong_time_are_409(org, leaders, office_clerk):
    handled = sent_on(office_clerk, org)
    client = api(office_clerk)
    for_reading = services_incoming.review_accept(
        actor=office_clerk,
        document=services_incoming.register(
            actor=office_clerk,
            data={"source_name": "市政府办公室", "title": "关于值班的通知", "handling": "reading"},
        ),
        expected_version=1,
    )
    registered = services_incoming.register(
        actor=office_clerk, data={"source_name": "市政府办公室", "title": "未初审"}
    )

    start_twice = post(client, handled, "start")
    close_while_handled = post(client, handled, "close", result="办结。")
    start_a_reading = post(client, for_reading, "start")
    start_unreviewed = post(client, registered, "start")
    circulate_unreviewed = post(client, registered, "circulate", people=[org["principal"].pk])

    assert start_twice.status_code == 409
    assert close_while_handled.status_code == 409
    assert start_a_reading.status_code == 409
    assert start_unreviewed.status_code == 409
    assert circulate_unreviewed.status_code == 409
    assert fresh(handled).state == IncomingState.HANDLING
    assert fresh(registered).state == IncomingState.REGISTERED


def test_stale_versions_are_412(org, leaders, office_clerk):
    document = accepted_action(office_clerk)
    version = document.version
    document.note = "原件已交档案室"
    document.save_versioned(actor=office_clerk, expected_version=version)
    client = api(office_clerk)

    start = post(client, document, "start", version=version)
    close = post(client, document, "close", version=version, result="已办。")
    started(office_clerk, document, handling.Proposal(text="分办。", lead=org["business"]))
    circulate = post(client, document, "circulate", version=version, people=[org["principal"].pk])

    assert (start.status_code, close.status_code, circulate.status_code) == (412, 412, 412)
    assert "Reload" in start.json()["detail"]
    assert not IncomingReading.objects.filter(document=document).exists()
    assert fresh(document).state == IncomingState.HANDLING


# --- Bad input (400), never a 500 ---------------------------------------------------------------


@pytest.fixture
def elsewhere():
    """A leader and a department of another unit."""
    unit = UnitFactory()
    head = UserFactory(unit=unit, username="elsewhere")
    department = DepartmentFactory(unit=unit, head=head)
    MembershipFactory(user=head, department=department)
    return {"person": head, "department": department}


def _resolve(value, org, leaders, elsewhere):
    """Names in the parametrised data: ("org", key), ("leaders", key), ("elsewhere", key)."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in ("org", "leaders", "elsewhere"):
        source = {"org": org, "leaders": leaders, "elsewhere": elsewhere}[value[0]]
        return source[value[1]].pk
    if isinstance(value, list):
        return [_resolve(v, org, leaders, elsewhere) for v in value]
    return value


BUSINESS = ("org", "business")
DEPUTY = ("leaders", "deputy")
PAST = (date.today() - timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("sent", "fields"),
    [
        ({"text": "分办。", "lead_department": 987654}, {"lead_department"}),
        ({"text": "分办。", "lead_department": ("elsewhere", "department")}, {"lead_department"}),
        ({"text": "分办。", "lead_department": "abc"}, {"lead_department"}),
        ({"text": "分办。", "lead_department": True}, {"lead_department"}),
        ({"text": "分办。", "lead_department": 2**64}, {"lead_department"}),
        ({"text": "分办。", "lead_department": [1]}, {"lead_department"}),
        ({"text": "拟办。", "leader": ("elsewhere", "person")}, {"leader"}),
        ({"text": "拟办。", "leader": ("org", "colleague")}, {"leader"}),  # not a leader
        ({"text": "拟办。", "leader": "1.5"}, {"leader"}),
        ({"text": "分办。", "co_departments": [BUSINESS]}, {"lead_department"}),  # no lead
        (
            {"text": "分办。", "lead_department": BUSINESS, "co_departments": "x"},
            {"co_departments"},
        ),
        (
            {"text": "分办。", "lead_department": BUSINESS, "co_departments": [True]},
            {"co_departments"},
        ),
        (
            {
                "text": "分办。",
                "lead_department": BUSINESS,
                "co_departments": [("elsewhere", "department")],
            },
            {"co_departments"},
        ),
        ({"text": "分办。", "lead_department": BUSINESS, "deadline": PAST}, {"deadline"}),
        ({"text": "分办。", "lead_department": BUSINESS, "deadline": "9999-12-31"}, {"deadline"}),
        ({"text": "分办。", "lead_department": BUSINESS, "deadline": "tomorrow"}, {"deadline"}),
        ({"text": "x" * 2001, "lead_department": BUSINESS}, {"text"}),
        ({"text": ["a"], "lead_department": BUSINESS}, {"text"}),
        ({"text": "分办\x00", "lead_department": BUSINESS}, {"text"}),
        ({"text": "", "lead_department": BUSINESS}, {"text"}),
        ({"version": "one"}, {"version"}),
        ({"version": True}, {"version"}),
        ({"version": None}, {"version"}),
        ({"version": 0}, {"version"}),
    ],
)
def test_a_bad_start_is_400_and_changes_nothing(
    org, leaders, office_clerk, elsewhere, sent, fields
):
    document = accepted_action(office_clerk)
    data = {k: _resolve(v, org, leaders, elsewhere) for k, v in sent.items()}

    response = post(api(office_clerk), document, "start", **data)

    assert response.status_code == 400, response.content
    assert fields <= set(response.json()), response.json()
    saved = fresh(document)
    assert (saved.state, saved.version) == (IncomingState.ACCEPTED, document.version)
    assert not IncomingAssignment.objects.exists()
    assert workflow_selectors.latest_run(handling.KIND, document.pk) is None


@pytest.mark.parametrize(
    ("sent", "fields"),
    [
        ({}, {"action"}),
        ({"action": "approve"}, {"action"}),
        ({"action": "propose", "text": ""}, {"text"}),
        ({"action": "propose", "text": "拟办。"}, {"lead_department"}),  # nobody named
        ({"action": "propose", "text": "拟办。", "leader": 987654}, {"leader"}),
        ({"action": "propose", "text": "拟办。", "leader": True}, {"leader"}),
        (
            {
                "action": "propose",
                "text": "拟办。",
                "leader": ("leaders", "deputy"),
                "deadline": PAST,
            },
            {"deadline"},
        ),
        ({"action": "propose", "text": "x" * 2001, "lead_department": BUSINESS}, {"text"}),
        ({"action": "propose", "text": None, "lead_department": BUSINESS}, {"text"}),
        ({"action": "report", "text": "已办。", "lead_department": BUSINESS}, {"lead_department"}),
        ({"action": "instruct", "text": "阅。", "leader": ("leaders", "deputy")}, {"leader"}),
    ],
)
def test_a_bad_decision_is_400_and_changes_nothing(
    org, leaders, office_clerk, elsewhere, sent, fields
):
    document = started(office_clerk, accepted_action(office_clerk))
    data = {k: _resolve(v, org, leaders, elsewhere) for k, v in sent.items()}

    response = api(org["office_head"]).post(url(document, "decide"), data, format="json")

    assert response.status_code == 400, response.content
    assert fields <= set(response.json()), response.json()
    saved = fresh(document)
    assert (saved.state, saved.version, saved.proposal) == (
        IncomingState.PROPOSING,
        document.version,
        "",
    )
    assert holders(document) == {org["office_head"].pk}


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"people": []}, "people"),
        ({"people": [987654]}, "people"),
        ({"people": [("elsewhere", "person")]}, "people"),
        ({"people": ["abc"]}, "people"),
        ({"people": [True]}, "people"),
        ({"people": 5}, "people"),
        ({"people": [("leaders", "deputy")], "in_turn": "maybe"}, "in_turn"),
        ({"people": [("leaders", "deputy")], "version": "x"}, "version"),
    ],
)
def test_a_bad_circulation_is_400(org, leaders, office_clerk, elsewhere, sent, field):
    document = sent_on(office_clerk, org)
    data = {k: _resolve(v, org, leaders, elsewhere) for k, v in sent.items()}

    response = post(api(office_clerk), document, "circulate", **data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not IncomingReading.objects.exists()


def test_an_administrator_of_the_unit_cannot_be_circulated_to(org, leaders, office_clerk, sysadmin):
    document = sent_on(office_clerk, org)

    response = post(api(office_clerk), document, "circulate", people=[sysadmin.pk])

    assert response.status_code == 400
    assert "people" in response.json()


def test_bad_texts_are_400(org, leaders, office_clerk):
    document = sent_on(office_clerk, org)
    handling.circulate(
        actor=office_clerk,
        document=fresh(document),
        expected_version=fresh(document).version,
        people=[leaders["deputy"]],
    )
    reader, clerk = api(leaders["deputy"]), api(office_clerk)

    empty_comment = reader.post(url(document, "comment"), {"text": "  "}, format="json")
    long_comment = reader.post(url(document, "comment"), {"text": "x" * 2001}, format="json")
    long_note = clerk.post(url(document, "remind"), {"note": "x" * 2001}, format="json")
    long_result = post(clerk, document, "close", result="x" * 2001)
    not_an_object = clerk.post(url(document, "remind"), "[1]", content_type="application/json")

    assert [r.status_code for r in (empty_comment, long_comment, long_note, long_result)] == [
        400,
        400,
        400,
        400,
    ]
    assert "text" in empty_comment.json() and "text" in long_comment.json()
    assert "note" in long_note.json() and "result" in long_result.json()
    assert not_an_object.status_code == 400
    assert IncomingReading.objects.get(document=document).comment == ""
    assert not IncomingReminder.objects.exists()


# --- Who may: 404 for what is not theirs, 403 for the administrators ----------------------------


def _every_new_endpoint(client, document, people):
    """Each new endpoint once, as a client would call it."""
    return {
        "start": post(client, document, "start"),
        "decide": decide(client, document, "report", "已办。"),
        "circulate": post(client, document, "circulate", people=people),
        "comment": client.post(url(document, "comment"), {"text": "阅。"}, format="json"),
        "remind": client.post(url(document, "remind"), {"note": "催"}, format="json"),
        "close": post(client, document, "close", result="办结。"),
        "receipts": client.get(url(document, "receipts")),
    }


def test_someone_of_another_department_gets_404_everywhere(org, leaders, office_clerk):
    """The document goes to 食品生产监管科: 计划财务科 sees nothing of it."""
    document = sent_on(office_clerk, org)
    outsider = org["finance_head"]
    before = fresh(document).version

    answers = _every_new_endpoint(token_api(outsider), document, [leaders["deputy"].pk])

    assert {verb: r.status_code for verb, r in answers.items()} == dict.fromkeys(answers, 404)
    assert denials(outsider) == len(answers)  # each refusal audited
    assert (fresh(document).state, fresh(document).version) == (IncomingState.HANDLING, before)
    assert not IncomingReading.objects.exists()
    assert not IncomingReminder.objects.exists()


def test_another_units_office_gets_404_everywhere(org, leaders, office_clerk):
    document = sent_on(office_clerk, org)
    unit = UnitFactory()
    their_clerk = UserFactory(unit=unit, username="theirclerk")
    MembershipFactory(
        user=their_clerk, department=DepartmentFactory(unit=unit, is_general_office=True)
    )

    answers = _every_new_endpoint(api(their_clerk), document, [leaders["deputy"].pk])

    assert {verb: r.status_code for verb, r in answers.items()} == dict.fromkeys(answers, 404)
    assert fresh(document).state == IncomingState.HANDLING


def test_the_office_steps_are_404_for_those_handling_it(org, leaders, office_clerk):
    """The head of the department handling it sees the document, but sending on, 传阅, 催办,
    办结 and the receipts are the office's: the audited 404 of what is not theirs."""
    document = sent_on(office_clerk, org)
    client = api(org["head"])
    before = fresh(document).version

    answers = {
        "start": post(client, document, "start"),
        "circulate": post(client, document, "circulate", people=[leaders["deputy"].pk]),
        "remind": client.post(url(document, "remind"), {"note": "催"}, format="json"),
        "close": post(client, document, "close", result="办结。"),
        "receipts": client.get(url(document, "receipts")),
    }

    assert client.get(url(document)).status_code == 200
    assert {verb: r.status_code for verb, r in answers.items()} == dict.fromkeys(answers, 404)
    assert denials(org["head"]) == len(answers)
    assert fresh(document).version == before
    assert not IncomingReading.objects.exists()


def test_the_three_administrators_are_refused(org, leaders, office_clerk, sysadmin):
    document = sent_on(office_clerk, org)

    answers = _every_new_endpoint(api(sysadmin), document, [leaders["deputy"].pk])

    assert {verb: r.status_code for verb, r in answers.items()} == dict.fromkeys(answers, 403)
    assert fresh(document).state == IncomingState.HANDLING


@pytest.mark.parametrize("pk", ["99999999999999999999", "0", "abc", "1.5"])
def test_ids_that_are_not_ids_are_404(office_clerk, pk):
    client = api(office_clerk)

    assert client.post(f"{LIST}{pk}/start/", {"version": 1}, format="json").status_code == 404
    assert client.get(f"{LIST}{pk}/receipts/").status_code == 404


def test_classified_receipts_are_an_audited_read(org, leaders, office_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    office_clerk.clearance = Classification.SECRET
    office_clerk.save(update_fields=["clearance"])
    document = accepted_action(
        office_clerk, classification=Classification.SECRET, secrecy_period="1年"
    )

    response = token_api(office_clerk).get(url(document, "receipts"))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="documents.read", object_id=str(document.pk))
    assert event.detail == {"page": "receipts", "via": "api"}


# --- Idempotency-Key ------------------------------------------------------------------------------


def test_the_idempotency_key_goes_with_the_decision(org, leaders, office_clerk):
    document = sent_on(office_clerk, org)

    response = api(org["head"]).post(
        url(document, "decide"),
        {"action": "report", "text": "已办。"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="report-1",
    )
    too_long = api(org["head"]).post(
        url(document, "decide"),
        {"action": "report", "text": "已办。"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k" * 65,
    )

    assert response.status_code == 200, response.content
    assert RunEvent.objects.filter(idempotency_key="report-1", actor=org["head"]).count() == 1
    assert too_long.status_code == 400
    assert "idempotency_key" in too_long.json()


def test_a_decision_retried_with_its_key_answers_as_the_first(org, leaders, office_clerk):
    document = sent_on(office_clerk, org, co=(org["finance"],))
    client = api(org["head"])

    def report():
        return client.post(
            url(document, "decide"),
            {"action": "report", "text": "已办。"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="report-1",
        )

    first, retried = report(), report()

    assert first.status_code == 200
    assert retried.status_code == 200
    assert AuditEvent.objects.filter(action="documents.incoming_reported").count() == 1


# --- The list's department filter -----------------------------------------------------------------


def test_the_list_filters_by_the_department_handling_it(org, leaders, office_clerk):
    business = sent_on(office_clerk, org)
    finance = sent_on(office_clerk, org, lead=org["finance"])
    sent_back = sent_on(office_clerk, org, co=(org["finance"],))
    handling.send_back(actor=org["finance_head"], document=fresh(sent_back), reason="非本科职责。")
    client = api(office_clerk)

    by_business = client.get(LIST, {"department": org["business"].pk}).json()["results"]
    by_finance = client.get(LIST, {"department": org["finance"].pk}).json()["results"]
    bad = client.get(LIST, {"department": "abc"})

    assert {r["id"] for r in by_business} == {business.pk, sent_back.pk}
    assert {r["id"] for r in by_finance} == {finance.pk}  # 退办: no longer theirs
    assert bad.status_code == 400
    assert "department" in bad.json()


# --- A constant number of queries -------------------------------------------------------------


def test_the_receipts_take_a_constant_number_of_queries(
    org, leaders, office_clerk, django_assert_max_num_queries
):
    document = sent_on(office_clerk, org)
    client = api(office_clerk)
    handling.circulate(
        actor=office_clerk,
        document=fresh(document),
        expected_version=fresh(document).version,
        people=[leaders["deputy"]],
    )
    client.get(url(document, "receipts"))  # the caller's roles, cached
    with CaptureQueriesContext(connection) as one:
        assert client.get(url(document, "receipts")).status_code == 200
    people = [UserFactory(unit=office_clerk.unit, username=f"reader{n}") for n in range(12)]
    handling.circulate(
        actor=office_clerk,
        document=fresh(document),
        expected_version=fresh(document).version,
        people=people,
        in_turn=True,
    )

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url(document, "receipts"))

    assert len(response.json()["readings"]) == 13


def test_the_detail_takes_a_constant_number_of_queries(
    unit, org, leaders, office_clerk, django_assert_max_num_queries
):
    document = sent_on(office_clerk, org)
    client = api(office_clerk)
    client.get(url(document))  # the caller's roles, cached
    with CaptureQueriesContext(connection) as one:
        got = client.get(url(document)).json()
    assert len(got["handling_progress"]["holders"]) == 1
    # Many more departments handling it, each with its head: as many assignments and holders.
    more = []
    for n in range(6):
        head = UserFactory(unit=unit, username=f"head{n}")
        department = DepartmentFactory(unit=unit, name=f"科室{n}", head=head)
        MembershipFactory(user=head, department=department)
        more.append(department)
    other = sent_on(office_clerk, org, co=tuple(more))
    handling.report(actor=more[0].head, document=fresh(other), result="已办。")

    with django_assert_max_num_queries(len(one.captured_queries)):
        got = client.get(url(other)).json()

    assert len(got["handling_progress"]["assignments"]) == 7
    assert len(got["handling_progress"]["holders"]) == 6
    assert {a["state"] for a in got["handling_progress"]["assignments"]} == {
        AssignmentState.HANDLING,
        AssignmentState.REPORTED,
    }


# --- 归档 ----------------------------------------------------------------------------------------


def test_a_completed_document_is_filed_once_by_the_office(org, office_clerk):
    from zhongshu.documents.models import IncomingArchive

    document = accepted_action(office_clerk, title="关于报送统计报表的通知")
    client = api(office_clerk)
    early = post(client, document, "file", version=fresh(document).version)
    assert early.status_code == 409 and not IncomingArchive.objects.exists()
    closed = post(client, document, "close", result="已按时报送。")
    assert closed.status_code == 200, closed.content
    stale = post(client, document, "file", version=fresh(document).version - 1)
    assert stale.status_code == 412
    # Anyone but the office: the audited 404 of a document not theirs to act on.
    other = post(api(org["drafter"]), document, "file", version=fresh(document).version)
    assert other.status_code == 404
    filed = post(client, document, "file", version=fresh(document).version)
    assert filed.status_code == 200, filed.content
    assert filed.json()["state"] == IncomingState.FILED
    assert IncomingArchive.objects.filter(document=document).count() == 1
    twice = post(client, document, "file", version=fresh(document).version)
    assert twice.status_code == 409
    assert IncomingArchive.objects.filter(document=document).count() == 1


def test_a_reply_drafted_over_the_api_stays_linked(org, office_clerk):
    from tests.documents.test_api_write import draft as document_data

    document = accepted_action(office_clerk, kind="request", title="关于拨付专项经费的请示")
    reply = api(office_clerk).post(
        "/api/documents/", document_data(kind="reply", answers=document.pk), format="json"
    )
    assert reply.status_code == 201, reply.content
    assert reply.json()["answers"] == document.pk
    # A document the drafter may not see is refused, without saying it exists.
    unseen = api(org["drafter"]).post(
        "/api/documents/", document_data(answers=document.pk), format="json"
    )
    assert unseen.status_code == 400 and "answers" in unseen.json()
