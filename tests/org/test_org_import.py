"""Excel import and export of departments and people: all rows checked, all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PositionFactory,
    UnitFactory,
    UserFactory,
)
from zhongshu.core.models import AuditEvent
from zhongshu.org import importexport
from zhongshu.org.models import Department, Membership, User

DEPT_HEADER = ["部门编码", "部门名称", "上级部门编码", "是否办公室", "排序"]
PEOPLE_HEADER = ["用户名", "姓名", "手机", "邮箱", "部门编码", "职务", "排序", "是否兼职"]


def xlsx(header, rows, name="org.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def read(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def messages(result):
    return [str(e) for e in result.errors]


# --- Departments -------------------------------------------------------------------------------


def test_departments_import_builds_the_tree(unit, org_manager):
    upload = xlsx(
        DEPT_HEADER,
        [
            ["MSK", "秘书科", "BGS", "否", 2],  # its parent comes later in the sheet
            ["BGS", "办公室", "", "是", 1],
            ["FGK", "法规科", None, None, None],
        ],
    )

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert result.ok, messages(result)
    assert (result.created, result.updated) == (3, 0)
    office = Department.objects.get(unit=unit, code="BGS")
    assert office.is_general_office
    assert Department.objects.get(code="MSK").parent == office
    assert Department.objects.get(code="FGK").parent is None
    assert AuditEvent.objects.filter(action="org.department_created").count() == 3
    event = AuditEvent.objects.get(action="org.import")
    assert event.detail["after"]["created"] == 3


def test_departments_import_updates_existing_codes(unit, org_manager, office):
    section = DepartmentFactory(unit=unit, code="MSK", name="秘书股")
    upload = xlsx(
        DEPT_HEADER, [["MSK", "秘书科", "BGS", "否", None], ["BGS", "办公室", "", "是", 0]]
    )

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert result.ok, messages(result)
    assert (result.created, result.updated) == (0, 1)  # the office row changes nothing
    section.refresh_from_db()
    assert section.name == "秘书科" and section.parent == office


def test_departments_import_moves_the_general_office(unit, org_manager, office):
    upload = xlsx(DEPT_HEADER, [["ZHB", "综合办", "", "是", 0], ["BGS", "办公室", "", "否", 0]])

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert result.ok, messages(result)
    office.refresh_from_db()
    assert not office.is_general_office
    assert Department.objects.get(code="ZHB").is_general_office


def test_departments_import_reports_every_bad_row_and_writes_nothing(unit, org_manager, office):
    upload = xlsx(
        DEPT_HEADER,
        [
            ["OK1", "好的一行", "", "否", 1],
            ["", "没有编码", "", "否", 1],
            ["X2", "", "", "也许", "abc"],
            ["X3", "找不到上级", "NOPE", "否", 1],
            ["OK1", "重复编码", "", "否", 1],
            ["X5", "第二个办公室", "", "是", 1],
        ],
    )

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert not result.ok
    assert messages(result) == [
        "row 3: 部门编码: this field is required.",
        "row 4: 部门名称: this field is required.",
        "row 4: 是否办公室: write 是 or 否.",
        "row 4: 排序: enter a whole number of 0 or more.",
        "row 5: 上级部门编码: no department with code NOPE in this unit or in the sheet.",
        "row 6: 部门编码: the code OK1 also appears in row 2.",
        "row 7: 是否办公室: a unit has one general office, but this would make BGS、X5.",
    ]
    assert list(Department.objects.values_list("code", flat=True)) == ["BGS"]
    assert not AuditEvent.objects.filter(action__startswith="org.").exists()


def test_row_numbers_count_blank_rows_as_excel_shows_them(unit, org_manager):
    upload = xlsx(DEPT_HEADER, [["A1", "甲科", "", "否", 1], [], [], ["", "没有编码", "", "否", 1]])

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert messages(result) == ["row 5: 部门编码: this field is required."]


def test_departments_import_refuses_a_cycle_in_the_sheet(unit, org_manager):
    upload = xlsx(DEPT_HEADER, [["A", "甲", "B", "否", 0], ["B", "乙", "A", "否", 0]])

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert messages(result) == [
        "row 2: 上级部门编码: A would be placed under itself or one of its own sub-departments.",
        "row 3: 上级部门编码: B would be placed under itself or one of its own sub-departments.",
    ]
    assert not Department.objects.exists()


def test_departments_import_refuses_a_cycle_with_existing_departments(unit, org_manager):
    top = DepartmentFactory(unit=unit, code="A")
    DepartmentFactory(unit=unit, code="B", parent=top)
    upload = xlsx(DEPT_HEADER, [["A", "甲", "B", "否", 0]])

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert not result.ok
    assert "under itself" in messages(result)[0]
    top.refresh_from_db()
    assert top.parent is None


@pytest.mark.parametrize("column", ["角色", "密级", "Role", "clearance", "三员", "管理员"])
def test_role_and_clearance_columns_are_refused(unit, org_manager, column):
    upload = xlsx([*PEOPLE_HEADER, column], [["a1", "甲", "", "", "", "", 0, "否", "x"]])

    result = importexport.people_import(actor=org_manager, unit=unit, uploaded=upload)

    assert not result.ok
    assert result.errors[0].row == 1 and result.errors[0].column == column
    assert "security administrator" in result.errors[0].message
    assert not User.objects.filter(username="a1").exists()


def test_unknown_and_missing_columns_are_reported(unit, org_manager):
    upload = xlsx(["部门名称", "备注"], [["甲", "x"]])

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert [(e.row, e.column) for e in result.errors] == [(1, "备注"), (1, "部门编码")]


@pytest.mark.parametrize(
    "content",
    [b"this is not a workbook", b"PK\x03\x04 broken zip", b"%PDF-1.7 pretending"],
)
def test_malformed_file_gets_a_clear_message(unit, org_manager, content):
    upload = SimpleUploadedFile("bad.xlsx", content)

    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=upload)

    assert not result.ok
    assert result.errors[0].row is None
    assert "workbook" in result.errors[0].message
    assert not Department.objects.exists()


def test_empty_sheet_is_reported(unit, org_manager):
    result = importexport.departments_import(
        actor=org_manager, unit=unit, uploaded=xlsx(DEPT_HEADER, [])
    )

    assert messages(result) == ["The sheet has no data rows."]


# --- People -----------------------------------------------------------------------------------


def test_people_import_creates_people_with_posts_and_no_password(unit, org_manager, office):
    DepartmentFactory(unit=unit, code="MSK")
    PositionFactory(unit=unit, name="主任")
    upload = xlsx(
        PEOPLE_HEADER,
        [
            ["zhangsan", "张三", 13800001111, "zs@example.cn", "BGS", "主任", 1, "否"],
            ["zhangsan", "张三", None, None, "MSK", None, 2, "是"],
            ["lisi", "李四", "", "", "MSK", "", "", ""],
            ["wangwu", "王五", "", "", "", "", "", ""],
        ],
    )

    result = importexport.people_import(actor=org_manager, unit=unit, uploaded=upload)

    assert result.ok, messages(result)
    assert result.created == 3
    zhang = User.objects.get(username="zhangsan")
    assert zhang.mobile == "13800001111"
    assert zhang.unit == unit
    assert zhang.must_change_password and not zhang.has_usable_password()
    posts = {m.department.code: m for m in Membership.objects.filter(user=zhang)}
    assert posts["BGS"].is_primary and posts["BGS"].position.name == "主任"
    assert not posts["MSK"].is_primary and posts["MSK"].sort_order == 2
    assert Membership.objects.get(user__username="lisi").is_primary
    assert not Membership.objects.filter(user__username="wangwu").exists()
    assert AuditEvent.objects.filter(action="org.person_created").count() == 3
    assert AuditEvent.objects.get(action="org.import").detail["after"]["kind"] == "people"


def test_people_import_reports_all_problems_and_writes_nothing(unit, org_manager, office, staff):
    UserFactory(unit=unit, mobile="13800002222")
    upload = xlsx(
        PEOPLE_HEADER,
        [
            ["good1", "好人", "", "", "BGS", "", 0, "否"],
            ["STAFF", "重名", "", "", "BGS", "", 0, "否"],
            ["bad name", "甲", "123", "not-mail", "NOPE", "局长", -1, "也许"],
            ["two", "乙", "13800002222", "", "BGS", "", 0, "否"],
            ["two", "乙", "", "", "BGS", "", 0, "否"],
            ["conc", "丙", "", "", "BGS", "", 0, "是"],
        ],
    )

    result = importexport.people_import(actor=org_manager, unit=unit, uploaded=upload)

    assert not result.ok
    found = messages(result)
    assert "row 3: 用户名: STAFF already exists; change existing people on their page." in found
    row4 = [m for m in found if m.startswith("row 4:")]
    assert {m.split(":")[1].strip() for m in row4} == {"用户名", "手机", "邮箱", "排序", "是否兼职"}
    assert "row 5: 手机: another person already uses it." in found
    assert any(m.startswith("row 6: 是否兼职: row 5 is already") for m in found)
    assert any(m.startswith("row 6: 部门编码: the same department as row 5") for m in found)
    assert "row 7: 是否兼职: one post of each person must be the primary post (是否兼职 = 否)." in (
        found
    )
    assert not User.objects.filter(username__in=["good1", "two", "conc"]).exists()
    assert not Membership.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="org.").exists()


def test_people_import_unknown_department_and_position(unit, org_manager, office):
    upload = xlsx(PEOPLE_HEADER, [["a1", "甲", "", "", "NOPE", "局长", 0, "否"]])

    result = importexport.people_import(actor=org_manager, unit=unit, uploaded=upload)

    assert messages(result) == [
        "row 2: 部门编码: no department with code NOPE in this unit.",
        "row 2: 职务: no position named 局长 in this unit.",
    ]


def test_people_import_duplicate_mobile_within_the_sheet(unit, org_manager):
    upload = xlsx(
        PEOPLE_HEADER,
        [
            ["a1", "甲", "13800003333", "", "", "", 0, "否"],
            ["a2", "乙", "13800003333", "", "", "", 0, "否"],
        ],
    )

    result = importexport.people_import(actor=org_manager, unit=unit, uploaded=upload)

    assert messages(result) == ["row 3: 手机: also used in row 2."]


# --- Through the pages ------------------------------------------------------------------------


def test_import_page_shows_the_row_errors(client, login_as, unit, org_manager):
    login_as(org_manager)
    upload = xlsx(DEPT_HEADER, [["", "甲", "", "否", 0]])

    response = client.post(
        reverse("org:import"), {"kind": "departments", "unit": unit.pk, "file": upload}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in html
    assert "this field is required." in html
    assert not Department.objects.exists()


def test_import_page_success_redirects(client, login_as, unit, org_manager):
    login_as(org_manager)
    upload = xlsx(DEPT_HEADER, [["BGS", "办公室", "", "是", 0]])

    response = client.post(
        reverse("org:import"), {"kind": "departments", "unit": unit.pk, "file": upload}
    )

    assert response.status_code == 302
    assert Department.objects.get(code="BGS").is_general_office


def test_import_page_refuses_another_units_target(client, login_as, unit, org_manager):
    other = UnitFactory()
    login_as(org_manager)
    upload = xlsx(DEPT_HEADER, [["BGS", "办公室", "", "是", 0]])

    response = client.post(
        reverse("org:import"), {"kind": "departments", "unit": other.pk, "file": upload}
    )

    assert response.status_code == 400
    assert not Department.objects.exists()


def test_import_refused_without_the_role(client, login_as, unit, staff):
    login_as(staff)
    upload = xlsx(DEPT_HEADER, [["BGS", "办公室", "", "是", 0]])

    response = client.post(
        reverse("org:import"), {"kind": "departments", "unit": unit.pk, "file": upload}
    )

    assert response.status_code == 403
    assert not Department.objects.exists()


@pytest.mark.parametrize("kind,header", [("departments", DEPT_HEADER), ("people", PEOPLE_HEADER)])
def test_template_download(client, login_as, org_manager, kind, header):
    login_as(org_manager)

    response = client.get(reverse("org:import_template"), {"kind": kind})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert read(response)[0][: len(header)] == header


def test_departments_export_can_be_imported_again(client, login_as, unit, org_manager, office):
    head = UserFactory(unit=unit, full_name="处长甲")
    DepartmentFactory(unit=unit, code="MSK", name="秘书科", parent=office, head=head)
    MembershipFactory(user=head, department=office)
    login_as(org_manager)

    response = client.get(reverse("org:export_departments"), {"unit": unit.pk})

    rows = read(response)
    assert rows[0] == [*DEPT_HEADER, "电话", "负责人", "分管领导", "人数"]
    assert rows[1][:4] == ["BGS", "办公室", None, "是"]
    assert rows[1][-1] == 1
    assert rows[2][:4] == ["MSK", "秘书科", "BGS", "否"]
    assert rows[2][6] == "处长甲"
    event = AuditEvent.objects.get(action="org.export")
    assert event.actor == org_manager and event.detail["after"]["kind"] == "departments"
    again = SimpleUploadedFile("again.xlsx", response.content)
    result = importexport.departments_import(actor=org_manager, unit=unit, uploaded=again)
    assert result.ok, messages(result)
    assert (result.created, result.updated) == (0, 0)


def test_people_export_one_row_per_post(client, login_as, unit, org_manager, office):
    person = UserFactory(unit=unit, username="zs", full_name="张三", mobile="13800004444")
    other = DepartmentFactory(unit=unit, code="MSK")
    MembershipFactory(
        user=person, department=office, position=PositionFactory(unit=unit, name="主任")
    )
    MembershipFactory(user=person, department=other, is_primary=False)
    UserFactory(unit=unit, username="=cmd", full_name="@evil")
    login_as(org_manager)

    response = client.get(reverse("org:export_people"), {"q": ""})

    rows = read(response)
    assert rows[0][:8] == PEOPLE_HEADER
    mine = [r for r in rows if r[0] == "zs"]
    assert [r[4:8] for r in mine] == [["BGS", "主任", 0, "否"], ["MSK", None, 0, "是"]]
    assert mine[0][2] == "13800004444"
    evil = next(r for r in rows if r[1] and "evil" in r[1])
    assert evil[0] == "'=cmd" and evil[1] == "'@evil"
    assert AuditEvent.objects.get(action="org.export").detail["after"]["kind"] == "people"


def test_people_export_honours_the_filters(client, login_as, unit, org_manager, office):
    UserFactory(unit=unit, username="aa", full_name="甲")
    UserFactory(unit=unit, username="bb", full_name="乙")
    login_as(org_manager)

    rows = read(client.get(reverse("org:export_people"), {"q": "甲"}))

    assert [r[0] for r in rows[1:]] == ["aa"]
