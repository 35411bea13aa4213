"""核发 in Zhongshu: people and whole departments get the document in 「抄送我的」, and the office
sees who has read it ("2/3 read")."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.documents.factories import NumberSeriesFactory
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from tests.documents.test_handling_fixtures import CLASSIFIED
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from zhongshu.core.models import AuditEvent, Classification, StaleVersionError
from zhongshu.documents import handling, selectors
from zhongshu.documents.models import Dispatch, OutgoingDocument, State
from zhongshu.documents.services import DocumentError
from zhongshu.notify.models import Notification
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def general(unit):
    """综合处: three active members (one of them also in 法规处), one who has left."""
    department = DepartmentFactory(unit=unit, name="综合处", code="ZHC")
    other = DepartmentFactory(unit=unit, name="法规处", code="FGC")
    people = [
        UserFactory(unit=unit, username=f"zh{n}", full_name=name)
        for n, name in enumerate(["周一", "吴二", "郑三"])
    ]
    for person in people:
        MembershipFactory(user=person, department=department)
    MembershipFactory(user=people[0], department=other, is_primary=False)
    gone = UserFactory(unit=unit, username="gone", full_name="离职者", is_active=False)
    MembershipFactory(user=gone, department=department)
    return {"department": department, "other": other, "people": people, "gone": gone}


def fresh(document) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=document.pk)


def distribute(document, clerk, **kwargs):
    return handling.document_distribute(
        actor=clerk, document=document, expected_version=fresh(document).version, **kwargs
    )


def test_a_department_gets_it_in_every_member_s_inbox(at_state, office_clerk, general):
    document = at_state(State.SEALED)
    version = document.version

    result = handling.document_distribute(
        actor=office_clerk,
        document=document,
        expected_version=version,
        departments=[general["department"], general["other"]],
    )

    people = general["people"]
    assert sorted(p.pk for p in result.added) == sorted(p.pk for p in people)
    assert result.already == [] and result.not_cleared == []
    document = fresh(document)
    assert document.state == State.DISTRIBUTED and document.version == version + 1
    assert document.milestones["distributed"]["by"] == office_clerk.pk
    rows = Dispatch.objects.filter(document=document)
    assert sorted(rows.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    assert set(rows.values_list("channel", "read_at", "sent_by")) == {
        (Dispatch.Channel.SYSTEM, None, office_clerk.pk)
    }
    copies = WorkItem.objects.filter(is_cc=True, step_name=handling.DISTRIBUTION_STEP)
    assert sorted(copies.values_list("assignee_id", flat=True)) == sorted(p.pk for p in people)
    assert set(copies.values_list("read_at", flat=True)) == {None}
    for person in people:
        box, _cursor = workflow_selectors.inbox(person, box="cc")
        assert [item.title for item in box] == [document.title]
        assert selectors.can_view(person, document)
    assert Notification.objects.filter(event="work.cc").count() == 3
    event = AuditEvent.objects.get(action="documents.distributed")
    assert event.detail["departments"] == [general["department"].pk, general["other"].pk]


def test_read_receipts_count_who_opened_it(at_state, office_clerk, general):
    document = at_state(State.SEALED)
    distribute(document, office_clerk, departments=[general["department"]])
    first, second, third = general["people"]

    assert handling.mark_read(first, document) is True
    assert handling.mark_read(third, document) is True

    receipts = handling.receipts_of(document)
    assert (receipts.read, receipts.total) == (2, 3)
    assert [d.person for d in receipts.unread] == [second]
    assert WorkItem.objects.get(assignee=first, is_cc=True).read_at is not None
    assert WorkItem.objects.get(assignee=second, is_cc=True).read_at is None


def test_opening_it_again_writes_nothing(at_state, office_clerk, general):
    document = at_state(State.SEALED)
    distribute(document, office_clerk, departments=[general["department"]])
    reader = general["people"][0]
    handling.mark_read(reader, document)
    read_at = Dispatch.objects.get(person=reader).read_at

    with CaptureQueriesContext(connection) as queries:
        assert handling.mark_read(reader, document) is False

    assert [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")] == []
    assert Dispatch.objects.get(person=reader).read_at == read_at


def test_marking_read_is_one_update_each(at_state, office_clerk, general):
    document = at_state(State.SEALED)
    distribute(document, office_clerk, departments=[general["department"]])

    with CaptureQueriesContext(connection) as queries:
        handling.mark_read(general["people"][1], document)

    updates = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 2
    assert "documents_dispatch" in updates[0] and "workflow_workitem" in updates[1]


def test_someone_who_was_not_sent_it_reads_nothing(at_state, office_clerk, general, drafter):
    document = at_state(State.SEALED)
    distribute(document, office_clerk, people=[general["people"][0]])

    assert handling.mark_read(drafter, document) is False
    assert handling.receipts_of(document).read == 0


def test_more_recipients_later_and_nobody_twice(at_state, office_clerk, general):
    document = at_state(State.SEALED)
    first, second, _third = general["people"]
    distribute(document, office_clerk, people=[first])

    result = distribute(document, office_clerk, people=[first, second])

    assert [p.pk for p in result.added] == [second.pk]
    assert [p.pk for p in result.already] == [first.pk]
    assert Dispatch.objects.filter(document=document, person=first).count() == 1
    assert WorkItem.objects.filter(assignee=first, is_cc=True).count() == 1
    assert fresh(document).state == State.DISTRIBUTED
    with pytest.raises(ValidationError, match="nobody new"):
        distribute(document, office_clerk, people=[first, second])


def test_department_members_not_cleared_are_left_out(
    classified_network, make_signed, at_state, office_clerk, general
):
    first, second, third = general["people"]
    first.clearance = Classification.SECRET
    first.save(update_fields=["clearance"])
    document = at_state(State.SEALED, make_signed(**CLASSIFIED), copies=2)

    result = distribute(document, office_clerk, departments=[general["department"]])

    assert [p.pk for p in result.added] == [first.pk]
    assert sorted(p.pk for p in result.not_cleared) == sorted([second.pk, third.pk])
    with pytest.raises(ValidationError, match="not cleared"):
        distribute(document, office_clerk, people=[second])


def test_only_a_sealed_document_is_distributed(at_state, office_clerk, general):
    document = at_state(State.PRINTED)

    with pytest.raises(DocumentError, match="Only a sealed document can be distributed"):
        distribute(document, office_clerk, people=general["people"])

    assert not Dispatch.objects.exists() and not WorkItem.objects.filter(is_cc=True).exists()


def test_minutes_are_distributed_without_a_seal(
    make_signed, at_state, office_clerk, general, series
):
    minutes = make_signed(
        kind="minutes", layout="minutes", title="局长办公会议纪要", present=["孙局长"]
    )
    minutes_series = NumberSeriesFactory(owner=series.owner, unit=series.unit, layout="minutes")
    document = at_state(State.PRINTED, minutes, series=minutes_series)

    distribute(document, office_clerk, people=general["people"][:1])

    assert fresh(document).state == State.DISTRIBUTED


def test_a_stale_version_is_refused(at_state, office_clerk, general):
    document = at_state(State.SEALED)

    with pytest.raises(StaleVersionError):
        handling.document_distribute(
            actor=office_clerk,
            document=document,
            expected_version=document.version - 1,
            people=general["people"],
        )

    assert not Dispatch.objects.exists()


def test_people_of_another_unit_are_refused(at_state, office_clerk):
    document = at_state(State.SEALED)
    stranger = UserFactory(full_name="外单位")

    with pytest.raises(ValidationError) as refused:
        distribute(document, office_clerk, people=[stranger])

    assert list(refused.value.message_dict) == ["people"]


# --- The pages ----------------------------------------------------------------------------------


def test_the_office_distributes_to_a_department_on_the_page(
    client, at_state, office_clerk, general
):
    document = at_state(State.SEALED)
    login(client, office_clerk)
    page_url = reverse("documents:dispatch", args=[document.pk])

    page = client.get(page_url)
    response = client.post(
        page_url, {"version": document.version, "departments": [general["department"].pk]}
    )
    handling.mark_read(general["people"][2], document)
    after = client.get(page_url).content.decode()
    receipts = client.get(reverse("documents:dispatch_receipts", args=[document.pk]))

    assert page.status_code == 200
    assert "综合处" in page.content.decode() and "离职者" not in page.content.decode()
    assert response.status_code == 302
    assert "1/3" in after and reverse("documents:dispatch_list", args=[document.pk]) in after
    text = receipts.content.decode()
    assert receipts.status_code == 200
    assert "1/3" in text and "2 people have not read it" in text
    assert "周一" in text and "吴二" in text and "郑三" not in text
    assert '<progress class="w-100" max="3" value="1"' in text


def test_the_distribution_list_prints_a_signature_column(client, at_state, office_clerk, general):
    document = at_state(State.SEALED)
    distribute(document, office_clerk, people=general["people"][:2])
    login(client, office_clerk)

    response = client.get(reverse("documents:dispatch_list", args=[document.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Signature of the recipient" in text
    assert "周一" in text and "吴二" in text and "In Zhongshu" in text
    assert "data-print" in text and "cover_sheet.js" in text


def test_the_page_answers_409_400_and_412(client, at_state, office_clerk, general):
    document = at_state(State.PRINTED)
    login(client, office_clerk)
    page_url = reverse("documents:dispatch", args=[document.pk])
    data = {"version": document.version, "people": [general["people"][0].pk]}

    wrong_state = client.post(page_url, data)
    at_state(State.SEALED, document)
    empty = client.post(page_url, {"version": fresh(document).version})
    stale = client.post(page_url, data)

    assert wrong_state.status_code == 409
    assert "Only a sealed document can be distributed" in wrong_state.content.decode()
    assert empty.status_code == 400
    assert "Choose at least one person or department." in empty.content.decode()
    assert stale.status_code == 412
    assert not Dispatch.objects.exists()


def test_outsiders_are_refused(client, at_state, drafter, general):
    document = at_state(State.SEALED)
    login(client, drafter)
    data = {"version": document.version, "people": [general["people"][0].pk]}

    assert client.post(reverse("documents:dispatch", args=[document.pk]), data).status_code == 403
    for name in ("dispatch_list", "dispatch_receipts"):
        assert client.get(reverse(f"documents:{name}", args=[document.pk])).status_code == 403
    assert not Dispatch.objects.exists()


# --- Choosing people with the colleague picker -----------------------------------------------


def page_url(document) -> str:
    return reverse("documents:dispatch", args=[document.pk])


def test_people_chosen_by_id_get_it(client, at_state, office_clerk, general):
    document = at_state(State.SEALED)
    first, second, third = general["people"]
    login(client, office_clerk)

    # The ids of those chosen so far (ticked boxes), and the one just picked in the picker.
    response = client.post(
        page_url(document),
        {"version": document.version, "people": [first.pk, second.pk], "to_user": third.pk},
    )

    assert response.status_code == 302
    sent = Dispatch.objects.filter(document=document).values_list("person_id", flat=True)
    assert sorted(sent) == sorted([first.pk, second.pk, third.pk])
    assert fresh(document).state == State.DISTRIBUTED


def test_picking_a_person_adds_them_to_the_list_and_sends_nothing(
    client, at_state, office_clerk, general
):
    document = at_state(State.SEALED)
    first, second, third = general["people"]
    login(client, office_clerk)

    # What htmx asks when someone is picked: those chosen so far, the pick, the search.
    response = client.get(
        page_url(document),
        {"people": [first.pk], "to_user": second.pk, "q": second.full_name},
        HTTP_HX_REQUEST="true",
    )

    text = response.content.decode()
    assert response.status_code == 200
    for person in (first, second):
        assert f'name="people" id="people-{person.pk}" value="{person.pk}" checked' in text
    assert f'id="people-{third.pk}"' not in text
    # The picker shows the search again, its choice cleared: the person is on the list now.
    assert f'name="to_user" id="to_user-{second.pk}" value="{second.pk}">' in text
    assert not Dispatch.objects.exists() and fresh(document).version == document.version


def test_someone_of_another_unit_is_refused_on_the_page(client, at_state, office_clerk, general):
    document = at_state(State.SEALED)
    stranger = UserFactory(full_name="外单位甲")
    login(client, office_clerk)

    for data in ({"people": [general["people"][0].pk, stranger.pk]}, {"to_user": stranger.pk}):
        response = client.post(page_url(document), {"version": document.version, **data})

        text = response.content.decode()
        assert response.status_code == 400
        assert "Choose people of this unit." in text and "外单位甲" not in text
    assert not Dispatch.objects.exists() and fresh(document).state == State.SEALED


def test_someone_not_cleared_is_refused_with_the_reason(
    client, classified_network, make_signed, at_state, office_clerk, general
):
    first, second, _third = general["people"]
    first.clearance = Classification.SECRET
    first.save(update_fields=["clearance"])
    document = at_state(State.SEALED, make_signed(**CLASSIFIED), copies=2)
    login(client, office_clerk)

    picked = client.get(page_url(document), {"people": [first.pk], "to_user": second.pk})
    sent = client.post(
        page_url(document), {"version": document.version, "people": [first.pk, second.pk]}
    )

    reason = f"{second.full_name} is not cleared for documents marked"
    assert picked.status_code == 200 and reason in picked.content.decode()
    assert f'id="people-{second.pk}"' not in picked.content.decode()
    assert f'id="people-{first.pk}"' in picked.content.decode()
    assert sent.status_code == 400 and reason in sent.content.decode()
    assert not Dispatch.objects.exists() and fresh(document).state == State.SEALED


def test_the_page_stays_small_with_thousands_of_people(
    client, at_state, office_clerk, unit, django_assert_max_num_queries
):
    document = at_state(State.SEALED)
    get_user_model().objects.bulk_create(
        UserFactory.build(unit=unit, username=f"many{n}", full_name=f"同事{n:03d}", password="!")
        for n in range(300)
    )
    login(client, office_clerk)

    with django_assert_max_num_queries(40):
        page = client.get(page_url(document))
    with django_assert_max_num_queries(40):
        search = client.get(page_url(document), {"q": "同事"})

    text = page.content.decode()
    assert page.status_code == 200 and 'id="to_user-q"' in text
    assert sum(f"同事{n:03d}" in text for n in range(300)) == 0
    found = search.content.decode()
    assert sum(f"同事{n:03d}" in found for n in range(300)) == 20
    assert "Only the first 20 are shown" in found
    assert len(found) < 5 * len(text)


def test_the_search_without_javascript_keeps_those_chosen(client, at_state, office_clerk, general):
    document = at_state(State.SEALED)
    first, second, _third = general["people"]
    login(client, office_clerk)

    response = client.get(page_url(document), {"q": second.full_name, "people": [first.pk]})

    text = response.content.decode()
    assert f'name="people" id="people-{first.pk}" value="{first.pk}" checked' in text
    assert f'name="to_user" id="to_user-{second.pk}"' in text
    assert f'<input type="hidden" name="people" value="{first.pk}">' in text
