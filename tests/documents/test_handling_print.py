"""印制 (条例 §25 step 3): the copies printed, the 印发日期 and who; a classified document is
printed once per 份号."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from tests.documents.test_handling_fixtures import CLASSIFIED
from zhongshu.core.models import AuditEvent, StaleVersionError
from zhongshu.documents import handling
from zhongshu.documents.models import OutgoingDocument, State
from zhongshu.documents.services import DocumentError

pytestmark = pytest.mark.django_db


def url(document):
    return reverse("documents:handling_print", args=[document.pk])


def fresh(document) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=document.pk)


def test_printing_records_the_registered_copies_the_date_and_who(at_state, office_clerk):
    document = at_state(State.REGISTERED, copies=12)
    version = document.version

    handling.document_print(actor=office_clerk, document=document, expected_version=version)

    document = fresh(document)
    assert document.state == State.PRINTED
    assert document.version == version + 1
    assert document.copies == 12
    assert document.print_date == timezone.localdate()
    assert document.milestones["printed"]["by"] == office_clerk.pk
    assert document.milestones["printed"]["copies"] == 12
    event = AuditEvent.objects.get(action="documents.printed")
    assert event.detail["copies"] == 12 and event.detail["per_copy_number"] is False


def test_another_number_of_copies_and_a_date_can_be_given(at_state, office_clerk):
    document = at_state(State.REGISTERED, copies=12)
    day = document.issued_on + datetime.timedelta(days=1)

    handling.document_print(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        copies=15,
        print_date=day,
    )

    document = fresh(document)
    assert (document.copies, document.print_date) == (15, day)


def test_a_printing_date_fixed_at_registration_is_kept(at_state, office_clerk):
    document = at_state(State.REGISTERED)
    fixed = document.issued_on + datetime.timedelta(days=2)
    OutgoingDocument.objects.filter(pk=document.pk).update(print_date=fixed)

    handling.document_print(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        print_date=fixed + datetime.timedelta(days=5),
    )

    assert fresh(document).print_date == fixed


def test_a_printing_date_before_the_date_of_issue_is_refused(at_state, office_clerk):
    document = at_state(State.REGISTERED)

    with pytest.raises(ValidationError) as refused:
        handling.document_print(
            actor=office_clerk,
            document=document,
            expected_version=document.version,
            print_date=document.issued_on - datetime.timedelta(days=1),
        )

    assert list(refused.value.message_dict) == ["print_date"]
    assert fresh(document).state == State.REGISTERED


def test_a_classified_document_is_printed_once_per_copy_number(
    classified_network, make_signed, at_state, office_clerk
):
    document = at_state(State.REGISTERED, make_signed(**CLASSIFIED), copies=4)

    with pytest.raises(ValidationError, match="once per copy number"):
        handling.document_print(
            actor=office_clerk, document=document, expected_version=document.version, copies=5
        )
    handling.document_print(
        actor=office_clerk, document=document, expected_version=document.version
    )

    assert fresh(document).copies == 4
    assert AuditEvent.objects.get(action="documents.printed").detail["per_copy_number"] is True


def test_only_a_registered_document_is_printed(signed, office_clerk):
    with pytest.raises(DocumentError, match="Only a registered document can be printed"):
        handling.document_print(actor=office_clerk, document=signed, expected_version=1)

    assert fresh(signed).state == State.SIGNED


def test_a_stale_version_is_refused(at_state, office_clerk):
    document = at_state(State.REGISTERED)

    with pytest.raises(StaleVersionError):
        handling.document_print(
            actor=office_clerk, document=document, expected_version=document.version - 1
        )


# --- The page -----------------------------------------------------------------------------------


def test_the_office_records_printing_on_the_page(client, at_state, office_clerk):
    document = at_state(State.REGISTERED, copies=7)
    login(client, office_clerk)

    page = client.get(url(document))
    response = client.post(
        url(document),
        {"version": document.version, "copies": 7, "print_date": document.issued_on.isoformat()},
    )

    content = page.content.decode()
    assert page.status_code == 200
    assert 'value="7"' in content
    assert reverse("documents:document_pdf", args=[document.pk]) in content
    assert "leaves the seal area blank" in content
    assert response.status_code == 302
    assert fresh(document).state == State.PRINTED
    assert (
        reverse("documents:handling_seal", args=[document.pk])
        in client.get(url(document)).content.decode()
    )


def test_the_classified_page_prints_one_copy_per_copy_number(
    client, classified_network, make_signed, at_state, office_clerk
):
    document = at_state(State.REGISTERED, make_signed(**CLASSIFIED), copies=2)
    login(client, office_clerk)

    content = client.get(url(document)).content.decode()

    assert reverse("documents:document_pdf_copies", args=[document.pk]) in content
    assert 'name="copies"' in content and "disabled" in content


def test_printing_twice_answers_409_and_a_stale_form_412(client, at_state, office_clerk):
    document = at_state(State.REGISTERED)
    login(client, office_clerk)
    stale = {"version": document.version - 1, "copies": 3}

    assert client.post(url(document), stale).status_code == 412
    client.post(url(document), {"version": document.version, "copies": 3})
    again = client.post(url(document), {"version": document.version + 1, "copies": 3})

    assert again.status_code == 409
    assert "Only a registered document can be printed" in again.content.decode()


def test_someone_outside_the_office_is_refused(client, at_state, drafter):
    document = at_state(State.REGISTERED)
    login(client, drafter)

    response = client.post(url(document), {"version": document.version, "copies": 3})

    assert response.status_code == 403
    assert fresh(document).state == State.REGISTERED
