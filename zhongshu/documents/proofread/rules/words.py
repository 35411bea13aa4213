"""Words: R29 (the office's typo list) and R30 (short forms introduced before use)."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .. import terms
from ..draft import Draft, Typo
from ..findings import Hit, at
from ..text import find_all, items

_TEXT_ELEMENTS = ("title", "body", "note", "attachments")


def typos(draft: Draft) -> Iterator[Hit]:
    """R29 (warning): words on the office's typo list (形近字 such as 己经 → 已经). A list alone
    misfires without context, so these are warnings; each entry names the correct words that
    contain it (自己经常) so that they are not reported."""
    for element in _TEXT_ELEMENTS:
        for index, text in items(draft, element):
            for typo in draft.typos:
                for start in find_all(text, typo.wrong):
                    if _inside_exception(text, start, typo):
                        continue
                    yield Hit(
                        at(element, index, start, len(typo.wrong)),
                        _("“%(wrong)s” looks like a typo for “%(right)s”.")
                        % {"wrong": typo.wrong, "right": typo.right},
                        fix=typo.right,
                    )


def short_forms(draft: Draft) -> Iterator[Hit]:
    """R30 (warning): a short form (以下简称“X”) is not used before it is introduced. Its own
    sentence is not searched, since the full name before the brackets often contains it
    (国家发展改革委（以下简称“发展改革委”））."""
    for index, text in items(draft, "body"):
        for found in terms.ABBREVIATION_INTRO.finditer(text):
            short = found["short"].strip()
            sentence = max(text.rfind(mark, 0, found.start()) for mark in terms.SENTENCE_ENDS)
            earlier = [(i, t) for i, t in items(draft, "body") if i < index]
            earlier.append((index, text[: sentence + 1]))
            first = next(((i, t.find(short)) for i, t in earlier if short in t), None)
            if first:
                yield Hit(
                    at("body", first[0], first[1], len(short)),
                    _(
                        "“%(short)s” is used before it is introduced as a short form (以下简称); "
                        "write the full name first."
                    )
                    % {"short": short},
                )


def _inside_exception(text: str, start: int, typo: Typo) -> bool:
    for word in typo.exceptions:
        offset = word.find(typo.wrong)
        while offset != -1:
            begin = start - offset
            if begin >= 0 and text.startswith(word, begin):
                return True
            offset = word.find(typo.wrong, offset + 1)
    return False
