"""Attachments: content-typed, stored once, streamed to those the owner allows
(issue 3 item 6; CONVENTIONS.md "Files"; security.md D3, D4, E2–E5)."""

import hashlib
import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from zhongshu.core import files
from zhongshu.core.models import Attachment, AuditEvent, Classification, StoredFile

# --- Samples ------------------------------------------------------------------------------------


def make_zip(members: dict[str, bytes], *, infos=()) -> bytes:
    """The same bytes every time (a fixed member date): the samples are test parameters, which
    every parallel test process must collect alike."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        for info, data in infos:
            archive.writestr(info, data)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "收文登记"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES_XML = b'<?xml version="1.0"?><Types/>'
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SAMPLES = {
    "report.pdf": (PDF, "pdf"),
    "公文.ofd": (make_zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<d/>"}), "ofd"),
    "draft.docx": (
        make_zip({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": b"<w:document/>"}),
        "docx",
    ),
    "register.xlsx": (make_xlsx(), "xlsx"),
    "slides.pptx": (
        make_zip({"[Content_Types].xml": CONTENT_TYPES_XML, "ppt/presentation.xml": b"<p/>"}),
        "pptx",
    ),
    "old.doc": (OLE2, "doc"),
    "old.xls": (OLE2 + b"\x01", "xls"),
    "wps.wps": (OLE2 + b"\x02", "wps"),
    "sheet.et": (OLE2 + b"\x03", "et"),
    "notes.txt": ("会议纪要\n第一项".encode(), "txt"),
    "gbk.txt": ("会议纪要".encode("gb18030"), "txt"),
    "photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "jpeg"),
    "scan.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32, "png"),
    "scan.tif": (b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32, "tiff"),
    "scan-mm.tiff": (b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 32, "tiff"),
    "bundle.zip": (make_zip({"a.txt": b"a", "sub/b.txt": b"b"}), "zip"),
}


@dataclass
class Folder:
    """A stand-in owner: what a module's object offers the attachment service."""

    pk: int
    unit_id: int | None = None
    classification: int = Classification.PUBLIC


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return tmp_path


@pytest.fixture
def folders(media):
    """Registers a test owner kind: users in ``readers`` may see the folder."""
    registry = {1: Folder(1), 2: Folder(2, classification=Classification.INTERNAL)}
    registry[3] = Folder(3, classification=Classification.SECRET)
    readers: dict[int, set] = {1: set(), 2: set(), 3: set()}
    files.register_owner(
        "test.folder",
        can_view=lambda user, owner_id: user.pk in readers[int(owner_id)],
        get_owner=lambda owner_id: registry[int(owner_id)],
        label="Folder",
    )
    yield registry, readers
    files.unregister_owner("test.folder")


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add(actor, name, content, owner=None):
    owner = owner or Folder(1)
    return files.attachment_add(
        actor=actor, owner_type="test.folder", owner=owner, uploaded=upload(name, content)
    )


def stored_path(media: Path, sha: str) -> Path:
    return media / "media" / StoredFile.path_for(sha)


# --- Accepted types -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SAMPLES), ids=list(SAMPLES))
def test_each_allowed_type_is_accepted(staff, folders, media, name):
    content, kind = SAMPLES[name]

    attachment = add(staff, name, content)

    stored = attachment.stored_file
    assert stored.kind == kind
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored_path(media, stored.sha256).read_bytes() == content
    assert attachment.name == name


def test_attaching_copies_owner_fields_and_is_audited(staff, folders):
    owner = Folder(2, unit_id=staff.unit_id, classification=Classification.INTERNAL)

    attachment = add(staff, "report.pdf", PDF, owner=owner)

    assert attachment.owner_type == "test.folder" and attachment.owner_id == "2"
    assert attachment.classification == Classification.INTERNAL
    assert attachment.unit_id == staff.unit_id
    assert attachment.uploaded_by == staff and attachment.created_by == staff
    event = AuditEvent.objects.get(action="file.attached")
    assert event.object_id == str(attachment.pk)
    assert event.classification == Classification.INTERNAL
    assert event.detail["sha256"] == attachment.stored_file.sha256


