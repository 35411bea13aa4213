"""Comparing two versions of a document's text (issue 4 item 2: "any two versions can be compared
in the browser with changes highlighted").

Fields are compared one by one; list fields (issuers, recipients, attachments…) item by item and
the body block by block, aligned with :class:`difflib.SequenceMatcher`; the words of a changed
item are compared character by character (Chinese has no spaces to split words on). Every piece
of text is HTML-escaped before ``<del>`` / ``<ins>`` marks are put around it.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import Classification

from .models import CONTENT_FIELDS, Direction, Kind, Layout, OutgoingDocument, Urgency

# Beyond this many characters on either side, difflib's "junk" heuristic keeps a comparison of
# two very different long paragraphs fast (it may then mark a little more than strictly needed).
EXACT_LIMIT = 2000

LEVEL_LABELS = {
    0: _("Paragraph"),
    1: _("Heading 1 (一、)"),
    2: _("Heading 2 (（一）)"),
    3: _("Heading 3 (1.)"),
    4: _("Heading 4 (（1）)"),
}
CHOICES = {
    "kind": Kind,
    "layout": Layout,
    "direction": Direction,
    "classification": Classification,
    "urgency": Urgency,
}
LIST_FIELDS = (
    "issuers",
    "main_recipients",
    "cc_recipients",
    "attachment_names",
    "present",
    "absent",
    "attending",
)


def _matcher(a, b) -> SequenceMatcher:
    exact = len(a) <= EXACT_LIMIT and len(b) <= EXACT_LIMIT
    return SequenceMatcher(None, a, b, autojunk=not exact)


def mark(old: str, new: str) -> SafeString:
    """``new`` with what was removed from ``old`` in ``<del>`` and what was added in ``<ins>``."""
    old, new = str(old or ""), str(new or "")
    if old == new:
        return format_html("{}", new)
    parts = []
    for op, i1, i2, j1, j2 in _matcher(old, new).get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", new[j1:j2]))
            continue
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", old[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", new[j1:j2]))
    return format_html_join("", "{}", ((part,) for part in parts))


@dataclass
class Item:
    """One item of a list field or one block of the body, in the newer version's order."""

    status: str  # equal, changed, inserted, deleted
    html: SafeString
    level_old: int | None = None
    level_new: int | None = None

    @property
    def level(self) -> int:
        return self.level_new if self.level_new is not None else (self.level_old or 0)

    @property
    def level_changed(self) -> bool:
        return (
            self.level_old is not None
            and self.level_new is not None
            and self.level_old != self.level_new
        )

    @property
    def level_old_label(self):
        return LEVEL_LABELS.get(self.level_old, "")

    @property
    def level_new_label(self):
        return LEVEL_LABELS.get(self.level_new, "")


def _text_item(old, new, status, old_level=None, new_level=None) -> Item:
    if status == "deleted":
        html = format_html("<del>{}</del>", old)
    elif status == "inserted":
        html = format_html("<ins>{}</ins>", new)
    else:
        html = mark(old, new)
    return Item(status=status, html=html, level_old=old_level, level_new=new_level)


def diff_items(old: list, new: list, *, levels: bool = False) -> list[Item]:
    """Align two lists of texts (or of (level, text) blocks when ``levels``) and mark the
    differences: unchanged items, items changed in place (character diff), added and removed
    ones. A replaced run is paired item by item, the rest added or removed."""

    def text(entry):
        return entry[1] if levels else entry

    def level(entry):
        return entry[0] if levels else None

    result: list[Item] = []
    for op, i1, i2, j1, j2 in _matcher(old, new).get_opcodes():
        if op == "equal":
            for entry in new[j1:j2]:
                result.append(
                    _text_item(text(entry), text(entry), "equal", level(entry), level(entry))
                )
            continue
        olds, news = old[i1:i2], new[j1:j2]
        paired = min(len(olds), len(news)) if op == "replace" else 0
        for a, b in zip(olds[:paired], news[:paired], strict=True):
            status = "equal" if a == b else "changed"
            result.append(_text_item(text(a), text(b), status, level(a), level(b)))
        for a in olds[paired:]:
            result.append(_text_item(text(a), "", "deleted", level(a), None))
        for b in news[paired:]:
            result.append(_text_item("", text(b), "inserted", None, level(b)))
    return result


def _display(name: str, value) -> str:
    if name in CHOICES:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    return "" if value is None else str(value)


def _names(value) -> list[str]:
    names = []
    for entry in value or []:
        name = entry.get("name", "") if isinstance(entry, dict) else entry
        names.append(str(name or ""))
    return names


def _blocks(value) -> list[tuple[int, str]]:
    blocks = []
    for block in value or []:
        if isinstance(block, dict):
            blocks.append((int(block.get("level") or 0), str(block.get("text") or "")))
    return blocks


@dataclass
class FieldDiff:
    name: str
    label: str
    kind: str  # text, list, body
    changed: bool
    html: SafeString = SafeString("")
    items: list[Item] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.html and not self.items


def compare(old: dict, new: dict) -> list[FieldDiff]:
    """Every text field of two version snapshots (``DocumentVersion.content``), in the order of
    :data:`CONTENT_FIELDS`, with the differences marked."""
    rows = []
    for name in CONTENT_FIELDS:
        label = str(OutgoingDocument._meta.get_field(name).verbose_name)
        a, b = old.get(name), new.get(name)
        if name == "body":
            items = diff_items(_blocks(a), _blocks(b), levels=True)
            changed = any(i.status != "equal" or i.level_changed for i in items)
            rows.append(FieldDiff(name, label, "body", changed, items=items))
        elif name in LIST_FIELDS:
            items = diff_items(_names(a), _names(b))
            changed = any(i.status != "equal" for i in items)
            rows.append(FieldDiff(name, label, "list", changed, items=items))
        else:
            da, db = _display(name, a), _display(name, b)
            rows.append(FieldDiff(name, label, "text", da != db, html=mark(da, db)))
    return rows
