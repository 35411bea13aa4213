# ruff: noqa: F811  (pytest fixtures imported from the support modules)
"""办件 on the approval engine (条例 §24 steps 4–7; issue 5 §5–7): 拟办 by the office director,
分办 by the office, 批办 by a leader, 承办 by a lead and a co-department, 退办, 传阅 with 批示,
催办 and 办结 — through the services, with who may see the document at each point."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from tests.documents.incoming_support import accepted_action, fresh, leaders, started  # noqa: F401
from zhongshu.core.models import AuditEvent, CalendarDay, CalendarDayKind, Classification
from zhongshu.documents import selectors_incoming, services_incoming
from zhongshu.documents import services_incoming_handling as handling
from zhongshu.documents.models import (
    AssignmentState,
    IncomingAssignment,
    IncomingReading,
    IncomingReminder,
    IncomingState,
)
from zhongshu.documents.services import DocumentError
from zhongshu.notify.models import Notification
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow import services as workflow
from zhongshu.workflow.errors import WorkflowError
from zhongshu.workflow.models import Decision, RunState, WorkItem

pytestmark = pytest.mark.django_db


def open_item(user, document):
    run = workflow_selectors.latest_run(handling.KIND, document.pk)
    items = workflow_selectors.open_items_for(user, run)
    return items[0] if items else None


def propose(director, document, **kw):
    proposal = handling.Proposal(
        text=kw.pop("text", "拟请李副局长阅示，食品生产监管科牵头办理。"), **kw
    )
    return handling.propose(actor=director, document=fresh(document), proposal=proposal)


def test_the_whole_way_of_a_notice_for_action(org, leaders, office_clerk):
    document = started(office_clerk, accepted_action(office_clerk))
    director, deputy = org["office_head"], leaders["deputy"]
    assert document.state == IncomingState.PROPOSING
    assert open_item(director, document) is not None
    assert open_item(office_clerk, document) is None

    deadline = date.today() + timedelta(days=14)
    while deadline.weekday() >= 5:
        deadline += timedelta(days=1)
    document = propose(
        director,
        document,
        leader=deputy,
        lead=org["business"],
        co=(org["finance"],),
        deadline_on=deadline,
    )
    assert document.state == IncomingState.INSTRUCTING
    assert document.proposal.startswith("拟请")
    assert document.proposed_by == director
    assert document.deadline.date() == deadline
    assert open_item(deputy, document) is not None

    document = handling.instruct(
        actor=deputy,
        document=document,
        proposal=handling.Proposal(text="请食品生产监管科抓紧落实。"),
    )
    assert document.state == IncomingState.HANDLING
    business_item = open_item(org["head"], document)
    finance_item = open_item(org["finance_head"], document)
    assert business_item and finance_item
    # The 承办 step's deadline is the document's: the inbox orders by it, reminders use it.
    assert business_item.due_at == document.deadline

    document = handling.report(actor=org["head"], document=document, result="已完成全市检查。")
    assert document.state == IncomingState.HANDLING
    document = handling.report(actor=org["finance_head"], document=document, result="经费已落实。")
    assert document.state == IncomingState.HANDLED
    results = {
        a.department_id: a.result for a in IncomingAssignment.objects.filter(document=document)
    }
    assert results == {org["business"].pk: "已完成全市检查。", org["finance"].pk: "经费已落实。"}

    document = handling.close(
        actor=office_clerk, document=document, expected_version=document.version, result="已办结。"
    )
    assert document.state == IncomingState.DONE and document.closed_by == office_clerk
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


def test_the_office_sends_a_routine_matter_on_itself(org, leaders, office_clerk):
    """分办: no leader, no 拟办 — straight to the department."""
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="请食品生产监管科办理。", lead=org["business"]),
    )
    assert document.settled_by_office
    assert document.state == IncomingState.HANDLING
    assert open_item(org["office_head"], document) is None
    assert open_item(org["head"], document) is not None


def test_the_director_starting_it_writes_the_proposal_at_once(org, leaders, office_clerk):
    director = org["office_head"]
    document = accepted_action(office_clerk)
    with pytest.raises(ValidationError):
        started(director, document)
    document = started(
        director, document, handling.Proposal(text="请李副局长阅示。", leader=leaders["deputy"])
    )
    assert not document.settled_by_office
    assert document.state == IncomingState.INSTRUCTING
    # The leader alone, with no department: when the leader has instructed, it is handled.
    document = handling.instruct(
        actor=leaders["deputy"], document=document, proposal=handling.Proposal(text="阅。")
    )
    assert document.state == IncomingState.HANDLED


def test_a_leader_may_change_the_departments(org, leaders, office_clerk):
    document = started(office_clerk, accepted_action(office_clerk))
    document = propose(org["office_head"], document, leader=leaders["deputy"], lead=org["business"])
    document = handling.instruct(
        actor=leaders["deputy"],
        document=document,
        proposal=handling.Proposal(
            text="改由计划财务科牵头。", lead=org["finance"], co=(org["business"],)
        ),
    )
    lead = IncomingAssignment.objects.get(document=document, lead=True)
    assert lead.department == org["finance"]
    assert open_item(org["finance_head"], document) and open_item(org["head"], document)


def test_a_department_sends_it_back_and_the_office_sends_it_on_afresh(org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"], co=(org["finance"],)),
    )
    with pytest.raises(ValidationError):
        handling.send_back(actor=org["finance_head"], document=document, reason=" ")
    document = handling.send_back(
        actor=org["finance_head"], document=document, reason="不属于本科室职责。"
    )
    assert document.state == IncomingState.ACCEPTED
    finance = IncomingAssignment.objects.get(document=document, department=org["finance"])
    assert finance.state == AssignmentState.SENT_BACK and finance.reason == "不属于本科室职责。"
    # Every department's step ended with it.
    assert open_item(org["head"], document) is None
    run = workflow_selectors.latest_run(handling.KIND, document.pk)
    assert run.state == RunState.RETURNED

    document = started(
        office_clerk,
        document,
        handling.Proposal(text="改由食品生产监管科独办。", lead=org["business"]),
    )
    assert document.state == IncomingState.HANDLING
    assert open_item(org["head"], document) is not None
    assert open_item(org["finance_head"], document) is None
    runs = workflow_selectors.runs_of(handling.KIND, document.pk)
    assert [r.state for r in runs] == [RunState.WITHDRAWN, RunState.RUNNING]


def test_approving_the_proposal_step_without_a_proposal_is_refused(org, leaders, office_clerk):
    """The generic run page cannot send it on with nobody named."""
    document = started(office_clerk, accepted_action(office_clerk))
    item = open_item(org["office_head"], document)
    with pytest.raises(WorkflowError, match="Nobody was named"):
        workflow.decide(actor=org["office_head"], item=item, decision=Decision.APPROVE)
    assert fresh(document).state == IncomingState.PROPOSING
    assert WorkItem.objects.get(pk=item.pk).state == "open"


def test_bad_proposals_are_refused_by_field(unit, org, leaders, office_clerk):
    document = started(office_clerk, accepted_action(office_clerk))
    director = org["office_head"]
    cases = [
        ({"text": ""}, "text"),
        ({}, "lead"),  # neither leader nor department
        ({"leader": org["colleague"]}, "leader"),  # not a leader
        ({"co": (org["finance"],)}, "lead"),  # co-departments without a lead
    ]
    for kwargs, field in cases:
        proposal = handling.Proposal(**{"text": "拟办。", **kwargs})
        with pytest.raises(ValidationError) as caught:
            handling.propose(actor=director, document=fresh(document), proposal=proposal)
        assert field in caught.value.message_dict, kwargs
    org["finance"].head = None
    org["finance"].save()
    with pytest.raises(ValidationError, match="no head"):
        propose(director, document, lead=org["finance"])
    holiday = date.today() + timedelta(days=10)
    CalendarDay.objects.create(date=holiday, kind=CalendarDayKind.HOLIDAY, name="假日")
    with pytest.raises(ValidationError, match="not a working day"):
        propose(director, document, lead=org["business"], deadline_on=holiday)
    with pytest.raises(ValidationError, match="past"):
        propose(director, document, lead=org["business"], deadline_on=date.today() - timedelta(1))
    assert fresh(document).state == IncomingState.PROPOSING
    assert not IncomingAssignment.objects.filter(document=document).exists()


def test_a_leader_without_clearance_cannot_be_named(org, leaders, office_clerk):
    office_clerk.clearance = Classification.SECRET
    office_clerk.save()
    org["office_head"].clearance = Classification.SECRET
    org["office_head"].save()
    document = started(
        office_clerk,
        accepted_action(
            office_clerk,
            classification=Classification.SECRET,
            title="某项工作安排",
            title_is_neutral=True,
            summary="",
        ),
    )
    leaders["deputy"].clearance = Classification.INTERNAL
    leaders["deputy"].save()
    with pytest.raises(ValidationError, match="not cleared"):
        propose(org["office_head"], document, leader=leaders["deputy"])


def test_only_the_holder_acts_at_each_step(org, leaders, office_clerk):
    document = started(office_clerk, accepted_action(office_clerk))
    with pytest.raises(DocumentError):
        propose(leaders["deputy"], document, lead=org["business"])
    document = propose(org["office_head"], document, lead=org["business"])
    with pytest.raises(DocumentError):
        handling.report(actor=org["finance_head"], document=document, result="无关。")
    with pytest.raises(DocumentError):  # sent twice: the proposal step is over
        propose(org["office_head"], document, lead=org["business"])


def test_who_sees_the_document_while_it_is_handled(org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"]),
    )
    visible = lambda user: selectors_incoming.can_view(user, fresh(document))  # noqa: E731
    assert visible(org["drafter"])  # a member of the department handling it
    assert visible(org["head"])
    assert not visible(org["finance_head"])
    assert not visible(leaders["deputy"])


def test_circulation_in_turn_and_a_leaders_instruction(org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"]),
    )
    principal, deputy = leaders["principal"], leaders["deputy"]
    handling.circulate(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        people=[deputy, principal],
        in_turn=True,
    )
    readings = {r.person_id: r for r in IncomingReading.objects.filter(document=document)}
    assert readings[deputy.pk].sent_at is not None and readings[deputy.pk].turn == 1
    assert readings[principal.pk].sent_at is None and readings[principal.pk].turn == 2
    assert not selectors_incoming.can_view(principal, fresh(document))

    # The deputy writes a 批示: that is reading it, and it goes on to the principal.
    handling.comment(actor=deputy, document=document, text="请抓紧办理，按时报结果。")
    reading = IncomingReading.objects.get(document=document, person=deputy)
    assert reading.read_at and reading.comment == "请抓紧办理，按时报结果。"
    assert IncomingReading.objects.get(document=document, person=principal).sent_at
    assert selectors_incoming.can_view(principal, fresh(document))
    assert Notification.objects.filter(
        event="work.instructed", recipient=org["office_head"]
    ).exists()

    assert services_incoming.mark_read(principal, document)
    with pytest.raises(ValidationError, match="already"):
        handling.circulate(
            actor=office_clerk,
            document=fresh(document),
            expected_version=fresh(document).version,
            people=[deputy],
        )
    with pytest.raises(DocumentError):
        handling.comment(actor=org["colleague"], document=document, text="无权。")


def test_a_reminder_goes_to_the_holders_and_is_kept(org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"], co=(org["finance"],)),
    )
    handling.report(actor=org["head"], document=document, result="已办。")
    reminder = handling.remind(
        actor=office_clerk, document=fresh(document), note="请于周五前报送。"
    )
    assert [r["id"] for r in reminder.recipients] == [org["finance_head"].pk]
    assert Notification.objects.filter(
        event="work.reminded", recipient=org["finance_head"]
    ).exists()
    assert not Notification.objects.filter(event="work.reminded", recipient=org["head"]).exists()
    assert IncomingReminder.objects.filter(document=document).count() == 1
    with pytest.raises(DocumentError):
        handling.remind(actor=org["head"], document=fresh(document))


def test_a_request_closed_without_a_reply_needs_the_reason(org, leaders, office_clerk):
    document = accepted_action(office_clerk, kind="request", title="关于拨付专项经费的请示")
    with pytest.raises(ValidationError) as caught:
        handling.close(
            actor=office_clerk,
            document=document,
            expected_version=document.version,
            result="已办。",
        )
    assert "no_reply_reason" in caught.value.message_dict
    document = handling.close(
        actor=office_clerk,
        document=fresh(document),
        expected_version=fresh(document).version,
        result="已电话答复。",
        no_reply_reason="已当面答复来文单位。",
    )
    assert document.state == IncomingState.DONE


def test_it_cannot_be_closed_while_departments_handle_it(org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"]),
    )
    with pytest.raises(DocumentError):
        handling.close(
            actor=office_clerk, document=document, expected_version=document.version, result="办结"
        )


def test_a_department_returning_it_to_the_leader_reaches_that_leader(org, leaders, office_clerk):
    """A return to an earlier step names its people from the document again (the engine's
    restart resolves a SUBJECT step like a first start), not the office's fallback."""
    document = started(office_clerk, accepted_action(office_clerk))
    document = propose(org["office_head"], document, leader=leaders["deputy"], lead=org["business"])
    document = handling.instruct(
        actor=leaders["deputy"], document=document, proposal=handling.Proposal(text="办。")
    )
    item = open_item(org["head"], document)
    workflow.decide(
        actor=org["head"], item=item, decision=Decision.RETURN_PREVIOUS, opinion="请领导再明确。"
    )
    assert open_item(leaders["deputy"], document) is not None
    assert open_item(org["office_head"], document) is None
    assert fresh(document).state == IncomingState.INSTRUCTING


