"""The demo organisation's incoming documents (issue 5 item 13): a year of 收文 in every state the
system knows, numbered without gaps, registered through the services; its 办件 handled through
the services by the demo people (拟办, 批办, 承办, 退办, 传阅, 催办, 办结), with the work waiting
in the right inboxes; seeding twice adds nothing."""

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhongshu.core.models import AuditEvent
from zhongshu.documents import rules, selectors_incoming
from zhongshu.documents import services_incoming_handling as handling
from zhongshu.documents.models import (
    AssignmentState,
    Handling,
    IncomingAssignment,
    IncomingDocument,
    IncomingReading,
    IncomingReminder,
    IncomingState,
)
from zhongshu.org.models import Department, User
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow.models import ItemState, Route, Run, RunState, WorkItem

pytestmark = pytest.mark.django_db


def _counts():
    return (
        IncomingDocument.objects.count(),
        IncomingReading.objects.count(),
        IncomingAssignment.objects.count(),
        IncomingReminder.objects.count(),
        Run.objects.filter(kind=handling.KIND).count(),
        WorkItem.objects.filter(kind=handling.KIND).count(),
    )


def test_the_demo_has_a_year_of_incoming_documents():
    call_command("seed_demo")
    counts = _counts()
    call_command("seed_demo")

    assert _counts() == counts
    documents = list(IncomingDocument.objects.all())
    assert len(documents) >= 35
    now = timezone.now()
    assert all(d.received_at <= now for d in documents)
    assert {d.registered_by.username for d in documents} == {"clerk"}
    states = {d.state for d in documents}
    assert {
        IncomingState.REGISTERED,
        IncomingState.RETURNED,
        IncomingState.ACCEPTED,
        IncomingState.READING,
    } <= states
    # 收文编号 1..n in each year, in the order received.
    by_year = defaultdict(list)
    for document in sorted(documents, key=lambda d: d.received_at):
        by_year[document.year].append(document.serial)
    for year, serials in by_year.items():
        assert serials == list(range(1, len(serials) + 1)), year
    # 阅件 sent for reading, some read and some not.
    readings = IncomingReading.objects.all()
    assert readings.filter(read_at__isnull=False).exists()
    assert readings.filter(read_at__isnull=True).exists()
    assert all(r.read_at is None or r.sent_at <= r.read_at <= now for r in readings)
    returned = [d for d in documents if d.state == IncomingState.RETURNED]
    assert len(returned) == 2 and all(d.return_reasons and d.kind == "request" for d in returned)
    duplicates = [d for d in documents if d.duplicate_of_id]
    assert len(duplicates) == 1
    assert duplicates[0].source_number == duplicates[0].duplicate_of.source_number
    assert AuditEvent.objects.filter(action="documents.incoming_registered").count() == len(
        documents
    )
    # The classified one (one seeding serves every check: it costs seconds).
    classified = [d for d in documents if d.is_classified]
    assert len(classified) == 1
    assert classified[0].title_is_neutral and not classified[0].summary

    actions = [d for d in documents if d.handling == Handling.ACTION]
    _check_filed(actions)
    _check_completed(actions, now)
    _check_inboxes(actions, now)
    _check_side_ways(actions, now)
    _check_times(actions, now)


def _people():
    people = {u.username: u for u in User.objects.all()}
    heads = {d.code: d.head for d in Department.objects.select_related("head") if d.code}
    return people, heads


def _check_filed(actions):
    """The two oldest completed 办件 are filed, each with its package stored; the rest wait."""
    filed = [d for d in actions if d.state == IncomingState.FILED]
    done = [d for d in actions if d.state == IncomingState.DONE]
    assert len(filed) == 2 and done
    assert max(d.received_at for d in filed) < min(d.received_at for d in done)
    for document in filed:
        package = document.archive_package
        assert package.sha256 == package.stored_file.sha256 and document.filed_at
        assert package.created_by.username == "clerk"
    # Counted as completed below, as they were before filing.
    for document in filed:
        document.state = IncomingState.DONE


