"""The bridge from an outgoing document to the renderer and the proofreader (issue 4 §8, §10).

The two libraries know nothing of the database: :func:`render_model` and :func:`draft_model`
turn an :class:`~.models.OutgoingDocument` into their plain snapshots, with the stored keys
mapped to the words of the standards through :mod:`.terms`. The same field gives the same value
to both, so what the proofreader checks is what the renderer prints.

Elements the system fills in later are left blank until they exist: the 发文字号 (登记), the
成文日期 and the 签发人 (签发), the 份号 (登记) and the 印发日期 (印制). The renderer accepts each
of them blank, so a draft prints as a draft.
"""

import io
import os
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core import files
from zhongshu.core.models import Classification
from zhongshu.core.views_files import download_response
from zhongshu.workflow import selectors as workflow_selectors

from . import proofread, render, rules, terms
from .models import Direction, Layout, OutgoingDocument
from .render import RenderError
from .render import standard as std

# Decisions that carry a person's opinion on the 发文稿纸 (the engine's own verbs — started,
# step_started, skipped, approved… — are the route's bookkeeping, not opinions).
OPINION_VERBS = (
    "approve",
    "comment",
    "reject",
    "return_previous",
    "return_to_drafter",
    "return_to_step",
    "transfer",
    "add_signer_before",
    "add_signer_after",
    "resubmit",
)


def names(entries) -> tuple[str, ...]:
    """Names from a stored list: plain strings or {"name": ...} objects (recipients)."""
    found = []
    for entry in entries or ():
        name = entry.get("name", "") if isinstance(entry, dict) else entry
        name = str(name or "").strip()
        if name:
            found.append(name)
    return tuple(found)


def _blocks(body, block_type):
    blocks = []
    for entry in body or ():
        if isinstance(entry, dict):
            text = str(entry.get("text") or "")
            try:
                level = int(entry.get("level") or 0)
            except (TypeError, ValueError):
                level = 0
        else:
            text, level = str(entry or ""), 0
        if not text.strip():
            continue
        blocks.append(block_type(text, level if 0 <= level <= 4 else 0))
    return tuple(blocks)


def is_upward(document: OutgoingDocument) -> bool:
    """上行文: marked upward, or a 请示 or 报告 whatever the form says (条例 §15)."""
    return document.direction == Direction.UP or document.kind in terms.ALWAYS_UPWARD


def signer_names(document: OutgoingDocument) -> tuple[str, ...]:
    """签发人 of an upward document: the person who actually signed (issue 4 §2), never typed."""
    if not is_upward(document) or document.signed_by_id is None:
        return ()
    return (document.signed_by.full_name,)


def _classification(document: OutgoingDocument) -> tuple[str, str]:
    """密级 and 保密期限 as printed; 内部 is not a state secret and prints nothing."""
    word = terms.CLASSIFICATION_WORDS.get(document.classification, "")
    return word, (document.secrecy_period.strip() if word else "")


def _signatures(document: OutgoingDocument) -> tuple[str, ...]:
    """发文机关署名: the issuing organs. A 纪要's masthead names the meeting and it carries no
    署名 (GB/T 9704 §10.3 leaves its format to the unit; custom is to sign nothing)."""
    if document.layout == Layout.MINUTES:
        return ()
    return names(document.issuers)


def issuer_mark(document: OutgoingDocument) -> str:
    """发文机关标志 as printed: the organs, then 文件 / (信函: nothing) / 纪要 / 令."""
    suffix = {
        Layout.FILE: std.MASTHEAD_SUFFIX_FILE,
        Layout.LETTER: "",
        Layout.MINUTES: std.MASTHEAD_SUFFIX_MINUTES,
        Layout.ORDER: std.MASTHEAD_SUFFIX_ORDER,
    }.get(document.layout, std.MASTHEAD_SUFFIX_FILE)
    return "".join(names(document.issuers)) + suffix


def render_model(document: OutgoingDocument, *, copy_numbers=()) -> render.Document:
    """The renderer's snapshot of ``document`` (GB/T 9704 §7, §10).

    ``copy_numbers`` are the 份号 to print, six digits each: one copy per number. A 命令's
    number is its 令号. Raises :class:`render.RenderError` for a text the layout cannot take
    (no issuing organ, a 保密期限 not written like 1年 or 6个月).
    """
    classification, period = _classification(document)
    order = document.layout == Layout.ORDER
    return render.Document(
        format=terms.LAYOUT_WORDS[document.layout],
        copy_numbers=tuple(copy_numbers),
        classification=classification,
        secrecy_period=period,
        urgency=terms.URGENCY_WORDS.get(document.urgency, ""),
        issuers=names(document.issuers),
        doc_number="" if order else document.doc_number,
        order_number=document.doc_number if order else "",
        upward=is_upward(document),
        signers=signer_names(document),
        title=document.title,
        main_recipients=names(document.main_recipients),
        body=_blocks(document.body, render.Block),
        attachments=tuple(render.Attachment(name) for name in names(document.attachment_names)),
        signatures=_signatures(document),
        # 命令: the signer's 职务 beside the 签名章 (GB/T 9704 §7.3.5.3), as it was at 签发.
        signer_titles=(document.signer_title,) if order and document.signer_title else (),
        date=document.issued_on,
        note=document.note.strip(),
        present=names(document.present),
        absent=names(document.absent),
        attending=names(document.attending),
        cc=names(document.cc_recipients),
        printed_by=document.printed_by.strip(),
        print_date=document.print_date,
    )


