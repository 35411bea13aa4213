"""The staff directory and the top-bar search over people and departments."""

from django.urls import reverse

from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent


def test_staff_find_colleagues_of_their_unit_only(client, login_as, unit, office, staff):
    colleague = UserFactory(unit=unit, full_name="赵同事", mobile="13700000001")
    MembershipFactory(user=colleague, department=office)
    outsider = UserFactory(unit=UnitFactory(), full_name="赵外人")
    login_as(staff)

    response = client.get(reverse("org:directory"), {"q": "赵"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "赵同事" in html and "13700000001" in html and "办公室" in html
    assert outsider.full_name not in html


def test_directory_leaves_out_administrators_and_disabled_people(
    client, login_as, unit, staff, sysadmin
):
    UserFactory(unit=unit, full_name="停用者", is_active=False)
    login_as(staff)

    html = client.get(reverse("org:directory")).content.decode()

    assert sysadmin.full_name not in html
    assert "停用者" not in html
    assert staff.full_name in html


def test_directory_filters_by_department(client, login_as, unit, staff):
    department = DepartmentFactory(unit=unit, name="稽查支队")
    for n in range(3):
        MembershipFactory(user=UserFactory(unit=unit, full_name=f"队员{n}"), department=department)
    login_as(staff)

    response = client.get(
        reverse("org:directory"), {"department": department.pk}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.count("队员") == 3
    assert staff.full_name not in html


def test_directory_runs_a_constant_number_of_queries(
    client, login_as, unit, office, staff, django_assert_max_num_queries
):
    login_as(staff)
    client.get(reverse("org:directory"))
    for _ in range(30):
        MembershipFactory(user=UserFactory(unit=unit), department=office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("org:directory"))
    assert response.status_code == 200


def test_directory_htmx_request_gets_the_table_only(client, login_as, staff):
    login_as(staff)
    response = client.get(reverse("org:directory"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="directory-table"' in html
    assert "<html" not in html


def test_administrators_cannot_read_the_directory(client, login_as, sysadmin, secadmin, auditor):
    for admin in (sysadmin, secadmin, auditor):
        login_as(admin)
        assert client.get(reverse("org:directory")).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").count() == 3


def test_search_finds_people_and_departments_for_staff(client, login_as, unit, office, staff):
    colleague = UserFactory(unit=unit, full_name="钱办公")
    MembershipFactory(user=colleague, department=office)
    UserFactory(unit=UnitFactory(), full_name="钱外单位")
    login_as(staff)

    html = client.get(reverse("core:search"), {"q": "钱"}).content.decode()

    assert "钱办公" in html and "钱外单位" not in html
    assert reverse("org:directory") in html  # staff land on the directory, not the admin page
    html = client.get(reverse("core:search"), {"q": "办公室"}).content.decode()
    assert f"department={office.pk}" in html


def test_search_links_org_maintainers_to_the_maintenance_pages(
    client, login_as, unit, office, org_manager
):
    colleague = UserFactory(unit=unit, full_name="孙维护")
    login_as(org_manager)
    html = client.get(reverse("core:search"), {"q": "孙维护"}).content.decode()
    assert reverse("org:person_detail", args=[colleague.pk]) in html


def test_administrators_search_nothing(client, login_as, unit, staff, sysadmin):
    login_as(sysadmin)
    response = client.get(reverse("core:search"), {"q": staff.full_name})
    assert response.status_code == 403
    assert staff.full_name not in response.content.decode()


def test_directory_pages_by_keyset_without_repeats(client, login_as, unit, office, staff):
    for n in range(55):
        MembershipFactory(user=UserFactory(unit=unit, full_name=f"翻页{n:02d}"), department=office)
    login_as(staff)

    first = client.get(reverse("org:directory"), {"q": "翻页"})
    next_url = first.context["next_url"]
    second = client.get(reverse("org:directory") + next_url)

    names = [p.full_name for p in first.context["rows"]] + [
        p.full_name for p in second.context["rows"]
    ]
    assert len(first.context["rows"]) == 50 and "after=" in next_url
    assert sorted(names) == [f"翻页{n:02d}" for n in range(55)]
    assert second.context["next_url"] == ""
