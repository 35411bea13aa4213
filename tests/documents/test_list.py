# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""The list of outgoing documents: visibility, filters, keyset paging, constant queries, export."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.documents.drafting_support import (  # noqa: F401  (fixtures)
    make_document,
    office_clerk,
    org,
    route,
)
from tests.documents.factories import NumberSeriesFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import numbering, services
from zhongshu.documents.models import OutgoingDocument, State

LIST = reverse("documents:list")
EXPORT = reverse("documents:export")


def _titles(response) -> list[str]:
    return [d.title for d in response.context["rows"]]


def _submit(org, document):
    services.submit(actor=org["drafter"], document=document, expected_version=document.version)
    document.refresh_from_db()
    return document


# --- Visibility ----------------------------------------------------------------------------------


def test_each_user_sees_only_the_documents_they_may(
    client, login_as, org, route, office_clerk, settings
):
    settings.CLASSIFIED_NETWORK = True
    draft = make_document(org, title="起草中的通知")
    submitted = _submit(org, make_document(org, title="已提交的请示", kind="request"))
    secret = make_document(
        org, title="秘密文件", classification=Classification.SECRET, secrecy_period="1年"
    )
    office_clerk.clearance = Classification.SECRET
    office_clerk.save()

    seen = {}
    for who, user in [
        ("drafter", org["drafter"]),
        ("head", org["head"]),
        ("colleague", org["colleague"]),
        ("office", office_clerk),
    ]:
        login_as(user)
        seen[who] = set(_titles(client.get(LIST)))

    # The drafter's clearance (内部) is below 秘密, so even their own secret draft is not listed.
    assert seen["drafter"] == {draft.title, submitted.title}
    assert seen["head"] == {submitted.title}
    assert seen["colleague"] == set()
    assert seen["office"] == {draft.title, submitted.title, secret.title}


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_the_three_administrators_are_refused_the_list_and_export(
    request, client, login_as, org, who
):
    make_document(org)
    login_as(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


# --- Filters -------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(org, office_clerk, unit):
    series = NumberSeriesFactory(owner=office_clerk.memberships.first().department, unit=unit)
    documents = {
        "notice": make_document(org, title="关于开展抽检的通知", kind="notice"),
        "request": make_document(org, title="关于申请经费的请示", kind="request"),
        "numbered": make_document(
            org,
            title="关于表彰先进的通报",
            kind="circular",
            state=State.REGISTERED,
            series=series,
            doc_number="市食药监发〔2025〕7号",
            number_year=2025,
            number_sequence=7,
        ),
        "internal": make_document(
            org,
            title="内部工作安排的通知",
            classification=Classification.INTERNAL,
            department=org["finance"],
        ),
    }
    documents["series"] = series
    return documents


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "经费"}, ["request"]),
        ({"q": "〔2025〕7"}, ["numbered"]),
        ({"kind": "notice"}, ["internal", "notice"]),
        ({"state": "registered"}, ["numbered"]),
        ({"classification": "1"}, ["internal"]),
        ({"year": "2025"}, ["numbered"]),
        ({"state": "draft", "kind": "request"}, ["request"]),
        ({"kind": "no-such-kind"}, ["internal", "numbered", "request", "notice"]),
    ],
)
def test_filters(client, login_as, office_clerk, catalogue, params, expected):
    login_as(office_clerk)

    response = client.get(LIST, params)

    assert response.status_code == 200
    assert _titles(response) == [catalogue[name].title for name in expected]


def test_the_department_series_and_this_year_filters(
    client, login_as, office_clerk, catalogue, org
):
    login_as(office_clerk)
    year = str(timezone.localdate().year)

    by_department = _titles(client.get(LIST, {"department": org["finance"].pk}))
    by_series = _titles(client.get(LIST, {"series": catalogue["series"].pk}))
    this_year = _titles(client.get(LIST, {"year": year}))

    assert by_department == ["内部工作安排的通知"]
    assert by_series == ["关于表彰先进的通报"]
    assert "关于表彰先进的通报" not in this_year and len(this_year) == 3


