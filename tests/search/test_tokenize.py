import pytest

from zhongshu.search.tokenize import match_length, query_terms, query_tokens, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("食品安全", "食品 品安 安全"),
        ("GB/T 9704", "gb t 9704"),
        ("食", "食"),
        (
            "关于2026年食品安全检查的通知（草案）",
            "关于 2026 年食 食品 品安 安全 全检 检查 查的 的通 通知 草案",
        ),
        ("第1科、办公室", "第 1 科 办公 公室"),
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


def test_query_uses_the_same_tokenizer():
    assert query_tokens("食品安全") == tokens("食品安全") == "食品 品安 安全"


def test_query_terms_split_on_spaces_and_drop_repeats():
    assert query_terms(" 食品  GB/T 食品 ") == ["食品", "gb t"]
    assert query_terms("？！") == []


def test_match_length_counts_letters_and_digits_only():
    assert match_length("食") == 1
    assert match_length("「食」") == 1
    assert match_length("食品 a") == 3
    assert match_length("  ") == 0
