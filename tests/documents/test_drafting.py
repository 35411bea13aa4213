# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""The drafting form: creating with every element, validation, versions, stale saves, submitting."""

import json

import pytest
from django.urls import reverse

from tests.documents.drafting_support import (  # noqa: F401  (fixtures)
    TITLE,
    form_data,
    make_document,
    office_clerk,
    org,
    organ,
    route,
    service_data,
)
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services
from zhongshu.documents.models import DocumentVersion, OutgoingDocument, State
from zhongshu.workflow.models import ItemState, Run, WorkItem

CREATE = reverse("documents:create")


def _edit_data(document, **overrides):
    """The edit form as the browser sends it back unchanged, with ``overrides``."""
    data = form_data(
        kind=document.kind,
        layout=document.layout,
        direction=document.direction,
        title=document.title,
        issuers="\n".join(document.issuers),
        main_recipients_other="\n".join(r["name"] for r in document.main_recipients),
        body_json=json.dumps(document.body, ensure_ascii=False),
        printed_by=document.printed_by,
        version=str(document.version),
        text_version=str(document.text_version),
    )
    data.pop("idempotency_key")
    data.update(overrides)
    return data


# --- The blank form ------------------------------------------------------------------------------


def test_the_new_draft_form_has_the_editor_and_its_fallback(client, login_as, org, organ):
    login_as(org["drafter"])

    response = client.get(CREATE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-editor-root" in html and 'name="body"' in html and 'name="body_json"' in html
    assert response.context["form"].initial["idempotency_key"]
    assert response.context["form"].initial["issuers"] == "市食品药品监督管理局"
    # The directory offers the unit's departments and the organs in use.
    assert "食品生产监管科" in html and "市财政局（财政局）" in html
    assert "documents/editor.js" in html


# --- Creating ------------------------------------------------------------------------------------


def test_a_draft_with_every_element_is_saved_through_the_service(
    client, login_as, org, organ, settings
):
    login_as(org["drafter"])
    finance = org["finance"]
    data = form_data(
        kind="notice",
        layout="file",
        direction="down",
        urgency="2",
        important="on",
        issuers="市食品药品监督管理局\n市农业农村局",
        title="关于转发《食品安全抽检工作规范》的通知",
        forwarded_title="食品安全抽检工作规范",
        main_recipients=[f"d:{finance.pk}", f"o:{organ.pk}"],
        main_recipients_other="各区食品药品监督管理局",
        cc_recipients_other="市人民政府办公室",
        countersign_departments=[str(finance.pk)],
        attachment_names="抽检计划表\n经费测算表",
        note="此件公开发布",
        printed_by="市食品药品监督管理局办公室",
        present="陈建国、李文华",
        absent="王秀英",
        attending="刘海涛",
        disclosure="withheld",
        disclosure_reason="涉及内部管理信息（条例第十六条）",
        body_json=json.dumps(
            [
                {"level": 0, "text": "现将有关事项通知如下。"},
                {"level": 1, "text": "一、总体要求"},
                {"level": 2, "text": "（一）明确责任"},
                {"level": 3, "text": "1.加强领导。"},
                {"level": 4, "text": "（1）成立专班。"},
            ],
            ensure_ascii=False,
        ),
    )

    response = client.post(CREATE, data)

    document = OutgoingDocument.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("documents:detail", args=[document.pk])
    assert document.drafter == org["drafter"] and document.department == org["business"]
    assert document.kind == "notice" and document.layout == "file" and document.direction == "down"
    assert document.urgency == 2 and document.important is True
    assert document.issuers == ["市食品药品监督管理局", "市农业农村局"]
    assert document.is_joint
    assert document.main_recipients == [
        {"name": "计划财务科", "department": finance.pk},
        {"name": "市财政局", "organ": organ.pk},
        {"name": "各区食品药品监督管理局"},
    ]
    assert document.cc_recipients == [{"name": "市人民政府办公室"}]
    assert document.countersign_departments == [finance.pk]
    assert document.forwarded_title == "食品安全抽检工作规范"
    assert document.attachment_names == ["抽检计划表", "经费测算表"]
    assert document.note == "此件公开发布"
    assert document.present == ["陈建国", "李文华"]
    assert document.absent == ["王秀英"] and document.attending == ["刘海涛"]
    assert document.disclosure == "withheld"
    assert document.disclosure_reason == "涉及内部管理信息（条例第十六条）"
    assert [b["level"] for b in document.body] == [0, 1, 2, 3, 4]
    assert document.state == State.DRAFT
    version = DocumentVersion.objects.get(document=document)
    assert version.number == 1 and version.created_by == org["drafter"]
    assert version.content["title"] == document.title
    assert AuditEvent.objects.filter(
        action="documents.drafted", object_id=str(document.pk)
    ).exists()


def test_the_direction_is_proposed_from_the_kind(client, login_as, org):
    login_as(org["drafter"])

    client.post(CREATE, form_data(kind="request", direction=""))

    assert OutgoingDocument.objects.get().direction == "up"


def test_a_kind_without_a_usual_direction_asks_for_one(client, login_as, org):
    login_as(org["drafter"])

    response = client.post(CREATE, form_data(kind="opinion", direction=""))

    assert response.status_code == 400
    assert "direction" in response.context["form"].errors
    assert OutgoingDocument.objects.count() == 0


def test_without_javascript_each_line_is_a_paragraph_and_ordinals_make_headings(
    client, login_as, org
):
    login_as(org["drafter"])
    body = (
        "现将有关事项请示如下。\n\n一、基本情况\n（一）抽检范围\n1.粮食制品\n（1）大米\n"
        "共计1.5万批次。"
    )

    client.post(CREATE, form_data(body_json="", body=body))

    assert OutgoingDocument.objects.get().body == [
        {"level": 0, "text": "现将有关事项请示如下。"},
        {"level": 1, "text": "一、基本情况"},
        {"level": 2, "text": "（一）抽检范围"},
        {"level": 3, "text": "1.粮食制品"},
        {"level": 4, "text": "（1）大米"},
        {"level": 0, "text": "共计1.5万批次。"},
    ]


# --- Validation: nothing is written --------------------------------------------------------------


def test_an_empty_form_is_refused_with_errors_next_to_the_fields(client, login_as, org):
    login_as(org["drafter"])

    response = client.post(CREATE, {})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"kind", "title", "issuers", "disclosure"} <= set(errors)
    assert "Please correct the following" in response.content.decode()
    assert OutgoingDocument.objects.count() == 0


