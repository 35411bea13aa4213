# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""A document's page: elements, route, where it is now, decision panel, reads audited, 404s."""

import datetime

import pytest
from django.urls import reverse

from tests.documents.drafting_support import (  # noqa: F401  (fixtures)
    make_document,
    office_clerk,
    org,
    route,
)
from tests.documents.factories import OutgoingDocumentFactory
from tests.factories import UserFactory
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services
from zhongshu.documents.models import JointSignature, State
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import Decision, ItemState, WorkItem


def _submitted(org):
    document = make_document(org, kind="request", direction="up", title="关于经费的请示")
    services.submit(actor=org["drafter"], document=document, expected_version=document.version)
    document.refresh_from_db()
    return document


def test_the_drafter_sees_the_elements_and_the_actions_of_a_draft(client, login_as, org):
    document = make_document(
        org,
        cc_recipients=[{"name": "市人民政府办公室"}],
        attachment_names=["抽检计划表"],
        countersign_departments=[org["finance"].pk],
        note="联系人：黄晓明",
    )
    login_as(org["drafter"])

    response = client.get(reverse("documents:detail", args=[document.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        document.title,
        "各街道办事处",
        "市人民政府办公室",
        "抽检计划表",
        "计划财务科",
        "（联系人：黄晓明）",
        "一、工作要求",
        "Drafting",
        "Not submitted yet.",
    ):
        assert text in html, text
    assert reverse("documents:submit", args=[document.pk]) in html
    assert reverse("documents:edit", args=[document.pk]) in html
    assert 'class="doc-block level-1"' in html
    assert "attachments-panel" in html
    assert response.context["item"] is None


def test_the_page_shows_the_route_who_holds_it_and_their_decision_panel(
    client, login_as, org, route
):
    document = _submitted(org)
    item = WorkItem.objects.get(assignee=org["head"], state=ItemState.OPEN)
    login_as(org["head"])

    response = client.get(reverse("documents:detail", args=[document.pk]))

    html = response.content.decode()
    assert [s["step"].name for s in response.context["steps"]] == ["核稿", "签发"]
    assert response.context["steps"][0]["status"] == "current"
    assert [h.assignee for h in response.context["holders"]] == [org["head"]]
    assert "holding it for" in html
    assert reverse("workflow:decide", args=[item.pk]) in html
    assert 'value="approve"' in html
    assert "submitted it" in html  # the handling record
    # The holder of the current step may correct the text; the drafter may not submit again.
    assert reverse("documents:edit", args=[document.pk]) in html
    assert reverse("documents:submit", args=[document.pk]) not in html


def test_the_drafter_sees_where_it_is_but_no_decision_panel(client, login_as, org, route):
    document = _submitted(org)
    login_as(org["drafter"])

    response = client.get(reverse("documents:detail", args=[document.pk]))

    assert response.context["item"] is None
    assert "周科长" in response.content.decode()
    assert response.context["can_withdraw"] is True


def test_a_returned_draft_is_resubmitted_by_the_drafter_from_the_page(client, login_as, org, route):
    document = _submitted(org)
    item = WorkItem.objects.get(assignee=org["head"], state=ItemState.OPEN)
    workflow.decide(
        actor=org["head"], item=item, decision=Decision.RETURN_TO_DRAFTER, opinion="请补充测算"
    )
    document.refresh_from_db()
    assert document.state == State.RETURNED
    login_as(org["drafter"])

    page = client.get(reverse("documents:detail", args=[document.pk]))
    response = client.post(
        reverse("documents:submit", args=[document.pk]), {"version": document.version}
    )

    assert page.context["item"] is None  # the engine's "resubmit" item is left to Submit
    assert "Resubmit" in page.content.decode() and "请补充测算" in page.content.decode()
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == State.REVIEW


def test_links_to_the_output_pages_that_exist(client, login_as, org):
    document = make_document(org)
    login_as(org["drafter"])

    html = client.get(reverse("documents:detail", args=[document.pk])).content.decode()

    assert reverse("documents:document_pdf", args=[document.pk]) in html
    assert reverse("documents:document_docx", args=[document.pk]) in html
    assert reverse("documents:cover_sheet", args=[document.pk]) in html
    assert reverse("documents:document_findings", args=[document.pk]) in html


# --- Reads of classified documents are audited ---------------------------------------------------


def test_reading_a_classified_document_is_audited(client, login_as, org, settings):
    settings.CLASSIFIED_NETWORK = True
    org["drafter"].clearance = Classification.SECRET
    org["drafter"].save()
    document = make_document(org, classification=Classification.SECRET, secrecy_period="1年")
    login_as(org["drafter"])

    for name in ("detail", "versions", "compare", "edit"):
        assert client.get(reverse(f"documents:{name}", args=[document.pk])).status_code == 200

    reads = AuditEvent.objects.filter(action="documents.read", object_id=str(document.pk))
    assert sorted(e.detail["page"] for e in reads) == ["compare", "detail", "edit", "versions"]
    assert {e.classification for e in reads} == {Classification.SECRET}
    assert {e.unit_id for e in reads} == {document.unit_id}


def test_reading_an_unclassified_document_is_not_audited(client, login_as, org):
    document = make_document(org, classification=Classification.INTERNAL)
    login_as(org["drafter"])

    client.get(reverse("documents:detail", args=[document.pk]))

    assert not AuditEvent.objects.filter(action="documents.read").exists()


# --- Who may not see it --------------------------------------------------------------------------

PAGES = ["detail", "edit", "versions", "compare"]


@pytest.mark.parametrize("page", PAGES)
def test_a_colleague_not_involved_gets_404(client, login_as, org, page):
    document = make_document(org)
    login_as(org["colleague"])

    response = client.get(reverse(f"documents:{page}", args=[document.pk]))

    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="access.denied", object_id=str(document.pk), object_type="documents.outgoingdocument"
    ).exists()


@pytest.mark.parametrize("page", PAGES)
def test_a_user_below_the_classification_gets_404(
    client, login_as, org, office_clerk, settings, page
):
    settings.CLASSIFIED_NETWORK = True
    document = make_document(org, classification=Classification.SECRET, secrecy_period="1年")
    office_clerk.clearance = Classification.INTERNAL  # the office sees all, but not above this
    office_clerk.save()
    login_as(office_clerk)

    assert client.get(reverse(f"documents:{page}", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
@pytest.mark.parametrize("page", [*PAGES, "submit"])
def test_the_three_administrators_are_refused(request, client, login_as, org, who, page):
    document = make_document(org)
    login_as(request.getfixturevalue(who))
    url = reverse(f"documents:{page}", args=[document.pk])

    response = client.post(url) if page == "submit" else client.get(url)

    assert response.status_code == 404
    document.refresh_from_db()
    assert document.state == State.DRAFT


def test_the_office_sees_every_document_of_its_unit(client, login_as, org, office_clerk):
    document = make_document(org)
    login_as(office_clerk)

    response = client.get(reverse("documents:detail", args=[document.pk]))

    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert response.context["can_submit"] is False


def test_another_units_document_is_404_even_for_its_office(client, login_as, office_clerk):
    document = OutgoingDocumentFactory(drafter=UserFactory())
    login_as(office_clerk)

    assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 404


# --- 联合行文: joint signatures ---------------------------------------------------------------


def test_the_office_records_a_joint_organs_signature(client, login_as, org, office_clerk):
    document = make_document(org, issuers=["市食品药品监督管理局", "市农业农村局"])
    login_as(office_clerk)
    url = reverse("documents:joint_signature", args=[document.pk])

    page = client.get(reverse("documents:detail", args=[document.pk]))
    response = client.post(
        url, {"organ": "市农业农村局", "signer": "张局长", "signed_on": "2026-01-05"}
    )

    assert url in page.content.decode()
    assert response.status_code == 302
    joint = JointSignature.objects.get(document=document)
    assert (joint.organ, joint.signer, joint.signed_on) == (
        "市农业农村局",
        "张局长",
        datetime.date(2026, 1, 5),
    )


def test_a_joint_signature_in_the_future_is_refused(client, login_as, org, office_clerk):
    document = make_document(org, issuers=["市食品药品监督管理局", "市农业农村局"])
    login_as(office_clerk)

    response = client.post(
        reverse("documents:joint_signature", args=[document.pk]),
        {"organ": "市农业农村局", "signer": "张局长", "signed_on": "2999-01-05"},
    )

    assert response.status_code == 400
    assert "cannot be dated in the future" in response.content.decode()
    assert not JointSignature.objects.exists()


def test_only_the_office_records_joint_signatures(client, login_as, org):
    document = make_document(org, issuers=["市食品药品监督管理局", "市农业农村局"])
    login_as(org["drafter"])

    response = client.post(
        reverse("documents:joint_signature", args=[document.pk]),
        {"organ": "市农业农村局", "signer": "张局长", "signed_on": "2026-01-05"},
    )

    assert response.status_code == 403
    assert not JointSignature.objects.exists()


# --- The office's next step after 签发 --------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "url_name"),
    [
        (State.SIGNED, "documents:handling_check"),
        (State.CHECKED, "documents:register"),
        (State.REGISTERED, "documents:handling_print"),
        (State.PRINTED, "documents:handling_seal"),
        (State.SEALED, "documents:dispatch"),
        (State.DISTRIBUTED, "documents:archive"),
    ],
)
def test_the_office_is_shown_its_next_step(client, login_as, org, office_clerk, state, url_name):
    document = make_document(org, state=state)
    login_as(office_clerk)

    response = client.get(reverse("documents:detail", args=[document.pk]))

    assert [link["url"] for link in response.context["next_step"]] == [
        reverse(url_name, args=[document.pk])
    ]


def test_the_drafter_is_not_shown_the_offices_steps(client, login_as, org):
    document = make_document(org, state=State.SIGNED)
    login_as(org["drafter"])

    response = client.get(reverse("documents:detail", args=[document.pk]))

    assert response.context["next_step"] == [] and response.context["office_links"] == []
    assert reverse("documents:handling_check", args=[document.pk]) not in response.content.decode()
