# ruff: noqa: F811  (pytest fixtures imported from the support modules)
"""Internal memos (签报) over the API: a draft written, submitted and decided (through the work
items like any route), the memo with its opinions in order; the audited 404 for whoever may not
see it, 409 not now, 412 stale, 400 bad input."""

import pytest

from tests.api.conftest import client_as as api
from tests.api.conftest import token_client_as as token_api
from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from tests.documents.incoming_support import leaders  # noqa: F401
from tests.documents.memo_support import draft, fresh, item_of, memo_org, submitted  # noqa: F401
from zhongshu.core.models import AuditEvent
from zhongshu.documents.models import Memo, MemoState

pytestmark = pytest.mark.django_db

LIST = "/api/memos/"
DATA = {"title": "关于购置执法记录仪的请示", "body": "拟购置20台。妥否，请批示。"}


def url(memo, verb: str = "") -> str:
    return f"{LIST}{memo.pk}/{verb}/" if verb else f"{LIST}{memo.pk}/"


def test_a_memo_written_submitted_and_decided_over_the_api(memo_org):
    people = memo_org
    client = token_api(people["drafter"])
    response = client.post(LIST, DATA, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    again = client.post(LIST, DATA, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json()["id"] == response.json()["id"] and Memo.objects.count() == 1
    memo = Memo.objects.get()
    body = response.json()
    assert body["state"] == "draft" and body["number"] == ""
    assert body["leader"]["id"] == people["deputy"].pk
    response = client.post(url(memo, "submit"), {"version": memo.version}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == MemoState.CHECKING
    assert response.json()["holders"][0]["id"] == people["head"].pk
    for person, opinion in (("head", "拟同意"), ("office_head", "请审批"), ("deputy", "同意")):
        item = item_of(people[person], fresh(memo))
        decided = api(people[person]).post(
            f"/api/work-items/{item.pk}/decide/",
            {"decision": "approve", "opinion": opinion},
            format="json",
        )
        assert decided.status_code == 200, decided.content
    detail = client.get(url(memo)).json()
    assert detail["state"] == "approved" and detail["decision"] == "同意"
    assert [o["opinion"] for o in detail["opinions"]] == ["拟同意", "请审批", "同意"]
    listed = client.get(LIST, {"state": "approved"}).json()
    assert [row["id"] for row in listed["results"]] == [memo.pk]


def test_bad_input_stale_and_not_now(memo_org):
    people = memo_org
    client = api(people["drafter"])
    response = client.post(LIST, {"title": "", "body": ""}, format="json")
    assert response.status_code == 400 and not Memo.objects.exists()
    response = client.post(LIST, {**DATA, "classification": 2}, format="json")
    assert response.status_code == 400  # no classified text on this system
    memo = draft(people)
    assert client.post(url(memo, "submit"), {"version": 99}, format="json").status_code == 412
    assert client.post(url(memo, "submit"), {}, format="json").status_code == 400
    other = api(people["head"])  # may not see a draft
    assert (
        other.post(url(memo, "submit"), {"version": memo.version}, format="json").status_code == 404
    )
    ok = client.post(url(memo, "submit"), {"version": memo.version}, format="json")
    assert ok.status_code == 200
    memo = fresh(memo)
    assert (
        client.post(url(memo, "submit"), {"version": memo.version}, format="json").status_code
        == 409
    )
    # The head now sees it but may not submit it.
    assert (
        other.post(url(memo, "submit"), {"version": memo.version}, format="json").status_code == 409
    )


def test_whoever_may_not_see_it_gets_the_audited_404_and_an_empty_list(memo_org):
    people = memo_org
    memo = submitted(people)
    client = api(people["colleague"])
    assert client.get(url(memo)).status_code == 404
    assert client.get(f"{LIST}abc/").status_code == 404
    assert client.get(LIST).json()["results"] == []
    assert AuditEvent.objects.filter(action="access.denied", actor=people["colleague"]).exists()
    assert api(people["office_head"]).get(url(memo)).status_code == 200


def test_the_list_pages_by_id(memo_org):
    people = memo_org
    memos = [submitted(people, title=f"关于第{i}事项的请示") for i in range(5)]
    client = api(people["drafter"])
    first = client.get(LIST, {"page_size": 2}).json()
    assert [r["id"] for r in first["results"]] == [memos[4].pk, memos[3].pk]
    second = client.get(LIST, {"page_size": 2, "after": first["next"]}).json()
    assert [r["id"] for r in second["results"]] == [memos[2].pk, memos[1].pk]
    assert client.get(LIST, {"page_size": 0}).status_code == 400


def test_a_document_drafted_over_the_api_carries_out_an_approved_memo(memo_org):
    from tests.documents.test_api_write import draft as document_data

    people = memo_org
    memo = submitted(people)
    client = api(people["drafter"])
    early = client.post("/api/documents/", document_data(memo=memo.pk), format="json")
    assert early.status_code == 400 and "memo" in early.json()
    for person in ("head", "office_head", "deputy"):
        item = item_of(people[person], fresh(memo))
        api(people[person]).post(
            f"/api/work-items/{item.pk}/decide/", {"decision": "approve"}, format="json"
        )
    response = client.post("/api/documents/", document_data(memo=memo.pk), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["memo"] == memo.pk and response.json()["answers"] is None
    unseen = api(people["colleague"]).post(
        "/api/documents/", document_data(memo=memo.pk), format="json"
    )
    assert unseen.status_code == 400 and "memo" in unseen.json()
