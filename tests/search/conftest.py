from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tests.factories import DepartmentFactory
from zhongshu.org import selectors
from zhongshu.org.models import Department
from zhongshu.search import registry, services

T0 = timezone.make_aware(datetime(2026, 1, 1, 9, 0))


class Memos:
    """A test-only indexed kind over departments: one memo per department, whose text the test
    supplies; visibility is org's department selector (own unit, not deleted)."""

    def __init__(self):
        self.texts: dict[int, tuple[str, str, int]] = {}

    def document(self, department):
        title, body, classification = self.texts.get(department.pk, (department.name, "", 0))
        return {
            "title": title,
            "body": body,
            "url": f"/memo/{department.pk}/",
            "classification": classification,
            "unit_id": department.unit_id,
            "updated_at": T0 + timedelta(minutes=department.pk),
        }

    def add(self, department, title, body="", classification=0):
        self.texts[department.pk] = (title, body, classification)
        services.index("memo", department)
        return department


def register_memo_kind(key, memos):
    registry.register(
        key,
        label=_("Memos"),
        order=50,
        visible_queryset=selectors.visible_departments,
        document=memos.document,
        all_objects=lambda: Department.objects.filter(pk__in=list(memos.texts)).order_by("pk"),
        unit_ids=selectors.visible_unit_ids,
    )


@pytest.fixture
def memos(db):
    memos = Memos()
    register_memo_kind("memo", memos)
    yield memos
    registry.unregister("memo")


@pytest.fixture
def dept(unit):
    """Departments of ``unit``: each can carry one memo (``memos.add``)."""

    def make(**kwargs):
        return DepartmentFactory(unit=unit, **kwargs)

    return make
