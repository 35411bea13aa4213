"""The inbox: one order everywhere (overdue, urgency, due time, id), keyset paging, constant
queries, the capped badge count."""

import datetime

import pytest
from django.utils import timezone

from tests.workflow.helpers import open_item
from zhongshu.workflow import selectors, services
from zhongshu.workflow.models import Run, Urgency, WorkItem

pytestmark = pytest.mark.django_db


def _items(run_template, user, specs):
    """Work items for ``user`` with (urgency, due offset in hours or None) each."""
    now = timezone.now()
    made = []
    for n, (urgency, hours) in enumerate(specs):
        made.append(
            WorkItem.objects.create(
                run=run_template,
                unit_id=run_template.unit_id,
                step_order=1,
                step_name="审核",
                assignee=user,
                urgency=urgency,
                due_at=None if hours is None else now + datetime.timedelta(hours=hours),
                kind=run_template.kind,
                title=f"事项{n}",
                url="/x/",
            )
        )
    return made


@pytest.fixture
def a_run(route, people, make_request):
    return services.run_start(actor=people["drafter"], subject=make_request())


def test_inbox_order_is_overdue_then_urgency_then_due_then_id(a_run, people):
    user = people["leader"]
    a, b, c, d, e, f = _items(
        a_run,
        user,
        [
            (Urgency.NORMAL, 48),  # a
            (Urgency.VERY_URGENT, 72),  # b
            (Urgency.NORMAL, -5),  # c overdue
            (Urgency.URGENT, -1),  # d overdue, urgent
            (Urgency.NORMAL, None),  # e no deadline: after every due time
            (Urgency.NORMAL, 24),  # f
        ],
    )

    rows, cursor = selectors.inbox(user, box="todo")

    assert [r.pk for r in rows] == [d.pk, c.pk, b.pk, f.pk, a.pk, e.pk]
    assert cursor == ""
    assert [bool(r.overdue) for r in rows] == [True, True, False, False, False, False]


def test_keyset_paging_walks_every_row_once_in_order(a_run, people):
    user = people["leader"]
    specs = [(u, h) for u in (0, 1, 2) for h in (-30, -2, None, 5, 5, 50)]
    _items(a_run, user, specs)
    everything, _ = selectors.inbox(user, box="todo", size=100)

    seen, after = [], ""
    while True:
        rows, after = selectors.inbox(user, box="todo", after=after, size=4)
        seen += [r.pk for r in rows]
        if not after:
            break

    assert seen == [r.pk for r in everything]
    assert len(seen) == len(set(seen)) == len(specs)


def test_a_forged_cursor_is_refused(people):
    with pytest.raises(selectors.BadCursor):
        selectors.inbox(people["leader"], box="todo", after="not-a-cursor")


def test_filters_by_type_urgency_and_overdue(a_run, people):
    user = people["leader"]
    late, urgent, plain = _items(a_run, user, [(0, -1), (1, 10), (0, 10)])

    assert [r.pk for r in selectors.inbox(user, overdue=True)[0]] == [late.pk]
    assert [r.pk for r in selectors.inbox(user, urgency=1)[0]] == [urgent.pk]
    assert selectors.inbox(user, kind="other.kind")[0] == []
    assert {r.pk for r in selectors.inbox(user, overdue=False)[0]} == {urgent.pk, plain.pk}


def test_the_four_boxes(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    services.decide(actor=people["head"], item=open_item(run, people["head"]), decision="approve")
    for who in ("fin1", "fin2"):
        services.decide(actor=people[who], item=open_item(run, people[who]), decision="approve")

    assert [r.pk for r in selectors.inbox(people["drafter"], box="mine")[0]] == [run.pk]
    assert [r.title for r in selectors.inbox(people["head"], box="done")[0]] == ["采购办公用品"]
    assert [r.step_name for r in selectors.inbox(people["leader"], box="todo")[0]] == ["分管领导"]
    assert len(selectors.inbox(people["colleague"], box="cc")[0]) == 1
    assert selectors.inbox(people["colleague"], box="todo")[0] == []


def test_inbox_queries_stay_constant_whatever_the_size(
    a_run, people, django_assert_max_num_queries
):
    user = people["leader"]
    _items(a_run, user, [(0, h) for h in range(3)])
    with django_assert_max_num_queries(3):
        small, _ = selectors.inbox(user, box="todo")
        [(r.assignee.full_name, r.delegate_for) for r in small]
    _items(a_run, user, [(1, h) for h in range(40)])
    with django_assert_max_num_queries(3):
        rows, _ = selectors.inbox(user, box="todo")
        [(r.assignee.full_name, r.delegate_for) for r in rows]
    assert len(rows) == selectors.PAGE_SIZE


def test_badge_count_is_capped(a_run, people, django_assert_max_num_queries):
    user = people["leader"]
    _items(a_run, user, [(0, None)] * 105)

    with django_assert_max_num_queries(2):
        count = selectors.todo_count(user)

    assert count == 100
    from zhongshu.core.badges import display

    assert display(count) == "99+"


def test_administrators_have_an_empty_inbox(a_run, sysadmin):
    assert selectors.inbox(sysadmin, box="todo") == ([], "")
    assert selectors.todo_count(sysadmin) == 0
    assert Run.objects.count() == 1


def test_the_records_of_several_runs_are_read_in_one_query(
    route, people, make_request, django_assert_num_queries
):
    """A subject sent back and sent on again has several runs; their records come in one query,
    each in its own order, and a run with no events yet has an empty record."""
    first = services.run_start(actor=people["drafter"], subject=make_request())
    second = services.run_start(actor=people["drafter"], subject=make_request(title="另一事项"))
    with django_assert_num_queries(1):
        records = selectors.handling_records([first, second])
    assert set(records) == {first.pk, second.pk}
    for run in (first, second):
        assert records[run.pk] and all(e.run_id == run.pk for e in records[run.pk])
        assert [e.pk for e in records[run.pk]] == [e.pk for e in selectors.handling_record(run)]
    with django_assert_num_queries(0):  # who acted is read with the events
        assert records[first.pk][0].actor.pk == people["drafter"].pk
    assert selectors.handling_records([]) == {}
