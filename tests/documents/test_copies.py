# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""The services of the classified copies register (涉密载体, issue 5 item 9): copies registered
with a classified incoming document, meeting papers and their 份号, lending, 清退 and 销毁 with
two people, cancelling, and refusals that write nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

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
from tests.factories import UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification, StaleVersionError
from zhongshu.documents import services_copies, services_incoming
from zhongshu.documents.models import (
    ClassifiedCopy,
    CopyDisposal,
    CopyEvent,
    CopyState,
    DisposalCounter,
    DisposalState,
)
from zhongshu.documents.services import DocumentError

pytestmark = pytest.mark.django_db


def states(rows) -> list[str]:
    return [fresh(c).state for c in rows]


def verbs(copy) -> list[str]:
    return list(
        CopyEvent.objects.filter(copy=copy).order_by("at", "pk").values_list("verb", flat=True)
    )


# --- 份号 -----------------------------------------------------------------------------------------


def test_numbers_are_read_as_ranges_and_single_numbers():
    assert services_copies.parse_numbers("000012-000015, 000020") == [
        "000012",
        "000013",
        "000014",
        "000015",
        "000020",
    ]
    assert services_copies.parse_numbers("7、9；11至12") == ["000007", "000009", "000011", "000012"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Give the copy numbers"),
        ("12-10", "comes before the last"),
        ("12, 12", "given twice"),
        ("1000000", "from 000001 to 999999"),
        ("0", "from 000001 to 999999"),
        ("abc", "is not a copy number"),
        ("1-2000", "At most 1000"),
    ],
)
def test_bad_numbers_are_refused_with_the_reason(text, message):
    with pytest.raises(ValueError, match=message):
        services_copies.parse_numbers(text)


# --- Copies of an incoming document ------------------------------------------------------------


def test_a_classified_incoming_document_registers_its_copies_numbered_on(keeper):
    document = secret_incoming(keeper, copy_number="17", copies=3)

    rows = list(ClassifiedCopy.objects.filter(incoming=document).order_by("pk"))

    assert [c.copy_number for c in rows] == ["000017", "000018", "000019"]
    assert {c.state for c in rows} == {CopyState.HELD}
    assert {c.title for c in rows} == {"关于某项工作的来文"}
    assert {c.source_number for c in rows} == {"省保发〔2026〕1号"}
    assert rows[0].received_on == timezone.localtime(document.received_at).date()
    assert verbs(rows[0]) == ["registered"]
    event = AuditEvent.objects.get(action="documents.copies_registered")
    assert event.detail == {"copies": 3, "numbers": "000017-000019"}
    assert event.classification == Classification.SECRET


def test_without_a_copy_number_the_copies_wait_for_theirs(keeper):
    document = secret_incoming(keeper, copy_number="", copies=2)
    rows = list(ClassifiedCopy.objects.filter(incoming=document).order_by("pk"))
    assert [c.copy_number for c in rows] == ["", ""]

    services_copies.number_copy(
        actor=keeper, copy=rows[0], expected_version=rows[0].version, copy_number="31"
    )

    assert fresh(rows[0]).copy_number == "000031"
    assert verbs(rows[0]) == ["registered", "numbered"]
    with pytest.raises(ValidationError) as refused:
        services_copies.number_copy(
            actor=keeper, copy=rows[1], expected_version=rows[1].version, copy_number="000031"
        )
    assert "Already on the register" in str(refused.value.message_dict["copy_number"])
    assert fresh(rows[1]).copy_number == ""


def test_a_document_below_secret_has_no_copies_on_the_register(keeper):
    services_incoming.register(
        actor=keeper,
        data={"source_name": "市政府", "title": "关于内部事项的通知", "classification": 1},
    )
    assert ClassifiedCopy.objects.count() == 0


