"""发文字号 allocation, 登记, withdrawal and 份号 (issue 4 item 5; numbering.py)."""

import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.documents import factories
from tests.documents.factories import NumberSeriesFactory, OutgoingDocumentFactory
from tests.factories import DepartmentFactory, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification, StaleVersionError
from zhongshu.documents import numbering
from zhongshu.documents.models import (
    CopyNumber,
    IssuedNumber,
    Layout,
    NumberCounter,
    OutgoingDocument,
    State,
)
from zhongshu.documents.proofread import terms

ISSUED_ON = date(2026, 3, 2)
office_clerk = factories.office_clerk


@pytest.fixture
def series(office):
    return NumberSeriesFactory(owner=office, code="市食药监发", name="局发文")


@pytest.fixture
def department(unit):
    return DepartmentFactory(unit=unit, name="综合科")


def checked(staff, department, **fields):
    """A signed document that passed 复核, ready for 登记."""
    fields.setdefault("state", State.CHECKED)
    fields.setdefault("issued_on", ISSUED_ON)
    return OutgoingDocumentFactory(drafter=staff, department=department, **fields)


def internal_only(department):
    return [{"name": department.name, "department": department.pk, "organ": None}]


def do_register(actor, document, series, copies=3, **kwargs):
    return numbering.register(
        actor=actor,
        document=document,
        expected_version=document.version,
        series=series,
        copies=copies,
        distribution_scope=kwargs.pop("distribution_scope", "各街道办事处"),
        **kwargs,
    )


# --- Formatting -------------------------------------------------------------------------------


def test_number_text_follows_gb_t_9704():
    text = numbering.number_text("国发", 2012, 10)

    assert text == "国发〔2012〕10号"
    assert terms.DOC_NUMBER.match(text)


def test_number_text_has_no_leading_zeros_or_ordinal():
    assert numbering.number_text("某办函", 2026, 1) == "某办函〔2026〕1号"
    assert numbering.number_text("某办函", 2026, 1000) == "某办函〔2026〕1000号"


def test_copy_numbers_are_six_digits():
    assert numbering.copy_text(1) == "000001"
    assert numbering.copy_text(123456) == "123456"


# --- allocate ---------------------------------------------------------------------------------


def test_allocate_gives_consecutive_numbers_and_sets_the_document(
    office_clerk, staff, department, series
):
    first = checked(staff, department)
    second = checked(staff, department)

    a = numbering.allocate(actor=office_clerk, document=first, series=series)
    b = numbering.allocate(actor=office_clerk, document=second, series=series)

    assert (a.text, b.text) == ("市食药监发〔2026〕1号", "市食药监发〔2026〕2号")
    first.refresh_from_db()
    assert (first.series_id, first.doc_number, first.number_year, first.number_sequence) == (
        series.pk,
        "市食药监发〔2026〕1号",
        2026,
        1,
    )
    assert a.document_id == first.pk and a.issued_by == office_clerk
    assert a.status == IssuedNumber.Status.USED
    assert NumberCounter.objects.get(series=series, year=2026).last == 2
    event = AuditEvent.objects.filter(action="documents.number_allocated").order_by("-id")[0]
    assert event.detail["number"] == "市食药监发〔2026〕2号"


def test_yearly_restart_starts_again_at_the_first_number(office_clerk, staff, department, series):
    numbering.allocate(actor=office_clerk, document=checked(staff, department), series=series)
    numbering.allocate(actor=office_clerk, document=checked(staff, department), series=series)

    next_year = numbering.allocate(
        actor=office_clerk,
        document=checked(staff, department, issued_on=date(2027, 1, 4)),
        series=series,
    )

    assert next_year.text == "市食药监发〔2027〕1号"


def test_series_without_restart_counts_on_but_prints_the_year(
    office_clerk, staff, department, office
):
    series = NumberSeriesFactory(owner=office, code="市食药监", yearly_restart=False)
    numbering.allocate(actor=office_clerk, document=checked(staff, department), series=series)

    later = numbering.allocate(
        actor=office_clerk,
        document=checked(staff, department, issued_on=date(2027, 2, 1)),
        series=series,
    )

    assert later.text == "市食药监〔2027〕2号"
    assert list(NumberCounter.objects.filter(series=series).values_list("year", "last")) == [(0, 2)]


def test_the_first_number_of_a_series_is_respected(office_clerk, staff, department, office):
    series = NumberSeriesFactory(owner=office, code="市食药监函", start_number=50)

    first = numbering.allocate(
        actor=office_clerk, document=checked(staff, department), series=series
    )
    second = numbering.allocate(
        actor=office_clerk, document=checked(staff, department), series=series
    )

    assert (first.sequence, second.sequence) == (50, 51)


