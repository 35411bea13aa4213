"""The engine tells people: new item, copy, decision on my item (through ``notify()``)."""

import pytest

from tests.workflow.helpers import open_item
from zhongshu.workflow import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    calls = []

    def fake_notify(**kwargs):
        calls.append(kwargs)
        return len(kwargs["recipients"])

    monkeypatch.setattr("zhongshu.notify.services.notify", fake_notify)
    return calls


def summary(calls):
    return [(c["event"], sorted(u.username for u in c["recipients"])) for c in calls]


def test_assigned_cc_and_decided_are_notified(route, people, make_request, sent):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    for who in ("head", "fin1", "fin2", "leader"):
        services.decide(actor=people[who], item=open_item(run, people[who]), decision="approve")

    assert summary(sent) == [
        ("work.assigned", ["head"]),
        ("work.assigned", ["fin1", "fin2"]),
        ("work.assigned", ["leader"]),
        ("work.cc", ["colleague"]),
        ("work.decided", ["drafter"]),
    ]
    last = sent[-1]
    assert last["url"] == f"/work/runs/{run.pk}/"
    assert (last["title"], last["classification"], last["unit_id"]) == (
        "采购办公用品",
        0,
        run.unit_id,
    )
    assert last["params"] == {"state": "approved"}


def test_a_return_tells_the_submitter(route, people, make_request, sent):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    services.decide(
        actor=people["head"],
        item=open_item(run, people["head"]),
        decision="return_to_drafter",
        opinion="补充材料",
    )

    assert summary(sent)[-1] == ("work.decided", ["drafter"])
    assert sent[-1]["params"] == {"decision": "return_to_drafter"}


def test_due_and_overdue_reminders_are_sent_once_a_day(route, people, make_request):
    import datetime

    from django.utils import timezone

    from zhongshu.notify.models import Notification

    run = services.run_start(actor=people["drafter"], subject=make_request())
    services.decide(actor=people["head"], item=open_item(run, people["head"]), decision="approve")
    now = timezone.now()
    late, soon = open_item(run, people["fin1"]), open_item(run, people["fin2"])
    late.due_at = now - datetime.timedelta(hours=2)
    late.save()
    soon.due_at = now + datetime.timedelta(hours=5)
    soon.save()

    services.remind_due(now=now)
    services.remind_due(now=now)  # a second consumer, the same day

    reminders = Notification.objects.filter(event__in=["work.overdue", "work.due_soon"])
    assert sorted(reminders.values_list("event", "recipient__username")) == [
        ("work.due_soon", "fin2"),
        ("work.overdue", "fin1"),
    ]
