"""Dates, years, classification and urgency: R15–R18."""

import datetime
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .. import terms
from ..draft import DateValue, Draft
from ..findings import Hit, at
from ..text import ascii_digits, items, number_from_chinese, year_from_chinese

_TEXT_ELEMENTS = ("title", "body", "note", "attachments")


def date_format(draft: Draft) -> Iterator[Hit]:
    """R15: 成文日期 (and 印发日期) as 2012年7月1日 — Arabic numerals, the year in full, no
    leading zeros — a real date, and the 成文日期 not after the 印发日期 (GB/T 9704 §7.3.5)."""
    for element in ("date", "print_date"):
        yield from _date_hits(getattr(draft, element), element)
    written, printed = as_date(draft.date), as_date(draft.print_date)
    if written and printed and written > printed:
        text = draft.date if isinstance(draft.date, str) else ""
        yield Hit(
            at("date", None, 0 if text else None, len(text)),
            _("The 成文日期 %(date)s is after the 印发日期 %(printed)s.")
            % {"date": _format(written), "printed": _format(printed)},
        )


def full_years(draft: Draft) -> Iterator[Hit]:
    """R16: no abbreviated years (24年7月, ’24); in a year in Chinese numerals, zero is 〇,
    not 0, O or ○."""
    for element in _TEXT_ELEMENTS:
        for index, text in items(draft, element):
            for found in terms.SHORT_YEAR.finditer(text):
                yield Hit(
                    at(element, index, found.start(), len(found.group())),
                    _("Write the year in full, with four digits: “%(text)s”.")
                    % {"text": found.group()},
                )
            for found in terms.CHINESE_YEAR.finditer(text):
                year = found.group()
                has_digit = any(ch in terms.CHINESE_YEAR_DIGITS for ch in year)
                if has_digit and any(ch in terms.WRONG_ZEROS for ch in year):
                    right = "".join(
                        terms.YEAR_ZERO if ch in terms.WRONG_ZEROS else ch for ch in year
                    )
                    yield Hit(
                        at(element, index, found.start(), len(year)),
                        _("Zero in a year in Chinese numerals is 〇: “%(right)s”, not “%(wrong)s”.")
                        % {"right": right, "wrong": year},
                        fix=right,
                    )


def classification_mark(draft: Draft) -> Iterator[Hit]:
    """R17: 密级★期限 — 绝密, 机密 or 秘密; the period in Arabic numerals, in years from one year
    up, at most 30/20/10 years; a classified document has a 份号 (GB/T 9704 §7.2.1–7.2.2)."""
    level = draft.classification.strip()
    period = draft.secrecy_period.strip()
    if level:
        if level not in terms.CLASSIFICATIONS:
            bare = level.removesuffix(terms.CLASSIFICATION_SUFFIX)
            yield Hit(
                at("classification", None, draft.classification.index(level), len(level)),
                _("The 密级 is 绝密, 机密 or 秘密, not “%(text)s”.") % {"text": level},
                fix=bare if bare in terms.CLASSIFICATIONS else None,
            )
        if not draft.copy_numbered:
            yield Hit(at("copy_number"), _("A classified document carries a 份号 (copy number)."))
    elif period:
        yield Hit(
            at("secrecy_period", None, 0, len(draft.secrecy_period)),
            _("A 保密期限 without a 密级: set the 密级 or remove the period."),
        )
    if period:
        yield from _period_hits(draft, level, period)


def urgency_level(draft: Draft) -> Iterator[Hit]:
    """R18: 紧急程度 is 特急 or 加急 (特提 and 平急 are for telegrams)."""
    urgency = draft.urgency.strip()
    if not urgency or urgency in terms.URGENCIES:
        return
    location = at("urgency", None, draft.urgency.index(urgency), len(urgency))
    if urgency in terms.TELEGRAM_URGENCIES:
        message = _("“%(text)s” is for telegrams; a document is marked 特急 or 加急.")
    else:
        message = _("The 紧急程度 is 特急 or 加急, not “%(text)s”.")
    yield Hit(location, message % {"text": urgency})


