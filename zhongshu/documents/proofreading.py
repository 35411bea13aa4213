"""Proofreading (校对) of outgoing documents, with the office's overrides (issue 4 §10).

:func:`run` checks the current text with the office's typo list and stores the counts on the
document; :func:`blocking` says which findings stop 签发; :func:`override` lets the office, at
审核, keep a standard-breaking finding with a reason (audited). The office edits its typo list
with :func:`typo_add` and :func:`typo_remove`.

A finding is known across runs by its key: a SHA-256 of the rule, its severity, the element,
the item and offset in it, and the text it points at. Editing that text, or text before it in
the same item, changes the key, so an override never outlives the words it was given for.
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.core import audit

from . import output, rules, selectors
from .models import OfficeTypo, OutgoingDocument, ProofreadOverride, State
from .proofread import DEFAULT_TYPOS, Draft, Finding, Severity, Typo, check
from .proofread.text import items

REASON_MAX = 300
TYPO_MAX = 20


class NotAtReview(Exception):
    """An override outside 审核: the office decides on findings while it reviews the draft."""


# --- Keys and places ----------------------------------------------------------------------------


def _item_text(draft: Draft, element: str, index: int | None) -> str | None:
    """The text a location points into, or None for an element that is not text (seal, date)."""
    try:
        texts = dict(items(draft, element))
    except ValueError:
        value = getattr(draft, element, None)
        return value if isinstance(value, str) else None
    return texts.get(index)


def matched_text(draft: Draft, finding: Finding) -> str:
    location = finding.location
    if location.start is None:
        return ""
    text = _item_text(draft, location.element, location.index) or ""
    return text[location.start : location.start + location.length]


def finding_key(draft: Draft, finding: Finding) -> str:
    """A finding's identity across runs and languages (the message is translated, so it is not
    part of it): rule, severity, element, item, offset and the text found there."""
    location = finding.location
    parts = (
        finding.rule,
        str(finding.severity),
        location.element,
        "" if location.index is None else str(location.index),
        "" if location.start is None else str(location.start),
        str(location.length),
        matched_text(draft, finding),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Place:
    """Where a finding stands, for the findings panel: the item's text cut around the span."""

    element: str
    index: int | None
    before: str = ""
    match: str = ""
    after: str = ""
    has_text: bool = False  # False: about the element as a whole (a missing 签发人)
    insertion: bool = False  # a point where something is missing (length 0)


CONTEXT = 16  # characters shown on each side of the span


def place(draft: Draft, finding: Finding) -> Place:
    location = finding.location
    text = _item_text(draft, location.element, location.index)
    if location.start is None or text is None:
        return Place(location.element, location.index)
    start, end = location.start, location.start + location.length
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return Place(
        location.element,
        location.index,
        before=("…" if start > CONTEXT else "") + before,
        match=text[start:end],
        after=after + ("…" if end + CONTEXT < len(text) else ""),
        has_text=True,
        insertion=location.length == 0,
    )


# --- The office's typo list -------------------------------------------------------------------


def office_typos(unit_id) -> tuple[Typo, ...]:
    """The built-in list with the office's entries; an office entry replaces a built-in one for
    the same word. One query."""
    merged = {typo.wrong: typo for typo in DEFAULT_TYPOS}
    for entry in OfficeTypo.objects.filter(unit_id=unit_id, deleted_at__isnull=True):
        exceptions = tuple(str(word) for word in entry.exceptions or () if str(word).strip())
        merged[entry.wrong] = Typo(entry.wrong, entry.right, exceptions)
    return tuple(merged.values())


def office_typo_entries(unit_id) -> list[OfficeTypo]:
    return list(OfficeTypo.objects.filter(unit_id=unit_id, deleted_at__isnull=True))


def _require_office(actor) -> None:
    if not rules.is_office(actor):
        raise PermissionDenied(_("Only the general office may do this."))


def _clean_word(value, field: str) -> str:
    word = "".join(str(value or "").split())
    if not word:
        raise ValidationError({field: _("This field is required.")})
    if len(word) > TYPO_MAX:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": TYPO_MAX}})
    return word


@transaction.atomic
def typo_add(*, actor, wrong: str, right: str, exceptions=()) -> OfficeTypo:
    """Add a word to the office's typo list (R29, gongwen.md §6: 形近字 such as 己经 → 已经).

    ``exceptions`` are correct words that contain the mistyped one (自己经常 for 己经).
    """
    _require_office(actor)
    wrong, right = _clean_word(wrong, "wrong"), _clean_word(right, "right")
    if wrong == right:
        raise ValidationError({"right": _("The correct word is the same as the mistyped one.")})
    words = [w for w in ("".join(str(e).split()) for e in exceptions) if w]
    for word in words:
        if wrong not in word:
            raise ValidationError(
                {
                    "exceptions": _("“%(word)s” does not contain “%(wrong)s”.")
                    % {"word": word, "wrong": wrong}
                }
            )
    taken = OfficeTypo.objects.filter(unit_id=actor.unit_id, wrong=wrong, deleted_at__isnull=True)
    if taken.exists():
        raise ValidationError(
            {"wrong": _("“%(wrong)s” is on the list already.") % {"wrong": wrong}}
        )
    entry = OfficeTypo(unit_id=actor.unit_id, wrong=wrong, right=right, exceptions=words)
    try:
        with transaction.atomic():
            entry.save_versioned(actor=actor, expected_version=None)
    except IntegrityError as exc:
        raise ValidationError(
            {"wrong": _("“%(wrong)s” is on the list already.") % {"wrong": wrong}}
        ) from exc
    audit.record(
        "documents.typo_added",
        actor=actor,
        obj=entry,
        detail={"wrong": wrong, "right": right, "exceptions": words},
    )
    return entry


