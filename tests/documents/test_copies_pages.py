# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""The pages of the classified copies register (涉密载体登记簿, issue 5 item 9): who may open
them (a 404 for everyone else, export included), the register's filters, paging, export and
query count, the forms with their refusals (400, 403, 409, 412), the print pages, the section on
an incoming document's page, and every page in the three languages."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import login
from tests.documents.copies_support import (  # noqa: F401  (fixtures)
    destruction,
    fresh,
    keeper,
    papers,
    reader,
    returning,
    second,
    secret_incoming,
    uncleared,
)
from tests.factories import MembershipFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services_copies
from zhongshu.documents.models import ClassifiedCopy, CopyDisposal, CopyState, DisposalState

pytestmark = pytest.mark.django_db

LIST = reverse("documents:copy_list")
EXPORT = reverse("documents:copy_export")
REGISTER = reverse("documents:copy_register")
PREPARE = reverse("documents:copy_prepare")
DISPOSALS = reverse("documents:copy_disposals")


def url(name, obj) -> str:
    return reverse(f"documents:{name}", args=[obj.pk])


@pytest.fixture
def world(keeper, second, reader):
    """Meeting papers, one copy lent, a destruction list waiting for approval."""
    rows = papers(keeper, numbers="000012-000015")
    services_copies.lend(
        actor=keeper, copy=rows[3], expected_version=rows[3].version, person=reader
    )
    disposal = destruction(keeper, rows[:2])
    return {"rows": rows, "disposal": disposal}


def every_url(world) -> list[tuple[str, str]]:
    copy, disposal = world["rows"][2], world["disposal"]
    return [
        ("GET", LIST),
        ("GET", EXPORT),
        ("GET", REGISTER),
        ("POST", REGISTER),
        ("POST", reverse("documents:copy_backfill")),
        ("GET", f"{PREPARE}?kind=destroy&copy={copy.pk}"),
        ("POST", PREPARE),
        ("GET", url("copy_detail", copy)),
        ("POST", url("copy_lend", copy)),
        ("POST", url("copy_back", copy)),
        ("POST", url("copy_number", copy)),
        ("GET", DISPOSALS),
        ("GET", url("copy_disposal", disposal)),
        ("POST", url("copy_disposal_approve", disposal)),
        ("POST", url("copy_disposal_execute", disposal)),
        ("POST", url("copy_disposal_confirm", disposal)),
        ("POST", url("copy_disposal_cancel", disposal)),
        ("GET", url("copy_disposal_print", disposal)),
    ]


# --- Who may open the pages -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reader", "uncleared", "staff"])
def test_everyone_but_a_cleared_office_member_gets_404_everywhere(request, client, world, who):
    login(client, request.getfixturevalue(who))
    before = (
        ClassifiedCopy.objects.filter(state=CopyState.HELD).count(),
        CopyDisposal.objects.count(),
    )

    for method, address in every_url(world):
        response = client.get(address) if method == "GET" else client.post(address, {"version": 1})
        assert response.status_code == 404, f"{method} {address}"

    assert (
        ClassifiedCopy.objects.filter(state=CopyState.HELD).count(),
        CopyDisposal.objects.count(),
    ) == before
    assert AuditEvent.objects.filter(action="access.denied").count() == len(every_url(world))


def test_copies_above_the_keepers_clearance_answer_404(client, keeper, unit, office):
    senior = UserFactory(unit=unit, clearance=Classification.CONFIDENTIAL)
    MembershipFactory(user=senior, department=office)
    rows = papers(senior, classification=Classification.CONFIDENTIAL, numbers="1-2")
    disposal = returning(senior, rows[:1])
    login(client, keeper)

    assert client.get(url("copy_detail", rows[1])).status_code == 404
    assert client.get(url("copy_disposal", disposal)).status_code == 404
    assert client.get(url("copy_disposal_print", disposal)).status_code == 404
    page = client.get(LIST)
    assert page.status_code == 200 and page.context["rows"] == []
    sheet = load_workbook(io.BytesIO(client.get(EXPORT).content)).active
    assert sheet.max_row == 1


# --- The register ---------------------------------------------------------------------------------


def test_the_register_lists_the_copies_with_their_state(client, keeper, world, reader):
    login(client, keeper)

    response = client.get(LIST)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [c.copy_number for c in rows] == ["000012", "000013", "000014", "000015"]
    html = response.content.decode()
    assert "To be destroyed (待销毁)" in html and "Lent (借出)" in html
    assert reader.full_name in html and world["disposal"].number in html
    # Only the copies the office holds can be ticked.
    assert html.count('name="copy"') == 1
    assert "Register meeting papers" in html


