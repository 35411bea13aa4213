# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""Incoming documents (收文) over the API (issue 5 item 12): the list, a document, registration
and 初审 through the services the pages call; only the general office, of its own unit and
within its clearance; bad input 400, stale 412, twice 409, never a 500."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error

from tests.api.conftest import client_as as api
from tests.api.conftest import token_client_as as token_api
from tests.documents.factories import office_clerk  # noqa: F401  (fixture)
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services_incoming
from zhongshu.documents.models import (
    IncomingCounter,
    IncomingDocument,
    IncomingReading,
    IncomingState,
    Organ,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = "/api/incoming-documents/"
TITLE = "关于开展食品安全专项检查的通知"
SOURCE = "省食品药品监督管理局"
SOURCE_NUMBER = "省食药监发〔2026〕12号"


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def detail(document) -> str:
    return f"{LIST}{document.pk}/"


def register(clerk, **fields) -> IncomingDocument:
    """A registration through the service, as the pages make them."""
    data = {
        "source_name": SOURCE,
        "source_number": SOURCE_NUMBER,
        "title": TITLE,
        "kind": "notice",
        "received_at": at(2026, 3, 6, 10),
        **fields,
    }
    return services_incoming.register(actor=clerk, data=data)


def fresh(document) -> IncomingDocument:
    return IncomingDocument.objects.get(pk=document.pk)


def body(**fields) -> dict:
    """A registration as a client sends it."""
    return {
        "source_name": SOURCE,
        "source_number": SOURCE_NUMBER,
        "title": TITLE,
        "kind": "notice",
        "received_at": "2026-03-06T10:00:00+08:00",
        **fields,
    }


def denials(user) -> int:
    return AuditEvent.objects.filter(action="access.denied", actor=user).count()


@pytest.fixture
def cleared_clerk(office_clerk):
    """An office clerk cleared for 秘密 (no second factor needed for a token)."""
    office_clerk.clearance = Classification.SECRET
    office_clerk.save(update_fields=["clearance"])
    return office_clerk


@pytest.fixture
def outsider():
    """The general office of another unit."""
    unit = UnitFactory()
    clerk = UserFactory(unit=unit, username="outsider")
    MembershipFactory(user=clerk, department=DepartmentFactory(unit=unit, is_general_office=True))
    return clerk


# --- Registration (签收 and 登记) ---------------------------------------------------------------


def test_the_office_registers_a_document_with_what_it_sent(office_clerk):
    organ = Organ.objects.create(unit=office_clerk.unit, name=SOURCE)

    response = token_api(office_clerk).post(
        LIST,
        body(
            source_organ=organ.pk,
            source_name="",
            urgency=1,
            copy_number="12",
            signed_on="2026-03-04",
            pages=3,
            copies=2,
            handling="reading",
            deadline_days=1,
            deadline_source="document",
            summary="请于三月底前报送自查报告。",
            note="原件存档",
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    document = IncomingDocument.objects.get()
    assert (document.source_name, document.source_organ) == (SOURCE, organ)
    assert (document.title, document.source_number, document.kind) == (
        TITLE,
        SOURCE_NUMBER,
        "notice",
    )
    assert (document.urgency, document.copy_number, document.pages, document.copies) == (
        1,
        "000012",
        3,
        2,
    )
    assert document.signed_on == datetime.date(2026, 3, 4)
    assert document.received_at == at(2026, 3, 6, 10)
    assert document.deadline == at(2026, 3, 9, 17, 30)  # one working day: Friday → Monday
    assert (document.handling, document.deadline_source) == ("reading", "document")
    assert (document.summary, document.note) == ("请于三月底前报送自查报告。", "原件存档")
    assert (document.state, document.registered_by) == (IncomingState.REGISTERED, office_clerk)
    got = response.json()
    assert got["id"] == document.pk
    assert got["receipt_number"] == "收〔2026〕1号"
    assert got["source_organ"] == {"id": organ.pk, "name": SOURCE}
    assert got["registered_by"] == {"id": office_clerk.pk, "full_name": office_clerk.full_name}
    assert (got["state"], got["version"], got["duplicate_of"]) == ("registered", 1, None)
    assert got["deadline"] == "2026-03-09T17:30:00+08:00"
    event = AuditEvent.objects.get(action="documents.incoming_registered")
    assert event.object_id == str(document.pk)


def test_a_bare_registration_is_received_now_as_a_public_document_for_action(office_clerk):
    before = timezone.now()

    response = api(office_clerk).post(LIST, {"source_name": SOURCE, "title": TITLE}, format="json")

    assert response.status_code == 201, response.content
    document = IncomingDocument.objects.get()
    assert before <= document.received_at <= timezone.now()
    assert (document.classification, document.handling, document.copies) == (0, "action", 1)
    assert (document.deadline, document.deadline_source) == (None, "")


def test_the_same_document_twice_is_registered_and_flagged(office_clerk):
    client = api(office_clerk)
    first = client.post(LIST, body(), format="json").json()

    again = client.post(LIST, body(), format="json")

    assert again.status_code == 201
    assert again.json()["duplicate_of"] == {"id": first["id"], "receipt_number": "收〔2026〕1号"}
    assert again.json()["receipt_number"] == "收〔2026〕2号"
    assert client.get(f"{LIST}{first['id']}/").json()["later_duplicates"] == [
        {"id": again.json()["id"], "receipt_number": "收〔2026〕2号"}
    ]


def test_an_idempotency_key_registers_once(office_clerk):
    client = token_api(office_clerk)

    one = client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    two = client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    other = client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="retry-2")

    assert (one.status_code, two.status_code, other.status_code) == (201, 201, 201)
    assert one.json()["id"] == two.json()["id"] != other.json()["id"]
    assert IncomingDocument.objects.count() == 2
    assert IncomingCounter.objects.get(unit=office_clerk.unit, year=2026).last == 2
    assert AuditEvent.objects.filter(action="documents.incoming_registered").count() == 2


def test_a_too_long_idempotency_key_is_refused(office_clerk):
    response = api(office_clerk).post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 65)

    assert response.status_code == 400
    assert "idempotency_key" in response.json()
    assert not IncomingDocument.objects.exists()


@pytest.fixture
def foreign_organ():
    return Organ.objects.create(unit=UnitFactory(), name="外单位")


@pytest.mark.parametrize(
    ("sent", "fields"),
    [
        ({}, {"title"}),
        ({"title": "   "}, {"title"}),
        ({"source_name": ""}, {"source_name"}),
        ({"received_at": "2099-01-01T09:00:00+08:00"}, {"received_at"}),
        ({"received_at": "9999-12-31T23:59:59Z", "deadline_days": 5}, {"received_at"}),
        ({"received_at": "9999-12-30T10:00:00+08:00", "deadline_days": 5}, {"received_at"}),
        ({"received_at": "0001-01-01T00:00:00+08:00"}, {"received_at"}),
        ({"received_at": "0001-01-01T00:00:00"}, {"received_at"}),
        ({"received_at": "yesterday"}, {"received_at"}),
        ({"signed_on": "2026-03-07"}, {"signed_on"}),  # after it was received
        ({"source_organ": 987654}, {"source_organ"}),
        ({"source_organ": "foreign"}, {"source_organ"}),
        ({"source_organ": "inactive"}, {"source_organ"}),
        ({"source_organ": 2**64}, {"source_organ"}),
        ({"source_organ": "abc"}, {"source_organ"}),
        ({"pages": "many", "copies": 0}, {"pages", "copies"}),
        ({"pages": 10**30, "copies": True}, {"pages", "copies"}),
        ({"deadline_days": -1}, {"deadline_days"}),
        ({"deadline_days": 366}, {"deadline_days"}),
        ({"deadline_source": "office"}, {"deadline_days"}),  # a source without days
        ({"classification": "top", "urgency": 7}, {"classification", "urgency"}),
        ({"kind": "memo", "handling": "both"}, {"kind", "handling"}),
        ({"title": ["a", "b"], "note": {"x": 1}}, {"title", "note"}),
        ({"title": "x" * 301, "source_number": "x" * 61}, {"title", "source_number"}),
        ({"title": "标题\x00"}, {"title"}),
        ({"copy_number": "12a"}, {"copy_number"}),
        ({"secrecy_period": "1年"}, {"secrecy_period"}),  # only classified documents have one
        ({"classification": Classification.SECRET}, {"classification"}),  # above the clerk
    ],
)
def test_bad_input_is_400_with_field_errors_and_nothing_written(
    office_clerk, foreign_organ, sent, fields
):
    inactive = Organ.objects.create(unit=office_clerk.unit, name="已停用", active=False)
    sent = dict(sent)
    organs = {"foreign": foreign_organ.pk, "inactive": inactive.pk}
    if sent.get("source_organ") in organs:
        sent["source_organ"] = organs[sent["source_organ"]]
    data = body(**sent) if sent else {}

    response = api(office_clerk).post(LIST, data, format="json")

    assert response.status_code == 400, response.content
    assert fields <= set(response.json()), response.json()
    assert not IncomingDocument.objects.exists()
    assert not IncomingCounter.objects.filter(last__gt=0).exists()


def test_a_body_that_is_not_an_object_is_400(office_clerk):
    client = api(office_clerk)

    for data in ('["x"]', "null", '"title"', "{"):
        response = client.post(LIST, data, content_type="application/json")
        assert response.status_code == 400, (data, response.content)
    assert not IncomingDocument.objects.exists()


def test_a_classified_document_without_a_classified_network_is_catalogue_only(
    cleared_clerk, settings
):
    settings.CLASSIFIED_NETWORK = False
    client = api(cleared_clerk)
    secret = {"classification": Classification.SECRET, "secrecy_period": "1年"}

    refused = client.post(LIST, body(**secret, summary="正文"), format="json")
    accepted = client.post(
        LIST, body(**secret, title="省局来文（涉密）", title_is_neutral=True), format="json"
    )

    assert refused.status_code == 400
    assert set(refused.json()) == {"summary", "title_is_neutral"}
    assert accepted.status_code == 201, accepted.content
    got = accepted.json()
    assert (got["title_is_neutral"], got["catalogue_only"], got["summary"]) == (True, True, "")
    assert IncomingDocument.objects.get().classification == Classification.SECRET


# --- Who may use it -------------------------------------------------------------------------------


@pytest.fixture
def document(office_clerk):
    return register(office_clerk)


@pytest.mark.parametrize("who", ["staff", "org_manager"])
def test_outside_the_office_nothing_is_seen_nor_written(request, document, who):
    user = request.getfixturevalue(who)
    client = token_api(user)

    listed = client.get(LIST)
    read = client.get(detail(document))
    accept = client.post(f"{detail(document)}accept/", {"version": 1}, format="json")
    returned = client.post(
        f"{detail(document)}return/", {"version": 1, "reasons": ["rules"]}, format="json"
    )
    created = client.post(LIST, body(source_number="新"), format="json")

    assert (listed.status_code, listed.json()) == (200, {"results": [], "next": None})
    assert (read.status_code, accept.status_code, returned.status_code) == (404, 404, 404)
    assert created.status_code == 403
    assert SOURCE not in created.content.decode()
    assert IncomingDocument.objects.count() == 1
    assert fresh(document).state == IncomingState.REGISTERED
    assert fresh(document).version == 1
    assert denials(user) == 4  # each refusal audited
    assert not AuditEvent.objects.filter(action="documents.incoming_registered", actor=user)


def test_a_refused_registration_is_refused_before_its_input_is_read(staff):
    response = api(staff).post(LIST, {"pages": "many"}, format="json")

    assert response.status_code == 403


def test_a_reader_the_document_was_sent_to_may_not_review_it(office_clerk, document):
    """Readers come with 分送 (issue 5 item 4): whoever may see a document but is not the
    office gets the audited 404 of a document not theirs to act on, not the service's 409."""
    reader = UserFactory(unit=office_clerk.unit, username="reader")
    reading = IncomingReading.objects.create(
        document=document, person=reader, sent_at=timezone.now(), sent_by=office_clerk
    )
    client = api(reader)

    opened = client.get(detail(document))
    accept = client.post(f"{detail(document)}accept/", {"version": 1}, format="json")
    returned = client.post(
        f"{detail(document)}return/", {"version": 1, "reasons": ["rules"]}, format="json"
    )

    assert opened.status_code == 200
    reading.refresh_from_db()
    assert reading.read_at is not None  # opening it through the API is the read receipt too
    assert (accept.status_code, returned.status_code) == (404, 404)
    assert (fresh(document).state, fresh(document).version) == (IncomingState.REGISTERED, 1)
    assert denials(reader) == 2


def test_the_three_administrators_are_refused(document, sysadmin):
    client = api(sysadmin)

    assert client.get(LIST).status_code == 403
    assert client.get(detail(document)).status_code == 403
    assert client.post(LIST, body(), format="json").status_code == 403


def test_another_units_office_sees_nothing_of_ours(document, outsider):
    theirs = register(outsider, title="外单位收文")
    client = token_api(outsider)

    listed = client.get(LIST).json()["results"]
    read = client.get(detail(document))
    accept = client.post(f"{detail(document)}accept/", {"version": 1}, format="json")
    returned = client.post(
        f"{detail(document)}return/", {"version": 1, "reasons": ["rules"]}, format="json"
    )

    assert [row["id"] for row in listed] == [theirs.pk]
    assert (read.status_code, accept.status_code, returned.status_code) == (404, 404, 404)
    assert fresh(document).state == IncomingState.REGISTERED
    assert denials(outsider) == 3


def test_above_the_clerks_clearance_a_document_is_absent(cleared_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    public = register(cleared_clerk)
    secret = register(cleared_clerk, classification=Classification.SECRET, source_number="密1")
    colleague = UserFactory(unit=cleared_clerk.unit, clearance=Classification.INTERNAL)
    MembershipFactory(user=colleague, department=cleared_clerk.memberships.get().department)
    client = api(colleague)

    listed = client.get(LIST).json()["results"]
    filtered = client.get(LIST, {"classification": Classification.SECRET}).json()["results"]
    read = client.get(detail(secret))
    accept = client.post(f"{detail(secret)}accept/", {"version": 1}, format="json")

    assert [row["id"] for row in listed] == [public.pk]
    assert filtered == []
    assert (read.status_code, accept.status_code) == (404, 404)
    assert fresh(secret).state == IncomingState.REGISTERED
    assert denials(colleague) == 2
    assert not AuditEvent.objects.filter(action="documents.read", actor=colleague).exists()


def test_a_duplicate_the_caller_may_not_see_is_not_named(cleared_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    first = register(cleared_clerk, classification=Classification.SECRET)
    again = register(cleared_clerk)
    colleague = UserFactory(unit=cleared_clerk.unit, clearance=Classification.INTERNAL)
    MembershipFactory(user=colleague, department=cleared_clerk.memberships.get().department)

    as_cleared = api(cleared_clerk).get(detail(again)).json()
    as_colleague = api(colleague).get(detail(again)).json()
    [row] = api(colleague).get(LIST).json()["results"]

    assert fresh(again).duplicate_of == first
    assert as_cleared["duplicate_of"] == {"id": first.pk, "receipt_number": first.receipt_number}
    assert as_colleague["duplicate_of"] is None
    assert row["duplicate_of"] is None


@pytest.mark.parametrize("pk", ["99999999999999999999", "0", "-1", "abc", "²", "1.5"])
def test_ids_that_are_not_ids_are_404(office_clerk, document, pk):
    client = api(office_clerk)

    assert client.get(f"{LIST}{pk}/").status_code == 404
    assert client.post(f"{LIST}{pk}/accept/", {"version": 1}, format="json").status_code == 404


# --- Reading ------------------------------------------------------------------------------------


def test_a_document_says_what_was_registered(office_clerk):
    document = register(
        office_clerk,
        received_at=at(2026, 3, 6, 10),
        deadline_days=1,
        summary="请报送自查报告。",
    )

    response = token_api(office_clerk).get(detail(document))

    assert response.status_code == 200, response.content
    got = response.json()
    assert got["id"] == document.pk
    assert (got["receipt_number"], got["year"], got["serial"]) == ("收〔2026〕1号", 2026, 1)
    assert (got["source_name"], got["source_number"], got["title"]) == (
        SOURCE,
        SOURCE_NUMBER,
        TITLE,
    )
    assert (got["kind"], got["classification"], got["handling"], got["state"]) == (
        "notice",
        0,
        "action",
        "registered",
    )
    assert got["received_at"] == "2026-03-06T10:00:00+08:00"
    assert got["deadline"] == "2026-03-09T17:30:00+08:00"
    assert got["overdue"] is True  # open after a deadline long gone
    assert got["days_left"] < 0
    assert got["summary"] == "请报送自查报告。"
    assert (got["reviewed_at"], got["reviewed_by"], got["return_reasons"]) == (None, None, [])
    assert got["version"] == 1
    # A public document's read is not audited; nothing was refused.
    assert not AuditEvent.objects.filter(action__in=["documents.read", "access.denied"]).exists()


def test_every_read_of_a_classified_document_is_audited(cleared_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    secret = register(cleared_clerk, classification=Classification.SECRET, secrecy_period="1年")
    client = token_api(cleared_clerk)

    client.get(detail(secret))
    client.get(detail(secret))

    reads = AuditEvent.objects.filter(action="documents.read", object_id=str(secret.pk))
    assert reads.count() == 2
    assert reads.first().detail == {"page": "detail", "via": "api"}
    assert reads.first().actor == cleared_clerk
    assert reads.first().classification == Classification.SECRET


# --- The list: filters and keyset paging --------------------------------------------------------


@pytest.fixture
def catalogue(cleared_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    clerk = cleared_clerk
    documents = {
        "notice": register(clerk, summary="请于三月底前报送自查报告"),
        "request": register(
            clerk,
            source_name="市人民政府办公室",
            source_number="市政办〔2026〕3号",
            title="关于申请专项经费的请示",
            kind="request",
            handling="reading",
        ),
        "last_year": register(
            clerk,
            source_number="省食药监发〔2025〕40号",
            title="关于年终总结的通知",
            received_at=at(2025, 12, 30, 9),
            deadline_days=3,
        ),
        "secret": register(
            clerk,
            source_number="省食药监密〔2026〕1号",
            title="关于专项行动的通知",
            classification=Classification.SECRET,
        ),
        "future_deadline": register(
            clerk,
            source_number="省食药监发〔2026〕99号",
            title="关于下半年工作的通知",
            received_at=timezone.now() - datetime.timedelta(hours=1),
            deadline_days=30,
        ),
    }
    returned = register(clerk, source_number="退1", title="关于退回事项的函", kind="letter")
    services_incoming.review_return(
        actor=clerk, document=returned, expected_version=1, reasons=["not_ours"]
    )
    documents["returned"] = returned
    return documents


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "专项经费"}, {"request"}),
        ({"q": "自查报告"}, {"notice"}),
        ({"year": 2025}, {"last_year"}),
        ({"source": "人民政府"}, {"request"}),
        ({"state": "returned"}, {"returned"}),
        ({"handling": "reading"}, {"request"}),
        ({"classification": Classification.SECRET}, {"secret"}),
        ({"kind": "request"}, {"request"}),
        ({"overdue": "true"}, {"last_year"}),
        ({"kind": "notice", "year": 2026}, {"notice", "secret", "future_deadline"}),
        (
            {"overdue": "false"},
            {"notice", "request", "last_year", "secret", "future_deadline", "returned"},
        ),
        ({}, {"notice", "request", "last_year", "secret", "future_deadline", "returned"}),
    ],
)
def test_filters(catalogue, cleared_clerk, params, expected):
    response = api(cleared_clerk).get(LIST, params)

    assert response.status_code == 200, response.content
    assert {row["id"] for row in response.json()["results"]} == {
        catalogue[name].pk for name in expected
    }


def test_a_row_carries_the_catalogue_not_the_text(catalogue, cleared_clerk):
    rows = api(cleared_clerk).get(LIST).json()["results"]
    by_id = {row["id"]: row for row in rows}

    last_year = by_id[catalogue["last_year"].pk]
    assert last_year["receipt_number"] == "收〔2025〕1号"
    assert last_year["overdue"] is True
    assert by_id[catalogue["future_deadline"].pk]["overdue"] is False
    assert by_id[catalogue["returned"].pk]["state"] == "returned"
    assert all("summary" not in row for row in rows)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "no-such-state"}, "state"),
        ({"handling": "both"}, "handling"),
        ({"classification": "9"}, "classification"),
        ({"kind": "memo"}, "kind"),
        ({"year": "twenty"}, "year"),
        ({"overdue": "maybe"}, "overdue"),
        ({"q": "x" * 61}, "q"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"after": str(2**64)}, "after"),
        ({"after": "-1"}, "after"),
    ],
)
def test_bad_filters_are_400(office_clerk, params, field):
    response = api(office_clerk).get(LIST, params)

    assert response.status_code == 400
    assert field in response.json()


