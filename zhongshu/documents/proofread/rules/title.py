"""标题: R3–R8. A title is 发文机关 + 关于 + 事由 + 的 + 文种 (条例 §9)."""

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .. import terms
from ..draft import Draft
from ..findings import Hit, at
from ..text import find_all, is_cjk, is_latin

_YEAR = re.compile(r"[0-9]{4}")


def core(title: str) -> str:
    """The title without trailing punctuation and spaces."""
    return title.rstrip(terms.TRAILING_MARKS)


def kind_word(title: str) -> str | None:
    """The statutory kind word the title ends with (longest match: 命令 before 令)."""
    text = core(title)
    endings = [word for word in terms.TITLE_KIND_WORDS if text.endswith(word)]
    return max(endings, key=len) if endings else None


def title_ends_with_kind(draft: Draft) -> Iterator[Hit]:
    """R3: the title ends with one of the fifteen kinds (条例 §8), the kind of this document.

    关于印发…的通知 and 转发…的通知 end with 通知 and pass. A title ending with a
    non-statutory kind is left to R5, a stacked kind at the end to R4.
    """
    text = core(draft.title)
    if not text:
        return
    word = kind_word(text)
    if word is None:
        if _non_statutory_ending(text) or terms.OLD_MINUTES_AS_KIND.search(text):
            return
        yield Hit(
            at("title", None, 0, len(text)),
            _(
                "The title “%(title)s” does not end with a statutory kind (文种); "
                "this document is a %(kind)s."
            )
            % {"title": text, "kind": draft.kind},
        )
    elif terms.TITLE_KIND_WORDS[word] != draft.kind and not any(
        text.endswith(overlap) for overlap in terms.KIND_OVERLAPS
    ):
        yield Hit(
            at("title", None, len(text) - len(word), len(word)),
            _("The title ends with “%(word)s”, but this document is a %(kind)s.")
            % {"word": word, "kind": draft.kind},
        )


def stacked_kinds(draft: Draft) -> Iterator[Hit]:
    """R4: two kinds stacked (文种重叠): 请示报告, 意见报告, 请示函, …的通知的通知."""
    title = draft.title
    for overlap in terms.KIND_OVERLAPS:
        for start in find_all(title, overlap):
            length = len(overlap)
            if overlap.endswith(terms.NOTICE):
                # A forwarding notice drops the kind of what it forwards.
                if start > 0 and title[start - 1] == terms.OF:
                    start, length = start - 1, length + 1
                yield Hit(
                    at("title", None, start, length),
                    _(
                        "“%(text)s” repeats the kind: a forwarding 通知 leaves out the kind of "
                        "the forwarded document. Write “%(right)s”."
                    )
                    % {"text": title[start : start + length], "right": terms.NOTICE_OVERLAP_FIX},
                    fix=terms.NOTICE_OVERLAP_FIX,
                )
            elif draft.kind in overlap:
                yield Hit(
                    at("title", None, start, length),
                    _("“%(text)s” stacks two kinds (文种重叠); this document is a %(kind)s.")
                    % {"text": overlap, "kind": draft.kind},
                    fix=draft.kind,
                )
            else:
                yield Hit(
                    at("title", None, start, length),
                    _("“%(text)s” stacks two kinds (文种重叠); a document has one kind.")
                    % {"text": overlap},
                )


def non_statutory_kind(draft: Draft) -> Iterator[Hit]:
    """R5: a home-made or old kind used as the kind: 汇报, 申请, 方案, 办法, 会议纪要, ….

    Inside 关于印发…的通知 these words are fine: the title then ends with 通知. 会议纪要 is
    flagged only as the kind on its own (…的会议纪要), never in 局长办公会议纪要.
    """
    text = core(draft.title)
    ending = _non_statutory_ending(text)
    if ending:
        right = terms.NON_STATUTORY_ENDINGS[ending]
        yield Hit(
            at("title", None, len(text) - len(ending), len(ending)),
            (
                _("“%(word)s” is not a statutory kind (文种): write “%(right)s”.")
                if right
                else _(
                    "“%(word)s” is not a statutory kind (文种); issue it as a %(kind)s, or "
                    "with 关于印发…的通知."
                )
            )
            % {"word": ending, "right": right, "kind": draft.kind},
            fix=right,
        )
    old = terms.OLD_MINUTES_AS_KIND.search(text)
    if old:
        yield _old_minutes(at("title", None, old.start(), len(old.group())))
    mark = draft.issuer_mark.strip()
    if draft.format == terms.FORMAT_MINUTES and mark == terms.OLD_MINUTES:
        start = draft.issuer_mark.index(mark)
        yield _old_minutes(at("issuer_mark", None, start, len(mark)))


def urgency_in_title(draft: Draft) -> Iterator[Hit]:
    """R6: 紧急/加急/特急 in a title; urgency belongs in the header (warning: 紧急 can be part of
    the matter, as in 紧急救援, so only its tag-like uses are flagged)."""
    for found in terms.URGENCY_IN_TITLE.finditer(draft.title):
        yield Hit(
            at("title", None, found.start(), len(found.group())),
            _("“%(text)s” in the title: mark urgency (特急 or 加急) in the header instead.")
            % {"text": found.group()},
        )


