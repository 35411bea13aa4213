"""The archival package of a completed incoming document (归档: 条例 §26; DA/T 22-2015; issue 5
item 7), built like the outgoing one (:mod:`.archive`):

====================================  =========================================================
``01-received/NN-<name>``             the files received (the scan or the electronic document)
``02-processing-sheet.pdf``           the 收文处理单, as printed (A4)
``03-handling-record.json``           registration, 初审, every handling run with its events, the
                                      departments' results, the readings (分送, 传阅) with their
                                      read times and 批示, the reminders (催办), the replies
``metadata.json``                     the description and the SHA-256 and size of every file
====================================  =========================================================

A document registered by its catalogue data only (classified, on a system that may not hold it)
has no received files and no summary in its package. The year (年度) is the year received.
Texts the software writes (the sheet's labels, the record's descriptions) are in the site's
language, as stored data is.
"""

import hashlib
import os
import tempfile
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhongshu.core import files
from zhongshu.workflow import texts as workflow_texts

from . import output, rules, selectors_incoming
from .archive import CHUNK, JSON, METADATA, PDF, Package, _iso, _json, _person, _Writer
from .models import IncomingDocument
from .services_incoming_handling import live_replies

FORMAT = "zhongshu-archival-package-incoming"
FORMAT_VERSION = 2  # 2: the 收文处理单 as a PDF (was HTML)
RECEIVED = "01-received"
SHEET = "02-processing-sheet.pdf"
RECORD = "03-handling-record.json"
ROLE_RECEIVED = "received"  # 来文
ROLE_SHEET = "processing_sheet"  # 收文处理单
ROLE_RECORD = "handling_record"  # 办理记录
ITEM_ROLES = (ROLE_RECEIVED, ROLE_SHEET)
SHEET_CSS = ("documents/incoming_sheet.css",)  # on top of the 发文稿纸's cover_sheet.css


def sheet_pdf(document: IncomingDocument) -> bytes:
    """The 收文处理单 as the print button prints it: one A4 page wherever the handling fits."""
    html = render_to_string(
        "documents/incoming_sheet_pdf.html", selectors_incoming.sheet_context(document)
    )
    return output.cover_sheet_pdf(html, extra_css=SHEET_CSS)


def handling_record(document: IncomingDocument) -> dict:
    """Everything that happened to the document, in order, as data."""
    runs = [
        {
            "id": entry["run"].pk,
            "route": entry["run"].route.name,
            "state": entry["run"].state,
            "started_at": _iso(entry["run"].created_at),
            "finished_at": _iso(entry["run"].finished_at),
            "events": [
                {
                    "at": _iso(event.at),
                    "step": event.step_name,
                    "actor": _person(event.actor),
                    "on_behalf_of": _person(event.on_behalf_of),
                    "verb": event.verb,
                    "description": workflow_texts.describe(event),
                    "opinion": event.opinion,
                }
                for event in entry["record"]
            ],
        }
        for entry in selectors_incoming.handling_runs(document)
    ]
    return {
        "registered": {"by": _person(document.registered_by), "at": _iso(document.created_at)},
        "reviewed": {"by": _person(document.reviewed_by), "at": _iso(document.reviewed_at)},
        "proposal": {
            "text": document.proposal,
            "by": _person(document.proposed_by),
            "at": _iso(document.proposed_at),
            "leader": _person(document.leader),
            "settled_by_office": document.settled_by_office,
        },
        "runs": runs,
        "departments": [
            {
                "department": a.department.name,
                "lead": a.lead,
                "state": a.state,
                "result": a.result,
                "reason": a.reason,
                "reported_by": _person(a.reported_by),
                "reported_at": _iso(a.reported_at),
            }
            for a in selectors_incoming.assignments_of(document)
        ],
        "readings": [
            {
                "person": _person(r.person),
                "purpose": r.purpose,
                "turn": r.turn,
                "sent_at": _iso(r.sent_at),
                "read_at": _iso(r.read_at),
                "instruction": r.comment,
                "instruction_at": _iso(r.commented_at),
                "instructions": [
                    {"text": c["text"], "at": _iso(c["at"])} for c in r.instruction_entries
                ],
            }
            for r in selectors_incoming.readings_of(document)
        ],
        "reminders": [
            {
                "at": _iso(r.sent_at),
                "by": _person(r.sent_by),
                "note": r.note,
                "reminded": r.recipients,
            }
            for r in selectors_incoming.reminders_of(document)
        ],
        "replies": [
            {"id": r.pk, "title": r.title, "doc_number": r.doc_number, "state": r.state}
            for r in live_replies(document).order_by("pk")
        ],
        "result": {
            "text": document.result,
            "no_reply_reason": document.no_reply_reason,
            "by": _person(document.closed_by),
            "at": _iso(document.closed_at),
        },
    }


def _description(document: IncomingDocument, *, actor, when) -> dict:
    """What the archives need to know of it (DA/T 22-2015 归档文件目录: 文号, 责任者, 题名, 日期,
    密级, 页数; gongwen.md §4: 保密期限)."""
    catalogue_only = rules.classified(document.classification) and not (
        rules.may_hold_classified_text()
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": _iso(when),
        "created_by": _person(actor),
        "unit": document.unit.name,
        "document": {
            "id": document.pk,
            "receipt_number": document.receipt_number,
            "year": document.year,
            "responsible_organ": document.source_name,
            "doc_number": document.source_number,
            "title": document.title,
            "title_is_neutral": document.title_is_neutral,
            "kind": document.kind,
            "classification": document.classification,
            "secrecy_period": document.secrecy_period,
            "urgency": document.urgency,
            "copy_number": document.copy_number,
            "date": document.signed_on.strftime("%Y%m%d") if document.signed_on else "",
            "received_at": _iso(document.received_at),
            "pages": document.pages,
            "copies": document.copies,
            "summary": "" if catalogue_only else document.summary,
            "catalogue_only": catalogue_only,
            "handling": document.handling,
            "deadline": _iso(document.deadline),
            "completed_at": _iso(document.closed_at),
        },
    }


def build(document: IncomingDocument, *, actor) -> Package:
    """The package of ``document`` in a temporary file (DocumentError when a received file no
    longer matches its fingerprint), in the site's language (stored data, core.i18n)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(document, actor=actor)


def _build(document: IncomingDocument, *, actor) -> Package:
    when = timezone.now()
    received = files.attachments_for(rules.INCOMING_KIND, document.pk)
    sheet = sheet_pdf(document)
    record = handling_record(document)
    fd, path = tempfile.mkstemp(prefix="zhongshu-archive-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            writer = _Writer(archive, when)
            for n, attachment in enumerate(received, start=1):
                writer.add_stored(
                    f"{RECEIVED}/{n:02d}-{attachment.name}",
                    attachment.stored_file,
                    role=ROLE_RECEIVED,
                    title=attachment.name,
                )
            writer.add(
                SHEET,
                sheet,
                role=ROLE_SHEET,
                media_type=PDF,
                title=_("Incoming document processing sheet"),
            )
            writer.add(RECORD, _json(record), role=ROLE_RECORD, media_type=JSON)
            manifest = _description(document, actor=actor, when=when)
            manifest["item"] = [f["path"] for f in writer.files if f["role"] in ITEM_ROLES]
            manifest["files"] = writer.files
            archive.writestr(writer._info(METADATA), _json(manifest))
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except BaseException:
        os.unlink(path)
        raise
    return Package(path=path, sha256=digest.hexdigest(), size=size, manifest=manifest)


def file_name(document: IncomingDocument) -> str:
    return f"{document.year}-{document.serial:05d}-incoming-archive.zip"
