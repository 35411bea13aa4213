"""登记 pages, 份号 register, withdrawal and the 发文登记簿 (issue 4 item 5)."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.documents import factories
from tests.documents.factories import NumberSeriesFactory, OutgoingDocumentFactory
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import numbering, views_numbering
from zhongshu.documents.models import CopyNumber, IssuedNumber, OutgoingDocument, State

office_clerk = factories.office_clerk


@pytest.fixture
def series(office):
    return NumberSeriesFactory(owner=office, code="市食药监发", name="局发文")


@pytest.fixture
def department(unit):
    return DepartmentFactory(unit=unit, name="综合科")


def checked(staff, department, **fields):
    fields.setdefault("state", State.CHECKED)
    fields.setdefault("issued_on", date(2026, 3, 2))
    return OutgoingDocumentFactory(drafter=staff, department=department, **fields)


def numbered(clerk, staff, department, series, **fields):
    document = checked(staff, department, **fields)
    return numbering.allocate(actor=clerk, document=document, series=series)


def register_data(document, series=None, **fields):
    data = {
        "copies": "10",
        "distribution_scope": "各街道办事处",
        "print_date": "",
        "version": str(document.version),
    }
    if series is not None:
        data["series"] = str(series.pk)
    data.update(fields)
    return data


# --- 登记 of one document -------------------------------------------------------------------


def test_register_page_offers_the_eligible_series(
    client, login_as, office_clerk, staff, department, series, office
):
    NumberSeriesFactory(owner=office, code="市食药监函", layout="letter")
    document = checked(staff, department)
    login_as(office_clerk)

    response = client.get(reverse("documents:register", args=[document.pk]))

    assert response.status_code == 200
    form = response.context["form"]
    assert [pk for pk, _ in form.fields["series"].choices if pk] == [series.pk]
    assert form.initial["series"] == series.pk
    assert form.initial["distribution_scope"] == "各街道办事处"


def test_register_through_the_page(client, login_as, office_clerk, staff, department, series):
    document = checked(staff, department)
    login_as(office_clerk)

    response = client.post(
        reverse("documents:register", args=[document.pk]), register_data(document, series)
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.state, document.doc_number, document.copies) == (
        State.REGISTERED,
        "市食药监发〔2026〕1号",
        10,
    )
    page = client.get(response.url)
    assert "市食药监发〔2026〕1号" in page.content.decode()


def test_register_with_a_stale_version_answers_412(
    client, login_as, office_clerk, staff, department, series
):
    document = checked(staff, department)
    data = register_data(document, series)
    OutgoingDocument.objects.filter(pk=document.pk).update(version=document.version + 1)
    login_as(office_clerk)

    response = client.post(reverse("documents:register", args=[document.pk]), data)

    assert response.status_code == 412
    assert "changed this meanwhile" in response.content.decode()
    assert not IssuedNumber.objects.exists()


def test_register_twice_answers_409(client, login_as, office_clerk, staff, department, series):
    document = checked(staff, department)
    login_as(office_clerk)
    data = register_data(document, series)
    client.post(reverse("documents:register", args=[document.pk]), data)
    document.refresh_from_db()

    again = client.post(
        reverse("documents:register", args=[document.pk]), register_data(document, series)
    )

    assert again.status_code == 409
    assert IssuedNumber.objects.count() == 1


def test_register_form_errors_answer_400(client, login_as, office_clerk, staff, department, series):
    document = checked(staff, department)
    login_as(office_clerk)

    response = client.post(
        reverse("documents:register", args=[document.pk]),
        register_data(document, series, copies="0", distribution_scope=""),
    )

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"copies", "distribution_scope"}
    assert not IssuedNumber.objects.exists()


def test_a_document_not_yet_checked_shows_no_form(
    client, login_as, office_clerk, staff, department
):
    document = checked(staff, department, state=State.SIGNED)
    login_as(office_clerk)

    response = client.get(reverse("documents:register", args=[document.pk]))

    assert response.status_code == 200
    assert response.context["form"] is None


def test_staff_get_403_and_nothing_changes(client, login_as, staff, department, series):
    document = checked(staff, department)
    login_as(staff)

    get = client.get(reverse("documents:register", args=[document.pk]))
    post = client.post(
        reverse("documents:register", args=[document.pk]), register_data(document, series)
    )

    assert (get.status_code, post.status_code) == (403, 403)
    document.refresh_from_db()
    assert document.state == State.CHECKED
    assert not IssuedNumber.objects.exists()


def test_another_units_document_is_404(client, login_as, office_clerk):
    foreign = OutgoingDocumentFactory(state=State.CHECKED)
    login_as(office_clerk)

    response = client.get(reverse("documents:register", args=[foreign.pk]))
    copies = client.get(reverse("documents:number_copies", args=[foreign.pk]))

    assert (response.status_code, copies.status_code) == (404, 404)
    event = AuditEvent.objects.filter(action="access.denied").latest("id")
    assert event.object_id == str(foreign.pk)


def test_a_document_above_the_clearance_is_404(
    client, login_as, office_clerk, staff, department, series
):
    document = checked(staff, department, classification=Classification.SECRET)
    login_as(office_clerk)  # cleared for 内部 only

    response = client.post(
        reverse("documents:register", args=[document.pk]), register_data(document, series)
    )

    assert response.status_code == 404
    assert not IssuedNumber.objects.exists()


# --- 份号 --------------------------------------------------------------------------------------


@pytest.fixture
def cleared_clerk(office_clerk):
    office_clerk.clearance = Classification.SECRET
    office_clerk.save()
    return office_clerk


def test_copies_page_hands_a_copy_to_a_cleared_person(
    client, login_as, cleared_clerk, staff, department, series, unit
):
    reader = UserFactory(unit=unit, clearance=Classification.SECRET, full_name="钱保密")
    document = checked(staff, department, classification=Classification.SECRET)
    numbering.register(
        actor=cleared_clerk,
        document=document,
        expected_version=document.version,
        series=series,
        copies=3,
        distribution_scope="局领导",
    )
    login_as(cleared_clerk)
    url = reverse("documents:number_copies", args=[document.pk])

    page = client.get(url)
    copy = CopyNumber.objects.get(document=document, number=2)
    response = client.post(url, {"copy": copy.pk, "person": reader.pk})

    assert page.status_code == 200
    assert "000003" in page.content.decode()
    person_choices = [pk for pk, _ in page.context["form"].fields["person"].choices if pk]
    assert reader.pk in person_choices and staff.pk not in person_choices  # staff: 内部 only
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.person == reader and copy.handed_at is not None


def test_copies_page_needs_a_holder(client, login_as, cleared_clerk, staff, department, series):
    document = checked(staff, department, classification=Classification.SECRET)
    numbering.register(
        actor=cleared_clerk,
        document=document,
        expected_version=document.version,
        series=series,
        copies=1,
        distribution_scope="局领导",
    )
    login_as(cleared_clerk)
    copy = CopyNumber.objects.get(document=document)

    response = client.post(
        reverse("documents:number_copies", args=[document.pk]), {"copy": copy.pk}
    )

    assert response.status_code == 400
    copy.refresh_from_db()
    assert copy.handed_at is None


# --- Withdrawal ---------------------------------------------------------------------------------


def test_void_page_needs_a_reason_then_withdraws(
    client, login_as, office_clerk, staff, department, series
):
    issued = numbered(office_clerk, staff, department, series)
    login_as(office_clerk)
    url = reverse("documents:number_void", args=[issued.pk])

    page = client.get(url)
    blank = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "文号登记错误"})
    again = client.post(url, {"reason": "再次作废"})

    assert (page.status_code, blank.status_code, done.status_code, again.status_code) == (
        200,
        400,
        302,
        409,
    )
    issued.refresh_from_db()
    assert (issued.status, issued.void_reason) == ("void", "文号登记错误")


def test_void_of_another_units_number_is_404(client, login_as, office_clerk):
    foreign_office = DepartmentFactory(unit=UnitFactory(), is_general_office=True)
    foreign_clerk = UserFactory(unit=foreign_office.unit)
    MembershipFactory(user=foreign_clerk, department=foreign_office)
    document = OutgoingDocumentFactory(drafter=foreign_clerk, state=State.CHECKED)
    issued = numbering.allocate(
        actor=foreign_clerk, document=document, series=NumberSeriesFactory(owner=foreign_office)
    )
    login_as(office_clerk)

    response = client.post(reverse("documents:number_void", args=[issued.pk]), {"reason": "x"})

    assert response.status_code == 404
    issued.refresh_from_db()
    assert issued.status == "used"


def test_staff_cannot_void(client, login_as, office_clerk, staff, department, series):
    issued = numbered(office_clerk, staff, department, series)
    login_as(staff)

    response = client.post(reverse("documents:number_void", args=[issued.pk]), {"reason": "x"})

    assert response.status_code == 403
    issued.refresh_from_db()
    assert issued.status == "used"


# --- 发文登记簿 --------------------------------------------------------------------------------


def test_register_book_pages_by_keyset_newest_first(
    client, login_as, office_clerk, staff, department, series, monkeypatch
):
    monkeypatch.setattr(views_numbering, "PAGE_SIZE", 2)
    numbers = [numbered(office_clerk, staff, department, series) for _ in range(5)]
    login_as(office_clerk)
    url = reverse("documents:register_book")

    first = client.get(url)
    second = client.get(url + first.context["older_url"])
    third = client.get(url + second.context["older_url"])
    back = client.get(url + second.context["newer_url"])

    def texts(response):
        return [row.text for row in response.context["rows"]]

    assert texts(first) == [numbers[4].text, numbers[3].text]
    assert texts(second) == [numbers[2].text, numbers[1].text]
    assert texts(third) == [numbers[0].text]
    assert third.context["older_url"] == ""
    assert texts(back) == texts(first)
    assert first.context["count"] == 5 and not first.context["count_capped"]


def test_register_book_counts_are_capped(
    client, login_as, office_clerk, staff, department, series, monkeypatch
):
    monkeypatch.setattr(views_numbering, "COUNT_CAP", 2)
    for _ in range(3):
        numbered(office_clerk, staff, department, series)
    login_as(office_clerk)

    response = client.get(reverse("documents:register_book"))

    assert (response.context["count"], response.context["count_capped"]) == (2, True)
    assert "More than 2 numbers" in response.content.decode()


def test_register_book_filters(client, login_as, office_clerk, staff, department, series, office):
    letters = NumberSeriesFactory(owner=office, code="市食药监函", layout="letter")
    a = numbered(office_clerk, staff, department, series, title="关于开展春季食品安全检查的通知")
    b = numbered(office_clerk, staff, department, series, issued_on=date(2025, 6, 1))
    c = numbered(office_clerk, staff, department, letters, layout="letter")
    numbering.void(actor=office_clerk, issued=b, reason="作废")
    login_as(office_clerk)
    url = reverse("documents:register_book")

    def texts(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {row.text for row in response.context["rows"]}

    assert texts(year=2026) == {a.text, c.text}
    assert texts(series=letters.pk) == {c.text}
    assert texts(status="void") == {b.text}
    assert texts(q="春季") == {a.text}
    assert texts(q="监函") == {c.text}
    assert client.get(url, {"year": "abc"}).status_code == 400


def test_register_book_hides_numbers_above_the_clearance_and_of_other_units(
    client, login_as, office_clerk, staff, department, series
):
    visible = numbered(office_clerk, staff, department, series)
    numbered(office_clerk, staff, department, series, classification=Classification.SECRET)
    foreign_office = DepartmentFactory(unit=UnitFactory(), is_general_office=True)
    foreign = OutgoingDocumentFactory(
        drafter=UserFactory(unit=foreign_office.unit), state=State.CHECKED
    )
    numbering.allocate(
        actor=office_clerk, document=foreign, series=NumberSeriesFactory(owner=foreign_office)
    )
    login_as(office_clerk)

    response = client.get(reverse("documents:register_book"))

    assert [row.text for row in response.context["rows"]] == [visible.text]


def test_register_book_runs_a_constant_number_of_queries(
    client, login_as, office_clerk, staff, department, series, django_assert_max_num_queries
):
    numbered(office_clerk, staff, department, series)
    login_as(office_clerk)
    url = reverse("documents:register_book")
    client.get(url)  # the shell's one-off writes (session, configuration row)
    with django_assert_max_num_queries(25) as one:
        client.get(url, {"year": 2026})
    for _ in range(6):
        issued = numbered(office_clerk, staff, department, series)
    numbering.void(actor=office_clerk, issued=issued, reason="作废")

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url, {"year": 2026})

    assert len(response.context["rows"]) == 7


def test_register_book_answers_htmx_with_the_table_only(
    client, login_as, office_clerk, staff, department, series
):
    numbered(office_clerk, staff, department, series)
    login_as(office_clerk)

    response = client.get(reverse("documents:register_book"), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="register-table">')
    assert "<html" not in body


def test_pending_list_runs_a_constant_number_of_queries(
    client, login_as, office_clerk, staff, department, django_assert_max_num_queries
):
    checked(staff, department)
    checked(staff, department, state=State.SIGNED)
    login_as(office_clerk)
    url = reverse("documents:register_pending")
    client.get(url)
    with django_assert_max_num_queries(25) as one:
        client.get(url)
    for _ in range(5):
        checked(staff, DepartmentFactory(unit=department.unit))

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert len(response.context["documents"]) == 6


def test_export_holds_local_times_and_escapes_formulas(
    client, login_as, office_clerk, staff, department, series
):
    with time_machine.travel(datetime(2026, 3, 2, 23, 30, tzinfo=UTC), tick=False):
        numbered(office_clerk, staff, department, series, title='=HYPERLINK("http://x")')
    issued = numbered(office_clerk, staff, department, series)
    numbering.void(actor=office_clerk, issued=issued, reason="+重复")
    login_as(office_clerk)

    response = client.get(reverse("documents:register_export"), {"year": 2026})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Document number", "Year", "Sequence number", "Series", "Status")
    assert [r[0] for r in rows[1:]] == ["市食药监发〔2026〕2号", "市食药监发〔2026〕1号"]
    first = rows[2]
    assert first[5] == '\'=HYPERLINK("http://x")'
    assert first[10] == datetime(2026, 3, 3, 7, 30)  # Beijing time, naive
    assert rows[1][4] == "Void" and rows[1][14] == "'+重复"
    event = AuditEvent.objects.get(action="documents.register_exported")
    assert event.detail == {"filters": {"year": "2026"}, "rows": 2}


def test_export_is_office_only(client, login_as, staff):
    login_as(staff)

    assert client.get(reverse("documents:register_export")).status_code == 403
    assert not AuditEvent.objects.filter(action="documents.register_exported").exists()


def test_a_number_given_at_signing_is_kept_by_the_page(
    client, login_as, office_clerk, staff, department, series
):
    issued = numbered(office_clerk, staff, department, series)
    document = OutgoingDocument.objects.get(pk=issued.document_id)
    login_as(office_clerk)
    url = reverse("documents:register", args=[document.pk])

    page = client.get(url)
    response = client.post(url, register_data(document))

    assert "series" not in page.context["form"].fields
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.state, document.doc_number) == (State.REGISTERED, issued.text)
    assert IssuedNumber.objects.count() == 1
