"""The attachments panel every module drops into its pages (CONVENTIONS.md "Files"; UI.md
"An item": 正文 / 附件 / 办理记录).

One panel lists an owner's attachments and, for those the owning module lets edit, takes
uploads and removals. It works as plain forms (POST, then a redirect back to the page with
messages) and with htmx (the panel swaps itself, messages inside it). Modules include it with
``{% load attachments %}{% attachments_panel "documents.incoming" document %}``.

Who sees and who edits is the owning module's decision, registered with
:func:`zhongshu.core.files.register_owner`: an owner the user may not see answers an audited
404, an edit by someone who may only look an audited 403.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from . import files
from .denials import deny
from .models import Attachment, StaleVersionError

PANEL = "core/_attachments.html"
PAGE = "core/_attachments_page.html"
LEVELS = {"success": messages.SUCCESS, "error": messages.ERROR}
# What the file chooser offers; the server still decides from the content (files.check_type).
ACCEPT = ",".join(sorted(f".{ext}" for ext in files.EXTENSIONS))


def panel_context(user, owner_type: str, owner, *, next_url: str, notices=()) -> dict:
    """What ``core/_attachments.html`` needs, for an owner the caller has checked ``user`` may
    see. A constant number of queries however many files there are."""
    kind = files.owner_kind(owner_type)
    owner_id = str(owner.pk)
    return {
        "owner_type": owner_type,
        "owner_id": owner_id,
        "owner": owner,
        "owner_label": kind.label if kind else "",
        "attachments": files.attachments_for(owner_type, owner_id),
        "can_edit": files.can_edit(user, owner_type, owner),
        "upload_url": reverse("core:attachment_upload", args=[owner_type, owner_id]),
        "next_url": next_url,
        "notices": list(notices),
        "accept": ACCEPT,
        "max_mb": f"{settings.ATTACHMENT_MAX_BYTES / (1024 * 1024):g}",
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    }


def _render_panel(request, context) -> HttpResponse:
    """The panel alone, for htmx. Rendered without the context processors: they fill the page
    shell (navigation, badge counts), which a swapped panel does not show."""
    html = render_to_string(PANEL, {**context, "csrf_token": get_token(request)})
    return HttpResponse(html)


def _owner_or_404(request, owner_type: str, owner_id: str):
    owner = files.owner_get_for(request.user, owner_type, owner_id)
    if owner is None:
        deny(request, status=404, object_type=owner_type, object_id=owner_id)
    return owner


def _next_url(request, owner_type: str, owner_id: str) -> str:
    """Where a plain form goes back to: the page the panel sits on, if it is ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("core:attachment_panel", args=[owner_type, owner_id])


def _respond(request, owner_type: str, owner, notices: list[tuple[str, str]]):
    """htmx: the panel again, with the notices inside it (htmx swaps only 2xx answers, so
    refusals are said in the panel, not by the status). Plain forms: back to the page."""
    owner_id = str(owner.pk)
    next_url = _next_url(request, owner_type, owner_id)
    if request.htmx:
        context = panel_context(request.user, owner_type, owner, next_url=next_url, notices=notices)
        return _render_panel(request, context)
    for level, text in notices:
        messages.add_message(request, LEVELS[level], text)
    return redirect(next_url)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def attachment_panel(request, owner_type, owner_id):
    owner = _owner_or_404(request, owner_type, owner_id)
    context = panel_context(
        request.user, owner_type, owner, next_url=_next_url(request, owner_type, owner_id)
    )
    if request.htmx:
        return _render_panel(request, context)
    return render(request, PAGE, context)


@login_required
@require_POST
def attachment_upload(request, owner_type, owner_id):
    """Each chosen file is checked and attached on its own: a refused one writes nothing and
    says why, the others are still attached."""
    owner = _owner_or_404(request, owner_type, owner_id)
    if not files.can_edit(request.user, owner_type, owner):
        deny(request, status=403, object_type=owner_type, object_id=owner_id)
    uploads = request.FILES.getlist("files")
    if not uploads:
        return _respond(request, owner_type, owner, [("error", _("Choose a file to upload."))])
    added, refused = [], []
    for uploaded in uploads:
        name = files.sanitise_name(getattr(uploaded, "name", ""))
        try:
            attachment = files.attachment_add(
                actor=request.user, owner_type=owner_type, owner=owner, uploaded=uploaded
            )
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            refused.append(
                _("“%(name)s” was not attached: %(reason)s") % {"name": name, "reason": reason}
            )
        else:
            added.append(attachment.name)
    notices = []
    if len(added) == 1:
        notices.append(("success", _("“%(name)s” attached.") % {"name": added[0]}))
    elif added:
        notices.append(
            (
                "success",
                ngettext("%(count)d file attached.", "%(count)d files attached.", len(added))
                % {"count": len(added)},
            )
        )
    notices.extend(("error", text) for text in refused)
    return _respond(request, owner_type, owner, notices)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = Attachment.objects.select_related("stored_file").filter(pk=pk).first()
    if attachment is None or not files.can_view(request.user, attachment):
        deny(request, status=404, object_type="core.attachment", object_id=pk)
    owner = files.owner_get_for(request.user, attachment.owner_type, attachment.owner_id)
    if owner is None:
        deny(request, status=404, object_type="core.attachment", object_id=pk)
    if not files.can_edit(request.user, attachment.owner_type, owner):
        deny(request, status=403, object_type="core.attachment", object_id=pk)
    try:
        files.attachment_remove(actor=request.user, attachment=attachment)
    except ValidationError as exc:
        notice = ("error", " ".join(exc.messages))
    except StaleVersionError:
        notice = ("error", _("This file was changed meanwhile. Reload the page and try again."))
    else:
        notice = ("success", _("“%(name)s” removed.") % {"name": attachment.name})
    return _respond(request, attachment.owner_type, owner, [notice])
