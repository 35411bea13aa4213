"""Time the list pages against the floor at scale (DESIGN.md "Performance budgets")."""

import argparse
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.settings")
os.environ.setdefault("ZHONGSHU_MODE", "demo")
os.environ.setdefault("ZHONGSHU_VAR_DIR", str(ROOT / "var" / "bench"))
if not os.environ.get("DATABASE_URL"):
    os.environ["ZHONGSHU_VAR_DIR"] = str(ROOT / "var" / "bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhongshu.core.audit import compute_hash  # noqa: E402
from zhongshu.core.models import AuditChainHead, AuditEvent  # noqa: E402
from zhongshu.org.models import AdminRole, Department, Membership, Position, Unit, User  # noqa: E402


def ensure_database():
    if connection.vendor == "postgresql":
        import psycopg

        name = settings.DATABASES["default"]["NAME"]
        dsn = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def load(people: int, events: int):
    unit, _ = Unit.objects.get_or_create(code="BENCH", defaults={"name": "基准测试局"})
    have = User.objects.filter(unit=unit).count()
    if have < people:
        departments = [
            Department.objects.get_or_create(
                unit=unit, code=f"B{i:03d}", defaults={"name": f"第{i}科"}
            )[0]
            for i in range(50)
        ]
        position, _ = Position.objects.get_or_create(unit=unit, name="科员", defaults={"rank": 60})
        batch = []
        for i in range(have, people):
            user = User(username=f"bench{i:06d}", full_name=f"测试{i}", unit=unit)
            user.set_unusable_password()
            batch.append(user)
        User.objects.bulk_create(batch, batch_size=2000)
        created = User.objects.filter(unit=unit, memberships__isnull=True)
        Membership.objects.bulk_create(
            [
                Membership(user=u, department=departments[u.pk % 50], position=position)
                for u in created
            ],
            batch_size=2000,
        )
    head = AuditChainHead.objects.get_or_create(pk=1)[0]
    missing = events - AuditEvent.objects.count()
    if missing > 0:
        prev, next_id = head.last_hash, head.last_event_id + 1
        start = timezone.now() - timedelta(days=100)
        step = timedelta(days=99) / max(missing, 1)
        actors = list(User.objects.filter(unit=unit).values_list("pk", "username")[:1000])
        with transaction.atomic():
            batch = []
            for n in range(missing):
                actor_id, name = actors[n % len(actors)]
                event = AuditEvent(
                    pk=next_id,
                    at=start + step * n,
                    actor_id=actor_id,
                    actor_name=name,
                    action=("auth.login", "org.person_updated", "auth.logout")[n % 3],
                    object_type="org.user",
                    object_id=str(actor_id),
                    object_repr=name,
                    detail={},
                    prev_hash=prev,
                    hash="",
                )
                event.hash = compute_hash(prev, event)
                prev = event.hash
                next_id += 1
                batch.append(event)
                if len(batch) == 5000:
                    AuditEvent.objects.bulk_create(batch)
                    batch = []
            if batch:
                AuditEvent.objects.bulk_create(batch)
            AuditChainHead.objects.filter(pk=1).update(last_hash=prev, last_event_id=next_id - 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return unit


def org_with_people(
    code: str, name: str, prefix: str, people: int, departments: int, *, dept_code: str = ""
):
    """A unit ``code`` of ``departments`` departments (the first its general office, 办公室) and
    ``people`` people named ``prefix``000000…: person i works in department i % departments, and
    person d (d < departments) heads department d. Fills only what is missing."""
    unit, _ = Unit.objects.get_or_create(code=code, defaults={"name": name})
    depts = [
        Department.objects.get_or_create(
            unit=unit,
            code=f"{dept_code or code[:1]}{i:03d}",
            defaults={"name": "办公室" if i == 0 else f"第{i}科", "is_general_office": i == 0},
        )[0]
        for i in range(departments)
    ]
    position, _ = Position.objects.get_or_create(unit=unit, name="科员", defaults={"rank": 60})
    have = User.objects.filter(unit=unit).count()
    if have < people:
        batch = []
        for i in range(have, people):
            user = User(username=f"{prefix}{i:06d}", full_name=f"测试{i}", unit=unit)
            user.set_unusable_password()
            batch.append(user)
        User.objects.bulk_create(batch, batch_size=5000)
    user_ids = list(User.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True))
    if not Membership.objects.filter(user_id=user_ids[-1]).exists():
        posted = set(Membership.objects.filter(user__unit=unit).values_list("user_id", flat=True))
        Membership.objects.bulk_create(
            [
                Membership(user_id=pk, department=depts[i % departments], position=position)
                for i, pk in enumerate(user_ids)
                if pk not in posted
            ],
            batch_size=5000,
        )
        for d, dept in enumerate(depts):
            dept.head_id = user_ids[d]
        Department.objects.bulk_update(depts, ["head"], batch_size=1000)
    return unit, depts, user_ids


def next_link(client, url: str) -> str:
    """The list's "next" keyset link on ``url``'s page, as a URL of the same list."""
    response = client.get(url)
    found = re.search(r'href="(\?[^"]*after=\d+[^"]*)" rel="next"', response.content.decode())
    assert found, f"no next link on {url}"
    return url.split("?", 1)[0] + found.group(1).replace("&amp;", "&")


def explain(client, url: str) -> None:
    """Print EXPLAIN (ANALYZE, BUFFERS) of the three slowest SELECTs of one request."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    selects = [q for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    slowest = sorted(selects, key=lambda q: -float(q["time"]))[:3]
    print(f"\n--- {url}: {len(captured.captured_queries)} queries, slowest first")
    for query in slowest:
        print(f"[{float(query['time']) * 1000:.1f} ms] {query['sql']}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n".join("    " + row[0] for row in cursor.fetchall()))


def time_pages(pages, runs: int, *, explain_all: bool = False) -> None:
    """Time each (label, client, url) as median, p95 and × the first page (the floor); then
    print the plans of those above 5× (of all with ``explain_all``)."""
    floor = None
    slow = []
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'× floor':>8}")
    for label, client, url in pages:
        median, p95 = measure(client, url, runs)
        floor = floor or median
        print(f"{label:32} {median:10.1f} {p95:8.1f} {median / floor:8.1f}", flush=True)
        if explain_all or median > 5 * floor:
            slow.append((client, url))
    for client, url in slow:
        explain(client, url)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="zhongshu.org.backends.UsernameOrMobileBackend")
    if user.requires_two_factor:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure(client, url, runs):
    for _ in range(5):
        client.get(url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--audit", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    ensure_database()
    started = time.time()
    unit = load(args.people, args.audit)
    print(
        f"data: {User.objects.count()} people, {AuditEvent.objects.count()} audit events "
        f"({connection.vendor}); loaded in {time.time() - started:.0f} s"
    )

    from zhongshu.org.models import Role, UserRole

    manager, _ = User.objects.get_or_create(
        username="bench-org", defaults={"full_name": "组织维护", "unit": unit}
    )
    UserRole.objects.get_or_create(user=manager, role=Role.ORGANISATION)
    auditor, _ = User.objects.get_or_create(
        username="bench-audit",
        defaults={"full_name": "审计员", "unit": unit, "admin_role": AdminRole.AUDIT},
    )
    org, aud = signed_in(manager), signed_in(auditor)
    last = AuditEvent.objects.order_by("pk").values_list("pk", flat=True)[args.audit // 2]
    pages = [
        ("floor: workbench", org, "/"),
        ("people list", org, "/org/people/"),
        ("people list, filtered", org, "/org/people/?q=测试12"),
        ("people API", org, "/api/people/"),
        ("audit log", aud, "/audit/"),
        ("audit log, deep keyset page", aud, f"/audit/?before={last}"),
        ("audit log, filtered by user", aud, "/audit/?who=bench000123"),
    ]
    floor = None
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'× floor':>8}")
    for label, client, url in pages:
        median, p95 = measure(client, url, args.runs)
        floor = floor or median
        print(f"{label:32} {median:10.1f} {p95:8.1f} {median / floor:8.1f}")


if __name__ == "__main__":
    main()
