"""The archival package of an outgoing document (归档: 条例 §26; DA/T 22-2015; gongwen.md §3).

One ZIP, ready for the archives module and for export to an external archives system:

====================================  =========================================================
``01-fair-copy.pdf``                  the 正本, as printed (GB/T 9704)
``02-signed-final.pdf``               the 定稿: the text whose hash is the signed hash, rendered
``03-cover-sheet.pdf``                the 发文稿纸 with every opinion in route order
``04-attachments/NN-<name>``          the attachments, the files as uploaded
``05-handling-record.json`` / .html   the handling record: approval runs and their events, the
                                      office's milestones, seals, dispatches and read receipts
``06-revisions/version-NNNN.json``    documents marked important: every saved version's text
``metadata.json``                     the description and the SHA-256 and size of every file
====================================  =========================================================

The first four make one 件 (DA/T 22-2015: 正本与定稿, 发文稿纸与对应文件, 正文与附件 are one
件), in that order: 正本 first, 定稿 after, 正文 before 附件. Files carry a continuous sequence
number (件内顺序号) so that a gap shows (DA/T 70-2018 完整性). The year (年度) is the signing
year. Standard ZIP with deflate only: no private compression, no encryption (DA/T 70 可用性).
"""

import hashlib
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhongshu.core import files
from zhongshu.core.models import FileKind, StoredFile
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow import texts as workflow_texts

from . import output, render, rules, terms
from .models import (
    CONTENT_FIELDS,
    DocumentVersion,
    JointSignature,
    OutgoingDocument,
    ProofreadOverride,
)
from .services import DocumentError, content_hash

FORMAT = "zhongshu-archival-package"
FORMAT_VERSION = 1
METADATA = "metadata.json"
FAIR_COPY = "01-fair-copy.pdf"
SIGNED_FINAL = "02-signed-final.pdf"
COVER_SHEET = "03-cover-sheet.pdf"
ATTACHMENTS = "04-attachments"
HANDLING_JSON = "05-handling-record.json"
HANDLING_HTML = "05-handling-record.html"
REVISIONS = "06-revisions"
# What each file is; the archives module maps the roles to its own vocabulary.
ROLE_FAIR_COPY = "fair_copy"  # 正本
ROLE_SIGNED_FINAL = "signed_final"  # 定稿
ROLE_COVER_SHEET = "cover_sheet"  # 发文稿纸
ROLE_ATTACHMENT = "attachment"  # 附件
ROLE_HANDLING_RECORD = "handling_record"  # 办理记录
ROLE_REVISION = "revision"  # 修改过程 (重要文件)
ITEM_ROLES = (ROLE_FAIR_COPY, ROLE_SIGNED_FINAL, ROLE_COVER_SHEET, ROLE_ATTACHMENT)
PDF = "application/pdf"
JSON = "application/json"
HTML = "text/html"
CHUNK = 1024 * 1024


@dataclass
class Package:
    """A built package in a temporary file, until :func:`store` keeps it and it is discarded."""

    path: str
    sha256: str
    size: int
    manifest: dict

    def discard(self) -> None:
        if os.path.exists(self.path):
            os.unlink(self.path)


def _json(value) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


class _Writer:
    """Writes the ZIP entries in order and remembers each file's sequence, hash and size."""

    def __init__(self, archive: zipfile.ZipFile, when: datetime):
        self.archive = archive
        self.when = timezone.localtime(when).timetuple()[:6]
        self.files: list[dict] = []

    def _info(self, path: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=self.when)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def _entry(self, path, role, media_type, digest, size, **extra) -> None:
        self.files.append(
            {
                "sequence": len(self.files) + 1,
                "path": path,
                "role": role,
                "media_type": media_type,
                "sha256": digest,
                "size": size,
                **extra,
            }
        )

    def add(self, path: str, content: bytes, *, role: str, media_type: str, **extra) -> None:
        self.archive.writestr(self._info(path), content)
        self._entry(
            path, role, media_type, hashlib.sha256(content).hexdigest(), len(content), **extra
        )

    def add_stored(self, path: str, stored: StoredFile, *, role: str, **extra) -> None:
        """Copy a stored file in chunks, checking on the way that it is still the content its
        hash names (真实性: a damaged attachment is not archived as if it were whole)."""
        digest, size = hashlib.sha256(), 0
        with (
            default_storage.open(stored.storage_name, "rb") as source,
            self.archive.open(self._info(path), "w") as target,
        ):
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        if digest.hexdigest() != stored.sha256 or size != stored.size:
            raise DocumentError(
                _(
                    "The attached file “%(name)s” no longer matches its fingerprint "
                    "(%(sha256)s…) and cannot be archived. Ask the system administrator to "
                    "restore it."
                )
                % {"name": extra.get("title", path), "sha256": stored.sha256[:12]}
            )
        self._entry(path, role, stored.content_type, stored.sha256, size, **extra)


