"""A small organisation and a three-step route with a 会签 step for the engine's tests."""

from decimal import Decimal

import pytest

from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.testapp.models import Request
from zhongshu.workflow import services
from zhongshu.workflow.models import AssigneeRule

KIND = "testapp.request"


@pytest.fixture
def people(unit, office):
    """Drafter in 业务处; its head and leader in charge; two finance officers; the principal."""
    business = DepartmentFactory(unit=unit, name="业务处", code="YWC")
    finance = DepartmentFactory(unit=unit, name="财务处", code="CWC")
    p = {
        "drafter": UserFactory(unit=unit, username="drafter", full_name="起草人"),
        "head": UserFactory(unit=unit, username="head", full_name="处长"),
        "leader": UserFactory(unit=unit, username="leader", full_name="分管领导"),
        "fin1": UserFactory(unit=unit, username="fin1", full_name="财务甲"),
        "fin2": UserFactory(unit=unit, username="fin2", full_name="财务乙"),
        "principal": UserFactory(unit=unit, username="principal", full_name="局长"),
        "office_head": UserFactory(unit=unit, username="officehead", full_name="办公室主任"),
        "colleague": UserFactory(unit=unit, username="colleague", full_name="同事"),
    }
    MembershipFactory(user=p["drafter"], department=business)
    MembershipFactory(user=p["head"], department=business)
    MembershipFactory(user=p["colleague"], department=business)
    MembershipFactory(user=p["fin1"], department=finance)
    MembershipFactory(user=p["fin2"], department=finance)
    MembershipFactory(user=p["office_head"], department=office)
    business.head = p["head"]
    business.leader_in_charge = p["leader"]
    business.save()
    finance.head = p["fin1"]
    finance.leader_in_charge = p["leader"]
    finance.save()
    office.head = p["office_head"]
    office.leader_in_charge = p["leader"]
    office.save()
    unit.principal = p["principal"]
    unit.save()
    p["business"], p["finance"] = business, finance
    return p


def step(name, rule, **kw):
    return {"name": name, "rule": rule, **kw}


@pytest.fixture
def route(people, unit, org_manager):
    """处室审核 → 财务会签 (all) → 分管领导 → 局长 (only when amount ≥ 5000)."""
    return services.route_create(
        actor=org_manager,
        unit=unit,
        kind=KIND,
        name="经费申请",
        steps=[
            step("处室审核", AssigneeRule.SUBMITTER_DEPARTMENT_HEAD, batch_allowed=True),
            step(
                "财务会签",
                AssigneeRule.ROLE_IN_DEPARTMENT,
                department=people["finance"],
                mode="all",
                due_working_days=2,
            ),
            step("分管领导", AssigneeRule.LEADER_IN_CHARGE, cc=[people["colleague"]]),
            step(
                "局长审批",
                AssigneeRule.PRINCIPAL,
                condition_field="amount",
                condition_op="gte",
                condition_value="5000",
            ),
        ],
    )


@pytest.fixture
def make_request(unit, people):
    def _make(amount="1000", by=None, title="采购办公用品", classification=0):
        return Request.objects.create(
            unit=unit,
            title=title,
            amount=Decimal(amount),
            classification=classification,
            created_by=by or people["drafter"],
        )

    return _make