def test_the_same_file_is_stored_once(staff, folders, media):
    first = add(staff, "a.pdf", PDF)
    second = add(staff, "copy of a.pdf", PDF, owner=Folder(2))

    assert StoredFile.objects.count() == 1
    assert Attachment.objects.count() == 2
    assert first.stored_file_id == second.stored_file_id
    assert len([p for p in (media / "media").rglob("*") if p.is_file()]) == 1


def test_the_same_content_twice_on_one_owner_is_refused(staff, folders, media):
    add(staff, "a.pdf", PDF)

    message = _refused(staff, "renamed.pdf", PDF)

    assert message == "This file is already attached as “a.pdf”."
    assert list((media / "tmp").iterdir()) == []


@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf"])
def test_an_empty_file_is_refused(staff, folders, name):
    assert _refused(staff, name, b"") == "The file is empty."


def test_an_owner_kind_registered_without_an_edit_check_lets_nobody_edit(staff, folders):
    registry, readers = folders
    readers[1].add(staff.pk)

    assert files.owner_get_for(staff, "test.folder", "1") == registry[1]
    assert files.owner_get_for(staff, "test.folder", "2") is None
    assert files.owner_get_for(staff, "test.folder", "404") is None  # get_owner raises KeyError
    assert files.can_edit(staff, "test.folder", registry[1]) is False


def test_the_stored_path_comes_from_the_hash_not_the_name(staff, folders, media):
    attachment = add(staff, "../../a.pdf", PDF)

    sha = attachment.stored_file.sha256
    assert attachment.name == "a.pdf"
    assert [p for p in (media / "media").rglob("*") if p.is_file()] == [stored_path(media, sha)]
    assert not (media / "a.pdf").exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nX-Evil: 1.pdf", "aX-Evil: 1.pdf"),
        ("C:\\Users\\王\\通知.pdf", "通知.pdf"),
        ("...pdf", "pdf"),
        ("", "file"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_names_are_sanitised(raw, clean):
    assert files.sanitise_name(raw) == clean


# --- Refused types ------------------------------------------------------------------------------


def _refused(staff, name, content) -> str:
    before = (StoredFile.objects.count(), Attachment.objects.count())
    with pytest.raises(ValidationError) as caught:
        add(staff, name, content)
    assert (StoredFile.objects.count(), Attachment.objects.count()) == before
    return " ".join(caught.value.messages)


HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def test_html_renamed_to_pdf_is_refused_with_a_clear_message(staff, folders):
    message = _refused(staff, "evil.pdf", HTML)

    assert message == "This file is not a PDF although it is named .pdf."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.html", HTML, "Files of type .html are not accepted."),
        ("logo.svg", SVG, "Files of type .svg are not accepted."),
        ("logo.png", SVG, "This file is not a PNG although it is named .png."),
        ("logo.txt", SVG, "This file is not a Plain text although it is named .txt."),
        ("page.txt", b"  \n<html><body>x</body></html>", "not a Plain text"),
        ("tool.exe", b"MZ\x90\x00", "Files of type .exe are not accepted."),
        ("tool.doc", b"MZ\x90\x00" + b"\x00" * 100, "This file is not a Word (DOC)"),
        ("script", b"#!/bin/sh\n", "Files without an extension are not accepted."),
        ("binary.txt", b"abc\x00def", "not a Plain text"),
        ("a.docx", make_zip({"a.txt": b"a"}), "This file is not a Word (DOCX)"),
        ("a.docx", PDF, "This file is not a Word (DOCX)"),
        ("a.pdf", SAMPLES["draft.docx"][0], "This file is not a PDF"),
        ("a.zip", b"PK\x03\x04broken", "This archive is damaged"),
    ],
)
def test_forbidden_or_mislabelled_content_is_refused(staff, folders, name, content, message):
    assert message in _refused(staff, name, content)


# --- Zip limits (E4) ----------------------------------------------------------------------------


def test_zip_bomb_is_refused_before_extracting(staff, folders, settings):
    settings.ATTACHMENT_ZIP_MAX_UNPACKED_BYTES = 4096
    bomb = make_zip({f"part{i}.txt": b"\x00" * 1000 for i in range(5)})
    assert len(bomb) < 4096  # small on disk, 5,000 bytes unpacked

    message = _refused(staff, "bomb.zip", bomb)

    assert "would unpack to more than" in message


