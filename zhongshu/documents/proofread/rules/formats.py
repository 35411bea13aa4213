"""The special formats and the 附注: R27 and R28. (R26, fonts, sizes, positions and page numbers,
is the renderer's: it lays the document out by GB/T 9704 §7 and §10, so there is nothing in a
draft's data to check. For the same reason R27's 信函 without a page number on its first page is
left to the renderer.)"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .. import terms
from ..draft import Draft
from ..findings import Hit, at


def minutes_unsealed(draft: Draft) -> Iterator[Hit]:
    """R27 (warning): a 纪要 carries no seal. GB/T 9704 §10.3 lets the unit set its 纪要 format,
    so an unsealed 纪要 is common practice rather than a clause (gongwen.md corrections)."""
    if draft.format == terms.FORMAT_MINUTES and draft.sealed:
        yield Hit(at("seal"), _("A 纪要 is usually not sealed; check whether the seal belongs."))


def letter_mark(draft: Draft) -> Iterator[Hit]:
    """R27: a 信函's 发文机关标志 is the organ's name without 文件 (GB/T 9704 §10.1)."""
    mark = draft.issuer_mark.rstrip()
    if draft.format == terms.FORMAT_LETTER and mark.endswith(terms.FILE_SUFFIX):
        start = len(mark) - len(terms.FILE_SUFFIX)
        yield Hit(
            at("issuer_mark", None, start, len(terms.FILE_SUFFIX)),
            _("A 信函's 发文机关标志 is the organ's name without “文件”."),
            fix="",
        )


def note_brackets(draft: Draft) -> Iterator[Hit]:
    """R28: the 附注 stands in full-width round brackets, （此件公开发布） (GB/T 9704 §7.3.6).
    Its place under the 成文日期 is the renderer's."""
    note = draft.note.strip()
    if not note or (note[0] == terms.NOTE_OPEN and note[-1] == terms.NOTE_CLOSE):
        return
    start = draft.note.index(note)
    opened = note[0] in terms.OPEN_PARENTHESES
    closed = note[-1] in terms.CLOSE_PARENTHESES
    inner = note[1 if opened else None : -1 if closed else None]
    right = terms.NOTE_OPEN + inner + terms.NOTE_CLOSE
    yield Hit(
        at("note", None, start, len(note)),
        (
            _("Put the 附注 in full-width brackets: “%(right)s”.")
            if opened or closed
            else _("Put the 附注 in round brackets: “%(right)s”.")
        )
        % {"right": right},
        fix=right,
    )
