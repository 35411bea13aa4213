"""From the models to the renderer and the proofreader, and the downloads (issue 4 §8, §11;
documents/output.py and views_output.py)."""

import datetime
import io
from urllib.parse import quote

import docx
import pdfplumber
import pytest
from django.urls import reverse

from tests.conftest import login
from tests.documents import factories
from tests.documents.factories import OutgoingDocumentFactory
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import output, render
from zhongshu.documents.models import (
    CopyNumber,
    Direction,
    Kind,
    Layout,
    Organ,
    State,
    Urgency,
)
from zhongshu.documents.proofread import Block, check

pytestmark = pytest.mark.django_db
office_clerk = factories.office_clerk

ISSUER = "市食品药品监督管理局"
REQUEST_TITLE = "市食品药品监督管理局关于购置食品快速检测设备的请示"
REQUEST_BODY = [
    {
        "level": 0,
        "text": (
            "为提升基层食品安全监管能力，我局拟购置一批食品快速检测设备。现将有关事项请示如下："
        ),
    },
    {"level": 1, "text": "一、购置内容"},
    {"level": 0, "text": "购置食品快速检测车2辆、检测箱20套，所需经费约86万元。"},
    {"level": 1, "text": "二、经费来源"},
    {"level": 0, "text": "经费从我局2026年部门预算中列支。"},
    {"level": 0, "text": "妥否，请批示。"},
]


@pytest.fixture
def department(unit):
    return DepartmentFactory(unit=unit, name="食品安全监管科", code="SPK")


@pytest.fixture
def drafter(unit, department):
    person = UserFactory(unit=unit, username="drafter", full_name="李拟稿")
    MembershipFactory(user=person, department=department)
    return person


@pytest.fixture
def director(unit):
    return UserFactory(unit=unit, username="director", full_name="王局长")


def request_document(drafter, department, **fields):
    """A 请示 as the office would send it, unsigned unless told."""
    values = {
        "kind": Kind.REQUEST,
        "direction": Direction.UP,
        "title": REQUEST_TITLE,
        "issuers": [ISSUER],
        "main_recipients": [{"name": "市人民政府", "department": None, "organ": None}],
        "cc_recipients": [{"name": "市财政局", "department": None, "organ": None}],
        "body": REQUEST_BODY,
        "attachment_names": ["食品快速检测设备购置清单"],
        "printed_by": "市食品药品监督管理局办公室",
    }
    values.update(fields)
    return OutgoingDocumentFactory(drafter=drafter, department=department, **values)


def signed(document, signer, *, on=datetime.date(2026, 3, 2), number="市食药监发〔2026〕5号"):
    document.signed_by = signer
    document.signed_at = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    document.issued_on = on
    document.doc_number = number
    document.print_date = datetime.date(2026, 3, 3)
    document.state = State.REGISTERED
    document.save()
    return document


