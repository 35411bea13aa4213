"""用印: the seal register (which seal, how many copies, who, when); no seal image is stamped."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import login
from tests.documents.factories import OutgoingDocumentFactory
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from zhongshu.core.models import AuditEvent, Classification, StaleVersionError
from zhongshu.documents import handling
from zhongshu.documents.models import OutgoingDocument, SealUse, State
from zhongshu.documents.services import DocumentError

pytestmark = pytest.mark.django_db


def url(document):
    return reverse("documents:handling_seal", args=[document.pk])


def fresh(document) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=document.pk)


def test_sealing_enters_the_seal_register(at_state, office_clerk):
    document = at_state(State.PRINTED, copies=5)
    version = document.version

    use = handling.seal_record(
        actor=office_clerk,
        document=document,
        expected_version=version,
        seal="市食品药品监督管理局印章",
        copies=5,
        note="正本5份",
    )

    document = fresh(document)
    assert document.state == State.SEALED and document.version == version + 1
    assert document.milestones["sealed"]["by"] == office_clerk.pk
    assert (use.seal, use.copies, use.note, use.used_by) == (
        "市食品药品监督管理局印章",
        5,
        "正本5份",
        office_clerk,
    )
    event = AuditEvent.objects.get(action="documents.sealed")
    assert event.detail["seal"] == "市食品药品监督管理局印章" and event.detail["copies"] == 5


def test_a_joint_document_gets_one_entry_per_seal(at_state, office_clerk):
    document = at_state(State.SEALED, copies=5)

    handling.seal_record(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        seal="市财政局印章",
        copies=5,
    )

    assert fresh(document).state == State.SEALED
    assert list(SealUse.objects.filter(document=document).values_list("seal", flat=True)) == [
        "局印章",
        "市财政局印章",
    ]


def test_more_copies_than_printed_and_no_seal_name_are_refused(at_state, office_clerk):
    document = at_state(State.PRINTED, copies=3)

    with pytest.raises(ValidationError) as refused:
        handling.seal_record(
            actor=office_clerk,
            document=document,
            expected_version=document.version,
            seal=" ",
            copies=4,
        )

    assert sorted(refused.value.message_dict) == ["copies", "seal"]
    assert not SealUse.objects.exists()


def test_only_a_printed_document_is_sealed(at_state, office_clerk):
    document = at_state(State.REGISTERED)

    with pytest.raises(DocumentError, match="Only a printed document can be sealed"):
        handling.seal_record(
            actor=office_clerk,
            document=document,
            expected_version=document.version,
            seal="局印章",
            copies=1,
        )

    assert not SealUse.objects.exists()


def test_a_stale_version_is_refused(at_state, office_clerk):
    document = at_state(State.PRINTED)

    with pytest.raises(StaleVersionError):
        handling.seal_record(
            actor=office_clerk,
            document=document,
            expected_version=document.version - 1,
            seal="局印章",
            copies=1,
        )


# --- The pages ----------------------------------------------------------------------------------


def test_the_seal_page_says_no_seal_image_is_stamped(client, at_state, office_clerk):
    document = at_state(State.PRINTED, copies=3)
    login(client, office_clerk)

    page = client.get(url(document))
    response = client.post(
        url(document), {"version": document.version, "seal": "局印章", "copies": 3}
    )

    content = page.content.decode()
    assert page.status_code == 200
    assert "stamps no seal image" in content and "leaves the seal area blank" in content
    assert '<datalist id="seal-names"><option value="市食品药品监督管理局">' in content
    assert response.status_code == 302
    assert fresh(document).state == State.SEALED
    after = client.get(url(document)).content.decode()
    assert (
        "Add another seal" in after and reverse("documents:dispatch", args=[document.pk]) in after
    )


def test_the_seal_page_refuses_wrong_state_stale_and_outsiders(
    client, at_state, office_clerk, drafter
):
    document = at_state(State.REGISTERED)
    data = {"version": document.version, "seal": "局印章", "copies": 1}
    login(client, office_clerk)

    wrong_state = client.post(url(document), data)
    at_state(State.PRINTED, document)
    stale = client.post(url(document), data)
    login(client, drafter)
    outsider = client.post(url(document), {**data, "version": fresh(document).version})

    assert wrong_state.status_code == 409
    assert "Only a printed document can be sealed" in wrong_state.content.decode()
    assert stale.status_code == 412
    assert outsider.status_code == 403
    assert not SealUse.objects.exists()


@pytest.fixture
def register_rows(at_state, make_signed, office_clerk, unit):
    """Two sealed documents, and a secret one of the unit sealed (above the clerk's clearance)."""
    first = at_state(State.SEALED)
    second = at_state(State.SEALED, make_signed(title="市食品药品监督管理局关于开展春季抽检的通知"))
    handling.seal_record(
        actor=office_clerk,
        document=second,
        expected_version=fresh(second).version,
        seal="局钢印",
        copies=1,
    )
    secret = OutgoingDocumentFactory(
        drafter__unit=unit, state=State.PRINTED, classification=Classification.SECRET
    )
    SealUse.objects.create(
        document=secret, seal="保密印章", copies=1, used_at=first.updated_at, used_by=office_clerk
    )
    return first, second


def test_the_seal_register_lists_filters_and_hides_what_is_above_clearance(
    client, register_rows, office_clerk
):
    login(client, office_clerk)
    register = reverse("documents:seal_register")

    page = client.get(register).content.decode()
    filtered = client.get(register, {"q": "钢印"}).content.decode()
    partial = client.get(register, {"q": "钢印"}, HTTP_HX_REQUEST="true").content.decode()

    assert page.count("局印章") == 2 and "局钢印" in page and "保密印章" not in page
    assert "3 entries" in page
    assert "局钢印" in filtered and "局印章" not in filtered
    assert 'id="seal-table"' in partial and "<html" not in partial


def test_the_seal_register_exports_to_excel(client, register_rows, office_clerk):
    login(client, office_clerk)

    response = client.get(reverse("documents:seal_register_export"), {"q": "印章"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert response.status_code == 200
    assert rows[0][:3] == ("Sealed at", "Seal", "Copies sealed")
    assert [r[1] for r in rows[1:]] == ["局印章", "局印章"]
    assert AuditEvent.objects.get(action="documents.seal_register_exported").detail["rows"] == 2


def test_the_seal_register_is_the_office_s(client, register_rows, drafter):
    login(client, drafter)

    assert client.get(reverse("documents:seal_register")).status_code == 403
    assert client.get(reverse("documents:seal_register_export")).status_code == 403


def test_bad_dates_answer_400(client, register_rows, office_clerk):
    login(client, office_clerk)

    response = client.get(
        reverse("documents:seal_register"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )

    assert response.status_code == 400
    assert "The end is before the start." in response.content.decode()
