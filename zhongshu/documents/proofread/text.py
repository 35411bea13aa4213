"""Small text helpers shared by the rules."""

from collections.abc import Iterator

from . import terms
from .draft import Draft

# Elements whose items are plain text, and how to read them from a draft.
_LISTS = ("main_recipients", "cc", "attachments", "signers", "signatures")
_SINGLE = ("title", "note", "issuer_mark", "doc_number")


def items(draft: Draft, element: str) -> Iterator[tuple[int | None, str]]:
    """(index, text) of each item of a text element; index is None for single-valued ones."""
    if element == "body":
        yield from enumerate(block.text for block in draft.body)
    elif element in _LISTS:
        yield from enumerate(getattr(draft, element))
    elif element in _SINGLE:
        yield None, getattr(draft, element)
    else:
        raise ValueError(f"{element!r} is not a text element.")


def find_all(text: str, word: str) -> Iterator[int]:
    start = text.find(word)
    while start != -1:
        yield start
        start = text.find(word, start + 1)


def is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or char == "\u3007"  # 〇


def is_full_width_punctuation(char: str) -> bool:
    return (
        "\u3000" <= char <= "\u303f"
        or "\uff00" <= char <= "\uffef"
        or "\u2018" <= char <= "\u201f"
        or char in "…—·"
    )


def is_chinese(char: str) -> bool:
    """A character of Chinese text: a han character or a full-width mark."""
    return bool(char) and (is_cjk(char) or is_full_width_punctuation(char))


def is_latin(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalnum()


def before(text: str, index: int) -> str:
    """The nearest character before ``index`` that is not a space ("" at the start)."""
    stripped = text[:index].rstrip()
    return stripped[-1] if stripped else ""


def after(text: str, index: int) -> str:
    """The nearest character from ``index`` on that is not a space ("" at the end)."""
    stripped = text[index:].lstrip()
    return stripped[0] if stripped else ""


def ascii_digits(text: str) -> str:
    """Full-width digits (０–９) as ASCII ones."""
    return text.translate({0xFF10 + d: 0x30 + d for d in range(10)})


def year_from_chinese(text: str) -> int | None:
    """二〇一二 → 2012, digit by digit; None when it is not four Chinese digits."""
    if len(text) != 4 or any(ch not in terms.CHINESE_DIGITS for ch in text):
        return None
    return int("".join(str(terms.CHINESE_DIGITS[ch]) for ch in text))


def number_from_chinese(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 三十一 → 31 (enough for months and days)."""
    ten = terms.CHINESE_TEN
    if not text or any(ch not in terms.CHINESE_DIGITS and ch != ten for ch in text):
        return None
    if ten not in text:
        return terms.CHINESE_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition(ten)
    if len(tens) > 1 or len(units) > 1 or ten in units:
        return None
    return (terms.CHINESE_DIGITS[tens] if tens else 1) * 10 + (
        terms.CHINESE_DIGITS[units] if units else 0
    )


def strip_organs(text: str, names: tuple[str, ...]) -> str:
    """What is left of ``text`` once every organ name and joiner is taken out."""
    for name in names:  # longest first, so a full name goes before its abbreviation
        text = text.replace(name, " ")
    return "".join(ch for ch in text if ch not in terms.ORGAN_JOINERS)
