"""GET /api/me/, /api/departments/, /api/people/: visibility, filters, paging, query counts (B2)."""

import pytest
from django.urls import reverse

from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PositionFactory,
    UnitFactory,
    UserFactory,
)
from zhongshu.core.models import Classification
from zhongshu.org.models import Role


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="另一单位")


@pytest.fixture
def other_department(other_unit):
    return DepartmentFactory(unit=other_unit, name="外单位科室")


@pytest.fixture
def outsider(other_unit):
    return UserFactory(unit=other_unit, username="outsider", full_name="赵外人")


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_me(login_as, client, staff, office, unit):
    deputy = PositionFactory(unit=unit, name="副主任")
    MembershipFactory(user=staff, department=office, position=deputy, is_primary=True)
    second = DepartmentFactory(unit=unit, name="督查室")
    MembershipFactory(user=staff, department=second, is_primary=False)
    staff.clearance = Classification.SECRET
    staff.save()
    login_as(staff)

    body = client.get(reverse("api:me")).json()

    assert body == {
        "id": staff.pk,
        "username": "staff",
        "full_name": "王小明",
        "unit": {"id": unit.pk, "name": unit.name},
        "language": staff.language,
        "clearance": {"value": 2, "label": str(Classification.SECRET.label)},
        "admin_role": "",
        "roles": [],
        "posts": [
            {
                "department": {"id": office.pk, "name": "办公室"},
                "position": {"id": deputy.pk, "name": "副主任"},
                "is_primary": True,
            },
            {
                "department": {"id": second.pk, "name": "督查室"},
                "position": None,
                "is_primary": False,
            },
        ],
    }


def test_me_roles(login_as, client, org_manager):
    login_as(org_manager)

    assert client.get(reverse("api:me")).json()["roles"] == [Role.ORGANISATION]


def test_me_anonymous_is_401(client, db):
    response = client.get(reverse("api:me"))

    assert response.status_code == 401


def test_departments_of_own_unit_only(login_as, client, staff, office, other_department):
    login_as(staff)

    body = results(client.get(reverse("api:department-list")))

    assert [d["id"] for d in body] == [office.pk]
    assert body[0]["unit"] == {"id": office.unit_id, "name": office.unit.name}
    assert body[0]["is_general_office"] is True


def test_other_units_department_is_404(login_as, client, staff, other_department):
    login_as(staff)

    response = client.get(reverse("api:department-detail", args=[other_department.pk]))

    assert response.status_code == 404


def test_deleted_department_is_404(login_as, client, staff, office):
    from django.utils import timezone

    office.deleted_at = timezone.now()
    office.save()
    login_as(staff)

    assert client.get(reverse("api:department-detail", args=[office.pk])).status_code == 404
    assert results(client.get(reverse("api:department-list"))) == []


def test_department_filters(login_as, client, staff, unit, office):
    child = DepartmentFactory(unit=unit, parent=office, name="文秘科")
    DepartmentFactory(unit=unit, name="财务科")
    login_as(staff)
    url = reverse("api:department-list")

    assert [d["id"] for d in results(client.get(url, {"parent": office.pk}))] == [child.pk]
    assert [d["name"] for d in results(client.get(url, {"q": "文秘"}))] == ["文秘科"]
    assert len(results(client.get(url, {"unit": unit.pk}))) == 3
    assert results(client.get(url, {"unit": unit.pk + 1000})) == []


def test_bad_filter_values_are_field_errors(login_as, client, staff):
    login_as(staff)

    response = client.get(reverse("api:department-list"), {"unit": "abc", "parent": "-1"})

    assert response.status_code == 400
    assert set(response.json()) == {"unit", "parent"}


@pytest.mark.parametrize("value", ["99999999999999999999999", "1e5", "\x00"])
def test_odd_ids_never_500(login_as, client, staff, value):
    login_as(staff)

    assert client.get(reverse("api:person-list"), {"department": value}).status_code == 400
    assert client.get(f"/api/people/{value}/").status_code == 404