def test_a_document_drafted_one_year_and_numbered_the_next_is_filed_under_the_number(
    client, login_as, office_clerk, org, unit
):
    series = NumberSeriesFactory(owner=office_clerk.memberships.first().department, unit=unit)
    document = make_document(org, title="跨年的通知", state=State.CHECKED)
    OutgoingDocument.objects.filter(pk=document.pk).update(
        created_at=timezone.now().replace(year=2025, month=12, day=30)
    )
    document.refresh_from_db()
    document.save()
    assert document.year == 2025
    login_as(office_clerk)

    issued = numbering.allocate(actor=office_clerk, document=document, series=series)
    document.refresh_from_db()
    numbered_under = (document.number_year, document.year)
    in_2025 = _titles(client.get(LIST, {"year": "2025"}))
    numbering.void(actor=office_clerk, issued=issued, reason="编号有误")
    document.refresh_from_db()

    assert numbered_under == (timezone.localdate().year,) * 2
    assert "跨年的通知" not in in_2025
    assert document.year == 2025  # back under the year it was drafted


def test_q_finds_words_of_the_body_through_the_search_index(client, login_as, office_clerk, org):
    make_document(
        org,
        title="关于开展抽检的通知",
        body=[{"level": 0, "text": "请各单位于月底前报送冷链台账。"}],
    )
    make_document(org, title="关于申请经费的请示")
    login_as(office_clerk)

    in_body = _titles(client.get(LIST, {"q": "冷链台账"}))
    absent = _titles(client.get(LIST, {"q": "不存在的词语"}))

    assert in_body == ["关于开展抽检的通知"]
    assert absent == []


def test_q_of_a_word_beyond_the_count_cap_is_looked_up_wider_in_the_index(
    client, login_as, office_clerk, org, monkeypatch
):
    from zhongshu.documents import selectors, views_drafting

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 2)  # the first look
    monkeypatch.setattr(views_drafting, "COUNT_CAP", 2)  # the count
    for i in range(4):
        make_document(org, title=f"第{i}号通知", body=[{"level": 0, "text": "常见的词"}])
    make_document(org, title="常见的词在标题里")
    make_document(org, title="无关的通知")
    login_as(office_clerk)

    response = client.get(LIST, {"q": "常见"})

    # Bodies too, newest first; the ids reach the database as one array, not 5 placeholders.
    newest_first = ["常见的词在标题里", "第3号通知", "第2号通知", "第1号通知", "第0号通知"]
    assert _titles(response) == newest_first
    assert response.context["count_capped"]  # more than the (patched) cap of 2


def test_q_of_a_word_matching_more_than_the_index_returns_falls_back_to_titles(
    client, login_as, office_clerk, org, monkeypatch
):
    from zhongshu.documents import selectors

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 2)  # what the index is asked for at most
    monkeypatch.setattr(selectors, "LIST_WIDE_CAP", 3)
    for i in range(4):
        make_document(org, title=f"第{i}号通知", body=[{"level": 0, "text": "常见的词"}])
    make_document(org, title="常见的词在标题里")
    login_as(office_clerk)

    titles = _titles(client.get(LIST, {"q": "常见"}))
    one_character = _titles(client.get(LIST, {"q": "见"}))

    assert titles == ["常见的词在标题里"]  # titles and 文号 only, newest first
    assert one_character == ["常见的词在标题里"]


def test_q_never_reaches_documents_the_user_may_not_see(client, login_as, org, office_clerk):
    make_document(org, title="财务科的通知", department=org["finance"], drafter=office_clerk)
    login_as(org["drafter"])

    assert _titles(client.get(LIST, {"q": "财务科"})) == []


