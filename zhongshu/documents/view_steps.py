"""What the documents pages share: running a service from a form and answering its refusals
with the status CONVENTIONS.md gives them, and the audit of classified reads."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from zhongshu.core import audit
from zhongshu.core.forms import add_validation_errors
from zhongshu.core.models import StaleVersionError

from . import rules
from .services import DocumentError

STATUS_INVALID = 400
STATUS_CONFLICT = 409
STATUS_STALE = 412
STALE = gettext_lazy(
    "Someone changed this document meanwhile. Reload the page and apply your change again."
)


def attempt(form, call) -> tuple[int | None, object]:
    """Run a service: (None, its result) when it succeeded, else (the status, None) with the
    reason on the form — 412 stale, 409 not now, 400 bad input."""
    try:
        return None, call()
    except StaleVersionError:
        form.add_error(None, STALE)
        return STATUS_STALE, None
    except DocumentError as exc:
        form.add_error(None, str(exc))
        return STATUS_CONFLICT, None
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return STATUS_INVALID, None


def audit_read(user, document, **detail) -> None:
    """Every read of a document marked 秘密 or above, outgoing or incoming, leaves an audit
    event (issue 4 item 11, issue 5 item 11)."""
    if rules.classified(document.classification):
        audit.record(
            "documents.read",
            actor=user,
            obj=document,
            classification=document.classification,
            unit_id=document.unit_id,
            detail=detail,
        )


def package_download(user, document, package, *, name: str):
    """The archival package as stored (a ZIP), outgoing or incoming; a classified document's is
    an audited read. 404 when there is none or it is lost from storage (verify_files says so)."""
    from django.core.files.storage import default_storage
    from django.http import Http404

    from zhongshu.core.views_files import download_response

    if package is None:
        raise Http404
    stored = package.stored_file
    try:
        handle = default_storage.open(stored.storage_name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_read(user, document, **{"as": "archive", "sha256": package.sha256})
    return download_response(
        handle,
        name=name,
        content_type=stored.content_type,
        classification=document.classification,
        size=stored.size,
    )
