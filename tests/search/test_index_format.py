"""An index written by an earlier tokenizer is rebuilt after ``migrate`` (tokenize.VERSION)."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.search.test_search import titles
from zhongshu.search import services
from zhongshu.search.models import IndexFormat
from zhongshu.search.tokenize import _RUN, VERSION


def _first_tokens(text):
    """Version 1: CJK runs as bigrams alone (a one-character run kept), words whole."""
    out = []
    for cjk, word in _RUN.findall(text or ""):
        if cjk:
            out.extend([cjk] if len(cjk) == 1 else [cjk[i : i + 2] for i in range(len(cjk) - 1)])
        else:
            out.append(word.lower())
    return " ".join(out)


@pytest.fixture
def first_index(memos, dept, staff, monkeypatch):
    """Two memos indexed as version 1 wrote them, the index marked so."""
    with monkeypatch.context() as patch:
        patch.setattr(services, "tokens", _first_tokens)
        memos.add(dept(), "2026年度工作要点")
        memos.add(dept(), "关于第1项工作的通知")
    IndexFormat.objects.all().delete()
    IndexFormat.objects.create(version=1)
    return memos


def test_an_index_of_the_first_tokenizer_misses_pieces_that_end_at_a_number(first_index, staff):
    assert titles(staff, "2026年") == []
    assert titles(staff, "第1项") == []
    assert titles(staff, "工作") != []  # a plain word was found then too


def test_migrate_rebuilds_an_index_written_by_another_version(first_index, staff):
    out = StringIO()
    call_command("migrate", "--noinput", verbosity=1, stdout=out)

    assert "Rebuilding the search index of memo" in out.getvalue()
    assert titles(staff, "2026年") == ["2026年度工作要点"]
    assert titles(staff, "第1项") == ["关于第1项工作的通知"]
    assert list(IndexFormat.objects.values_list("version", flat=True)) == [VERSION]


def test_a_current_index_is_left_alone(memos, dept, staff):
    memos.add(dept(), "2026年度工作要点")
    IndexFormat.objects.all().delete()
    IndexFormat.objects.create(version=VERSION)

    assert services.ensure_index_format() == []


def test_an_empty_index_is_marked_current_without_a_rebuild(memos):
    IndexFormat.objects.all().delete()

    assert services.ensure_index_format() == []
    assert list(IndexFormat.objects.values_list("version", flat=True)) == [VERSION]


def test_entries_without_a_mark_are_taken_as_the_first_version(memos, dept, staff, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(services, "tokens", _first_tokens)
        memos.add(dept(), "2026年度工作要点")
    IndexFormat.objects.all().delete()

    assert "memo" in services.ensure_index_format()
    assert titles(staff, "2026年") == ["2026年度工作要点"]
