# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""The office's pages of incoming documents (收文, 条例 §24 steps 1–3; issue 5): the registration
form, the document's page with its 初审 (accept or return), and the printable 退文通知单."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services_incoming
from zhongshu.documents.models import IncomingCounter, IncomingDocument, IncomingState

pytestmark = pytest.mark.django_db
TITLE = "关于下达2026年食品安全抽检专项经费的通知"
SOURCE = "市财政局"
SOURCE_NUMBER = "市财发〔2026〕12号"
REGISTER = reverse("documents:incoming_register")
STALE = "Someone changed this document meanwhile"


def form_data(**overrides) -> dict:
    """The registration form as the browser sends it, filled in."""
    data = {
        "token": uuid.uuid4().hex,
        "source_organ": "",
        "source_name": SOURCE,
        "source_number": SOURCE_NUMBER,
        "title": TITLE,
        "kind": "notice",
        "classification": str(Classification.PUBLIC),
        "secrecy_period": "",
        "urgency": "0",
        "copy_number": "",
        "signed_on": "",
        "received_at": "",
        "pages": "3",
        "copies": "1",
        "handling": "action",
        "deadline_days": "5",
        "deadline_source": "document",
        "summary": "下达专项经费三十万元，请按要求使用并报送执行情况。",
        "note": "",
    }
    data.update(overrides)
    return data


def blank_form() -> dict:
    """The registration form as the browser sends it untouched (selects and radios keep their
    first or initial value)."""
    return {
        key: ""
        for key in form_data()
        if key not in ("classification", "urgency", "handling", "deadline_source", "token")
    } | {
        "token": uuid.uuid4().hex,
        "classification": "0",
        "urgency": "0",
        "handling": "action",
        "deadline_source": "document",
        "copies": "1",
    }


def register(actor, **overrides) -> IncomingDocument:
    """A registration through the service, as the form hands it over."""
    data = {
        "source_name": SOURCE,
        "source_number": SOURCE_NUMBER,
        "title": TITLE,
        "classification": Classification.PUBLIC,
        "handling": "action",
        "summary": "下达专项经费。",
    }
    data.update(overrides)
    return services_incoming.register(actor=actor, data=data)


def detail_url(document) -> str:
    return reverse("documents:incoming_detail", args=[document.pk])


def accept_url(document) -> str:
    return reverse("documents:incoming_accept", args=[document.pk])


def return_url(document) -> str:
    return reverse("documents:incoming_return", args=[document.pk])


def notice_url(document) -> str:
    return reverse("documents:incoming_return_notice", args=[document.pk])


def fresh(document) -> IncomingDocument:
    return IncomingDocument.objects.get(pk=document.pk)


def number(serial: int) -> str:
    return f"收〔{timezone.localtime().year}〕{serial}号"


@pytest.fixture
def cleared_clerk(office_clerk):
    """An office clerk cleared for 秘密."""
    office_clerk.clearance = Classification.SECRET
    office_clerk.save(update_fields=["clearance"])
    return office_clerk


# --- 签收 and 登记 -----------------------------------------------------------------------------


def test_the_office_registers_a_document_and_gets_its_number(client, login_as, office_clerk):
    login_as(office_clerk)

    page = client.get(REGISTER)
    response = client.post(REGISTER, form_data())

    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="token"' in content and 'list="source-names"' in content
    document = IncomingDocument.objects.get()
    assert response.status_code == 302 and response.url == detail_url(document)
    assert (document.serial, document.year) == (1, timezone.localtime().year)
    assert (document.source_name, document.source_number, document.title) == (
        SOURCE,
        SOURCE_NUMBER,
        TITLE,
    )
    assert document.state == IncomingState.REGISTERED
    assert document.registered_by == office_clerk
    assert document.deadline is not None and document.deadline_source == "document"
    event = AuditEvent.objects.get(action="documents.incoming_registered")
    assert (event.object_id, event.actor_id) == (str(document.pk), office_clerk.pk)
    assert event.detail["number"] == number(1)
    shown = client.get(response.url).content.decode()
    assert f"Registered as {number(1)}." in shown
    assert TITLE in shown and SOURCE_NUMBER in shown


