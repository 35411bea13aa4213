"""One attachment mechanism for every module (issue 3 item 6; CONVENTIONS.md "Files";
security.md D3, D4, E2–E5).

- The type is identified from the content against the allow-list, never from the name alone:
  the extension names what the user claims, the magic bytes must agree. Zip-based formats are
  told apart by their members, read from the central directory within the E4 limits (total
  unpacked size, entry count, no ``..``, no absolute paths, no links) and never extracted.
- Contents are addressed by SHA-256 and stored once, under a path derived from the hash.
- Who may download an attachment is the owning module's decision: modules register an owner
  kind with a visibility check in ``AppConfig.ready()`` (core imports no module above it), and
  optionally an edit check deciding who may add and remove files (nobody, when absent).
- Removing an attachment sets ``deleted_at`` (security.md F9: "Delete" sets ``deleted_at``;
  a hard purge only after the retention period, approved by two people). The removed row
  keeps referring to its StoredFile, so the content stays stored and ``verify_files`` keeps
  checking it: it is never an orphan, and nothing is deleted from storage on removal.
"""

import codecs
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import Attachment, Classification, FileKind, StaleVersionError, StoredFile

CHUNK = 1024 * 1024
ZIP_MAX_UNPACKED_BYTES = 1024**3  # security.md E4
ZIP_MAX_ENTRIES = 10_000

CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.OFD: "application/ofd",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileKind.DOC: "application/msword",
    FileKind.XLS: "application/vnd.ms-excel",
    FileKind.WPS: "application/vnd.ms-works",
    FileKind.ET: "application/vnd.ms-excel",
    FileKind.TXT: "text/plain; charset=utf-8",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.TIFF: "image/tiff",
    FileKind.ZIP: "application/zip",
}

# What each allowed extension claims the content is.
EXTENSIONS = {
    "pdf": FileKind.PDF,
    "ofd": FileKind.OFD,
    "docx": FileKind.DOCX,
    "xlsx": FileKind.XLSX,
    "pptx": FileKind.PPTX,
    "doc": FileKind.DOC,
    "xls": FileKind.XLS,
    "wps": FileKind.WPS,
    "et": FileKind.ET,
    "txt": FileKind.TXT,
    "jpg": FileKind.JPEG,
    "jpeg": FileKind.JPEG,
    "png": FileKind.PNG,
    "tif": FileKind.TIFF,
    "tiff": FileKind.TIFF,
    "zip": FileKind.ZIP,
}
OLE2_KINDS = {FileKind.DOC, FileKind.XLS, FileKind.WPS, FileKind.ET}
ZIP_KINDS = {FileKind.DOCX, FileKind.XLSX, FileKind.PPTX, FileKind.OFD, FileKind.ZIP}

OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Text that a browser or viewer would treat as markup is refused even when named .txt (E3).
MARKUP_STARTS = (b"<!doctype html", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")


# --- The owner registry ------------------------------------------------------------------------


def _nobody(user, owner) -> bool:
    return False


@dataclass(frozen=True)
class OwnerKind:
    owner_type: str
    can_view: Callable  # (user, owner_id) -> bool
    get_owner: Callable  # (owner_id) -> the owner object, or None
    label: object
    can_edit: Callable = _nobody  # (user, owner) -> bool


_owners: dict[str, OwnerKind] = {}


def register_owner(owner_type: str, *, can_view, get_owner, label, can_edit=None) -> None:
    """Called by the owning app's ``AppConfig.ready()``.

    ``can_view(user, owner_id) -> bool`` decides every download and who sees the panel;
    ``get_owner(owner_id)`` returns the owning object (None, or a lookup error, when there is
    none); ``can_edit(user, owner) -> bool`` decides who may add and remove files — it gets the
    object, since editing usually depends on its state (a draft, an approval still running).
    Without ``can_edit`` nobody may add or remove files through the attachment pages.
    """
    _owners[owner_type] = OwnerKind(owner_type, can_view, get_owner, label, can_edit or _nobody)


def unregister_owner(owner_type: str) -> None:
    _owners.pop(owner_type, None)


def owner_kind(owner_type: str) -> OwnerKind | None:
    return _owners.get(owner_type)


def can_view(user, attachment: Attachment) -> bool:
    """The owning module's visibility check; an unregistered owner kind allows nobody."""
    kind = _owners.get(attachment.owner_type)
    if kind is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(kind.can_view(user, attachment.owner_id))


def owner_get_for(user, owner_type: str, owner_id):
    """The owner object if ``user`` may see it; None for an unregistered kind, an owner that
    does not exist, or one the owning module hides from this user (fetch and authorise in one
    call, STYLE.md "Selectors")."""
    kind = _owners.get(owner_type)
    if kind is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        if not kind.can_view(user, owner_id):
            return None
        return kind.get_owner(owner_id)
    except (LookupError, ValueError, TypeError, ObjectDoesNotExist, ValidationError):
        return None  # an id of the wrong shape or a vanished owner is simply "not there"


def can_edit(user, owner_type: str, owner) -> bool:
    """Whether ``user`` may add files to ``owner`` and remove them; nobody for an unregistered
    kind or a kind registered without an edit check."""
    kind = _owners.get(owner_type)
    if kind is None or owner is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(kind.can_edit(user, owner))


# --- Names ------------------------------------------------------------------------------------


def sanitise_name(name: str) -> str:
    """The user's file name as shown and offered on download: the last path part only, no
    control characters (a ``\\r\\n`` would split a header), at most 255 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 254 - len(ext)] + dot + ext if dot and len(ext) <= 10 else name[:255]
    return name or "file"


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# --- Identifying the content -------------------------------------------------------------------


def _limit_mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def _describe(kind: str) -> str:
    return str(FileKind(kind).label)


def _check_zip(path: str) -> set[str]:
    """The member names of a zip, after the E4 checks on its central directory (no member is
    read or extracted). Raises ValidationError on a bomb, a zip-slip name or a link."""
    max_entries = getattr(settings, "ATTACHMENT_ZIP_MAX_ENTRIES", ZIP_MAX_ENTRIES)
    max_unpacked = getattr(settings, "ATTACHMENT_ZIP_MAX_UNPACKED_BYTES", ZIP_MAX_UNPACKED_BYTES)
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ValidationError(_("This archive is damaged and cannot be read.")) from exc
    if len(entries) > max_entries:
        raise ValidationError(
            _("This archive holds more than %(count)d files, which is not accepted.")
            % {"count": max_entries}
        )
    if sum(entry.file_size for entry in entries) > max_unpacked:
        raise ValidationError(
            _("This archive would unpack to more than %(limit)s MB, which is not accepted.")
            % {"limit": _limit_mb(max_unpacked)}
        )
    names = set()
    for entry in entries:
        name = entry.filename
        parts = re.split(r"[\\/]", name)
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise ValidationError(
                _("This archive contains a file with an unsafe path, which is not accepted.")
            )
        mode = entry.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ValidationError(_("This archive contains a link, which is not accepted."))
        names.add(name)
    return names


def _zip_kind(names: set[str]) -> str:
    if "OFD.xml" in names:
        return FileKind.OFD
    if "[Content_Types].xml" in names:
        for prefix, kind in (
            ("word/", FileKind.DOCX),
            ("xl/", FileKind.XLSX),
            ("ppt/", FileKind.PPTX),
        ):
            if any(name.startswith(prefix) for name in names):
                return kind
    return FileKind.ZIP


def _is_plain_text(path: str, head: bytes) -> bool:
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(MARKUP_STARTS):
        return False
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    if b"\x00" in chunk:
                        return False
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def identify(path: str, claimed: str | None) -> str | None:
    """The kind of the file at ``path`` from its content, or None when it is none of the
    allowed formats. ``claimed`` (from the extension) only chooses within the OLE2 family
    (DOC, XLS, WPS, ET share one container) and allows plain text."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(PNG_MAGIC):
        return FileKind.PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return FileKind.TIFF
    if head.startswith(OLE2_MAGIC):
        return claimed if claimed in OLE2_KINDS else FileKind.DOC
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(_check_zip(path))
    if claimed == FileKind.TXT:
        with open(path, "rb") as fh:
            head = fh.read(512)
        if _is_plain_text(path, head):
            return FileKind.TXT
    return None


def check_type(path: str, name: str) -> str:
    """The kind of an upload, or a ValidationError saying why it is refused (E3, E4)."""
    ext = _extension(name)
    claimed = EXTENSIONS.get(ext)
    if claimed is None:
        allowed = ", ".join(sorted({f".{e}" for e in EXTENSIONS}))
        if ext:
            message = _("Files of type .%(ext)s are not accepted. Accepted types: %(allowed)s.")
        else:
            message = _("Files without an extension are not accepted. Accepted types: %(allowed)s.")
        raise ValidationError(message % {"ext": ext, "allowed": allowed})
    actual = identify(path, claimed)
    if actual == claimed or (claimed == FileKind.ZIP and actual in ZIP_KINDS):
        return claimed
    raise ValidationError(
        _("This file is not a %(kind)s although it is named .%(ext)s.")
        % {"kind": _describe(claimed), "ext": ext}
    )


# --- Storing -----------------------------------------------------------------------------------


def _temp_dir() -> str | None:
    return getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or None


def _spool(uploaded, limit: int) -> tuple[str, str, int]:
    """Copy the upload to a temp file of ours, hashing as it streams. Returns (path, sha256,
    size); the caller removes the file. Over the limit, stops and refuses."""
    too_big = ValidationError(
        _("The file is larger than the limit of %(limit)s MB.") % {"limit": _limit_mb(limit)}
    )
    empty = ValidationError(_("The file is empty."))
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise too_big
    if declared == 0:
        raise empty
    fd, path = tempfile.mkstemp(prefix="zhongshu-upload-", dir=_temp_dir())
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            if hasattr(uploaded, "seek"):
                uploaded.seek(0)
            for chunk in uploaded.chunks(CHUNK) if hasattr(uploaded, "chunks") else [uploaded]:
                size += len(chunk)
                if size > limit:
                    raise too_big
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise empty
    except BaseException:
        os.unlink(path)
        raise
    return path, digest.hexdigest(), size


def store(path: str, sha256: str, size: int, kind: str) -> tuple[StoredFile, bool]:
    """The StoredFile of this content, writing it to storage only if it is not there yet.
    Returns (row, whether this call wrote the content)."""
    existing = StoredFile.objects.filter(sha256=sha256).first()
    name = StoredFile.path_for(sha256)
    wrote = False
    # Also when the row exists but its content went missing: the upload restores it.
    if not default_storage.exists(name):
        with open(path, "rb") as fh:
            saved = default_storage.save(name, File(fh, name=name))
        if saved != name:  # written concurrently by another upload of the same content
            default_storage.delete(saved)
        else:
            wrote = True
    if existing is not None:
        return existing, wrote
    try:
        with transaction.atomic():
            row = StoredFile.objects.create(
                sha256=sha256, size=size, content_type=CONTENT_TYPES[kind], kind=kind
            )
    except IntegrityError:  # the same content stored at the same moment
        row = StoredFile.objects.get(sha256=sha256)
    return row, wrote


def _refuse_duplicate(owner_type: str, owner_id: str, stored: StoredFile) -> None:
    """Refuse a content this owner already has. The StoredFile row is locked first, so two
    submissions of the same file at the same moment wait for each other and the second sees
    the first (on SQLite every write transaction is already serialised)."""
    StoredFile.objects.select_for_update().filter(pk=stored.pk).first()
    existing = (
        Attachment.objects.filter(
            owner_type=owner_type, owner_id=owner_id, stored_file=stored, deleted_at__isnull=True
        )
        .only("name")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            _("This file is already attached as “%(name)s”.") % {"name": existing.name},
            code="duplicate",
        )


def attachment_add(*, actor, owner_type: str, owner, uploaded) -> Attachment:
    """Attach an uploaded file to ``owner`` (security.md D3, D4, E2–E5; CONVENTIONS.md "Files").

    Size first (``ATTACHMENT_MAX_BYTES``; an empty file is refused too), then the type from
    the content, then the content is stored once by its SHA-256; the Attachment row and its
    audit event are written in one transaction. The same content attached twice to the same
    owner (a double submission) is refused: the second would only repeat the first. Our temp
    file is removed whether the upload is accepted or refused.
    """
    kind_entry = _owners.get(owner_type)
    if kind_entry is None:
        raise ValueError(f"unknown attachment owner kind {owner_type!r}")
    name = sanitise_name(getattr(uploaded, "name", ""))
    path, sha256, size = _spool(uploaded, settings.ATTACHMENT_MAX_BYTES)
    wrote = False
    try:
        kind = check_type(path, name)
        with transaction.atomic():
            stored, wrote = store(path, sha256, size, kind)
            _refuse_duplicate(owner_type, str(owner.pk), stored)
            attachment = Attachment(
                unit_id=getattr(owner, "unit_id", None),
                owner_type=owner_type,
                owner_id=str(owner.pk),
                stored_file=stored,
                name=name,
                uploaded_by=actor,
                classification=int(getattr(owner, "classification", Classification.PUBLIC)),
            )
            attachment.save_versioned(actor=actor, expected_version=None)
            audit.record(
                "file.attached",
                actor=actor,
                obj=attachment,
                classification=attachment.classification,
                detail={
                    "owner_type": owner_type,
                    "owner_id": attachment.owner_id,
                    "sha256": sha256,
                    "size": size,
                    "kind": kind,
                },
            )
    except BaseException:
        # A content we wrote whose row was rolled back would be an orphan: remove it.
        if wrote and not StoredFile.objects.filter(sha256=sha256).exists():
            default_storage.delete(StoredFile.path_for(sha256))
        raise
    finally:
        os.unlink(path)
    return attachment


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    """Remove an attachment from its owner (security.md F9, C1): ``deleted_at`` is set and a
    ``file.removed`` event written in the same transaction, as ``attachment_add`` does.

    The StoredFile is kept: the removed row still refers to it (other attachments may too), so
    the content stays under the retention rules and ``verify_files`` keeps verifying it; a
    hard purge is a separate, approved step. Who may remove is the caller's check
    (:func:`can_edit`). Removing a removed attachment raises ValidationError, also when
    someone removed it at the same moment.
    """
    already = ValidationError(_("This file was already removed."), code="removed")
    if attachment.deleted_at is not None:
        raise already
    attachment.deleted_at = timezone.now()
    try:
        attachment.save_versioned(
            actor=actor, expected_version=attachment.version, update_fields=["deleted_at"]
        )
    except StaleVersionError:
        attachment.deleted_at = None
        if Attachment.objects.filter(pk=attachment.pk, deleted_at__isnull=False).exists():
            raise already from None
        raise
    stored = attachment.stored_file
    audit.record(
        "file.removed",
        actor=actor,
        obj=attachment,
        classification=attachment.classification,
        detail={
            "owner_type": attachment.owner_type,
            "owner_id": attachment.owner_id,
            "sha256": stored.sha256,
            "size": stored.size,
            "kind": stored.kind,
        },
    )


def attachments_for(owner_type: str, owner_id) -> list[Attachment]:
    """The live attachments of one owner, oldest first, with their content row and uploader in
    the same query (the caller has checked visibility)."""
    return list(
        Attachment.objects.filter(
            owner_type=owner_type, owner_id=str(owner_id), deleted_at__isnull=True
        ).select_related("stored_file", "uploaded_by")
    )


# --- Fixity -------------------------------------------------------------------------------------


def hash_stored(name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with default_storage.open(name, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