def test_raising_the_first_number_skips_ahead_but_never_goes_back(
    office_clerk, staff, department, series
):
    numbering.allocate(actor=office_clerk, document=checked(staff, department), series=series)
    series.start_number = 100
    series.save()
    jumped = numbering.allocate(
        actor=office_clerk, document=checked(staff, department), series=series
    )
    series.start_number = 1
    series.save()

    after = numbering.allocate(
        actor=office_clerk, document=checked(staff, department), series=series
    )

    assert (jumped.sequence, after.sequence) == (100, 101)


def test_without_a_date_of_issue_the_year_is_today_in_shanghai(
    office_clerk, staff, department, series
):
    document = checked(staff, department, issued_on=None)

    # 2026-12-31 17:30 UTC is already 2027-01-01 in Beijing.
    with time_machine.travel(datetime(2026, 12, 31, 17, 30, tzinfo=UTC), tick=False):
        issued = numbering.allocate(actor=office_clerk, document=document, series=series)

    assert issued.text == "市食药监发〔2027〕1号"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"active": False}, "no longer in use"),
        ({"layout": Layout.LETTER}, "layout"),
        ({"external": False}, "goes outside the unit"),
    ],
)
def test_a_series_that_may_not_number_the_document_is_refused(
    office_clerk, staff, department, series, change, message
):
    for name, value in change.items():
        setattr(series, name, value)
    series.save()
    document = checked(staff, department)

    with pytest.raises(ValidationError) as refused:
        numbering.allocate(actor=office_clerk, document=document, series=series)

    assert message in str(refused.value.message_dict["series"])
    assert not IssuedNumber.objects.exists()
    assert not NumberCounter.objects.exists()
    document.refresh_from_db()
    assert document.doc_number == ""


def test_a_series_of_another_unit_is_refused(office_clerk, staff, department):
    elsewhere = NumberSeriesFactory(
        owner=DepartmentFactory(unit=UnitFactory(), is_general_office=True)
    )

    with pytest.raises(ValidationError) as refused:
        numbering.allocate(
            actor=office_clerk, document=checked(staff, department), series=elsewhere
        )

    assert "another unit" in str(refused.value.message_dict["series"])
    assert not IssuedNumber.objects.exists()


def test_an_internal_series_numbers_documents_for_internal_recipients_only(
    office_clerk, staff, department, unit
):
    internal = NumberSeriesFactory(owner=department, code="综合科", external=False)
    inside = checked(staff, department, main_recipients=internal_only(department))
    mixed = checked(
        staff,
        department,
        main_recipients=internal_only(department),
        cc_recipients=[{"name": "市人民政府办公室", "department": None, "organ": None}],
    )

    issued = numbering.allocate(actor=office_clerk, document=inside, series=internal)
    with pytest.raises(ValidationError):
        numbering.allocate(actor=office_clerk, document=mixed, series=internal)

    assert issued.text == "综合科〔2026〕1号"
    assert list(numbering.eligible_series(mixed)) == []
    assert list(numbering.eligible_series(inside)) == [internal]


def test_a_numbered_document_gets_no_second_number(office_clerk, staff, department, series):
    document = checked(staff, department)
    numbering.allocate(actor=office_clerk, document=document, series=series)

    with pytest.raises(ValidationError):
        numbering.allocate(actor=office_clerk, document=document, series=series)

    assert IssuedNumber.objects.count() == 1


# --- void -------------------------------------------------------------------------------------


def test_a_void_number_is_kept_and_never_given_again(office_clerk, staff, department, series):
    document = checked(staff, department)
    do_register(office_clerk, document, series)
    issued = IssuedNumber.objects.get()

    numbering.void(actor=office_clerk, issued=issued, reason="标题有误，重新登记")
    document.refresh_from_db()
    do_register(office_clerk, document, series)

    issued.refresh_from_db()
    assert issued.status == IssuedNumber.Status.VOID
    assert issued.void_reason == "标题有误，重新登记"
    assert issued.voided_by == office_clerk and issued.voided_at is not None
    document.refresh_from_db()
    assert document.doc_number == "市食药监发〔2026〕2号"
    assert list(IssuedNumber.objects.order_by("sequence").values_list("sequence", "status")) == [
        (1, "void"),
        (2, "used"),
    ]
    assert AuditEvent.objects.filter(action="documents.number_voided").count() == 1


