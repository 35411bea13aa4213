"""The office's queue after 签发: one tab per step, oldest first, each row opening the step."""

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.documents.test_handling_fixtures import *  # noqa: F403 (the shared fixtures)
from zhongshu.documents import handling
from zhongshu.documents.models import State

pytestmark = pytest.mark.django_db
QUEUE = reverse("documents:handling_queue")


def test_each_tab_lists_what_waits_for_its_step(client, make_signed, at_state, office_clerk):
    to_check = make_signed(title="关于甲的通知")
    to_print = at_state(State.REGISTERED, make_signed(title="关于乙的通知"))
    login(client, office_clerk)

    first = client.get(QUEUE).content.decode()
    printing = client.get(QUEUE, {"state": "registered"}).content.decode()

    assert "关于甲的通知" in first and "关于乙的通知" not in first
    assert reverse("documents:handling_check", args=[to_check.pk]) in first
    assert "关于乙的通知" in printing and "关于甲的通知" not in printing
    assert reverse("documents:handling_print", args=[to_print.pk]) in printing
    assert 'aria-current="page"' in printing


def test_an_unknown_tab_shows_the_first_and_an_empty_tab_says_so(client, office_clerk):
    login(client, office_clerk)

    response = client.get(QUEUE, {"state": "nonsense", "after": "x"})

    assert response.status_code == 200
    assert "Nothing waits at this step." in response.content.decode()


def test_the_queue_reads_in_a_constant_number_of_queries(
    client, make_signed, office_clerk, django_assert_max_num_queries
):
    for n in range(3):
        make_signed(title=f"关于第{n}项工作的通知")
    login(client, office_clerk)

    with django_assert_max_num_queries(25):  # the shell takes about 12
        response = client.get(QUEUE)

    assert response.content.decode().count("项工作的通知") == 3


def test_the_steps_show_where_a_document_stands(at_state, office_clerk):
    document = at_state(State.PRINTED)

    steps = handling.steps_of(document)

    assert [s["status"] for s in steps] == [
        "done",
        "done",
        "done",
        "done",
        "current",
        "waiting",
        "waiting",
    ]
    assert steps[1]["by"] == office_clerk.full_name and steps[1]["at"] is not None
    assert steps[4]["url_name"] == "documents:handling_seal"


def test_the_queue_is_the_office_s(client, drafter):
    login(client, drafter)

    assert client.get(QUEUE).status_code == 403