def test_documents_registered_before_the_register_get_their_copies_once(keeper):
    document = secret_incoming(keeper)
    # As if it had been registered before the register existed.
    CopyEvent.objects.all().delete()
    ClassifiedCopy.objects.all().delete()

    assert services_copies.incoming_missing(keeper).count() == 1
    assert services_copies.register_missing(actor=keeper) == 1
    assert services_copies.register_missing(actor=keeper) == 0
    assert ClassifiedCopy.objects.filter(incoming=document).count() == 3


# --- Meeting papers -------------------------------------------------------------------------------


def test_meeting_papers_get_one_row_per_copy_number(keeper, reader):
    rows = papers(keeper, numbers="000012-000013, 000020", brought_by=reader)

    assert [c.copy_number for c in rows] == ["000012", "000013", "000020"]
    assert {c.kind for c in rows} == {"meeting"}
    assert {c.brought_by_id for c in rows} == {reader.pk}
    event = CopyEvent.objects.get(copy=rows[0])
    assert (event.verb, event.person_id) == ("registered", reader.pk)
    assert AuditEvent.objects.get(action="documents.copies_registered").detail["numbers"] == (
        "000012-000013、000020"
    )


def test_a_copy_number_registered_twice_for_the_same_paper_is_refused(keeper):
    first = papers(keeper, meeting="全市会议", numbers="12-14")

    with pytest.raises(ValidationError) as refused:
        papers(keeper, meeting="全市会议", numbers="14-16")

    assert "000014" in refused.value.message_dict["numbers"][0]
    assert ClassifiedCopy.objects.count() == len(first) == 3
    # Another paper may carry the same numbers.
    assert len(papers(keeper, meeting="全省会议", numbers="12-14")) == 3


def test_the_same_form_sent_twice_registers_once(keeper):
    data = {
        "kind": "meeting",
        "meeting": "全市会议",
        "title": "材料",
        "source_name": "市政府",
        "classification": Classification.SECRET,
        "numbers": "1-2",
        "received_on": timezone.localdate(),
    }
    first = services_copies.register_papers(actor=keeper, data=data, idempotency_key="abc")
    again = services_copies.register_papers(actor=keeper, data=data, idempotency_key="abc")

    assert [c.pk for c in again] == [c.pk for c in first]
    assert ClassifiedCopy.objects.count() == 2


def test_bad_papers_are_refused_field_by_field_and_nothing_is_written(keeper, unit):
    outsider = UserFactory(unit=UnitFactory(), clearance=Classification.SECRET)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        services_copies.register_papers(
            actor=keeper,
            data={
                "kind": "meeting",
                "meeting": "",
                "title": "",
                "source_name": "",
                "classification": Classification.INTERNAL,
                "numbers": "5-3",
                "received_on": tomorrow,
                "brought_by": outsider,
            },
        )

    assert set(refused.value.message_dict) == {
        "meeting",
        "title",
        "source_name",
        "classification",
        "numbers",
        "received_on",
        "brought_by",
    }
    assert ClassifiedCopy.objects.count() == 0


def test_papers_above_the_clerks_clearance_are_refused(keeper):
    with pytest.raises(ValidationError) as refused:
        papers(keeper, classification=Classification.CONFIDENTIAL)
    assert "not cleared" in refused.value.message_dict["classification"][0]


def test_only_a_cleared_member_of_the_office_keeps_the_register(uncleared, reader):
    for person in (uncleared, reader):
        with pytest.raises(DocumentError):
            papers(person)
    assert ClassifiedCopy.objects.count() == 0


# --- Lending --------------------------------------------------------------------------------------


def test_a_copy_is_lent_to_someone_cleared_and_taken_back(keeper, reader):
    copy = papers(keeper)[0]

    services_copies.lend(actor=keeper, copy=copy, expected_version=copy.version, person=reader)
    lent = fresh(copy)
    assert (lent.state, lent.holder_id) == (CopyState.LENT, reader.pk)
    services_copies.take_back(actor=keeper, copy=lent, expected_version=lent.version)

    back = fresh(copy)
    assert (back.state, back.holder_id, back.held_since) == (CopyState.HELD, None, None)
    assert verbs(copy) == ["registered", "lent", "back"]
    assert (
        AuditEvent.objects.filter(action__in=("documents.copy_lent", "documents.copy_back")).count()
        == 2
    )