def title_punctuation(draft: Draft) -> Iterator[Hit]:
    """R7: no punctuation in a title but 书名号 and quotation marks (the 顿号 and the 间隔号
    are accepted, as official titles use them), and none at its end."""
    title = draft.title
    text = core(title)
    end = len(text)
    if title[end:].strip():
        yield Hit(
            at("title", None, end, len(title) - end),
            _("No punctuation at the end of a title: remove “%(mark)s”.")
            % {"mark": title[end:].strip()},
            fix="",
        )
    for position, char in _unquoted(text):
        if char in terms.OPEN_PARENTHESES + terms.CLOSE_PARENTHESES:
            continue  # title_brackets
        if not _is_punctuation(text, position):
            continue
        yield Hit(
            at("title", None, position, 1),
            _("No “%(mark)s” in a title: titles use only 书名号 《》 and quotation marks.")
            % {"mark": char},
        )


def title_brackets(draft: Draft) -> Iterator[Hit]:
    """R7 (warning): brackets outside a 书名号, e.g. （征求意见稿） left in a title."""
    text = core(draft.title)
    for position, char in _unquoted(text):
        if char not in terms.OPEN_PARENTHESES:
            continue
        closes = [i for i in map(text.find, terms.CLOSE_PARENTHESES, [position] * 2) if i != -1]
        end = min(closes, default=len(text) - 1) + 1
        if _YEAR.search(text, position, end):
            continue  # a period or an edition: （2023—2027年）, （2024年版）
        yield Hit(
            at("title", None, position, end - position),
            _(
                "Brackets in a title: “%(text)s”. Titles use no punctuation but 书名号 and "
                "quotation marks; check that they are needed."
            )
            % {"text": text[position:end]},
        )


def about_position(draft: Draft) -> Iterator[Hit]:
    """R8: the organ stands before 关于, and 关于 is not doubled."""
    title = draft.title
    doubled = terms.ABOUT * 2
    for start in find_all(title, doubled):
        yield Hit(
            at("title", None, start, len(doubled)),
            _("“%(text)s” is repeated.") % {"text": terms.ABOUT},
            fix=terms.ABOUT,
        )
    if title.startswith(terms.ABOUT):
        for name in draft.organ_names:
            if title.startswith(name, len(terms.ABOUT)):
                wrong = terms.ABOUT + name
                yield Hit(
                    at("title", None, 0, len(wrong)),
                    _("Put the issuing organ before 关于: “%(right)s”, not “%(wrong)s”.")
                    % {"right": name + terms.ABOUT, "wrong": wrong},
                    fix=name + terms.ABOUT,
                )
                break


def of_before_kind(draft: Draft) -> Iterator[Hit]:
    """R8 (warning): 关于 + 事由 + 的 + 文种; a title with 关于 and no 的 before its kind."""
    text = core(draft.title)
    about = text.find(terms.ABOUT)
    word = kind_word(text)
    if about == -1 or word is None or any(text.endswith(o) for o in terms.KIND_OVERLAPS):
        return
    kind_start = len(text) - len(word)
    if word == terms.LETTER and text[:kind_start].endswith(terms.REPLY_PREFIX):
        kind_start -= len(terms.REPLY_PREFIX)  # 复函 is one word
    if terms.OF not in text[about + len(terms.ABOUT) : kind_start]:
        yield Hit(
            at("title", None, kind_start, 0),
            _("Write 的 before the kind: 关于 + 事由 + 的 + %(kind)s.") % {"kind": word},
            fix=terms.OF,
        )


def _non_statutory_ending(text: str) -> str | None:
    for ending in sorted(terms.NON_STATUTORY_ENDINGS, key=len, reverse=True):
        if text.endswith(ending):
            return ending
    return None


def _old_minutes(location) -> Hit:
    return Hit(
        location,
        _("会议纪要 is no longer a kind (文种): since 2012 it is 纪要."),
        fix=terms.MINUTES,
    )


def _unquoted(text: str) -> Iterator[tuple[int, str]]:
    """Characters outside 书名号 and quotation marks, where titles of laws and quoted slogans
    keep their own punctuation."""
    depth = 0
    for position, char in enumerate(text):
        if char in terms.QUOTES_OPEN:
            depth += 1
        elif char in terms.QUOTES_CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            yield position, char


def _is_punctuation(text: str, position: int) -> bool:
    char = text[position]
    if char.isalnum() or char.isspace() or is_cjk(char) or char in terms.TITLE_NEUTRAL_MARKS:
        return False
    # 3.5 and GB/T: marks inside numbers and Latin.
    inside = 0 < position < len(text) - 1
    return not (inside and is_latin(text[position - 1]) and is_latin(text[position + 1]))