def test_a_document_without_a_deadline_is_registered_without_one(client, login_as, office_clerk):
    # The "set by" select always sends a value; with no number of days there is no deadline.
    login_as(office_clerk)

    response = client.post(REGISTER, form_data(deadline_days="", deadline_source="document"))

    assert response.status_code == 302
    document = IncomingDocument.objects.get()
    assert (document.deadline, document.deadline_source) == (None, "")


def test_the_sources_already_used_are_suggested(client, login_as, office_clerk):
    register(office_clerk, source_name="省市场监督管理局")
    login_as(office_clerk)

    content = client.get(REGISTER).content.decode()

    assert '<datalist id="source-names"><option value="省市场监督管理局">' in content


def test_the_suggested_sources_are_the_latest_used_each_once(office_clerk):
    """Read from the newest registrations (a DISTINCT over every document read the whole table),
    the most recent first."""
    from zhongshu.documents import selectors_incoming

    for name in ("省市场监督管理局", "市人民政府", "省市场监督管理局", "市财政局"):
        register(office_clerk, source_name=name)

    assert selectors_incoming.sources_of(office_clerk) == [
        "市财政局",
        "省市场监督管理局",
        "市人民政府",
    ]


def test_an_empty_form_answers_400_next_to_the_fields_and_writes_nothing(
    client,
    login_as,
    office_clerk,
):
    login_as(office_clerk)

    untouched = client.post(REGISTER, blank_form())
    nothing = client.post(REGISTER, {})

    assert untouched.status_code == 400
    form = untouched.context["form"]
    assert form.errors["source_name"] == ["Name the organ that sent it."]
    assert form.errors["title"] == ["Give the title."]
    assert "Please correct the following:" in untouched.content.decode()
    assert nothing.status_code == 400
    assert "classification" in nothing.context["form"].errors
    assert not IncomingDocument.objects.exists()
    assert not IncomingCounter.objects.exists()
    assert not AuditEvent.objects.filter(action="documents.incoming_registered").exists()


def test_a_time_received_in_the_future_answers_400(client, login_as, office_clerk):
    login_as(office_clerk)
    tomorrow = timezone.localtime() + timedelta(days=1)

    response = client.post(REGISTER, form_data(received_at=tomorrow.strftime("%Y-%m-%dT%H:%M")))

    assert response.status_code == 400
    assert response.context["form"].errors["received_at"] == [
        "The time received cannot be in the future."
    ]
    assert not IncomingDocument.objects.exists()


def test_a_document_dated_after_it_was_received_answers_400(client, login_as, office_clerk):
    login_as(office_clerk)
    data = form_data(received_at="2026-03-02T09:30", signed_on="2026-03-05")

    response = client.post(REGISTER, data)

    assert response.status_code == 400
    assert response.context["form"].errors["signed_on"] == [
        "The document cannot be dated after it was received."
    ]
    assert not IncomingDocument.objects.exists()


def test_the_same_form_sent_twice_registers_one_document(client, login_as, office_clerk):
    login_as(office_clerk)
    data = form_data()

    first = client.post(REGISTER, data)
    second = client.post(REGISTER, data)

    document = IncomingDocument.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == detail_url(document)
    assert AuditEvent.objects.filter(action="documents.incoming_registered").count() == 1
    assert IncomingCounter.objects.get().last == 1


def test_the_same_document_registered_again_is_flagged_with_a_warning(
    client,
    login_as,
    office_clerk,
):
    earlier = register(office_clerk)
    login_as(office_clerk)

    response = client.post(REGISTER, form_data(), follow=True)

    later = IncomingDocument.objects.exclude(pk=earlier.pk).get()
    assert later.duplicate_of == earlier and later.serial == 2
    content = response.content.decode()
    assert f"Registered as {number(2)}." in content
    assert f"was already registered as {number(1)}" in content
    assert f'href="{detail_url(earlier)}"' in content
    assert f"registered before as {number(1)}" in content  # the page's own notice
    shown = client.get(detail_url(earlier)).content.decode()
    assert "Registered again later as:" in shown and number(2) in shown