def test_a_malformed_period_of_secrecy_is_refused(client, login_as, org, settings):
    settings.CLASSIFIED_NETWORK = True
    org["drafter"].clearance = Classification.SECRET
    org["drafter"].save()
    login_as(org["drafter"])

    response = client.post(
        CREATE, form_data(classification=str(Classification.SECRET), secrecy_period="一年")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["secrecy_period"] == [
        "Write the period as e.g. 1年 or 6个月."
    ]
    assert OutgoingDocument.objects.count() == 0


def test_a_period_of_secrecy_on_an_unclassified_document_is_refused(client, login_as, org):
    login_as(org["drafter"])

    response = client.post(CREATE, form_data(secrecy_period="1年"))

    assert response.status_code == 400
    assert "secrecy_period" in response.context["form"].errors
    assert OutgoingDocument.objects.count() == 0


def test_not_disclosing_needs_a_reason(client, login_as, org):
    login_as(org["drafter"])

    response = client.post(CREATE, form_data(disclosure="withheld", disclosure_reason=" "))

    assert response.status_code == 400
    assert response.context["form"].errors["disclosure_reason"] == [
        "Say why the document is not disclosed."
    ]
    assert OutgoingDocument.objects.count() == 0


def test_a_classified_draft_is_refused_off_the_classified_network(client, login_as, org, settings):
    settings.CLASSIFIED_NETWORK = False
    org["drafter"].clearance = Classification.SECRET
    org["drafter"].save()
    login_as(org["drafter"])

    response = client.post(
        CREATE, form_data(classification=str(Classification.SECRET), secrecy_period="1年")
    )

    assert response.status_code == 400
    [message] = response.context["form"].errors["classification"]
    assert "not on a classified network" in message and "涉密不上网" in message
    assert message in response.content.decode()
    assert OutgoingDocument.objects.count() == 0


def test_a_mark_above_the_drafters_clearance_is_refused(client, login_as, org, settings):
    settings.CLASSIFIED_NETWORK = True  # org["drafter"] is cleared for 内部 only
    login_as(org["drafter"])

    response = client.post(
        CREATE, form_data(classification=str(Classification.SECRET), secrecy_period="1年")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["classification"] == [
        "You are cleared up to Internal: mark the document no higher."
    ]
    assert OutgoingDocument.objects.count() == 0


def test_a_long_title_is_refused_without_a_server_error(client, login_as, org):
    login_as(org["drafter"])

    response = client.post(CREATE, form_data(title="关" * 301, body_json="not json"))

    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    assert OutgoingDocument.objects.count() == 0


# --- Double submission ---------------------------------------------------------------------------


def test_the_same_form_sent_twice_drafts_once(client, login_as, org):
    login_as(org["drafter"])
    data = form_data()

    first = client.post(CREATE, data)
    second = client.post(CREATE, data)

    document = OutgoingDocument.objects.get()
    assert first.url == second.url == reverse("documents:detail", args=[document.pk])
    assert DocumentVersion.objects.count() == 1


def test_the_service_returns_the_first_draft_for_a_repeated_key(org):
    data = service_data()

    first = services.draft_create(actor=org["drafter"], data=data, idempotency_key="k1")
    again = services.draft_create(actor=org["drafter"], data=data, idempotency_key="k1")
    other = services.draft_create(actor=org["drafter"], data=data, idempotency_key="k2")

    assert again.pk == first.pk
    assert other.pk != first.pk
    assert OutgoingDocument.objects.count() == 2


# --- Editing: versions only when the text changes ------------------------------------------------


def test_editing_the_text_writes_a_version_and_the_handling_fields_do_not(client, login_as, org):
    document = services.draft_create(actor=org["drafter"], data=service_data())
    login_as(org["drafter"])
    url = reverse("documents:edit", args=[document.pk])
    assert client.get(url).status_code == 200

    changed = client.post(
        url, _edit_data(document, title=TITLE + "（修改稿）", reason="根据处长意见修改标题")
    )
    document.refresh_from_db()
    same_text = client.post(url, _edit_data(document, important="on"))

    assert changed.status_code == 302 and same_text.status_code == 302
    document.refresh_from_db()
    assert document.title == TITLE + "（修改稿）"
    assert document.important is True
    assert document.text_version == 2
    versions = list(DocumentVersion.objects.filter(document=document).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].reason == "根据处长意见修改标题"


def test_the_edit_form_shows_the_saved_values(client, login_as, org, organ):
    document = make_document(
        org,
        main_recipients=[{"name": "市财政局", "organ": organ.pk}, {"name": "市人民政府"}],
    )
    login_as(org["drafter"])

    form = client.get(reverse("documents:edit", args=[document.pk])).context["form"]

    assert form.initial["main_recipients"] == [f"o:{organ.pk}"]
    assert form.initial["main_recipients_other"] == "市人民政府"
    assert json.loads(form.editor_blocks) == document.body


def test_without_javascript_an_edit_of_the_plain_body_is_saved(client, login_as, org):
    document = services.draft_create(actor=org["drafter"], data=service_data())
    login_as(org["drafter"])
    url = reverse("documents:edit", args=[document.pk])
    page = client.get(url).content.decode()
    # The editor's JSON is never sent from the server: a browser without JavaScript sends the
    # textarea only.
    assert 'name="body_json" id="id_body_json">' in page or 'name="body_json">' in page

    client.post(url, _edit_data(document, body_json="", body="一、新的标题\n新的一段。"))

    document.refresh_from_db()
    assert document.body == [
        {"level": 1, "text": "一、新的标题"},
        {"level": 0, "text": "新的一段。"},
    ]


def test_a_stale_save_answers_412_and_keeps_what_was_typed(client, login_as, org):
    document = services.draft_create(actor=org["drafter"], data=service_data())
    login_as(org["drafter"])
    url = reverse("documents:edit", args=[document.pk])
    mine = _edit_data(document, title="我的新标题的请示")
    # Someone else saves first (the drafter in another tab).
    services.draft_update(
        actor=org["drafter"],
        document=document,
        expected_version=document.version,
        data=service_data(title="另一个标题的请示"),
    )

    response = client.post(url, mine)

    assert response.status_code == 412
    html = response.content.decode()
    assert "Someone else saved this document" in html
    assert "我的新标题的请示" in html
    document.refresh_from_db()
    assert document.title == "另一个标题的请示"
    form = response.context["form"]
    assert form["version"].value() == str(document.version)
    assert f"?a=1&amp;b={document.text_version}" in html

    # Saving again, deliberately, replaces the other save.
    again = client.post(url, {**mine, "version": str(document.version)})

    assert again.status_code == 302
    document.refresh_from_db()
    assert document.title == "我的新标题的请示"


def test_an_edit_sent_twice_is_not_a_conflict(client, login_as, org):
    document = services.draft_create(actor=org["drafter"], data=service_data())
    login_as(org["drafter"])
    url = reverse("documents:edit", args=[document.pk])
    data = _edit_data(document, title="改过的标题的请示")

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert DocumentVersion.objects.filter(document=document).count() == 2


def test_someone_who_may_not_edit_is_sent_back_and_nothing_changes(client, login_as, org, route):
    document = make_document(org)
    services.submit(actor=org["drafter"], document=document, expected_version=document.version)
    document.refresh_from_db()
    login_as(org["drafter"])  # in review, only the holder of the current step edits
    url = reverse("documents:edit", args=[document.pk])

    page = client.get(url)
    post = client.post(url, _edit_data(document, title="偷偷修改的通知"))

    assert page.status_code == 302 and page.url == reverse("documents:detail", args=[document.pk])
    assert post.status_code == 409
    document.refresh_from_db()
    assert document.title != "偷偷修改的通知"


def test_the_holder_of_the_current_step_may_edit_in_review(client, login_as, org, route):
    document = make_document(org)
    services.submit(actor=org["drafter"], document=document, expected_version=document.version)
    document.refresh_from_db()
    login_as(org["head"])

    response = client.post(
        reverse("documents:edit", args=[document.pk]),
        _edit_data(document, title=document.title + "（核稿修改）", reason="核稿"),
    )

    assert response.status_code == 302
    version = DocumentVersion.objects.get(document=document, number=2)
    assert version.stage == State.REVIEW and version.created_by == org["head"]


# --- Submitting ----------------------------------------------------------------------------------


def test_the_drafter_submits_along_the_route(client, login_as, org, route):
    document = make_document(org)
    login_as(org["drafter"])
    url = reverse("documents:submit", args=[document.pk])

    response = client.post(url, {"version": document.version})
    again = client.post(url, {"version": document.version})  # a second click

    assert response.status_code == 302 and again.status_code == 302
    document.refresh_from_db()
    assert document.state == State.REVIEW
    run = Run.objects.get(subject_id=document.pk)
    assert run.current_step_name == "核稿"
    assert WorkItem.objects.filter(run=run, assignee=org["head"], state=ItemState.OPEN).count() == 1


def test_a_stale_submit_answers_412(client, login_as, org, route):
    document = make_document(org)
    login_as(org["drafter"])

    response = client.post(
        reverse("documents:submit", args=[document.pk]), {"version": document.version + 5}
    )

    assert response.status_code == 412
    assert Run.objects.count() == 0


def test_submitting_without_a_route_says_so(client, login_as, org):
    document = make_document(org)
    login_as(org["drafter"])

    response = client.post(
        reverse("documents:submit", args=[document.pk]), {"version": document.version}
    )

    assert response.status_code == 409
    assert "No approval route" in response.content.decode()
    document.refresh_from_db()
    assert document.state == State.DRAFT


@pytest.mark.parametrize("who", ["colleague", "head"])
def test_only_the_drafter_submits(client, login_as, org, route, who):
    document = make_document(org)
    login_as(org[who])

    response = client.post(
        reverse("documents:submit", args=[document.pk]), {"version": document.version}
    )

    assert response.status_code == 404  # they may not even see the draft
    assert Run.objects.count() == 0


def test_the_head_hands_the_check_to_a_colleague_who_then_sees_the_draft(org, route):
    from zhongshu.documents import selectors
    from zhongshu.workflow import services as workflow

    document = make_document(org)
    services.submit(actor=org["drafter"], document=document, expected_version=document.version)
    assert not selectors.can_view(org["colleague"], document)
    item = WorkItem.objects.get(assignee=org["head"], state=ItemState.OPEN)
    workflow.decide(
        actor=org["head"],
        item=item,
        decision="transfer",
        opinion="请吴同事核稿",
        to_user=org["colleague"],
    )
    assert selectors.can_view(org["colleague"], document)
    assert WorkItem.objects.filter(assignee=org["colleague"], state=ItemState.OPEN).exists()
    # Someone not cleared for the document is still refused.
    document.classification = Classification.INTERNAL
    document.save()
    org["finance_head"].clearance = Classification.PUBLIC
    org["finance_head"].save()
    item = WorkItem.objects.get(assignee=org["colleague"], state=ItemState.OPEN)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        workflow.decide(
            actor=org["colleague"],
            item=item,
            decision="transfer",
            opinion="转",
            to_user=org["finance_head"],
        )
