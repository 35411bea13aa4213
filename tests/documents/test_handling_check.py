"""复核 (条例 §25 step 1): the office checks a signed document against a checklist; a change of the
text at this point goes back to the signer (issue 4 items 3 and 4)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import login
from tests.documents.factories import OutgoingDocumentFactory
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from tests.documents.test_handling_fixtures import DOCUMENT_DATA, approve
from zhongshu.core.models import AuditEvent, Classification, StaleVersionError
from zhongshu.documents import handling
from zhongshu.documents import services as documents
from zhongshu.documents.models import DocumentVersion, OutgoingDocument, State
from zhongshu.search.models import SearchEntry
from zhongshu.workflow.models import ItemState, Run, RunState, WorkItem

pytestmark = pytest.mark.django_db
ALL = [key for key, _label in handling.CHECK_POINTS]
FORM = {"procedures": "on", "content": "on", "kind": "on", "format": "on"}


def url(document):
    return reverse("documents:handling_check", args=[document.pk])


def fresh(document) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=document.pk)


# --- The service --------------------------------------------------------------------------------


def test_checking_a_signed_document_records_the_checklist(signed, office_clerk):
    version = signed.version

    checked = handling.document_check(
        actor=office_clerk,
        document=signed,
        expected_version=version,
        ticked=ALL,
        notes={"format": "版记已核对"},
    )

    document = fresh(signed)
    assert checked.state == document.state == State.CHECKED
    assert document.version == version + 1
    mark = document.milestones["checked"]
    assert mark["by"] == office_clerk.pk
    assert mark["points"] == {"procedures": "", "content": "", "kind": "", "format": "版记已核对"}
    event = AuditEvent.objects.get(action="documents.checked")
    assert (event.object_id, event.actor_id) == (str(signed.pk), office_clerk.pk)
    assert event.detail == {"points": mark["points"]}
    assert SearchEntry.objects.filter(object_id=str(signed.pk)).exists()


def test_every_point_must_be_ticked(signed, office_clerk):
    with pytest.raises(ValidationError) as refused:
        handling.document_check(
            actor=office_clerk,
            document=signed,
            expected_version=signed.version,
            ticked=["procedures", "content", "kind"],
        )

    assert list(refused.value.message_dict) == ["format"]
    assert fresh(signed).state == State.SIGNED
    assert not AuditEvent.objects.filter(action="documents.checked").exists()


def test_a_checked_document_is_not_checked_again(signed, office_clerk):
    handling.document_check(
        actor=office_clerk, document=signed, expected_version=signed.version, ticked=ALL
    )
    document = fresh(signed)

    with pytest.raises(documents.DocumentError, match="Only a signed document can be checked"):
        handling.document_check(
            actor=office_clerk, document=document, expected_version=document.version, ticked=ALL
        )

    assert AuditEvent.objects.filter(action="documents.checked").count() == 1


def test_a_stale_version_is_refused(signed, office_clerk):
    with pytest.raises(StaleVersionError):
        handling.document_check(
            actor=office_clerk, document=signed, expected_version=signed.version - 1, ticked=ALL
        )

    assert fresh(signed).state == State.SIGNED


def test_only_the_office_checks(signed, drafter):
    with pytest.raises(documents.DocumentError, match="Only the general office"):
        handling.document_check(
            actor=drafter, document=signed, expected_version=signed.version, ticked=ALL
        )

    assert fresh(signed).state == State.SIGNED


def test_a_text_that_is_not_the_signed_one_is_not_checked(signed, office_clerk):
    OutgoingDocument.objects.filter(pk=signed.pk).update(title="改过的标题")

    with pytest.raises(documents.DocumentError, match="differs from the signed text"):
        handling.document_check(
            actor=office_clerk, document=signed, expected_version=signed.version, ticked=ALL
        )


# --- A change at 复核 goes back to the signer ----------------------------------------------------


@pytest.mark.parametrize("state", [State.SIGNED, State.CHECKED])
def test_a_change_of_the_text_goes_back_to_the_signer(signed, office_clerk, principal, state):
    if state == State.CHECKED:
        handling.document_check(
            actor=office_clerk, document=signed, expected_version=signed.version, ticked=ALL
        )
    document = fresh(signed)
    first_hash = document.final_hash
    body = [*DOCUMENT_DATA["body"], {"level": 0, "text": "特此通知。"}]

    edited = documents.draft_update(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        data={**DOCUMENT_DATA, "body": body},
        reason="复核时补充结束语",
    )

    document = fresh(signed)
    assert edited.state == document.state == State.REVIEW
    assert edited.version == document.version
    assert document.final_hash == ""
    first, again = Run.objects.filter(subject_id=document.pk).order_by("id")
    assert first.state == RunState.APPROVED
    assert again.state == RunState.RUNNING
    assert list(
        WorkItem.objects.filter(run=again, is_cc=False).values_list("assignee_id", "state")
    ) == [(principal.pk, ItemState.OPEN)]
    assert DocumentVersion.objects.filter(document=document).count() == 2

    approve(again, principal)

    document = fresh(signed)
    assert document.state == State.SIGNED
    assert document.final_hash not in ("", first_hash)
    assert document.final_hash == documents.content_hash(documents.content_of(document))
    assert document.signed_by == principal


def test_saving_the_same_text_at_check_stays_signed(signed, office_clerk):
    documents.draft_update(
        actor=office_clerk, document=signed, expected_version=signed.version, data=DOCUMENT_DATA
    )

    assert fresh(signed).state == State.SIGNED
    assert Run.objects.filter(subject_id=signed.pk).count() == 1


# --- The page -----------------------------------------------------------------------------------


def test_the_office_checks_on_the_page(client, signed, office_clerk):
    login(client, office_clerk)

    page = client.get(url(signed))
    response = client.post(url(signed), {**FORM, "version": signed.version, "kind_note": "请示"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "Approval procedures complete (审批手续)" in content
    assert "Correct the text" in content
    assert response.status_code == 302 and response.url == url(signed)
    document = fresh(signed)
    assert document.state == State.CHECKED
    assert document.milestones["checked"]["points"]["kind"] == "请示"
    shown = client.get(url(signed)).content.decode()
    assert "请示" in shown and reverse("documents:register", args=[signed.pk]) in shown


def test_an_unticked_point_answers_400_next_to_it(client, signed, office_clerk):
    login(client, office_clerk)

    response = client.post(url(signed), {"procedures": "on", "version": signed.version})

    assert response.status_code == 400
    assert response.content.decode().count("Tick this point once you have checked it.") >= 3
    assert fresh(signed).state == State.SIGNED


def test_checking_twice_answers_409(client, signed, office_clerk):
    login(client, office_clerk)
    client.post(url(signed), {**FORM, "version": signed.version})

    response = client.post(url(signed), {**FORM, "version": signed.version + 1})

    assert response.status_code == 409
    assert "Only a signed document can be checked" in response.content.decode()


def test_a_stale_form_answers_412(client, signed, office_clerk):
    login(client, office_clerk)
    stale = signed.version
    OutgoingDocument.objects.filter(pk=signed.pk).update(version=stale + 1)

    response = client.post(url(signed), {**FORM, "version": stale})

    assert response.status_code == 412
    assert "Someone changed this document meanwhile" in response.content.decode()
    assert fresh(signed).state == State.SIGNED


def test_someone_outside_the_office_is_refused_403(client, signed, drafter):
    login(client, drafter)

    responses = [client.get(url(signed)), client.post(url(signed), {**FORM, "version": 1})]

    assert [r.status_code for r in responses] == [403, 403]
    assert fresh(signed).state == State.SIGNED
    assert AuditEvent.objects.filter(action="access.denied", actor=drafter).count() == 2


def test_a_document_the_office_may_not_see_answers_404(client, unit, office_clerk):
    other_unit = OutgoingDocumentFactory(state=State.SIGNED)
    secret = OutgoingDocumentFactory(
        drafter__unit=unit, state=State.SIGNED, classification=Classification.SECRET
    )
    login(client, office_clerk)

    for document in (other_unit, secret):
        response = client.post(url(document), {**FORM, "version": document.version})
        assert response.status_code == 404
        assert fresh(document).state == State.SIGNED
    assert AuditEvent.objects.filter(action="access.denied", actor=office_clerk).count() == 2