def pdf_text(content: bytes) -> list[str]:
    """The characters of each page in drawing order, spaces removed (lines run on)."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [
            "".join(c["text"] for c in page.chars if not c["text"].isspace()) for page in pdf.pages
        ]


# --- The mapping -------------------------------------------------------------------------------


def test_an_upward_request_maps_every_element_with_the_signer(drafter, department, director):
    document = signed(
        request_document(drafter, department, urgency=Urgency.URGENT, note="（联系人：李拟稿）"),
        director,
    )

    model = output.render_model(document)

    assert model.format == "文件"
    assert model.upward is True
    assert model.signers == ("王局长",)
    assert model.urgency == "加急"
    assert (model.classification, model.secrecy_period, model.copy_numbers) == ("", "", ())
    assert model.issuers == (ISSUER,)
    assert model.doc_number == "市食药监发〔2026〕5号"
    assert model.order_number == ""
    assert model.title == REQUEST_TITLE
    assert model.main_recipients == ("市人民政府",)
    assert model.body == tuple(render.Block(b["text"], b["level"]) for b in REQUEST_BODY)
    assert model.attachments == (render.Attachment("食品快速检测设备购置清单"),)
    assert model.signatures == (ISSUER,)
    assert model.date == datetime.date(2026, 3, 2)
    assert model.note == "（联系人：李拟稿）"
    assert model.cc == ("市财政局",)
    assert model.printed_by == "市食品药品监督管理局办公室"
    assert model.print_date == datetime.date(2026, 3, 3)
    assert model.effective_seal == render.Seal.SEAL


def test_the_proofreader_reads_the_same_request(drafter, department, director):
    document = signed(request_document(drafter, department), director)

    draft = output.draft_model(document)

    assert draft.kind == "请示"
    assert draft.direction == "上行"
    assert draft.is_upward
    assert draft.format == "文件"
    assert draft.issuer_mark == "市食品药品监督管理局文件"
    assert draft.issuers == (ISSUER,)
    assert draft.signatures == (ISSUER,)
    assert draft.signers == ("王局长",)
    assert draft.doc_number == "市食药监发〔2026〕5号"
    assert draft.main_recipients == ("市人民政府",)
    assert draft.cc == ("市财政局",)
    assert draft.body[1] == Block("一、购置内容", 1)
    assert draft.attachments == ("食品快速检测设备购置清单",)
    assert (draft.date, draft.print_date) == (datetime.date(2026, 3, 2), datetime.date(2026, 3, 3))
    assert check(draft) == []


def test_a_request_goes_up_whatever_its_direction_says(drafter, department, director):
    document = signed(request_document(drafter, department, direction=Direction.DOWN), director)

    assert output.render_model(document).upward is True
    assert output.render_model(document).signers == ("王局长",)
    assert output.draft_model(document).signers == ("王局长",)


def test_a_downward_notice_has_no_signer_even_when_signed(drafter, department, director):
    document = signed(OutgoingDocumentFactory(drafter=drafter, department=department), director)

    assert output.render_model(document).upward is False
    assert output.render_model(document).signers == ()
    assert output.draft_model(document).signers == ()


def test_an_unsigned_draft_leaves_number_date_and_signer_blank(drafter, department):
    document = request_document(drafter, department)

    model = output.render_model(document)

    assert (model.doc_number, model.date, model.signers, model.print_date) == ("", None, (), None)
    assert model.date_text == ""


def test_a_letter_has_no_file_suffix(drafter, department):
    document = OutgoingDocumentFactory(
        drafter=drafter,
        department=department,
        kind=Kind.LETTER,
        layout=Layout.LETTER,
        direction=Direction.LATERAL,
        title="市食品药品监督管理局关于商请协助开展食品安全抽检的函",
        issuers=[ISSUER],
        main_recipients=[{"name": "市市场监督管理局"}],
        body=[{"level": 0, "text": "为做好食品安全抽检工作，恳请贵局予以协助。"}],
    )

    model, draft = output.render_model(document), output.draft_model(document)

    assert model.format == "信函"
    assert model.effective_mark_suffix == ""
    assert model.upward is False
    assert (draft.format, draft.kind, draft.direction) == ("信函", "函", "平行")
    assert draft.issuer_mark == ISSUER
    assert model.signatures == draft.signatures == (ISSUER,)


def test_minutes_list_who_was_present_and_carry_no_signature(drafter, department):
    document = OutgoingDocumentFactory(
        drafter=drafter,
        department=department,
        kind=Kind.MINUTES,
        layout=Layout.MINUTES,
        title="局长办公会议纪要",
        issuers=["市食品药品监督管理局局长办公会议"],
        main_recipients=[],
        body=[
            {"level": 0, "text": "3月1日，局长主持召开局长办公会议，研究春季抽检工作。纪要如下："}
        ],
        present=["王局长", "张副局长"],
        absent=["赵副局长"],
        attending=["李科长"],
    )

    model, draft = output.render_model(document), output.draft_model(document)

    assert model.format == "纪要"
    assert (model.present, model.absent, model.attending) == (
        ("王局长", "张副局长"),
        ("赵副局长",),
        ("李科长",),
    )
    assert model.signatures == draft.signatures == ()
    assert model.effective_seal == render.Seal.NONE
    assert draft.issuer_mark == "市食品药品监督管理局局长办公会议纪要"
    assert draft.sealed is False


def test_a_classified_document_prints_one_copy_per_copy_number(drafter, department, director):
    document = signed(
        request_document(
            drafter,
            department,
            classification=Classification.SECRET,
            secrecy_period="1年",
        ),
        director,
    )
    for number in (1, 2, 3):
        CopyNumber.objects.create(document=document, number=number)

    model = output.render_model(document, copy_numbers=output.copy_number_texts(document))
    draft = output.draft_model(document)

    assert model.copy_numbers == ("000001", "000002", "000003")
    assert (model.classification, model.secrecy_period) == ("秘密", "1年")
    assert model.classification_text == "秘密★1年"
    assert (draft.classification, draft.secrecy_period, draft.copy_numbered) == (
        "秘密",
        "1年",
        True,
    )


def test_internal_is_not_printed_as_a_state_secret(drafter, department):
    document = request_document(
        drafter, department, classification=Classification.INTERNAL, secrecy_period="1年"
    )

    model = output.render_model(document)

    assert (model.classification, model.secrecy_period) == ("", "")
    assert output.draft_model(document).secrecy_period == "1年"  # R17 reports it


def test_an_order_prints_its_number_as_the_order_number(drafter, department):
    document = OutgoingDocumentFactory(
        drafter=drafter,
        department=department,
        kind=Kind.ORDER,
        layout=Layout.ORDER,
        title="",
        issuers=["市人民政府"],
        doc_number="第12号",
    )

    model = output.render_model(document)

    assert (model.doc_number, model.order_number) == ("", "第12号")
    assert output.draft_model(document).doc_number == "第12号"


def test_an_order_prints_the_signers_title_beside_the_signature_stamp(drafter, department):
    fields = {"drafter": drafter, "department": department, "issuers": ["市人民政府"]}
    order = OutgoingDocumentFactory(
        **fields, kind=Kind.ORDER, layout=Layout.ORDER, title="", signer_title="市长"
    )
    notice = OutgoingDocumentFactory(**fields, signer_title="市长")

    assert output.render_model(order).signer_titles == ("市长",)
    assert output.render_model(notice).signer_titles == ()  # a seal, not a 签名章
    order.signer_title = ""  # not signed yet
    assert output.render_model(order).signer_titles == ()


def test_the_directory_says_which_copies_go_down(unit, drafter, department):
    below = Organ.objects.create(unit=unit, name="某区食品药品监督管理局", relation="subordinate")
    beside = Organ.objects.create(unit=unit, name="市财政局", relation="peer")
    document = request_document(
        drafter,
        department,
        cc_recipients=[
            {"name": beside.name, "department": None, "organ": beside.pk},
            {"name": below.name, "department": None, "organ": below.pk},
        ],
    )

    draft = output.draft_model(document)

    assert draft.subordinates == frozenset({"某区食品药品监督管理局"})
    assert [(f.rule, f.location.index) for f in check(draft) if f.rule == "R13"] == [("R13", 1)]


def test_without_directory_entries_the_hierarchy_is_unknown(drafter, department):
    assert output.draft_model(request_document(drafter, department)).subordinates is None


def test_the_mapping_needs_one_query_once_the_signer_is_loaded(
    drafter, department, director, django_assert_num_queries
):
    document = signed(request_document(drafter, department), director)
    document = type(document).objects.select_related("signed_by").get(pk=document.pk)

    with django_assert_num_queries(0):
        output.render_model(document)
    with django_assert_num_queries(1):  # the titles of the attached files, for R22
        output.draft_model(document)


# --- PDF and DOCX ------------------------------------------------------------------------------


def test_the_pdf_shows_the_title_and_the_number(drafter, department, director):
    document = signed(request_document(drafter, department), director)

    pages = pdf_text(output.pdf_bytes(document))

    assert REQUEST_TITLE in pages[0]
    assert "市食药监发〔2026〕5号" in pages[0]
    assert "签发人：王局长" in pages[0]


def test_the_pdf_of_an_unsigned_draft_renders(drafter, department):
    document = request_document(drafter, department)

    pages = pdf_text(output.pdf_bytes(document))

    assert REQUEST_TITLE in pages[0]


def test_the_print_run_has_one_copy_per_copy_number(drafter, department, director):
    document = signed(
        request_document(
            drafter, department, classification=Classification.SECRET, secrecy_period="1年"
        ),
        director,
    )
    CopyNumber.objects.create(document=document, number=1)
    CopyNumber.objects.create(document=document, number=2)

    single = pdf_text(output.pdf_bytes(document))
    run = pdf_text(output.pdf_bytes(document, copies=True))

    firsts = [page for page in run if REQUEST_TITLE in page]
    assert len(firsts) == 2
    assert "000001" in firsts[0] and "000002" in firsts[1]
    assert "000001" not in single[0]


def test_the_docx_opens_in_python_docx(drafter, department, director):
    document = signed(request_document(drafter, department), director)

    opened = docx.Document(io.BytesIO(output.docx_bytes(document)))

    text = "".join(p.text for p in opened.paragraphs)
    assert "市食药监发〔2026〕5号" in text
    assert "购置食品快速检测车2辆" in text


# --- Views: who may download -------------------------------------------------------------------


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_drafter_downloads_the_pdf_as_an_attachment(client, drafter, department):
    document = request_document(drafter, department)
    login(client, drafter)

    response = client.get(reverse("documents:document_pdf", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{"_" * len(REQUEST_TITLE)}.pdf"; '
        f"filename*=UTF-8''{quote(REQUEST_TITLE)}.pdf"
    )
    assert _content(response).startswith(b"%PDF")
    assert not AuditEvent.objects.filter(action="documents.read").exists()


def test_the_drafter_downloads_the_docx(client, drafter, department):
    document = request_document(drafter, department)
    login(client, drafter)

    response = client.get(reverse("documents:document_docx", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["Content-Disposition"].endswith(".docx")
    assert response["X-Content-Type-Options"] == "nosniff"
    docx.Document(io.BytesIO(_content(response)))


@pytest.mark.parametrize("name", ["document_pdf", "document_docx", "cover_sheet"])
def test_a_colleague_not_involved_gets_404(client, unit, drafter, department, name):
    document = request_document(drafter, department)
    colleague = UserFactory(unit=unit, username="colleague")
    MembershipFactory(user=colleague, department=department)
    login(client, colleague)

    response = client.get(reverse(f"documents:{name}", args=[document.pk]))

    assert response.status_code == 404
    denial = AuditEvent.objects.get(action="access.denied")
    assert denial.object_id == str(document.pk)
    assert not AuditEvent.objects.filter(action="documents.read").exists()


def test_a_document_above_the_readers_clearance_is_404_even_for_the_office(
    client, unit, department, office_clerk
):
    cleared = UserFactory(unit=unit, username="cleared", clearance=Classification.SECRET)
    MembershipFactory(user=cleared, department=department)
    document = request_document(
        cleared, department, classification=Classification.SECRET, secrecy_period="1年"
    )
    login(client, office_clerk)  # the office sees every document of its unit, up to its clearance

    response = client.get(reverse("documents:document_pdf", args=[document.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="documents.read").exists()


def test_reading_a_classified_document_is_audited(client, unit, department):
    cleared = UserFactory(unit=unit, username="cleared", clearance=Classification.SECRET)
    MembershipFactory(user=cleared, department=department)
    document = request_document(
        cleared, department, classification=Classification.SECRET, secrecy_period="1年"
    )
    login(client, cleared)

    response = client.get(reverse("documents:document_pdf", args=[document.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="documents.read")
    assert (event.object_id, event.classification, event.actor_id) == (
        str(document.pk),
        Classification.SECRET,
        cleared.pk,
    )
    assert event.detail == {"as": "pdf"}


def test_the_print_run_is_for_the_office_only(client, drafter, department, office_clerk, director):
    document = signed(
        request_document(
            drafter, department, classification=Classification.SECRET, secrecy_period="1年"
        ),
        director,
    )
    drafter.clearance = office_clerk.clearance = Classification.SECRET
    drafter.save()
    office_clerk.save()
    CopyNumber.objects.create(document=document, number=1)
    url = reverse("documents:document_pdf_copies", args=[document.pk])

    refused = login(client, drafter).get(url)
    allowed = login(client, office_clerk).get(url)

    assert refused.status_code == 403
    assert allowed.status_code == 200
    assert "000001" in pdf_text(_content(allowed))[0]
    reads = AuditEvent.objects.filter(action="documents.read")
    assert [(e.actor_id, e.detail["as"]) for e in reads] == [(office_clerk.pk, "pdf_copies")]


def test_the_print_run_waits_for_copy_numbers(client, drafter, department, office_clerk):
    document = request_document(drafter, department)
    login(client, office_clerk)

    response = client.get(reverse("documents:document_pdf_copies", args=[document.pk]))

    assert response.status_code == 409
    assert b"no copy numbers" in response.content


def test_a_document_the_layout_cannot_take_answers_409_with_the_findings(
    client, drafter, department
):
    document = request_document(
        drafter, department, classification=Classification.SECRET, secrecy_period="一年"
    )
    drafter.clearance = Classification.SECRET
    drafter.save()
    login(client, drafter)

    response = client.get(reverse("documents:document_pdf", args=[document.pk]))

    assert response.status_code == 409
    assert b"period of secrecy" in response.content
    assert b"R17" in response.content  # the finding that says how to write it
