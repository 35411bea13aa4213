# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""签收, 登记 and 初审 of incoming documents (issue 5 items 1–3): the gapless 收文编号, the
duplicate flag, deadlines in working days, classified documents by catalogue data only, 退文."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.documents.factories import office_clerk  # noqa: F401  (fixture)
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification, StaleVersionError
from zhongshu.documents import selectors_incoming, services_incoming
from zhongshu.documents.models import (
    DeadlineSource,
    Handling,
    IncomingCounter,
    IncomingDocument,
    IncomingReading,
    IncomingState,
    Organ,
)
from zhongshu.documents.services import DocumentError
from zhongshu.notify.models import Notification
from zhongshu.search import services as search

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def data(**fields) -> dict:
    return {
        "source_name": "省食品药品监督管理局",
        "source_number": "省食药监发〔2026〕12号",
        "title": "关于开展食品安全专项检查的通知",
        "kind": "notice",
        "received_at": at(2026, 3, 6, 10),
        **fields,
    }


def register(clerk, **fields) -> IncomingDocument:
    return services_incoming.register(actor=clerk, data=data(**fields))


# --- 登记 -----------------------------------------------------------------------------------------


def test_registration_gives_the_next_number_of_the_year_received(office_clerk):
    first = register(office_clerk, source_number="甲〔2026〕1号")
    second = register(office_clerk, source_number="甲〔2026〕2号")
    last_year = register(
        office_clerk, source_number="甲〔2025〕9号", received_at=at(2025, 12, 31, 16)
    )

    assert [first.receipt_number, second.receipt_number] == ["收〔2026〕1号", "收〔2026〕2号"]
    assert last_year.receipt_number == "收〔2025〕1号"
    assert (first.state, first.registered_by) == (IncomingState.REGISTERED, office_clerk)
    event = AuditEvent.objects.get(action="documents.incoming_registered", object_id=str(first.pk))
    assert event.detail["number"] == "收〔2026〕1号"


def test_each_unit_numbers_its_own(office_clerk):
    other_unit = UnitFactory()
    other_clerk = UserFactory(unit=other_unit)
    MembershipFactory(
        user=other_clerk, department=DepartmentFactory(unit=other_unit, is_general_office=True)
    )

    ours = register(office_clerk)
    theirs = register(other_clerk)

    assert ours.serial == theirs.serial == 1


def test_a_refused_registration_uses_no_number(office_clerk):
    register(office_clerk)
    with pytest.raises(ValidationError) as caught:
        register(office_clerk, title="", source_name="")
    third = register(office_clerk, source_number="乙〔2026〕3号")

    assert {"title", "source_name"} <= set(caught.value.message_dict)
    assert third.serial == 2  # no gap
    assert IncomingCounter.objects.get(unit=office_clerk.unit, year=2026).last == 2


def test_the_same_document_twice_is_registered_and_flagged(office_clerk):
    first = register(office_clerk)
    again = register(office_clerk)
    other_sender = register(office_clerk, source_name="市人民政府办公室")

    assert again.duplicate_of == first
    assert other_sender.duplicate_of is None
    assert register(office_clerk, source_number="").duplicate_of is None  # nothing to compare


def test_a_form_sent_twice_registers_once(office_clerk):
    one = services_incoming.register(actor=office_clerk, data=data(), idempotency_key="k1")
    two = services_incoming.register(actor=office_clerk, data=data(), idempotency_key="k1")

    assert one.pk == two.pk
    assert IncomingDocument.objects.count() == 1


def test_only_the_office_registers(org_manager, staff):
    with pytest.raises(DocumentError, match="general office"):
        register(staff)
    assert not IncomingDocument.objects.exists()


def test_bad_input_is_refused_field_by_field(office_clerk):
    with pytest.raises(ValidationError) as caught:
        register(
            office_clerk,
            received_at=datetime.datetime.now(tz=SHANGHAI) + datetime.timedelta(days=2),
            signed_on=datetime.date(2026, 3, 9),
            copy_number="12a",
            copies=0,
            kind="memo",
            handling="both",
            deadline_days=-1,
            secrecy_period="1年",
        )

    assert set(caught.value.message_dict) >= {
        "received_at",
        "copy_number",
        "copies",
        "kind",
        "handling",
        "deadline_days",
        "secrecy_period",
    }
    assert not IncomingDocument.objects.exists()