def test_a_classified_document_is_registered_by_its_catalogue_data_only(
    client, login_as, cleared_clerk, settings
):
    settings.CLASSIFIED_NETWORK = False
    login_as(cleared_clerk)
    secret = {"classification": str(Classification.SECRET), "secrecy_period": "1年"}

    page = client.get(REGISTER).content.decode()
    refused = client.post(REGISTER, form_data(**secret))
    accepted = client.post(REGISTER, form_data(**secret, summary="", title_is_neutral="on"))

    assert "registered by its catalogue data only" in page
    assert refused.status_code == 400
    errors = refused.context["form"].errors
    assert "not approved for classified information" in errors["summary"][0]
    assert "reveals nothing secret" in errors["title_is_neutral"][0]
    assert accepted.status_code == 302
    document = IncomingDocument.objects.get()
    assert document.title_is_neutral is True and document.summary == ""
    assert document.classification == Classification.SECRET
    shown = client.get(accepted.url).content.decode()
    assert "Neutral title" in shown
    assert "Registered by its catalogue data only" in shown


def test_on_a_classified_network_a_classified_document_keeps_its_text(
    client, login_as, cleared_clerk, settings
):
    settings.CLASSIFIED_NETWORK = True
    login_as(cleared_clerk)

    page = client.get(REGISTER).content.decode()
    response = client.post(REGISTER, form_data(classification=str(Classification.SECRET)))

    assert "registered by its catalogue data only" not in page
    assert response.status_code == 302
    document = IncomingDocument.objects.get()
    assert document.summary and document.title_is_neutral is False


def test_a_classification_above_the_clerks_clearance_is_refused(client, login_as, office_clerk):
    login_as(office_clerk)  # cleared for 内部 only

    response = client.post(REGISTER, form_data(classification=str(Classification.SECRET)))

    assert response.status_code == 400
    assert "classification" in response.context["form"].errors
    assert not IncomingDocument.objects.exists()


def test_someone_outside_the_office_may_not_register(client, login_as, org):
    login_as(org["drafter"])

    responses = [client.get(REGISTER), client.post(REGISTER, form_data())]

    assert [r.status_code for r in responses] == [403, 403]
    assert not IncomingDocument.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


# --- The document's page ------------------------------------------------------------------------


def test_the_page_shows_the_catalogue_data_and_the_review(client, login_as, office_clerk):
    document = register(office_clerk, deadline_days=5, deadline_source="office", copy_number="3")
    login_as(office_clerk)

    response = client.get(detail_url(document))

    assert response.status_code == 200
    content = response.content.decode()
    assert number(1) in content and TITLE in content and SOURCE_NUMBER in content
    assert "000003" in content  # 份号 as six digits
    assert "For action (办件)" in content and "Set by the office" in content
    assert "5 working days left" in content
    assert f'action="{accept_url(document)}"' in content
    assert f'href="{return_url(document)}"' in content
    assert response.context["overdue"] is False


def test_an_overdue_document_is_marked(client, login_as, office_clerk):
    document = register(office_clerk, deadline_days=1)
    IncomingDocument.objects.filter(pk=document.pk).update(
        deadline=timezone.now() - timedelta(days=10)
    )
    login_as(office_clerk)

    response = client.get(detail_url(document))

    assert response.context["overdue"] is True
    assert response.context["overdue_days"] >= 1
    assert '<span class="tag tag-red">Overdue</span>' in response.content.decode()


