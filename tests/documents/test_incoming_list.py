# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""The list of incoming documents and its export (收文登记簿): who may use them, visibility by
clearance, each filter, keyset paging, the htmx table, deadlines, and a constant query count."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core.calendar import working_days_left
from zhongshu.core.models import AuditEvent, CalendarDay, CalendarDayKind, Classification
from zhongshu.documents import services_incoming
from zhongshu.documents.models import IncomingDocument
from zhongshu.search import services as search

pytestmark = pytest.mark.django_db

LIST = reverse("documents:incoming_list")
EXPORT = reverse("documents:incoming_export")
SHANGHAI = ZoneInfo("Asia/Shanghai")
THIS_YEAR = timezone.localdate().year
HEADERS = [
    "Receipt number",
    "Received at",
    "Sending organ",
    "Their document number",
    "Title",
    "Kind",
    "Classification",
    "Urgency",
    "Handling",
    "Deadline",
    "State",
    "Registered by",
]


def register(clerk, **fields) -> IncomingDocument:
    data = {
        "source_name": "省食品药品监督管理局",
        "source_number": "",
        "title": "关于开展食品安全专项检查的通知",
        "kind": "notice",
        **fields,
    }
    return services_incoming.register(actor=clerk, data=data)


def days_ago(days: int) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(days=days)).replace(microsecond=0)


def _numbers(response) -> list[str]:
    return [d.receipt_number for d in response.context["rows"]]


def _titles(response) -> list[str]:
    return [d.title for d in response.context["rows"]]


def _sheet(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def cleared_clerk(unit, office):
    """An office member cleared for 秘密 (below 机密, so no second factor)."""
    clerk = UserFactory(
        unit=unit, username="cleared", full_name="孙保密", clearance=Classification.SECRET
    )
    MembershipFactory(user=clerk, department=office)
    return clerk


@pytest.fixture
def secret(cleared_clerk):
    """A 秘密 document, registered by catalogue data only under a neutral title."""
    return register(
        cleared_clerk,
        title="关于某项工作的来文",
        classification=Classification.SECRET,
        title_is_neutral=True,
        source_number="省保发〔2026〕1号",
    )


# --- Who may use the list -------------------------------------------------------------------------


def test_the_office_sees_its_unit_incoming_documents_newest_first(client, login_as, office_clerk):
    first = register(office_clerk, source_number="省食药监发〔2026〕12号")
    second = register(
        office_clerk, title="关于下达预算资金的通知", source_name="市财政局", handling="reading"
    )
    other_clerk = UserFactory(unit=UnitFactory())
    MembershipFactory(
        user=other_clerk,
        department=DepartmentFactory(unit=other_clerk.unit, is_general_office=True),
    )
    register(other_clerk, title="另一单位的来文")
    login_as(office_clerk)

    response = client.get(LIST)

    assert response.status_code == 200
    assert [d.pk for d in response.context["rows"]] == [second.pk, first.pk]
    html = response.content.decode()
    assert second.receipt_number in html and first.receipt_number in html
    assert "省食药监发〔2026〕12号" in html and "市财政局" in html
    assert f'href="{reverse("documents:incoming_detail", args=[first.pk])}"' in html
    assert f'href="{reverse("documents:incoming_register")}"' in html
    assert "For information (阅件)" in html and "For action (办件)" in html
    assert "另一单位的来文" not in html
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("url", [LIST, EXPORT])
@pytest.mark.parametrize("who", ["drafter", "sysadmin"])
def test_people_outside_the_office_are_refused_403(
    request, client, login_as, office_clerk, org, url, who
):
    register(office_clerk)
    user = org["drafter"] if who == "drafter" else request.getfixturevalue(who)
    login_as(user)

    response = client.get(url)

    assert response.status_code == 403
    denied = AuditEvent.objects.get(action="access.denied", actor=user)
    assert denied.detail["path"] == url
    assert not AuditEvent.objects.filter(action="documents.incoming_exported").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("org:login"))


def test_a_document_above_the_clearance_is_neither_listed_nor_exported(
    client, login_as, office_clerk, cleared_clerk, secret
):
    public = register(office_clerk, title="公开的来文")
    login_as(office_clerk)

    listed = _titles(client.get(LIST))
    found = _titles(client.get(LIST, {"q": "某项工作"}))
    header, *rows = _sheet(client.get(EXPORT))

    assert listed == [public.title]
    assert found == []
    assert [row[4] for row in rows] == [public.title]


def test_a_neutral_title_of_a_classified_document_is_marked_as_such(
    client, login_as, cleared_clerk, secret
):
    login_as(cleared_clerk)

    response = client.get(LIST)

    html = response.content.decode()
    assert _titles(response) == ["关于某项工作的来文"]
    assert "Neutral title" in html
    assert '<span class="tag tag-red">Secret</span>' in html


