"""Two approvers act at the same moment on a one-of step: exactly one wins (issue #3 item 3).

``select_for_update`` is a no-op on SQLite (CONVENTIONS.md "Tests"), so this runs on PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from tests.workflow.conftest import KIND, step
from tests.workflow.helpers import open_item
from zhongshu.workflow import services
from zhongshu.workflow.errors import AlreadyHandled
from zhongshu.workflow.models import AssigneeRule, RunEvent, WorkItem


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_deciding_a_one_of_step_exactly_one_wins(
    people, unit, org_manager, make_request
):
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update needs PostgreSQL")
    services.route_create(
        actor=org_manager,
        unit=unit,
        kind=KIND,
        name="一人审批",
        steps=[step("财务审核", AssigneeRule.ROLE_IN_DEPARTMENT, department=people["finance"])],
    )
    run = services.run_start(actor=people["drafter"], subject=make_request())
    items = {who: open_item(run, people[who]) for who in ("fin1", "fin2")}
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(who):
        try:
            barrier.wait()
            services.decide(actor=people[who], item=items[who], decision="approve")
            outcomes[who] = "won"
        except AlreadyHandled as exc:
            outcomes[who] = f"handled by {exc.by}"
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(who,)) for who in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes.values())[1] == "won"
    loser = next(w for w, o in outcomes.items() if o != "won")
    winner = next(w for w, o in outcomes.items() if o == "won")
    assert outcomes[loser] == f"handled by {people[winner]}"
    assert RunEvent.objects.filter(run=run, verb="approve").count() == 1
    assert WorkItem.objects.filter(run=run, decision="approve").count() == 1
    run.refresh_from_db()
    assert run.state == "approved"
