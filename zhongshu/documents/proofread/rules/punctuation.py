"""Sequence numbers and punctuation: R19–R25."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .. import terms
from ..draft import Draft
from ..findings import Hit, at
from ..text import after, before, is_chinese, is_cjk, is_latin, items

_TEXT_ELEMENTS = ("title", "body", "note", "attachments")


def wrong_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, right form) of each wrongly written sequence number in a block: at its
    start, and — for the bracketed forms and 1、 — after a colon, semicolon or full stop."""
    starts = [(len(text) - len(text.lstrip()), True)]
    starts += [
        (len(text) - len(text[i + 1 :].lstrip()), False)
        for i, char in enumerate(text)
        if char in terms.SENTENCE_BREAKS
    ]
    for position, at_block_start in starts:
        for pattern, template, inside in terms.WRONG_NUMBERS:
            if not (at_block_start or inside):
                continue
            found = pattern.match(text, position)
            if found:
                right = template.format(n=found["n"])
                if found.group() != right:
                    yield position, found.end(), right
                break


def sequence_numbers(draft: Draft) -> Iterator[Hit]:
    """R19: sequence numbers are 一、 （一） 1. （1） (GB/T 9704 §7.3.3): not 一. （一）、 1、
    (1)、 or 第一、 (which is 第一，). 1.5 and 1、2月 are not sequence numbers."""
    for index, text in items(draft, "body"):
        for start, end, right in wrong_numbers(text):
            yield Hit(
                at("body", index, start, end - start),
                _("Write the sequence number “%(wrong)s” as “%(right)s”.")
                % {"wrong": text[start:end], "right": right},
                fix=right,
            )


def heading_levels(draft: Draft) -> Iterator[Hit]:
    """R19 (warning): a heading's number matches its level: 一、 then （一） then 1. then （1）."""
    for index, block in enumerate(draft.body):
        if not block.level:
            continue
        text = block.text.lstrip()
        shift = len(block.text) - len(text)
        for level, pattern in terms.LEVEL_NUMBERS.items():
            found = pattern.match(text)
            if found and level != block.level:
                yield Hit(
                    at("body", index, shift, len(found.group())),
                    _(
                        "A level-%(level)d heading is numbered “%(number)s”, the form of level "
                        "%(found)d; the levels run 一、 （一） 1. （1）."
                    )
                    % {"level": block.level, "number": found.group(), "found": level},
                )
                break


def listed_quotations(draft: Draft) -> Iterator[Hit]:
    """R20: no 顿号 between titles or quotations side by side: 《A》《B》, not 《A》、《B》."""
    for element in _TEXT_ELEMENTS:
        for index, text in items(draft, element):
            for found in terms.LISTED_QUOTES.finditer(text):
                start = found.start()
                yield Hit(
                    at(element, index, start, 1),
                    _(
                        "No 顿号 between titles or quotations side by side: “%(right)s”, "
                        "not “%(wrong)s”."
                    )
                    % {
                        "right": text[start - 1] + text[start + 1],
                        "wrong": text[start - 1 : start + 2],
                    },
                    fix="",
                )


def range_marks(draft: Draft) -> Iterator[Hit]:
    """R21: ranges of values take the 浪纹线 (3～5年), spans of time or place the 一字线
    (2013—2015年, 北京—上海); never a hyphen. Hyphens in Latin text, standard numbers
    (GB/T 9704-2012), telephone numbers and dates (2024-07-01) are left alone."""
    for element in _TEXT_ELEMENTS:
        for index, text in items(draft, element):
            for found in terms.NUMBER_RANGE.finditer(text):
                start, end = found.span()
                previous = text[start - 1] if start else ""
                following = text[end] if end < len(text) else ""
                chinese = is_cjk(previous) or is_cjk(following) or following in terms.PERCENT_SIGNS
                if not chinese or is_latin(before(text, start)) or _telephone(found):
                    continue
                right = terms.EM_DASH if _time_span(found, following) else terms.WAVE_DASH
                yield _range_hit(element, index, text, found.start("sep"), start, end, right)
            for found in terms.WORD_RANGE.finditer(text):
                position = found.start()
                yield _range_hit(
                    element, index, text, position, position - 1, position + 2, terms.EM_DASH
                )