# --- Filters -------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(office_clerk):
    """Five documents, oldest first, each singled out by one filter."""
    documents = {
        "old": register(
            office_clerk,
            title="关于做好冬季传染病防控工作的通知",
            source_name="省卫生健康委员会",
            source_number="省卫发〔2024〕8号",
            received_at=datetime.datetime(THIS_YEAR - 2, 6, 1, 10, tzinfo=SHANGHAI),
        ),
        "notice": register(
            office_clerk,
            source_number="省食药监发〔2026〕12号",
            summary="请于月底前报送冷链台账。",
        ),
        "reading": register(
            office_clerk,
            title="关于下达预算资金的通知",
            source_name="市财政局",
            source_number="市财发〔2026〕3号",
            handling="reading",
            classification=Classification.INTERNAL,
        ),
        "accepted": register(
            office_clerk,
            title="关于召开全市安全生产会议的通知",
            source_name="市人民政府办公室",
            source_number="市政办〔2026〕20号",
        ),
        "overdue": register(
            office_clerk,
            title="关于报送经费使用情况的函",
            kind="letter",
            source_name="市财政局",
            source_number="市财函〔2026〕5号",
            received_at=days_ago(20),
            deadline_days=1,
        ),
    }
    accepted = documents["accepted"]
    services_incoming.review_accept(
        actor=office_clerk, document=accepted, expected_version=accepted.version
    )
    return documents


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["overdue", "accepted", "reading", "notice", "old"]),
        ({"year": str(THIS_YEAR - 2)}, ["old"]),
        ({"source": "财政"}, ["overdue", "reading"]),
        ({"state": "accepted"}, ["accepted"]),
        ({"state": "registered", "handling": "action"}, ["overdue", "notice", "old"]),
        ({"handling": "reading"}, ["reading"]),
        ({"classification": "1"}, ["reading"]),
        ({"overdue": "on"}, ["overdue"]),
        ({"q": "传染病"}, ["old"]),  # title
        ({"q": "市财发〔2026〕3"}, ["reading"]),  # 来文字号
        ({"q": "市财政局"}, ["overdue", "reading"]),  # sending organ
        ({"q": "冷链台账"}, ["notice"]),  # the summary: only the index holds it
        ({"q": "不存在的词语"}, []),
        ({"state": "no-such-state"}, ["overdue", "accepted", "reading", "notice", "old"]),
        ({"state": "no-such-state", "handling": "reading"}, ["reading"]),  # the rest still apply
    ],
)
def test_filters(client, login_as, office_clerk, catalogue, params, expected):
    login_as(office_clerk)

    response = client.get(LIST, params)

    assert response.status_code == 200
    assert [d.pk for d in response.context["rows"]] == [catalogue[name].pk for name in expected]


def test_q_is_answered_by_the_search_index(client, login_as, office_clerk, catalogue, monkeypatch):
    asked = []
    real = search.matching_object_ids

    def spy(kind, query, **kwargs):
        asked.append((kind, query))
        return real(kind, query, **kwargs)

    monkeypatch.setattr(search, "matching_object_ids", spy)
    login_as(office_clerk)

    response = client.get(LIST, {"q": "预算资金"})

    assert asked == [(services_incoming.SEARCH_KIND, "预算资金")]
    assert _titles(response) == ["关于下达预算资金的通知"]


def test_a_folded_filter_in_use_opens_the_folded_part(client, login_as, office_clerk, catalogue):
    login_as(office_clerk)

    folded = client.get(LIST, {"state": "accepted"})
    unfolded = client.get(LIST, {"source": "财政"})

    assert folded.context["folded_open"] is False
    assert unfolded.context["folded_open"] is True
    assert '<details class="filter-more" open>' in unfolded.content.decode()
    assert '<option value="市财政局">' in unfolded.content.decode()  # the organs already used


