# ruff: noqa: F811  (pytest fixtures imported from the support modules)
"""The pages of internal memos (签报; issue 5 item 10): drafting, submitting, each holder's
decision on the memo's page, who decides (the office at 审核, the leader at 批办), the list, its
export and the 签报处理单 — with the audited 404 for whoever may not see a memo, everywhere."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from tests.documents.incoming_support import leaders  # noqa: F401
from tests.documents.memo_support import (  # noqa: F401
    decide,
    draft,
    fresh,
    item_of,
    memo_org,
    submitted,
)
from zhongshu.core.models import AuditEvent
from zhongshu.documents.models import Memo, MemoState

pytestmark = pytest.mark.django_db

LIST = reverse("documents:memo_list")
NEW = reverse("documents:memo_new")


def url(name, memo) -> str:
    return reverse(f"documents:memo_{name}", args=[memo.pk])


def form(**overrides) -> dict:
    return {
        "title": "关于购置执法记录仪的请示",
        "body": "现有执法记录仪老化，拟购置20台，约6万元。",
        "classification": "0",
        "urgency": "0",
        "idempotency_key": "key-1",
        **overrides,
    }


def test_the_whole_way_through_the_pages(client, memo_org):
    people = memo_org
    client.force_login(people["drafter"])
    response = client.post(NEW, form())
    memo = Memo.objects.get()
    assert response.status_code == 302 and response.url == url("detail", memo)
    page = client.get(url("detail", memo)).content.decode()
    assert url("submit", memo) in page and url("edit", memo) in page
    response = client.post(url("submit", memo), {"version": memo.version})
    assert response.status_code == 302
    memo = fresh(memo)
    assert memo.state == MemoState.CHECKING and memo.number
    # The head decides on the memo's page.
    client.force_login(people["head"])
    page = client.get(url("detail", memo)).content.decode()
    item = item_of(people["head"], memo)
    assert reverse("workflow:decide", args=[item.pk]) in page
    assert url("route", memo) not in page  # the head does not choose who decides
    client.post(
        reverse("workflow:decide", args=[item.pk]),
        {"decision": "approve", "opinion": "拟同意", "idempotency_key": "h1"},
    )
    # The office at 审核 names the leader and asks for the principal too.
    client.force_login(people["office_head"])
    page = client.get(url("detail", memo)).content.decode()
    assert url("route", memo) in page and 'name="leader"' in page
    memo = fresh(memo)
    response = client.post(
        url("route", memo),
        {"version": memo.version, "leader": people["deputy2"].pk, "needs_principal": "on"},
    )
    assert response.status_code == 302
    memo = fresh(memo)
    assert memo.leader == people["deputy2"] and memo.needs_principal
    memo = decide(people["office_head"], memo, opinion="请孙副局长、陈局长审定")
    # The leader at 批办 may send it to the principal but not name another leader.
    client.force_login(people["deputy2"])
    page = client.get(url("detail", memo)).content.decode()
    assert url("route", memo) in page and 'name="leader"' not in page
    memo = decide(people["deputy2"], memo, opinion="拟同意")
    memo = decide(people["principal"], memo, opinion="同意")
    assert memo.state == MemoState.APPROVED
    # Back with the drafter: the decision, the sheet, a document drafted from it.
    client.force_login(people["drafter"])
    page = client.get(url("detail", memo)).content.decode()
    assert "同意" in page and f"{reverse('documents:create')}?memo={memo.pk}" in page
    sheet = client.get(url("sheet", memo)).content.decode()
    for words in ("拟同意", "请孙副局长、陈局长审定", memo.number, memo.title):
        assert words in sheet
    new = client.get(f"{reverse('documents:create')}?memo={memo.pk}").content.decode()
    assert "关于购置执法记录仪的通知" in new and f'name="memo" value="{memo.pk}"' in new


def test_bad_input_is_answered_400_and_nothing_is_saved(client, memo_org):
    client.force_login(memo_org["drafter"])
    response = client.post(NEW, form(title="", body=""))
    assert response.status_code == 400
    assert "Give the title." in response.content.decode()
    assert not Memo.objects.exists()
    response = client.post(NEW, form(classification="9"))
    assert response.status_code == 400 and not Memo.objects.exists()


def test_the_same_form_sent_twice_saves_one_memo(client, memo_org):
    client.force_login(memo_org["drafter"])
    client.post(NEW, form())
    client.post(NEW, form())
    assert Memo.objects.count() == 1


def test_a_stale_edit_answers_412_and_a_second_submit_409(client, memo_org):
    people = memo_org
    memo = draft(people)
    client.force_login(people["drafter"])
    response = client.post(url("edit", memo), form(version=memo.version + 5))
    assert response.status_code == 412
    response = client.post(url("edit", memo), form(version=memo.version, title="新的标题"))
    assert response.status_code == 302 and fresh(memo).title == "新的标题"
    memo = fresh(memo)
    assert client.post(url("submit", memo), {"version": memo.version}).status_code == 302
    memo = fresh(memo)
    assert client.post(url("submit", memo), {"version": memo.version}).status_code == 409
    # On its way, the drafter may no longer edit it.
    assert client.get(url("edit", memo)).status_code == 403


def test_whoever_may_not_see_a_memo_gets_the_audited_404_everywhere(client, memo_org):
    people = memo_org
    memo = submitted(people)
    client.force_login(people["colleague"])
    for name in ("detail", "edit", "submit", "route", "delete", "sheet"):
        method = client.get if name in ("detail", "edit", "sheet") else client.post
        assert method(url(name, memo)).status_code == 404, name
    assert AuditEvent.objects.filter(action="access.denied", actor=people["colleague"]).exists()
    # Nor in the list, the export, the search or the attachments.
    assert memo.title not in client.get(LIST).content.decode()
    export = client.get(reverse("documents:memo_export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]] == []
    assert memo.title not in client.get(reverse("core:search"), {"q": "执法"}).content.decode()
    panel = reverse("core:attachment_panel", args=["documents.memo", memo.pk])
    assert client.get(panel).status_code == 404
    # A draft is its drafter's alone, the office's too.
    spare = draft(people, title="关于草稿的请示")
    client.force_login(people["office_head"])
    assert client.get(url("detail", spare)).status_code == 404
    assert client.get(url("detail", memo)).status_code == 200


def test_who_may_see_it_but_not_act_gets_403(client, memo_org):
    people = memo_org
    memo = submitted(people)
    client.force_login(people["office_head"])  # sees it (the office), holds nothing yet
    assert client.post(url("route", memo), {"version": memo.version}).status_code == 403
    assert client.get(url("edit", memo)).status_code == 403
    response = client.post(url("delete", memo), {"version": memo.version})
    assert response.status_code == 409 and fresh(memo).deleted_at is None


def test_the_drafter_deletes_a_draft(client, memo_org):
    people = memo_org
    memo = draft(people)
    client.force_login(people["drafter"])
    response = client.post(url("delete", memo), {"version": memo.version})
    assert response.status_code == 302 and fresh(memo).deleted_at is not None


def test_the_list_filters_exports_and_takes_a_constant_number_of_queries(
    client, memo_org, django_assert_max_num_queries
):
    people = memo_org
    submitted(people, title="关于购置执法记录仪的请示")
    for i in range(2):
        submitted(people, title=f"关于第{i}项工作的请示")
    client.force_login(people["office_head"])
    client.get(LIST)
    with django_assert_max_num_queries(16) as few:
        client.get(LIST)
    for i in range(25):
        submitted(people, title=f"关于另一项工作{i}的请示")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 20 and response.context["next_url"]
    assert all(m.holders for m in response.context["rows"])
    # Filters
    mine = client.get(LIST, {"mine": "on"}).context["rows"]
    assert mine == []
    decided = client.get(LIST, {"state": "approved"}).context["rows"]
    assert decided == []
    response = client.get(LIST, {"q": "记录仪"})
    assert [m.title for m in response.context["rows"]] == ["关于购置执法记录仪的请示"]
    # The export, with the filters
    export = client.get(reverse("documents:memo_export"), {"open": "on"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 28
    assert AuditEvent.objects.filter(action="documents.memo_exported").exists()


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_pages_render_in_each_language(client, memo_org, language):
    people = memo_org
    memo = decide(people["head"], submitted(people))
    people["office_head"].language = language
    people["office_head"].save()
    client.force_login(people["office_head"])
    for page in (LIST, NEW, url("detail", memo), url("sheet", memo)):
        response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, page
