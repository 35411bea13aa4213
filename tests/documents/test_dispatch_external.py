"""核发 outside the unit: the organ, the channel and the time; a classified document names the
份号 sent, each to one recipient at most, consistent with the 份号 register."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from tests.documents.test_handling_fixtures import CLASSIFIED
from zhongshu.core.models import AuditEvent
from zhongshu.documents import handling, numbering
from zhongshu.documents.models import CopyNumber, Dispatch, OutgoingDocument, State
from zhongshu.documents.services import DocumentError

pytestmark = pytest.mark.django_db


def fresh(document) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=document.pk)


def send(document, clerk, **kwargs):
    kwargs.setdefault("organ", "市人民政府办公室")
    kwargs.setdefault("channel", "confidential_mail")
    return handling.dispatch_external(
        actor=clerk, document=document, expected_version=fresh(document).version, **kwargs
    )


@pytest.fixture
def secret(classified_network, make_signed, at_state):
    """A 秘密 document sealed, with 份号 000001–000004."""
    return at_state(State.SEALED, make_signed(**CLASSIFIED), copies=4)


def test_an_external_recipient_is_recorded_with_channel_and_time(at_state, office_clerk):
    document = at_state(State.SEALED)
    when = timezone.now() - datetime.timedelta(hours=2)

    rows = send(document, office_clerk, organ="市财政局", channel="fax", sent_at=when)

    assert [(r.organ, r.channel, r.copy_number, r.sent_at, r.person_id) for r in rows] == [
        ("市财政局", "fax", None, when, None)
    ]
    document = fresh(document)
    assert document.state == State.DISTRIBUTED
    event = AuditEvent.objects.get(action="documents.distributed")
    assert event.detail["organ"] == "市财政局" and event.detail["channel"] == "fax"


def test_a_classified_document_names_the_copies_sent(secret, office_clerk):
    rows = send(secret, office_clerk, copy_numbers=[2, 3])

    assert [(r.organ, r.copy_number) for r in rows] == [
        ("市人民政府办公室", 2),
        ("市人民政府办公室", 3),
    ]
    held = CopyNumber.objects.filter(document=secret, handed_at__isnull=False)
    assert list(held.values_list("number", "recipient")) == [
        (2, "市人民政府办公室"),
        (3, "市人民政府办公室"),
    ]
    assert [c.number for c in handling.available_copy_numbers(secret)] == [1, 4]
    assert AuditEvent.objects.get(action="documents.distributed").detail["copy_numbers"] == [
        "000002",
        "000003",
    ]


def test_a_copy_number_given_twice_is_refused(secret, office_clerk):
    send(secret, office_clerk, copy_numbers=[2])

    with pytest.raises(
        ValidationError, match="Copy 000002 has already been sent to 市人民政府办公室"
    ):
        send(secret, office_clerk, organ="市财政局", copy_numbers=[1, 2])
    with pytest.raises(ValidationError, match="given twice"):
        send(secret, office_clerk, organ="市财政局", copy_numbers=[3, 3])

    assert list(Dispatch.objects.values_list("copy_number", flat=True)) == [2]
    assert CopyNumber.objects.get(document=secret, number=1).handed_at is None


def test_a_copy_held_by_someone_else_in_the_register_is_refused(secret, office_clerk, drafter):
    copy = CopyNumber.objects.get(document=secret, number=4)
    numbering.assign_copy(actor=office_clerk, copy=copy, person=drafter)

    with pytest.raises(ValidationError, match="Copy 000004 is recorded as held by someone else"):
        send(secret, office_clerk, copy_numbers=[4])

    assert not Dispatch.objects.exists()


def test_a_copy_recorded_for_the_same_organ_can_be_sent(secret, office_clerk):
    copy = CopyNumber.objects.get(document=secret, number=1)
    numbering.assign_copy(actor=office_clerk, copy=copy, recipient="市人民政府办公室")

    rows = send(secret, office_clerk, copy_numbers=[1])

    assert [r.copy_number for r in rows] == [1]


def test_classified_documents_need_copy_numbers_and_others_have_none(
    secret, at_state, office_clerk
):
    plain = at_state(State.SEALED)

    with pytest.raises(ValidationError) as missing:
        send(secret, office_clerk)
    with pytest.raises(ValidationError) as extra:
        send(plain, office_clerk, copy_numbers=[1])
    with pytest.raises(ValidationError) as unknown:
        send(secret, office_clerk, copy_numbers=[9])

    assert list(missing.value.message_dict) == ["copy_numbers"]
    assert list(extra.value.message_dict) == ["copy_numbers"]
    assert "no copy number 000009" in str(unknown.value)


def test_the_system_channel_and_a_future_time_are_refused(at_state, office_clerk):
    document = at_state(State.SEALED)

    with pytest.raises(ValidationError) as refused:
        send(
            document,
            office_clerk,
            organ="",
            channel="system",
            sent_at=timezone.now() + datetime.timedelta(days=1),
        )

    assert sorted(refused.value.message_dict) == ["channel", "organ", "sent_at"]


def test_nothing_is_sent_before_the_seal_or_after_filing(at_state, office_clerk):
    document = at_state(State.PRINTED)

    with pytest.raises(DocumentError, match="Only a sealed document can be distributed"):
        send(document, office_clerk)
    OutgoingDocument.objects.filter(pk=document.pk).update(state=State.FILED)
    with pytest.raises(DocumentError):
        send(document, office_clerk)

    assert not Dispatch.objects.exists()


# --- The page -----------------------------------------------------------------------------------


def test_the_office_records_an_external_recipient_on_the_page(client, secret, office_clerk):
    login(client, office_clerk)
    page_url = reverse("documents:dispatch", args=[secret.pk])
    post_url = reverse("documents:dispatch_external", args=[secret.pk])

    page = client.get(page_url).content.decode()
    response = client.post(
        post_url,
        {
            "version": secret.version,
            "organ": "市人民政府办公室",
            "channel": "confidential_mail",
            "copy_numbers": ["1", "2"],
            "sent_at": "",
        },
    )
    twice = client.post(
        post_url,
        {
            "version": fresh(secret).version,
            "organ": "市财政局",
            "channel": "post",
            "copy_numbers": ["2"],
        },
    )
    listing = client.get(reverse("documents:dispatch_list", args=[secret.pk])).content.decode()

    assert 'name="copy_numbers" value="4"' in page and "000004" in page
    assert '<option value="各区市场监督管理局">' in page  # the document's addressee
    assert response.status_code == 302
    assert twice.status_code == 400  # 000002 is no longer offered
    assert Dispatch.objects.filter(document=secret).count() == 2
    assert "000001" in listing and "000002" in listing
    assert "Confidential courier (机要交通)" in listing


def test_the_external_form_is_post_only_and_the_office_s(client, secret, office_clerk, drafter):
    post_url = reverse("documents:dispatch_external", args=[secret.pk])
    data = {
        "version": secret.version,
        "organ": "市财政局",
        "channel": "post",
        "copy_numbers": ["1"],
    }
    login(client, office_clerk)
    assert client.get(post_url).status_code == 405
    stale = client.post(post_url, {**data, "version": secret.version - 1})
    login(client, drafter)
    outsider = client.post(post_url, data)

    assert stale.status_code == 412
    assert outsider.status_code == 403
    assert not Dispatch.objects.exists()