@transaction.atomic
def typo_remove(*, actor, entry: OfficeTypo) -> None:
    """Take a word off the office's list (soft deletion; a built-in word it replaced is back)."""
    _require_office(actor)
    if entry.unit_id != actor.unit_id or entry.deleted_at is not None:
        raise PermissionDenied
    entry.deleted_at = timezone.now()
    entry.save_versioned(actor=actor, expected_version=entry.version)
    audit.record(
        "documents.typo_removed",
        actor=actor,
        obj=entry,
        detail={"wrong": entry.wrong, "right": entry.right},
    )


# --- Running and overriding -------------------------------------------------------------------


def _filled_later(document: OutgoingDocument, finding: Finding) -> bool:
    """A finding about what the system fills in after the check: the 签发人 of an upward
    document comes from the actual signature (issue 4 §2), so before 签发 it cannot be there."""
    return (
        finding.rule == "R11"
        and finding.severity == Severity.ERROR
        and finding.location.element == "signers"
        and document.signed_by_id is None
    )


@dataclass(frozen=True)
class Checked:
    """A finding with its key and place, as the panel lists it."""

    finding: Finding
    key: str
    place: Place

    @property
    def is_error(self) -> bool:
        return self.finding.is_error


def check_document(document: OutgoingDocument) -> list[Checked]:
    """Every finding on the current text (overrides not applied), with keys and places."""
    draft = output.draft_model(document, typos=office_typos(document.unit_id))
    return [
        Checked(finding, finding_key(draft, finding), place(draft, finding))
        for finding in check(draft)
        if not _filled_later(document, finding)
    ]


def overridden_keys(document: OutgoingDocument) -> frozenset[str]:
    return frozenset(
        ProofreadOverride.objects.filter(document=document).values_list("key", flat=True)
    )


def _store_counts(document: OutgoingDocument, findings) -> None:
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    # Counts are a cache of the last run, not an edit: no version bump, no history.
    OutgoingDocument.objects.filter(pk=document.pk).update(
        findings_errors=min(errors, 32767), findings_warnings=min(warnings, 32767)
    )
    document.findings_errors, document.findings_warnings = errors, warnings


def run_checked(document: OutgoingDocument) -> list[Checked]:
    """:func:`run`, keeping each finding's key and place (for the findings panel)."""
    skip = overridden_keys(document)
    checked = [c for c in check_document(document) if c.key not in skip]
    _store_counts(document, [c.finding for c in checked])
    return checked


def run(document: OutgoingDocument) -> list[Finding]:
    """Proofread the current text (gongwen.md §6 R1–R30 and the office's typo list), leave out
    the findings the office has overridden, and store the error and warning counts."""
    return [c.finding for c in run_checked(document)]


def blocking(findings, *, document: OutgoingDocument | None = None) -> list[Finding]:
    """The findings that stop 签发: errors (they break the 条例 or GB/T 9704) the office has not
    overridden. :func:`run` already leaves overridden ones out; given ``document``, findings
    straight from ``check`` are filtered by its overrides too."""
    errors = [f for f in findings if f.is_error]
    if document is None or not errors:
        return errors
    skip = overridden_keys(document)
    draft = output.draft_model(document, typos=office_typos(document.unit_id))
    return [f for f in errors if finding_key(draft, f) not in skip]


@transaction.atomic
def override(*, actor, document: OutgoingDocument, key: str, reason: str) -> ProofreadOverride:
    """Keep a standard-breaking finding, with a reason: the office's call at 审核 only
    (条例 §19 审核 checks 文种 and format; issue 4 §10). Audited as documents.proofread_override.

    Raises PermissionDenied (not the office of the document's unit), NotAtReview (the document
    is not in 审核) or ValidationError (no reason; a key that is no current error).
    """
    _require_office(actor)
    if not selectors.can_view(actor, document):  # another unit's, or above the clearance
        raise PermissionDenied
    locked = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if locked.state != State.REVIEW:
        raise NotAtReview(_("Findings are overridden at review (审核) only."))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason for letting this finding stand.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(max)d characters.") % {"max": REASON_MAX}})
    current = {c.key: c for c in check_document(locked)}
    found = current.get(str(key or ""))
    if found is None:
        raise ValidationError(
            {"key": _("This finding is no longer in the text; proofread the document again.")}
        )
    if not found.is_error:
        raise ValidationError({"key": _("Only errors block signing; a warning needs no override.")})
    try:
        with transaction.atomic():
            row = ProofreadOverride.objects.create(
                document=locked,
                rule=found.finding.rule,
                key=found.key,
                message=found.finding.message,
                reason=reason,
                text_version=locked.text_version,
                created_at=timezone.now(),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError({"key": _("This finding has been overridden already.")}) from exc
    audit.record(
        "documents.proofread_override",
        actor=actor,
        obj=locked,
        classification=locked.classification,
        detail={
            "rule": row.rule,
            "key": row.key,
            "element": found.place.element,
            "reason": reason,
            "text_version": row.text_version,
        },
    )
    run(locked)
    document.findings_errors = locked.findings_errors
    document.findings_warnings = locked.findings_warnings
    return row


__all__ = [
    "Checked",
    "NotAtReview",
    "Place",
    "blocking",
    "check_document",
    "finding_key",
    "office_typo_entries",
    "office_typos",
    "override",
    "overridden_keys",
    "place",
    "run",
    "run_checked",
    "typo_add",
    "typo_remove",
]
