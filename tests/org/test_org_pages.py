"""Organisation pages: who may use them, what they show, and bad input on the forms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PositionFactory,
    UnitFactory,
    UserFactory,
)
from zhongshu.core import search
from zhongshu.core.models import AuditEvent
from zhongshu.org import views_org
from zhongshu.org.models import Department, Membership, Position, Role, Unit, User

STALE = "Someone else changed this record since you opened it. Reload and try again."

LIST_PAGES = [
    "org:department_list",
    "org:department_create",
    "org:unit_list",
    "org:unit_create",
    "org:position_list",
    "org:position_create",
    "org:person_list",
    "org:person_create",
    "org:import",
    "org:import_template",
    "org:export_departments",
    "org:export_people",
]


@pytest.fixture
def objects(unit, office):
    person = UserFactory(unit=unit, full_name="被管理人")
    position = PositionFactory(unit=unit, name="科员")
    post = MembershipFactory(user=person, department=office, position=position)
    return {
        "org:department_edit": office.pk,
        "org:department_delete": office.pk,
        "org:unit_edit": unit.pk,
        "org:position_edit": position.pk,
        "org:position_delete": position.pk,
        "org:person_detail": person.pk,
        "org:person_edit": person.pk,
        "org:post_create": person.pk,
        "org:post_delete": post.pk,
    }


POST_ONLY = {"org:department_delete", "org:position_delete", "org:post_create", "org:post_delete"}


def _hit(client, name, pk=None):
    url = reverse(name, args=[pk] if pk is not None else [])
    if name in POST_ONLY:
        return client.post(url, {"version": 1, "department": 1})
    return client.get(url)


@pytest.mark.parametrize("who", ["staff", "sysadmin", "secadmin", "auditor"])
def test_list_pages_are_forbidden_without_the_organisation_role(request, client, login_as, who):
    login_as(request.getfixturevalue(who))

    for name in LIST_PAGES:
        assert _hit(client, name).status_code == 403, name

    denied = AuditEvent.objects.filter(action="access.denied", result="denied")
    assert denied.count() == len(LIST_PAGES)


@pytest.mark.parametrize("who", ["staff", "sysadmin", "secadmin", "auditor"])
def test_object_pages_are_not_found_without_the_organisation_role(
    request, client, login_as, objects, who
):
    login_as(request.getfixturevalue(who))

    for name, pk in objects.items():
        assert _hit(client, name, pk).status_code == 404, name

    assert Department.objects.filter(deleted_at__isnull=True).count() == 1
    assert Membership.objects.filter(deleted_at__isnull=True).count() == 1


def test_org_manager_of_another_unit_gets_404_and_changes_nothing(client, login_as, objects):
    other = UnitFactory()
    login_as(UserFactory(unit=other, roles=[Role.ORGANISATION]))

    for name, pk in objects.items():
        assert _hit(client, name, pk).status_code == 404, name
    unit_id = objects["org:unit_edit"]
    assert client.get(reverse("org:department_list"), {"unit": unit_id}).status_code == 404
    assert client.get(reverse("org:export_departments"), {"unit": unit_id}).status_code == 404
    response = client.post(
        reverse("org:department_edit", args=[objects["org:department_edit"]]),
        {"name": "改名", "code": "X", "sort_order": 0, "version": 1},
    )

    assert response.status_code == 404
    assert Department.objects.get(pk=objects["org:department_edit"]).name == "办公室"
    assert Membership.objects.filter(deleted_at__isnull=True).count() == 1


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("org:department_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


def test_parent_unit_manager_sees_subordinate_unit(client, login_as, unit, org_manager):
    child = UnitFactory(parent=unit, name="下属分局")
    department = DepartmentFactory(unit=child, name="分局办公室")
    login_as(org_manager)

    response = client.get(reverse("org:department_list"), {"unit": child.pk})

    assert response.status_code == 200
    assert "分局办公室" in response.content.decode()
    assert client.get(reverse("org:department_edit", args=[department.pk])).status_code == 200


# --- Lists: content and a constant number of queries -------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # warm the session (activity is recorded once a minute)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def _make_departments(unit, count):
    for _ in range(count):
        parent = DepartmentFactory(unit=unit, head=UserFactory(unit=unit))
        child = DepartmentFactory(unit=unit, parent=parent, leader_in_charge=UserFactory(unit=unit))
        MembershipFactory(user=UserFactory(unit=unit), department=child)


def test_department_list_shows_the_tree(client, login_as, unit, org_manager, office):
    head = UserFactory(unit=unit, full_name="处长甲")
    leader = UserFactory(unit=unit, full_name="副局长乙")
    section = DepartmentFactory(
        unit=unit, parent=office, name="秘书科", head=head, leader_in_charge=leader
    )
    DepartmentFactory(unit=unit, parent=section, name="文印室")
    MembershipFactory(user=head, department=section)
    MembershipFactory(user=leader, department=section)
    login_as(org_manager)

    response = client.get(reverse("org:department_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("办公室") < html.index("秘书科") < html.index("文印室")
    assert "tree-indent-1" in html and "tree-indent-2" in html
    assert "处长甲" in html and "副局长乙" in html
    assert "General office" in html
    assert [(d.name, depth, d.people_count) for d, depth in response.context["tree"]] == [
        ("办公室", 0, 0),
        ("秘书科", 1, 2),
        ("文印室", 2, 0),
    ]


def test_department_list_queries_do_not_grow(
    client, login_as, unit, org_manager, django_assert_max_num_queries
):
    login_as(org_manager)
    url = reverse("org:department_list")
    _make_departments(unit, 3)
    few = _queries(client, url)
    _make_departments(unit, 27)

    with django_assert_max_num_queries(few):
        response = client.get(url)

    assert len(response.context["tree"]) == 60


def test_unit_list_queries_do_not_grow(
    client, login_as, unit, org_manager, django_assert_max_num_queries
):
    login_as(org_manager)
    url = reverse("org:unit_list")
    for _ in range(3):
        UnitFactory(parent=unit, principal=UserFactory(unit=unit))
    few = _queries(client, url)
    for _ in range(27):
        UnitFactory(parent=unit, principal=UserFactory(unit=unit))

    with django_assert_max_num_queries(few):
        response = client.get(url)

    assert len(response.context["units"]) == 31


def test_position_list_queries_do_not_grow(
    client, login_as, unit, org_manager, office, django_assert_max_num_queries
):
    login_as(org_manager)
    url = reverse("org:position_list")

    def make(count):
        for _ in range(count):
            position = PositionFactory(unit=unit)
            MembershipFactory(user=UserFactory(unit=unit), department=office, position=position)

    make(3)
    few = _queries(client, url)
    make(27)

    with django_assert_max_num_queries(few):
        response = client.get(url)

    assert [p.people_count for p in response.context["positions"]] == [1] * 30


def _make_people(unit, office, position, count):
    other = DepartmentFactory(unit=unit)
    for _ in range(count):
        person = UserFactory(unit=unit, mobile=None)
        MembershipFactory(user=person, department=office, position=position)
        MembershipFactory(user=person, department=other, is_primary=False)


def test_person_list_queries_do_not_grow_and_never_count_or_offset(
    client, login_as, unit, org_manager, office, django_assert_max_num_queries
):
    position = PositionFactory(unit=unit, name="科员")
    login_as(org_manager)
    url = reverse("org:person_list")
    _make_people(unit, office, position, 3)
    few = _queries(client, url)
    _make_people(unit, office, position, 27)

    with django_assert_max_num_queries(few), CaptureQueriesContext(connection) as context:
        response = client.get(url)

    assert len(response.context["people"]) == 31  # with the manager herself
    sql = " ".join(q["sql"].upper() for q in context.captured_queries)
    assert "OFFSET" not in sql
    # The top-bar badges count the user's own items, capped; nothing counts the people table.
    assert not [
        q
        for q in context.captured_queries
        if "COUNT(" in q["sql"].upper() and '"ORG_USER"' in q["sql"].upper()
    ]
    assert "+1 concurrent post" in response.content.decode()


def test_person_list_filters(client, login_as, unit, org_manager, office):
    position = PositionFactory(unit=unit, name="主任")
    wang = UserFactory(unit=unit, full_name="王五", username="wangwu", mobile="13800000009")
    MembershipFactory(user=wang, department=office, position=position)
    zhao = UserFactory(unit=unit, full_name="赵六", username="zhaoliu")
    MembershipFactory(user=zhao, department=DepartmentFactory(unit=unit))
    login_as(org_manager)
    url = reverse("org:person_list")

    def names(**params):
        return {p.full_name for p in client.get(url, params).context["people"]}

    assert names(q="王五") == {"王五"}
    assert names(q="zhaoliu") == {"赵六"}
    assert names(q="13800000009") == {"王五"}
    assert names(department=office.pk) == {"王五"}
    assert names(position=position.pk) == {"王五"}
    assert names(department="x'; drop") == {"王五", "赵六", "李组织"}


def test_person_list_keyset_paging(client, login_as, unit, org_manager, monkeypatch):
    monkeypatch.setattr(views_org, "PAGE_SIZE", 2)
    people = [org_manager] + [UserFactory(unit=unit) for _ in range(3)]
    login_as(org_manager)
    url = reverse("org:person_list")

    first = client.get(url)
    assert [p.pk for p in first.context["people"]] == [people[0].pk, people[1].pk]
    assert f"after={people[1].pk}" in first.context["next_query"]
    assert "Next page" in first.content.decode()

    second = client.get(url, {"after": people[1].pk})
    assert [p.pk for p in second.context["people"]] == [people[2].pk, people[3].pk]
    assert second.context["next_query"] == ""


# --- Departments: forms and bad input ----------------------------------------------------------


def test_create_department_through_the_page(client, login_as, unit, org_manager, office):
    login_as(org_manager)

    response = client.post(
        reverse("org:department_create") + f"?unit={unit.pk}",
        {
            "name": "秘书科",
            "code": "MSK",
            "parent": office.pk,
            "head": org_manager.pk,
            "sort_order": 1,
        },
    )

    assert response.status_code == 302
    department = Department.objects.get(code="MSK")
    assert department.parent == office and department.head == org_manager
    assert department.created_by == org_manager


def test_department_cycle_on_the_page_gets_a_message(client, login_as, unit, org_manager, office):
    child = DepartmentFactory(unit=unit, parent=office, name="秘书科")
    login_as(org_manager)

    response = client.post(
        reverse("org:department_edit", args=[office.pk]),
        {
            "name": "办公室",
            "code": office.code,
            "parent": child.pk,
            "is_general_office": "on",
            "sort_order": 0,
            "version": office.version,
        },
    )

    assert response.status_code == 400
    assert "neither this department nor one of its sub-departments" in response.content.decode()
    office.refresh_from_db()
    assert office.parent_id is None and office.version == 1


def test_second_general_office_on_the_page_is_a_form_error(
    client, login_as, unit, org_manager, office
):
    login_as(org_manager)

    response = client.post(
        reverse("org:department_create") + f"?unit={unit.pk}",
        {"name": "综合办", "code": "ZHB", "is_general_office": "on", "sort_order": 0},
    )

    assert response.status_code == 400
    assert "is already the general office" in response.content.decode()
    assert not Department.objects.filter(code="ZHB").exists()


def test_stale_department_edit_is_refused_with_a_message(
    client, login_as, unit, org_manager, office
):
    login_as(org_manager)
    url = reverse("org:department_edit", args=[office.pk])
    form = {"name": "办公室一", "code": "BGS", "is_general_office": "on", "sort_order": 0}
    assert client.post(url, {**form, "version": 1}).status_code == 302

    response = client.post(url, {**form, "name": "办公室二", "version": 1})

    assert response.status_code == 412
    assert STALE in response.content.decode()
    office.refresh_from_db()
    assert office.name == "办公室一"


def test_deleting_a_department_with_people_is_refused(
    client, login_as, unit, org_manager, office, staff
):
    MembershipFactory(user=staff, department=office)
    login_as(org_manager)

    response = client.post(
        reverse("org:department_delete", args=[office.pk]), {"version": 1}, follow=True
    )

    assert "Move them to another department first" in response.content.decode()
    office.refresh_from_db()
    assert office.deleted_at is None


def test_deleting_an_empty_department(client, login_as, unit, org_manager):
    department = DepartmentFactory(unit=unit)
    login_as(org_manager)

    response = client.post(reverse("org:department_delete", args=[department.pk]), {"version": 1})

    assert response.status_code == 302
    department.refresh_from_db()
    assert department.deleted_at is not None
    assert client.get(reverse("org:department_edit", args=[department.pk])).status_code == 404


def test_department_delete_needs_post(client, login_as, unit, org_manager, office):
    login_as(org_manager)
    assert client.get(reverse("org:department_delete", args=[office.pk])).status_code == 405


# --- Units and positions ----------------------------------------------------------------------


def test_edit_own_unit_principal(client, login_as, unit, org_manager, staff):
    login_as(org_manager)
    url = reverse("org:unit_edit", args=[unit.pk])
    assert "parent" not in client.get(url).context["form"].fields

    response = client.post(
        url,
        {
            "name": unit.name,
            "code": unit.code,
            "principal": staff.pk,
            "sort_order": 0,
            "version": unit.version,
        },
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.principal == staff


def test_edit_own_unit_authorised_signers_is_audited(client, login_as, unit, org_manager, staff):
    deputy = UserFactory(unit=unit, full_name="王副局长")
    login_as(org_manager)
    url = reverse("org:unit_edit", args=[unit.pk])
    form = {"name": unit.name, "code": unit.code, "sort_order": 0, "version": unit.version}

    response = client.post(url, {**form, "principal": staff.pk, "authorised_signers": [deputy.pk]})

    assert response.status_code == 302
    assert list(unit.authorised_signers.all()) == [deputy]
    event = AuditEvent.objects.filter(action="org.unit_updated").latest("id")
    assert event.detail["after"]["authorised_signers"] == [deputy.pk]
    assert deputy.full_name in client.get(url).content.decode()


def test_authorised_signers_must_be_people_of_the_unit(client, login_as, unit, org_manager):
    stranger = UserFactory(unit=UnitFactory())
    login_as(org_manager)
    url = reverse("org:unit_edit", args=[unit.pk])

    response = client.post(
        url,
        {
            "name": unit.name,
            "code": unit.code,
            "sort_order": 0,
            "version": unit.version,
            "authorised_signers": [stranger.pk],
        },
    )

    assert response.status_code == 400
    assert "authorised_signers" in response.context["form"].errors
    assert not unit.authorised_signers.exists()


def test_create_subordinate_unit(client, login_as, unit, org_manager):
    login_as(org_manager)

    response = client.post(
        reverse("org:unit_create"),
        {"name": "下属分局", "code": "SUB9", "parent": unit.pk, "sort_order": 1},
    )

    assert response.status_code == 302
    assert Unit.objects.get(code="SUB9").parent == unit


def test_position_create_and_delete_refused_while_held(
    client, login_as, unit, org_manager, office, staff
):
    login_as(org_manager)

    response = client.post(
        reverse("org:position_create") + f"?unit={unit.pk}", {"name": "主任", "rank": 1}
    )
    assert response.status_code == 302
    position = Position.objects.get(name="主任")
    MembershipFactory(user=staff, department=office, position=position)

    response = client.post(
        reverse("org:position_delete", args=[position.pk]), {"version": 1}, follow=True
    )

    assert "is still held by 1 people" in response.content.decode()
    position.refresh_from_db()
    assert position.deleted_at is None


# --- People -----------------------------------------------------------------------------------


def test_create_person_without_a_password(client, login_as, unit, org_manager, office):
    login_as(org_manager)

    response = client.post(
        reverse("org:person_create"),
        {
            "username": "zhaoliu",
            "full_name": "赵六",
            "mobile": "13911112222",
            "unit": unit.pk,
            "department": office.pk,
            "sort_order": 2,
        },
    )

    person = User.objects.get(username="zhaoliu")
    assert response.status_code == 302
    assert response.url == reverse("org:person_detail", args=[person.pk])
    assert not person.has_usable_password()
    assert person.must_change_password
    assert person.memberships.get().is_primary
    assert person.clearance == User._meta.get_field("clearance").default
    assert not person.role_grants.exists()


def test_create_person_ignores_role_and_clearance_fields(client, login_as, unit, org_manager):
    login_as(org_manager)

    client.post(
        reverse("org:person_create"),
        {
            "username": "sneaky",
            "full_name": "某人",
            "unit": unit.pk,
            "admin_role": "sysadmin",
            "clearance": 4,
        },
    )

    person = User.objects.get(username="sneaky")
    assert person.admin_role == ""
    assert person.clearance != 4


def test_create_person_with_bad_mobile_is_a_form_error(client, login_as, unit, org_manager):
    login_as(org_manager)

    response = client.post(
        reverse("org:person_create"),
        {"username": "bad name!", "full_name": "甲", "mobile": "123", "unit": unit.pk},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"username", "mobile"}
    assert not User.objects.filter(full_name="甲").exists()


def test_person_detail_add_and_remove_posts(client, login_as, unit, org_manager, staff, office):
    other = DepartmentFactory(unit=unit, name="法规科")
    position = PositionFactory(unit=unit, name="科长")
    login_as(org_manager)
    detail = reverse("org:person_detail", args=[staff.pk])
    add = reverse("org:post_create", args=[staff.pk])

    assert client.post(add, {"department": office.pk, "sort_order": 0}).status_code == 302
    response = client.post(add, {"department": other.pk, "position": position.pk, "sort_order": 1})
    assert response.status_code == 302

    html = client.get(detail).content.decode()
    assert "法规科" in html and "科长" in html and "Concurrent post" in html
    posts = {m.department_id: m for m in Membership.objects.filter(user=staff)}
    assert posts[office.pk].is_primary and not posts[other.pk].is_primary

    response = client.post(add, {"department": office.pk, "sort_order": 0})
    assert response.status_code == 400
    assert "already holds a post in this department" in response.content.decode()

    removed = posts[office.pk]
    response = client.post(reverse("org:post_delete", args=[removed.pk]), {"version": 1})
    assert response.status_code == 302
    removed.refresh_from_db()
    assert removed.deleted_at is not None
    assert Membership.objects.get(pk=posts[other.pk].pk).is_primary


def test_remove_post_with_stale_version_changes_nothing(
    client, login_as, unit, org_manager, staff, office
):
    post = MembershipFactory(user=staff, department=office)
    login_as(org_manager)

    response = client.post(reverse("org:post_delete", args=[post.pk]), {"version": 7}, follow=True)

    assert STALE in response.content.decode()
    post.refresh_from_db()
    assert post.deleted_at is None


def test_two_people_editing_the_same_person(client, login_as, unit, org_manager, staff):
    login_as(org_manager)
    url = reverse("org:person_edit", args=[staff.pk])
    form = {"full_name": "王小明", "email": "", "mobile": "", "version": staff.version}
    assert client.post(url, {**form, "full_name": "王一"}).status_code == 302

    response = client.post(url, {**form, "full_name": "王二"})

    assert response.status_code == 412
    assert STALE in response.content.decode()
    staff.refresh_from_db()
    assert staff.full_name == "王一"


def test_person_in_another_unit_is_not_found(client, login_as, org_manager):
    stranger = UserFactory(unit=UnitFactory())
    login_as(org_manager)

    assert client.get(reverse("org:person_detail", args=[stranger.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        action="access.denied", object_type="org.user", object_id=str(stranger.pk)
    ).exists()


def test_search_provider_links_org_staff_to_maintenance_and_others_to_directory(
    unit, org_manager, staff, office, sysadmin
):
    MembershipFactory(user=staff, department=office)

    sections = search.search_all(org_manager, "王小明")
    hits = {s["key"]: s["hits"] for s in sections}
    assert hits["people"][0].url == reverse("org:person_detail", args=[staff.pk])
    assert hits["people"][0].subtitle == "办公室"
    staff_hits = {s["key"]: s["hits"] for s in search.search_all(staff, "王小明")}
    assert staff_hits["people"][0].url == reverse("org:directory") + "?q=staff"
    assert search.search_all(sysadmin, "王小明") == []
    assert search.search_all(org_manager, "办公室")[0]["key"] == "departments"