def test_a_copy_is_not_lent_to_someone_not_cleared(keeper, unit):
    staff = UserFactory(unit=unit, clearance=Classification.INTERNAL)
    copy = papers(keeper)[0]

    with pytest.raises(ValidationError) as refused:
        services_copies.lend(actor=keeper, copy=copy, expected_version=copy.version, person=staff)

    assert "may not hold it" in refused.value.message_dict["person"][0]
    assert fresh(copy).state == CopyState.HELD


def test_lending_twice_says_it_is_lent_already(keeper, reader):
    copy = papers(keeper)[0]
    services_copies.lend(actor=keeper, copy=copy, expected_version=copy.version, person=reader)

    with pytest.raises(DocumentError, match="Lent"):
        services_copies.lend(actor=keeper, copy=copy, expected_version=copy.version, person=reader)
    assert CopyEvent.objects.filter(copy=copy, verb="lent").count() == 1


def test_a_stale_version_is_refused(keeper, reader):
    copy = papers(keeper)[0]
    # Someone else changed the copy meanwhile.
    ClassifiedCopy.objects.filter(pk=copy.pk).update(version=copy.version + 1)

    with pytest.raises(StaleVersionError):
        services_copies.lend(actor=keeper, copy=copy, expected_version=copy.version, person=reader)
    assert fresh(copy).state == CopyState.HELD


# --- 清退 ------------------------------------------------------------------------------------


def test_a_return_list_is_numbered_confirmed_and_its_copies_returned(keeper):
    rows = papers(keeper)
    disposal = returning(keeper, rows)

    assert disposal.number == f"清退〔{timezone.localdate().year}〕1号"
    assert states(rows) == [CopyState.RETURNING] * 3
    services_copies.confirm(
        actor=keeper,
        disposal=disposal,
        expected_version=disposal.version,
        confirmed_by="王建军",
        confirmed_on=timezone.localdate(),
    )

    done = fresh(disposal)
    assert (done.state, done.confirmed_by, done.closed_by_id) == (
        DisposalState.DONE,
        "王建军",
        keeper.pk,
    )
    assert states(rows) == [CopyState.RETURNED] * 3
    assert verbs(rows[0]) == ["registered", "listed", "returned"]
    # Returned copies are final.
    with pytest.raises(DocumentError):
        returning(keeper, rows)


def test_list_numbers_have_no_gap_per_kind_and_year(keeper):
    rows = papers(keeper, numbers="1-4")
    first = returning(keeper, rows[:1])
    second = returning(keeper, rows[1:2])
    third = destruction(keeper, rows[2:3])

    assert [first.serial, second.serial, third.serial] == [1, 2, 1]
    with pytest.raises(DocumentError):
        returning(keeper, rows[:2])  # the first is on a list already: no number used
    assert DisposalCounter.objects.get(kind="return").last == 2


def test_a_confirmation_needs_the_signer_and_a_sane_date(keeper):
    disposal = returning(keeper, papers(keeper))
    with pytest.raises(ValidationError) as refused:
        services_copies.confirm(
            actor=keeper,
            disposal=disposal,
            expected_version=disposal.version,
            confirmed_by="",
            confirmed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"confirmed_by", "confirmed_on"}
    assert fresh(disposal).state == DisposalState.PREPARED


def test_a_return_list_needs_its_recipient_and_method(keeper):
    rows = papers(keeper)
    with pytest.raises(ValidationError) as refused:
        services_copies.prepare(actor=keeper, kind="return", copies=rows, method="fax")
    assert set(refused.value.message_dict) == {"recipient", "method"}
    assert CopyDisposal.objects.count() == 0


