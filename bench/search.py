"""Time the full-text search at scale (DESIGN.md "Search", budget: p95 ≤ 150 ms at 1M documents).

Fills N synthetic office documents of ~545 Chinese characters as a bench-only search kind, then
times 90 queries of 2–4 characters: the newest 20 matches, the capped count (COUNT_CAP + 1
candidates) and the whole grouped search (match, visibility filter, shown rows, highlight).
Recall and precision are checked against a brute-force substring scan on a sample indexed as a
second kind in the same database.

    .venv/bin/python bench/search.py --docs 100000                  # SQLite, var/bench-search
    BENCH_SEARCH_DIR=var/bench-search-100k .venv/bin/python bench/search.py --docs 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/search.py --docs 100000
        # PostgreSQL: uses (and creates if missing) its own database zhongshu_bench_search
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.settings")
os.environ.setdefault("ZHONGSHU_MODE", "demo")
if os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + (
        "/zhongshu_bench_search"
    )
else:  # never the application's own var dir; BENCH_SEARCH_DIR keeps several sizes apart
    bench_dir = Path(os.environ.get("BENCH_SEARCH_DIR") or ROOT / "var" / "bench-search")
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ["ZHONGSHU_VAR_DIR"] = str(bench_dir)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhongshu.search import registry, services  # noqa: E402
from zhongshu.search.models import SearchEntry  # noqa: E402
from zhongshu.search.tokenize import query_terms  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


SUBJECTS = _words(
    "食品安全 药品监管 安全生产 防汛抗旱 森林防火 环境保护 乡村振兴 营商环境 政务公开 信访维稳 "
    "疫情防控 财政预算 审计整改 人才引进 城市更新 老旧小区 垃圾分类 文明创建 消防安全 "
    "道路交通 校园安全 医疗保障 养老服务 就业创业 招商引资 耕地保护 河长制 林长制 "
    "数字政府 一网通办 双随机一公开 安全隐患排查 特种设备 冷链物流 农贸市场 餐饮服务 "
    "保健食品 化妆品 医疗器械 网络订餐 学校食堂 集中用餐 进口冷链 肉类产品 农产品质量"
)
ACTIONS = _words(
    "工作方案 实施意见 专项整治 检查通报 督查情况 整改报告 工作要点 责任清单 考核办法 "
    "应急预案 会议纪要 情况汇报 调研报告 培训通知 宣传活动 统计分析 风险评估 问题清单"
)
CONNECTIVES = _words(
    "根据上级部署要求 为切实加强 经研究决定 现将有关事项通知如下 请各单位高度重视 "
    "认真抓好贯彻落实 按照属地管理原则 进一步压实主体责任 建立健全长效机制 "
    "确保各项措施落到实处 于本月底前报送 联系人及联系电话 对发现的问题 限期整改到位 "
    "加强统筹协调 形成工作合力 各相关部门 要结合实际 制定具体措施 严格落实 "
    "坚持问题导向 全面排查 重点领域 关键环节 依法依规 从严从快 及时上报 "
    "市政府办公室 区人民政府 各街道办事处 市直各部门 有关企业"
)
PUNCT = "，。；、：！"
ABSENT = _words("鲸鱼 火星基地 量子纠缠 潜艇 恐龙化石 冰川 沙漠绿洲 宇航 珊瑚 极光")
# Rarer words (a few hundredths to a few ten-thousandths of the documents): people and places.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌"
PLACES = _words(
    "东城 西城 南湖 北山 青龙 白石 金沙 银河 长安 和平 新华 建设 解放 人民 胜利 光明 "
    "红旗 团结 友谊 幸福 朝阳 滨江 临港 高新 经开 城南 城北 江东 河西 桥头"
)
T0 = timezone.make_aware(datetime(2024, 1, 1))


def document(i: int) -> dict:
    rng = random.Random(i)
    subject = rng.choice(SUBJECTS)
    title = f"关于{subject}{rng.choice(ACTIONS)}的通知"
    parts, length = [], 0
    while length < 545:
        piece = rng.choice(
            (
                rng.choice(CONNECTIVES),
                rng.choice(SUBJECTS),
                rng.choice(ACTIONS),
                subject,
                rng.choice(CONNECTIVES),
                f"{rng.choice(PLACES)}街道{rng.choice(SURNAMES)}{rng.choice(GIVEN)}同志",
            )
        ) + rng.choice(PUNCT)
        parts.append(piece)
        length += len(piece)
    body = "".join(parts)[:545]
    return {
        "title": title,
        "body": body,
        "url": f"/bench/{i}/",
        "classification": 0,
        "unit_id": 1,
        "updated_at": T0 + timedelta(minutes=i),
    }


class Visible:
    """The bench kind's visibility: the user's unit, checked by a query like a module's."""

    def __init__(self, kind, user):
        self.kind, self.user, self.ids = kind, user, None

    def filter(self, pk__in):
        self.ids = list(pk__in)
        return self

    def order_by(self):
        return self

    def values_list(self, *fields, flat=True):
        # By the (kind, object_id) key; the unit is compared here so that SQLite does not pick
        # the (kind, unit_id, updated_at) index and read the whole unit.
        rows = SearchEntry.objects.filter(kind=self.kind, object_id__in=self.ids).values_list(
            "object_id", "unit_id"
        )
        return [pk for pk, unit_id in rows if unit_id == self.user.unit_id]


