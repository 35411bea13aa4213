"""What the proofreader reports: findings with a location the editor can highlight."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    # An error breaks the 条例 or GB/T 9704 and blocks 签发; a warning is a custom, an
    # unverified rule ([U] in gongwen.md) or a heuristic, for the proofreader to judge.
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


# The elements in the order they stand on the page (GB/T 9704 §7), so findings read top to
# bottom. "seal" is the 印章; the others are Draft fields.
ELEMENTS = (
    "copy_number",
    "classification",
    "secrecy_period",
    "urgency",
    "issuer_mark",
    "doc_number",
    "signers",
    "title",
    "main_recipients",
    "body",
    "attachments",
    "signatures",
    "date",
    "seal",
    "note",
    "attachment_titles",
    "cc",
    "print_date",
)


@dataclass(frozen=True)
class Location:
    """Where a finding is: an element, the item within it, and a span of that item's text.

    ``index`` is the block of the body or the entry of a list element (main_recipients, cc,
    attachments, signers, signatures); None for single-valued elements. ``start`` and
    ``length`` are character offsets in that text; ``start`` is None when the finding is about
    the element as a whole (a missing 签发人, say). A length of 0 marks an insertion point.
    """

    element: str
    index: int | None = None
    start: int | None = None
    length: int = 0

    def __post_init__(self):
        if self.element not in ELEMENTS:
            raise ValueError(f"Unknown element {self.element!r}.")

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (
            ELEMENTS.index(self.element),
            -1 if self.index is None else self.index,
            -1 if self.start is None else self.start,
        )


@dataclass(frozen=True)
class Hit:
    """What a rule function yields; the checker adds the rule's id and severity."""

    location: Location
    message: str
    fix: str | None = None


@dataclass(frozen=True)
class Finding:
    """One problem in a draft.

    ``fix``, when given, is the text that should replace the located span (an empty string
    deletes it). It is offered only where the right text is certain.
    """

    rule: str
    severity: Severity
    message: str
    location: Location
    fix: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def at(
    element: str, index: int | None = None, start: int | None = None, length: int = 0
) -> Location:
    return Location(element, index, start, length)
