"""Time the incoming-document list (收文, issue 5) against the floor at scale.

Fills (only what is missing, so a re-run continues) N incoming documents of one unit — 200
departments, 10,000 people, received over 2017–2026 from 30 sending organs — with bulk inserts
and their search entries (no services): 办件 with their lead department (reported, or still
handling for the newest), 阅件 sent to three readers each, the measured member of 第1科 among the
readers of one 阅件 in 400; then ANALYZE. Then times the floor (the workbench) and
/documents/incoming/ (the office's list: it sees every document), the 51st keyset page, the
list's filters and title searches, and an ordinary member's 待阅收文 (the 阅件 sent to them),
each as median, p95 and × floor (budget ≤ 5×).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/incoming_list.py \\
        --docs 200000
        # PostgreSQL only: its own database zhongshu_bench_incoming (created and migrated if
        # missing); --db-suffix keeps sizes apart; --explain prints the plans of the slowest SQL
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--docs", type=int, default=200_000)
parser.add_argument("--people", type=int, default=10_000)
parser.add_argument("--departments", type=int, default=200)
parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
parser.add_argument("--db-suffix", default="")
parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every page's SQL")
ARGS = parser.parse_args()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.settings")
os.environ.setdefault("ZHONGSHU_MODE", "demo")
os.environ.setdefault("ZHONGSHU_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ["DATABASE_URL"] = (
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x").rsplit("/", 1)[0]
    + f"/zhongshu_bench_incoming{ARGS.db_suffix}"
)

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from lists import (  # noqa: E402  (sets Django up)
    ensure_database,
    next_link,
    org_with_people,
    signed_in,
    time_pages,
)

from zhongshu.core.models import Classification  # noqa: E402
from zhongshu.documents.models import (  # noqa: E402
    IncomingAssignment,
    IncomingDocument,
    IncomingReading,
    IncomingState,
    Kind,
)
from zhongshu.documents.models_incoming import AssignmentState, Handling  # noqa: E402
from zhongshu.documents.registration import search_incoming  # noqa: E402
from zhongshu.documents.services_incoming import SEARCH_KIND  # noqa: E402
from zhongshu.org.models import User  # noqa: E402
from zhongshu.search import services as search  # noqa: E402

BATCH = 10_000
START = datetime(2017, 1, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
ORGANS = [
    f"{place}{body}"
    for place in ("省", "市", "南山区", "北湖区", "东城区")
    for body in (
        "人民政府",
        "人民政府办公室",
        "市场监督管理局",
        "卫生健康委员会",
        "财政局",
        "应急管理局",
    )
]
SUBJECTS = [
    "食品安全",
    "药品监管",
    "安全生产",
    "防汛抗旱",
    "营商环境",
    "政务公开",
    "信访维稳",
    "财政预算",
    "审计整改",
    "消防安全",
    "道路交通",
    "养老服务",
    "数字政府",
    "乡村振兴",
]
ACTIONS = ["工作方案", "实施意见", "专项整治", "检查情况", "整改工作", "工作要点", "考核办法"]
KINDS = (Kind.NOTICE,) * 5 + (Kind.CIRCULAR, Kind.REQUEST, Kind.LETTER, Kind.LETTER, Kind.REPORT)
RARE = "暨冬春攻坚"  # in one title in 997
# The newest 2% are still moving; the rest are done (办件) or read (阅件).
OPEN_ACTION = (IncomingState.REGISTERED, IncomingState.ACCEPTED, IncomingState.PROPOSING) + (
    IncomingState.INSTRUCTING,
    IncomingState.HANDLING,
    IncomingState.HANDLING,
    IncomingState.HANDLING,
    IncomingState.HANDLED,
)


def load_documents(total, unit, depts, user_ids, reader_id) -> None:
    have = IncomingDocument.objects.filter(unit=unit).count()
    if have >= total:
        return
    step = (END - START) / total
    open_from = int(total * 0.98)
    clerk_id = user_ids[len(depts)]  # a member of the general office
    started = time.time()
    serials: dict[int, int] = {}
    for year, last in (
        IncomingDocument.objects.filter(unit=unit).values_list("year").annotate(last=Max("serial"))
    ):
        serials[year] = last
    for first in range(have, total, BATCH):
        numbers = range(first, min(first + BATCH, total))
        rng = random.Random(first)
        docs, plans = [], []
        for n in numbers:
            received = START + step * n
            year = received.year
            serials[year] = serials.get(year, 0) + 1
            action = n % 5 < 2
            if n >= open_from:
                state = rng.choice(OPEN_ACTION) if action else IncomingState.READING
            else:
                state = IncomingState.DONE if action else IncomingState.READING
            title = f"关于{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}的通知"
            if n % 997 == 0:
                title = title.replace("的通知", f"{RARE}的通知")
            organ = ORGANS[n % len(ORGANS)]
            docs.append(
                IncomingDocument(
                    unit=unit,
                    year=year,
                    serial=serials[year],
                    source_name=organ,
                    source_number=f"{organ[:2]}发〔{year}〕{n % 400 + 1}号",
                    title=title,
                    kind=rng.choice(KINDS),
                    classification=Classification.INTERNAL if n % 10 == 0 else 0,
                    urgency=(0, 0, 0, 1)[n % 4],
                    received_at=received,
                    signed_on=(received - timedelta(days=3)).date(),
                    pages=2 + n % 5,
                    handling=Handling.ACTION if action else Handling.READING,
                    deadline=received + timedelta(days=15) if action else None,
                    state=state,
                    registered_by_id=clerk_id,
                    reviewed_at=received + timedelta(hours=2),
                    reviewed_by_id=clerk_id,
                    closed_at=received + timedelta(days=10)
                    if state == IncomingState.DONE
                    else None,
                    closed_by_id=clerk_id if state == IncomingState.DONE else None,
                    result="已按要求办理。" if state == IncomingState.DONE else "",
                    created_at=received,
                    updated_at=received,
                )
            )
            plans.append((n, action, state, received, rng.randrange(1, len(depts))))
        with transaction.atomic():
            IncomingDocument.objects.bulk_create(docs, batch_size=BATCH)
            assignments, readings = [], []
            for doc, (n, action, state, received, dept) in zip(docs, plans, strict=True):
                if action and state in (
                    IncomingState.HANDLING,
                    IncomingState.HANDLED,
                    IncomingState.DONE,
                ):
                    handling = state == IncomingState.HANDLING
                    assignments.append(
                        IncomingAssignment(
                            document=doc,
                            department=depts[dept],
                            lead=True,
                            state=AssignmentState.HANDLING
                            if handling
                            else AssignmentState.REPORTED,
                            assigned_at=received + timedelta(days=1),
                            result="" if handling else "已办理。",
                            reported_at=None if handling else received + timedelta(days=8),
                            reported_by_id=None if handling else user_ids[dept],
                        )
                    )
                if not action:
                    people = {user_ids[(n * 7 + k * 1_009) % len(user_ids)] for k in range(3)}
                    if n % 400 == 1:
                        people.add(reader_id)
                    readings += [
                        IncomingReading(
                            document=doc,
                            person_id=person,
                            sent_at=received + timedelta(hours=3),
                            sent_by_id=clerk_id,
                            read_at=received + timedelta(days=1) if n % 3 else None,
                        )
                        for person in people
                    ]
            IncomingAssignment.objects.bulk_create(assignments, batch_size=BATCH)
            IncomingReading.objects.bulk_create(readings, batch_size=BATCH)
            search.index_documents(SEARCH_KIND, [(d.pk, search_incoming(d)) for d in docs])
        rate = (numbers[-1] + 1 - have) / max(time.time() - started, 0.001)
        print(f"  {numbers[-1] + 1:>9} documents ({rate:.0f}/s)", flush=True)


def main():
    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only: set DATABASE_URL")
    ensure_database()
    started = time.time()
    unit, depts, user_ids = org_with_people(
        "INBENCH", "收文基准局", "inbench", ARGS.people, ARGS.departments, dept_code="R"
    )
    office = User.objects.get(pk=user_ids[0])  # head of the general office
    member = User.objects.get(pk=user_ids[len(depts) + 1])  # an ordinary member of 第1科
    load_documents(ARGS.docs, unit, depts, user_ids, member.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = IncomingDocument.objects.filter(unit=unit).count()
    print(
        f"data: {len(user_ids)} people, {len(depts)} departments, {total} incoming documents, "
        f"{IncomingAssignment.objects.count()} assignments, {IncomingReading.objects.count()} "
        f"readings; ready in {time.time() - started:.0f} s ({connection.settings_dict['NAME']})"
    )
    office_client, member_client = signed_in(office), signed_in(member)
    deep = "/documents/incoming/"
    for _ in range(50):
        deep = next_link(office_client, deep)
    dept = depts[1].pk
    pages = [
        ("floor: workbench", office_client, "/"),
        ("list, office (sees all)", office_client, "/documents/incoming/"),
        ("list, office, 51st page", office_client, deep),
        ("filter year=2021", office_client, "/documents/incoming/?year=2021"),
        ("filter state=handling", office_client, "/documents/incoming/?state=handling"),
        ("filter handling=action", office_client, "/documents/incoming/?handling=action"),
        ("filter overdue", office_client, "/documents/incoming/?overdue=on"),
        ("filter department=第1科", office_client, f"/documents/incoming/?department={dept}"),
        ("filter source=南山区", office_client, "/documents/incoming/?source=南山区"),
        ("q=安全生产 (7% of titles)", office_client, "/documents/incoming/?q=安全生产"),
        (f"q={RARE} (0.1%)", office_client, f"/documents/incoming/?q={RARE}"),
        ("member: to read", member_client, "/documents/incoming/to-read/"),
    ]
    time_pages(pages, ARGS.runs, explain_all=ARGS.explain)


if __name__ == "__main__":
    main()
