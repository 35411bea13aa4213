"""The general office's pages of an incoming document (收文, 条例 §24 steps 1–3; issue 5):
签收 and 登记 under a 收文编号, the document's page with its 初审 — accepted to be sent on, or
returned to the sender — and the printable 退文通知单.

Only the general office uses them (``rules.is_office``): anyone else gets an audited 403 on the
registration form and an audited 404 on a document, as does an office member for a document
they may not see (another unit's, or marked above their clearance). A step refused in the
document's state answers 409 with the reason, a form shown on an older version 412, bad input
400 with the errors next to the fields. Every read of a document marked 秘密 or above is audited.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhongshu.core.calendar import working_days_left
from zhongshu.core.denials import deny, require
from zhongshu.core.models import Classification
from zhongshu.core.templatetags.zhongshu import cn_date
from zhongshu.org.models import Department

from . import rules, selectors_incoming, services_incoming
from .forms_incoming import AcceptForm, RegisterIncomingForm, ReturnForm
from .models import IncomingDocument, IncomingState
from .view_steps import STALE, STATUS_INVALID, STATUS_STALE, attempt, audit_read

OBJECT_TYPE = "documents.incomingdocument"

office_page = require(rules.is_office)
office_object = require(rules.is_office, status=404, object_type=OBJECT_TYPE)


# --- Helpers ----------------------------------------------------------------------------------


def _document(request, pk) -> IncomingDocument:
    """The document, fetched and authorised in one call; an audited 404 otherwise."""
    try:
        return selectors_incoming.incoming_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type=OBJECT_TYPE, object_id=pk)


def _catalogue_only(classification: int) -> bool:
    """Registered by its catalogue data only: classified, on a system that may not hold it."""
    return rules.classified(classification) and not rules.may_hold_classified_text()


def _link_to(user, document) -> str:
    """The URL of ``document`` when ``user`` may open it, else "" (its number is shown alone)."""
    if document is None or not selectors_incoming.can_view(user, document):
        return ""
    return reverse("documents:incoming_detail", args=[document.pk])


# --- 签收 and 登记 -----------------------------------------------------------------------------


def _register_page(request, form, *, status=200):
    user = request.user
    context = {
        "form": form,
        "sources": selectors_incoming.sources_of(user),
        "catalogue_only_rule": not rules.may_hold_classified_text()
        and user.clearance >= Classification.SECRET,
    }
    return render(request, "documents/incoming_register.html", context, status=status)


def _duplicate_warning(user, document) -> str:
    first = document.duplicate_of
    url = _link_to(user, first)
    text = _(
        "The same document (same sending organ and document number) was already registered as "
        "%(number)s on %(date)s. Check that it has not been registered twice."
    ) % {
        "number": first.receipt_number,
        "date": cn_date(first.received_at),
    }
    if not url:
        return text
    return format_html('{} <a class="alert-link" href="{}">{}</a>', text, url, _("Open it"))


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def incoming_register(request):
    """签收 and 登记: the document's catalogue data; it gets the next 收文编号 of the year."""
    if request.method == "GET":
        return _register_page(request, RegisterIncomingForm(user=request.user))
    form = RegisterIncomingForm(request.POST, user=request.user)
    status = STATUS_INVALID
    if form.is_valid():
        status, document = attempt(
            form,
            lambda: services_incoming.register(
                actor=request.user,
                data=form.service_data(),
                idempotency_key=form.cleaned_data["token"],
            ),
        )
        if status is None:
            messages.success(
                request,
                _("Registered as %(number)s.") % {"number": document.receipt_number},
            )
            if document.duplicate_of_id:
                messages.warning(request, _duplicate_warning(request.user, document))
            return redirect("documents:incoming_detail", pk=document.pk)
    return _register_page(request, form, status=status)


# --- The document's page and its 初审 ----------------------------------------------------------