def as_date(value: DateValue) -> datetime.date | None:
    """A typed date read leniently (2024-7-1, 二〇二四年七月一日); None when it is no date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if value is None or isinstance(value, datetime.date):
        return value
    found = terms.DATE_LOOSE.match(value)
    if not found:
        return None
    year = ascii_digits(found["year"])
    year = int(year) if year.isascii() and year.isdigit() else year_from_chinese(found["year"])
    month, day = (_small_number(found[part]) for part in ("month", "day"))
    if not year or year < 1000 or not month or not day:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date_hits(value: DateValue, element: str) -> Iterator[Hit]:
    if not isinstance(value, str) or not value.strip():
        return
    whole = at(element, None, 0, len(value))
    if terms.DATE.match(value):
        if as_date(value) is None:
            yield Hit(whole, _("“%(date)s” is not a real date.") % {"date": value})
        return
    loose = terms.DATE_LOOSE.match(value)
    if loose and len(ascii_digits(loose["year"])) == 2:
        yield Hit(
            whole, _("Write the year of “%(date)s” in full, with four digits.") % {"date": value}
        )
        return
    date = as_date(value)
    if loose and date is None:
        yield Hit(whole, _("“%(date)s” is not a real date.") % {"date": value})
        return
    right = _format(date) if date else None
    yield Hit(
        whole,
        (
            _("Write the date as “%(right)s”: Arabic numerals, the year in full, no leading zeros.")
            if right
            else _(
                "Write the date as 2012年7月1日: Arabic numerals, the year in full, no leading "
                "zeros; “%(date)s” is not in that form."
            )
        )
        % {"right": right, "date": value},
        fix=right,
    )


def _period_hits(draft: Draft, level: str, period: str) -> Iterator[Hit]:
    start = draft.secrecy_period.index(period)
    whole = at("secrecy_period", None, start, len(period))
    if period[0] in terms.STARS:
        yield Hit(
            at("secrecy_period", None, start, 1),
            _("Write the period without the star: the layout puts ★ between 密级 and period."),
            fix="",
        )
        period = period[1:].strip()
    found = terms.SECRECY_PERIOD.match(period)
    if not found:
        loose = terms.SECRECY_PERIOD_LOOSE.match(period)
        number = int(ascii_digits(loose["number"])) if loose else 0
        unit = terms.YEARS if loose and loose["unit"] == terms.YEARS else terms.MONTHS
        right = f"{number}{unit}" if number else None
        yield Hit(
            whole,
            _(
                "Write the 保密期限 in Arabic numerals with 年 or 个月, for example 1年 or 6个月, "
                "not “%(text)s”."
            )
            % {"text": period},
            fix=right,
        )
        if not right:
            return
    else:
        number, unit = int(found["number"]), found["unit"]
    if unit == terms.MONTHS and number >= 12:
        years, rest = divmod(number, 12)
        yield Hit(
            whole,
            _("A period of a year or more is counted in years (年), not “%(text)s”.")
            % {"text": period},
            fix=None if rest else f"{years}{terms.YEARS}",
        )
    limit = terms.CLASSIFICATIONS.get(level)
    if limit and (number if unit == terms.YEARS else number / 12) > limit:
        yield Hit(
            whole,
            _("A %(level)s document is kept secret for at most %(limit)d years, not “%(text)s”.")
            % {"level": level, "limit": limit, "text": period},
        )


def _small_number(text: str) -> int | None:
    digits = ascii_digits(text)
    return int(digits) if digits.isascii() and digits.isdigit() else number_from_chinese(text)


def _format(date: datetime.date) -> str:
    return terms.DATE_FORMAT.format(year=date.year, month=date.month, day=date.day)
