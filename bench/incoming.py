"""Time a 分送 of a 阅件 to 500 readers (issue 5: "created in under a second").

    # PostgreSQL (its own database zhongshu_bench_incoming, created and migrated if missing):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/incoming.py
    # SQLite (var/bench/):
    .venv/bin/python bench/incoming.py

Each run registers a fresh 阅件, accepts it, and sends it to 500 people — 300 named, and the
members of four departments of 50 — through the service the page calls; the readings are
written in the request, the notifications after the commit in the background (Huey): timed
apart here, the task's work run inline.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--runs", type=int, default=10)
parser.add_argument("--readers", type=int, default=500)
ARGS = parser.parse_args()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.settings")
os.environ.setdefault("ZHONGSHU_MODE", "demo")
if os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = (
        os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/zhongshu_bench_incoming"
    )

from django.db import connection, transaction  # noqa: E402
from lists import ensure_database  # noqa: E402  (sets Django up)

from zhongshu.documents import services_incoming  # noqa: E402
from zhongshu.documents.models import IncomingReading  # noqa: E402
from zhongshu.org.models import Department, Membership, Position, Unit, User  # noqa: E402

DEPARTMENTS = 4
PER_DEPARTMENT = 50


def load(readers: int):
    """A unit with its general office and a clerk, four departments of 50 and the others."""
    unit, _ = Unit.objects.get_or_create(code="BENCHIN", defaults={"name": "收文基准测试局"})
    office, _ = Department.objects.get_or_create(
        unit=unit, code="BGS", defaults={"name": "办公室", "is_general_office": True}
    )
    position, _ = Position.objects.get_or_create(unit=unit, name="科员", defaults={"rank": 60})
    clerk, created = User.objects.get_or_create(
        username="benchin_clerk", defaults={"full_name": "收文员", "unit": unit}
    )
    if created:
        Membership.objects.create(user=clerk, department=office, position=position)
    departments = [
        Department.objects.get_or_create(unit=unit, code=f"D{i}", defaults={"name": f"第{i}处"})[0]
        for i in range(DEPARTMENTS)
    ]
    have = User.objects.filter(unit=unit).exclude(pk=clerk.pk).count()
    if have < readers:
        people = []
        for i in range(have, readers):
            user = User(username=f"benchin{i:05d}", full_name=f"读者{i}", unit=unit)
            user.set_unusable_password()
            people.append(user)
        User.objects.bulk_create(people, batch_size=1000)
        members = list(User.objects.filter(unit=unit).exclude(pk=clerk.pk).order_by("pk"))
        Membership.objects.bulk_create(
            [
                Membership(user=u, department=departments[n // PER_DEPARTMENT], position=position)
                for n, u in enumerate(members[: DEPARTMENTS * PER_DEPARTMENT])
            ]
        )
    readers_named = list(
        User.objects.filter(unit=unit, memberships__isnull=True).order_by("pk")[
            : readers - DEPARTMENTS * PER_DEPARTMENT
        ]
    )
    return clerk, departments, readers_named


def one_run(clerk, departments, named, n: int) -> tuple[float, float, int]:
    document = services_incoming.register(
        actor=clerk,
        data={
            "source_name": "市人民政府办公室",
            "source_number": f"市府办发〔2026〕{n}号-{time.time_ns()}",
            "title": "关于做好年末安全生产工作的通知",
            "handling": "reading",
        },
    )
    document = services_incoming.review_accept(
        actor=clerk, document=document, expected_version=document.version
    )
    started = time.perf_counter()
    with transaction.atomic():
        # The on-commit task is not enqueued here: the bench runs what it does itself, below.
        original = transaction.on_commit
        transaction.on_commit = lambda fn, using=None, robust=False: None
        try:
            result = services_incoming.send_for_reading(
                actor=clerk,
                document=document,
                expected_version=document.version,
                people=named,
                departments=departments,
            )
        finally:
            transaction.on_commit = original
    sent = time.perf_counter() - started
    started = time.perf_counter()
    services_incoming.tell_readers(document.pk, [p.pk for p in result.added], clerk.pk)
    told = time.perf_counter() - started
    assert IncomingReading.objects.filter(document=document).count() == len(result.added)
    return sent, told, len(result.added)


def main():
    ensure_database()
    clerk, departments, named = load(ARGS.readers)
    sends, tells = [], []
    for n in range(ARGS.runs):
        sent, told, count = one_run(clerk, departments, named, n)
        sends.append(sent * 1000)
        tells.append(told * 1000)
    print(f"{connection.vendor}: 分送 to {count} readers, {ARGS.runs} runs")
    print(
        f"  readings written (the request): median {statistics.median(sends):.0f} ms, "
        f"max {max(sends):.0f} ms (budget < 1000 ms)"
    )
    print(
        f"  readers told (background task): median {statistics.median(tells):.0f} ms, "
        f"max {max(tells):.0f} ms"
    )


if __name__ == "__main__":
    main()