def test_an_htmx_request_gets_the_table_alone(client, login_as, office_clerk, catalogue):
    login_as(office_clerk)

    response = client.get(LIST, {"handling": "reading"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="incoming-table">')
    assert "关于下达预算资金的通知" in html and "<form" not in html
    assert "关于召开全市安全生产会议的通知" not in html
    assert f'href="{EXPORT}?handling=reading"' in html  # the export follows the filters
    assert "HX-Request" in response["Vary"]


# --- Deadlines and flags -------------------------------------------------------------------------


def test_deadlines_show_working_days_left_and_overdue_only_while_open(
    client, login_as, office_clerk
):
    # A holiday inside every span, so the page's single calendar read is checked against the
    # calendar's own function.
    for back in range(1, 6):
        day = timezone.localdate() - datetime.timedelta(days=back)
        if day.weekday() < 5:
            CalendarDay.objects.create(date=day, kind=CalendarDayKind.HOLIDAY, name="假日")
            break
    late = register(office_clerk, title="逾期的来文", received_at=days_ago(20), deadline_days=2)
    ahead = register(office_clerk, title="未到期的来文", received_at=days_ago(1), deadline_days=30)
    returned = register(
        office_clerk, title="已退文的来文", received_at=days_ago(20), deadline_days=2
    )
    services_incoming.review_return(
        actor=office_clerk, document=returned, expected_version=returned.version, reasons=["rules"]
    )
    login_as(office_clerk)

    response = client.get(LIST)

    rows = {d.title: d for d in response.context["rows"]}
    assert rows["逾期的来文"].overdue is True
    assert rows["逾期的来文"].days_left == working_days_left(late.deadline) < 0
    assert rows["未到期的来文"].overdue is False
    assert rows["未到期的来文"].days_left == working_days_left(ahead.deadline) > 0
    assert (rows["已退文的来文"].overdue, rows["已退文的来文"].days_left) == (False, None)
    html = response.content.decode()
    n = -rows["逾期的来文"].days_left
    assert f"{n} working day{'s' if n > 1 else ''} late" in html
    assert f"{rows['未到期的来文'].days_left} working days left" in html
    assert html.count('<span class="tag tag-red">Overdue</span>') == 1


def test_a_second_registration_of_the_same_document_is_tagged_duplicate(
    client, login_as, office_clerk
):
    first = register(office_clerk, source_number="省食药监发〔2026〕12号")
    again = register(office_clerk, source_number="省食药监发〔2026〕12号")
    login_as(office_clerk)

    html = client.get(LIST).content.decode()

    assert again.duplicate_of_id == first.pk
    first_url = reverse("documents:incoming_detail", args=[first.pk])
    assert html.count(">Duplicate</a>") == 1
    assert f'href="{first_url}" title="The same document' in html


def test_urgency_and_classification_are_tagged(client, login_as, office_clerk):
    register(office_clerk, urgency=2, classification=Classification.INTERNAL)
    login_as(office_clerk)

    html = client.get(LIST).content.decode()

    assert '<span class="tag tag-red">Very urgent (特急)</span>' in html
    assert '<span class="tag tag-grey">Internal</span>' in html


def test_an_empty_list_says_what_to_do(client, login_as, office_clerk):
    login_as(office_clerk)

    html = client.get(LIST).content.decode()
    filtered = client.get(LIST, {"q": "没有的"}).content.decode()

    assert "No incoming documents yet" in html
    assert f'href="{reverse("documents:incoming_register")}">Register</a>' in html
    assert "No incoming document matches these filters." in filtered


# --- Paging and queries --------------------------------------------------------------------------


def test_keyset_paging_newest_first(client, login_as, office_clerk, monkeypatch):
    from zhongshu.documents import views_incoming_list

    monkeypatch.setattr(views_incoming_list, "PAGE_SIZE", 2)
    created = [register(office_clerk, title=f"第{i}份来文") for i in range(5)]
    login_as(office_clerk)

    first = client.get(LIST, {"handling": "action"})
    second = client.get(LIST + first.context["next_url"])
    third = client.get(LIST + second.context["next_url"])

    ids = [d.pk for d in created][::-1]
    assert [d.pk for d in first.context["rows"]] == ids[:2]
    assert [d.pk for d in second.context["rows"]] == ids[2:4]
    assert [d.pk for d in third.context["rows"]] == ids[4:]
    assert first.context["next_url"] == f"?handling=action&after={ids[1]}"
    assert third.context["next_url"] == ""
    assert first.context["first_url"] == ""
    assert second.context["first_url"] == "?handling=action"
    assert first.context["count"] == 5


def test_the_count_is_capped(client, login_as, office_clerk, monkeypatch):
    from zhongshu.documents import views_incoming_list

    monkeypatch.setattr(views_incoming_list, "COUNT_CAP", 3)
    for i in range(5):
        register(office_clerk, title=f"第{i}份来文")
    login_as(office_clerk)

    response = client.get(LIST)

    assert response.context["count_capped"] is True
    assert "More than 3 documents" in response.content.decode()
    assert len(response.context["rows"]) == 5


def _varied(clerk, count: int) -> None:
    """Documents with every mark the row can show: deadlines, duplicates, tags."""
    for i in range(count):
        register(
            clerk,
            title=f"第{i}份来文",
            source_number=f"甲〔2026〕{i // 2}号",  # every second one a duplicate
            classification=i % 2,
            urgency=i % 3,
            handling="reading" if i % 4 == 0 else "action",
            received_at=days_ago(i % 10),
            deadline_days=i % 7 if i % 5 else None,
        )


def test_the_list_takes_a_constant_number_of_queries(
    client, login_as, office_clerk, django_assert_max_num_queries, monkeypatch
):
    # Earlier tests may have moved the index's id sequence anywhere: the word search's walk is
    # made to reach every chunk, so PostgreSQL takes one path whatever it is (tests/search).
    monkeypatch.setattr(search, "WALK", 10**12)
    _varied(office_clerk, 5)
    login_as(office_clerk)
    client.get(LIST)  # warm the session
    # 16 on PostgreSQL: the filter bar's department choices are one query of their own.
    with django_assert_max_num_queries(16) as few:
        client.get(LIST, {"q": "来文"})
    _varied(office_clerk, 35)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"q": "来文"})

    assert len(response.context["rows"]) == 20
    assert any(d.duplicate_of_id for d in response.context["rows"])
    assert any(d.days_left is not None for d in response.context["rows"])


