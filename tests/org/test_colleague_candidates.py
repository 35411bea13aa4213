"""``colleague_candidates``: the people one may hand work to, as the colleague picker lists."""

import pytest
from django.utils import timezone

from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.org.models import AdminRole
from zhongshu.org.selectors import colleague_candidates

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(unit, staff):
    finance = DepartmentFactory(unit=unit, name="财务处")
    people = [
        UserFactory(unit=unit, username=f"kj{n:02d}", full_name=f"会计{n:02d}") for n in range(5)
    ]
    for person in people:
        MembershipFactory(user=person, department=finance)
    return people


def test_matches_by_name_user_name_and_department_in_name_order(staff, colleagues):
    by_name, more = colleague_candidates(staff, q="会计03")
    by_username, _ = colleague_candidates(staff, q="KJ04")
    by_department, _ = colleague_candidates(staff, q="财务")

    assert (by_name, more) == ([colleagues[3]], False)
    assert by_username == [colleagues[4]]
    assert by_department == colleagues
    assert by_department[0].live_posts[0].department.name == "财务处"


def test_at_most_the_limit_and_whether_there_are_more(staff, colleagues):
    rows, more = colleague_candidates(staff, q="会计", limit=3)

    assert rows == colleagues[:3]
    assert more is True


def test_never_administrators_closed_disabled_other_units_or_oneself(unit, staff):
    for n, extra in enumerate(
        [
            {"admin_role": AdminRole.SYSTEM},
            {"admin_role": AdminRole.AUDIT},
            {"closed_at": timezone.now()},
            {"is_active": False},
            {"unit": UnitFactory()},
        ]
    ):
        UserFactory(**{"unit": unit, "username": f"hidden{n}", "full_name": "王小明", **extra})

    assert colleague_candidates(staff, q="王小明") == ([], False)  # staff is 王小明 too


def test_by_id_and_nothing_for_an_empty_query(staff, colleagues):
    assert colleague_candidates(staff, pk=colleagues[2].pk) == ([colleagues[2]], False)
    assert colleague_candidates(staff, q="   ") == ([], False)


def test_the_three_administrators_get_nobody(sysadmin, colleagues):
    assert colleague_candidates(sysadmin, q="会计") == ([], False)


def test_two_queries_whatever_the_size(staff, colleagues, django_assert_num_queries):
    with django_assert_num_queries(2):
        colleague_candidates(staff, q="会计")