def _check_completed(actions, now):
    """Most 办件 are completed (办结) with a result: most after 拟办 and 批办, some by 分办."""
    by_state = Counter(d.state for d in actions)
    assert {
        IncomingState.ACCEPTED,
        IncomingState.PROPOSING,
        IncomingState.INSTRUCTING,
        IncomingState.HANDLING,
        IncomingState.HANDLED,
        IncomingState.DONE,
    } <= set(by_state)
    live = sum(by_state[s] for s in handling.IN_HANDLING) + by_state[IncomingState.HANDLED]
    assert by_state[IncomingState.DONE] > live
    done = [d for d in actions if d.state == IncomingState.DONE]
    assert all(d.result and d.closed_by.username == "clerk" for d in done)
    assert all(d.received_at < d.closed_at <= now for d in done)
    by_leader = [d for d in done if d.leader_id]
    by_office = [d for d in done if d.settled_by_office]
    assert len(by_leader) > len(by_office) > 0
    office = User.objects.get(username="office")
    for document in by_leader:
        assert document.proposed_by == office and document.proposal.startswith("拟请")
        runs = workflow_selectors.runs_of(handling.KIND, document.pk)
        assert [r.state for r in runs] == [RunState.APPROVED]
        deciders = list(
            WorkItem.objects.filter(run=runs[0], state=ItemState.DONE)
            .order_by("step_order", "decided_at")
            .values_list("decided_by", flat=True)
        )
        assert deciders[:2] == [office.pk, document.leader_id]
    for document in by_office:
        assert not WorkItem.objects.filter(
            kind=handling.KIND, run__subject_id=document.pk, assignee=office
        ).exists()
    # Every department reported; a 请示 or 函 closed without a linked reply says why.
    assert (
        not IncomingAssignment.objects.filter(document__in=done)
        .exclude(state=AssignmentState.REPORTED, result__gt="")
        .exists()
    )
    # A 请示 or 函 closed says why it has no reply, or has its reply linked (答复): the demo's
    # issued 批复 to the inspection centre's 请示, sent after the 请示 came in.
    answers = [d for d in done if d.kind in handling.ANSWER_EXPECTED]
    answered = [d for d in answers if handling.live_replies(d).exists()]
    assert all(d.no_reply_reason for d in answers if d not in answered)
    assert any(d.kind == "request" and d.no_reply_reason for d in answers)
    (answered,) = answered
    (reply,) = handling.live_replies(answered)
    assert answered.kind == "request" and not answered.no_reply_reason
    assert reply.kind == "reply" and reply.signed_by_id  # 签发
    assert reply.issued_on >= timezone.localtime(answered.received_at).date()
    # A handled 函 has its 复函 on its way: drafted from it and in approval.
    (letter,) = [d for d in actions if d.state == IncomingState.HANDLED and d.kind == "letter"]
    (draft,) = handling.live_replies(letter)
    assert draft.kind == "letter" and draft.title.endswith("的复函")
    assert workflow_selectors.latest_run(rules.SUBJECT_KIND, draft.pk).is_live


def _open(user) -> dict:
    """The user's open items on incoming documents, by the step's source: {source: [document]}."""
    route = Route.objects.get(kind=handling.KIND, active=True)
    sources = dict(route.steps.values_list("order", "source"))
    items, _cursor = workflow_selectors.inbox(user, kind=handling.KIND, size=100)
    runs = {r.pk: r.subject_id for r in Run.objects.filter(pk__in=[i.run_id for i in items])}
    found = defaultdict(list)
    for item in items:
        document = IncomingDocument.objects.get(pk=runs[item.run_id])
        found[sources.get(item.step_order, "")].append(document)
    return found