def test_docx_bomb_is_refused(staff, folders, settings):
    settings.ATTACHMENT_ZIP_MAX_UNPACKED_BYTES = 4096
    bomb = make_zip({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": b" " * 100_000})

    assert "would unpack to more than" in _refused(staff, "bomb.docx", bomb)


def test_the_real_unpacked_limit_is_one_gigabyte():
    assert files.ZIP_MAX_UNPACKED_BYTES == 1024**3 and files.ZIP_MAX_ENTRIES == 10_000


def test_too_many_entries_are_refused(staff, folders, settings):
    settings.ATTACHMENT_ZIP_MAX_ENTRIES = 5

    message = _refused(staff, "many.zip", make_zip({f"{i}.txt": b"" for i in range(6)}))

    assert "more than 5 files" in message


@pytest.mark.parametrize("member", ["../a.py", "docs/../../a.py", "/etc/passwd", "C:\\x.txt"])
def test_zip_slip_is_refused(staff, folders, media, member):
    message = _refused(staff, "slip.zip", make_zip({"ok.txt": b"x", member: b"print(1)"}))

    assert "unsafe path" in message
    assert not (media / "a.py").exists()


def test_zip_slip_inside_a_docx_is_refused(staff, folders):
    docx = make_zip(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "word/document.xml": b"<w/>",
            "../../evil.py": b"x",
        }
    )

    assert "unsafe path" in _refused(staff, "a.docx", docx)


def test_symlink_entry_is_refused(staff, folders):
    link = zipfile.ZipInfo("link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16

    message = _refused(staff, "link.zip", make_zip({"a.txt": b"a"}, infos=[(link, b"/etc")]))

    assert "contains a link" in message


# --- Size (E2) and temp files (D4) --------------------------------------------------------------


class DeclaredSize:
    """An upload that declares its size; reading it would be a failure of the size check."""

    name = "big.pdf"
    size = 100 * 1024 * 1024 + 1

    def chunks(self, chunk_size=None):
        raise AssertionError("read although the declared size is over the limit")


def test_one_byte_over_100_mb_is_refused_before_reading(staff, folders, settings):
    assert settings.ATTACHMENT_MAX_BYTES == 100 * 1024 * 1024

    with pytest.raises(ValidationError) as caught:
        files.attachment_add(
            actor=staff, owner_type="test.folder", owner=Folder(1), uploaded=DeclaredSize()
        )

    assert caught.value.messages == ["The file is larger than the limit of 100 MB."]


def test_the_limit_holds_while_streaming(staff, folders, settings, media):
    settings.ATTACHMENT_MAX_BYTES = 1000
    content = PDF + b"\x00" * (1001 - len(PDF))

    assert "larger than the limit" in _refused(staff, "big.pdf", content)
    assert list((media / "tmp").iterdir()) == []

    exact = add(staff, "exact.pdf", content[:1000])
    assert exact.stored_file.size == 1000


def test_temp_dir_is_empty_after_good_and_failed_uploads(staff, folders, media):
    add(staff, "good.pdf", PDF)
    with pytest.raises(ValidationError):
        add(staff, "evil.pdf", HTML)

    assert list((media / "tmp").iterdir()) == []


def test_a_failed_audit_write_leaves_no_row_and_no_file(staff, folders, media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(files.audit, "record", broken)

    with pytest.raises(RuntimeError):
        add(staff, "a.pdf", PDF)

    assert StoredFile.objects.count() == 0 and Attachment.objects.count() == 0
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_unknown_owner_kind_is_a_programming_error(staff, media):
    with pytest.raises(ValueError):
        files.attachment_add(
            actor=staff, owner_type="nope", owner=Folder(1), uploaded=upload("a.pdf", PDF)
        )


# --- Downloads (E5) -----------------------------------------------------------------------------


def test_download_streams_with_safe_headers(client, login_as, staff, folders):
    _, readers = folders
    readers[1].add(staff.pk)
    attachment = add(staff, "关于 2026 年\r\n工作的通知.pdf", PDF)
    login_as(staff)

    response = client.get(reverse("core:file_download", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        'attachment; filename="__ 2026 ______.pdf"; '
        "filename*=UTF-8''%E5%85%B3%E4%BA%8E%202026%20%E5%B9%B4%E5%B7%A5%E4%BD%9C%E7%9A%84"
        "%E9%80%9A%E7%9F%A5.pdf"
    )
    assert "no-store" not in response["Cache-Control"]
    assert not AuditEvent.objects.filter(action="file.downloaded").exists()


def test_classified_downloads_are_not_cached(client, login_as, staff, folders):
    registry, readers = folders
    readers[2].add(staff.pk)
    attachment = add(staff, "a.txt", b"internal", owner=registry[2])
    login_as(staff)

    response = client.get(reverse("core:file_download", args=[attachment.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_secret_downloads_are_audited(client, login_as, staff, folders):
    registry, readers = folders
    readers[3].add(staff.pk)
    attachment = add(staff, "secret.pdf", PDF, owner=registry[3])
    login_as(staff)

    response = client.get(reverse("core:file_download", args=[attachment.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="file.downloaded")
    assert event.actor == staff and event.object_id == str(attachment.pk)
    assert event.classification == Classification.SECRET


@pytest.mark.parametrize("who", ["staff", "org_manager", "sysadmin", "auditor"])
def test_a_user_the_owner_refuses_gets_404_and_nothing_else(
    request, client, login_as, staff, folders, who
):
    attachment = add(staff, "private.pdf", PDF)  # nobody is a reader of folder 1
    user = request.getfixturevalue(who)
    login_as(user)

    response = client.get(reverse("core:file_download", args=[attachment.pk]))

    assert response.status_code == 404
    assert b"private.pdf" not in response.content and PDF not in response.content
    assert "Content-Disposition" not in response
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.actor == user and denied.object_id == str(attachment.pk)


def test_an_unregistered_owner_kind_is_404(client, login_as, staff, folders):
    _, readers = folders
    readers[1].add(staff.pk)
    attachment = add(staff, "a.pdf", PDF)
    files.unregister_owner("test.folder")
    login_as(staff)

    assert client.get(reverse("core:file_download", args=[attachment.pk])).status_code == 404


def test_a_missing_id_is_404(client, login_as, staff, media):
    login_as(staff)

    assert client.get(reverse("core:file_download", args=[999])).status_code == 404


def test_anonymous_download_asks_for_sign_in(client, staff, folders):
    attachment = add(staff, "a.pdf", PDF)

    response = client.get(reverse("core:file_download", args=[attachment.pk]))

    assert response.status_code == 302 and response.url.startswith(reverse("org:login"))


# --- verify_files (D3) --------------------------------------------------------------------------


def _verify(capsys, *args) -> tuple[int, str]:
    code = 0
    try:
        call_command("verify_files", *args)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().out


def test_verify_files_passes_when_intact(staff, folders, capsys):
    add(staff, "a.pdf", PDF)

    code, out = _verify(capsys)

    assert code == 0
    assert "1 stored files checked, 0 problems." in out
    assert StoredFile.objects.get().verified_at is not None


def test_verify_files_reports_altered_missing_and_orphan(staff, folders, media, capsys):
    altered = add(staff, "a.pdf", PDF).stored_file
    missing = add(staff, "b.txt", b"bbb").stored_file
    add(staff, "c.txt", b"ccc")
    path = stored_path(media, altered.sha256)
    data = bytearray(path.read_bytes())
    data[3] ^= 0x01
    path.write_bytes(bytes(data))
    stored_path(media, missing.sha256).unlink()
    stray = media / "media" / "attachments" / "ab" / "cd" / ("ab" + "0" * 62)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"stray")

    code, out = _verify(capsys)

    assert code == 1
    lines = set(out.splitlines())
    assert f"altered {altered.storage_name}" in lines
    assert f"missing {missing.storage_name}" in lines
    assert "orphan attachments/ab/cd/ab" + "0" * 62 in lines
    assert "3 stored files checked, 3 problems." in lines
    event = AuditEvent.objects.get(action="file.verify_failed")
    assert event.result == "failure"
    assert event.detail["altered"] == [altered.storage_name]


def test_verify_files_stale_first_checks_the_least_recently_verified(staff, folders, capsys):
    add(staff, "a.txt", b"a")
    add(staff, "b.txt", b"b")
    _verify(capsys)
    newer = StoredFile.objects.order_by("pk").last()
    StoredFile.objects.filter(pk=newer.pk).update(verified_at=None)

    code, out = _verify(capsys, "--stale-first", "1")

    assert code == 0
    assert "1 stored files checked, 0 problems." in out
    newer.refresh_from_db()
    assert newer.verified_at is not None
