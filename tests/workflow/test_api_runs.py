"""A run and its handling record over the API, withdrawal by the submitter, and copies read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.workflow.helpers import open_item
from zhongshu.workflow import services
from zhongshu.workflow.models import Delegation, RunState, WorkItem

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def detail(user, run):
    return api(user).get(f"/api/runs/{run.pk}/")


def withdraw(user, run):
    return api(user).post(f"/api/runs/{run.pk}/withdraw/")


@pytest.fixture
def run(route, people, make_request):
    return services.run_start(actor=people["drafter"], subject=make_request())


def test_the_submitter_reads_the_run_with_its_route_and_record(run, people):
    response = detail(people["drafter"], run)

    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["title"], data["state"]) == (run.pk, "采购办公用品", "running")
    assert data["kind_label"] == "Request"
    assert data["submitter"] == {"id": people["drafter"].pk, "full_name": "起草人"}
    assert (data["current_step"], data["current_step_name"]) == (1, "处室审核")
    assert [(s["order"], s["status"], s["countersign"]) for s in data["steps"]] == [
        (1, "current", False),
        (2, "waiting", True),
        (3, "waiting", False),
        (4, "waiting", False),
    ]
    assert data["steps"][0]["holders"] == ["处长"]
    assert [(e["verb"], e["text"]) for e in data["events"]] == [
        ("started", "submitted it"),
        ("step_started", "step started"),
    ]
    assert data["events"][0]["actor"] == {"id": people["drafter"].pk, "full_name": "起草人"}
    assert data["can_withdraw"] is True
    assert data["open_items"] == []


def test_the_record_lists_decisions_in_order_with_opinions(run, people):
    head_item = open_item(run, people["head"])
    services.decide(actor=people["head"], item=head_item, decision="approve", opinion="同意")
    fin_item = open_item(run, people["fin1"])
    services.decide(
        actor=people["fin1"],
        item=fin_item,
        decision="transfer",
        opinion="请同事核对",
        to_user=people["colleague"],
    )

    data = detail(people["drafter"], run).json()

    decisions = [
        (e["verb"], e["actor"]["full_name"], e["opinion"], e["text"])
        for e in data["events"]
        if e["actor"]
    ]
    assert decisions == [
        ("started", "起草人", "", "submitted it"),
        ("approve", "处长", "同意", "approved"),
        ("transfer", "财务甲", "请同事核对", "transferred it to 同事"),
    ]
    assert data["can_withdraw"] is False


def test_an_approver_sees_the_items_they_may_decide(run, people):
    item = open_item(run, people["head"])

    data = detail(people["head"], run).json()

    assert data["open_items"] == [
        {
            "id": item.pk,
            "step_order": 1,
            "step_name": "处室审核",
            "read_only": False,
            "due_at": None,
            "acting_for": None,
        }
    ]
    assert data["can_withdraw"] is False


def test_a_delegate_is_shown_as_acting_for_the_person(route, people, make_request):
    today = timezone.localdate()
    Delegation.objects.create(
        unit=people["head"].unit,
        person=people["head"],
        delegate=people["colleague"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
    )
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["colleague"])
    before = detail(people["colleague"], run).json()
    services.decide(actor=people["colleague"], item=item, decision="approve", opinion="好")

    data = detail(people["drafter"], run).json()

    assert before["open_items"][0]["acting_for"] == "for 处长"
    [event] = [e for e in data["events"] if e["verb"] == "approve"]
    assert event["actor"]["full_name"] == "同事"
    assert event["on_behalf_of"] == {"id": people["head"].pk, "full_name": "处长"}
    assert event["acting_for"] == "for 处长"
    assert event["opinion"] == "好"


def test_people_who_cannot_see_the_run_get_404(run, people, org_manager):
    stranger = UserFactory(username="stranger")  # another unit

    for outsider in (org_manager, people["leader"], stranger):
        assert detail(outsider, run).status_code == 404
    assert api(people["drafter"]).get("/api/runs/999999/").status_code == 404
    assert api(people["drafter"]).get("/api/runs/abc/").status_code == 404


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_the_three_administrators_are_refused(request, run, who):
    admin = request.getfixturevalue(who)

    assert detail(admin, run).status_code == 403
    assert withdraw(admin, run).status_code == 403
    run.refresh_from_db()
    assert run.state == RunState.RUNNING


def test_the_run_detail_query_count_does_not_grow_with_the_record(route, people, make_request):
    short = services.run_start(actor=people["drafter"], subject=make_request(title="短"))
    long = services.run_start(actor=people["drafter"], subject=make_request(title="长"))
    for n in range(4):
        services.decide(
            actor=people["head"],
            item=open_item(long, people["head"]),
            decision="comment",
            opinion=f"意见{n}",
        )
    services.decide(actor=people["head"], item=open_item(long, people["head"]), decision="approve")
    client = api(people["drafter"])

    with CaptureQueriesContext(connection) as few:
        client.get(f"/api/runs/{short.pk}/")
    with CaptureQueriesContext(connection) as many:
        data = client.get(f"/api/runs/{long.pk}/").json()

    assert len(data["events"]) > 5
    assert len(many) == len(few)


# --- Withdrawal ---------------------------------------------------------------------------------


def test_the_submitter_withdraws_before_anyone_acts(run, people, make_request):
    response = withdraw(people["drafter"], run)

    assert response.status_code == 200
    data = response.json()
    assert data["state"] == RunState.WITHDRAWN
    assert data["events"][-1]["verb"] == "withdrawn"
    assert data["can_withdraw"] is False
    assert not WorkItem.objects.filter(run=run, state="open").exists()


def test_an_approver_who_sees_the_run_cannot_withdraw_it(run, people):
    response = withdraw(people["head"], run)

    assert response.status_code == 404
    run.refresh_from_db()
    assert run.state == RunState.RUNNING


def test_people_who_cannot_see_the_run_get_404_on_withdraw(run, people, org_manager):
    for outsider in (org_manager, people["leader"]):
        assert withdraw(outsider, run).status_code == 404
    assert withdraw(people["drafter"], type(run)(pk=999999)).status_code == 404
    run.refresh_from_db()
    assert run.state == RunState.RUNNING


def test_withdrawing_after_the_first_decision_is_409(run, people):
    services.decide(actor=people["head"], item=open_item(run, people["head"]), decision="approve")

    response = withdraw(people["drafter"], run)

    assert response.status_code == 409
    assert "can no longer be withdrawn" in response.json()["detail"]
    run.refresh_from_db()
    assert run.state == RunState.RUNNING


def test_withdrawing_twice_is_409(run, people):
    assert withdraw(people["drafter"], run).status_code == 200

    again = withdraw(people["drafter"], run)

    assert again.status_code == 409
    assert again.json()["detail"] == "This approval has already ended."


def test_a_returned_run_can_be_withdrawn(run, people):
    services.decide(
        actor=people["head"],
        item=open_item(run, people["head"]),
        decision="return_to_drafter",
        opinion="请补充",
    )
    assert detail(people["drafter"], run).json()["can_withdraw"] is True

    response = withdraw(people["drafter"], run)

    assert response.status_code == 200
    assert response.json()["state"] == RunState.WITHDRAWN


# --- Copies ---------------------------------------------------------------------------------------


def test_reading_the_run_over_the_api_reads_the_copy_and_the_inbox_filters_unread(run, people):
    for who in ("head", "fin1", "fin2"):
        services.decide(actor=people[who], item=open_item(run, people[who]), decision="approve")
    client = api(people["colleague"])
    [row] = client.get("/api/inbox/?box=cc&unread=true").json()["results"]
    assert row["read_at"] is None

    assert client.get(f"/api/runs/{run.pk}/").status_code == 200

    assert client.get("/api/inbox/?box=cc&unread=true").json()["results"] == []
    [read] = client.get("/api/inbox/?box=cc&unread=false").json()["results"]
    assert read["read_at"] is not None
    assert client.get("/api/inbox/?box=todo").json()["results"] == []
