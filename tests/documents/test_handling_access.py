"""Who may use the pages after 签发: the general office (403 for anyone else), and only for a
document it may see (an audited 404 for another unit's or one above the user's clearance)."""

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.documents.factories import OutgoingDocumentFactory
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents.models import OutgoingDocument, State

pytestmark = pytest.mark.django_db

# Each object page and the state a document waits in for it.
PAGES = [
    ("handling_check", State.SIGNED),
    ("handling_print", State.REGISTERED),
    ("handling_seal", State.PRINTED),
    ("dispatch", State.SEALED),
    ("dispatch_external", State.SEALED),
    ("dispatch_list", State.DISTRIBUTED),
    ("dispatch_receipts", State.DISTRIBUTED),
    ("archive", State.DISTRIBUTED),
    ("archive_download", State.FILED),
]


def request(client, name, document):
    url = reverse(f"documents:{name}", args=[document.pk])
    if name == "dispatch_external":
        return client.post(url, {"version": document.version, "organ": "市财政局"})
    if name in ("dispatch_list", "dispatch_receipts", "archive_download"):
        return client.get(url)
    return client.post(url, {"version": document.version})


@pytest.mark.parametrize(("name", "state"), PAGES)
def test_documents_the_office_may_not_see_answer_404(client, unit, office_clerk, name, state):
    other_unit = OutgoingDocumentFactory(state=state)
    above_clearance = OutgoingDocumentFactory(
        drafter__unit=unit, state=state, classification=Classification.SECRET
    )
    login(client, office_clerk)

    for document in (other_unit, above_clearance):
        assert request(client, name, document).status_code == 404
        assert OutgoingDocument.objects.get(pk=document.pk).version == document.version
    denied = AuditEvent.objects.filter(action="access.denied", actor=office_clerk)
    assert denied.count() == 2
    assert {e.object_id for e in denied} == {str(other_unit.pk), str(above_clearance.pk)}


@pytest.mark.parametrize(("name", "state"), PAGES)
def test_people_outside_the_office_are_refused_403(client, unit, drafter, name, state):
    document = OutgoingDocumentFactory(drafter=drafter, state=state)
    login(client, drafter)

    response = request(client, name, document)

    assert response.status_code == 403
    assert OutgoingDocument.objects.get(pk=document.pk).version == document.version
