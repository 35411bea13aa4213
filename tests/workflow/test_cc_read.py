"""Copies (抄送我的) are read when their recipient opens the run; the cc box marks and filters the
unread ones and can mark them all read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.workflow.helpers import open_item
from zhongshu.core.badges import badges_for
from zhongshu.workflow import selectors, services
from zhongshu.workflow.models import WorkItem

pytestmark = pytest.mark.django_db


def to_step_three(run, people):
    """Approve steps 1 and 2: step 3 (分管领导) starts and copies 同事."""
    for who in ("head", "fin1", "fin2"):
        services.decide(actor=people[who], item=open_item(run, people[who]), decision="approve")


@pytest.fixture
def copied(route, people, make_request):
    """Two runs whose third step copied 同事 (the route's cc)."""
    runs = []
    for title in ("采购办公用品", "维修空调"):
        run = services.run_start(actor=people["drafter"], subject=make_request(title=title))
        to_step_three(run, people)
        runs.append(run)
    return runs


def cc_item(run, user):
    return WorkItem.objects.get(run=run, assignee=user, is_cc=True)


def test_a_copy_is_read_when_its_recipient_opens_the_run(client, copied, people):
    first, second = copied
    assert cc_item(first, people["colleague"]).read_at is None
    login(client, people["colleague"])

    assert client.get(reverse("workflow:run_detail", args=[first.pk])).status_code == 200

    read_at = cc_item(first, people["colleague"]).read_at
    assert read_at is not None
    assert cc_item(second, people["colleague"]).read_at is None
    client.get(reverse("workflow:run_detail", args=[first.pk]))
    assert cc_item(first, people["colleague"]).read_at == read_at  # the first reading stays


def test_someone_else_opening_the_run_does_not_read_the_copy(client, copied, people):
    run = copied[0]
    login(client, people["leader"])

    client.get(reverse("workflow:run_detail", args=[run.pk]))

    assert cc_item(run, people["colleague"]).read_at is None


def test_opening_a_run_with_nothing_new_to_read_writes_nothing(client, copied, people):
    run = copied[0]
    login(client, people["colleague"])
    client.get(reverse("workflow:run_detail", args=[run.pk]))

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("workflow:run_detail", args=[run.pk]))

    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert [w for w in writes if "workflow_workitem" in w] == []


def test_the_cc_box_marks_and_filters_unread_copies(client, copied, people):
    first, second = copied
    login(client, people["colleague"])
    client.get(reverse("workflow:run_detail", args=[first.pk]))
    inbox = reverse("workflow:inbox")

    page = client.get(inbox, {"box": "cc"}).content.decode()
    unread = client.get(inbox, {"box": "cc", "unread": "1"}).content.decode()
    read = client.get(inbox, {"box": "cc", "unread": "0"}).content.decode()

    assert "采购办公用品" in page and "维修空调" in page
    assert page.count('<span class="tag tag-blue">Unread</span>') == 1
    assert 'text-bg-primary" title="Unread">1<' in page  # the tab's count
    assert "Mark all read" in page
    assert "维修空调" in unread and "采购办公用品" not in unread
    assert "采购办公用品" in read and "维修空调" not in read


def test_the_unread_filter_applies_to_the_cc_box_only(client, route, people, make_request):
    services.run_start(actor=people["drafter"], subject=make_request())
    login(client, people["head"])

    page = client.get(reverse("workflow:inbox"), {"box": "todo", "unread": "1"}).content.decode()

    assert "采购办公用品" in page
    assert 'id="f-unread"' not in page


def test_mark_all_read_reads_only_my_copies(client, copied, people):
    other = WorkItem.objects.filter(is_cc=True).first()
    WorkItem.objects.create(  # someone else's copy on the same run
        **{
            f.attname: getattr(other, f.attname)
            for f in WorkItem._meta.concrete_fields
            if f.name not in ("id", "assignee")
        },
        assignee=people["fin1"],
    )
    login(client, people["colleague"])

    response = client.post(reverse("workflow:cc_read_all"))

    assert response.status_code == 302
    assert response.url == reverse("workflow:inbox") + "?box=cc"
    mine = WorkItem.objects.filter(assignee=people["colleague"], is_cc=True)
    assert mine.count() == 2 and not mine.filter(read_at__isnull=True).exists()
    assert WorkItem.objects.get(assignee=people["fin1"], is_cc=True).read_at is None
    page = client.get(reverse("workflow:inbox"), {"box": "cc"}).content.decode()
    assert "Mark all read" not in page and "tag-blue" not in page


def test_mark_all_read_is_post_only(client, copied, people):
    login(client, people["colleague"])

    assert client.get(reverse("workflow:cc_read_all")).status_code == 405
    assert WorkItem.objects.filter(is_cc=True, read_at__isnull=True).count() == 2


def test_the_cc_unread_count_and_the_top_bar_badge(copied, people, client):
    """The top-bar badge counts 待办 only (it never counted copies), so copies stay out of it."""
    assert selectors.cc_unread_count(people["colleague"]) == 2
    login(client, people["colleague"])

    page = client.get(reverse("workflow:inbox")).content.decode()

    inbox_badge = next(b for b in badges_for(people["colleague"]) if b["key"] == "inbox")
    assert inbox_badge["count"] == 0  # nothing to do, two copies unread
    assert 'text-bg-primary" title="Unread">2<' in page  # the cc tab says so instead


def test_the_unread_filter_pages_with_the_keyset_cursor(route, people, make_request):
    for n in range(5):
        run = services.run_start(actor=people["drafter"], subject=make_request(title=f"件{n}"))
        to_step_three(run, people)
    services.cc_mark_read(actor=people["colleague"], run=run)  # the last one is read

    first, cursor = selectors.inbox(people["colleague"], box="cc", unread=True, size=2)
    second, end = selectors.inbox(people["colleague"], box="cc", unread=True, size=2, after=cursor)

    assert [r.title for r in first + second] == ["件0", "件1", "件2", "件3"]
    assert end == ""
