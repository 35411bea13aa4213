"""The demo organisation's documents: a route, a year of numbered documents, work in flight in
the demo accounts' inboxes (issue 3 item 9, issue 4 item 14); seeding twice adds nothing."""

import pytest
from django.core.management import call_command

from zhongshu.documents import rules
from zhongshu.documents.models import IssuedNumber, OutgoingDocument, State
from zhongshu.workflow.models import ItemState, Route, WorkItem

pytestmark = pytest.mark.django_db


def _open(username):
    return set(
        WorkItem.objects.filter(
            assignee__username=username,
            state=ItemState.OPEN,
            is_cc=False,
            kind=rules.SUBJECT_KIND,
        ).values_list("step_name", flat=True)
    )


def test_the_demo_has_documents_and_work_in_every_inbox():
    call_command("seed_demo")
    counts = (OutgoingDocument.objects.count(), IssuedNumber.objects.count())
    call_command("seed_demo")

    assert (OutgoingDocument.objects.count(), IssuedNumber.objects.count()) == counts
    assert Route.objects.filter(kind=rules.SUBJECT_KIND, active=True).count() == 1
    states = set(OutgoingDocument.objects.values_list("state", flat=True))
    assert {State.FILED, State.DISTRIBUTED, State.SIGNED, State.REVIEW, State.RETURNED} <= states
    kinds = set(OutgoingDocument.objects.values_list("kind", flat=True))
    assert {"request", "report", "notice", "letter", "minutes"} <= kinds
    assert OutgoingDocument.objects.exclude(forwarded_title="").exists()  # a 转发
    assert any(len(d.issuers) > 1 for d in OutgoingDocument.objects.all())  # a 联合行文
    numbers = list(IssuedNumber.objects.values_list("series__code", "year", "sequence"))
    assert len(numbers) == len(set(numbers)) >= 15
    assert _open("director") == {"签发"}
    assert _open("office") == {"审核"}
    assert len(_open("staff1")) == 1  # the draft returned for revision