def _subordinates(document: OutgoingDocument) -> frozenset[str] | None:
    """The 抄送 organs the office's directory marks as below this unit (R13); None when no
    抄送 entry comes from the directory, so the rule does not guess."""
    from .models import Organ

    ids = [
        entry.get("organ")
        for entry in document.cc_recipients or ()
        if isinstance(entry, dict) and entry.get("organ")
    ]
    if not ids:
        return None
    below = Organ.objects.filter(
        unit_id=document.unit_id, pk__in=ids, relation=Organ.Relation.SUBORDINATE
    ).values_list("pk", flat=True)
    below = set(below)
    return frozenset(
        str(entry.get("name", "")).strip()
        for entry in document.cc_recipients
        if isinstance(entry, dict) and entry.get("organ") in below
    )


def draft_model(document: OutgoingDocument, *, typos=None) -> proofread.Draft:
    """The proofreader's snapshot of ``document`` (gongwen.md §6).

    ``typos`` is the office's list (:func:`.proofreading.office_typos`); None: the built-in one.
    A classified document counts as numbered (R17): the system gives every copy its 份号 at
    登记, so a draft cannot lack one. The 签发人 is empty until someone signs; the proofreading
    service knows that R11 cannot fail on a document still to be signed.
    """
    classification, period = _classification(document)
    return proofread.Draft(
        kind=terms.KIND_WORDS[document.kind],
        title=document.title,
        body=_blocks(document.body, proofread.Block),
        format=terms.LAYOUT_WORDS[document.layout],
        direction=terms.DIRECTION_WORDS.get(document.direction, ""),
        doc_number=document.doc_number,
        classification=classification,
        # The stored period as typed, even without a 密级: R17 reports a period with no level.
        secrecy_period=period or document.secrecy_period.strip(),
        copy_numbered=document.is_classified,
        urgency=terms.URGENCY_WORDS.get(document.urgency, ""),
        issuers=names(document.issuers),
        issuer_mark=issuer_mark(document),
        signatures=_signatures(document),
        signers=signer_names(document),
        main_recipients=names(document.main_recipients),
        cc=names(document.cc_recipients),
        subordinates=_subordinates(document),
        attachments=names(document.attachment_names),
        attachment_titles=attachment_titles(document),
        date=document.issued_on,
        print_date=document.print_date,
        note=document.note,
        # 纪要 are not sealed; for the others the seal is physical and recorded at 用印.
        sealed=False if document.layout == Layout.MINUTES else None,
        typos=proofread.DEFAULT_TYPOS if typos is None else tuple(typos),
    )


def attachment_titles(document: OutgoingDocument) -> tuple[str, ...] | None:
    """The titles of the files attached to the document (file names without extension), in
    upload order, for R22's 附件说明 check; None when no file is attached (paper attachments:
    nothing to compare)."""
    if document.pk is None:
        return None
    titles = tuple(
        os.path.splitext(a.name)[0].strip()
        for a in files.attachments_for(rules.SUBJECT_KIND, document.pk)
    )
    return titles or None


def copy_number_texts(document: OutgoingDocument) -> list[str]:
    """The document's 份号, six digits each, in order."""
    return [copy.text for copy in document.copy_numbers.order_by("number")]


def pdf_bytes(document: OutgoingDocument, *, copies: bool = False) -> bytes:
    """The PDF: one copy, or with ``copies`` one copy per 份号 (page numbers restart)."""
    numbers = copy_number_texts(document) if copies else ()
    return render.render_pdf(render_model(document, copy_numbers=numbers))


def docx_bytes(document: OutgoingDocument) -> bytes:
    """An editable DOCX for Word and WPS with the same layout."""
    return render.render_docx(render_model(document))


# --- 发文稿纸 ------------------------------------------------------------------------------------


def runs_of(document: OutgoingDocument) -> list:
    """Every approval run of the document, oldest first (withdrawn ones included)."""
    return workflow_selectors.runs_of(rules.SUBJECT_KIND, document.pk)


