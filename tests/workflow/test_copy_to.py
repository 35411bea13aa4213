"""copy_to: a module puts a run in people's 「抄送我的」 after the route (documents: 核发)."""

import pytest

from tests.factories import UserFactory
from zhongshu.core.models import AuditEvent
from zhongshu.notify.models import Notification
from zhongshu.workflow import selectors, services
from zhongshu.workflow.models import ItemState, WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(route, people, make_request):
    """A run of the three-step route, approved (the amount skips the principal's step)."""
    run = services.run_start(actor=people["drafter"], subject=make_request())
    for who in ("head", "fin1", "fin2", "leader"):
        item = WorkItem.objects.get(run=run, assignee=people[who], state="open", is_cc=False)
        services.decide(actor=people[who], item=item, decision="approve")
    run.refresh_from_db()
    assert run.state == "approved"
    return run


def copies(run, step_name="核发"):
    return WorkItem.objects.filter(run=run, is_cc=True, step_name=step_name)


def test_copies_are_unread_cc_items_on_the_run_and_notified(approved, people):
    readers = [people["fin1"], people["principal"]]
    before = Notification.objects.count()  # the route copied 同事 at its third step

    made = services.copy_to(
        actor=people["office_head"], run=approved, users=readers, step_name="核发"
    )

    assert len(made) == 2
    rows = copies(approved).order_by("assignee__username")
    assert [r.assignee for r in rows] == [people["fin1"], people["principal"]]
    for row in rows:
        assert row.is_cc and row.read_at is None and row.state == ItemState.OPEN
        assert (row.title, row.url, row.kind) == (approved.title, approved.url, approved.kind)
        assert row.step_order == 4  # the route's last step
    notified = Notification.objects.order_by("pk")[before:].values_list("event", "recipient")
    assert sorted(notified) == sorted(("work.cc", p.pk) for p in readers)
    event = AuditEvent.objects.get(action="workflow.copy")
    assert event.object_id == str(approved.pk) and sorted(event.detail["to"]) == sorted(
        p.pk for p in readers
    )
    box, _cursor = selectors.inbox(people["principal"], box="cc")
    assert [item.run_id for item in box] == [approved.pk]
    assert selectors.cc_unread_count(people["principal"]) == 1


def test_nobody_gets_the_same_copy_twice(approved, people):
    services.copy_to(
        actor=people["office_head"], run=approved, users=[people["fin1"]], step_name="核发"
    )

    again = services.copy_to(
        actor=people["office_head"],
        run=approved,
        users=[people["fin1"], people["fin2"]],
        step_name="核发",
    )

    assert [item.assignee for item in again] == [people["fin2"]]
    assert copies(approved).count() == 2
    assert Notification.objects.filter(event="work.cc", recipient=people["fin1"]).count() == 1


def test_inactive_people_and_administrators_get_no_copy(approved, people, unit, sysadmin):
    gone = UserFactory(unit=unit, is_active=False)

    made = services.copy_to(
        actor=people["office_head"], run=approved, users=[gone, sysadmin], step_name="核发"
    )

    assert made == [] and not copies(approved).exists()
    assert not AuditEvent.objects.filter(action="workflow.copy").exists()


def test_a_copy_is_read_when_its_recipient_opens_the_run(approved, people):
    services.copy_to(
        actor=people["office_head"], run=approved, users=[people["fin2"]], step_name="核发"
    )

    services.cc_mark_read(actor=people["fin2"], run=approved)

    assert copies(approved).get().read_at is not None