def test_the_filters_narrow_the_register(client, keeper, world):
    overdue = papers(
        keeper,
        meeting="省会议",
        title="会议材料汇编",
        numbers="000021",
        received_on=timezone.localdate() - datetime.timedelta(days=20),
        return_by=timezone.localdate() - datetime.timedelta(days=1),
    )[0]
    login(client, keeper)

    def numbers(query):
        return [c.copy_number for c in client.get(LIST, query).context["rows"]]

    assert numbers({"overdue": "on"}) == [overdue.copy_number]
    assert numbers({"state": "lent"}) == ["000015"]
    assert numbers({"q": "汇编"}) == ["000021"]
    assert numbers({"q": "13"}) == ["000013"]
    assert numbers({"kind": "incoming"}) == []
    assert numbers({"state": "nonsense"}) == ["000012", "000013", "000014", "000015", "000021"]
    assert client.get(LIST, {"overdue": "on"}).content.decode().count("Overdue for return") >= 1


def test_the_register_is_keyset_paged(client, keeper):
    papers(keeper, numbers="1-45")
    login(client, keeper)

    first = client.get(LIST)
    second = client.get(LIST + first.context["next_url"])

    assert len(first.context["rows"]) == 30 and len(second.context["rows"]) == 15
    assert second.context["next_url"] == ""
    assert {c.pk for c in first.context["rows"]}.isdisjoint(c.pk for c in second.context["rows"])
    table = client.get(LIST, HTTP_HX_REQUEST="true")
    assert table.content.decode().startswith('<div id="copy-table">')


def test_the_register_reads_a_constant_number_of_queries(
    client, keeper, reader, django_assert_max_num_queries
):
    papers(keeper, numbers="1-3")
    login(client, keeper)
    client.get(LIST)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    rows = papers(keeper, meeting="又一次会议", numbers="10-35")
    for copy in rows[:5]:
        services_copies.lend(actor=keeper, copy=copy, expected_version=copy.version, person=reader)
    destruction(keeper, rows[5:8])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 29


