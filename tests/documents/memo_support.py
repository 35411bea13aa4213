"""Fixtures and helpers for internal memos (签报): the drafting department with its head and its
leader in charge (a deputy), the office's head, the principal."""

import pytest

from zhongshu.documents import services_memo
from zhongshu.documents.models import Memo
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow import services as workflow

TITLE = "关于举办全市食品安全业务培训班的请示"
BODY = "为提升基层监管能力，拟于12月中旬举办培训班，经费约3万元，从业务经费列支。\n妥否，请批示。"


@pytest.fixture
def memo_org(org, leaders):
    """``org`` (drafter, head, colleague, office_head, principal…) with the deputy as the
    business department's leader in charge, and a second deputy."""
    from tests.factories import MembershipFactory, PositionFactory, UserFactory

    business = org["business"]
    business.leader_in_charge = leaders["deputy"]
    business.save()
    post = PositionFactory(unit=business.unit, name="党组成员", rank=3, is_leader=True)
    other = UserFactory(unit=business.unit, username="deputy2", full_name="孙副局长", clearance=2)
    MembershipFactory(user=other, department=leaders["board"], position=post)
    return {**org, "deputy": leaders["deputy"], "deputy2": other, "board": leaders["board"]}


def fresh(memo) -> Memo:
    return Memo.objects.get(pk=memo.pk)


def draft(people, **data) -> Memo:
    fields = {"title": TITLE, "body": BODY, **data}
    return services_memo.memo_create(actor=people["drafter"], data=fields)


def submitted(people, **data) -> Memo:
    memo = draft(people, **data)
    return services_memo.memo_submit(
        actor=people["drafter"], memo=memo, expected_version=memo.version
    )


def item_of(user, memo):
    run = services_memo.current_run(memo)
    items = workflow_selectors.open_items_for(user, run)
    assert items, f"{user} holds nothing on {memo}"
    return items[0]


def decide(user, memo, decision="approve", opinion="", **kwargs) -> Memo:
    workflow.decide(
        actor=user, item=item_of(user, memo), decision=decision, opinion=opinion, **kwargs
    )
    return fresh(memo)
