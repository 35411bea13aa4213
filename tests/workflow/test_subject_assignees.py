"""A step whose people the item itself names (AssigneeRule.SUBJECT): e.g. the heads of the
departments a draft asks to countersign. Nobody named → the step is skipped and says so."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError

from tests.workflow.conftest import KIND, step
from tests.workflow.helpers import open_assignees
from zhongshu.workflow import registry, services
from zhongshu.workflow.models import AssigneeRule, RunEvent

pytestmark = pytest.mark.django_db

NAMED: list = []


@pytest.fixture
def named_source():
    """The test subject names whoever the test puts in NAMED."""
    spec = registry.get(KIND)
    replaced = dataclasses.replace(
        spec, assignee_sources={"reviewers": ("Reviewers", lambda obj: list(NAMED))}
    )
    registry._registry[KIND] = replaced
    NAMED.clear()
    yield NAMED
    registry._registry[KIND] = spec
    NAMED.clear()


def _route(unit, org_manager):
    return services.route_create(
        actor=org_manager,
        unit=unit,
        kind=KIND,
        name="会签",
        steps=[
            step("会签", AssigneeRule.SUBJECT, source="reviewers", mode="all"),
            step("处室审核", AssigneeRule.SUBMITTER_DEPARTMENT_HEAD),
        ],
    )


def test_the_people_the_item_names_countersign(
    named_source, people, unit, org_manager, make_request
):
    _route(unit, org_manager)
    named_source.extend([people["fin1"], people["fin2"]])

    run = services.run_start(actor=people["drafter"], subject=make_request())

    assert open_assignees(run) == {"fin1", "fin2"}


def test_a_step_naming_nobody_is_skipped_and_recorded(
    named_source, people, unit, org_manager, make_request
):
    _route(unit, org_manager)

    run = services.run_start(actor=people["drafter"], subject=make_request())

    assert open_assignees(run) == {"head"}
    skipped = RunEvent.objects.get(run=run, verb="skipped")
    assert skipped.params["reason"] == "none_named"


def test_people_of_another_unit_are_never_assigned(
    named_source, people, unit, org_manager, make_request
):
    from tests.factories import UserFactory

    _route(unit, org_manager)
    named_source.append(UserFactory(username="outsider"))

    run = services.run_start(actor=people["drafter"], subject=make_request())

    assert open_assignees(run) == {"head"}


def test_a_subject_step_needs_a_source_the_type_offers(named_source, unit, org_manager, people):
    with pytest.raises(ValidationError) as raised:
        services.route_create(
            actor=org_manager,
            unit=unit,
            kind=KIND,
            name="坏路由",
            steps=[step("会签", AssigneeRule.SUBJECT, source="nope")],
        )

    assert "choose whom the item names" in str(raised.value)
