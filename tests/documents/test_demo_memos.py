"""The demo organisation's internal memos (签报, issue 5 item 13): one at each point of the route,
written through the services, each waiting in the right person's inbox; seeding twice adds
nothing."""

import pytest
from django.core.management import call_command

from zhongshu.documents import selectors_memo, services_memo
from zhongshu.documents.models import Memo, MemoState
from zhongshu.org.models import User
from zhongshu.workflow import selectors as workflow_selectors

pytestmark = pytest.mark.django_db


def test_the_demo_has_memos_at_every_point_of_their_route():
    call_command("seed_demo")
    count = Memo.objects.count()
    call_command("seed_demo")
    assert Memo.objects.count() == count == 8
    states = {m.title: m.state for m in Memo.objects.all()}
    assert sorted(states.values()) == sorted(
        [
            MemoState.APPROVED,
            MemoState.CHECKING,
            MemoState.DECIDING,
            MemoState.INSTRUCTING,
            MemoState.REVIEWING,
            MemoState.RETURNED,
            MemoState.REJECTED,
            MemoState.DRAFT,
        ]
    )
    numbers = sorted(Memo.objects.exclude(serial=None).values_list("serial", flat=True))
    assert numbers == list(range(1, 8))
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["office", "deputy1", "director", "staff1", "head1"]
        )
    }
    # Each waits in the inbox of the demo account that acts next.
    for state, username in (
        (MemoState.CHECKING, "head1"),
        (MemoState.REVIEWING, "office"),
        (MemoState.INSTRUCTING, "deputy1"),
        (MemoState.DECIDING, "director"),
    ):
        memo = Memo.objects.get(state=state)
        run = services_memo.current_run(memo)
        assert workflow_selectors.open_items_for(people[username], run), state
    # The drafter sees all seven; the director, the ones that reached him and his office's view.
    assert selectors_memo.visible_memos(people["staff1"]).count() == 8
    rejected = Memo.objects.get(state=MemoState.REJECTED)
    assert rejected.decided_by == people["director"] and rejected.decision
    assert selectors_memo.sheet(rejected)["instructions"]


def test_the_demo_memos_are_dated_over_the_past_weeks():
    """Seeded in a moment, they read as written over three weeks: numbers follow the dates, each
    step after the one before, nothing in the future, and a step waiting for days is overdue."""
    import datetime

    from django.utils import timezone

    from zhongshu.workflow.models import RunEvent, WorkItem

    call_command("seed_demo")
    now = timezone.now()
    memos = list(Memo.objects.exclude(serial=None).order_by("serial"))
    submitted = [m.submitted_at for m in memos]
    assert submitted == sorted(submitted)
    assert now - submitted[0] > datetime.timedelta(days=14)
    for memo in memos:
        run = services_memo.current_run(memo)
        times = list(RunEvent.objects.filter(run=run).order_by("id").values_list("at", flat=True))
        assert times == sorted(times) and times[-1] < now, memo.title
        assert memo.created_at <= memo.submitted_at
    reviewing = services_memo.current_run(Memo.objects.get(state=MemoState.REVIEWING))
    item = WorkItem.objects.get(run=reviewing, state="open", is_cc=False)
    assert item.created_at < now - datetime.timedelta(days=2) and item.is_overdue