# --- The parts ----------------------------------------------------------------------------------


def signed_version(document: OutgoingDocument) -> DocumentVersion:
    """The saved version whose text is the signed one (its hash is ``final_hash``)."""
    version = (
        DocumentVersion.objects.filter(document=document, sha256=document.final_hash)
        .select_related("created_by")
        .order_by("-number")
        .first()
        if document.final_hash
        else None
    )
    if version is None:
        raise DocumentError(_("The signed text (定稿) of this document cannot be found."))
    return version


def _as_signed(document: OutgoingDocument, version: DocumentVersion) -> OutgoingDocument:
    """An unsaved copy of ``document`` with the signed text, as it stood at 签发: no 印发日期,
    and no 发文字号 unless the office gives numbers at signing."""
    copy = OutgoingDocument(
        **{f.attname: getattr(document, f.attname) for f in OutgoingDocument._meta.concrete_fields}
    )
    copy.signed_by = document.signed_by
    for name, value in (version.content or {}).items():
        if name in CONTENT_FIELDS:
            setattr(copy, name, value)
    copy.print_date = None
    if not settings.DOCUMENTS_NUMBER_AT_SIGNING:
        copy.doc_number = ""
    return copy


def _pdf(document: OutgoingDocument) -> bytes:
    try:
        return output.pdf_bytes(document)
    except render.RenderError as exc:
        raise DocumentError(
            _("The document cannot be laid out for the archive (%(field)s): correct it first.")
            % {"field": exc.field}
        ) from exc


def _pages(document: OutgoingDocument) -> int | None:
    """页数 of one copy (归档章 and 归档文件目录, DA/T 22-2015), from the same layout."""
    try:
        return len(render.paginate(output.render_model(document)).pages)
    except (render.RenderError, render.FontsMissing):
        return None


def cover_sheet_bytes(document: OutgoingDocument) -> bytes:
    """The 发文稿纸 as a PDF, the page the output area prints (views_output)."""
    html = render_to_string("documents/cover_sheet_pdf.html", output.cover_sheet_context(document))
    return output.cover_sheet_pdf(html)


def _person(user) -> str | None:
    return user.full_name if user is not None else None