def attachment_names(draft: Draft) -> Iterator[Hit]:
    """R22: the 附件说明 lists the names only — the layout writes 附件： and numbers several
    attachments 1. 2. — without punctuation after a name, and each name is the title of the
    attached file (GB/T 9704 §7.3.4)."""
    for index, name in enumerate(draft.attachments):
        label = terms.ATTACHMENT_LABEL.match(name)
        if label:
            yield Hit(
                at("attachments", index, 0, label.end()),
                _("Write the attachment's name only; the layout writes “附件：”."),
                fix="",
            )
        position = label.end() if label else 0
        number = terms.ATTACHMENT_NUMBER.match(name, position)
        if number:
            yield Hit(
                at("attachments", index, position, number.end() - position),
                _("Write the attachment's name without “%(number)s”; the layout numbers them.")
                % {"number": number.group().strip()},
                fix="",
            )
        yield from _trailing_marks(
            "attachments",
            index,
            name,
            _("No punctuation after an attachment's name: remove “%(mark)s”."),
        )
    if draft.attachment_titles is None:
        return
    titles = draft.attachment_titles
    for index, name in enumerate(draft.attachments):
        if index >= len(titles):
            yield Hit(
                at("attachments", index, 0, len(name)),
                _("The 附件说明 lists “%(name)s”, but no file is attached for it.")
                % {"name": name},
            )
        elif _bare(name) != _bare(titles[index]):
            yield Hit(
                at("attachments", index, 0, len(name)),
                _("The 附件说明 lists “%(name)s”, but attachment %(number)d is titled “%(title)s”.")
                % {"name": name, "number": index + 1, "title": titles[index]},
            )
    for index in range(len(draft.attachments), len(titles)):
        yield Hit(
            at("attachment_titles", index, 0, len(titles[index])),
            _("The attachment “%(title)s” is not listed in the 附件说明.")
            % {"title": titles[index]},
        )


def cc_names(draft: Draft) -> Iterator[Hit]:
    """R23: 抄送：名称，名称。 — the layout writes the label, the ，between names and the 。 at
    the end; the names carry none of them (GB/T 9704 §7.4.2)."""
    yield from _organ_names(
        draft,
        "cc",
        terms.CC_LABEL,
        _("Write the organ's name only; the layout writes “抄送：”."),
        _(
            "Write the organ's name only: remove “%(mark)s”. The layout separates the names "
            "with “，” and ends the line with “。”."
        ),
    )


def main_recipient_names(draft: Draft) -> Iterator[Hit]:
    """R24: the main recipients end with a full-width colon, which the layout writes."""
    yield from _organ_names(
        draft,
        "main_recipients",
        terms.MAIN_RECIPIENT_LABEL,
        _("Write the organ's name only; “主送” is not printed."),
        _(
            "Write the organ's name only: remove “%(mark)s”. The layout ends the main "
            "recipients with a full-width colon “：”."
        ),
    )


def full_width_marks(draft: Draft) -> Iterator[Hit]:
    """R25 (warning, a custom): Chinese text takes full-width ，；：（）. Inside numbers and Latin
    (1,000; 10:30; f(x); URLs) the half-width marks stay. The 附注's own brackets are R28's
    and sequence numbers R19's."""
    for element in ("body", "note"):
        for index, text in items(draft, element):
            skip = {i for start, end, _right in wrong_numbers(text) for i in range(start, end)}
            if element == "note" and text.strip():
                skip |= {len(text) - len(text.lstrip()), len(text.rstrip()) - 1}
            for position in _half_width_in_chinese(text):
                if position in skip:
                    continue
                char = text[position]
                yield Hit(
                    at(element, index, position, 1),
                    _("Use the full-width “%(right)s” in Chinese text, not “%(wrong)s”.")
                    % {"right": terms.FULL_WIDTH[char], "wrong": char},
                    fix=terms.FULL_WIDTH[char],
                )


