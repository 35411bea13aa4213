"""Time the inbox against the floor at scale (issue 3 "Done when", DESIGN.md budgets).

Fills people and work items (default 10,000 and 1,000,000), then times, in one run, the floor
(the workbench: a bare authenticated page with the base template) and the inbox: the first page
of 待办 for a busy user, a deep keyset page, the 已办 tab and the API. Budget: ≤ 5× the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhongshu_bench \\
        .venv/bin/python bench/inbox.py --people 10000 --items 1000000
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.settings")
os.environ.setdefault("ZHONGSHU_MODE", "demo")
os.environ.setdefault("ZHONGSHU_VAR_DIR", str(ROOT / "var" / "bench"))

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from lists import ensure_database, measure, signed_in  # noqa: E402  (sets Django up)

from zhongshu.org.models import Unit, User  # noqa: E402
from zhongshu.workflow import selectors  # noqa: E402
from zhongshu.workflow.models import Route, Run, WorkItem  # noqa: E402

KIND = "bench.request"


def load_people(unit, people: int) -> list[int]:
    have = User.objects.filter(unit=unit).count()
    if have < people:
        batch = []
        for i in range(have, people):
            user = User(username=f"wfbench{i:06d}", full_name=f"审批{i}", unit=unit)
            user.set_unusable_password()
            batch.append(user)
        User.objects.bulk_create(batch, batch_size=5000)
    return list(User.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True))


def load_items(unit, user_ids: list[int], items: int, busy_id: int) -> None:
    missing = items - WorkItem.objects.filter(unit_id=unit.pk).count()
    if missing <= 0:
        return
    route, _ = Route.objects.get_or_create(
        unit=unit, kind=KIND, active=True, defaults={"name": "基准路线", "family": 0}
    )
    runs = max(1, missing // 20)
    now = timezone.now()
    rng = random.Random(42)
    with transaction.atomic():
        Run.objects.bulk_create(
            [
                Run(
                    unit=unit,
                    kind=KIND,
                    subject_id=n,
                    route=route,
                    state="approved",
                    submitter_id=user_ids[n % len(user_ids)],
                    title=f"基准申请{n}",
                    url="/",
                )
                for n in range(runs)
            ],
            batch_size=5000,
        )
    run_ids = list(Run.objects.filter(route=route).values_list("pk", flat=True))
    batch = []
    for n in range(missing):
        # One busy person holds 2% of everything; the rest is spread over everyone.
        assignee = busy_id if n % 50 == 0 else user_ids[rng.randrange(len(user_ids))]
        done = n % 4 != 0
        hours = rng.randint(-72, 240)
        batch.append(
            WorkItem(
                run_id=run_ids[n % len(run_ids)],
                unit_id=unit.pk,
                step_order=1,
                step_name="审核",
                assignee_id=assignee,
                state="done" if done else "open",
                decided_by_id=assignee if done else None,
                decision="approve" if done else "",
                decided_at=now if done else None,
                due_at=None if n % 7 == 0 else now + timedelta(hours=hours),
                urgency=(0, 0, 0, 1, 2)[n % 5],
                kind=KIND,
                title=f"基准事项{n}",
                url="/",
            )
        )
        if len(batch) == 10000:
            WorkItem.objects.bulk_create(batch)
            batch = []
    if batch:
        WorkItem.objects.bulk_create(batch)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    ensure_database()
    started = time.time()
    unit, _ = Unit.objects.get_or_create(code="WFBENCH", defaults={"name": "审批基准局"})
    user_ids = load_people(unit, args.people)
    busy = User.objects.get(pk=user_ids[0])
    load_items(unit, user_ids, args.items, busy.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"data: {len(user_ids)} people, {WorkItem.objects.count()} work items "
        f"({connection.vendor}); loaded in {time.time() - started:.0f} s"
    )
    _, cursor = selectors.inbox(busy, box="todo", size=20)
    for _ in range(100):  # walk 100 pages deep
        _, next_cursor = selectors.inbox(busy, box="todo", after=cursor, size=20)
        cursor = next_cursor or cursor
    client = signed_in(busy)
    pages = [
        ("floor: workbench", "/"),
        ("inbox 待办", "/work/"),
        ("inbox 待办, page 101", f"/work/?after={cursor}"),
        ("inbox 待办, overdue filter", "/work/?overdue=1"),
        ("inbox 已办", "/work/?box=done"),
        ("inbox API", "/api/inbox/?box=todo"),
    ]
    floor = None
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'× floor':>8}")
    for label, url in pages:
        median, p95 = measure(client, url, args.runs)
        floor = floor or median
        print(f"{label:32} {median:10.1f} {p95:8.1f} {median / floor:8.1f}")


if __name__ == "__main__":
    main()