def handling_record(document: OutgoingDocument) -> dict:
    """The handling record (办理记录): every approval run with its events in order (who, for
    whom, when, what, the opinion), the office's milestones after 签发, joint signatures,
    proofreading overrides, seals and dispatches with their read receipts."""
    from django.contrib.auth import get_user_model

    runs = []
    document_runs = output.runs_of(document)
    records = workflow_selectors.handling_records(document_runs)
    for run in document_runs:
        runs.append(
            {
                "id": run.pk,
                "route": run.route.name,
                "state": run.state,
                "submitter": _person(run.submitter),
                "started_at": _iso(run.created_at),
                "finished_at": _iso(run.finished_at),
                "events": [
                    {
                        "at": _iso(event.at),
                        "step": event.step_name,
                        "step_order": event.step_order,
                        "actor": _person(event.actor),
                        "on_behalf_of": _person(event.on_behalf_of),
                        "verb": event.verb,
                        "description": workflow_texts.describe(event),
                        "opinion": event.opinion,
                        "params": event.params,
                    }
                    for event in records[run.pk]
                ],
            }
        )
    # In the order of the steps: PostgreSQL's jsonb does not keep the keys' insertion order.
    from .handling import STEPS

    order = {key: n for n, (key, _state, _label) in enumerate(STEPS)}
    marks = document.milestones or {}
    milestones = {key: marks[key] for key in sorted(marks, key=lambda k: (order.get(k, 99), k))}
    people = dict(
        get_user_model()
        .objects.filter(pk__in=[m.get("by") for m in milestones.values() if isinstance(m, dict)])
        .values_list("pk", "full_name")
    )
    return {
        "document": document.pk,
        "runs": runs,
        "milestones": {
            key: {**mark, "by_name": people.get(mark.get("by"))}
            for key, mark in milestones.items()
            if isinstance(mark, dict)
        },
        "joint_signatures": [
            {
                "organ": j.organ,
                "signer": j.signer,
                "signed_on": _iso(j.signed_on),
                "recorded_at": _iso(j.recorded_at),
                "recorded_by": _person(j.recorded_by),
            }
            for j in JointSignature.objects.filter(document=document).select_related("recorded_by")
        ],
        "proofreading_overrides": [
            {
                "rule": o.rule,
                "finding": o.message,
                "reason": o.reason,
                "text_version": o.text_version,
                "at": _iso(o.created_at),
                "by": _person(o.created_by),
            }
            for o in ProofreadOverride.objects.filter(document=document)
            .select_related("created_by")
            .order_by("created_at", "id")
        ],
        "seal_uses": [
            {
                "seal": s.seal,
                "copies": s.copies,
                "note": s.note,
                "at": _iso(s.used_at),
                "by": _person(s.used_by),
            }
            for s in document.seal_uses.select_related("used_by").order_by("used_at", "id")
        ],
        "dispatches": [
            {
                "recipient": _person(d.person) or d.organ,
                "internal": d.person_id is not None,
                "channel": d.channel,
                "copy_number": f"{d.copy_number:06d}" if d.copy_number else None,
                "sent_at": _iso(d.sent_at),
                "sent_by": _person(d.sent_by),
                "read_at": _iso(d.read_at),
            }
            for d in document.dispatches.select_related("person", "sent_by").order_by(
                "sent_at", "id"
            )
        ],
    }


def _milestones(record: dict) -> list[tuple]:
    """The office's milestones in the order of the steps, with their names."""
    from .handling import STEPS

    marks = record["milestones"]
    return [(label, marks[key]) for key, _state, label in STEPS if key in marks]


def _revisions(document: OutgoingDocument) -> list[tuple[str, dict]]:
    """Every saved version of the text (修改过程 of an important document, DA/T 70 完整性)."""
    rows = []
    for version in DocumentVersion.objects.filter(document=document).select_related("created_by"):
        rows.append(
            (
                f"{REVISIONS}/version-{version.number:04d}.json",
                {
                    "number": version.number,
                    "stage": version.stage,
                    "reason": version.reason,
                    "saved_at": _iso(version.created_at),
                    "saved_by": _person(version.created_by),
                    "sha256": version.sha256,
                    "sha256_verified": content_hash(version.content) == version.sha256,
                    "signed": version.sha256 == document.final_hash,
                    "content": version.content,
                },
            )
        )
    return rows


def _description(document: OutgoingDocument, *, actor, when, pages) -> dict:
    """What the archives need to know of the document (DA/T 22-2015 归档文件目录: 文号, 责任者,
    题名, 日期, 密级, 页数; gongwen.md §4: 保密期限)."""
    signed_on = timezone.localdate(document.signed_at) if document.signed_at else None
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": _iso(when),
        "created_by": _person(actor),
        "unit": document.unit.name,
        "document": {
            "id": document.pk,
            "title": document.title,
            "doc_number": document.doc_number,
            "kind": document.kind,
            "kind_name": terms.KIND_WORDS.get(document.kind, ""),
            "layout": document.layout,
            "classification": document.classification,
            "classification_name": terms.CLASSIFICATION_WORDS.get(document.classification, ""),
            "secrecy_period": document.secrecy_period,
            "urgency": terms.URGENCY_WORDS.get(document.urgency, ""),
            "issued_on": _iso(document.issued_on),
            "date": document.issued_on.strftime("%Y%m%d") if document.issued_on else "",
            "signed_by": _person(document.signed_by),
            "signed_at": _iso(document.signed_at),
            "year": signed_on.year if signed_on else None,
            "responsible_organs": list(output.names(document.issuers)),
            "drafting_department": document.department.name,
            "drafter": _person(document.drafter),
            "main_recipients": list(output.names(document.main_recipients)),
            "cc_recipients": list(output.names(document.cc_recipients)),
            "attachments_listed": list(output.names(document.attachment_names)),
            "copies": document.copies,
            "print_date": _iso(document.print_date),
            "pages": pages,
            "important": document.important,
            "disclosure": document.disclosure,
            "text_version": document.text_version,
            "signed_text_sha256": document.final_hash,
        },
    }


