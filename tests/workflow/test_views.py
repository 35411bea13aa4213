"""The pages: inbox tabs and htmx table, the run page with its decision panel, batch approval,
route configuration and one's own opinions and delegation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.workflow.conftest import KIND
from tests.workflow.helpers import open_assignees, open_item
from zhongshu.core.models import AuditEvent
from zhongshu.workflow import services
from zhongshu.workflow.models import CommonOpinion, Delegation, Route, RunState

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(route, people, make_request):
    return services.run_start(actor=people["drafter"], subject=make_request())


def test_inbox_lists_the_todo_and_the_badge_counts_it(client, run, people):
    login(client, people["head"])

    page = client.get(reverse("workflow:inbox"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "采购办公用品" in body and "处室审核" in body
    assert 'topbar-badge">1<' in body


def test_inbox_htmx_refresh_returns_the_table_only(client, run, people):
    login(client, people["head"])

    part = client.get(reverse("workflow:inbox") + "?box=todo&urgency=0", HTTP_HX_REQUEST="true")

    body = part.content.decode()
    assert part.status_code == 200
    assert body.lstrip().startswith('<div id="inbox-table"')
    assert "采购办公用品" in body


@pytest.mark.parametrize("box", ["todo", "done", "mine", "cc", "bogus"])
def test_every_tab_renders(client, run, people, box, django_assert_max_num_queries):
    login(client, people["drafter"])

    response = client.get(reverse("workflow:inbox"), {"box": box, "after": "junk"})

    assert response.status_code == 200


def test_run_page_shows_route_record_and_decision_panel(client, run, people):
    CommonOpinion.objects.create(user=people["head"], text="同意，请财务处审核")
    login(client, people["head"])

    page = client.get(reverse("workflow:run_detail", args=[run.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "财务会签" in body and "分管领导" in body
    assert 'data-opinion="同意，请财务处审核"' in body
    assert 'value="approve"' in body and "btn-primary" in body
    assert reverse("workflow:decide", args=[open_item(run, people["head"]).pk]) in body


def test_deciding_in_the_page_records_the_decision(client, run, people):
    item = open_item(run, people["head"])
    login(client, people["head"])

    response = client.post(
        reverse("workflow:decide", args=[item.pk]),
        {"decision": "approve", "opinion": "同意", "idempotency_key": "k"},
    )

    assert response.status_code == 302
    assert open_assignees(run) == {"fin1", "fin2"}
    page = client.get(reverse("workflow:run_detail", args=[run.pk])).content.decode()
    assert "同意" in page and "处长" in page


def test_a_return_without_opinion_is_refused_in_the_page(client, run, people):
    item = open_item(run, people["head"])
    login(client, people["head"])

    response = client.post(
        reverse("workflow:decide", args=[item.pk]), {"decision": "return_to_drafter"}
    )

    assert response.status_code == 400
    assert "Give your opinion or reason." in response.content.decode()
    assert open_assignees(run) == {"head"}


def test_a_manager_not_on_the_step_gets_404_and_it_is_audited(client, run, people, org_manager):
    item = open_item(run, people["head"])
    login(client, org_manager)

    response = client.post(reverse("workflow:decide", args=[item.pk]), {"decision": "approve"})

    assert response.status_code == 404
    assert client.get(reverse("workflow:run_detail", args=[run.pk])).status_code == 404
    assert open_assignees(run) == {"head"}
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(item.pk)).exists()


def test_deciding_twice_in_the_page_is_409_with_who_handled_it(client, run, people):
    item = open_item(run, people["head"])
    login(client, people["head"])
    client.post(reverse("workflow:decide", args=[item.pk]), {"decision": "approve"})

    again = client.post(reverse("workflow:decide", args=[item.pk]), {"decision": "approve"})

    assert again.status_code == 409
    assert "Already handled by 处长." in again.content.decode()


def test_the_delegate_is_shown_as_acting_for_the_person(client, route, people, make_request):
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
    login(client, people["colleague"])
    client.post(
        reverse("workflow:decide", args=[item.pk]), {"decision": "approve", "opinion": "好"}
    )

    page = client.get(reverse("workflow:run_detail", args=[run.pk])).content.decode()

    assert "同事" in page and "(for 处长)" in page


def test_withdraw_button_until_the_first_decision(client, run, people):
    login(client, people["drafter"])
    assert "Withdraw" in client.get(reverse("workflow:run_detail", args=[run.pk])).content.decode()

    client.post(reverse("workflow:withdraw", args=[run.pk]))

    run.refresh_from_db()
    assert run.state == RunState.WITHDRAWN


def test_batch_approve_only_where_the_step_allows(client, route, people, make_request):
    runs = [
        services.run_start(actor=people["drafter"], subject=make_request(title=f"批量{n}"))
        for n in range(3)
    ]
    items = [open_item(r, people["head"]) for r in runs]
    login(client, people["head"])
    assert "Approve selected" in client.get(reverse("workflow:inbox")).content.decode()

    client.post(reverse("workflow:batch_approve"), {"items": [i.pk for i in items]})

    for r in runs:
        assert open_assignees(r) == {"fin1", "fin2"}
    fin_item = open_item(runs[0], people["fin1"])  # 会签 step: no batch approval
    login(client, people["fin1"])
    client.post(reverse("workflow:batch_approve"), {"items": [fin_item.pk]})
    fin_item.refresh_from_db()
    assert fin_item.state == "open"


def test_office_creates_and_edits_a_route_in_pages(client, people, org_manager, unit):
    org_manager.unit = unit
    login(client, org_manager)
    assert client.get(reverse("workflow:route_create")).status_code == 200
    data = {
        "name": "经费申请",
        "kind": KIND,
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-name": "处室审核",
        "steps-0-rule": "submitter_head",
        "steps-0-mode": "one",
        "steps-0-due_working_days": "2",
        "steps-1-name": "局长",
        "steps-1-rule": "principal",
        "steps-1-mode": "one",
        "steps-1-condition_field": "amount",
        "steps-1-condition_op": "gte",
        "steps-1-condition_value": "5000",
    }

    response = client.post(reverse("workflow:route_create"), data)

    route = Route.objects.get(active=True)
    assert response.status_code == 302
    assert [s.name for s in route.steps.all()] == ["处室审核", "局长"]
    assert client.get(reverse("workflow:route_list")).status_code == 200
    edit = client.get(reverse("workflow:route_edit", args=[route.pk]))
    assert edit.status_code == 200 and "处室审核" in edit.content.decode()

    data.update({"steps-1-rule": "person", "steps-1-person": ""})
    refused = client.post(reverse("workflow:route_edit", args=[route.pk]), data)
    assert refused.status_code == 200
    assert "choose an active person of this unit" in refused.content.decode()
    assert Route.objects.filter(active=True).get() == route


def test_staff_cannot_configure_routes(client, staff):
    login(client, staff)

    assert client.get(reverse("workflow:route_list")).status_code == 403


def test_my_settings_common_opinions_and_delegation(client, people):
    me = people["head"]
    login(client, me)
    url = reverse("workflow:settings")

    client.post(url, {"action": "add_opinion", "op-text": "同意"})
    client.post(
        url,
        {
            "action": "set_delegation",
            "dg-delegate": people["colleague"].pk,
            "dg-starts_on": "2026-11-26",
            "dg-ends_on": "2026-11-30",
        },
    )

    assert list(CommonOpinion.objects.filter(user=me).values_list("text", flat=True)) == ["同意"]
    delegation = Delegation.objects.get(person=me, deleted_at__isnull=True)
    assert delegation.delegate == people["colleague"]
    page = client.get(url).content.decode()
    assert "同意" in page and "同事" in page


def test_inbox_page_queries_do_not_grow_with_the_rows(client, route, people, make_request):
    login(client, people["head"])
    services.run_start(actor=people["drafter"], subject=make_request(title="一"))
    client.get(reverse("workflow:inbox"))  # first request of a session writes it
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workflow:inbox"))
    for n in range(15):
        services.run_start(actor=people["drafter"], subject=make_request(title=f"多{n}"))
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("workflow:inbox")).content.decode()

    assert "多14" in body
    # 13: the shell's navigation asks once whether the user is in the general office (documents).
    assert len(many) == len(few) <= 13


def test_inbox_auto_refresh_is_marked_as_polling_so_sessions_still_go_idle(client, people):
    """The idle timeout ignores requests with X-Zhongshu-Poll (CONVENTIONS.md, sessions)."""
    login(client, people["head"])
    html = client.get(reverse("workflow:inbox")).content.decode()
    assert 'hx-trigger="every 60s"' in html
    assert "X-Zhongshu-Poll" in html