def test_a_document_dated_after_its_receipt_is_refused(office_clerk):
    with pytest.raises(ValidationError) as caught:
        register(office_clerk, signed_on=datetime.date(2026, 3, 7))

    assert "signed_on" in caught.value.message_dict


def test_the_copy_number_is_six_digits(office_clerk):
    assert register(office_clerk, copy_number="12").copy_number == "000012"


def test_an_organ_from_the_directory_names_the_sender(office_clerk):
    organ = Organ.objects.create(unit=office_clerk.unit, name="省人民政府办公厅")
    foreign = Organ.objects.create(unit=UnitFactory(), name="外单位")

    document = register(office_clerk, source_name="", source_organ=organ)
    with pytest.raises(ValidationError) as caught:
        register(office_clerk, source_organ=foreign)

    assert (document.source_name, document.source_organ) == ("省人民政府办公厅", organ)
    assert "source_organ" in caught.value.message_dict


# --- Deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (at(2026, 3, 6, 10), 1, at(2026, 3, 9, 17, 30)),  # Friday → Monday
        (at(2026, 9, 30, 10), 1, at(2026, 10, 8, 17, 30)),  # over 国庆
        (at(2026, 4, 30, 10), 5, at(2026, 5, 11, 17, 30)),  # over 劳动节, a Saturday make-up day
    ],
)
def test_the_deadline_counts_working_days_from_receipt(office_clerk, received, days, due):
    document = register(
        office_clerk, received_at=received, deadline_days=days, deadline_source="document"
    )

    assert document.deadline == due
    assert document.deadline_source == DeadlineSource.DOCUMENT


def test_no_deadline_unless_one_is_given(office_clerk):
    document = register(office_clerk, handling=Handling.READING)

    assert (document.deadline, document.deadline_source) == (None, DeadlineSource.NONE)
    with pytest.raises(ValidationError) as caught:
        register(office_clerk, deadline_source="office")
    assert "deadline_days" in caught.value.message_dict


# --- Classified documents (CONVENTIONS.md, secrecy) ------------------------------------------


@pytest.fixture
def cleared_clerk(office_clerk):
    office_clerk.clearance = Classification.CONFIDENTIAL
    office_clerk.save(update_fields=["clearance"])
    return office_clerk


def test_without_a_classified_network_a_secret_document_is_catalogue_only(cleared_clerk, settings):
    settings.CLASSIFIED_NETWORK = False
    secret = {"classification": Classification.SECRET, "secrecy_period": "1年"}

    with pytest.raises(ValidationError) as caught:
        register(cleared_clerk, **secret, summary="正文内容")
    document = register(cleared_clerk, **secret, title="省局来文（涉密）", title_is_neutral=True)

    assert set(caught.value.message_dict) == {"summary", "title_is_neutral"}
    assert document.title_is_neutral and document.summary == ""


def test_on_a_classified_network_the_text_is_kept(cleared_clerk, settings):
    settings.CLASSIFIED_NETWORK = True

    document = register(cleared_clerk, classification=Classification.SECRET, summary="正文内容")

    assert (document.summary, document.title_is_neutral) == ("正文内容", False)


