"""Factories and fixtures of the documents tests (issue 4)."""

import factory
import pytest

from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from zhongshu.documents.models import Kind, NumberSeries, OutgoingDocument


class OutgoingDocumentFactory(factory.django.DjangoModelFactory):
    """A plain downward 通知 of the drafter's unit, in draft."""

    class Meta:
        model = OutgoingDocument

    drafter = factory.SubFactory(UserFactory)
    unit = factory.SelfAttribute("drafter.unit")
    department = factory.SubFactory(DepartmentFactory, unit=factory.SelfAttribute("..unit"))
    created_by = factory.SelfAttribute("drafter")
    kind = Kind.NOTICE
    title = factory.Sequence(lambda n: f"关于做好第{n}批食品安全抽检工作的通知")
    issuers = factory.LazyAttribute(lambda o: [f"{o.unit.name}办公室"])
    main_recipients = factory.LazyFunction(lambda: [{"name": "各街道办事处"}])
    body = factory.LazyFunction(
        lambda: [
            {"level": 0, "text": "为切实加强食品安全工作，现将有关事项通知如下。"},
            {"level": 1, "text": "一、工作要求"},
            {"level": 0, "text": "各单位要高度重视，认真抓好贯彻落实。"},
        ]
    )


class NumberSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NumberSeries

    owner = factory.SubFactory(DepartmentFactory, is_general_office=True)
    unit = factory.SelfAttribute("owner.unit")
    name = factory.Sequence(lambda n: f"发文{n}")
    code = factory.Sequence(lambda n: f"测办发{chr(0x4E00 + n)}")


@pytest.fixture
def office_clerk(unit, office):
    """A member of the general office (rules.is_office)."""
    clerk = UserFactory(unit=unit, username="clerk", full_name="赵文书")
    MembershipFactory(user=clerk, department=office)
    return clerk
