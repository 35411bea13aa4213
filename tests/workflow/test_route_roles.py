"""A route step naming a business role in a department, configured in the route page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import login
from tests.workflow.conftest import KIND, step
from tests.workflow.helpers import open_assignees
from zhongshu.org.models import Role, UserRole
from zhongshu.workflow import services
from zhongshu.workflow.models import AssigneeRule, Route

pytestmark = pytest.mark.django_db


def _route_data(**step_fields):
    data = {
        "name": "经费申请",
        "kind": KIND,
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-name": "财务审核",
        "steps-0-mode": "one",
    }
    data.update({f"steps-0-{k}": v for k, v in step_fields.items()})
    return data


def test_the_route_page_offers_the_business_roles(client, org_manager):
    login(client, org_manager)

    body = client.get(reverse("workflow:route_create")).content.decode()

    assert 'name="steps-0-role"' in body
    assert f'<option value="{Role.ORGANISATION}">' in body


def test_role_in_a_department_saved_in_the_page_resolves_at_run_time(
    client, people, org_manager, make_request
):
    UserRole.objects.create(user=people["fin2"], role=Role.ORGANISATION)
    login(client, org_manager)

    response = client.post(
        reverse("workflow:route_create"),
        _route_data(
            rule=AssigneeRule.ROLE_IN_DEPARTMENT,
            department=people["finance"].pk,
            role=Role.ORGANISATION,
        ),
    )

    assert response.status_code == 302
    route = Route.objects.get(active=True)
    [saved] = route.steps.all()
    assert (saved.rule, saved.department, saved.role) == (
        AssigneeRule.ROLE_IN_DEPARTMENT,
        people["finance"],
        Role.ORGANISATION,
    )
    edit = client.get(reverse("workflow:route_edit", args=[route.pk])).content.decode()
    assert f'<option value="{Role.ORGANISATION}" selected>' in edit

    run = services.run_start(actor=people["drafter"], subject=make_request())

    # Only the finance officer holding the role, not the other one (nor the department head).
    assert open_assignees(run) == {"fin2"}


def test_a_role_nobody_in_the_department_holds_is_refused_at_save(client, people, org_manager):
    UserRole.objects.create(user=people["fin2"], role=Role.ORGANISATION)  # finance, not business
    login(client, org_manager)

    response = client.post(
        reverse("workflow:route_create"),
        _route_data(
            rule=AssigneeRule.ROLE_IN_DEPARTMENT,
            department=people["business"].pk,
            role=Role.ORGANISATION,
        ),
    )

    assert response.status_code == 200
    assert "nobody in the department holds this position or role" in response.content.decode()
    assert not Route.objects.exists()


def test_a_role_held_only_by_a_closed_account_is_refused(people, org_manager, unit):
    UserRole.objects.create(user=people["fin2"], role=Role.ORGANISATION)
    people["fin2"].is_active = False
    people["fin2"].save()

    with pytest.raises(ValidationError) as refused:
        services.route_create(
            actor=org_manager,
            unit=unit,
            kind=KIND,
            name="经费申请",
            steps=[
                step(
                    "财务审核",
                    AssigneeRule.ROLE_IN_DEPARTMENT,
                    department=people["finance"],
                    role=Role.ORGANISATION,
                )
            ],
        )

    assert "nobody in the department holds this position or role" in str(refused.value)
    assert not Route.objects.exists()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"rule": AssigneeRule.PRINCIPAL, "role": Role.ORGANISATION}, "a role applies only to"),
        ({"rule": AssigneeRule.ROLE_IN_DEPARTMENT, "role": "bogus"}, "choose a role"),
    ],
)
def test_a_role_with_another_rule_or_unknown_is_refused(people, org_manager, unit, fields, problem):
    with pytest.raises(ValidationError) as refused:
        services.route_create(
            actor=org_manager,
            unit=unit,
            kind=KIND,
            name="经费申请",
            steps=[{"name": "审核", "department": people["finance"], **fields}],
        )

    assert problem in str(refused.value)


def test_the_page_refuses_an_unknown_role(client, people, org_manager):
    login(client, org_manager)

    response = client.post(
        reverse("workflow:route_create"),
        _route_data(
            rule=AssigneeRule.ROLE_IN_DEPARTMENT, department=people["finance"].pk, role="bogus"
        ),
    )

    assert response.status_code == 200
    assert not Route.objects.exists()