def test_a_clerk_cannot_register_above_their_clearance(office_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    office_clerk.clearance = Classification.INTERNAL
    office_clerk.save(update_fields=["clearance"])

    with pytest.raises(ValidationError) as caught:
        register(office_clerk, classification=Classification.SECRET)

    assert "classification" in caught.value.message_dict
    assert not IncomingDocument.objects.exists()


# --- Visibility and search ----------------------------------------------------------------------


def test_the_office_sees_its_unit_below_its_clearance_others_nothing_yet(
    cleared_clerk, staff, settings
):
    settings.CLASSIFIED_NETWORK = True
    public = register(cleared_clerk)
    secret = register(cleared_clerk, classification=Classification.SECRET, source_number="密1")
    colleague = UserFactory(unit=cleared_clerk.unit, clearance=Classification.INTERNAL)
    MembershipFactory(user=colleague, department=cleared_clerk.memberships.get().department)

    assert set(selectors_incoming.visible_incoming(cleared_clerk)) == {public, secret}
    assert list(selectors_incoming.visible_incoming(colleague)) == [public]
    assert not selectors_incoming.visible_incoming(staff).exists()


def test_the_index_finds_the_organ_its_number_and_ours(office_clerk):
    document = register(office_clerk, summary="请于三月底前报送自查报告")

    for words in ("省食品药品监督管理局", "食药监发", "自查报告", "专项检查"):
        assert search.matching_object_ids(services_incoming.SEARCH_KIND, words) == [
            str(document.pk)
        ], words
    filtered = selectors_incoming.filtered_incoming(office_clerk, {"q": "自查报告"})
    assert list(filtered) == [document]


# --- 初审 -----------------------------------------------------------------------------------------


def test_accepting_moves_it_on_once(office_clerk):
    document = register(office_clerk)

    accepted = services_incoming.review_accept(
        actor=office_clerk, document=document, expected_version=document.version
    )
    with pytest.raises(DocumentError, match="first review"):
        services_incoming.review_accept(
            actor=office_clerk, document=document, expected_version=accepted.version
        )

    assert (accepted.state, accepted.reviewed_by) == (IncomingState.ACCEPTED, office_clerk)
    assert AuditEvent.objects.filter(action="documents.incoming_accepted").count() == 1


def test_returning_keeps_the_reasons_in_order(office_clerk):
    document = register(office_clerk, kind="request")

    returned = services_incoming.review_return(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        reasons=["request_signer", "request_recipients", "unknown"],
        note="请补充签发人后重新报送。",
    )

    assert returned.state == IncomingState.RETURNED
    assert returned.return_reasons == ["request_recipients", "request_signer"]
    assert services_incoming.reason_labels(returned)[0].startswith("A 请示 with more than one")
    event = AuditEvent.objects.get(action="documents.incoming_returned")
    assert event.detail["note"] == "请补充签发人后重新报送。"


@pytest.mark.parametrize(
    ("reasons", "note", "field"),
    [([], "", "reasons"), (["other"], "", "note"), (["rules"], "长" * 2001, "note")],
)
def test_a_return_needs_its_reasons(office_clerk, reasons, note, field):
    document = register(office_clerk)

    with pytest.raises(ValidationError) as caught:
        services_incoming.review_return(
            actor=office_clerk,
            document=document,
            expected_version=document.version,
            reasons=reasons,
            note=note,
        )

    assert field in caught.value.message_dict
    document.refresh_from_db()
    assert document.state == IncomingState.REGISTERED


def test_a_stale_review_changes_nothing(office_clerk):
    document = register(office_clerk)

    with pytest.raises(StaleVersionError):
        services_incoming.review_accept(
            actor=office_clerk, document=document, expected_version=document.version + 1
        )

    document.refresh_from_db()
    assert document.state == IncomingState.REGISTERED


def test_only_the_office_reviews(office_clerk, staff):
    document = register(office_clerk)

    with pytest.raises(DocumentError):
        services_incoming.review_accept(
            actor=staff, document=document, expected_version=document.version
        )


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_registrations_get_one_to_twenty():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update is a no-op on SQLite; this runs on PostgreSQL")
    unit = UnitFactory()
    office = DepartmentFactory(unit=unit, is_general_office=True)
    clerks = [UserFactory(unit=unit) for _ in range(20)]
    for clerk in clerks:
        MembershipFactory(user=clerk, department=office)
    barrier = threading.Barrier(len(clerks))
    errors = []

    def work(n, clerk):
        try:
            barrier.wait(timeout=30)
            register(clerk, source_number=f"并发〔2026〕{n}号")
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n, c)) for n, c in enumerate(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    serials = sorted(IncomingDocument.objects.filter(unit=unit).values_list("serial", flat=True))
    assert serials == list(range(1, 21))
    assert IncomingCounter.objects.get(unit=unit, year=2026).last == 20


# --- 分送 of a 阅件 ------------------------------------------------------------------------------


@pytest.fixture
def readers(office_clerk):
    """The 综合科 with two members (one not cleared for 秘密) and a third person of the unit."""
    unit = office_clerk.unit
    department = DepartmentFactory(unit=unit, name="综合科", code="ZHK")
    people = {
        "wang": UserFactory(unit=unit, full_name="王读", clearance=Classification.SECRET),
        "li": UserFactory(unit=unit, full_name="李读", clearance=Classification.INTERNAL),
        "zhao": UserFactory(unit=unit, full_name="赵读", clearance=Classification.SECRET),
    }
    for name in ("wang", "li"):
        MembershipFactory(user=people[name], department=department)
    return {**people, "department": department}


def accepted_reading(clerk, **fields) -> IncomingDocument:
    document = register(clerk, handling=Handling.READING, **fields)
    return services_incoming.review_accept(
        actor=clerk, document=document, expected_version=document.version
    )


def send(clerk, document, **choice):
    document.refresh_from_db()
    return services_incoming.send_for_reading(
        actor=clerk, document=document, expected_version=document.version, **choice
    )


def test_a_reading_goes_to_people_and_department_members_once(
    office_clerk, readers, django_capture_on_commit_callbacks
):
    document = accepted_reading(office_clerk)

    with django_capture_on_commit_callbacks(execute=True):
        first = send(office_clerk, document, people=[readers["zhao"]])
    second = send(
        office_clerk, document, people=[readers["zhao"]], departments=[readers["department"]]
    )

    assert first.added == [readers["zhao"]]
    assert {p.full_name for p in second.added} == {"王读", "李读"}
    assert second.already == [readers["zhao"]]
    document.refresh_from_db()
    assert document.state == IncomingState.READING
    assert selectors_incoming.reading_progress([document.pk]) == {document.pk: (0, 3)}
    notified = Notification.objects.filter(recipient=readers["zhao"], event="work.cc").get()
    assert notified.title.startswith(document.receipt_number)
    assert AuditEvent.objects.filter(action="documents.incoming_sent_for_reading").count() == 2


def test_members_not_cleared_are_left_out_and_named(office_clerk, readers, settings):
    settings.CLASSIFIED_NETWORK = True
    office_clerk.clearance = Classification.SECRET
    office_clerk.save(update_fields=["clearance"])
    document = accepted_reading(office_clerk, classification=Classification.SECRET)

    result = send(office_clerk, document, departments=[readers["department"]])

    assert (result.added, result.not_cleared) == ([readers["wang"]], [readers["li"]])
    with pytest.raises(ValidationError) as caught:
        send(office_clerk, document, people=[readers["li"]])
    assert "people" in caught.value.message_dict


def test_only_an_accepted_reading_is_sent(office_clerk, readers):
    registered = register(office_clerk, handling=Handling.READING)
    for_action = register(office_clerk, source_number="办件1")
    for_action = services_incoming.review_accept(
        actor=office_clerk, document=for_action, expected_version=for_action.version
    )

    with pytest.raises(DocumentError, match="阅件"):
        send(office_clerk, registered, people=[readers["zhao"]])
    with pytest.raises(DocumentError, match="办件"):
        send(office_clerk, for_action, people=[readers["zhao"]])
    assert not IncomingReading.objects.exists()


def test_a_reader_sees_only_what_was_sent_and_reading_marks_it(office_clerk, readers):
    document = accepted_reading(office_clerk)
    other = accepted_reading(office_clerk, source_number="其他1")
    send(office_clerk, document, people=[readers["zhao"], readers["wang"]])

    seen = list(selectors_incoming.visible_incoming(readers["zhao"]))
    first = services_incoming.mark_read(readers["zhao"], document)
    again = services_incoming.mark_read(readers["zhao"], document)

    assert seen == [document] and other not in seen
    assert (first, again) == (True, False)
    assert selectors_incoming.reading_progress([document.pk]) == {document.pk: (1, 2)}
    assert [r.person for r in selectors_incoming.to_read(readers["wang"])] == [readers["wang"]]
    assert not selectors_incoming.visible_incoming(readers["li"]).exists()


def test_a_stale_sending_writes_nothing(office_clerk, readers):
    document = accepted_reading(office_clerk)

    with pytest.raises(StaleVersionError):
        services_incoming.send_for_reading(
            actor=office_clerk,
            document=document,
            expected_version=document.version + 1,
            people=[readers["zhao"]],
        )

    assert not IncomingReading.objects.exists()


def test_a_far_off_receipt_time_is_refused_without_crashing(office_clerk):
    with pytest.raises(ValidationError) as caught:
        register(office_clerk, received_at=at(9999, 12, 30, 10), deadline_days=5)
    with pytest.raises(ValidationError) as old:
        register(office_clerk, received_at=at(1, 1, 2, 10), deadline_days=5)

    assert "received_at" in caught.value.message_dict
    assert "received_at" in old.value.message_dict