def test_a_result_reported_by_a_colleague_counts_for_the_department_that_passed_it_on(
    org, leaders, office_clerk
):
    """The finance head passes the item to a colleague of the business department (转交): the
    colleague's result is finance's, and the business head's own report stays business's."""
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"], co=(org["finance"],)),
    )
    item = open_item(org["finance_head"], document)
    workflow.decide(
        actor=org["finance_head"],
        item=item,
        decision=Decision.TRANSFER,
        opinion="请黄晓明办理。",
        to_user=org["drafter"],
    )
    handling.report(actor=org["drafter"], document=fresh(document), result="经费已核。")
    handling.report(actor=org["head"], document=fresh(document), result="检查已完成。")
    results = {
        a.department_id: a.result for a in IncomingAssignment.objects.filter(document=document)
    }
    assert results == {org["finance"].pk: "经费已核。", org["business"].pk: "检查已完成。"}
    assert fresh(document).state == IncomingState.HANDLED


def test_the_office_may_complete_a_document_sent_back(org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"]),
    )
    document = handling.send_back(actor=org["head"], document=document, reason="非本科职责。")
    document = handling.close(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        result="经核实无需办理，已电话告知来文单位。",
    )
    assert document.state == IncomingState.DONE
    run = workflow_selectors.latest_run(handling.KIND, document.pk)
    assert run.state == RunState.WITHDRAWN
    assert not WorkItem.objects.filter(run=run, state="open").exists()


def test_a_retried_decision_is_answered_as_the_first(org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"], co=(org["finance"],)),
    )
    for _attempt in range(2):
        handling.report(
            actor=org["head"], document=fresh(document), result="已办。", idempotency_key="k-1"
        )
    assert IncomingAssignment.objects.get(document=document, lead=True).result == "已办。"
    assert fresh(document).state == IncomingState.HANDLING
