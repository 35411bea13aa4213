"""Decisions on work items: returns, rejection, resubmission, withdrawal, transfer, 加签, 回退,
delegation, and who may decide."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.workflow.conftest import KIND, step
from tests.workflow.helpers import open_assignees, open_item
from zhongshu.workflow import services
from zhongshu.workflow.errors import AlreadyHandled, NotYours, WorkflowError
from zhongshu.workflow.models import AssigneeRule, ItemState, RunEvent, RunState, WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_countersign(route, people, make_request):
    """A run waiting at the 财务会签 step (fin1 and fin2)."""
    run = services.run_start(actor=people["drafter"], subject=make_request())
    services.decide(actor=people["head"], item=open_item(run, people["head"]), decision="approve")
    return run


def approve(run, people, who):
    return services.decide(actor=people[who], item=open_item(run, people[who]), decision="approve")


@pytest.mark.parametrize("decision", ["return_to_drafter", "reject"])
def test_return_or_rejection_on_a_countersign_step_cancels_the_other_items(
    at_countersign, people, decision
):
    run = at_countersign
    fin2_item = open_item(run, people["fin2"])

    services.decide(
        actor=people["fin1"], item=open_item(run, people["fin1"]), decision=decision, opinion="不符"
    )

    fin2_item.refresh_from_db()
    assert fin2_item.state == ItemState.CANCELLED
    assert fin2_item.decided_by == people["fin1"]
    run.refresh_from_db()
    expected = RunState.RETURNED if decision == "return_to_drafter" else RunState.REJECTED
    assert run.state == expected
    with pytest.raises(AlreadyHandled, match="财务甲"):
        services.decide(actor=people["fin2"], item=fin2_item, decision="approve")


def test_the_returned_step_is_named_in_the_sites_language_not_the_actors(
    at_countersign, people, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    run = at_countersign

    with translation.override("en"):  # fin1 works in English
        services.decide(
            actor=people["fin1"],
            item=open_item(run, people["fin1"]),
            decision="return_to_drafter",
            opinion="请补充预算明细",
        )

    returned = WorkItem.objects.get(run=run, step_order=0)
    assert returned.step_name == "退回拟稿人"


def test_a_return_needs_an_opinion_and_nothing_changes_without_one(at_countersign, people):
    run = at_countersign
    item = open_item(run, people["fin1"])

    with pytest.raises(ValidationError) as caught:
        services.decide(actor=people["fin1"], item=item, decision="return_to_drafter")

    assert "opinion" in caught.value.message_dict
    assert open_assignees(run) == {"fin1", "fin2"}


def test_resubmission_goes_back_to_the_step_that_returned_it(at_countersign, people):
    run = at_countersign
    approve(run, people, "fin1")
    approve(run, people, "fin2")
    services.decide(
        actor=people["leader"],
        item=open_item(run, people["leader"]),
        decision="return_to_drafter",
        opinion="请补充预算明细",
    )
    run.refresh_from_db()
    assert run.state == RunState.RETURNED
    assert open_assignees(run) == {"drafter"}

    services.resubmit(actor=people["drafter"], run=run, opinion="已补充")

    run.refresh_from_db()
    assert run.state == RunState.RUNNING
    assert open_assignees(run) == {"leader"}
    assert run.subject_id and run.current_step == 3


def test_return_to_previous_step(at_countersign, people):
    run = at_countersign
    approve(run, people, "fin1")
    approve(run, people, "fin2")

    services.decide(
        actor=people["leader"],
        item=open_item(run, people["leader"]),
        decision="return_previous",
        opinion="财务再看",
    )

    assert open_assignees(run) == {"fin1", "fin2"}


def test_return_to_a_chosen_earlier_step(at_countersign, people):
    run = at_countersign
    approve(run, people, "fin1")
    approve(run, people, "fin2")
    item = open_item(run, people["leader"])

    with pytest.raises(ValidationError):
        services.decide(
            actor=people["leader"], item=item, decision="return_to_step", opinion="x", target_step=3
        )
    services.decide(
        actor=people["leader"], item=item, decision="return_to_step", opinion="重审", target_step=1
    )

    assert open_assignees(run) == {"head"}
    assert RunEvent.objects.get(run=run, verb="return_to_step").params == {"target_step": 1}


def test_withdrawal_is_possible_until_the_first_decision(route, people, make_request):
    request = make_request()
    run = services.run_start(actor=people["drafter"], subject=request)
    with pytest.raises(NotYours):
        services.withdraw(actor=people["head"], run=run)

    services.withdraw(actor=people["drafter"], run=run)

    run.refresh_from_db()
    request.refresh_from_db()
    assert run.state == RunState.WITHDRAWN and request.state == "withdrawn"
    assert open_assignees(run) == set()
    # A withdrawn subject may start again.
    assert services.run_start(actor=people["drafter"], subject=request).state == RunState.RUNNING


def test_withdrawal_is_refused_after_a_decision(at_countersign, people):
    with pytest.raises(WorkflowError, match="already acted"):
        services.withdraw(actor=people["drafter"], run=at_countersign)
    at_countersign.refresh_from_db()
    assert at_countersign.state == RunState.RUNNING


def test_transfer_to_a_colleague_with_a_reason(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])
    with pytest.raises(ValidationError):
        services.decide(
            actor=people["head"], item=item, decision="transfer", to_user=people["colleague"]
        )

    services.decide(
        actor=people["head"],
        item=item,
        decision="transfer",
        opinion="出差，请同事办理",
        to_user=people["colleague"],
    )

    assert open_assignees(run) == {"colleague"}
    approve(run, people, "colleague")
    assert open_assignees(run) == {"fin1", "fin2"}


def test_add_signer_before_me_gives_the_step_back_after_them(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())

    services.decide(
        actor=people["head"],
        item=open_item(run, people["head"]),
        decision="add_signer_before",
        to_user=people["colleague"],
    )
    assert open_assignees(run) == {"colleague"}
    approve(run, people, "colleague")
    assert open_assignees(run) == {"head"}
    approve(run, people, "head")
    assert open_assignees(run) == {"fin1", "fin2"}


def test_add_signer_after_me_holds_the_step_until_they_approve(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())

    services.decide(
        actor=people["head"],
        item=open_item(run, people["head"]),
        decision="add_signer_after",
        to_user=people["colleague"],
    )
    assert open_assignees(run) == {"colleague"}
    approve(run, people, "colleague")
    assert open_assignees(run) == {"fin1", "fin2"}


def test_a_comment_keeps_the_item_open_and_is_recorded(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])

    services.decide(actor=people["head"], item=item, decision="comment", opinion="请注意时限")

    item.refresh_from_db()
    assert item.state == ItemState.OPEN
    assert RunEvent.objects.get(run=run, verb="comment").opinion == "请注意时限"


def test_a_delegate_decides_and_the_record_shows_both_names(route, people, make_request):
    today = timezone.localdate()
    services.delegation_set(
        actor=people["head"],
        delegate=people["colleague"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
    )
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = WorkItem.objects.get(run=run, state="open", is_cc=False)
    assert (item.assignee, item.delegate_for) == (people["colleague"], people["head"])

    services.decide(actor=people["colleague"], item=item, decision="approve", opinion="同意")

    event = RunEvent.objects.get(run=run, verb="approve")
    assert (event.actor, event.on_behalf_of) == (people["colleague"], people["head"])


def test_a_delegation_made_later_lets_the_delegate_decide_existing_items(
    route, people, make_request
):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    today = timezone.localdate()
    services.delegation_set(
        actor=people["head"], delegate=people["colleague"], starts_on=today, ends_on=today
    )

    services.decide(
        actor=people["colleague"], item=open_item(run, people["head"]), decision="approve"
    )

    event = RunEvent.objects.get(run=run, verb="approve")
    assert (event.actor, event.on_behalf_of) == (people["colleague"], people["head"])


def test_a_delegate_who_cannot_see_the_subject_gets_nothing(route, people, make_request):
    people["colleague"].clearance = 0
    people["colleague"].save()
    today = timezone.localdate()
    services.delegation_set(
        actor=people["head"], delegate=people["colleague"], starts_on=today, ends_on=today
    )

    run = services.run_start(actor=people["drafter"], subject=make_request(classification=2))

    assert open_assignees(run) == {"head"}
    with pytest.raises(NotYours):
        services.decide(
            actor=people["colleague"], item=open_item(run, people["head"]), decision="approve"
        )


def test_someone_not_on_the_step_cannot_decide(route, people, make_request, org_manager):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])

    for outsider in (org_manager, people["leader"], people["drafter"]):
        with pytest.raises(NotYours):
            services.decide(actor=outsider, item=item, decision="approve")

    item.refresh_from_db()
    assert item.state == ItemState.OPEN


def test_deciding_twice_names_who_handled_it(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])
    services.decide(actor=people["head"], item=item, decision="approve")

    with pytest.raises(AlreadyHandled) as caught:
        services.decide(actor=people["head"], item=item, decision="approve")

    assert caught.value.by == people["head"]
    assert "处长" in str(caught.value)


def test_the_same_idempotency_key_decides_once(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["head"])

    services.decide(actor=people["head"], item=item, decision="approve", idempotency_key="k1")
    services.decide(actor=people["head"], item=item, decision="approve", idempotency_key="k1")

    assert RunEvent.objects.filter(run=run, verb="approve").count() == 1
    assert open_assignees(run) == {"fin1", "fin2"}


def test_a_read_only_step_defaults_to_noted(people, unit, org_manager, make_request):
    services.route_create(
        actor=org_manager,
        unit=unit,
        kind=KIND,
        name="阅知",
        steps=[step("阅知", AssigneeRule.PERSON, person=people["leader"], read_only=True)],
    )
    run = services.run_start(actor=people["drafter"], subject=make_request())
    item = open_item(run, people["leader"])
    with pytest.raises(WorkflowError):
        services.decide(actor=people["leader"], item=item, decision="reject", opinion="否")

    services.decide(actor=people["leader"], item=item, decision="approve")

    item.refresh_from_db()
    assert item.opinion == "已阅"
    run.refresh_from_db()
    assert run.state == RunState.APPROVED


def test_an_unknown_decision_is_bad_input(route, people, make_request):
    run = services.run_start(actor=people["drafter"], subject=make_request())

    with pytest.raises(ValidationError):
        services.decide(actor=people["head"], item=open_item(run, people["head"]), decision="x")