def test_keyset_paging_newest_first_without_a_count(office_clerk, django_assert_max_num_queries):
    documents = [register(office_clerk, source_number=f"甲〔2026〕{n}号") for n in range(5)]
    client = api(office_clerk)
    client.get(LIST)  # the session and the user's roles, cached

    seen, after, pages = [], None, 0
    with CaptureQueriesContext(connection) as queries:
        while True:
            params = {"page_size": 2} | ({"after": after} if after else {})
            page = client.get(LIST, params).json()
            seen += [row["id"] for row in page["results"]]
            pages += 1
            after = page["next"]
            if after is None:
                break

    assert seen == sorted((d.pk for d in documents), reverse=True)
    assert pages == 3
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    # A constant number of queries a page, whatever its size.
    with django_assert_max_num_queries(len(queries.captured_queries) // pages + 1):
        client.get(LIST, {"page_size": 100})


def test_duplicates_in_a_page_cost_one_query(office_clerk):
    for _n in range(6):
        register(office_clerk)  # the same document: five flagged duplicates of the first
    client = api(office_clerk)
    client.get(LIST)

    with CaptureQueriesContext(connection) as small:
        client.get(LIST, {"page_size": 2})
    with CaptureQueriesContext(connection) as large:
        rows = client.get(LIST).json()["results"]

    assert len(large.captured_queries) == len(small.captured_queries)
    assert sum(1 for row in rows if row["duplicate_of"]) == 5


# --- 初审: accept --------------------------------------------------------------------------------


def accept(client, document, **data):
    data.setdefault("version", fresh(document).version)
    return client.post(f"{detail(document)}accept/", data, format="json")


def return_(client, document, **data):
    data.setdefault("version", fresh(document).version)
    return client.post(f"{detail(document)}return/", data, format="json")


def test_the_office_accepts_a_document(office_clerk, document):
    response = accept(token_api(office_clerk), document)

    assert response.status_code == 200, response.content
    saved = fresh(document)
    assert (saved.state, saved.reviewed_by, saved.version) == (
        IncomingState.ACCEPTED,
        office_clerk,
        2,
    )
    got = response.json()
    assert (got["state"], got["version"]) == ("accepted", 2)
    assert got["reviewed_by"] == {"id": office_clerk.pk, "full_name": office_clerk.full_name}
    assert got["reviewed_at"] is not None
    assert AuditEvent.objects.filter(
        action="documents.incoming_accepted", object_id=str(document.pk)
    ).exists()


def test_an_accept_sent_twice_is_409_and_changes_nothing(office_clerk, document):
    client = api(office_clerk)

    first = accept(client, document, version=1)
    second = accept(client, document, version=1)

    assert first.status_code == 200
    assert second.status_code == 409
    assert "waiting for its first review" in second.json()["detail"]
    assert fresh(document).version == 2
    assert AuditEvent.objects.filter(action="documents.incoming_accepted").count() == 1


def test_a_stale_accept_is_412(office_clerk, document):
    # Someone else saved it meanwhile (a note corrected, say): version 2.
    document.note = "原件已交档案室"
    document.save_versioned(actor=office_clerk, expected_version=1)

    response = accept(api(office_clerk), document, version=1)

    assert response.status_code == 412
    assert "Reload" in response.json()["detail"]
    assert fresh(document).state == IncomingState.REGISTERED


@pytest.mark.parametrize(
    "data",
    [{}, {"version": "one"}, {"version": 0}, {"version": 2**64}, {"version": None}],
)
def test_an_accept_without_a_good_version_is_400(office_clerk, document, data):
    response = api(office_clerk).post(f"{detail(document)}accept/", data, format="json")

    assert response.status_code == 400
    assert "version" in response.json()
    assert fresh(document).state == IncomingState.REGISTERED


# --- 初审: return (退文) ------------------------------------------------------------------------


def test_the_office_returns_a_document_with_its_reasons(office_clerk, document):
    response = return_(
        token_api(office_clerk),
        document,
        reasons=["other", "not_ours"],
        note="请改由市场监管局办理。",
    )

    assert response.status_code == 200, response.content
    saved = fresh(document)
    assert saved.state == IncomingState.RETURNED
    assert saved.return_reasons == ["not_ours", "other"]  # in the list's order
    assert (saved.return_note, saved.reviewed_by) == ("请改由市场监管局办理。", office_clerk)
    got = response.json()
    assert got["state"] == "returned"
    labels = dict(services_incoming.RETURN_REASONS)
    assert got["return_reasons"] == [
        {"key": "not_ours", "label": str(labels["not_ours"])},
        {"key": "other", "label": str(labels["other"])},
    ]
    assert got["return_note"] == "请改由市场监管局办理。"
    event = AuditEvent.objects.get(action="documents.incoming_returned")
    assert event.detail["reasons"] == ["not_ours", "other"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "reasons"),
        ({"reasons": []}, "reasons"),
        ({"reasons": ["other"]}, "note"),  # "other" says what
        ({"reasons": ["no-such-reason"]}, "reasons"),
        ({"reasons": "rules"}, "reasons"),
        ({"reasons": ["rules"] * 9}, "reasons"),
        ({"reasons": ["rules"], "note": "x" * 2001}, "note"),
        ({"reasons": ["rules"], "note": ["x"]}, "note"),
        ({"reasons": ["rules"], "version": "x"}, "version"),
    ],
)
def test_a_bad_return_is_400(office_clerk, document, data, field):
    response = return_(api(office_clerk), document, **data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert fresh(document).state == IncomingState.REGISTERED
    assert fresh(document).version == 1


def test_a_return_sent_twice_or_after_acceptance_is_409(office_clerk, document):
    client = api(office_clerk)
    other = register(office_clerk, source_number="乙2")
    accept(client, other)

    first = return_(client, document, reasons=["rules"], version=1)
    second = return_(client, document, reasons=["rules"], version=1)
    after_acceptance = return_(client, other, reasons=["rules"])

    assert first.status_code == 200
    assert (second.status_code, after_acceptance.status_code) == (409, 409)
    assert fresh(other).state == IncomingState.ACCEPTED
    assert AuditEvent.objects.filter(action="documents.incoming_returned").count() == 1


def test_a_stale_return_is_412(office_clerk, document):
    document.note = "原件已交档案室"
    document.save_versioned(actor=office_clerk, expected_version=1)

    response = return_(api(office_clerk), document, reasons=["rules"], version=1)

    assert response.status_code == 412
    assert fresh(document).state == IncomingState.REGISTERED


# --- No input makes a 500 (security.md E1), fuzzed as the office ---------------------------------


@pytest.fixture
def fuzz_clerk(db):
    """A clerk of a general office with a document of each state to act on."""
    unit = UnitFactory()
    clerk = UserFactory(unit=unit, username="fuzzclerk")
    MembershipFactory(user=clerk, department=DepartmentFactory(unit=unit, is_general_office=True))
    Organ.objects.create(unit=unit, name=SOURCE)
    register(clerk)
    services_incoming.review_accept(actor=clerk, document=register(clerk), expected_version=1)
    return clerk


@pytest.fixture
def incoming_schema(fuzz_clerk):
    # As tests/api/test_schemathesis.py: through the WSGI handler, keeping the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        schema.config.generation.update(deterministic=True)
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


fuzzed = schemathesis.pytest.from_fixture("incoming_schema").include(
    path_regex="^/api/incoming-documents/"
)


@pytest.mark.fuzz
@fuzzed.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors_for_the_office(case, fuzz_clerk):
    AuthToken.objects.filter(user=fuzz_clerk).delete()
    _instance, token = AuthToken.objects.create(fuzz_clerk)
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
