"""Fixtures shared by the handling tests (复核, 印制, 用印, 核发, 归档): no tests in this module.

A document reaches 签发 the real way — drafted, sent along a one-step route, approved by the
principal — so the text version, the 定稿 hash and the approval run are what the system makes;
then the office's services take it as far as a test needs (:func:`advance`).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.documents import factories
from tests.documents.factories import NumberSeriesFactory
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from zhongshu.core import files
from zhongshu.core.models import Classification
from zhongshu.documents import handling, numbering, output, rules
from zhongshu.documents import services as documents
from zhongshu.documents.models import OutgoingDocument, State
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import AssigneeRule, ItemState, WorkItem

# What a test module takes with ``from tests.documents.test_handling_fixtures import *``.
__all__ = [
    "at_state",
    "business",
    "classified_network",
    "drafter",
    "fast_output",
    "make_signed",
    "media",
    "office_clerk",
    "principal",
    "series",
    "signed",
    "signing_route",
]

DOCUMENT_DATA = {
    "kind": "notice",
    "layout": "file",
    "direction": "down",
    "classification": 0,
    "urgency": 0,
    "issuers": ["市食品药品监督管理局"],
    "title": "市食品药品监督管理局关于做好节日期间食品安全工作的通知",
    "main_recipients": [{"name": "各区市场监督管理局"}],
    "cc_recipients": [],
    "body": [
        {"level": 0, "text": "为切实做好节日期间食品安全工作，现将有关事项通知如下。"},
        {"level": 1, "text": "一、加强组织领导"},
        {"level": 0, "text": "各单位要高度重视，认真抓好贯彻落实。"},
    ],
    "printed_by": "市食品药品监督管理局办公室",
}
CLASSIFIED = {"classification": Classification.SECRET, "secrecy_period": "1年"}
office_clerk = factories.office_clerk
ORDER = (
    State.SIGNED,
    State.CHECKED,
    State.REGISTERED,
    State.PRINTED,
    State.SEALED,
    State.DISTRIBUTED,
    State.FILED,
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def business(unit):
    return DepartmentFactory(unit=unit, name="食品安全处", code="SPC")


@pytest.fixture
def drafter(unit, business):
    person = UserFactory(unit=unit, username="drafter", full_name="钱起草")
    MembershipFactory(user=person, department=business)
    return person


@pytest.fixture
def principal(unit):
    person = UserFactory(unit=unit, username="principal", full_name="孙局长")
    unit.principal = person
    unit.save()
    return person


@pytest.fixture
def signing_route(unit, principal, org_manager):
    """One step: the principal signs (签发)."""
    return workflow.route_create(
        actor=org_manager,
        unit=unit,
        kind=rules.SUBJECT_KIND,
        name="发文",
        steps=[{"name": "签发", "rule": AssigneeRule.PRINCIPAL}],
    )


@pytest.fixture
def series(office):
    return NumberSeriesFactory(owner=office, unit=office.unit, code="市食药监发")


@pytest.fixture
def classified_network(settings, drafter, principal, office_clerk):
    """A deployment on a classified network, the people concerned cleared for 秘密."""
    settings.CLASSIFIED_NETWORK = True
    for person in (drafter, principal, office_clerk):
        person.clearance = Classification.CONFIDENTIAL
        person.save(update_fields=["clearance"])


def approve(run, person):
    item = WorkItem.objects.get(run=run, assignee=person, state=ItemState.OPEN, is_cc=False)
    workflow.decide(actor=person, item=item, decision="approve")


@pytest.fixture
def make_signed(drafter, principal, signing_route):
    """A document drafted, submitted and signed by the principal (State.SIGNED).

    ``attachment``: (name, bytes) of a file attached while it is a draft."""

    def _make(*, attachment=None, **data) -> OutgoingDocument:
        if attachment is not None:  # listed in the 附件说明, as R22 asks
            data.setdefault("attachment_names", [attachment[0].rsplit(".", 1)[0]])
        document = documents.draft_create(actor=drafter, data={**DOCUMENT_DATA, **data})
        if attachment is not None:
            files.attachment_add(
                actor=drafter,
                owner_type=rules.SUBJECT_KIND,
                owner=document,
                uploaded=SimpleUploadedFile(*attachment),
            )
        run = documents.submit(actor=drafter, document=document, expected_version=document.version)
        approve(run, principal)
        document.refresh_from_db()
        assert document.state == State.SIGNED, document.state
        return document

    return _make


@pytest.fixture
def signed(make_signed):
    return make_signed()


def advance(document, state, *, clerk, series, copies=3, recipients=()) -> OutgoingDocument:
    """Take a signed document through the office's steps up to ``state``."""
    steps = {
        State.CHECKED: lambda d: handling.document_check(
            actor=clerk,
            document=d,
            expected_version=d.version,
            ticked=[key for key, _label in handling.CHECK_POINTS],
        ),
        State.REGISTERED: lambda d: numbering.register(
            actor=clerk,
            document=d,
            expected_version=d.version,
            series=series,
            copies=copies,
            distribution_scope="各区市场监督管理局",
        ),
        State.PRINTED: lambda d: handling.document_print(
            actor=clerk, document=d, expected_version=d.version
        ),
        State.SEALED: lambda d: handling.seal_record(
            actor=clerk, document=d, expected_version=d.version, seal="局印章", copies=copies
        ),
        State.DISTRIBUTED: lambda d: (
            handling.document_distribute(
                actor=clerk, document=d, expected_version=d.version, people=list(recipients)
            )
            if recipients
            else handling.dispatch_external(
                actor=clerk,
                document=d,
                expected_version=d.version,
                organ="各区市场监督管理局",
                channel="post",
                copy_numbers=[1] if d.is_classified else (),
            )
        ),
    }
    for step in ORDER[ORDER.index(document.state) + 1 : ORDER.index(state) + 1]:
        steps[step](document)
        document.refresh_from_db()
    assert document.state == state
    return document


@pytest.fixture
def at_state(signed, office_clerk, series):
    """The signed document taken to a state by the office."""

    def _at(state, document=None, **kwargs):
        kwargs.setdefault("series", series)
        return advance(document or signed, state, clerk=office_clerk, **kwargs)

    return _at


@pytest.fixture
def fast_output(monkeypatch):
    """PDFs that name what they render, instead of the (slow) real ones."""
    rendered = []

    def pdf_bytes(document, *, copies=False):
        rendered.append(document)
        return f"%PDF-1.7 fake {document.title} {document.doc_number}".encode()

    monkeypatch.setattr(output, "pdf_bytes", pdf_bytes)
    monkeypatch.setattr(
        "zhongshu.documents.archive.cover_sheet_bytes",
        lambda document: f"%PDF-1.7 cover sheet {document.title}".encode(),
    )
    return rendered
