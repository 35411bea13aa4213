# ruff: noqa: F811  (pytest fixtures imported from the support modules)
"""The handling panels on an incoming 办件's page (issue 5 §5–7): each person sees the panel of
their step and nobody else's; each form answers bad input with 400, a step not theirs with 409,
a stale page with 412, and a document they may not see with the audited 404."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from tests.documents.incoming_support import accepted_action, fresh, leaders, started  # noqa: F401
from tests.factories import MembershipFactory, UserFactory
from zhongshu.core.models import AuditEvent
from zhongshu.documents import services_incoming_handling as handling
from zhongshu.documents.models import (
    AssignmentState,
    IncomingAssignment,
    IncomingReading,
    IncomingReminder,
    IncomingState,
)
from zhongshu.org.models import Department

pytestmark = pytest.mark.django_db

STEPS = (
    "start",
    "propose",
    "instruct",
    "report",
    "send_back",
    "circulate",
    "comment",
    "remind",
    "close",
)


def url(name, document) -> str:
    return reverse(f"documents:incoming_{name}", args=[document.pk])


def detail(document) -> str:
    return reverse("documents:incoming_detail", args=[document.pk])


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_office_director_leader_and_departments_each_use_their_panel(
    client, org, leaders, office_clerk
):
    document = accepted_action(office_clerk)
    client.force_login(office_clerk)
    page = client.get(detail(document)).content.decode()
    assert url("start", document) in page and url("propose", document) not in page
    response = client.post(
        url("start", document), {"version": document.version, "mode": "director"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert fresh(document).state == IncomingState.PROPOSING

    client.force_login(org["office_head"])
    page = client.get(detail(document)).content.decode()
    assert url("propose", document) in page
    response = client.post(url("propose", document), {"text": "", "lead": ""})
    assert response.status_code == 400
    response = client.post(
        url("propose", document),
        {
            "text": "拟请李副局长阅示，食品生产监管科牵头，计划财务科协办。",
            "leader": leaders["deputy"].pk,
            "lead": org["business"].pk,
            "co": [org["finance"].pk],
            "idempotency_key": "k1",
        },
    )
    assert response.status_code == 302
    assert fresh(document).state == IncomingState.INSTRUCTING

    client.force_login(leaders["deputy"])
    page = client.get(detail(document)).content.decode()
    assert url("instruct", document) in page and "拟请李副局长阅示" in page
    response = client.post(url("instruct", document), {"text": "同意，请抓紧办理。"})
    assert response.status_code == 302
    assert fresh(document).state == IncomingState.HANDLING

    client.force_login(org["head"])
    page = client.get(detail(document)).content.decode()
    assert url("report", document) in page and "同意，请抓紧办理。" in page
    assert client.post(url("report", document), {"result": " "}).status_code == 400
    assert client.post(url("report", document), {"result": "已完成。"}).status_code == 302

    client.force_login(org["finance_head"])
    assert client.post(url("report", document), {"result": "经费已落实。"}).status_code == 302
    assert fresh(document).state == IncomingState.HANDLED

    client.force_login(office_clerk)
    page = client.get(detail(document)).content.decode()
    assert url("close", document) in page and "经费已落实。" in page
    document = fresh(document)
    response = client.post(
        url("close", document), {"version": document.version, "result": "已办结。"}
    )
    assert response.status_code == 302
    assert fresh(document).state == IncomingState.DONE


def test_a_step_not_theirs_is_409_and_a_stale_form_412(client, org, leaders, office_clerk):
    document = started(office_clerk, accepted_action(office_clerk))
    client.force_login(leaders["deputy"])  # named nowhere yet: may not even see it
    assert (
        client.post(url("propose", document), {"text": "x", "lead": org["business"].pk}).status_code
        == 404
    )
    client.force_login(office_clerk)  # the office sees it, but 拟办 is the director's
    response = client.post(url("propose", document), {"text": "x", "lead": org["business"].pk})
    assert response.status_code == 409
    other = accepted_action(office_clerk)
    response = client.post(url("start", other), {"version": other.version + 5, "mode": "director"})
    assert response.status_code == 412
    assert fresh(other).state == IncomingState.ACCEPTED


def test_sent_back_and_sent_on_afresh_through_the_pages(client, org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["finance"]),
    )
    client.force_login(org["finance_head"])
    assert client.post(url("send_back", document), {"reason": ""}).status_code == 400
    assert (
        client.post(url("send_back", document), {"reason": "不属于本科职责。"}).status_code == 302
    )
    assert IncomingAssignment.objects.get(document=document).state == AssignmentState.SENT_BACK
    client.force_login(office_clerk)
    page = client.get(detail(document)).content.decode()
    assert "不属于本科职责。" in page and url("start", document) in page
    document = fresh(document)
    response = client.post(
        url("start", document),
        {
            "version": document.version,
            "mode": "proposal",
            "text": "改由业务科办理。",
            "lead": org["business"].pk,
        },
    )
    assert response.status_code == 302, shown(response)
    assert fresh(document).state == IncomingState.HANDLING


def test_circulation_instruction_and_reminder_pages(client, org, leaders, office_clerk):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"]),
    )
    client.force_login(office_clerk)
    document = fresh(document)
    assert client.post(url("circulate", document), {"version": document.version}).status_code == 400
    response = client.post(
        url("circulate", document),
        {
            "version": document.version,
            "people": [leaders["deputy"].pk, leaders["principal"].pk],
            "in_turn": "on",
        },
    )
    assert response.status_code == 302
    # In rank order: the principal first.
    first = IncomingReading.objects.get(document=document, turn=1)
    assert first.person == leaders["principal"]
    assert client.post(url("remind", document), {"note": "请加快进度。"}).status_code == 302
    assert IncomingReminder.objects.filter(document=document).exists()

    client.force_login(leaders["principal"])
    page = client.get(detail(document)).content.decode()
    assert url("comment", document) in page
    assert client.post(url("comment", document), {"text": ""}).status_code == 400
    assert client.post(url("comment", document), {"text": "请按时报送。"}).status_code == 302
    client.force_login(leaders["deputy"])  # its turn now
    assert client.get(detail(document)).status_code == 200


@pytest.mark.parametrize("step", STEPS)
def test_someone_who_may_not_see_it_gets_404_on_every_step(
    client, org, leaders, office_clerk, step
):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"]),
    )
    outsider = UserFactory(unit=document.unit, username="outsider", full_name="外科室")
    MembershipFactory(user=outsider, department=org["finance"])
    client.force_login(outsider)
    assert client.post(url(step, document), {"text": "x", "version": 1}).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=outsider).exists()


@pytest.mark.parametrize("step", ("start", "circulate", "remind", "close"))
def test_office_steps_are_404_for_a_handler(client, org, leaders, office_clerk, step):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"]),
    )
    client.force_login(org["drafter"])  # sees it (the department handles it), not the office
    assert client.get(detail(document)).status_code == 200
    assert client.post(url(step, document), {"version": 1}).status_code == 404


def test_the_page_reads_a_constant_number_of_queries(
    client, org, leaders, office_clerk, django_assert_max_num_queries
):
    document = started(
        office_clerk,
        accepted_action(office_clerk),
        handling.Proposal(text="分办。", lead=org["business"], co=(org["finance"],)),
    )
    client.force_login(office_clerk)
    client.get(detail(document))
    with django_assert_max_num_queries(60) as small:
        client.get(detail(document))
    for index in range(8):
        department = Department.objects.create(
            unit=document.unit, name=f"科{index}", code=f"K{index}"
        )
        head = UserFactory(unit=document.unit, username=f"h{index}")
        MembershipFactory(user=head, department=department)
        department.head = head
        department.save()
    handling.report(actor=org["head"], document=fresh(document), result="已办。")
    handling.remind(actor=office_clerk, document=fresh(document), note="催。")
    handling.circulate(
        actor=office_clerk,
        document=fresh(document),
        expected_version=fresh(document).version,
        people=[leaders["deputy"], leaders["principal"]],
    )
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        client.get(detail(document))


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_panels_render_in_each_language(client, org, leaders, office_clerk, language):
    document = started(office_clerk, accepted_action(office_clerk))
    org["office_head"].language = language
    org["office_head"].save()
    client.force_login(org["office_head"])
    response = client.get(detail(document), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert url("propose", document) in response.content.decode()


def test_a_reply_is_started_from_the_document_and_stays_linked(client, org, leaders, office_clerk):
    from zhongshu.documents.models import OutgoingDocument

    document = accepted_action(
        office_clerk,
        kind="request",
        title="关于拨付食品抽检经费的请示",
        source_number="南山市监〔2026〕8号",
    )
    client.force_login(office_clerk)
    page = client.get(detail(document)).content.decode()
    create = reverse("documents:create")
    assert f"{create}?answers={document.pk}" in page
    form = client.get(f"{create}?answers={document.pk}").content.decode()
    assert "关于拨付食品抽检经费的批复" in form and document.receipt_number in form
    # Closing the 请示 wants the reason until a reply is linked.
    response = client.post(
        url("close", document), {"version": document.version, "result": "已批复。"}
    )
    assert response.status_code == 400
    from zhongshu.documents import services

    reply = services.draft_create(
        actor=office_clerk,
        data={
            "kind": "reply",
            "layout": "file",
            "direction": "down",
            "classification": 0,
            "urgency": 0,
            "issuers": ["市食品药品监督管理局"],
            "title": "关于拨付食品抽检经费的批复",
            "body": [{"type": "p", "text": "同意。"}],
            "answers": document.pk,
        },
    )
    assert reply.answers_id == document.pk
    assert (
        str(document.receipt_number)
        in client.get(reverse("documents:detail", args=[reply.pk])).content.decode()
    )
    document = fresh(document)
    response = client.post(
        url("close", document), {"version": document.version, "result": "已批复。"}
    )
    assert response.status_code == 302
    assert fresh(document).state == IncomingState.DONE
    # Someone who may not see the incoming document cannot link a draft to it.
    with pytest.raises(Exception) as caught:
        services.draft_create(
            actor=org["colleague"],
            data={
                "kind": "letter",
                "layout": "letter",
                "direction": "across",
                "classification": 0,
                "urgency": 0,
                "issuers": ["市食品药品监督管理局"],
                "title": "关于某事的复函",
                "body": [{"type": "p", "text": "略。"}],
                "answers": document.pk,
            },
        )
    assert "answers" in str(caught.value)
    assert OutgoingDocument.objects.filter(answers=document).count() == 1
