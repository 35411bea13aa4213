"""分送 of a 阅件 in the browser (issue 5, 条例 §24 step 4): the office clerk of the demo
organisation registers a document for information, accepts it, sends it to a department and to
a person found with the colleague picker; a reader signs in, opens it from "Incoming to read",
and the office sees the read receipt — under the CSP, at office and phone width."""

from tests.e2e.conftest import sign_in
from zhongshu.documents.models import IncomingDocument, IncomingReading, IncomingState
from zhongshu.org.models import Department, User

NUMBER = "市府办函〔2026〕41号"
TITLE = "关于做好国庆节期间值班工作的通知"


def _register_reading(page):
    page.goto("/documents/incoming/register/")
    page.fill("input[name=source_name]", "市人民政府办公室")
    page.fill("input[name=source_number]", NUMBER)
    page.fill("input[name=title]", TITLE)
    page.check("input[name=handling][value=reading]")
    with page.expect_navigation():
        page.click("main form button.btn-primary[type=submit]")


def _pick(page, text, name):
    """Type ``text`` in the picker, choose ``name`` and wait until it is on the list."""
    page.fill("#to_user-q", text)
    page.locator("#to_user-options label", has_text=name).click()
    page.locator("#chosen-people label", has_text=name).wait_for()


def test_the_office_sends_a_reading_and_sees_the_receipt(page, browser, live_server):
    department = Department.objects.get(code="SPSC", deleted_at__isnull=True)
    members = set(
        User.objects.filter(
            memberships__department=department, memberships__deleted_at__isnull=True
        ).values_list("pk", flat=True)
    )
    reader = User.objects.get(username="deputy1")  # 李文华, of 局领导: picked by name
    sign_in(page, "office")
    page.wait_for_url("**/")

    _register_reading(page)
    document = IncomingDocument.objects.get(source_number=NUMBER)
    with page.expect_navigation():
        page.click("form[action$='/accept/'] button[type=submit]")
    page.click(f"main a[href='/documents/incoming/{document.pk}/send/']")
    page.wait_for_url(f"**/documents/incoming/{document.pk}/send/")
    _pick(page, "李文", reader.full_name)
    page.check(f"input[name=departments][value='{department.pk}']")
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.set_viewport_size({"width": 1366, "height": 768})
    with page.expect_navigation():
        page.click("#send-form button.btn-primary[type=submit]")

    assert page.url.endswith(f"/documents/incoming/{document.pk}/")
    sent = set(IncomingReading.objects.filter(document=document).values_list("person", flat=True))
    assert sent == members | {reader.pk} and len(members) >= 2
    document.refresh_from_db()
    assert document.state == IncomingState.READING
    assert f"0/{len(sent)}" in page.inner_text("#read-receipts")

    # The reader, on a phone: the document is on their page, unread; opening it reads it.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 375, "height": 740}
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(phone, "deputy1")
    phone.wait_for_url("**/")
    phone.goto("/documents/incoming/to-read/")
    item = phone.locator("#to-read li", has_text=TITLE)
    assert item.locator(".tag-blue").count() == 1  # unread
    assert phone.evaluate("document.documentElement.scrollWidth") <= 376
    with phone.expect_navigation():
        item.locator(f"a[href='/documents/incoming/{document.pk}/']").click()
    assert TITLE in phone.inner_text("main")
    assert phone.locator("#read-receipts").count() == 0  # the office's panel, not theirs
    assert IncomingReading.objects.get(document=document, person=reader).read_at is not None
    assert errors == []
    context.close()

    # The office sees the receipt: one read, the others named as not yet.
    page.reload()
    receipts = page.inner_text("#read-receipts")
    assert f"1/{len(sent)}" in receipts
    assert "黄晓明" in page.inner_text("#unread-readers")  # staff1, of 食品生产监管科
    assert reader.full_name not in page.inner_text("#unread-readers")
    page.goto("/documents/incoming/?state=reading")
    assert f"1/{len(sent)}" in page.inner_text("#incoming-table")
    assert page.console_errors == []


def test_a_reading_goes_to_fifty_readers_and_the_receipts_count_them(page):
    """Issue 5 "Done when": a 阅件 sent to 50 readers, the receipts showing. Every department but
    the leaders' is ticked; members not cleared for it would be named, none is here."""
    from tests.factories import MembershipFactory, UserFactory

    unit = Department.objects.get(code="SPSC", deleted_at__isnull=True).unit
    extra = Department.objects.create(unit=unit, name="专项整治工作专班", code="ZXZB")
    for n in range(12):  # the demo unit alone has fewer than 50 readers
        MembershipFactory(user=UserFactory(unit=unit, full_name=f"专班成员{n}"), department=extra)
    departments = list(
        Department.objects.filter(unit=unit, deleted_at__isnull=True).values_list("pk", flat=True)
    )
    sign_in(page, "office")
    page.wait_for_url("**/")
    _register_reading(page)
    document = IncomingDocument.objects.get(source_number=NUMBER)
    with page.expect_navigation():
        page.click("form[action$='/accept/'] button[type=submit]")
    page.goto(f"/documents/incoming/{document.pk}/send/")
    for pk in departments:
        page.check(f"input[name=departments][value='{pk}']")
    with page.expect_navigation():
        page.click("#send-form button.btn-primary[type=submit]")
    sent = IncomingReading.objects.filter(document=document).count()
    assert sent >= 50
    # The sender is in the office, one of the departments: the page it lands on is their read.
    read = IncomingReading.objects.filter(document=document, read_at__isnull=False).count()
    assert read == 1
    assert f"{read}/{sent}" in page.inner_text("#read-receipts")
    page.goto("/documents/incoming/?state=reading")
    assert f"{read}/{sent}" in page.inner_text("#incoming-table")
    assert page.console_errors == []
