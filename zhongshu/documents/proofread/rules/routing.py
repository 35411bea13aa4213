"""文种与行文规则: R9–R14 (条例 §13–17)."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .. import terms
from ..draft import Draft
from ..findings import Hit, at
from ..text import items, strip_organs


def request_one_recipient(draft: Draft) -> Iterator[Hit]:
    """R9: a 请示 goes to exactly one superior organ (条例 §15(1), 不得多头主送).

    Its 签发人 is R11's and a 报告 in its title is R3's and R4's, so that each mistake is
    reported once.
    """
    if draft.kind != terms.REQUEST:
        return
    names = [(i, n) for i, n in enumerate(draft.main_recipients) if n.strip()]
    if not names:
        yield Hit(
            at("main_recipients"),
            _("A 请示 goes to one superior organ: name it as the main recipient (主送机关)."),
        )
        return
    for index, name in names[1:]:
        yield Hit(
            at("main_recipients", index, 0, len(name)),
            _(
                "A 请示 goes to one superior organ only (不得多头主送): “%(name)s” can be "
                "copied (抄送) instead."
            )
            % {"name": name},
        )
    for index, name in names:
        parts = [
            p
            for p in terms.RECIPIENT_SEPARATORS.split(name.strip(terms.TRAILING_MARKS))
            if p.strip()
        ]
        if len(parts) > 1:
            yield Hit(
                at("main_recipients", index, 0, len(name)),
                _("“%(name)s” names several organs; a 请示 goes to one superior organ only.")
                % {"name": name},
            )


def request_one_matter(draft: Draft) -> Iterator[Hit]:
    """R9 (warning): one matter per 请示 (一文一事). Heuristic: besides the closing paragraph
    (妥否，请批示), more than one paragraph asks for approval."""
    if draft.kind != terms.REQUEST:
        return
    closing = _last_paragraph(draft)
    first_requests = {}  # block index → its first request phrase
    for index, block in enumerate(draft.body):
        if index != closing:
            for found in _requests(block.text):
                first_requests.setdefault(index, found)
    if len(first_requests) > 1:
        index, found = list(first_requests.items())[1]
        yield Hit(
            at("body", index, found.start(), len(found.group())),
            _(
                "This 请示 asks for approval in more than one place; a 请示 handles one matter "
                "(一文一事). Check whether it should be split."
            ),
        )


def report_without_requests(draft: Draft) -> Iterator[Hit]:
    """R10: no request in a 报告 (条例 §15(4), 不得在报告中夹带请示事项).

    A request phrase quoted in the report as reported speech is reported too: the rule is a
    plain phrase match, and the proofreader can dismiss the finding.
    """
    if draft.kind != terms.REPORT:
        return
    for index, text in items(draft, "body"):
        for found in _requests(text):
            yield Hit(
                at("body", index, found.start(), len(found.group())),
                _(
                    "A 报告 carries no request (不得夹带请示事项): “%(text)s”. "
                    "Ask in a separate 请示."
                )
                % {"text": found.group()},
            )


def upward_signers(draft: Draft) -> Iterator[Hit]:
    """R11: an upward document names its 签发人 (条例 §9)."""
    if draft.is_upward and not any(name.strip() for name in draft.signers):
        yield Hit(
            at("signers"),
            _("An upward document (%(kind)s) names its 签发人.") % {"kind": draft.kind},
        )


def downward_signers(draft: Draft) -> Iterator[Hit]:
    """R11 (warning): the 签发人 line is for upward documents."""
    names = [n for n in draft.signers if n.strip()]
    if names and not draft.is_upward and draft.effective_direction == terms.DOWNWARD:
        yield Hit(
            at("signers", 0, 0, len(draft.signers[0])),
            _("A downward document does not show a 签发人; the line is for upward documents."),
        )


def closing_matches_kind(draft: Draft) -> Iterator[Hit]:
    """R12: the closing fits the kind: 特此通知 ends a 通知, not a 通告; a directive does not
    end asking for approval (妥否，请批示)."""
    for index, text in items(draft, "body"):
        for found in terms.CLOSING_PATTERN.finditer(text):
            closing = found.group()
            if draft.kind in terms.CLOSINGS[closing]:
                continue
            right = terms.CLOSING_PREFIX + draft.kind
            if right not in terms.CLOSINGS or draft.kind == terms.REQUEST:
                right = None
            yield Hit(
                at("body", index, found.start(), len(closing)),
                (
                    _("The closing “%(closing)s” does not suit a %(kind)s: write “%(right)s”.")
                    if right
                    else _("The closing “%(closing)s” does not suit a %(kind)s.")
                )
                % {"closing": closing, "kind": draft.kind, "right": right},
                fix=right,
            )
    if draft.kind not in terms.DIRECTIVE_KINDS:
        return
    last = _last_paragraph(draft)
    if last is None:
        return
    for found in _requests(draft.body[last].text):
        yield Hit(
            at("body", last, found.start(), len(found.group())),
            _("“%(text)s” asks a superior for a decision; it does not close a %(kind)s.")
            % {"text": found.group(), "kind": draft.kind},
        )


def no_copies_down(draft: Draft) -> Iterator[Hit]:
    """R13: an upward document is not copied to subordinate organs (条例 §15(1)).

    The rule names 请示; the clause covers every upward document, so it is applied to them
    all. Skipped when the draft does not say which organs are subordinate.
    """
    if not draft.is_upward or draft.subordinates is None:
        return
    for index, name in enumerate(draft.cc):
        if name.strip() and draft.is_subordinate(name.strip()):
            yield Hit(
                at("cc", index, 0, len(name)),
                _("An upward document is not copied to a subordinate organ: remove “%(name)s”.")
                % {"name": name},
                fix="",
            )


def organs_agree(draft: Draft) -> Iterator[Hit]:
    """R14: the 发文机关标志, the organ in the title and the signature name the issuing organs
    (full names or their 规范化简称). Skipped when the draft does not name its issuers."""
    names = draft.organ_names
    if not names:
        return
    organs = terms.LIST_JOINER.join(draft.issuers or names)
    mark = draft.issuer_mark.strip()
    # A 纪要's mark names the meeting (局长办公会议纪要), not the organ.
    if mark and draft.format != terms.FORMAT_MINUTES:
        suffix = next((s for s in terms.MARK_SUFFIXES if mark.endswith(s)), "")
        named = mark[: len(mark) - len(suffix)]
        if not named.strip() or strip_organs(named, names):
            start = draft.issuer_mark.index(mark)
            yield Hit(
                at("issuer_mark", None, start, len(mark)),
                _("The 发文机关标志 “%(mark)s” does not name the issuing organs (%(organs)s).")
                % {"mark": mark, "organs": organs},
            )
    title = draft.title
    cuts = [title.find(word) for word in (terms.ABOUT, *terms.FORWARDING_VERBS)]
    cut = min((c for c in cuts if c > 0), default=-1)
    if cut > 0 and not title.startswith(terms.ABOUT) and strip_organs(title[:cut], names):
        yield Hit(
            at("title", None, 0, cut),
            _("The title names “%(named)s”, but the issuing organs are %(organs)s.")
            % {"named": title[:cut], "organs": organs},
        )
    for index, name in enumerate(draft.signatures):
        if name.strip() and strip_organs(name, names):
            yield Hit(
                at("signatures", index, 0, len(name)),
                _("The signature “%(name)s” is not one of the issuing organs (%(organs)s).")
                % {"name": name, "organs": organs},
            )


def _last_paragraph(draft: Draft) -> int | None:
    return max((i for i, b in enumerate(draft.body) if b.text.strip()), default=None)


def _requests(text: str):
    return terms.REQUEST_PHRASES.finditer(text)
