# ruff: noqa: F811  (pytest fixtures imported from the support module)
"""分送 of a 阅件 (条例 §24 step 4; issue 5): the office's 分送 page (people with the picker and
whole departments), the readers' "Incoming to read" page, the document's page opening for a
reader and marking their reading read, and the office's read receipts on the page and the list.
"""

import itertools

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.documents.drafting_support import office_clerk, org  # noqa: F401  (fixtures)
from zhongshu.core.models import AuditEvent, Classification
from zhongshu.documents import services_incoming, views_incoming
from zhongshu.documents.models import IncomingDocument, IncomingReading, IncomingState

pytestmark = pytest.mark.django_db

TITLE = "关于做好节日期间值班工作的通知"
SOURCE = "市人民政府办公室"
TO_READ = reverse("documents:incoming_to_read")
LIST = reverse("documents:incoming_list")
_numbers = itertools.count(1)


def registered(clerk, **data) -> IncomingDocument:
    """A 阅件 (unless ``handling`` says otherwise) registered by the office, waiting for 初审."""
    fields = {
        "source_name": SOURCE,
        "source_number": f"市府办函〔2026〕{next(_numbers)}号",
        "title": TITLE,
        "classification": Classification.PUBLIC,
        "handling": "reading",
        "summary": "请各单位安排好节日期间值班。",
        **data,
    }
    return services_incoming.register(actor=clerk, data=fields)


def accepted(clerk, **data) -> IncomingDocument:
    """A document past its 初审, to be sent on."""
    document = registered(clerk, **data)
    return services_incoming.review_accept(
        actor=clerk, document=document, expected_version=document.version
    )


def sent(clerk, document, *people, departments=()) -> IncomingDocument:
    """The document sent to ``people`` through the service; the document as it is now."""
    document = fresh(document)
    services_incoming.send_for_reading(
        actor=clerk,
        document=document,
        expected_version=document.version,
        people=list(people),
        departments=list(departments),
    )
    return fresh(document)


def fresh(document) -> IncomingDocument:
    return IncomingDocument.objects.get(pk=document.pk)


def send_url(document) -> str:
    return reverse("documents:incoming_send", args=[document.pk])


def detail_url(document) -> str:
    return reverse("documents:incoming_detail", args=[document.pk])


def readers(document) -> set:
    return set(IncomingReading.objects.filter(document=document).values_list("person", flat=True))


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def post_send(client, document, *, people=(), departments=(), version=None):
    data = {
        "version": version if version is not None else fresh(document).version,
        "people": [p.pk for p in people],
        "departments": [d.pk for d in departments],
    }
    return client.post(send_url(document), data)


# --- The 分送 page --------------------------------------------------------------------------------


def test_the_office_sends_to_people_and_to_the_members_of_a_department(
    client, login_as, office_clerk, org
):
    document = accepted(office_clerk, classification=Classification.INTERNAL)
    org["colleague"].clearance = Classification.PUBLIC  # in the department, not cleared for it
    org["colleague"].save(update_fields=["clearance"])
    login_as(office_clerk)

    response = post_send(client, document, people=[org["principal"]], departments=[org["business"]])

    assert response.status_code == 302 and response.url == detail_url(document)
    assert readers(document) == {org["principal"].pk, org["drafter"].pk, org["head"].pk}
    assert fresh(document).state == IncomingState.READING
    assert shown(response) == [
        "Sent to 3 readers.",
        "Not sent to 吴同事: not cleared for this classification.",
    ]
    reading = IncomingReading.objects.get(document=document, person=org["drafter"])
    assert (reading.sent_by, reading.read_at) == (office_clerk, None)
    event = AuditEvent.objects.get(action="documents.incoming_sent_for_reading")
    assert event.detail["sent_to"] == 3
    assert event.detail["not_cleared"] == [org["colleague"].pk]