def test_voiding_takes_the_number_off_the_document_and_back_to_registration(
    office_clerk, staff, department, series
):
    document = checked(staff, department)
    do_register(office_clerk, document, series)

    numbering.void(actor=office_clerk, issued=IssuedNumber.objects.get(), reason="重复登记")

    document.refresh_from_db()
    assert document.state == State.CHECKED
    assert (document.doc_number, document.series_id, document.number_sequence) == ("", None, None)
    assert "registered" not in document.milestones


def test_a_void_needs_a_reason_and_happens_once(office_clerk, staff, department, series):
    document = checked(staff, department)
    issued = numbering.allocate(actor=office_clerk, document=document, series=series)

    with pytest.raises(ValidationError):
        numbering.void(actor=office_clerk, issued=issued, reason="  ")
    numbering.void(actor=office_clerk, issued=issued, reason="作废")
    with pytest.raises(ValidationError) as again:
        numbering.void(actor=office_clerk, issued=issued, reason="再次作废")

    assert again.value.code == "already_void"
    issued.refresh_from_db()
    assert issued.void_reason == "作废"


def test_a_printed_number_cannot_be_withdrawn(office_clerk, staff, department, series):
    document = checked(staff, department)
    do_register(office_clerk, document, series)
    OutgoingDocument.objects.filter(pk=document.pk).update(state=State.PRINTED)

    with pytest.raises(ValidationError) as refused:
        numbering.void(actor=office_clerk, issued=IssuedNumber.objects.get(), reason="作废")

    assert refused.value.code == "state"
    assert IssuedNumber.objects.get().status == IssuedNumber.Status.USED


# --- register ---------------------------------------------------------------------------------


def test_register_numbers_fixes_copies_and_moves_on(office_clerk, staff, department, series):
    document = checked(staff, department)
    version = document.version

    do_register(
        office_clerk,
        document,
        series,
        copies=40,
        distribution_scope="各街道办事处\n局属各单位",
        print_date=date(2026, 3, 3),
    )

    document.refresh_from_db()
    assert document.state == State.REGISTERED
    assert document.doc_number == "市食药监发〔2026〕1号"
    assert (document.copies, document.distribution_scope) == (40, "各街道办事处\n局属各单位")
    assert document.print_date == date(2026, 3, 3)
    assert document.version == version + 1
    assert document.milestones["registered"]["by"] == office_clerk.pk
    assert datetime.fromisoformat(document.milestones["registered"]["at"])
    assert not CopyNumber.objects.exists()  # not classified
    event = AuditEvent.objects.get(action="documents.registered")
    assert event.detail["number"] == "市食药监发〔2026〕1号" and event.detail["copies"] == 40


def test_register_keeps_a_number_given_at_signing(office_clerk, staff, department, series):
    document = checked(staff, department)
    numbering.allocate(actor=office_clerk, document=document, series=series)
    document.refresh_from_db()

    do_register(office_clerk, document, None)

    document.refresh_from_db()
    assert document.doc_number == "市食药监发〔2026〕1号"
    assert IssuedNumber.objects.count() == 1


def test_number_at_signing_is_off_by_default(settings):
    assert settings.DOCUMENTS_NUMBER_AT_SIGNING is False
    assert numbering.allocates_at_signing() is False


@pytest.mark.parametrize("state", [State.DRAFT, State.SIGNED, State.REGISTERED, State.CANCELLED])
def test_register_is_refused_outside_checked(office_clerk, staff, department, series, state):
    document = checked(staff, department, state=state)

    with pytest.raises(ValidationError) as refused:
        do_register(office_clerk, document, series)

    assert refused.value.code == "state"
    assert not IssuedNumber.objects.exists()


def test_register_with_a_stale_version_changes_nothing(office_clerk, staff, department, series):
    document = checked(staff, department)
    seen = document.version
    OutgoingDocument.objects.filter(pk=document.pk).update(version=seen + 1)

    with pytest.raises(StaleVersionError):
        numbering.register(
            actor=office_clerk,
            document=document,
            expected_version=seen,
            series=series,
            copies=2,
            distribution_scope="各街道办事处",
        )

    assert not IssuedNumber.objects.exists()
    assert OutgoingDocument.objects.get(pk=document.pk).state == State.CHECKED


def test_register_checks_its_fields_and_gives_no_number_on_error(
    office_clerk, staff, department, series
):
    document = checked(staff, department)

    with pytest.raises(ValidationError) as refused:
        numbering.register(
            actor=office_clerk,
            document=document,
            expected_version=document.version,
            series=series,
            copies=0,
            distribution_scope=" ",
            print_date=date(2026, 3, 1),  # before the date of issue
        )

    assert set(refused.value.message_dict) == {"copies", "distribution_scope", "print_date"}
    assert not IssuedNumber.objects.exists()
    assert not NumberCounter.objects.exists()


