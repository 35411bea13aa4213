"""Fixtures and helpers of the classified copies tests (涉密载体, issue 5 item 9)."""

import datetime
import itertools

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory
from zhongshu.core.models import Classification
from zhongshu.documents import services_copies, services_incoming
from zhongshu.documents.models import ClassifiedCopy, CopyDisposal

_meetings = itertools.count(1)


@pytest.fixture
def keeper(unit, office):
    """A member of the office cleared for 秘密: keeps the register."""
    user = UserFactory(
        unit=unit, username="keeper", full_name="孙机要", clearance=Classification.SECRET
    )
    MembershipFactory(user=user, department=office)
    return user


@pytest.fixture
def second(unit, office):
    """Another cleared member of the office: approves what the keeper prepared."""
    user = UserFactory(
        unit=unit, username="second", full_name="周副主任", clearance=Classification.SECRET
    )
    MembershipFactory(user=user, department=office)
    return user


@pytest.fixture
def uncleared(unit, office):
    """A member of the office cleared for 内部 only."""
    user = UserFactory(
        unit=unit, username="uncleared", full_name="吴文书", clearance=Classification.INTERNAL
    )
    MembershipFactory(user=user, department=office)
    return user


@pytest.fixture
def reader(unit):
    """Someone of the unit cleared for 秘密, outside the office: may borrow, not keep."""
    return UserFactory(
        unit=unit, username="reader", full_name="黄科长", clearance=Classification.SECRET
    )


def papers(actor, **data) -> list[ClassifiedCopy]:
    fields = {
        "kind": "meeting",
        "meeting": f"全市安全生产工作会议（第{next(_meetings)}次）",
        "title": "关于重大危险源排查整治情况的通报",
        "source_name": "市人民政府",
        "source_number": "市安委〔2026〕3号",
        "classification": Classification.SECRET,
        "numbers": "000012-000014",
        "received_on": timezone.localdate() - datetime.timedelta(days=3),
        **data,
    }
    return services_copies.register_papers(actor=actor, data=fields)


def secret_incoming(actor, **data):
    fields = {
        "source_name": "省保密局",
        "source_number": "省保发〔2026〕1号",
        "title": "关于某项工作的来文",
        "classification": Classification.SECRET,
        "secrecy_period": "1年",
        "title_is_neutral": True,
        "copy_number": "17",
        "copies": 3,
        **data,
    }
    return services_incoming.register(actor=actor, data=fields)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def destruction(keeper, rows, **kwargs) -> CopyDisposal:
    return services_copies.prepare(
        actor=keeper, kind="destroy", copies=rows, reason="会议材料阅毕，按规定销毁。", **kwargs
    )


def returning(keeper, rows, **kwargs) -> CopyDisposal:
    return services_copies.prepare(
        actor=keeper,
        kind="return",
        copies=rows,
        recipient="市人民政府",
        method="courier",
        **kwargs,
    )
