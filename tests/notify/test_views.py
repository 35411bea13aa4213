"""The bell, the list, preferences and the system administrator's pages."""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.factories import UserFactory
from zhongshu.core.models import AuditEvent
from zhongshu.notify import services
from zhongshu.notify.models import (
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    RobotHost,
    RobotWebhook,
)

pytestmark = pytest.mark.django_db


def _notify(recipients, n=1, **kwargs):
    for i in range(n):
        services.notify(
            recipients=recipients,
            event=kwargs.get("event", "work.assigned"),
            title=kwargs.get("title", f"事项{i}"),
            url="/work/runs/7/",
        )


def test_the_bell_counts_unread_and_marking_read_lowers_it(login_as, client, alice):
    _notify([alice], n=3)
    login_as(alice)

    page = client.get(reverse("notify:list"))
    assert page.status_code == 200
    bell = next(b for b in page.context["topbar_badges"] if b["key"] == "notifications")
    assert bell["count"] == 3
    assert "New item to handle: 事项2" in page.content.decode()

    first = Notification.objects.filter(recipient=alice).order_by("id").first()
    response = client.post(reverse("notify:read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None

    response = client.post(reverse("notify:read_all"))
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 0
    page = client.get(reverse("notify:list"))
    bell = next(b for b in page.context["topbar_badges"] if b["key"] == "notifications")
    assert bell["count"] == 0


def test_opening_a_notification_marks_it_read_and_follows_its_link(login_as, client, alice):
    _notify([alice])
    n = Notification.objects.get()
    login_as(alice)

    response = client.post(reverse("notify:read", args=[n.pk]), {"open": "1"})

    assert response.status_code == 302
    assert response.url == "/work/runs/7/"


def test_htmx_mark_read_returns_the_table_only(login_as, client, alice):
    _notify([alice], n=2)
    n = Notification.objects.filter(recipient=alice).first()
    login_as(alice)

    response = client.post(reverse("notify:read", args=[n.pk]), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="notification-table"')
    assert "<html" not in body


def test_another_persons_notification_is_not_found(login_as, client, alice, bob):
    _notify([bob])
    theirs = Notification.objects.get(recipient=bob)
    login_as(alice)

    response = client.post(reverse("notify:read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "事项0" not in client.get(reverse("notify:list")).content.decode()
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(theirs.pk)).exists()


def test_keyset_paging_and_constant_queries(login_as, client, alice, django_assert_max_num_queries):
    _notify([alice], n=3)
    login_as(alice)
    client.get(reverse("notify:list"))  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notify:list"))
    _notify([alice], n=60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("notify:list"))

    rows = page.context["rows"]
    assert len(rows) == 50
    assert [r.pk for r in rows] == sorted((r.pk for r in rows), reverse=True)
    second = client.get(reverse("notify:list") + page.context["next_url"])
    assert len(second.context["rows"]) == 13
    assert second.context["rows"][0].pk < rows[-1].pk


def test_preferences_are_saved_and_used(login_as, client, alice):
    login_as(alice)
    assert client.get(reverse("notify:settings")).status_code == 200

    response = client.post(reverse("notify:settings"), {"work.assigned:robot": "on"})

    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=alice, event="work.assigned")
    assert (pref.email, pref.robot) == (False, True)
    assert NotificationPreference.objects.get(user=alice, event="work.overdue").email is False
    with transaction.atomic():
        _notify([alice])
        assert not OutboxMessage.objects.filter(channel="email").exists()


# --- The system administrator ------------------------------------------------------------------


def test_failed_messages_are_listed_without_titles_and_can_be_retried(
    login_as, client, sysadmin, alice, mailoutbox
):
    with transaction.atomic():
        _notify([alice], title="机密的标题")
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.FAILED, attempts=5, last_error="robot answered HTTP 500"
    )
    login_as(sysadmin)

    page = client.get(reverse("notify:admin_outbox"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "robot answered HTTP 500" in body
    assert "机密的标题" not in body

    response = client.post(reverse("notify:admin_outbox_retry", args=[message.pk]))

    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="notify.outbox_retry", object_id=str(message.pk)
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_retry_delivers_again(login_as, client, sysadmin, alice, mailoutbox):
    with transaction.atomic():
        _notify([alice])
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.FAILED, attempts=5)
    mailoutbox.clear()
    login_as(sysadmin)

    client.post(reverse("notify:admin_outbox_retry", args=[message.pk]))

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert len(mailoutbox) == 1


def test_robots_are_added_and_the_secret_is_never_shown_back(login_as, client, sysadmin, dept):
    login_as(sysadmin)
    url = "https://oapi.dingtalk.com/robot/send?access_token=SECRET-TOKEN-123"

    response = client.post(
        reverse("notify:admin_robots"),
        {
            "department": dept.pk,
            "kind": "dingtalk",
            "url": url,
            "secret": "SECverylongsecret42",
            "events": ["work.overdue"],
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    robot = RobotWebhook.objects.get()
    assert (robot.url, robot.secret, robot.events) == (url, "SECverylongsecret42", ["work.overdue"])
    for page in (
        client.get(reverse("notify:admin_robots")),
        client.get(reverse("notify:admin_robot_edit", args=[robot.pk])),
    ):
        body = page.content.decode()
        assert "SECRET-TOKEN-123" not in body
        assert "SECverylongsecret42" not in body
    # Saving again with blank address and secret keeps both.
    client.post(
        reverse("notify:admin_robot_edit", args=[robot.pk]),
        {"department": dept.pk, "kind": "dingtalk", "url": "", "secret": ""},
    )
    robot.refresh_from_db()
    assert (robot.url, robot.secret, robot.enabled) == (url, "SECverylongsecret42", False)
    audit = AuditEvent.objects.filter(action__startswith="notify.robot_").order_by("id")
    assert [e.action for e in audit] == ["notify.robot_create", "notify.robot_update"]
    assert all("SECRET-TOKEN" not in str(e.detail) for e in audit)


def test_a_robot_on_a_host_off_the_list_is_refused(login_as, client, sysadmin, dept):
    login_as(sysadmin)

    response = client.post(
        reverse("notify:admin_robots"),
        {"department": dept.pk, "kind": "wecom", "url": "https://evil.example.com/hook"},
    )
    plain = client.post(
        reverse("notify:admin_robots"),
        {"department": dept.pk, "kind": "wecom", "url": "http://qyapi.weixin.qq.com/x"},
    )

    assert (response.status_code, plain.status_code) == (400, 400)
    assert "not on the robot host allow-list" in response.content.decode()
    assert "https://" in plain.content.decode()
    assert RobotWebhook.objects.count() == 0


def test_the_allow_list_is_edited_by_the_system_administrator(login_as, client, sysadmin):
    login_as(sysadmin)
    assert set(RobotHost.objects.values_list("host", flat=True)) >= {
        "qyapi.weixin.qq.com",
        "oapi.dingtalk.com",
        "open.feishu.cn",
    }

    added = client.post(reverse("notify:admin_hosts"), {"host": "Robot.Example.CN"})
    bad = client.post(reverse("notify:admin_hosts"), {"host": "https://x.cn/path"})
    entry = RobotHost.objects.get(host="robot.example.cn")
    removed = client.post(reverse("notify:admin_host_delete", args=[entry.pk]))

    assert (added.status_code, bad.status_code, removed.status_code) == (302, 400, 302)
    assert not RobotHost.objects.filter(host="robot.example.cn").exists()
    assert AuditEvent.objects.filter(action="notify.robot_host_add").count() == 1
    assert AuditEvent.objects.filter(action="notify.robot_host_remove").count() == 1


@pytest.mark.parametrize("who", ["secadmin", "auditor", "staff", "org_manager"])
def test_others_cannot_edit_the_allow_list(request, login_as, client, who):
    login_as(request.getfixturevalue(who))
    before = RobotHost.objects.count()

    for name in ("notify:admin_hosts", "notify:admin_robots", "notify:admin_outbox"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("notify:admin_hosts"), {"host": "x.example.cn"}).status_code == 403
    assert RobotHost.objects.count() == before


def test_administrators_have_no_bell(login_as, client, sysadmin):
    login_as(sysadmin)

    assert client.get(reverse("notify:list")).status_code == 403


def test_bell_count_is_one_query(alice, django_assert_num_queries):
    _notify([alice], n=5)
    from zhongshu.notify.selectors import unread_count

    with django_assert_num_queries(1):
        assert unread_count(alice) == 5


def test_other_users_in_the_unit_see_nothing_of_mine(login_as, client, alice, unit):
    _notify([alice], n=2)
    other = UserFactory(unit=unit)
    login_as(other)

    page = client.get(reverse("notify:list"))

    assert page.context["rows"] == []
