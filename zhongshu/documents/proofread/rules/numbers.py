"""发文字号: R1 (the document's own number) and R2 (numbers cited in the body)."""

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .. import terms
from ..draft import Draft
from ..findings import Hit, at
from ..text import ascii_digits, items, year_from_chinese

HEXAGONAL = terms.HEXAGONAL_OPEN + terms.HEXAGONAL_CLOSE


def doc_number_format(draft: Draft) -> Iterator[Hit]:
    """R1: 机关代字〔年份〕序号号, e.g. 国发〔2012〕10号 (GB/T 9704 §7.2.5).

    A 命令's 令号 (第708号) and a 纪要's number, which the unit chooses, are accepted as such.
    """
    text = draft.doc_number
    if not text.strip() or terms.DOC_NUMBER.match(text):
        return
    if draft.format == terms.FORMAT_ORDER and terms.ORDER_NUMBER.match(text):
        return
    if draft.format == terms.FORMAT_MINUTES and terms.MINUTES_NUMBER.match(text):
        return
    if any(ch.isspace() for ch in text):
        yield Hit(
            at("doc_number", None, 0, len(text)),
            _("Remove the spaces from the 发文字号 “%(text)s”.") % {"text": text},
            fix="".join(text.split()),
        )
    found = terms.DOC_NUMBER_LOOSE.match(text.strip())
    if not found:
        yield Hit(
            at("doc_number", None, 0, len(text)),
            _(
                "“%(text)s” is not a 发文字号 of the form 机关代字〔年份〕序号号, "
                "for example 国发〔2012〕10号."
            )
            % {"text": text},
        )
        return
    shift = len(text) - len(text.lstrip())
    if not found["code"]:
        yield Hit(
            at("doc_number", None, shift, 0),
            _("The 发文字号 “%(text)s” has no organ code (机关代字) before the year.")
            % {"text": text},
        )
    elif not all(terms.NUMBER_CODE_CHAR.match(ch) for ch in found["code"]):
        yield Hit(
            at("doc_number", None, shift, len(found["code"])),
            _(
                "The organ code (机关代字) “%(code)s” is written in Chinese characters or "
                "letters only."
            )
            % {"code": found["code"]},
        )
    yield from number_parts(found, "doc_number", None, shift)
    if not found["suffix"]:
        yield Hit(
            at("doc_number", None, shift + found.end("seq"), 0),
            _("End the 发文字号 with 号: “%(text)s号”.") % {"text": text.strip()},
            fix=terms.NUMBER_SUFFIX,
        )


def cited_doc_numbers(draft: Draft) -> Iterator[Hit]:
    """R2: a number cited in the body is written as in R1 and follows the title of the cited
    document in brackets: 《标题》（国发〔2012〕10号）."""
    for index, text in items(draft, "body"):
        for found in terms.CITED_NUMBER.finditer(text):
            yield from number_parts(found, "body", index, 0)
            code_start = found.start("open")
            while code_start > 0 and terms.NUMBER_CODE_CHAR.match(text[code_start - 1]):
                code_start -= 1
            if code_start > 0 and text[code_start - 1] == terms.TITLE_CLOSE:
                number = text[code_start : found.end()]
                yield Hit(
                    at("body", index, code_start, len(number)),
                    _("Put the cited 发文字号 in brackets after the title: “%(right)s”.")
                    % {"right": terms.CITATION_OPEN + number + terms.CITATION_CLOSE},
                    fix=terms.CITATION_OPEN + number + terms.CITATION_CLOSE,
                )
            title_start = len(text) - len(text[found.end() :].lstrip())
            title_end = text.find(terms.TITLE_CLOSE, title_start)
            if text.startswith(terms.TITLE_OPEN, title_start) and title_end != -1:
                start = found.start("open")
                yield Hit(
                    at("body", index, start, title_end + 1 - start),
                    _(
                        "Cite the title first and the 发文字号 after it in brackets, "
                        "《标题》（国发〔2012〕10号）, not “%(text)s”."
                    )
                    % {"text": text[start : title_end + 1]},
                )


def number_parts(found: re.Match, element: str, index: int | None, shift: int) -> Iterator[Hit]:
    """The mistakes in the brackets, year and sequence number of a matched 发文字号."""

    def span(group: str) -> tuple[int, int]:
        return shift + found.start(group), len(found[group])

    year = found["year"]
    right_year = _four_digit_year(year)
    brackets = found["open"] + found["close"]
    if brackets != HEXAGONAL:
        start = shift + found.start("open")
        right = terms.HEXAGONAL_OPEN + (right_year or year) + terms.HEXAGONAL_CLOSE
        yield Hit(
            at(element, index, start, shift + found.end("close") - start),
            _(
                "The year of a 发文字号 goes in hexagonal brackets 〔〕: “%(right)s”, "
                "not “%(wrong)s”."
            )
            % {"right": right, "wrong": found.string[found.start("open") : found.end("close")]},
            fix=right,
        )
    if right_year is None:
        yield Hit(
            at(element, index, *span("year")),
            _("Write the year of the 发文字号 in full, with four Arabic digits, not “%(year)s”.")
            % {"year": year},
        )
    elif right_year != year and brackets == HEXAGONAL:
        yield Hit(
            at(element, index, *span("year")),
            _("Write the year of the 发文字号 in Arabic digits: “%(right)s”, not “%(wrong)s”.")
            % {"right": right_year, "wrong": year},
            fix=right_year,
        )
    if found["ordinal"]:
        yield Hit(
            at(element, index, *span("ordinal")),
            _("No 第 before the sequence number of a 发文字号: remove it from “%(text)s”.")
            % {"text": found.group().strip()},
            fix="",
        )
    if found["zeros"]:
        yield Hit(
            at(element, index, *span("zeros")),
            _("No leading zeros in the sequence number: “%(right)s”, not “%(wrong)s”.")
            % {"right": ascii_digits(found["seq"]), "wrong": found["zeros"] + found["seq"]},
            fix="",
        )
    if ascii_digits(found["seq"]) != found["seq"]:
        yield Hit(
            at(element, index, *span("seq")),
            _("Write the sequence number in Arabic digits: “%(right)s”, not “%(wrong)s”.")
            % {"right": ascii_digits(found["seq"]), "wrong": found["seq"]},
            fix=ascii_digits(found["seq"]),
        )


def _four_digit_year(text: str) -> str | None:
    digits = ascii_digits(text)
    if len(digits) == 4 and digits.isascii() and digits.isdigit():
        return digits
    year = year_from_chinese(text)
    return str(year) if year and year >= 1000 else None
