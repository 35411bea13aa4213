"""Time the outgoing-document list against the floor at scale, and one 3-page PDF (issue 4).

Fills (only what is missing, so a re-run continues) N outgoing documents of one unit — 200
departments, 10,000 people, states and years spread over 2017–2026, some approval runs and
distributions — with bulk inserts and their search entries (no services, no versions), then
ANALYZE.
Then times, in one run, the floor (the workbench: a bare authenticated page with the base
template, as in bench/inbox.py) and /documents/ for a member of the general office (sees every
document), for an ordinary drafter (their own and those they took part in or received), the
51st keyset page (following the "next" link), filters by state and by year and title searches,
each as median, p95 and × floor (budget ≤ 5×); and one GB/T 9704 PDF of three pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/documents.py
        # PostgreSQL only: its own database zhongshu_bench_documents (created and migrated if
        # missing); --db-suffix keeps sizes apart: --docs 100000 --db-suffix _100k
    ... bench/documents.py --docs 100000 --db-suffix _100k --explain   # plans of the slowest SQL
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--docs", type=int, default=1_000_000)
parser.add_argument("--people", type=int, default=10_000)
parser.add_argument("--departments", type=int, default=200)
parser.add_argument("--runs", type=int, default=40, help="timed requests per page")
parser.add_argument("--db-suffix", default="", help="e.g. _100k: zhongshu_bench_documents_100k")
parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every page's SQL")
parser.add_argument("--fill-only", action="store_true")
ARGS = parser.parse_args()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.settings")
os.environ.setdefault("ZHONGSHU_MODE", "demo")
os.environ.setdefault("ZHONGSHU_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ["DATABASE_URL"] = (
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x").rsplit("/", 1)[0]
    + f"/zhongshu_bench_documents{ARGS.db_suffix}"
)

from django.db import connection, transaction  # noqa: E402
from lists import (  # noqa: E402  (sets Django up)
    ensure_database,
    next_link,
    org_with_people,
    signed_in,
    time_pages,
)

from zhongshu.core.models import Classification  # noqa: E402
from zhongshu.documents.models import (  # noqa: E402
    Dispatch,
    Kind,
    NumberSeries,
    OutgoingDocument,
    State,
)
from zhongshu.documents.registration import search_document  # noqa: E402
from zhongshu.documents.rules import SEARCH_KIND, SUBJECT_KIND  # noqa: E402
from zhongshu.org.models import User  # noqa: E402
from zhongshu.search import services as search  # noqa: E402
from zhongshu.workflow.models import ItemState, Route, Run, RunState, WorkItem  # noqa: E402

BATCH = 10_000
START = datetime(2017, 1, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
SUBJECTS = [
    "食品安全",
    "药品监管",
    "安全生产",
    "防汛抗旱",
    "森林防火",
    "环境保护",
    "乡村振兴",
    "营商环境",
    "政务公开",
    "信访维稳",
    "财政预算",
    "审计整改",
    "人才引进",
    "城市更新",
    "老旧小区",
    "垃圾分类",
    "消防安全",
    "道路交通",
    "养老服务",
    "数字政府",
]
ACTIONS = [
    "工作方案",
    "实施意见",
    "专项整治",
    "检查情况",
    "整改工作",
    "工作要点",
    "考核办法",
    "应急预案",
]
KINDS = (Kind.NOTICE,) * 6 + (Kind.REPORT, Kind.REQUEST, Kind.OPINION, Kind.LETTER, Kind.REPLY)
RARE = "暨冬春攻坚"  # in one title in 997: the "rare word" search
# Where a document stands by age: the newest 3% are still moving, older ones are mostly done.
RECENT_STATES = (
    (State.DRAFT,) * 5
    + (State.REVIEW,) * 6
    + (State.RETURNED, State.SIGNED, State.CHECKED, State.REGISTERED, State.PRINTED)
    + (State.SEALED, State.DISTRIBUTED, State.DISTRIBUTED, State.FILED, State.CANCELLED)
)
OLD_STATES = (
    (State.FILED,) * 90 + (State.DISTRIBUTED,) * 5 + (State.CANCELLED,) * 3 + (State.DRAFT,) * 2
)
NUMBERED = {State.REGISTERED, State.PRINTED, State.SEALED, State.DISTRIBUTED, State.FILED}
UNREVIEWED = {State.DRAFT, State.CANCELLED}
LIVE = {State.REVIEW: RunState.RUNNING, State.RETURNED: RunState.RETURNED}


def load_org(people: int, departments: int):
    unit, depts, user_ids = org_with_people(
        "DOCBENCH", "公文基准局", "docbench", people, departments
    )
    series, _ = NumberSeries.objects.get_or_create(
        unit=unit, code="某基准发", defaults={"name": "基准局文件", "owner": depts[0]}
    )
    route, _ = Route.objects.get_or_create(
        unit=unit, kind=SUBJECT_KIND, active=True, defaults={"name": "发文基准路线", "family": 0}
    )
    return unit, depts, user_ids, series, route


def load_documents(total, unit, depts, user_ids, series, route, drafter_id) -> None:
    """Documents ``have`` .. ``total`` - 1, in creation order (ids and dates both ascending)."""
    have = OutgoingDocument.objects.filter(unit=unit).count()
    if have >= total:
        return
    step = (END - START) / total
    recent_from = int(total * 0.97)
    started = time.time()
    for first in range(have, total, BATCH):
        numbers = range(first, min(first + BATCH, total))
        rng = random.Random(first)
        docs, meta = [], []
        for n in numbers:
            d = rng.randrange(len(user_ids))
            dept = d % len(depts)
            created = START + step * n
            state = rng.choice(RECENT_STATES if n >= recent_from else OLD_STATES)
            numbered = state in NUMBERED
            title = f"关于{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}的通知"
            if n % 997 == 0:
                title = title.replace("的通知", f"{RARE}的通知")
            classification = (
                Classification.SECRET
                if n % 200 == 0
                else Classification.INTERNAL
                if n % 10 == 0
                else Classification.PUBLIC
            )
            docs.append(
                OutgoingDocument(
                    unit=unit,
                    kind=rng.choice(KINDS),
                    classification=classification,
                    urgency=(0, 0, 0, 0, 1, 2)[n % 6],
                    issuers=["公文基准局"],
                    title=title,
                    department=depts[dept],
                    drafter_id=user_ids[d],
                    state=state,
                    created_at=created,
                    signed_at=created + timedelta(days=3) if numbered else None,
                    issued_on=(created + timedelta(days=3)).date() if numbered else None,
                    series=series if numbered else None,
                    number_year=created.year if numbered else None,
                    year=created.year,
                    number_sequence=n + 1 if numbered else None,
                    doc_number=f"某基准发〔{created.year}〕{n + 1}号" if numbered else "",
                )
            )
            meta.append((n, state, user_ids[dept], created))
        with transaction.atomic():
            OutgoingDocument.objects.bulk_create(docs, batch_size=BATCH)
            load_runs(unit, route, docs, meta, drafter_id)
            # The search index the list's ``q`` reads, as the services write it.
            search.index_documents(SEARCH_KIND, [(d.pk, search_document(d)) for d in docs])
        done = numbers[-1] + 1 - have
        rate = done / max(time.time() - started, 0.001)
        print(f"  {numbers[-1] + 1:>9} documents ({rate:.0f}/s)", flush=True)


def load_runs(unit, route, docs, meta, drafter_id) -> None:
    """An approval run for one reviewed document in ten and every live one: 核稿 by the head of
    the drafting department. The measured drafter also countersigned one document in 2,000 and
    received one in 5,000 (their "took part in" and "received" rows)."""
    runs, items, dispatches = [], [], []
    for doc, (n, state, head_id, created) in zip(docs, meta, strict=True):
        if n % 5000 == 3 and state in (State.DISTRIBUTED, State.FILED):
            dispatches.append(
                Dispatch(
                    document=doc,
                    person_id=drafter_id,
                    channel=Dispatch.Channel.SYSTEM,
                    sent_at=created + timedelta(days=5),
                    sent_by_id=head_id,
                )
            )
        if state in UNREVIEWED or (n % 10 and state not in LIVE):
            continue
        runs.append(
            Run(
                unit=unit,
                kind=SUBJECT_KIND,
                subject_id=doc.pk,
                route=route,
                state=LIVE.get(state, RunState.APPROVED),
                submitter_id=doc.drafter_id,
                current_step=1,
                current_step_name="核稿",
                title=doc.title,
                url=f"/documents/{doc.pk}/",
            )
        )
        reviewers = [head_id] + ([drafter_id] if n % 2000 == 10 else [])
        for assignee in reviewers:
            live = state in LIVE and assignee == head_id
            items.append(
                WorkItem(
                    run=runs[-1],
                    unit_id=unit.pk,
                    step_order=1,
                    step_name="核稿" if assignee == head_id else "会签",
                    assignee_id=assignee,
                    state=ItemState.OPEN if live else ItemState.DONE,
                    decided_by_id=None if live else assignee,
                    decision="" if live else "approve",
                    decided_at=None if live else created + timedelta(days=1),
                    created_at=created,
                    kind=SUBJECT_KIND,
                    title=doc.title,
                    url=f"/documents/{doc.pk}/",
                )
            )
    Run.objects.bulk_create(runs, batch_size=BATCH)
    for item in items:
        item.run_id = item.run.pk
    WorkItem.objects.bulk_create(items, batch_size=BATCH)
    Dispatch.objects.bulk_create(dispatches, batch_size=BATCH)


def time_pdf(runs: int = 10) -> None:
    from render import with_pages

    from zhongshu.documents.render import render_pdf

    three = with_pages(3, imprint=False)
    start = time.perf_counter()
    render_pdf(three)
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_pdf(three)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"PDF, 文件, 3 pages: first {first:.0f} ms, median {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms ({runs} runs; budget ≤ 1000 ms)"
    )


def main():
    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only: set DATABASE_URL")
    ensure_database()
    started = time.time()
    unit, depts, user_ids, series, route = load_org(ARGS.people, ARGS.departments)
    office = User.objects.get(pk=user_ids[0])  # head of the general office
    drafter = User.objects.get(pk=user_ids[len(depts) + 1])  # an ordinary member of 第1科
    load_documents(ARGS.docs, unit, depts, user_ids, series, route, drafter.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = OutgoingDocument.objects.filter(unit=unit).count()
    print(
        f"data: {len(user_ids)} people, {len(depts)} departments, {total} documents, "
        f"{Run.objects.filter(kind=SUBJECT_KIND).count()} runs; ready in "
        f"{time.time() - started:.0f} s ({connection.settings_dict['NAME']})"
    )
    if ARGS.fill_only:
        return
    own = OutgoingDocument.objects.filter(drafter=drafter).count()
    print(f"drafter {drafter.username}: drafted {own}")
    time_pdf()
    office_client, drafter_client = signed_in(office), signed_in(drafter)
    deep, walk = "/documents/", time.perf_counter()
    for _ in range(50):
        deep = next_link(office_client, deep)
    print(f"walked 50 pages in {time.perf_counter() - walk:.1f} s")
    pages = [
        ("floor: workbench", office_client, "/"),
        ("list, office (sees all)", office_client, "/documents/"),
        ("list, ordinary drafter", drafter_client, "/documents/"),
        ("list, office, 51st page", office_client, deep),
        ("list, drafter, 2nd page", drafter_client, next_link(drafter_client, "/documents/")),
        ("filter state=review", office_client, "/documents/?state=review"),
        ("filter state=draft", office_client, "/documents/?state=draft"),
        ("filter year=2021", office_client, "/documents/?year=2021"),
        ("filter year=2026", office_client, "/documents/?year=2026"),
        ("q=安全生产 (5% of titles)", office_client, "/documents/?q=安全生产"),
        (f"q={RARE} (0.1%)", office_client, f"/documents/?q={RARE}"),
        ("q=鲸鱼 (absent)", office_client, "/documents/?q=鲸鱼"),
        ("drafter q=安全生产", drafter_client, "/documents/?q=安全生产"),
    ]
    time_pages(pages, ARGS.runs, explain_all=ARGS.explain)


if __name__ == "__main__":
    main()
