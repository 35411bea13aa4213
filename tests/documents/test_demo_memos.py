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
