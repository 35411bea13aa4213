"""The list of rules and the checker that runs them.

Each rule is a function of a Draft yielding Hits; the list gives it its id (gongwen.md §6), its
severity and the elements it reads, so an office can add a rule or a typo list, or the editor can
re-run only the rules of the element being edited. A rule whose parts differ in weight is
registered twice with the same id, once per severity (R7, R8, R9, R11, R19, R27).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .draft import Draft
from .findings import Finding, Hit, Severity
from .rules import dates, formats, numbers, punctuation, routing, title, words

ERROR, WARNING = Severity.ERROR, Severity.WARNING
_TEXT = ("title", "body", "note", "attachments")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    reads: tuple[str, ...]  # the elements it looks at (besides kind, format and direction)
    check: Callable[[Draft], Iterable[Hit]]

    @property
    def number(self) -> int:
        return int(self.id.removeprefix("R"))


RULES: tuple[Rule, ...] = (
    Rule("R1", ERROR, ("doc_number",), numbers.doc_number_format),
    Rule("R2", ERROR, ("body",), numbers.cited_doc_numbers),
    Rule("R3", ERROR, ("title",), title.title_ends_with_kind),
    Rule("R4", ERROR, ("title",), title.stacked_kinds),
    Rule("R5", ERROR, ("title", "issuer_mark"), title.non_statutory_kind),
    Rule("R6", WARNING, ("title",), title.urgency_in_title),
    Rule("R7", ERROR, ("title",), title.title_punctuation),
    Rule("R7", WARNING, ("title",), title.title_brackets),
    Rule("R8", ERROR, ("title",), title.about_position),
    Rule("R8", WARNING, ("title",), title.of_before_kind),
    Rule("R9", ERROR, ("main_recipients",), routing.request_one_recipient),
    Rule("R9", WARNING, ("body",), routing.request_one_matter),
    Rule("R10", ERROR, ("body",), routing.report_without_requests),
    Rule("R11", ERROR, ("signers",), routing.upward_signers),
    Rule("R11", WARNING, ("signers",), routing.downward_signers),
    Rule("R12", ERROR, ("body",), routing.closing_matches_kind),
    Rule("R13", ERROR, ("cc",), routing.no_copies_down),
    Rule("R14", ERROR, ("issuer_mark", "title", "signatures"), routing.organs_agree),
    Rule("R15", ERROR, ("date", "print_date"), dates.date_format),
    Rule("R16", ERROR, _TEXT, dates.full_years),
    Rule(
        "R17", ERROR, ("classification", "secrecy_period", "copy_number"), dates.classification_mark
    ),
    Rule("R18", ERROR, ("urgency",), dates.urgency_level),
    Rule("R19", ERROR, ("body",), punctuation.sequence_numbers),
    Rule("R19", WARNING, ("body",), punctuation.heading_levels),
    Rule("R20", ERROR, _TEXT, punctuation.listed_quotations),
    Rule("R21", ERROR, _TEXT, punctuation.range_marks),
    Rule("R22", ERROR, ("attachments", "attachment_titles"), punctuation.attachment_names),
    Rule("R23", ERROR, ("cc",), punctuation.cc_names),
    Rule("R24", ERROR, ("main_recipients",), punctuation.main_recipient_names),
    Rule("R25", WARNING, ("body", "note"), punctuation.full_width_marks),
    # R26 (fonts, sizes, positions, page numbers) is layout: the renderer enforces it.
    Rule("R27", WARNING, ("seal",), formats.minutes_unsealed),
    Rule("R27", ERROR, ("issuer_mark",), formats.letter_mark),
    Rule("R28", ERROR, ("note",), formats.note_brackets),
    Rule("R29", WARNING, _TEXT, words.typos),
    Rule("R30", WARNING, ("body",), words.short_forms),
)


def check(draft: Draft, rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Proofread a draft: every finding of ``rules``, in the order they stand on the page."""
    findings = [
        Finding(rule.id, rule.severity, hit.message, hit.location, hit.fix)
        for rule in rules
        for hit in rule.check(draft)
    ]
    number = {rule.id: rule.number for rule in rules}
    return sorted(findings, key=lambda f: (*f.location.sort_key, number[f.rule]))


def rules_reading(element: str, rules: Sequence[Rule] = RULES) -> tuple[Rule, ...]:
    """The rules to re-run when ``element`` changes."""
    return tuple(rule for rule in rules if element in rule.reads)
