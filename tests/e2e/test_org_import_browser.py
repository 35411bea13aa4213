import io

from openpyxl import Workbook

from tests.e2e.conftest import sign_in
from zhongshu.org.models import Membership, User

HEADER = ["用户名", "姓名", "手机", "邮箱", "部门编码", "职务", "排序", "是否兼职"]


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(page, content: bytes):
    page.goto("/org/import/?kind=people")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "people.xlsx", "mimeType": "application/octet-stream", "buffer": content}],
    )
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_load_state()


def test_import_a_small_excel_file_of_people(page):
    sign_in(page, "office")
    page.wait_for_url("**/")

    # A bad sheet: every problem is listed by row and nothing is written.
    upload(
        page,
        workbook(
            [
                ["newperson1", "新同志甲", "13600000001", "", "BGS", "科员", 1, "否"],
                ["newperson2", "", "13600000002", "", "SPSC", "科员", 1, "否"],
                ["newperson3", "新同志丙", "13600000003", "", "NOPE", "科员", 1, "否"],
            ]
        ),
    )
    rows = page.locator("main table tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["3", "4"]
    assert "NOPE" in rows[1]
    assert not User.objects.filter(username__startswith="newperson").exists()

    # A good sheet: both people are added with their posts.
    upload(
        page,
        workbook(
            [
                ["newperson1", "新同志甲", "13600000001", "", "BGS", "科员", 1, "否"],
                ["newperson2", "新同志乙", "13600000002", "", "SPSC", "科员", 1, "否"],
            ]
        ),
    )
    page.wait_for_url("**/org/people/**")
    assert set(
        User.objects.filter(username__startswith="newperson").values_list("full_name", flat=True)
    ) == {"新同志甲", "新同志乙"}
    assert Membership.objects.filter(user__username="newperson2", department__code="SPSC").exists()
    assert all(
        u.must_change_password and not u.has_usable_password()
        for u in User.objects.filter(username__startswith="newperson")
    )