def test_a_lent_copy_goes_on_no_list_until_it_is_back(keeper, reader):
    rows = papers(keeper)
    services_copies.lend(
        actor=keeper, copy=rows[0], expected_version=rows[0].version, person=reader
    )

    with pytest.raises(DocumentError, match="must be back"):
        destruction(keeper, rows)

    assert CopyDisposal.objects.count() == 0
    assert states(rows) == [CopyState.LENT, CopyState.HELD, CopyState.HELD]
    assert DisposalCounter.objects.filter(last__gt=0).count() == 0


def test_the_same_list_sent_twice_is_prepared_once(keeper):
    rows = papers(keeper)
    first = destruction(keeper, rows, idempotency_key="k1")
    again = destruction(keeper, rows, idempotency_key="k1")
    assert again.pk == first.pk
    assert CopyDisposal.objects.count() == 1


# --- 销毁 -----------------------------------------------------------------------------------------


def test_a_destruction_takes_two_people_and_a_witness(keeper, second, reader):
    rows = papers(keeper)
    disposal = destruction(keeper, rows)
    assert states(rows) == [CopyState.DESTROYING] * 3

    with pytest.raises(services_copies.SelfApprovalError):
        services_copies.approve(actor=keeper, disposal=disposal, expected_version=disposal.version)
    assert fresh(disposal).state == DisposalState.PREPARED

    approved = services_copies.approve(
        actor=second, disposal=disposal, expected_version=disposal.version
    )
    assert (approved.state, approved.approved_by_id) == (DisposalState.APPROVED, second.pk)
    services_copies.execute(
        actor=keeper,
        disposal=approved,
        expected_version=approved.version,
        executed_by=keeper,
        witness=reader,
        method="shredding",
        place="办公室保密室",
        executed_at=timezone.now(),
    )

    done = fresh(disposal)
    assert (done.state, done.executed_by_id, done.witness_id) == (
        DisposalState.DONE,
        keeper.pk,
        reader.pk,
    )
    assert states(rows) == [CopyState.DESTROYED] * 3
    assert verbs(rows[0]) == ["registered", "listed", "destroyed"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="documents.copy_disposal_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "documents.copy_disposal_prepared",
        "documents.copy_disposal_approved",
        "documents.copy_disposal_executed",
    ]


def test_the_witness_is_not_the_one_destroying(keeper, second):
    disposal = destruction(keeper, papers(keeper))
    disposal = services_copies.approve(
        actor=second, disposal=disposal, expected_version=disposal.version
    )

    with pytest.raises(ValidationError) as refused:
        services_copies.execute(
            actor=keeper,
            disposal=disposal,
            expected_version=disposal.version,
            executed_by=keeper,
            witness=keeper,
            method="shredding",
            place="保密室",
            executed_at=timezone.now(),
        )

    assert "another person" in refused.value.message_dict["witness"][0]
    assert fresh(disposal).state == DisposalState.APPROVED


def test_a_destruction_is_not_carried_out_before_approval(keeper, second):
    disposal = destruction(keeper, papers(keeper))
    with pytest.raises(DocumentError, match="approved"):
        services_copies.execute(
            actor=second,
            disposal=disposal,
            expected_version=disposal.version,
            executed_by=keeper,
            witness=second,
            method="shredding",
            place="保密室",
            executed_at=timezone.now(),
        )