# --- Export (收文登记簿) ----------------------------------------------------------------------


def test_the_export_holds_the_register_of_the_filtered_list(
    client, login_as, office_clerk, catalogue
):
    login_as(office_clerk)

    response = client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = _sheet(response)
    assert header == HEADERS
    assert [row[0] for row in rows] == [
        catalogue[name].receipt_number for name in ("overdue", "accepted", "reading", "notice")
    ] + [catalogue["old"].receipt_number]
    overdue = catalogue["overdue"]
    local = timezone.localtime
    assert rows[0] == [
        overdue.receipt_number,
        local(overdue.received_at).replace(tzinfo=None),
        "市财政局",
        "市财函〔2026〕5号",
        "关于报送经费使用情况的函",
        "Letter (函)",
        "Public",
        None,
        "For action (办件)",
        local(overdue.deadline).replace(tzinfo=None),
        "Registered, to review (待初审)",
        "赵文书",
    ]
    assert rows[1][10] == "Reviewed, to send on (待分办)"
    assert rows[2][6] == "Internal"
    assert rows[2][8] == "For information (阅件)"
    event = AuditEvent.objects.get(action="documents.incoming_exported")
    assert event.detail == {"filters": {}, "rows": 5}
    assert event.actor == office_clerk


def test_the_export_follows_the_filters(client, login_as, office_clerk, catalogue):
    login_as(office_clerk)

    by_source = _sheet(client.get(EXPORT, {"source": "财政", "handling": "reading"}))
    by_year = _sheet(client.get(EXPORT, {"year": str(THIS_YEAR - 2)}))
    overdue = _sheet(client.get(EXPORT, {"overdue": "on"}))

    assert [row[4] for row in by_source[1:]] == ["关于下达预算资金的通知"]
    assert [row[4] for row in by_year[1:]] == ["关于做好冬季传染病防控工作的通知"]
    assert [row[4] for row in overdue[1:]] == ["关于报送经费使用情况的函"]
    details = [e.detail for e in AuditEvent.objects.filter(action="documents.incoming_exported")]
    assert {"filters": {"source": "财政", "handling": "reading"}, "rows": 1} in details


def test_exported_cells_cannot_run_as_formulas(client, login_as, office_clerk):
    register(office_clerk, title='=HYPERLINK("http://x")的通知', source_name="@市财政局")
    login_as(office_clerk)

    header, *rows = _sheet(client.get(EXPORT))

    assert rows[0][4] == '\'=HYPERLINK("http://x")的通知'
    assert rows[0][2] == "'@市财政局"


def test_a_capped_export_says_so(client, login_as, office_clerk, monkeypatch):
    from zhongshu.documents import views_incoming_list

    monkeypatch.setattr(views_incoming_list, "EXPORT_CAP", 2)
    created = [register(office_clerk, title=f"第{i}份来文") for i in range(3)]
    login_as(office_clerk)

    header, *rows = _sheet(client.get(EXPORT))

    assert [row[0] for row in rows[:2]] == [created[2].receipt_number, created[1].receipt_number]
    assert rows[2][0].startswith("Only the newest 2 documents are listed here")
    event = AuditEvent.objects.get(action="documents.incoming_exported")
    assert event.detail == {"filters": {}, "rows": 2, "capped": True}


def test_the_export_audits_each_classified_document(
    client, login_as, office_clerk, cleared_clerk, secret
):
    register(office_clerk, title="内部来文", classification=Classification.INTERNAL)
    login_as(cleared_clerk)

    header, *rows = _sheet(client.get(EXPORT))

    assert [row[4] for row in rows] == ["内部来文", "关于某项工作的来文 (neutral title)"]
    assert rows[1][6] == "Secret"
    reads = AuditEvent.objects.filter(action="documents.read")
    assert [(e.object_type, e.object_id, e.detail) for e in reads] == [
        ("documents.incomingdocument", str(secret.pk), {"page": "incoming_export"})
    ]
    assert reads[0].classification == Classification.SECRET