def test_someone_who_has_it_already_is_not_sent_it_again(client, login_as, office_clerk, org):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"])
    first = IncomingReading.objects.get(document=document, person=org["drafter"])
    login_as(office_clerk)

    response = post_send(client, document, people=[org["drafter"], org["head"]])

    assert response.status_code == 302
    assert shown(response) == ["Sent to 1 reader. 1 had it already."]
    assert IncomingReading.objects.filter(document=document).count() == 2
    assert IncomingReading.objects.get(pk=first.pk).sent_at == first.sent_at


def test_nobody_new_to_send_it_to_answers_400(client, login_as, office_clerk, org):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"])
    login_as(office_clerk)

    again = post_send(client, document, people=[org["drafter"]])
    nobody = post_send(client, document)

    assert (again.status_code, nobody.status_code) == (400, 400)
    assert "Everyone chosen has this document already" in again.content.decode()
    assert "Choose at least one person or department." in nobody.content.decode()
    assert readers(document) == {org["drafter"].pk}


def test_a_person_of_another_unit_answers_400(client, login_as, office_clerk, org):
    from tests.factories import UserFactory

    stranger = UserFactory(full_name="外单位人员")
    document = accepted(office_clerk)
    login_as(office_clerk)

    response = post_send(client, document, people=[stranger])

    assert response.status_code == 400
    assert "Choose people of this unit." in response.content.decode()
    assert not IncomingReading.objects.exists()
    assert fresh(document).state == IncomingState.ACCEPTED


def test_a_document_for_action_is_refused_409(client, login_as, office_clerk, org):
    document = accepted(office_clerk, handling="action", deadline_days=5)
    login_as(office_clerk)

    response = post_send(client, document, people=[org["drafter"]])
    page = client.get(send_url(document))

    assert response.status_code == 409
    assert "it is handled, not sent to readers" in response.content.decode()
    assert 'id="send-form"' not in response.content.decode()  # only why, no form
    assert not IncomingReading.objects.exists()
    assert fresh(document).state == IncomingState.ACCEPTED
    assert page.status_code == 302 and page.url == detail_url(document)


def test_a_document_not_yet_reviewed_is_refused_409(client, login_as, office_clerk, org):
    document = registered(office_clerk)
    login_as(office_clerk)

    response = post_send(client, document, people=[org["drafter"]])

    assert response.status_code == 409
    assert "Only an accepted document for information (阅件) is sent to readers" in (
        response.content.decode()
    )
    assert not IncomingReading.objects.exists()
    assert fresh(document).state == IncomingState.REGISTERED


def test_a_stale_page_answers_412(client, login_as, office_clerk, org):
    document = accepted(office_clerk)
    login_as(office_clerk)

    response = post_send(client, document, people=[org["drafter"]], version=document.version - 1)

    assert response.status_code == 412
    assert "Someone changed this document meanwhile" in response.content.decode()
    assert not IncomingReading.objects.exists()


def test_someone_outside_the_office_gets_404_on_the_send_page(client, login_as, office_clerk, org):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"])
    login_as(org["drafter"])  # a reader of it, not of the office

    responses = [client.get(send_url(document)), post_send(client, document, people=[org["head"]])]

    assert [r.status_code for r in responses] == [404, 404]
    assert readers(document) == {org["drafter"].pk}
    denied = AuditEvent.objects.filter(action="access.denied")
    assert [e.object_id for e in denied] == [str(document.pk)] * 2


def test_the_send_page_offers_the_picker_and_the_departments(client, login_as, office_clerk, org):
    document = accepted(office_clerk)
    login_as(office_clerk)

    page = client.get(send_url(document))
    picking = client.get(send_url(document), {"to_user": org["drafter"].pk}, HTTP_HX_REQUEST="true")

    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="to_user-q"' in content and f'hx-get="{send_url(document)}"' in content
    assert "食品生产监管科" in content and 'name="departments"' in content
    assert "黄晓明" not in content  # people are found with the picker, never listed whole
    assert "Nobody chosen yet." in content
    chosen = picking.content.decode()
    assert f'id="people-{org["drafter"].pk}"' in chosen and "黄晓明" in chosen
    assert not IncomingReading.objects.exists()  # choosing sends nothing