def test_people_visibility_and_filters(login_as, client, staff, unit, office, outsider):
    colleague = UserFactory(unit=unit, username="lisi", full_name="李四")
    MembershipFactory(user=colleague, department=office)
    login_as(staff)
    url = reverse("api:person-list")

    everyone = {p["username"] for p in results(client.get(url))}
    in_office = [p["username"] for p in results(client.get(url, {"department": office.pk}))]
    by_name = [p["username"] for p in results(client.get(url, {"q": "李"}))]
    by_username = [p["username"] for p in results(client.get(url, {"q": "lis"}))]

    assert everyone == {"staff", "lisi"}
    assert in_office == ["lisi"]
    assert by_name == by_username == ["lisi"]
    assert client.get(reverse("api:person-detail", args=[outsider.pk])).status_code == 404
    detail = client.get(reverse("api:person-detail", args=[colleague.pk])).json()
    assert detail["posts"] == [
        {"department": {"id": office.pk, "name": "办公室"}, "position": None, "is_primary": True}
    ]


def test_post_in_an_invisible_unit_is_not_shown(login_as, client, staff, unit, other_department):
    colleague = UserFactory(unit=unit, username="lisi")
    MembershipFactory(user=colleague, department=other_department, is_primary=False)
    login_as(staff)

    detail = client.get(reverse("api:person-detail", args=[colleague.pk])).json()
    by_department = results(
        client.get(reverse("api:person-list"), {"department": other_department.pk})
    )

    assert detail["posts"] == []
    assert by_department == []


def test_closed_accounts_are_not_listed(login_as, client, staff, unit):
    from django.utils import timezone

    gone = UserFactory(unit=unit, username="gone", closed_at=timezone.now(), is_active=False)
    login_as(staff)

    assert "gone" not in {p["username"] for p in results(client.get(reverse("api:person-list")))}
    assert client.get(reverse("api:person-detail", args=[gone.pk])).status_code == 404


@pytest.mark.parametrize("admin", ["sysadmin", "secadmin", "auditor"])
def test_administrators_read_nothing(request, login_as, client, admin, office, staff):
    user = request.getfixturevalue(admin)
    login_as(user)

    assert results(client.get(reverse("api:department-list"))) == []
    assert results(client.get(reverse("api:person-list"))) == []
    assert client.get(reverse("api:department-detail", args=[office.pk])).status_code == 404
    assert client.get(reverse("api:person-detail", args=[staff.pk])).status_code == 404
    me = client.get(reverse("api:me")).json()
    assert me["admin_role"] == user.admin_role
    assert me["roles"] == []


def test_org_manager_of_parent_unit_sees_subordinate_units(login_as, client, unit, org_manager):
    child_unit = UnitFactory(parent=unit, name="下属单位")
    child_department = DepartmentFactory(unit=child_unit)
    login_as(org_manager)

    response = client.get(reverse("api:department-detail", args=[child_department.pk]))

    assert response.status_code == 200


def test_keyset_paging(login_as, client, staff, unit):
    for n in range(5):
        DepartmentFactory(unit=unit, name=f"科室{n}")
    login_as(staff)

    first = client.get(reverse("api:department-list"), {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == len(second["results"]) == 2
    assert first["results"][-1]["id"] < second["results"][0]["id"]
    assert "count" not in first
    assert client.get(reverse("api:department-list"), {"cursor": "garbage"}).status_code == 404


def _populate(unit, office, n):
    head = UserFactory(unit=unit)
    for _ in range(n):
        department = DepartmentFactory(unit=unit, parent=office, head=head, leader_in_charge=head)
        position = PositionFactory(unit=unit)
        person = UserFactory(unit=unit)
        MembershipFactory(user=person, department=department, position=position)
        MembershipFactory(user=person, department=office, is_primary=False)


@pytest.mark.parametrize("size", [2, 12])
def test_query_counts_are_constant(
    login_as, client, django_assert_max_num_queries, org_manager, unit, office, size
):
    _populate(unit, office, size)
    login_as(org_manager)
    # Session, user and roles, then the lists themselves; the same for 2 and 12 rows.
    with django_assert_max_num_queries(8):
        assert len(results(client.get(reverse("api:department-list")))) == size + 1
    with django_assert_max_num_queries(9):
        assert len(results(client.get(reverse("api:person-list")))) == size + 2
    with django_assert_max_num_queries(10):
        assert (
            len(results(client.get(reverse("api:person-list"), {"department": office.pk}))) == size
        )
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api:me")).status_code == 200
