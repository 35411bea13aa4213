"""The inbox and decisions through the API: the same route walked, 404 / 409 / 400."""

import pytest
from rest_framework.test import APIClient

from tests.workflow.helpers import open_item
from zhongshu.workflow import services
from zhongshu.workflow.models import RunState, WorkItem

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def decide(user, item, **data):
    return api(user).post(f"/api/work-items/{item.pk}/decide/", data, format="json")


def test_the_request_walks_the_three_step_route_through_the_api(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())

    todo = api(people["head"]).get("/api/inbox/?box=todo")
    assert todo.status_code == 200
    [row] = todo.json()["results"]
    assert (row["title"], row["step"], row["run"]) == ("采购办公用品", "处室审核", run.pk)
    assert todo.json()["next"] is None

    assert (
        decide(people["head"], open_item(run, people["head"]), decision="approve").status_code
        == 200
    )
    for who in ("fin1", "fin2"):
        response = decide(
            people[who], open_item(run, people[who]), decision="approve", opinion="同意"
        )
        assert response.status_code == 200
    response = decide(people["leader"], open_item(run, people["leader"]), decision="approve")

    assert response.status_code == 200
    assert response.json()["run_state"] == RunState.APPROVED
    mine = api(people["drafter"]).get("/api/inbox/?box=mine").json()["results"]
    assert [(r["id"], r["state"]) for r in mine] == [(run.pk, "approved")]
    done = api(people["fin1"]).get("/api/inbox/?box=done").json()["results"]
    assert [r["step"] for r in done] == ["财务会签"]


def test_keyset_cursor_over_the_api(route, people, make_request):
    for n in range(5):
        services.run_start(actor=people["drafter"], subject=make_request(title=f"申请{n}"))
    client = api(people["head"])

    first = client.get("/api/inbox/?box=todo&page_size=3").json()
    second = client.get(
        "/api/inbox/", {"box": "todo", "page_size": 3, "after": first["next"]}
    ).json()

    titles = [r["title"] for r in first["results"] + second["results"]]
    assert sorted(titles) == [f"申请{n}" for n in range(5)]
    assert second["next"] is None


def test_someone_not_on_the_step_gets_404_and_nothing_changes(
    route, people, make_request, org_manager
):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])

    for outsider in (org_manager, people["leader"]):
        assert decide(outsider, item, decision="approve").status_code == 404

    item.refresh_from_db()
    assert item.state == "open"


def test_deciding_twice_is_409_naming_who_handled_it(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])
    assert decide(people["head"], item, decision="approve").status_code == 200

    again = decide(people["head"], item, decision="approve")

    assert again.status_code == 409
    assert "处长" in again.json()["detail"]


def test_a_double_submitted_request_with_one_key_decides_once(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])

    first = decide(people["head"], item, decision="approve", idempotency_key="abc")
    second = decide(people["head"], item, decision="approve", idempotency_key="abc")

    assert (first.status_code, second.status_code) == (200, 200)
    assert WorkItem.objects.filter(run=run, step_order=2, state="open").count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "nonsense"}, "decision"),
        ({}, "decision"),
        ({"decision": "return_to_drafter"}, "opinion"),
        ({"decision": "transfer", "opinion": "x", "to_user": 999999}, "to_user"),
        ({"decision": "return_to_step", "opinion": "x", "target_step": 3}, "target_step"),
        ({"decision": "resubmit"}, "non_field_errors"),
        ({"decision": "approve", "opinion": "x" * 3000}, "opinion"),
    ],
)
def test_bad_input_is_400_with_the_field(route, people, make_request, data, field):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])

    response = decide(people["head"], item, **data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    item.refresh_from_db()
    assert item.state == "open"


def test_bad_inbox_parameters_are_400(people):
    client = api(people["head"])

    assert client.get("/api/inbox/?box=everything").status_code == 400
    assert client.get("/api/inbox/?after=forged").status_code == 400
    assert client.get("/api/inbox/?page_size=0").status_code == 400


def test_administrators_are_refused(sysadmin):
    assert api(sysadmin).get("/api/inbox/").status_code == 403