def test_the_office_is_offered_sending_only_for_an_accepted_document_for_information(
    client, login_as, office_clerk
):
    reading = accepted(office_clerk)
    action = accepted(office_clerk, handling="action", deadline_days=5)
    waiting = registered(office_clerk)
    login_as(office_clerk)

    pages = {d: client.get(detail_url(d)).content.decode() for d in (reading, action, waiting)}

    assert f'href="{send_url(reading)}"' in pages[reading]
    assert "Not sent to anyone yet." in pages[reading]
    assert f'href="{send_url(action)}"' not in pages[action]
    assert f'href="{send_url(waiting)}"' not in pages[waiting]


# --- Readers ------------------------------------------------------------------------------------


def test_a_reader_finds_it_on_their_page_and_opening_it_is_the_read_receipt(
    client, login_as, office_clerk, org
):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"], org["head"])
    login_as(org["drafter"])

    listed = client.get(TO_READ)
    opened = client.get(detail_url(document))

    assert listed.status_code == 200
    content = listed.content.decode()
    assert TITLE in content and f'href="{detail_url(document)}"' in content
    assert '<span class="tag tag-blue">Unread</span>' in content
    assert [r.document_id for r in listed.context["rows"]] == [document.pk]
    assert opened.status_code == 200
    assert IncomingReading.objects.get(document=document, person=org["drafter"]).read_at
    assert IncomingReading.objects.get(document=document, person=org["head"]).read_at is None
    assert "Sent to you by 赵文书" in opened.content.decode()
    assert 'tag-blue">Unread' not in client.get(TO_READ).content.decode()

    login_as(office_clerk)
    office_page = client.get(detail_url(document))

    receipts = office_page.context["receipts"]
    assert (receipts.read, receipts.total) == (1, 2)
    assert [r.person.full_name for r in receipts.unread] == ["周科长"]
    office_content = office_page.content.decode()
    assert '<span class="fs-4 fw-semibold">1/2</span>' in office_content
    assert "1 person has not read it" in office_content and "周科长" in office_content
    assert IncomingReading.objects.get(document=document, person=org["head"]).read_at is None


def test_a_reader_sees_the_document_without_the_office_panels(client, login_as, office_clerk, org):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"], org["head"])
    login_as(org["drafter"])

    response = client.get(detail_url(document))

    content = response.content.decode()
    assert TITLE in content and "请各单位安排好节日期间值班。" in content
    assert "First review (初审)" not in content and "Readers (分送)" not in content
    assert send_url(document) not in content and f'href="{LIST}"' not in content
    assert "周科长" not in content  # who else reads it is the office's business
    assert f'href="{TO_READ}"' in content
    assert "receipts" not in response.context


def test_the_office_opening_the_page_marks_no_one_s_reading_read(
    client, login_as, office_clerk, org
):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"])
    login_as(office_clerk)

    client.get(detail_url(document))

    assert IncomingReading.objects.get(document=document).read_at is None


def test_someone_it_was_not_sent_to_gets_404(client, login_as, office_clerk, org):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"])
    login_as(org["colleague"])

    response = client.get(detail_url(document))
    listed = client.get(TO_READ)

    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.object_id, event.actor_id) == (str(document.pk), org["colleague"].pk)
    assert listed.context["rows"] == []
    assert "Nothing to read." in listed.content.decode()
    assert readers(document) == {org["drafter"].pk}


def test_a_reader_no_longer_cleared_for_it_gets_404(client, login_as, office_clerk, org):
    document = accepted(office_clerk, classification=Classification.INTERNAL)
    document = sent(office_clerk, document, org["drafter"])
    org["drafter"].clearance = Classification.PUBLIC
    org["drafter"].save(update_fields=["clearance"])
    login_as(org["drafter"])

    response = client.get(detail_url(document))
    listed = client.get(TO_READ)

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() == 1
    assert listed.context["rows"] == []
    assert IncomingReading.objects.get(document=document).read_at is None