def test_a_destruction_with_bad_details_is_refused_field_by_field(keeper, second, unit):
    staff = UserFactory(unit=unit, clearance=Classification.INTERNAL)
    disposal = destruction(keeper, papers(keeper))
    disposal = services_copies.approve(
        actor=second, disposal=disposal, expected_version=disposal.version
    )
    with pytest.raises(ValidationError) as refused:
        services_copies.execute(
            actor=keeper,
            disposal=disposal,
            expected_version=disposal.version,
            executed_by=staff,
            witness=None,
            method="",
            place="",
            executed_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {
        "executed_by",
        "witness",
        "method",
        "place",
        "executed_at",
    }


def test_approving_twice_answers_already_done(keeper, second):
    disposal = destruction(keeper, papers(keeper))
    services_copies.approve(actor=second, disposal=disposal, expected_version=disposal.version)
    with pytest.raises(DocumentError, match="Approved"):
        services_copies.approve(actor=second, disposal=disposal, expected_version=disposal.version)


def test_a_stale_list_is_refused(keeper, second):
    disposal = destruction(keeper, papers(keeper))
    with pytest.raises(StaleVersionError):
        services_copies.approve(
            actor=second, disposal=disposal, expected_version=disposal.version + 5
        )
    assert fresh(disposal).state == DisposalState.PREPARED


# --- Cancelling -----------------------------------------------------------------------------------


def test_a_cancelled_list_puts_its_copies_back_on_the_register(keeper, second):
    rows = papers(keeper)
    disposal = destruction(keeper, rows)
    disposal = services_copies.approve(
        actor=second, disposal=disposal, expected_version=disposal.version
    )

    services_copies.cancel(
        actor=keeper,
        disposal=disposal,
        expected_version=disposal.version,
        reason="原发单位要求清退",
    )

    assert fresh(disposal).state == DisposalState.CANCELLED
    assert states(rows) == [CopyState.HELD] * 3
    assert {fresh(c).disposal_id for c in rows} == {None}
    assert verbs(rows[0]) == ["registered", "listed", "unlisted"]
    # They may go on another list.
    assert returning(keeper, rows).copies.count() == 3


def test_a_list_done_cannot_be_cancelled_and_cancelling_needs_a_reason(keeper):
    disposal = returning(keeper, papers(keeper))
    with pytest.raises(ValidationError):
        services_copies.cancel(
            actor=keeper, disposal=disposal, expected_version=disposal.version, reason=""
        )
    disposal = services_copies.confirm(
        actor=keeper,
        disposal=disposal,
        expected_version=disposal.version,
        confirmed_by="王建军",
        confirmed_on=timezone.localdate(),
    )
    with pytest.raises(DocumentError, match="not yet done"):
        services_copies.cancel(
            actor=keeper, disposal=disposal, expected_version=disposal.version, reason="错了"
        )


def test_another_units_copies_cannot_be_listed(keeper, unit):
    other_unit = UnitFactory()
    from tests.factories import DepartmentFactory, MembershipFactory

    other = UserFactory(unit=other_unit, clearance=Classification.SECRET)
    MembershipFactory(
        user=other, department=DepartmentFactory(unit=other_unit, is_general_office=True)
    )
    theirs = papers(other)

    with pytest.raises(ValidationError, match="not on the register"):
        destruction(keeper, theirs)
    assert states(theirs) == [CopyState.HELD] * 3


# --- The demo -------------------------------------------------------------------------------------


def test_the_demo_has_papers_returned_waiting_and_lent_and_seeds_once():
    from django.core.management import call_command

    call_command("seed_demo")
    counts = (
        ClassifiedCopy.objects.count(),
        CopyDisposal.objects.count(),
        CopyEvent.objects.count(),
    )
    call_command("seed_demo")

    assert (
        ClassifiedCopy.objects.count(),
        CopyDisposal.objects.count(),
        CopyEvent.objects.count(),
    ) == counts
    states = set(ClassifiedCopy.objects.values_list("state", flat=True))
    assert {CopyState.RETURNED, CopyState.DESTROYING, CopyState.LENT, CopyState.HELD} <= states
    # The 秘密 incoming document's copies are on the register with it.
    assert ClassifiedCopy.objects.filter(kind="incoming").exists()
    assert CopyDisposal.objects.filter(kind="return", state=DisposalState.DONE).count() == 1
    waiting = CopyDisposal.objects.get(kind="destroy")
    assert waiting.state == DisposalState.PREPARED and waiting.prepared_by.username == "clerk"
    lent = ClassifiedCopy.objects.get(state=CopyState.LENT)
    assert lent.holder.username == "deputy1"
    overdue = ClassifiedCopy.objects.filter(
        state=CopyState.HELD, return_by__lt=timezone.localdate()
    )
    assert overdue.exists()
