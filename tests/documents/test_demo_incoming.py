"""The demo organisation's incoming documents (issue 5 item 13): a year of 收文 in every state the
system knows, numbered without gaps, registered through the services; seeding twice adds
nothing."""

from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhongshu.core.models import AuditEvent
from zhongshu.documents.models import (
    Handling,
    IncomingDocument,
    IncomingReading,
    IncomingState,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_incoming_documents():
    call_command("seed_demo")
    counts = (IncomingDocument.objects.count(), IncomingReading.objects.count())
    call_command("seed_demo")

    assert (IncomingDocument.objects.count(), IncomingReading.objects.count()) == counts
    documents = list(IncomingDocument.objects.all())
    assert len(documents) >= 35
    now = timezone.now()
    assert all(d.received_at <= now for d in documents)
    assert {d.registered_by.username for d in documents} == {"clerk"}
    states = {d.state for d in documents}
    assert {
        IncomingState.REGISTERED,
        IncomingState.RETURNED,
        IncomingState.ACCEPTED,
        IncomingState.READING,
    } <= states
    # 收文编号 1..n in each year, in the order received.
    by_year = defaultdict(list)
    for document in sorted(documents, key=lambda d: d.received_at):
        by_year[document.year].append(document.serial)
    for year, serials in by_year.items():
        assert serials == list(range(1, len(serials) + 1)), year
    # Open 办件 past their deadline.
    overdue = [
        d
        for d in documents
        if d.handling == Handling.ACTION
        and d.state == IncomingState.ACCEPTED
        and d.deadline
        and d.deadline < now
    ]
    assert overdue
    # 阅件 sent for reading, some read and some not.
    readings = IncomingReading.objects.all()
    assert readings.filter(read_at__isnull=False).exists()
    assert readings.filter(read_at__isnull=True).exists()
    assert all(r.read_at is None or r.sent_at <= r.read_at <= now for r in readings)
    returned = [d for d in documents if d.state == IncomingState.RETURNED]
    assert len(returned) == 2 and all(d.return_reasons and d.kind == "request" for d in returned)
    duplicates = [d for d in documents if d.duplicate_of_id]
    assert len(duplicates) == 1
    assert duplicates[0].source_number == duplicates[0].duplicate_of.source_number
    assert AuditEvent.objects.filter(action="documents.incoming_registered").count() == len(
        documents
    )
    # The classified one (one seeding serves both checks: it costs seconds).
    classified = [d for d in documents if d.is_classified]
    assert len(classified) == 1
    assert classified[0].title_is_neutral and not classified[0].summary