def test_the_to_read_page_lists_unread_first_with_keyset_paging(
    client, login_as, office_clerk, org, monkeypatch
):
    monkeypatch.setattr(views_incoming, "TO_READ_PAGE_SIZE", 2)
    oldest, middle, newest = (
        sent(office_clerk, accepted(office_clerk), org["drafter"]) for _ in range(3)
    )
    services_incoming.mark_read(org["drafter"], newest)
    login_as(org["drafter"])

    first = client.get(TO_READ)
    second = client.get(TO_READ + first.context["next_url"])
    again = client.get(TO_READ + first.context["next_url"], HTTP_HX_REQUEST="true")

    assert [r.document_id for r in first.context["rows"]] == [middle.pk, oldest.pk]
    assert first.context["next_url"] == f"?after=u{oldest.pk}"
    assert first.context["unread_count"] == 2
    assert [r.document_id for r in second.context["rows"]] == [newest.pk]
    assert second.context["next_url"] == "" and second.context["first_url"] == TO_READ
    assert again.status_code == 200
    assert b'id="to-read"' in again.content and b"<html" not in again.content


def test_a_bad_cursor_shows_the_first_page(client, login_as, office_clerk, org):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"])
    login_as(org["drafter"])

    response = client.get(TO_READ, {"after": "x'; drop"})

    assert response.status_code == 200
    assert [r.document_id for r in response.context["rows"]] == [document.pk]


def test_every_business_user_has_the_to_read_page_in_the_navigation(client, login_as, org):
    login_as(org["drafter"])

    response = client.get(TO_READ)

    content = response.content.decode()
    assert f'href="{TO_READ}"' in content and "Incoming to read" in content
    assert f'href="{LIST}"' not in content  # the office's list is not theirs


def test_the_to_read_page_takes_a_constant_number_of_queries(
    client, login_as, office_clerk, org, django_assert_max_num_queries
):
    for _ in range(3):
        sent(office_clerk, accepted(office_clerk), org["drafter"])
    login_as(org["drafter"])
    client.get(TO_READ)  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(TO_READ)
    for _ in range(25):
        sent(office_clerk, accepted(office_clerk), org["drafter"])
    services_incoming.mark_read(org["drafter"], IncomingDocument.objects.first())

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(TO_READ)

    assert len(response.context["rows"]) == views_incoming.TO_READ_PAGE_SIZE
    assert response.context["unread_count"] == 27


# --- The office's list ----------------------------------------------------------------------------


def test_the_list_shows_how_many_readers_have_read_it(client, login_as, office_clerk, org):
    document = sent(office_clerk, accepted(office_clerk), org["drafter"], org["head"])
    services_incoming.mark_read(org["drafter"], document)
    waiting = accepted(office_clerk)
    login_as(office_clerk)

    response = client.get(LIST)

    rows = {d.pk: d for d in response.context["rows"]}
    assert rows[document.pk].progress == (1, 2)
    assert rows[waiting.pk].progress is None
    content = response.content.decode()
    assert "Being read (分送中)" in content and "— 1/2 read" in content


def test_the_list_with_documents_being_read_takes_a_constant_number_of_queries(
    client, login_as, office_clerk, org, django_assert_max_num_queries
):
    for _ in range(2):
        sent(office_clerk, accepted(office_clerk), org["drafter"], org["head"])
    login_as(office_clerk)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(15) as few:
        client.get(LIST)
    for _ in range(20):
        sent(office_clerk, accepted(office_clerk), org["drafter"], org["head"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)

    assert len(response.context["rows"]) == 20
    assert all(d.progress == (0, 2) for d in response.context["rows"])
