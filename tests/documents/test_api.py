# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""Reading outgoing documents over the API: the list, a document, its PDF and DOCX (issue 4
item 13): the same visibility as the pages, audited reads, constant queries."""

import io

import docx
import pytest
from django.core.management import call_command

from tests.api.conftest import client_as as api
from tests.api.conftest import token_client_as as token_api
from tests.documents.drafting_support import (  # noqa: F401  (fixtures)
    make_document,
    office_clerk,
    org,
    route,
)
from tests.documents.factories import OutgoingDocumentFactory
from tests.factories import DepartmentFactory, MembershipFactory, UnitFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services
from zhongshu.documents.models import State

pytestmark = pytest.mark.django_db

LIST = "/api/documents/"


def _submit(org, document):
    services.submit(actor=org["drafter"], document=document, expected_version=document.version)
    document.refresh_from_db()
    return document


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


# --- The list -----------------------------------------------------------------------------------


def test_each_caller_lists_only_the_documents_they_may_see(org, route, office_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    draft = make_document(org, title="起草中的通知")
    submitted = _submit(org, make_document(org, title="已提交的请示", kind="request"))
    secret = make_document(
        org, title="秘密文件", classification=Classification.SECRET, secrecy_period="1年"
    )
    office_clerk.clearance = Classification.SECRET
    office_clerk.save()
    elsewhere = UserFactory(unit=UnitFactory(), username="elsewhere")
    OutgoingDocumentFactory(drafter=elsewhere, title="外单位的通知")

    seen = {
        who: _titles(token_api(user).get(LIST))
        for who, user in [
            ("drafter", org["drafter"]),
            ("head", org["head"]),
            ("colleague", org["colleague"]),
            ("office", office_clerk),
        ]
    }

    # The drafter (内部) does not see even their own secret draft.
    assert seen["drafter"] == {draft.title, submitted.title}
    assert seen["head"] == {submitted.title}
    assert seen["colleague"] == set()
    assert seen["office"] == {draft.title, submitted.title, secret.title}


def test_a_row_says_where_the_document_is_now(org, route):
    document = _submit(org, make_document(org, title="已提交的请示", kind="request"))

    [row] = api(org["drafter"]).get(LIST).json()["results"]

    assert (row["id"], row["state"], row["kind"]) == (document.pk, "review", "request")
    assert row["department"] == {"id": org["business"].pk, "name": "食品生产监管科"}
    assert row["drafter"] == {"id": org["drafter"].pk, "full_name": "黄晓明"}
    assert row["where"]["step"] == "核稿"
    assert row["where"]["holders"] == [{"id": org["head"].pk, "full_name": "周科长"}]
    assert "body" not in row  # the list never carries the text


@pytest.fixture
def catalogue(org, office_clerk):
    return {
        "notice": make_document(org, title="关于开展抽检的通知", kind="notice"),
        "request": make_document(org, title="关于申请经费的请示", kind="request"),
        "numbered": make_document(
            org,
            title="关于表彰先进的通报",
            kind="circular",
            state=State.REGISTERED,
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


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "经费"}, {"request"}),
        ({"q": "〔2025〕7"}, {"numbered"}),
        ({"kind": "notice"}, {"internal", "notice"}),
        ({"state": "registered"}, {"numbered"}),
        ({"classification": "1"}, {"internal"}),
        ({"year": "2025"}, {"numbered"}),
        ({"state": "draft", "kind": "request"}, {"request"}),
        ({}, {"internal", "numbered", "request", "notice"}),
    ],
)
def test_filters(catalogue, office_clerk, params, expected):
    response = api(office_clerk).get(LIST, params)

    assert _titles(response) == {catalogue[name].title for name in expected}


def test_the_department_filter(catalogue, org, office_clerk):
    response = api(office_clerk).get(LIST, {"department": org["finance"].pk})

    assert _titles(response) == {catalogue["internal"].title}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "no-such-kind"}, "kind"),
        ({"state": "lost"}, "state"),
        ({"classification": "9"}, "classification"),
        ({"year": "二〇二五"}, "year"),
        ({"department": str(2**64)}, "department"),
        ({"after": "-1"}, "after"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_a_bad_filter_is_400_with_the_field(org, office_clerk, params, field):
    response = api(office_clerk).get(LIST, params)

    assert response.status_code == 400
    assert field in response.json()


def test_keyset_paging_newest_first(org):
    documents = [make_document(org, title=f"第{n}号通知") for n in range(5)]
    client = api(org["drafter"])

    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(LIST, {"page_size": 2, "after": first["next"]}).json()
    third = client.get(LIST, {"page_size": 2, "after": second["next"]}).json()

    ids = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert ids == sorted((d.pk for d in documents), reverse=True)
    assert first["next"] == ids[1]
    assert third["next"] is None


def test_the_list_takes_a_constant_number_of_queries(
    org, route, office_clerk, django_assert_max_num_queries
):
    def listed() -> int:
        response = api(office_clerk).get(LIST, {"page_size": 100})
        assert response.status_code == 200
        return len(response.json()["results"])

    make_document(org)
    _submit(org, make_document(org, kind="request"))
    with django_assert_max_num_queries(6):
        assert listed() == 2
    for n in range(8):
        make_document(org)
        _submit(org, make_document(org, kind="request", title=f"请示{n}"))
    office_clerk = type(office_clerk).objects.get(pk=office_clerk.pk)  # no cached role

    with django_assert_max_num_queries(6):
        assert listed() == 18


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_the_three_administrators_are_refused(request, org, who):
    document = make_document(org)
    client = api(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{document.pk}/").status_code == 403
    assert client.get(f"{LIST}{document.pk}/pdf/").status_code == 403


# --- One document ---------------------------------------------------------------------------------


def test_the_detail_has_the_text_the_state_and_where_it_is(org, route):
    document = _submit(org, make_document(org, title="已提交的请示", kind="request"))

    response = token_api(org["drafter"]).get(f"{LIST}{document.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["title"], data["state"]) == (document.pk, "已提交的请示", "review")
    assert data["body"] == document.body
    assert data["main_recipients"] == [{"name": "各街道办事处", "department": None, "organ": None}]
    assert (data["version"], data["text_version"]) == (document.version, 1)
    assert (data["doc_number"], data["signed_by"], data["issued_on"]) == ("", None, None)
    assert data["where"]["step"] == "核稿"
    assert data["where"]["holders"] == [{"id": org["head"].pk, "full_name": "周科长"}]
    assert set(data["findings"]) == {"errors", "warnings"}
    assert data["open_items"] == []  # the drafter holds no step
    assert (data["can_edit"], data["can_submit"]) == (False, False)
    assert not AuditEvent.objects.filter(action="documents.read").exists()


def test_the_holder_finds_their_item_and_decides_it_through_the_work_items_api(org, route):
    document = _submit(org, make_document(org, title="已提交的请示", kind="request"))
    head = api(org["head"])

    [item] = head.get(f"{LIST}{document.pk}/").json()["open_items"]
    decided = head.post(
        f"/api/work-items/{item['id']}/decide/", {"decision": "approve"}, format="json"
    )

    assert item["step_name"] == "核稿"
    assert decided.status_code == 200, decided.content
    after = api(org["principal"]).get(f"{LIST}{document.pk}/").json()
    assert after["where"]["step"] == "签发"
    assert [i["step_name"] for i in after["open_items"]] == ["签发"]
    assert head.get(f"{LIST}{document.pk}/").json()["open_items"] == []


def test_a_signer_of_a_settled_document_does_not_see_a_stale_item(org):
    document = make_document(org, state=State.FILED, doc_number="市食药监发〔2025〕1号")

    data = api(org["drafter"]).get(f"{LIST}{document.pk}/").json()

    assert (data["state"], data["doc_number"], data["where"], data["open_items"]) == (
        "filed",
        "市食药监发〔2025〕1号",
        None,
        [],
    )


@pytest.mark.parametrize("pk", ["0", "999999", "abc", "²", "1" * 40])
def test_no_such_document_is_404(org, pk):
    make_document(org)

    assert api(org["drafter"]).get(f"{LIST}{pk}/").status_code == 404


def test_who_may_not_see_it_gets_an_audited_404(org, office_clerk, settings):
    settings.CLASSIFIED_NETWORK = True
    draft = make_document(org)
    cleared = UserFactory(unit=org["business"].unit, clearance=Classification.SECRET)
    MembershipFactory(user=cleared, department=org["business"])
    secret = make_document(
        org,
        drafter=cleared,
        classification=Classification.SECRET,
        secrecy_period="1年",
    )
    elsewhere = UserFactory(unit=UnitFactory())
    MembershipFactory(user=elsewhere, department=DepartmentFactory(unit=elsewhere.unit))

    refusals = [
        (org["colleague"], draft),  # same department, not involved
        (elsewhere, draft),  # another unit
        (office_clerk, secret),  # the office sees its unit's documents, up to its clearance
    ]
    for user, document in refusals:
        for suffix in ("", "pdf/", "docx/"):
            assert api(user).get(f"{LIST}{document.pk}/{suffix}").status_code == 404

    denials = AuditEvent.objects.filter(action="access.denied")
    assert denials.count() == 9
    assert {e.object_id for e in denials} == {str(draft.pk), str(secret.pk)}
    assert not AuditEvent.objects.filter(action="documents.read").exists()


def test_reading_a_classified_document_is_audited(org, settings):
    settings.CLASSIFIED_NETWORK = True
    org["drafter"].clearance = Classification.SECRET
    org["drafter"].save()
    document = make_document(
        org, classification=Classification.SECRET, secrecy_period="1年", title="秘密通知"
    )

    response = api(org["drafter"]).get(f"{LIST}{document.pk}/")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="documents.read")
    assert (event.object_id, event.classification, event.actor_id) == (
        str(document.pk),
        Classification.SECRET,
        org["drafter"].pk,
    )
    assert event.detail == {"page": "detail", "via": "api"}


# --- Downloads ------------------------------------------------------------------------------------


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_pdf_downloads_as_an_attachment_through_a_token(org):
    document = make_document(org, kind="request", title="关于申请经费的请示")
    client = token_api(org["drafter"])

    response = client.get(f"{LIST}{document.pk}/pdf/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith(".pdf")
    assert "filename*=UTF-8''%E5%85%B3%E4%BA%8E" in response["Content-Disposition"]
    assert _content(response).startswith(b"%PDF")
    assert not AuditEvent.objects.filter(action="documents.read").exists()


def test_the_docx_downloads_and_opens(org):
    document = make_document(org)

    response = api(org["drafter"]).get(f"{LIST}{document.pk}/docx/")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].endswith(".docx")
    assert response["X-Content-Type-Options"] == "nosniff"
    docx.Document(io.BytesIO(_content(response)))


def test_a_classified_download_is_audited_and_not_stored(org, settings):
    settings.CLASSIFIED_NETWORK = True
    org["drafter"].clearance = Classification.SECRET
    org["drafter"].save()
    document = make_document(org, classification=Classification.SECRET, secrecy_period="1年")

    response = api(org["drafter"]).get(f"{LIST}{document.pk}/pdf/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="documents.read")
    assert event.detail == {"as": "pdf", "via": "api"}


@pytest.mark.parametrize("suffix", ["pdf/", "docx/"])
def test_a_document_the_layout_cannot_take_is_409_with_the_message(org, settings, suffix):
    settings.CLASSIFIED_NETWORK = True
    org["drafter"].clearance = Classification.SECRET
    org["drafter"].save()
    document = make_document(org, classification=Classification.SECRET, secrecy_period="一年")

    response = api(org["drafter"]).get(f"{LIST}{document.pk}/{suffix}")

    assert response.status_code == 409
    assert "period of secrecy" in response.json()["detail"]


# --- Schema ---------------------------------------------------------------------------------------


def test_the_schema_still_generates_with_the_documents(tmp_path, client):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/documents/"])
    assert {"get", "patch"} <= set(paths["/api/documents/{id}/"])
    assert "post" in paths["/api/documents/{id}/submit/"]
    assert (
        "application/pdf" in paths["/api/documents/{id}/pdf/"]["get"]["responses"]["200"]["content"]
    )