def build(document: OutgoingDocument, *, actor) -> Package:
    """Build the package of ``document`` (its unit, department, drafter and signer loaded) in a
    temporary file. Raises DocumentError when a part cannot be made: the signed text is not
    found, the layout fails, or an attachment no longer matches its hash. What the software
    writes in it (labels, descriptions) is in the site's language whoever files it: a package
    is stored data (core.i18n)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(document, actor=actor)


def _build(document: OutgoingDocument, *, actor) -> Package:
    when = timezone.now()
    version = signed_version(document)
    fair_copy = _pdf(document)
    signed_final = _pdf(_as_signed(document, version))
    cover_sheet = cover_sheet_bytes(document)
    record = handling_record(document)
    attachments = files.attachments_for(rules.SUBJECT_KIND, document.pk)
    fd, path = tempfile.mkstemp(prefix="zhongshu-archive-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            writer = _Writer(archive, when)
            writer.add(
                FAIR_COPY, fair_copy, role=ROLE_FAIR_COPY, media_type=PDF, title=document.title
            )
            writer.add(
                SIGNED_FINAL,
                signed_final,
                role=ROLE_SIGNED_FINAL,
                media_type=PDF,
                title=document.title,
                text_version=version.number,
            )
            writer.add(
                COVER_SHEET,
                cover_sheet,
                role=ROLE_COVER_SHEET,
                media_type=PDF,
                title=_("Outgoing document cover sheet"),
            )
            for n, attachment in enumerate(attachments, start=1):
                writer.add_stored(
                    f"{ATTACHMENTS}/{n:02d}-{attachment.name}",
                    attachment.stored_file,
                    role=ROLE_ATTACHMENT,
                    title=attachment.name,
                )
            writer.add(HANDLING_JSON, _json(record), role=ROLE_HANDLING_RECORD, media_type=JSON)
            html = render_to_string(
                "documents/archive_handling_record.html",
                {"document": document, "record": record, "milestones": _milestones(record)},
            )
            writer.add(
                HANDLING_HTML, html.encode("utf-8"), role=ROLE_HANDLING_RECORD, media_type=HTML
            )
            if document.important:
                for name, revision in _revisions(document):
                    writer.add(name, _json(revision), role=ROLE_REVISION, media_type=JSON)
            manifest = _description(document, actor=actor, when=when, pages=_pages(document))
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


@contextmanager
def keeping(package: Package):
    """Around the transaction that files a document: yields a function storing the package (the
    stored row) for the caller to record; content written by a transaction that then rolled back
    is deleted (it would be an orphan in storage), and the temporary file goes in any case."""
    wrote = False

    def keep() -> StoredFile:
        nonlocal wrote
        stored, wrote = store(package)
        return stored

    try:
        yield keep
    except BaseException:
        if wrote and not StoredFile.objects.filter(sha256=package.sha256).exists():
            default_storage.delete(StoredFile.path_for(package.sha256))
        raise
    finally:
        package.discard()


def store(package: Package) -> tuple[StoredFile, bool]:
    """Keep the package once by its SHA-256 (core.files, checked by ``verify_files``); returns
    the row and whether this call wrote the content."""
    return files.store(package.path, package.sha256, package.size, FileKind.ZIP)


def file_name(document: OutgoingDocument) -> str:
    """The download's name: the document number (or the title), without path characters."""
    base = document.doc_number or document.title
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '/\\:*?"<>|').strip()
    return f"{base[:100] or document.pk}-archive.zip"