def test_the_export_is_the_register_as_filtered_and_is_audited(client, keeper, world):
    login(client, keeper)

    response = client.get(EXPORT, {"state": "destroying"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Copy number", "Kind", "Title"]
    assert [r[0] for r in rows[1:]] == ["000012", "000013"]
    assert rows[1][11] == world["disposal"].number
    event = AuditEvent.objects.get(action="documents.copies_exported")
    assert event.detail["rows"] == 2


def test_the_register_offers_the_copies_of_documents_registered_before_it(client, keeper):
    document = secret_incoming(keeper)
    ClassifiedCopy.objects.filter(incoming=document).delete()
    login(client, keeper)

    page = client.get(LIST).content.decode()
    assert "Register their copies" in page
    response = client.post(reverse("documents:copy_backfill"))

    assert response.status_code == 302
    assert ClassifiedCopy.objects.filter(incoming=document).count() == 3


# --- Registering meeting papers -------------------------------------------------------------------


def form_data(**data) -> dict:
    return {
        "kind": "meeting",
        "meeting": "全市安全生产工作会议",
        "title": "关于重大危险源排查整治情况的通报",
        "source_name": "市人民政府",
        "source_number": "市安委〔2026〕3号",
        "classification": "2",
        "numbers": "000012-000015, 000020",
        "received_on": timezone.localdate().isoformat(),
        "token": "t1",
        **data,
    }


def test_meeting_papers_are_registered_from_the_form(client, keeper, reader):
    login(client, keeper)
    assert client.get(REGISTER).status_code == 200

    response = client.post(REGISTER, form_data(brought_by=reader.pk))

    assert response.status_code == 302 and response.url == LIST
    assert list(ClassifiedCopy.objects.order_by("pk").values_list("copy_number", flat=True)) == [
        "000012",
        "000013",
        "000014",
        "000015",
        "000020",
    ]
    again = client.post(REGISTER, form_data(brought_by=reader.pk))
    assert again.status_code == 302 and ClassifiedCopy.objects.count() == 5


def test_bad_papers_answer_400_next_to_the_fields(client, keeper):
    login(client, keeper)

    response = client.post(
        REGISTER, form_data(meeting="", title="", numbers="15-12", received_on="")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Name the meeting the papers come from." in html
    assert "Give the title." in html
    assert "the first number of a range comes before the last" in html
    assert "Give the date received." in html
    assert ClassifiedCopy.objects.count() == 0


def test_a_copy_number_already_registered_answers_400(client, keeper):
    login(client, keeper)
    client.post(REGISTER, form_data())

    response = client.post(REGISTER, form_data(numbers="000020-000021", token="t2"))

    assert response.status_code == 400
    assert "Already on the register for this paper: copy number 000020" in (
        response.content.decode()
    )
    assert ClassifiedCopy.objects.count() == 5


# --- A copy ---------------------------------------------------------------------------------------


def test_a_copy_is_lent_and_taken_back_from_its_page(client, keeper, reader):
    copy = papers(keeper)[0]
    login(client, keeper)
    page = client.get(url("copy_detail", copy))
    assert page.status_code == 200 and "Lend it (借阅)" in page.content.decode()
    assert AuditEvent.objects.filter(action="documents.read", object_id=str(copy.pk)).exists()

    lent = client.post(url("copy_lend", copy), {"version": copy.version, "person": reader.pk})
    back = client.post(url("copy_back", copy), {"version": copy.version + 1})

    assert lent.status_code == 302 and back.status_code == 302
    assert fresh(copy).state == CopyState.HELD
    html = client.get(url("copy_detail", copy)).content.decode()
    assert "Lent" in html and "Back in the office" in html and reader.full_name in html


def test_lending_refusals_answer_400_409_and_412(client, keeper, reader, unit):
    copy = papers(keeper)[0]
    staff = UserFactory(unit=unit, clearance=Classification.INTERNAL)
    login(client, keeper)

    nobody = client.post(url("copy_lend", copy), {"version": copy.version})
    not_cleared = client.post(url("copy_lend", copy), {"version": copy.version, "person": staff.pk})
    stale = client.post(url("copy_lend", copy), {"version": copy.version + 3, "person": reader.pk})
    client.post(url("copy_lend", copy), {"version": copy.version, "person": reader.pk})
    twice = client.post(url("copy_lend", copy), {"version": copy.version, "person": reader.pk})

    assert nobody.status_code == 400 and "Choose who borrows it." in nobody.content.decode()
    assert not_cleared.status_code == 400  # not among the people offered
    assert stale.status_code == 412
    assert twice.status_code == 409
    assert fresh(copy).holder_id == reader.pk


def test_a_copy_number_is_written_in_from_its_page(client, keeper):
    document = secret_incoming(keeper, copy_number="")
    copy = ClassifiedCopy.objects.filter(incoming=document).first()
    login(client, keeper)
    assert "Write in the copy number" in client.get(url("copy_detail", copy)).content.decode()

    bad = client.post(url("copy_number", copy), {"version": copy.version, "copy_number": "12a"})
    good = client.post(url("copy_number", copy), {"version": copy.version, "copy_number": "12"})

    assert bad.status_code == 400 and "up to six digits" in bad.content.decode()
    assert good.status_code == 302 and fresh(copy).copy_number == "000012"


# --- Lists ----------------------------------------------------------------------------------------


def test_ticked_copies_make_a_return_list(client, keeper, world):
    held = world["rows"][2]
    lent = world["rows"][3]
    login(client, keeper)

    page = client.get(PREPARE, {"kind": "return", "copy": [held.pk, lent.pk, 999999]})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Cannot go on the list" in html and "1 copy on the list" in html
    assert page.context["missing"] == 1
    response = client.post(
        PREPARE,
        {
            "kind": "return",
            "copy": [held.pk],
            "recipient": "市人民政府",
            "method": "courier",
            "token": "p1",
        },
    )

    disposal = CopyDisposal.objects.get(kind="return")
    assert response.status_code == 302 and response.url == url("copy_disposal", disposal)
    assert fresh(held).state == CopyState.RETURNING


def test_a_list_with_a_lent_copy_answers_409(client, keeper, world):
    login(client, keeper)
    response = client.post(
        PREPARE, {"kind": "destroy", "copy": [world["rows"][3].pk], "reason": "阅毕"}
    )
    assert response.status_code == 409
    assert "must be back in the office" in response.content.decode()


def test_a_return_list_without_recipient_answers_400(client, keeper, world):
    login(client, keeper)
    response = client.post(PREPARE, {"kind": "return", "copy": [world["rows"][2].pk]})
    assert response.status_code == 400
    assert "Name the organ the copies go back to." in response.content.decode()
    assert CopyDisposal.objects.filter(kind="return").count() == 0


def test_the_one_who_prepared_a_destruction_may_not_approve_it(client, keeper, second, world):
    disposal = world["disposal"]
    login(client, keeper)
    page = client.get(url("copy_disposal", disposal)).content.decode()
    assert "Waiting for approval by another member of the office" in page

    response = client.post(url("copy_disposal_approve", disposal), {"version": disposal.version})

    assert response.status_code == 403
    assert fresh(disposal).state == DisposalState.PREPARED
    from zhongshu.core.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="access.denied", actor=keeper, object_id=str(disposal.pk)
    ).exists()
    login(client, second)
    assert "Approve the destruction" in client.get(url("copy_disposal", disposal)).content.decode()
    ok = client.post(url("copy_disposal_approve", disposal), {"version": disposal.version})
    again = client.post(url("copy_disposal_approve", disposal), {"version": disposal.version})
    assert ok.status_code == 302 and again.status_code == 409
    assert fresh(disposal).approved_by_id == second.pk


def test_a_destruction_is_recorded_with_a_witness(client, keeper, second, world):
    disposal = world["disposal"]
    disposal = services_copies.approve(
        actor=second, disposal=disposal, expected_version=disposal.version
    )
    login(client, keeper)
    data = {
        "version": disposal.version,
        "executed_by": keeper.pk,
        "witness": keeper.pk,
        "method": "shredding",
        "place": "保密室",
        "executed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }

    same = client.post(url("copy_disposal_execute", disposal), data)
    done = client.post(url("copy_disposal_execute", disposal), {**data, "witness": second.pk})

    assert same.status_code == 400
    assert "The witness (监销人) is another person than the one destroying." in (
        same.content.decode()
    )
    assert done.status_code == 302
    assert fresh(disposal).state == DisposalState.DONE
    assert {fresh(c).state for c in world["rows"][:2]} == {CopyState.DESTROYED}


def test_a_return_is_confirmed_and_a_list_cancelled(client, keeper, world):
    rows = world["rows"]
    disposal = returning(keeper, [rows[2]])
    login(client, keeper)

    missing = client.post(url("copy_disposal_confirm", disposal), {"version": disposal.version})
    ok = client.post(
        url("copy_disposal_confirm", disposal),
        {
            "version": disposal.version,
            "confirmed_by": "王建军",
            "confirmed_on": timezone.localdate().isoformat(),
        },
    )
    cancel = world["disposal"]
    no_reason = client.post(url("copy_disposal_cancel", cancel), {"version": cancel.version})
    cancelled = client.post(
        url("copy_disposal_cancel", cancel), {"version": cancel.version, "reason": "改为清退"}
    )

    assert missing.status_code == 400
    assert ok.status_code == 302 and fresh(rows[2]).state == CopyState.RETURNED
    assert no_reason.status_code == 400
    assert cancelled.status_code == 302
    assert {fresh(c).state for c in rows[:2]} == {CopyState.HELD}
    page = client.get(url("copy_disposal", cancel))
    assert page.status_code == 200 and len(page.context["copies"]) == 2
    assert client.get(url("copy_disposal_print", cancel)).status_code == 404


def test_the_lists_page_filters_by_kind(client, keeper, world):
    returning(keeper, [world["rows"][2]])
    login(client, keeper)
    assert len(client.get(DISPOSALS).context["rows"]) == 2
    assert [d.kind for d in client.get(DISPOSALS, {"kind": "return"}).context["rows"]] == ["return"]


def test_the_print_pages_have_their_signature_lines(client, keeper, world):
    destroy = world["disposal"]
    back = returning(keeper, [world["rows"][2]])
    login(client, keeper)

    destroy_page = client.get(url("copy_disposal_print", destroy)).content.decode()
    return_page = client.get(url("copy_disposal_print", back)).content.decode()

    assert "Destruction of classified copies" in destroy_page
    assert "Witness (signature)" in destroy_page and "Destroyed by (signature)" in destroy_page
    assert "000012" in destroy_page and "000013" in destroy_page
    assert "Return of classified copies" in return_page
    assert "Received by (signature)" in return_page and "市人民政府" in return_page
    assert back.number in return_page


# --- On the incoming document's page --------------------------------------------------------------


def test_an_incoming_documents_page_lists_its_copies_for_the_register_keepers(
    client, keeper, unit, office
):
    document = secret_incoming(keeper)
    detail = reverse("documents:incoming_detail", args=[document.pk])
    login(client, keeper)

    html = client.get(detail).content.decode()

    assert "Classified copies" in html and "000017" in html and "000019" in html
    assert LIST in html
    plain = secret_incoming(keeper, classification=1, secrecy_period="", title_is_neutral=False)
    assert (
        "copies-title"
        not in client.get(reverse("documents:incoming_detail", args=[plain.pk])).content.decode()
    )


# --- Languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_pages_render_in_each_language(client, keeper, world, language):
    keeper.language = language
    keeper.save(update_fields=["language"])
    login(client, keeper)
    copy, disposal = world["rows"][2], world["disposal"]

    for address in (
        LIST,
        REGISTER,
        DISPOSALS,
        url("copy_detail", copy),
        url("copy_disposal", disposal),
        url("copy_disposal_print", disposal),
        f"{PREPARE}?kind=return&copy={copy.pk}",
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        content = response.content.decode()
        assert f'<html lang="{language}">' in content
        assert (
            copy.copy_number in content
            or disposal.number in content
            or address
            in (
                REGISTER,
                DISPOSALS,
            )
        )
