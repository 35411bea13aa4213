# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""Drafting, changing and submitting outgoing documents over the API (issue 4 item 13): the web
form's checks as 400s, one draft per Idempotency-Key, 412 when stale, 409 when not now."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import token_for
from tests.documents.drafting_support import (  # noqa: F401  (fixtures)
    TITLE,
    make_document,
    office_clerk,
    org,
    organ,
    route,
)
from tests.factories import DepartmentFactory, UnitFactory
from zhongshu.core.models import Classification
from zhongshu.documents.models import DocumentVersion, OutgoingDocument, State

pytestmark = pytest.mark.django_db

LIST = "/api/documents/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def draft(**overrides) -> dict:
    data = {
        "kind": "request",
        "issuers": ["市食品药品监督管理局"],
        "title": TITLE,
        "main_recipients": [{"name": "市人民政府"}],
        "body": [
            {"level": 0, "text": "为做好今年食品安全抽检工作，现将有关事项请示如下。"},
            {"level": 1, "text": "一、经费需求"},
            {"level": 0, "text": "共需经费三十万元。"},
        ],
        "printed_by": "市食品药品监督管理局办公室",
    }
    data.update(overrides)
    return data


# --- Create ---------------------------------------------------------------------------------------


def test_a_retried_post_with_one_idempotency_key_drafts_once(org):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {token_for(client, org['drafter'])}",
        HTTP_IDEMPOTENCY_KEY="3f2a-retry",
    )

    first = client.post(LIST, draft(), format="json")
    second = client.post(LIST, draft(), format="json")

    assert (first.status_code, second.status_code) == (201, 201), first.content
    assert first.json()["id"] == second.json()["id"]
    document = OutgoingDocument.objects.get()
    assert (document.drafter, document.department) == (org["drafter"], org["business"])
    assert (document.state, document.direction, document.title) == ("draft", "up", TITLE)
    assert document.body[1] == {"level": 1, "text": "一、经费需求"}
    assert DocumentVersion.objects.filter(document=document).count() == 1
    data = first.json()
    assert (data["can_edit"], data["can_submit"], data["version"]) == (True, True, 1)


