"""Attachment downloads (security.md E5, D4; issue 3 item 6).

The owning module decides who may see the file, through the check it registered with
``zhongshu.core.files``; anyone else gets an audited 404 that says nothing about the file.
The content streams from storage as an attachment, never rendered inline, with ``nosniff``.
"""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from . import audit, files
from .denials import deny
from .models import Attachment, Classification


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name as RFC 5987 ``filename*``."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(handle, *, name: str, content_type: str, classification: int, size=None):
    """A file download: an attachment (never shown inline), its type never sniffed, kept in the
    user's browser cache only, and not even there when it is classified above 公开."""
    response = FileResponse(handle, content_type=content_type)
    if size is not None:
        response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    private = classification > Classification.PUBLIC
    response["Cache-Control"] = "private, no-store" if private else "private"
    return response


@login_required
@require_GET
def file_download(request, pk):
    attachment = (
        Attachment.objects.select_related("stored_file")
        .filter(pk=pk, deleted_at__isnull=True)
        .first()
    )
    if attachment is None or not files.can_view(request.user, attachment):
        deny(request, status=404, object_type="core.attachment", object_id=pk)
    stored = attachment.stored_file
    try:
        handle = default_storage.open(stored.storage_name, "rb")
    except FileNotFoundError as exc:  # lost from storage: verify_files reports it as missing
        raise Http404 from exc
    if attachment.classification >= Classification.SECRET:
        audit.record(
            "file.downloaded",
            actor=request.user,
            obj=attachment,
            classification=attachment.classification,
            detail={"sha256": stored.sha256},
        )
    return download_response(
        handle,
        name=attachment.name,
        content_type=stored.content_type,
        classification=attachment.classification,
        size=stored.size,
    )