def register(kind):
    registry.register(
        kind,
        label=kind,
        visible_queryset=lambda user: Visible(kind, user),
        document=lambda obj: document(obj.pk),
        all_objects=lambda: iter(()),
    )


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


def fill(kind, ids, batch=2000):
    have = set(SearchEntry.objects.filter(kind=kind).values_list("object_id", flat=True))
    todo = [i for i in ids if str(i) not in have]
    started = time.time()
    for start in range(0, len(todo), batch):
        services.index_documents(kind, [(i, document(i)) for i in todo[start : start + batch]])
        if start and start % 100_000 == 0:
            rate = start / (time.time() - started)
            print(f"  {kind}: {start} indexed, {rate:.0f} documents/s", flush=True)
    if todo and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchchunk")
            cursor.execute("VACUUM ANALYZE search_searchentry")
    return len(todo), time.time() - started


def queries(rng) -> list[str]:
    found = []
    while len(found) < 20:
        found.append(rng.choice(SURNAMES) + rng.choice(GIVEN))  # a name: 1/1,300 of phrases
        found.append(f"道{rng.choice(SURNAMES)}{rng.choice(GIVEN)}同")  # 1/40,000 of phrases
    while len(found) < 80:
        source = rng.choice(SUBJECTS + ACTIONS + CONNECTIVES)
        size = rng.choice((2, 2, 3, 4))
        if len(source) >= size:
            start = rng.randrange(len(source) - size + 1)
            q = source[start : start + size]
            if q not in found:
                found.append(q)
    return found + ABSENT


def timed(fn, runs=1):
    started = time.perf_counter()
    for _ in range(runs):
        result = fn()
    return (time.perf_counter() - started) * 1000 / runs, result


def p(values, q):
    values = sorted(values)
    return values[max(0, int(round(len(values) * q)) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    ensure_database()
    register("bench")
    register("bench_sample")
    loaded, seconds = fill("bench", range(args.docs))
    print(
        f"{connection.vendor}: {SearchEntry.objects.filter(kind='bench').count()} documents; "
        f"indexed {loaded} in {seconds:.0f} s" + (f" ({loaded / seconds:.0f}/s)" if loaded else "")
    )
    sample_ids = list(range(10_000_000, 10_000_000 + args.sample))
    fill("bench_sample", sample_ids)
    texts = {str(i): (lambda d: d["title"] + "\n" + d["body"])(document(i)) for i in sample_ids}

    user = SimpleNamespace(unit_id=1, clearance=0, is_authenticated=True)
    qs = queries(random.Random(42))
    newest, count, full, sizes = [], [], [], []
    for q in qs:  # warm-up pass, then the timed one
        terms = query_terms(q)
        services.match_entries("bench", terms, 20)
    for q in qs:
        terms = query_terms(q)
        ms, _ = timed(lambda terms=terms: services.match_entries("bench", terms, 20))
        newest.append(ms)
        ms, rows = timed(
            lambda terms=terms: services.match_entries("bench", terms, services.COUNT_CAP + 1)
        )
        count.append(ms)
        sizes.append(len(rows))
        ms, _ = timed(lambda q=q: services.search(user, q, kinds=["bench"]))
        full.append(ms)

    single = []  # one-character queries: the capped LIKE scan of the newest entries
    for q in "食安防会议通知王李鲸":
        ms, _ = timed(lambda q=q: services.search(user, q, kinds=["bench"]))
        single.append(ms)

    missed = extra = expected_total = 0
    for q in qs:
        expected = {k for k, text in texts.items() if q in text}
        got = {r[1] for r in services.match_entries("bench_sample", query_terms(q), 10**7)}
        expected_total += len(expected)
        missed += len(expected - got)
        extra += len(got - expected)
    recall = 100 * (1 - missed / expected_total) if expected_total else 100
    print(
        f"{len(qs)} queries of 2-4 characters; {sum(s > services.COUNT_CAP for s in sizes)} "
        f"hit the count cap, {sum(s == 0 for s in sizes)} found nothing"
    )
    print(f"{'measure':34} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for label, values in (
        ("newest 20 (match)", newest),
        (f"capped count ({services.COUNT_CAP}+)", count),
        ("grouped search (visible, marked)", full),
        ("one-character query (LIKE scan)", single),
    ):
        print(
            f"{label:34} {statistics.median(values):10.1f} {p(values, 0.95):8.1f} "
            f"{max(values):8.1f}"
        )
    print(
        f"recall {recall:.1f} % ({expected_total - missed}/{expected_total} sample hits), "
        f"{extra} extra hits (bigrams chained across punctuation)"
    )


if __name__ == "__main__":
    main()