def _detail_page(request, document, *, status=200, failed=None, return_form=None):
    """The page; ``failed`` is a 初审 form refused (its reasons shown at the top),
    ``return_form`` the 退文 form opened in the 初审 panel."""
    user = request.user
    now = timezone.now()
    is_open = document.state in selectors_incoming.OPEN_STATES
    deadline = document.deadline
    registered = document.state == IncomingState.REGISTERED
    later = list(
        selectors_incoming.visible_incoming(user)
        .filter(duplicate_of=document)
        .only("id", "year", "serial")
        .order_by("pk")[:20]
    )
    days_left = working_days_left(deadline, now) if is_open and deadline else None
    context = {
        "document": document,
        "overdue": is_open and deadline is not None and deadline < now,
        "days_left": days_left,
        "overdue_days": -days_left if days_left is not None and days_left < 0 else 0,
        "duplicate_url": _link_to(user, document.duplicate_of),
        "later_duplicates": later,
        "catalogue_only": _catalogue_only(document.classification),
        "reasons": services_incoming.reason_labels(document),
        "accept_form": AcceptForm(initial={"version": document.version}) if registered else None,
        "return_form": return_form if registered else None,
        "failed": failed,
    }
    return render(request, "documents/incoming_detail.html", context, status=status)


@never_cache
@office_object
@require_GET
def incoming_detail(request, pk):
    document = _document(request, pk)
    audit_read(request.user, document, page="detail")
    return _detail_page(request, document)


@never_cache
@office_object
@require_POST
def incoming_accept(request, pk):
    """初审 passed: the document waits to be sent on (分办)."""
    document = _document(request, pk)
    form = AcceptForm(request.POST)
    status = STATUS_INVALID
    if form.is_valid():
        status, _done = attempt(
            form,
            lambda: services_incoming.review_accept(
                actor=request.user,
                document=document,
                expected_version=form.cleaned_data["version"],
            ),
        )
        if status is None:
            messages.success(
                request,
                _("%(number)s passed the first review. Next: send it on (分办).")
                % {"number": document.receipt_number},
            )
            return redirect("documents:incoming_detail", pk=document.pk)
    document = _document(request, pk)
    return _detail_page(request, document, status=status, failed=form)


@never_cache
@office_object
@require_http_methods(["GET", "POST"])
def incoming_return(request, pk):
    """退文: the form with the reasons (GET), and the return to the sender (POST)."""
    document = _document(request, pk)
    if request.method == "GET":
        audit_read(request.user, document, page="return")
        if document.state != IncomingState.REGISTERED:
            messages.info(request, _("Only a document waiting for its first review is returned."))
            return redirect("documents:incoming_detail", pk=document.pk)
        form = ReturnForm(initial={"version": document.version})
        return _detail_page(request, document, return_form=form)
    form = ReturnForm(request.POST)
    status = STATUS_INVALID
    if form.is_valid():
        data = form.cleaned_data
        status, _done = attempt(
            form,
            lambda: services_incoming.review_return(
                actor=request.user,
                document=document,
                expected_version=data["version"],
                reasons=data["reasons"],
                note=data["note"],
            ),
        )
        if status is None:
            messages.success(
                request,
                _(
                    "%(number)s is returned to %(organ)s. Print the return notice (退文通知单) "
                    "to send with it."
                )
                % {"number": document.receipt_number, "organ": document.source_name},
            )
            return redirect("documents:incoming_detail", pk=document.pk)
    document = _document(request, pk)
    if status == STATUS_STALE:
        # The form comes back with what was ticked, on the current version.
        data = request.POST.copy()
        data["version"] = str(document.version)
        form = ReturnForm(data)
        form.is_valid()
        form.add_error(None, STALE)
    return _detail_page(request, document, status=status, failed=form, return_form=form)


# --- The 退文通知单 -----------------------------------------------------------------------------


@never_cache
@office_object
@require_GET
def incoming_return_notice(request, pk):
    """The 退文通知单 to print and send back with the document: to whom, which document, why."""
    document = _document(request, pk)
    if document.state != IncomingState.RETURNED:
        raise Http404
    audit_read(request.user, document, page="return_notice")
    office_name = (
        Department.objects.filter(
            unit_id=document.unit_id, is_general_office=True, deleted_at__isnull=True
        )
        .values_list("name", flat=True)
        .first()
    )
    context = {
        "document": document,
        "reasons": services_incoming.reason_labels(document),
        "office_name": office_name or "",
    }
    return render(request, "documents/incoming_return_notice.html", context)


__all__ = [
    "incoming_accept",
    "incoming_detail",
    "incoming_register",
    "incoming_return",
    "incoming_return_notice",
]
