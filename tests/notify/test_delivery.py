"""Delivery to a local HTTP server: the exact JSON of each robot, signatures, retries, failures."""

import base64
import hashlib
import hmac
import urllib.parse
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from zhongshu.notify import delivery, services
from zhongshu.notify.models import OutboxMessage, OutboxStatus, RobotHost
from zhongshu.notify.tasks import relay_outbox

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://oa.example.cn/work/runs/7/"


def _notify(recipients, **kwargs):
    defaults = {"event": "work.assigned", "title": "采购办公用品", "url": "/work/runs/7/"}
    with transaction.atomic():
        return services.notify(recipients=recipients, **{**defaults, **kwargs})


def _robot_rows():
    return OutboxMessage.objects.exclude(channel="email")


def test_each_robot_gets_the_json_it_expects(alice, make_robot, robot_server):
    make_robot("wecom")
    make_robot("feishu")
    make_robot("dingtalk", secret="SECabc123")

    _notify([alice])

    by_path = {r["path"].split("?")[0]: r for r in robot_server.requests}
    assert by_path["/wecom"]["json"] == {
        "msgtype": "markdown",
        "markdown": {"content": f"Alice: New item to handle: 采购办公用品\n[{LINK}]({LINK})"},
    }
    assert by_path["/feishu"]["json"] == {
        "msg_type": "text",
        "content": {"text": f"Alice: New item to handle: 采购办公用品\n{LINK}"},
    }
    assert by_path["/dingtalk"]["json"] == {
        "msgtype": "markdown",
        "markdown": {
            "title": "Zhongshu",
            "text": f"Alice: New item to handle: 采购办公用品\n\n[{LINK}]({LINK})",
        },
    }
    assert {r["ctype"] for r in robot_server.requests} == {"application/json; charset=utf-8"}
    assert set(_robot_rows().values_list("status", "attempts")) == {("sent", 1)}


def test_dingtalk_url_is_signed(alice, make_robot, robot_server):
    make_robot("dingtalk", secret="SECabc123")

    _notify([alice])

    (request,) = robot_server.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECabc123", f"{timestamp}\nSECabc123".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["access_token"] == ["tok"]
    assert query["sign"] == [expected]
    assert abs(int(timestamp) - timezone.now().timestamp() * 1000) < 60_000
    # The sign is URL-encoded in the request line (base64 carries + / =).
    assert f"sign={urllib.parse.quote_plus(expected)}" in request["path"]


def test_classified_items_reach_robots_without_their_title(alice, make_robot, robot_server):
    make_robot("wecom")
    make_robot("feishu")

    _notify([alice], classification=1, title="内部机构调整方案")

    bodies = [str(r["json"]) for r in robot_server.requests]
    assert len(bodies) == 2
    assert all("内部机构调整方案" not in b for b in bodies)
    assert robot_server.requests[0]["json"]["msg_type" if "msg_type" in bodies[0] else "msgtype"]
    texts = {r["path"].split("?")[0]: r["json"] for r in robot_server.requests}
    assert texts["/feishu"]["content"]["text"] == f"Alice: You have a new item to handle.\n{LINK}"


def _advance_and_relay(times):
    for _ in range(times):
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        relay_outbox.call_local()


def test_a_500_is_retried_then_failed_and_others_still_go(alice, bob, make_robot, robot_server):
    robot_server.status["/wecom"] = 500
    make_robot("wecom")

    _notify([alice])
    row = _robot_rows().get()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "robot answered HTTP 500")
    assert row.next_attempt_at > timezone.now()

    _advance_and_relay(6)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 5)
    assert len([r for r in robot_server.requests if r["path"].startswith("/wecom")]) == 5
    assert "tok" not in row.last_error
    # The e-mail of the same event went out at once.
    assert OutboxMessage.objects.get(channel="email").status == "sent"


def test_a_timeout_is_retried_then_failed(alice, make_robot, robot_server, monkeypatch):
    monkeypatch.setattr(delivery, "TIMEOUT", 0.2)
    robot_server.delay["/slow"] = 0.5
    make_robot("feishu", path="/slow")

    _notify([alice])
    _advance_and_relay(5)

    row = _robot_rows().get()
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        5,
        "robot did not answer in time",
    )


def test_a_host_off_the_allow_list_fails_without_any_request(alice, make_robot, robot_server):
    robot = make_robot("wecom")
    robot.url = robot.url.replace("127.0.0.1", "localhost")
    robot.save()

    _notify([alice])

    row = _robot_rows().get()
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        1,
        "robot host localhost is not on the allow-list",
    )
    assert robot_server.requests == []


def test_plain_http_is_refused_without_the_loopback_setting(
    alice, make_robot, robot_server, settings
):
    settings.NOTIFY_ROBOT_ALLOW_LOOPBACK = False
    make_robot("wecom")

    _notify([alice])

    row = _robot_rows().get()
    assert (row.status, row.last_error) == ("failed", "robot address is not https")
    assert robot_server.requests == []
    assert RobotHost.objects.filter(host="127.0.0.1").exists()


def test_a_sent_row_is_never_sent_again(alice, make_robot, robot_server):
    make_robot("wecom")
    _notify([alice])
    row = _robot_rows().get()

    assert delivery.deliver_now(row.pk) == ""  # already sent: skipped
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    relay_outbox.call_local()

    assert len(robot_server.requests) == 1


def test_the_relay_picks_up_a_row_whose_task_was_lost(alice, make_robot, robot_server, monkeypatch):
    make_robot("wecom")
    monkeypatch.setattr(services, "_enqueue", lambda ids: None)  # the consumer died
    _notify([alice])
    assert robot_server.requests == []

    relay_outbox.call_local()  # too early: the grace period has not passed
    assert robot_server.requests == []
    _advance_and_relay(1)

    assert len(robot_server.requests) == 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_email_goes_out_in_the_recipients_language(alice, bob, mailoutbox, settings):
    settings.SITE_URL = "https://oa.example.cn"
    _notify([alice, bob])

    subjects = {m.to[0]: m.subject for m in mailoutbox}
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert subjects["alice@example.cn"] == "[Zhongshu] New item to handle: 采购办公用品"
    assert subjects["bob@example.cn"].startswith("[中枢] ")
    assert "Classification: Public" in bodies["alice@example.cn"]
    assert "公开" in bodies["bob@example.cn"]
    assert "https://oa.example.cn/work/runs/7/" in bodies["alice@example.cn"]
