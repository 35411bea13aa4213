"""Index and search on the running database (the suite runs on SQLite and on PostgreSQL)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.factories import DepartmentFactory, UnitFactory, UserFactory
from zhongshu.org.models import Department
from zhongshu.search import services
from zhongshu.search.models import SearchChunk, SearchEntry
from zhongshu.search.tokenize import query_terms


def memo_hits(user, query, **kwargs):
    groups = {g["key"]: g for g in services.search(user, query, kinds=["memo"], **kwargs)}
    return groups.get("memo")


def titles(user, query):
    group = memo_hits(user, query)
    return [hit.title for hit in group["hits"]] if group else []


def test_two_characters_match_inside_words(memos, dept, staff):
    memos.add(dept(), "关于开展食品安全检查的通知", "各科室：请于月底前完成自查。")
    memos.add(dept(), "药品不良反应监测报告")

    assert titles(staff, "食品") == ["关于开展食品安全检查的通知"]
    assert titles(staff, "品安") == ["关于开展食品安全检查的通知"]
    assert titles(staff, "药品") == ["药品不良反应监测报告"]
    assert titles(staff, "药品安全") == []  # 药品 and 品安 both occur, never adjacent


def test_a_four_character_phrase_must_occur_whole(memos, dept, staff):
    memos.add(dept(), "全面推进安全生产", "食品与安全")
    memos.add(dept(), "食品安全工作要点")

    assert titles(staff, "食品安全") == ["食品安全工作要点"]


def test_ascii_words_and_numbers_match_whole_and_ignore_case(memos, dept, staff):
    memos.add(dept(), "公文格式", "执行 GB/T 9704-2012 标准，版本v2")

    assert titles(staff, "gb/t 9704") == ["公文格式"]
    assert titles(staff, "9704") == ["公文格式"]
    assert titles(staff, "V2") == ["公文格式"]
    assert titles(staff, "970") == []  # numbers are whole words


def test_space_separated_terms_must_all_occur(memos, dept, staff):
    memos.add(dept(), "食品抽检", "年度安全计划")
    memos.add(dept(), "食品抽检结果")

    assert titles(staff, "食品 安全") == ["食品抽检"]


def test_one_character_query_falls_back_to_a_substring_scan(memos, dept, staff):
    memos.add(dept(), "防汛值班表")
    memos.add(dept(), "会议纪要", "防范风险")
    memos.add(dept(), "人事任免")

    assert titles(staff, "防") == ["会议纪要", "防汛值班表"]  # newest first
    assert titles(staff, "「防」") == ["会议纪要", "防汛值班表"]


def test_newest_first_and_limit(memos, dept, staff):
    for n in range(5):
        memos.add(dept(), f"通知{n}")

    group = memo_hits(staff, "通知", limit=3)

    assert [h.title for h in group["hits"]] == ["通知4", "通知3", "通知2"]
    assert group["count_display"] == "5"


def test_counts_are_capped(memos, dept, staff, monkeypatch):
    monkeypatch.setattr(services, "COUNT_CAP", 3)
    for n in range(5):
        memos.add(dept(), f"通知{n}")

    assert memo_hits(staff, "通知")["count_display"] == "3+"


def test_long_text_is_split_into_chunks_and_its_end_is_found(memos, dept, staff, is_postgres):
    body = "会议" * 9000 + "末尾关键词"
    memos.add(dept(), "长文", body)

    entry = SearchEntry.objects.get(kind="memo")
    assert SearchChunk.objects.filter(entry=entry).count() == 3
    assert titles(staff, "关键词") == ["长文"]
    assert len(entry.snippet) == services.SNIPPET_CHARS


def test_chunks_overlap_so_a_phrase_across_a_boundary_is_found(staff):
    text = "甲" * (services.CHUNK_CHARS - 2) + "跨界短语" + "乙" * 100
    pieces = services.chunks(text)
    assert len(pieces) == 2 and all(len(p) <= services.CHUNK_CHARS for p in pieces)
    assert any("跨界短语" in p for p in pieces)


def test_other_units_and_refused_objects_are_never_returned_nor_counted(memos, dept, staff):
    memos.add(dept(), "本单位食品通知")
    memos.add(DepartmentFactory(unit=UnitFactory()), "外单位食品通知")
    deleted = memos.add(dept(), "已删除食品通知")
    Department.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())

    group = memo_hits(staff, "食品")

    assert [h.title for h in group["hits"]] == ["本单位食品通知"]
    assert group["count_display"] == "1"
    assert memo_hits(staff, "外单位") is None
    assert memo_hits(staff, "外") is None  # the one-character scan filters the same way


def test_classification_above_the_users_clearance_is_not_returned(memos, dept, staff):
    memos.add(dept(), "机密食品通知", classification=3)

    assert memo_hits(staff, "食品") is None


def test_administrators_find_nothing(memos, dept, sysadmin):
    memos.add(dept(), "食品通知")

    assert services.search(sysadmin, "食品") == []


def test_highlight_marks_the_match_and_escapes_everything_else(memos, dept, staff):
    memos.add(dept(), "<script>alert(1)</script>食品安全", "<b>GB/T 9704</b> 食品 & 药品")

    hit = memo_hits(staff, "食品")["hits"][0]

    assert hit.title == "<script>alert(1)</script>食品安全"
    assert str(hit.title_html) == ("&lt;script&gt;alert(1)&lt;/script&gt;<mark>食品</mark>安全")
    assert str(hit.snippet) == "&lt;b&gt;GB/T 9704&lt;/b&gt; <mark>食品</mark> &amp; 药品"
    hit = memo_hits(staff, "gb/t 9704")["hits"][0]
    # Each space-separated term is marked on its own; separators inside a term are kept.
    assert (
        str(hit.snippet) == "&lt;b&gt;<mark>GB/T</mark> <mark>9704</mark>&lt;/b&gt; 食品 &amp; 药品"
    )


def test_highlight_of_a_query_with_markup():
    assert str(services.highlight("a<b>食品", "<b>食品")) == "a&lt;<mark>b&gt;食品</mark>"


def test_remove_takes_the_entry_and_its_chunks_out(memos, dept, staff):
    department = memos.add(dept(), "食品通知")

    services.remove("memo", department.pk)

    assert titles(staff, "食品") == []
    assert not SearchEntry.objects.exists() and not SearchChunk.objects.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            assert cursor.execute("SELECT count(*) FROM search_fts").fetchone() == (0,)


def test_reindexing_replaces_the_old_text(memos, dept, staff):
    department = memos.add(dept(), "食品通知")

    memos.add(department, "药品通知")

    assert titles(staff, "食品") == []
    assert titles(staff, "药品") == ["药品通知"]
    assert SearchEntry.objects.count() == 1 and SearchChunk.objects.count() == 1


def test_rebuild_command_indexes_everything_again(memos, dept, staff):
    memos.add(dept(), "食品通知")
    memos.add(dept(), "药品通知")
    SearchChunk.objects.all().delete()
    SearchEntry.objects.all().delete()
    assert titles(staff, "通知") == []

    call_command("rebuild_search_index", "--kind", "memo", stdout=StringIO())

    assert sorted(titles(staff, "通知")) == ["药品通知", "食品通知"]
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "memo: 2 indexed" in out.getvalue() and "people: searched live" in out.getvalue()
    assert SearchEntry.objects.count() == 2


def test_rebuild_command_refuses_an_unknown_kind(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "--kind", "nope")


@pytest.mark.parametrize("path", ["walk", "slices"])
@pytest.mark.parametrize("query", ["通知", "防"])
def test_query_count_does_not_grow_with_hits(
    memos, dept, staff, query, path, django_assert_max_num_queries, monkeypatch
):
    # Chunk ids come from a sequence that earlier tests in this process have advanced by any
    # amount (rolled-back rows keep their numbers on PostgreSQL), so the path PostgreSQL takes
    # is pinned: a walk that reaches every chunk, or the walk and then every slice.
    monkeypatch.setattr(services, "WALK", 10**12 if path == "walk" else 1)
    monkeypatch.setattr(services, "WINDOWS", (2, 5))
    slices = connection.vendor == "postgresql" and path == "slices"
    for n in range(3):
        memos.add(dept(), f"防汛通知{n}")
    # Match, visibility (here org's selector, which reads the user's roles once), the shown rows;
    # on PostgreSQL the match first reads the newest chunk id; the slices add a savepoint, the
    # planner setting and its reset, and at most three scans.
    with django_assert_max_num_queries(5 + (7 if slices else 0)) as few:
        assert len(memo_hits(staff, query)["hits"]) == 3
    for n in range(30):
        memos.add(dept(), f"防汛通知{n + 3}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(memo_hits(staff, query)["hits"]) == 20


def test_people_and_departments_are_searched_live(unit, office, staff):
    colleague = UserFactory(unit=unit, full_name="赵食品", username="zhao")

    groups = {g["key"]: g for g in services.search(staff, "食品")}

    assert [h.title for h in groups["people"]["hits"]] == [colleague.full_name]
    assert groups["people"]["hits"][0].url == "/directory/?q=zhao"
    assert "departments" not in groups


def test_kinds_never_mix_even_when_one_key_starts_another(memos, dept, staff):
    from tests.search.conftest import register_memo_kind

    register_memo_kind("memo_draft", memos)
    try:
        department = dept()
        memos.texts[department.pk] = ("草稿食品通知", "", 0)
        services.index("memo_draft", department)

        assert memo_hits(staff, "食品") is None
        groups = services.search(staff, "食品", kinds=["memo_draft"])
        assert [h.title for h in groups[0]["hits"]] == ["草稿食品通知"]
    finally:
        from zhongshu.search import registry

        registry.unregister("memo_draft")


def test_newest_slices_first_find_the_same_matches_in_the_same_order(memos, dept, monkeypatch):
    """PostgreSQL walks the newest chunks, then bitmap-scans ever wider slices (_pg_match):
    with tiny slices every path runs, and the answer is the plain newest-first match."""
    for n in range(12):
        body = "食品安全抽检" if n % 3 == 0 else "安全生产检查"
        memos.add(dept(), f"第{n}号通知", body)
    terms = query_terms("食品安全")
    # The plain path: the whole table fits the walk.
    expected = [row[1] for row in services.match_entries("memo", terms, 100)]
    monkeypatch.setattr(services, "WALK", 1)
    monkeypatch.setattr(services, "WINDOWS", (2, 5))

    for cap in (1, 2, 3, 4, 10):
        found = [row[1] for row in services.match_entries("memo", terms, cap)]
        assert found == expected[:cap]
    assert len(expected) == 4


@pytest.mark.django_db(transaction=True)
def test_the_forced_bitmap_scan_does_not_outlive_the_match(memos, dept, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the planner settings exist on PostgreSQL only")
    from django.db import transaction

    for n in range(6):
        memos.add(dept(), f"第{n}号通知", "食品安全")
    monkeypatch.setattr(services, "WALK", 1)
    monkeypatch.setattr(services, "WINDOWS", (2,))

    with transaction.atomic(), connection.cursor() as cursor:  # as in a request's transaction
        assert len(services.match_entries("memo", query_terms("食品安全"), 5)) == 5
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone()[0] == "on"


def test_a_word_beyond_the_cap_is_looked_up_wider_unless_it_seems_everywhere(
    memos, dept, monkeypatch
):
    """matching_object_ids: past ``cap``, one read of every match up to ``wide_cap`` — unless
    the first look's estimate of all the matches is already beyond it (a common word, which
    the caller's own newest-first scan serves faster)."""
    for n in range(12):
        memos.add(dept(), f"第{n}号通知", "食品安全抽检" if n % 3 == 0 else "安全生产检查")
    monkeypatch.setattr(services, "WINDOWS", (2, 5))
    looks = []
    real_match = services._match
    monkeypatch.setattr(
        services,
        "_match",
        lambda *a, **k: looks.append(k.get("whole", False)) or real_match(*a, **k),
    )

    rare = services.matching_object_ids("memo", "食品安全", cap=2, wide_cap=10)
    too_many = services.matching_object_ids("memo", "食品安全", cap=2, wide_cap=3)
    assert len(rare) == 4  # bodies of four of the twelve
    assert too_many is None
    # PostgreSQL knew the 4 were all (fewer than it looked for): no second look for at most 3.
    exact = connection.vendor == "postgresql"
    assert looks == [False, True, False] + ([] if exact else [True])

    looks.clear()
    monkeypatch.setattr(
        services,
        "_match",
        lambda *a, **k: looks.append(k.get("whole", False)) or ([(0, "1")] * 3, 50),
    )
    assert services.matching_object_ids("memo", "安全", cap=2, wide_cap=20) is None
    assert looks == [False]  # about 50 matches: no second look for at most 20


def test_the_estimate_scales_the_newest_matches_to_the_whole_table(memos, dept, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS5 reads newest first with no estimate")
    for n in range(12):
        memos.add(dept(), f"第{n}号通知", "安全生产检查")
    monkeypatch.setattr(services, "WALK", 6)
    newest = SearchChunk.objects.order_by("-id").values_list("id", flat=True).first()

    rows, estimate = services._pg_match("memo", query_terms("安全"), 3)
    _rows, whole = services._pg_match("memo", query_terms("安全"), 100, whole=True)

    assert (len(rows), estimate) == (3, 3 * (newest // 6))  # found 3 in the newest 6 chunks
    assert whole == 12  # read whole: exact
