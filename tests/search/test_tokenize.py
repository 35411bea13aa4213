import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongshu.search.tokenize import match_length, query_terms, query_tokens, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("食品安全", "食 食品 品安 安全 全"),
        ("GB/T 9704", "gb t 9704"),
        ("食", "食"),
        (
            "关于2026年食品安全检查的通知（草案）",
            "关 关于 于 2026 年 年食 食品 品安 安全 全检 检查 查的 的通 通知 知 草 草案 案",
        ),
        ("第1科、办公室", "第 1 科 办 办公 公室 室"),
        ("Hello, World! v2.0", "hello world v2 0"),
        ("ＧＢ／Ｔ　９７０４", "gb t 9704"),  # full-width forms fold first
        ("snake_case", "snake case"),
        ("，。！……", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_tokens_exact_output(text, expected):
    assert tokens(text) == expected


def test_a_query_word_is_the_bigrams_alone():
    assert query_tokens("食品安全") == "食品 品安 安全"
    assert query_terms("食品安全") == ["食品 品安 安全"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("2026年", "2026 年"),
        ("第1项工作", "第 1 项 项工 工作"),
        ("发〔2026〕7号", "发 2026 7 号"),
        ("关于第1项", "关于 于第 第 1 项"),
        ("GB9704格式", "gb9704 格 格式"),
    ],
)
def test_a_query_gives_single_characters_where_a_run_meets_another(query, expected):
    assert query_tokens(query) == expected


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("2026年度工作要点", "2026年"),
        ("关于第1项工作的通知", "第1项"),
        ("关于第1项工作的通知", "第1项工作"),
        ("关于第1项工作的通知", "于第1"),
        ("市政发〔2026〕7号", "发〔2026〕7号"),
        ("市政发〔2026〕7号", "政发〔2026〕7号"),
        ("关于2026年食品安全检查的通知", "食品安全"),
        ("关于2026年食品安全检查的通知", "于2026年食"),
        ("第1科、办公室", "1科"),
    ],
)
def test_every_substring_query_is_an_adjacent_run_of_the_text_tokens(text, query):
    """A phrase match on the tokens is a substring match on the text, joins included."""
    indexed, phrase = f" {tokens(text)} ", f" {query_tokens(query)} "
    assert phrase in indexed


@pytest.mark.parametrize(
    ("text", "query"),
    [("关于第12项工作", "第1项"), ("2026年度", "2025年"), ("食品安全", "食安")],
)
def test_a_query_that_is_not_a_substring_does_not_match(text, query):
    assert f" {query_tokens(query)} " not in f" {tokens(text)} "


def test_query_terms_split_on_spaces_and_drop_repeats():
    assert query_terms(" 食品  GB/T 食品 ") == ["食品", "gb t"]
    assert query_terms("？！") == []


def test_match_length_counts_letters_and_digits_only():
    assert match_length("食") == 1
    assert match_length("「食」") == 1
    assert match_length("食品 a") == 3
    assert match_length("  ") == 0


@given(st.text(alphabet="甲乙丙丁1、", min_size=1, max_size=24).filter(lambda t: "11" not in t))
def test_any_piece_of_a_text_is_found_in_its_tokens(text):
    """Whatever piece of the text is asked for, its tokens are an adjacent run of the text's
    (digits here never touch each other: a Latin word or a number is matched whole)."""
    indexed = f" {tokens(text)} "
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            piece = text[start:end]
            if match_length(piece) >= 2:
                assert f" {query_tokens(piece)} " in indexed, piece