def test_an_htmx_request_gets_the_table_alone(client, login_as, office_clerk, catalogue):
    login_as(office_clerk)

    response = client.get(LIST, {"kind": "request"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="documents-table">')
    assert "关于申请经费的请示" in html and "<form" not in html


# --- Paging and queries --------------------------------------------------------------------------


def test_keyset_paging_newest_first(client, login_as, org):
    created = [make_document(org, title=f"第{i}号通知") for i in range(45)]
    login_as(org["drafter"])

    first = client.get(LIST)
    second = client.get(LIST + first.context["next_url"])
    third = client.get(LIST + second.context["next_url"])

    ids = [d.pk for d in created][::-1]
    assert [d.pk for d in first.context["rows"]] == ids[:20]
    assert [d.pk for d in second.context["rows"]] == ids[20:40]
    assert [d.pk for d in third.context["rows"]] == ids[40:]
    assert third.context["next_url"] == ""
    assert first.context["count"] == 45
    assert second.context["first_url"] == "?"


def test_the_count_is_capped(client, login_as, org, monkeypatch):
    from zhongshu.documents import views_drafting

    monkeypatch.setattr(views_drafting, "COUNT_CAP", 3)
    for i in range(5):
        make_document(org, title=f"第{i}号通知")
    login_as(org["drafter"])

    response = client.get(LIST)

    assert response.context["count_capped"] is True
    assert "More than 3 documents" in response.content.decode()


def test_the_list_takes_a_constant_number_of_queries(
    client, login_as, org, route, office_clerk, django_assert_max_num_queries
):
    for i in range(2):
        _submit(org, make_document(org, title=f"请示{i}", kind="request"))
    login_as(office_clerk)
    client.get(LIST)  # warm the session and caches
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for i in range(25):
        _submit(org, make_document(org, title=f"更多请示{i}", kind="request"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)

    assert len(response.context["rows"]) == 20


def test_each_row_shows_where_the_document_is_now(client, login_as, org, route, office_clerk):
    _submit(org, make_document(org, title="在核稿的请示", kind="request"))
    make_document(org, title="已登记的通知", state=State.REGISTERED)
    login_as(office_clerk)

    response = client.get(LIST)

    rows = {d.title: d for d in response.context["rows"]}
    assert rows["在核稿的请示"].run.current_step_name == "核稿"
    assert [h.assignee.full_name for h in rows["在核稿的请示"].holders] == ["周科长"]
    assert rows["已登记的通知"].run is None
    html = response.content.decode()
    assert "核稿" in html and "周科长" in html and "Registered, awaiting printing" in html


def test_an_empty_list_says_what_to_do(client, login_as, org):
    login_as(org["drafter"])

    response = client.get(LIST)

    assert "No outgoing documents yet" in response.content.decode()


# --- Export --------------------------------------------------------------------------------------


def _sheet(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_the_export_holds_the_filtered_visible_list(
    client, login_as, org, route, office_clerk, catalogue
):
    _submit(org, catalogue["request"])
    login_as(office_clerk)

    response = client.get(EXPORT, {"kind": "request"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = _sheet(response)
    assert header[:3] == ["Document number", "Title", "Kind"]
    assert len(rows) == 1
    row = rows[0]
    assert row[1] == "关于申请经费的请示"
    assert row[2] == "Request (请示)"
    assert row[7] == "In review"
    assert row[8] == "核稿（周科长）"
    event = AuditEvent.objects.get(action="documents.exported")
    assert event.detail == {"filters": {"kind": "request"}, "rows": 1}


def test_the_export_never_holds_what_the_user_may_not_see(client, login_as, org, catalogue):
    login_as(org["colleague"])

    header, *rows = _sheet(client.get(EXPORT))

    assert rows == []


def test_exported_cells_cannot_run_as_formulas(client, login_as, org):
    make_document(org, title='=HYPERLINK("http://x")的通知')
    login_as(org["drafter"])

    header, *rows = _sheet(client.get(EXPORT))

    assert rows[0][1].startswith("'=")


def test_the_export_audits_each_classified_document(client, login_as, org, office_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    office_clerk.clearance = Classification.SECRET
    office_clerk.save()
    secret = make_document(org, classification=Classification.SECRET, secrecy_period="1年")
    make_document(org)
    login_as(office_clerk)

    client.get(EXPORT)

    reads = AuditEvent.objects.filter(action="documents.read")
    assert [(e.object_id, e.detail["page"]) for e in reads] == [(str(secret.pk), "export")]
    assert OutgoingDocument.objects.count() == 2