def _half_width_in_chinese(text: str) -> Iterator[int]:
    """Positions of half-width marks with Chinese text on either side. A bracket pair goes
    with its opening bracket: f(x) is Latin even when Chinese text follows it."""
    opened = []  # (position, is Chinese) of each open bracket
    for position, char in enumerate(text):
        if char not in terms.FULL_WIDTH:
            continue
        chinese = is_chinese(before(text, position)) or is_chinese(after(text, position + 1))
        if char == "(":
            chinese = not is_latin(before(text, position)) and chinese
            opened.append((position, chinese))
        elif char == ")" and opened:
            chinese = opened.pop()[1]
        if chinese:
            yield position


def _range_hit(element, index, text, position, start, end, right) -> Hit:
    wrong = text[start:end]
    fixed = wrong.replace(text[position], right, 1)
    message = (
        _("Use the 一字线 — between two points in time or places: “%(right)s”, not “%(wrong)s”.")
        if right == terms.EM_DASH
        else _("Use the 浪纹线 ～ for a range of values: “%(right)s”, not “%(wrong)s”.")
    )
    return Hit(
        at(element, index, position, 1),
        message % {"right": fixed, "wrong": wrong},
        fix=right,
    )


def _time_span(found, following: str) -> bool:
    """2013-2015 and 2024.1-2024.6 (years, months) and 3-5月 (months, days) are spans of time;
    3-5年 is a quantity."""
    return (
        all(_year_or_month(n) for n in (found["a"], found["b"]))
        or following in terms.TIME_POINT_UNITS
    )


def _year_or_month(number: str) -> bool:
    year, _dot, month = number.partition(".")
    if not (len(year) == 4 and 1000 <= int(year) <= 2999):
        return False
    return not month or 1 <= int(month) <= 12


def _telephone(found) -> bool:
    """0571-88888888, 88888888-1234: long whole numbers or an area code."""
    a, b = found["a"], found["b"]
    whole = "." not in a + b
    return whole and (max(len(a), len(b)) >= 5 or (a.startswith("0") and len(a) >= 3))


def _organ_names(draft, element, label_pattern, label_message, mark_message) -> Iterator[Hit]:
    for index, name in enumerate(getattr(draft, element)):
        label = label_pattern.match(name)
        if label and label.group().strip() and label.end() < len(name):
            yield Hit(at(element, index, 0, label.end()), label_message, fix="")
        yield from _trailing_marks(element, index, name, mark_message)
        body_end = len(name.rstrip(terms.TRAILING_MARKS))
        for position, char in enumerate(name[:body_end]):
            if char in terms.WRONG_SEPARATORS:
                yield Hit(
                    at(element, index, position, 1),
                    _("Separate organs with “，”, not “%(mark)s”.") % {"mark": char},
                    fix=terms.LIST_COMMA,
                )


def _trailing_marks(element, index, text, message) -> Iterator[Hit]:
    end = len(text.rstrip())
    start = len(text.rstrip(terms.TRAILING_MARKS))
    if start < end:
        yield Hit(
            at(element, index, start, end - start),
            message % {"mark": text[start:end]},
            fix="",
        )


def _bare(name: str) -> str:
    """An attachment name as compared with its file's title: no label, number, 书名号 or
    trailing punctuation, no spaces."""
    label = terms.ATTACHMENT_LABEL.match(name)
    name = name[label.end() :] if label else name
    number = terms.ATTACHMENT_NUMBER.match(name)
    name = name[number.end() :] if number else name
    name = name.rstrip(terms.TRAILING_MARKS).strip()
    if name.startswith(terms.TITLE_OPEN) and name.endswith(terms.TITLE_CLOSE):
        name = name[1:-1]
    return "".join(name.split())