def _check_inboxes(actions, now):
    """The work waits with the right people: the office head's 拟办, a deputy's 批办, department
    heads' 承办 (one where the lead department has reported and a co-department not yet, and
    one past its deadline)."""
    people, heads = _people()
    proposing = _open(people["office"])[handling.SOURCE_DIRECTOR]
    assert proposing and all(d.state == IncomingState.PROPOSING for d in proposing)
    instructing = _open(people["deputy1"])[handling.SOURCE_LEADER]
    assert instructing and all(d.state == IncomingState.INSTRUCTING for d in instructing)
    assert all(d.leader == people["deputy1"] and d.proposal for d in instructing)
    assert not _open(people["clerk"])

    in_handling = [d for d in actions if d.state == IncomingState.HANDLING]
    halfway = []
    for document in in_handling:
        assignments = selectors_incoming.assignments_of(document)
        lead = next(a for a in assignments if a.lead)
        co = [a for a in assignments if not a.lead and a.state != AssignmentState.SENT_BACK]
        if lead.state == AssignmentState.REPORTED and co:
            halfway.append((document, lead, co))
    assert halfway
    document, lead, co = halfway[0]
    assert co[0].state == AssignmentState.HANDLING
    assert document in _open(heads[co[0].department.code])[handling.SOURCE_DEPARTMENTS]
    assert document not in _open(heads[lead.department.code])[handling.SOURCE_DEPARTMENTS]

    overdue = [d for d in in_handling if d.deadline and d.deadline < now]
    assert overdue
    for document in overdue:
        run = workflow_selectors.latest_run(handling.KIND, document.pk)
        holders = workflow_selectors.open_holders(run)
        assert holders and all(item.is_overdue for item in holders)
        for item in holders:
            assert document in _open(item.assignee)[handling.SOURCE_DEPARTMENTS]


def _check_side_ways(actions, now):
    """退办 and sent on afresh, 传阅 in turn with a 批示, 催办 with a note."""
    people, heads = _people()
    sent_back = IncomingAssignment.objects.filter(state=AssignmentState.SENT_BACK)
    assert sent_back.count() == 1
    back = sent_back.get()
    document = back.document
    assert back.reason and document.state == IncomingState.HANDLING
    runs = workflow_selectors.runs_of(handling.KIND, document.pk)
    assert [r.state for r in runs] == [RunState.WITHDRAWN, RunState.RUNNING]
    assert document not in _open(heads[back.department.code]).get(handling.SOURCE_DEPARTMENTS, [])
    now_handling = IncomingAssignment.objects.get(document=document, lead=True)
    assert now_handling.state == AssignmentState.HANDLING
    assert document in _open(heads[now_handling.department.code])[handling.SOURCE_DEPARTMENTS]

    circulated = {r.document for r in IncomingReading.objects.filter(purpose="circulation")}
    assert len(circulated) == 1
    document = circulated.pop()
    first, second = selectors_incoming.circulation_of(document)
    assert (first.turn, second.turn) == (1, 2)
    assert first.comment and first.read_at and first.person.username == "director"
    assert second.sent_at and second.read_at is None  # passed on once the first had read it
    assert selectors_incoming.instructions_of(document) == [first]
    assert selectors_incoming.can_view(second.person, document)

    reminder = IncomingReminder.objects.get()
    assert reminder.note and reminder.sent_by.username == "clerk" and reminder.recipients
    assert reminder.document.state == IncomingState.HANDLING
    assert reminder.deadline < reminder.sent_at <= now
    holders = workflow_selectors.open_holders(
        workflow_selectors.latest_run(handling.KIND, reminder.document_id)
    )
    assert [r["id"] for r in reminder.recipients] == [item.assignee_id for item in holders]

    handled = [d for d in actions if d.state == IncomingState.HANDLED]
    assert handled
    for document in handled:
        assert not workflow_selectors.latest_run(handling.KIND, document.pk).is_live
        assignments = selectors_incoming.assignments_of(document)
        assert assignments and all(a.state == AssignmentState.REPORTED for a in assignments)


def _check_times(actions, now):
    """What the handling wrote is dated back to when each step is supposed to have happened: in
    order, after the document was received, never ahead of now."""
    received = {d.pk: d.received_at for d in actions}
    runs = Run.objects.filter(kind=handling.KIND)
    assert runs
    for run in runs:
        assert received[run.subject_id] < run.created_at <= now
        assert run.finished_at is None or run.created_at <= run.finished_at <= now
    for item in WorkItem.objects.filter(kind=handling.KIND).select_related("run"):
        assert item.run.created_at <= item.created_at <= now
        assert item.decided_at is None or item.created_at <= item.decided_at <= now
    for assignment in IncomingAssignment.objects.all():
        assert received[assignment.document_id] < assignment.assigned_at <= now
        if assignment.reported_at:
            assert assignment.assigned_at <= assignment.reported_at <= now
    # A year of work, not all of it today.
    assert WorkItem.objects.filter(
        kind=handling.KIND, decided_at__lt=now - timedelta(days=300)
    ).exists()