def opinions(document: OutgoingDocument) -> list[dict]:
    """The opinions of the 发文稿纸, one group per step in route order (核稿, 会签, 审核, 签发…),
    each with who decided (and for whom), what, the opinion and when — in the order given.

    A step decided again after a return shows every round. Resubmissions by the drafter (step
    0) come first, under the drafter's step.
    """
    groups: dict[tuple[int, str], dict] = {}
    runs = runs_of(document)
    records = workflow_selectors.handling_records(runs)
    for run in runs:
        for event in records[run.pk]:
            if event.verb not in OPINION_VERBS:
                continue
            order = event.step_order or 0
            key = (order, event.step_name)
            group = groups.setdefault(key, {"order": order, "name": event.step_name, "rows": []})
            group["rows"].append(event)
    return sorted(groups.values(), key=lambda g: g["order"])


COVER_SHEET_CSS = "documents/cover_sheet.css"


def _face_css(faces) -> str:
    """The office's faces for the sheet: 宋体 for the text, 黑体 for the headings."""
    rules_ = []
    for face in faces.values():
        if face.licensed and face.family.startswith("zhongshu-"):
            rules_.append(f'@font-face {{ font-family: "{face.family}"; src: url("{face.url}"); }}')
    rules_.append(f".cover-sheet {{ font-family: {faces['songti'].css_family}; }}")
    rules_.append(
        f".cover-sheet-title, .cover-sheet th {{ font-family: {faces['heiti'].css_family}; }}"
    )
    return "\n".join(rules_)


def _print_rules(css: str) -> str:
    """The stylesheet without its ``@media screen …`` blocks (the phone layout): they never
    apply to paper, and WeasyPrint, which does not read media features, warns of each."""
    kept, at = [], 0
    while (start := css.find("@media screen", at)) != -1:
        kept.append(css[at:start])
        depth, end = 0, css.index("{", start)
        while end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
            if depth == 0:
                break
        at = end
    kept.append(css[at:])
    return "".join(kept)


def cover_sheet_pdf(html: str, *, extra_css: tuple[str, ...] = ()) -> bytes:
    """The 发文稿纸 page (``documents/cover_sheet_pdf.html``) — or a sheet built on it, with its
    own static stylesheets ``extra_css`` (the 收文处理单) — as an A4 PDF through WeasyPrint,
    with the page's own print stylesheet and the document faces."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheets = [
        CSS(string=_print_rules(Path(finders.find(name)).read_text()), font_config=font_config)
        for name in (COVER_SHEET_CSS, *extra_css)
    ]
    stylesheets.append(CSS(string=_face_css(render.fonts.resolve_all()), font_config=font_config))
    return HTML(string=html).write_pdf(stylesheets=stylesheets, font_config=font_config)


__all__ = [
    "OPINION_VERBS",
    "copy_number_texts",
    "cover_sheet_pdf",
    "docx_bytes",
    "draft_model",
    "is_upward",
    "issuer_mark",
    "names",
    "opinions",
    "pdf_bytes",
    "render_model",
    "runs_of",
    "signer_names",
]


# --- Downloads and the 发文稿纸 (web pages, API and archival package) ---------------------------

RENDER_FIELDS = {
    "issuers": gettext_lazy("issuing organs"),
    "secrecy_period": gettext_lazy("period of secrecy"),
    "classification": gettext_lazy("classification"),
    "urgency": gettext_lazy("urgency"),
    "body": gettext_lazy("body"),
    "copy_numbers": gettext_lazy("copy numbers"),
    "format": gettext_lazy("format"),
}


def file_name(document: OutgoingDocument, extension: str, suffix: str = "") -> str:
    """The download's name: the title (and a suffix), without path or control characters."""
    title = "".join(ch for ch in document.title if ch.isprintable())
    title = title.replace("/", "_").replace("\\", "_").strip() or _("document")
    if suffix:
        title = f"{title}-{suffix}"
    return f"{title[:120]}.{extension}"


def file_response(document: OutgoingDocument, content: bytes, *, name: str, content_type: str):
    """A download of ``content``, never cached beyond the user's browser, not at all when
    classified."""
    return download_response(
        io.BytesIO(content),
        name=name,
        content_type=content_type,
        classification=document.classification,
        size=len(content),
    )


def render_problem(exc: RenderError) -> str:
    """What to tell the user when the layout refuses the document."""
    field = RENDER_FIELDS.get(exc.field, exc.field)
    return _("The document cannot be laid out: check its %(field)s.") % {"field": field}


def cover_sheet_context(document: OutgoingDocument) -> dict:
    """What the 发文稿纸 (page and PDF) shows of ``document``."""
    word = terms.CLASSIFICATION_WORDS.get(document.classification, "")
    period = document.secrecy_period.strip()
    if word:
        mark = std.classification_mark(word, period)
    elif document.classification > Classification.PUBLIC:
        mark = document.get_classification_display()
    else:
        mark = ""
    return {
        "document": document,
        "classification_mark": mark,
        "urgency": terms.URGENCY_WORDS.get(document.urgency, ""),
        "issuers": names(document.issuers),
        "main_recipients": names(document.main_recipients),
        "cc": names(document.cc_recipients),
        "attachments": names(document.attachment_names),
        "signers": signer_names(document),
        "opinions": opinions(document),
    }