def test_a_refused_series_at_registration_rolls_everything_back(
    office_clerk, staff, department, series
):
    series.active = False
    series.save()
    document = checked(staff, department)

    with pytest.raises(ValidationError):
        do_register(office_clerk, document, series)

    document.refresh_from_db()
    assert (document.state, document.doc_number) == (State.CHECKED, "")


def test_a_classified_document_gets_one_copy_number_per_copy(
    office_clerk, staff, department, series
):
    document = checked(staff, department, classification=Classification.SECRET)

    do_register(office_clerk, document, series, copies=5)

    assert [c.text for c in CopyNumber.objects.filter(document=document)] == [
        "000001",
        "000002",
        "000003",
        "000004",
        "000005",
    ]


def test_registering_again_keeps_handed_copies(office_clerk, staff, department, series):
    document = checked(staff, department, classification=Classification.SECRET)
    staff.clearance = Classification.SECRET
    staff.save()
    do_register(office_clerk, document, series, copies=3)
    numbering.assign_copy(
        actor=office_clerk, copy=CopyNumber.objects.get(document=document, number=3), person=staff
    )
    numbering.void(actor=office_clerk, issued=IssuedNumber.objects.get(), reason="重新编号")
    document.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        do_register(office_clerk, document, series, copies=2)
    document.refresh_from_db()
    do_register(office_clerk, document, series, copies=4)

    assert "copies" in refused.value.message_dict
    copies = CopyNumber.objects.filter(document=document)
    assert [c.number for c in copies] == [1, 2, 3, 4]
    assert copies.get(number=3).person == staff


# --- 份号 hand-over ----------------------------------------------------------------------------


def test_assign_copy_records_the_holder(office_clerk, staff, department, series):
    document = checked(staff, department, classification=Classification.SECRET)
    do_register(office_clerk, document, series, copies=2)
    copy = CopyNumber.objects.get(document=document, number=1)

    numbering.assign_copy(actor=office_clerk, copy=copy, department=department, recipient="李科长")

    copy.refresh_from_db()
    assert (copy.department, copy.recipient) == (department, "李科长")
    assert copy.handed_at is not None
    event = AuditEvent.objects.get(action="documents.copy_assigned")
    assert event.detail["copy"] == "000001"
    assert event.classification == Classification.SECRET


def test_a_copy_goes_only_to_a_cleared_person_of_the_unit(office_clerk, staff, department, series):
    document = checked(staff, department, classification=Classification.SECRET)
    do_register(office_clerk, document, series, copies=1)
    copy = CopyNumber.objects.get(document=document)
    outsider = UserFactory(clearance=Classification.TOP_SECRET)

    with pytest.raises(ValidationError) as uncleared:
        numbering.assign_copy(actor=office_clerk, copy=copy, person=staff)  # clearance 内部
    with pytest.raises(ValidationError) as foreign:
        numbering.assign_copy(actor=office_clerk, copy=copy, person=outsider)
    with pytest.raises(ValidationError) as nobody:
        numbering.assign_copy(actor=office_clerk, copy=copy)

    assert "not cleared" in str(uncleared.value.message_dict["person"])
    assert "person" in foreign.value.message_dict
    assert "recipient" in nobody.value.message_dict
    copy.refresh_from_db()
    assert copy.handed_at is None


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_registrations_get_one_to_twenty():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update is a no-op on SQLite; this runs on PostgreSQL")
    unit = UnitFactory()
    office = DepartmentFactory(unit=unit, is_general_office=True)
    clerk = UserFactory(unit=unit)
    from tests.factories import MembershipFactory

    MembershipFactory(user=clerk, department=office)
    series = NumberSeriesFactory(owner=office, code="并发测试发")
    documents = [
        OutgoingDocumentFactory(
            drafter=UserFactory(unit=unit),
            department=office,
            state=State.CHECKED,
            issued_on=ISSUED_ON,
        )
        for _ in range(20)
    ]
    barrier = threading.Barrier(len(documents))
    errors = []

    def work(document):
        try:
            barrier.wait(timeout=30)
            do_register(clerk, document, series, copies=1)
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    sequences = sorted(
        IssuedNumber.objects.filter(series=series).values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 21))
    assert sorted(
        OutgoingDocument.objects.filter(pk__in=[d.pk for d in documents]).values_list(
            "number_sequence", flat=True
        )
    ) == list(range(1, 21))
    assert NumberCounter.objects.get(series=series, year=2026).last == 20
