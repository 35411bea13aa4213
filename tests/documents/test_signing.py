# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""签发 of 上行文 and important documents: by the 主要负责人 or the person they authorised
(条例 §20), whatever the route says."""

import datetime

import pytest
from django.utils import timezone

from tests.documents.drafting_support import make_document, org, route  # noqa: F401  (fixtures)
from tests.factories import MembershipFactory, PositionFactory, UnitFactory
from zhongshu.documents import rules, services
from zhongshu.documents.models import State
from zhongshu.workflow import services as workflow
from zhongshu.workflow.errors import WorkflowError
from zhongshu.workflow.models import AssigneeRule, ItemState, WorkItem


@pytest.fixture
def head_signs(unit, org, org_manager):
    """A route that (wrongly, for a 请示) sends 签发 to the drafting department's head."""
    return workflow.route_create(
        actor=org_manager,
        unit=unit,
        kind=rules.SUBJECT_KIND,
        name="科室发文",
        steps=[{"name": "签发", "rule": AssigneeRule.PERSON, "person": org["head"]}],
    )


TITLES = {
    "request": "关于申请抽检经费的请示",
    "notice": "关于开展抽检的通知",
    "letter": "关于商请协助的函",
}


def _submitted(org, **fields):
    fields.setdefault("title", TITLES[fields["kind"]])
    document = make_document(org, **fields)
    services.submit(actor=org["drafter"], document=document, expected_version=document.version)
    document.refresh_from_db()
    return document


def _item(document, user):
    return WorkItem.objects.get(
        run__subject_id=document.pk, assignee=user, state=ItemState.OPEN, is_cc=False
    )


def _approve(document, user):
    workflow.decide(actor=user, item=_item(document, user), decision="approve", opinion="同意")
    document.refresh_from_db()


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "request"},  # 请示: upward whatever the form says
        {"kind": "notice", "important": True},
        {"kind": "letter", "direction": "up"},
    ],
    ids=["request", "important", "upward-letter"],
)
def test_someone_other_than_the_principal_cannot_sign(org, head_signs, fields):
    document = _submitted(org, **fields)

    with pytest.raises(WorkflowError, match="principal leader"):
        _approve(document, org["head"])

    document.refresh_from_db()
    assert document.state == State.REVIEW and document.signed_by is None
    assert _item(document, org["head"]).state == ItemState.OPEN  # nothing half-way


def test_a_department_head_signs_an_ordinary_notice(org, head_signs):
    document = _submitted(org, kind="notice")

    _approve(document, org["head"])

    assert (document.state, document.signed_by) == (State.SIGNED, org["head"])


def test_the_principal_signs_a_request(org, route):
    document = _submitted(org, kind="request")
    _approve(document, org["head"])  # 核稿

    _approve(document, org["principal"])  # 签发

    assert (document.state, document.signed_by) == (State.SIGNED, org["principal"])


def test_signing_records_the_signers_title_as_it_is_that_day(org, route, unit):
    MembershipFactory(
        user=org["principal"], department=org["business"], position=PositionFactory(unit=unit)
    )
    title = org["principal"].memberships.get().position.name
    document = _submitted(org, kind="request")
    _approve(document, org["head"])  # 核稿

    _approve(document, org["principal"])  # 签发

    assert document.signer_title == title


def test_the_principals_delegate_signs_for_them(org, route):
    today = timezone.localdate()
    workflow.delegation_set(
        actor=org["principal"],
        delegate=org["head"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
    )
    document = _submitted(org, kind="request")
    _approve(document, org["head"])  # 核稿, as the drafting department's head

    signing = _item(document, org["head"])
    _approve(document, org["head"])  # 签发, as "代 陈局长"

    assert signing.delegate_for == org["principal"]
    assert (document.state, document.signed_by) == (State.SIGNED, org["head"])


def test_a_principal_who_hands_signing_to_a_colleague_does_not_authorise_them(org, route):
    document = _submitted(org, kind="request")
    _approve(document, org["head"])
    workflow.decide(
        actor=org["principal"],
        item=_item(document, org["principal"]),
        decision="transfer",
        opinion="请刘主任处理",
        to_user=org["office_head"],
    )

    with pytest.raises(WorkflowError, match="principal leader"):
        _approve(document, org["office_head"])


def test_a_unit_without_a_principal_cannot_sign_a_request(org, head_signs, unit):
    unit.principal = None
    unit.save(update_fields=["principal"])
    document = _submitted(org, kind="request")

    with pytest.raises(WorkflowError, match="principal leader"):
        _approve(document, org["head"])


def test_a_person_the_unit_authorised_signs_a_request(org, head_signs, unit):
    unit.authorised_signers.add(org["head"])
    document = _submitted(org, kind="request")

    _approve(document, org["head"])

    assert (document.state, document.signed_by) == (State.SIGNED, org["head"])


def test_authorising_someone_in_another_unit_does_not_let_them_sign_here(org, head_signs, unit):
    elsewhere = UnitFactory()
    elsewhere.authorised_signers.add(org["head"])  # a stale grant from a unit they left
    document = _submitted(org, kind="request")

    with pytest.raises(WorkflowError, match="principal leader"):
        _approve(document, org["head"])
