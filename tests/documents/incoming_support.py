"""Fixtures and helpers for the handling of incoming documents (办件: 拟办, 批办, 承办, 传阅)."""

import itertools

import pytest

from tests.factories import MembershipFactory, PositionFactory, UserFactory
from zhongshu.core.models import Classification
from zhongshu.documents import services_incoming
from zhongshu.documents import services_incoming_handling as handling
from zhongshu.documents.models import IncomingDocument
from zhongshu.org.models import Department

_numbers = itertools.count(1)


@pytest.fixture
def leaders(unit, org):
    """The unit's leaders (局领导): the principal and a deputy, in leader positions."""
    board = Department.objects.create(unit=unit, name="局领导", code="JLD")
    director = PositionFactory(unit=unit, name="局长", rank=1, is_leader=True)
    deputy_post = PositionFactory(unit=unit, name="副局长", rank=2, is_leader=True)
    deputy = UserFactory(unit=unit, username="deputy", full_name="李副局长", clearance=2)
    MembershipFactory(user=org["principal"], department=board, position=director)
    MembershipFactory(user=deputy, department=board, position=deputy_post)
    return {"principal": org["principal"], "deputy": deputy, "board": board}


def fresh(document) -> IncomingDocument:
    return IncomingDocument.objects.get(pk=document.pk)


def accepted_action(clerk, **data) -> IncomingDocument:
    """A 办件 past its 初审, waiting to be sent on (待分办)."""
    fields = {
        "source_name": "省市场监督管理局",
        "source_number": f"省市监函〔2026〕{next(_numbers)}号",
        "title": "关于开展食品安全专项检查的通知",
        "kind": "notice",
        "classification": Classification.PUBLIC,
        "handling": "action",
        "summary": "请于规定时间内完成专项检查并报送结果。",
        **data,
    }
    document = services_incoming.register(actor=clerk, data=fields)
    return services_incoming.review_accept(
        actor=clerk, document=document, expected_version=document.version
    )


def started(clerk, document, proposal=None):
    document = fresh(document)
    handling.start(
        actor=clerk, document=document, expected_version=document.version, proposal=proposal
    )
    return fresh(document)