def test_recipients_from_the_directory_take_their_names(org, organ):
    response = api(org["drafter"]).post(
        LIST,
        draft(
            kind="notice",
            direction="down",
            main_recipients=[{"department": org["finance"].pk}, {"organ": organ.pk}],
            cc_recipients=[{"name": "各区人民政府"}],
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    document = OutgoingDocument.objects.get()
    assert document.main_recipients == [
        {"name": "计划财务科", "department": org["finance"].pk},
        {"name": "市财政局", "organ": organ.pk},
    ]
    assert document.cc_recipients == [{"name": "各区人民政府"}]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 301}, "title"),
        ({"kind": "memo"}, "kind"),
        ({"issuers": []}, "issuers"),
        ({"kind": "opinion"}, "direction"),  # 意见 may go any way: say which
        ({"classification": Classification.SECRET, "secrecy_period": "1年"}, "classification"),
        ({"secrecy_period": "1年"}, "secrecy_period"),
        ({"body": [{"level": 5, "text": "五级标题"}]}, "body"),
        ({"body": "不是列表"}, "body"),
        ({"main_recipients": [{"department": 2**60}]}, "main_recipients"),
        ({"main_recipients": [{}]}, "main_recipients"),
        ({"disclosure": "withheld"}, "disclosure_reason"),
        ({"countersign_departments": ["财务"]}, "countersign_departments"),
        ({"department": 999999}, "department"),
    ],
)
def test_bad_input_is_400_with_the_field_and_drafts_nothing(org, overrides, field):
    response = api(org["drafter"]).post(LIST, draft(**overrides), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not OutgoingDocument.objects.exists()


def test_another_units_department_is_refused_as_a_recipient(org):
    foreign = DepartmentFactory(unit=UnitFactory())

    response = api(org["drafter"]).post(
        LIST, draft(main_recipients=[{"department": foreign.pk}]), format="json"
    )

    assert response.status_code == 400
    assert "main_recipients" in response.json()


def test_a_classified_draft_needs_the_classified_network_and_the_clearance(org, settings):
    org["drafter"].clearance = Classification.SECRET
    org["drafter"].save()
    secret = draft(classification=Classification.SECRET, secrecy_period="1年")
    client = api(org["drafter"])

    off = client.post(LIST, secret, format="json")
    settings.CLASSIFIED_NETWORK = True
    on = client.post(LIST, secret, format="json")
    above = client.post(
        LIST, draft(classification=Classification.CONFIDENTIAL, secrecy_period="1年"), format="json"
    )

    assert off.status_code == 400
    assert "classified network" in off.json()["classification"][0]
    assert on.status_code == 201
    assert above.status_code == 400
    assert "You are cleared up to" in above.json()["classification"][0]


def test_an_overlong_idempotency_key_is_400(org):
    response = api(org["drafter"]).post(LIST, draft(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 65)

    assert response.status_code == 400
    assert "idempotency_key" in response.json()


# --- Patch ----------------------------------------------------------------------------------------


def patch(user, document, **data):
    return api(user).patch(f"{LIST}{document.pk}/", data, format="json")


def test_a_patch_changes_the_fields_sent_and_writes_a_version(org):
    document = make_document(org)

    response = patch(
        org["drafter"], document, version=document.version, title="关于调整抽检安排的通知"
    )

    assert response.status_code == 200, response.content
    document.refresh_from_db()
    assert document.title == "关于调整抽检安排的通知"
    assert document.main_recipients == [{"name": "各街道办事处"}]  # not sent, kept
    assert (document.text_version, response.json()["version"]) == (2, document.version)
    assert DocumentVersion.objects.filter(document=document).count() == 2


def test_a_stale_patch_is_412_and_changes_nothing(org):
    document = make_document(org)
    first = patch(org["drafter"], document, version=document.version, title="第一次修改的通知")

    stale = patch(org["drafter"], document, version=document.version, title="第二次修改的通知")

    assert first.status_code == 200
    assert stale.status_code == 412
    assert "Reload" in stale.json()["detail"]
    document.refresh_from_db()
    assert (document.title, document.text_version) == ("第一次修改的通知", 2)


def test_a_retried_patch_that_went_through_is_not_a_conflict(org):
    document = make_document(org)
    sent = {"version": document.version, "title": "第一次修改的通知"}

    first = patch(org["drafter"], document, **sent)
    again = patch(org["drafter"], document, **sent)

    assert (first.status_code, again.status_code) == (200, 200)
    document.refresh_from_db()
    assert document.text_version == 2


def test_a_patch_needs_the_version(org):
    document = make_document(org)

    response = patch(org["drafter"], document, title="没有版本号的修改")

    assert response.status_code == 400
    assert "version" in response.json()


def test_a_document_on_its_way_cannot_be_patched_by_its_drafter(org, route):
    document = make_document(org)
    api(org["drafter"]).post(f"{LIST}{document.pk}/submit/", {}, format="json")
    document.refresh_from_db()

    response = patch(org["drafter"], document, version=document.version, title="改个标题的通知")

    assert response.status_code == 409
    assert response.json()["detail"] == "You cannot change this document now."
    document.refresh_from_db()
    assert document.title != "改个标题的通知"


def test_who_may_not_see_it_cannot_patch_it(org):
    document = make_document(org)

    response = patch(org["colleague"], document, version=document.version, title="别人的修改")

    assert response.status_code == 404
    document.refresh_from_db()
    assert document.version == 1


# --- Submit ---------------------------------------------------------------------------------------


def submit(user, document, **data):
    return api(user).post(f"{LIST}{document.pk}/submit/", data, format="json")


def test_the_drafter_submits_and_a_second_submit_is_409(org, route):
    document = make_document(org, kind="request")

    sent = submit(org["drafter"], document, version=document.version)
    again = submit(org["drafter"], document, version=document.version)

    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == State.REVIEW
    assert sent.json()["where"]["step"] == "核稿"
    assert again.status_code == 409
    assert again.json()["detail"] == "This document is already on its way."


def test_a_submit_without_a_route_is_409_and_stays_a_draft(org):
    document = make_document(org)

    response = submit(org["drafter"], document)

    assert response.status_code == 409
    assert "No approval route" in response.json()["detail"]
    document.refresh_from_db()
    assert document.state == State.DRAFT


def test_a_stale_submit_is_412(org, route):
    document = make_document(org)
    patch(org["drafter"], document, version=document.version, title="先改一下的通知")

    response = submit(org["drafter"], document, version=1)

    assert response.status_code == 412
    document.refresh_from_db()
    assert document.state == State.DRAFT


def test_only_the_drafter_submits(org, route, office_clerk):
    document = make_document(org)

    response = submit(office_clerk, document)  # the office sees it, but it is not theirs

    assert response.status_code == 404
    document.refresh_from_db()
    assert document.state == State.DRAFT
