"""notify(): written in the caller's transaction (security.md F8), idempotent by key."""

import pytest
from django.db import transaction

from tests.factories import UserFactory
from zhongshu.notify import services
from zhongshu.notify.models import (
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    RobotWebhook,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _notify(recipients, **kwargs):
    defaults = {"event": "work.assigned", "title": "采购办公用品", "url": "/work/runs/7/"}
    return services.notify(recipients=recipients, **{**defaults, **kwargs})


def test_rows_are_written_in_the_callers_transaction_and_delivered_after_commit(
    alice, bob, mailoutbox
):
    with transaction.atomic():
        count = _notify([alice, bob], params={"x": 1})
        # Inside the block: written, not yet sent.
        assert Notification.objects.count() == 2
        assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 2
        assert mailoutbox == []

    assert count == 2
    n = Notification.objects.get(recipient=alice)
    assert (n.event, n.params, n.title, n.url, n.read_at) == (
        "work.assigned",
        {"x": 1},
        "采购办公用品",
        "/work/runs/7/",
        None,
    )
    assert set(OutboxMessage.objects.values_list("channel", "status")) == {("email", "sent")}
    assert len(mailoutbox) == 2


def test_a_rollback_leaves_no_row_and_sends_nothing(alice, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify([alice])
        raise RuntimeError("the event failed")

    assert Notification.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == []


def test_the_same_key_is_never_written_twice(alice, bob, mailoutbox):
    first = _notify([alice], event="work.due_soon", key="due:7:2026-11-26")
    second = _notify([alice, bob], event="work.due_soon", key="due:7:2026-11-26")
    third = _notify([alice, bob], event="work.due_soon", key="due:7:2026-11-26")

    assert (first, second, third) == (1, 1, 0)
    assert Notification.objects.filter(key="due:7:2026-11-26").count() == 2
    assert OutboxMessage.objects.filter(key="due:7:2026-11-26").count() == 2
    assert len(mailoutbox) == 2


def test_duplicates_inactive_and_none_are_skipped(alice, unit):
    gone = UserFactory(unit=unit, is_active=False, email="gone@example.cn")

    assert _notify([alice, alice, None, gone]) == 1
    assert Notification.objects.count() == 1


def test_channels_follow_the_person_and_the_department(alice, bob, dept, make_robot, unit):
    make_robot("wecom")
    make_robot("feishu", events=["work.overdue"])  # this department posts only overdue items
    NotificationPreference.objects.create(user=bob, event="work.assigned", email=False, robot=False)
    no_mail = UserFactory(unit=unit, email="")

    with transaction.atomic():
        _notify([alice, bob, no_mail])
        rows = OutboxMessage.objects.select_related("recipient")
        channels = sorted((m.recipient.username, m.channel) for m in rows)

    assert channels == [("alice", "email"), ("alice", "wecom")]
    assert Notification.objects.count() == 3  # in-app is always on


def test_disabled_robot_is_not_used(alice, make_robot):
    make_robot("dingtalk", enabled=False)

    with transaction.atomic():
        _notify([alice])
        assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["email"]
    assert RobotWebhook.objects.count() == 1
