"""A request walks its route: steps, 会签, conditions, skips, fallbacks and route versions."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UserFactory
from tests.workflow.conftest import KIND, step
from tests.workflow.helpers import open_assignees, open_item, verbs
from zhongshu.core.models import AuditEvent
from zhongshu.workflow import services
from zhongshu.workflow.errors import WorkflowError
from zhongshu.workflow.models import AssigneeRule, ItemState, Run, RunState, WorkItem

pytestmark = pytest.mark.django_db


def test_three_step_route_with_countersign_walks_to_approval(route, people, make_request):
    request = make_request(amount="1000")

    run = services.run_start(actor=people["drafter"], subject=request)
    assert open_assignees(run) == {"head"}
    item = open_item(run, people["head"])
    assert (item.title, item.url, item.kind) == ("采购办公用品", f"/requests/{request.pk}/", KIND)

    services.decide(actor=people["head"], item=item, decision="approve", opinion="同意")
    assert open_assignees(run) == {"fin1", "fin2"}
    assert WorkItem.objects.filter(run=run, step_order=2).first().due_at is not None

    services.decide(actor=people["fin1"], item=open_item(run, people["fin1"]), decision="approve")
    # 会签: the step waits for everyone.
    assert open_assignees(run) == {"fin2"}
    services.decide(actor=people["fin2"], item=open_item(run, people["fin2"]), decision="approve")
    assert open_assignees(run) == {"leader"}
    assert WorkItem.objects.filter(run=run, is_cc=True, assignee=people["colleague"]).count() == 1

    services.decide(
        actor=people["leader"], item=open_item(run, people["leader"]), decision="approve"
    )

    run.refresh_from_db()
    request.refresh_from_db()
    assert run.state == RunState.APPROVED
    assert run.finished_at is not None
    assert request.state == "approved"  # the subject's callback heard it
    assert ("skipped", 4) in verbs(run)  # amount < 5000: no principal step
    assert AuditEvent.objects.filter(action="workflow.approve", object_id=str(run.pk)).count() == 4


def test_condition_amount_over_5000_adds_the_principal_step(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request(amount="5000"))
    for who in ("head", "fin1", "fin2", "leader"):
        services.decide(actor=people[who], item=open_item(run, people[who]), decision="approve")

    assert open_assignees(run) == {"principal"}
    services.decide(
        actor=people["principal"], item=open_item(run, people["principal"]), decision="approve"
    )
    run.refresh_from_db()
    assert run.state == RunState.APPROVED


def test_a_step_whose_assignee_is_the_submitter_is_skipped_and_recorded(
    route, people, make_request
):
    request = make_request(by=people["head"])

    run = services.run_start(actor=people["head"], subject=request)

    assert open_assignees(run) == {"fin1", "fin2"}
    assert verbs(run)[:3] == [("started", None), ("skipped", 1), ("step_started", 2)]
    assert run.events.get(verb="skipped").params == {"reason": "submitter"}


def test_countersign_drops_the_submitter_but_keeps_the_others(route, people, make_request):
    request = make_request(by=people["fin1"])
    # fin1 has no department head above them except themself (finance head is fin1).
    run = services.run_start(actor=people["fin1"], subject=request)

    assert open_assignees(run) == {"fin2"}


def test_a_step_resolving_to_nobody_goes_to_the_general_office_with_a_warning(
    route, people, make_request
):
    people["business"].head = None
    people["business"].save()

    run = services.run_start(actor=people["drafter"], subject=make_request())

    assert open_assignees(run) == {"officehead"}
    warning = run.events.get(verb="warning")
    assert warning.params == {"reason": "nobody", "fallback": people["office_head"].pk}


def test_a_route_with_a_step_that_can_resolve_to_nobody_is_refused(people, unit, org_manager):
    people["business"].head = None
    people["business"].save()

    with pytest.raises(ValidationError) as caught:
        services.route_create(
            actor=org_manager,
            unit=unit,
            kind=KIND,
            name="坏路线",
            steps=[
                step("处室审核", AssigneeRule.SUBMITTER_DEPARTMENT_HEAD),
                step("某人", AssigneeRule.PERSON),
            ],
        )

    messages = caught.value.message_dict["steps"]
    assert len(messages) == 2
    assert "业务处" in messages[0]
    assert not Run.objects.exists()


def test_editing_a_route_makes_a_version_and_runs_in_flight_keep_theirs(
    route, people, make_request, org_manager
):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    services.decide(actor=people["head"], item=open_item(run, people["head"]), decision="approve")

    new = services.route_update(
        actor=org_manager,
        route=route,
        name="经费申请",
        steps=[step("局长审批", AssigneeRule.PRINCIPAL)],
    )

    route.refresh_from_db()
    assert (new.revision, new.family, new.active) == (2, route.family, True)
    assert route.active is False
    for who in ("fin1", "fin2", "leader"):
        services.decide(actor=people[who], item=open_item(run, people[who]), decision="approve")
    run.refresh_from_db()
    assert run.state == RunState.APPROVED and run.route_id == route.pk
    second = services.run_start(actor=people["drafter"], subject=make_request(title="第二件"))
    assert second.route_id == new.pk and open_assignees(second) == {"principal"}


def test_a_subject_cannot_start_two_live_runs(route, people, make_request):
    request = make_request()
    services.run_start(actor=people["drafter"], subject=request)

    with pytest.raises(WorkflowError, match="already in approval"):
        services.run_start(actor=people["drafter"], subject=request)
    assert Run.objects.count() == 1


def test_a_start_that_fails_half_way_leaves_nothing_behind(
    route, people, make_request, monkeypatch
):
    """The run, its events and its first items are written together or not at all."""
    request = make_request()

    def broken(ctx, *, start_at):
        raise RuntimeError("the first step could not be opened")

    monkeypatch.setattr(services, "_advance", broken)
    with pytest.raises(RuntimeError):
        services.run_start(actor=people["drafter"], subject=request)
    assert not Run.objects.exists()
    assert not WorkItem.objects.exists()


def test_no_route_for_the_type_is_a_clear_error(people, make_request):
    with pytest.raises(WorkflowError, match="No approval route"):
        services.run_start(actor=people["drafter"], subject=make_request())


def test_inactive_people_are_not_resolved(route, people, make_request, unit):
    people["fin2"].is_active = False
    people["fin2"].save()
    run = services.run_start(actor=people["drafter"], subject=make_request())
    services.decide(actor=people["head"], item=open_item(run, people["head"]), decision="approve")

    assert open_assignees(run) == {"fin1"}
    assert WorkItem.objects.filter(run=run, state=ItemState.OPEN).exclude(is_cc=True).count() == 1
    assert UserFactory  # factories stay importable for the next tests