def test_someone_outside_the_office_gets_404(client, login_as, office_clerk, org):
    document = register(office_clerk)
    login_as(org["drafter"])

    responses = [
        client.get(detail_url(document)),
        client.post(accept_url(document), {"version": document.version}),
        client.get(return_url(document)),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert fresh(document).state == IncomingState.REGISTERED
    denied = AuditEvent.objects.filter(action="access.denied")
    assert denied.count() == 3
    assert {e.object_id for e in denied} == {str(document.pk)}


def test_a_document_above_the_clerks_clearance_answers_404(
    client,
    login_as,
    cleared_clerk,
    office,
    unit,
):
    from tests.factories import MembershipFactory, UserFactory

    document = register(
        cleared_clerk, classification=Classification.SECRET, summary="", title_is_neutral=True
    )
    colleague = UserFactory(unit=unit, username="clerk2", full_name="孙文书")  # 内部 only
    MembershipFactory(user=colleague, department=office)
    login_as(colleague)

    response = client.get(detail_url(document))

    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.denied")
    assert event.object_id == str(document.pk)
    assert not AuditEvent.objects.filter(action="documents.read").exists()


def test_reading_a_classified_document_is_audited(client, login_as, cleared_clerk, settings):
    settings.CLASSIFIED_NETWORK = False
    secret = register(
        cleared_clerk, classification=Classification.SECRET, summary="", title_is_neutral=True
    )
    public = register(cleared_clerk, source_number="市财发〔2026〕13号")
    login_as(cleared_clerk)

    client.get(detail_url(secret))
    client.get(detail_url(public))

    event = AuditEvent.objects.get(action="documents.read")
    assert (event.object_id, event.actor_id) == (str(secret.pk), cleared_clerk.pk)
    assert event.detail == {"page": "detail"}
    assert event.classification == Classification.SECRET


# --- 初审: accept -------------------------------------------------------------------------------


def test_the_office_accepts_a_document(client, login_as, office_clerk):
    document = register(office_clerk)
    login_as(office_clerk)

    response = client.post(accept_url(document), {"version": document.version})

    assert response.status_code == 302 and response.url == detail_url(document)
    accepted = fresh(document)
    assert accepted.state == IncomingState.ACCEPTED
    assert accepted.reviewed_by == office_clerk
    assert AuditEvent.objects.filter(action="documents.incoming_accepted").count() == 1
    shown = client.get(detail_url(document)).content.decode()
    assert "passed the first review" in shown
    assert f'action="{accept_url(document)}"' not in shown


def test_accepting_twice_answers_409(client, login_as, office_clerk):
    document = register(office_clerk)
    login_as(office_clerk)
    client.post(accept_url(document), {"version": document.version})

    response = client.post(accept_url(document), {"version": document.version})

    assert response.status_code == 409
    assert "Only a document waiting for its first review can be accepted" in (
        response.content.decode()
    )
    assert AuditEvent.objects.filter(action="documents.incoming_accepted").count() == 1


def test_accepting_a_stale_page_answers_412(client, login_as, office_clerk):
    document = register(office_clerk)
    login_as(office_clerk)

    response = client.post(accept_url(document), {"version": document.version + 1})

    assert response.status_code == 412
    content = response.content.decode()
    assert STALE in content
    assert f'name="version" value="{document.version}"' in content  # the current one to retry
    assert fresh(document).state == IncomingState.REGISTERED


def test_accepting_without_a_version_answers_400(client, login_as, office_clerk):
    document = register(office_clerk)
    login_as(office_clerk)

    response = client.post(accept_url(document), {})

    assert response.status_code == 400
    assert fresh(document).state == IncomingState.REGISTERED


# --- 初审: return -------------------------------------------------------------------------------


def test_the_return_form_lists_the_reasons(client, login_as, office_clerk):
    document = register(office_clerk)
    login_as(office_clerk)

    response = client.get(return_url(document))

    assert response.status_code == 200
    content = response.content.decode()
    for key, _label in services_incoming.RETURN_REASONS:
        assert f'value="{key}"' in content
    assert f'action="{return_url(document)}"' in content


def test_the_office_returns_a_document_to_its_sender(client, login_as, office_clerk):
    document = register(office_clerk)
    login_as(office_clerk)

    response = client.post(
        return_url(document),
        {
            "version": document.version,
            "reasons": ["not_ours", "format"],
            "note": "请改送市农业局。",
        },
    )

    assert response.status_code == 302 and response.url == detail_url(document)
    returned = fresh(document)
    assert returned.state == IncomingState.RETURNED
    assert returned.return_reasons == ["not_ours", "format"]
    assert returned.return_note == "请改送市农业局。"
    event = AuditEvent.objects.get(action="documents.incoming_returned")
    assert event.detail == {"reasons": ["not_ours", "format"], "note": "请改送市农业局。"}
    shown = client.get(detail_url(document)).content.decode()
    assert f"is returned to {SOURCE}" in shown
    assert "It is not for this organ to handle" in shown and "请改送市农业局。" in shown
    assert f'href="{notice_url(document)}"' in shown


def test_returning_without_a_reason_answers_400(client, login_as, office_clerk):
    document = register(office_clerk)
    login_as(office_clerk)

    no_reason = client.post(return_url(document), {"version": document.version, "note": ""})
    other = client.post(return_url(document), {"version": document.version, "reasons": "other"})

    assert no_reason.status_code == other.status_code == 400
    assert no_reason.context["return_form"].errors["reasons"] == [
        "Tick at least one reason for returning it."
    ]
    assert other.context["return_form"].errors["note"] == ["Say what the other reason is."]
    assert 'value="other" id="id_reasons_7" checked' in other.content.decode()
    assert fresh(document).state == IncomingState.REGISTERED
    assert not AuditEvent.objects.filter(action="documents.incoming_returned").exists()


def test_returning_a_stale_page_answers_412_with_the_reasons_kept(
    client,
    login_as,
    office_clerk,
):
    document = register(office_clerk)
    login_as(office_clerk)

    response = client.post(
        return_url(document), {"version": document.version + 1, "reasons": ["rules"]}
    )

    assert response.status_code == 412
    content = response.content.decode()
    assert STALE in content
    assert 'value="rules" id="id_reasons_1" checked' in content
    assert f'name="version" value="{document.version}"' in content
    assert fresh(document).state == IncomingState.REGISTERED


def test_returning_twice_answers_409(client, login_as, office_clerk):
    document = register(office_clerk)
    login_as(office_clerk)
    data = {"version": document.version, "reasons": ["rules"]}
    client.post(return_url(document), data)

    again = client.post(return_url(document), data)
    accept = client.post(accept_url(document), {"version": document.version})

    assert again.status_code == accept.status_code == 409
    assert "Only a document waiting for its first review can be returned" in (
        again.content.decode()
    )
    assert AuditEvent.objects.filter(action="documents.incoming_returned").count() == 1
    assert fresh(document).state == IncomingState.RETURNED


def test_the_return_form_of_a_reviewed_document_goes_back_to_its_page(
    client,
    login_as,
    office_clerk,
):
    document = register(office_clerk)
    services_incoming.review_accept(
        actor=office_clerk, document=document, expected_version=document.version
    )
    login_as(office_clerk)

    response = client.get(return_url(document))

    assert response.status_code == 302 and response.url == detail_url(document)


# --- The 退文通知单 -----------------------------------------------------------------------------


def test_the_return_notice_exists_once_returned(client, login_as, office_clerk):
    document = register(office_clerk, signed_on=timezone.localdate() - timedelta(days=3))
    login_as(office_clerk)

    before = client.get(notice_url(document))
    services_incoming.review_return(
        actor=office_clerk,
        document=document,
        expected_version=document.version,
        reasons=["request_recipients", "other"],
        note="附件缺页。",
    )
    after = client.get(notice_url(document))

    assert before.status_code == 404
    assert after.status_code == 200
    content = after.content.decode()
    assert "Notice of a returned document" in content
    assert f"To: {SOURCE}" in content
    assert SOURCE_NUMBER in content and TITLE in content and number(1) in content
    assert "A 请示 with more than one main recipient" in content and "Other (其他)" in content
    assert "附件缺页。" in content
    assert "市食品药品监督管理局办公室" in content  # the unit and its office sign it
    assert "data-print" in content and "<script>" not in content


def test_the_return_notice_of_a_document_the_clerk_may_not_see_answers_404(
    client,
    login_as,
    office_clerk,
    org,
):
    document = register(office_clerk)
    services_incoming.review_return(
        actor=office_clerk, document=document, expected_version=document.version, reasons=["rules"]
    )
    login_as(org["drafter"])

    response = client.get(notice_url(document))

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() == 1
