"""The pages of an incoming document (收文, 条例 §24 steps 1–4; issue 5): 签收 and 登记 under a
收文编号, the document's page with its 初审 — accepted to be sent on, or returned to the sender —,
the printable 退文通知单, the 分送 of a 阅件 to its readers, and the readers' own list.

The general office (``rules.is_office``) uses every page; anyone else gets an audited 403 on the
registration form and an audited 404 on a document's office pages. The document's page opens
for whoever may see it (``selectors_incoming.incoming_get_for``: the office, and a reader for a
document sent to them), marks their reading read, and shows the office's panels to the office
only; a document someone may not see (another unit's, above their clearance, not sent to them)
answers an audited 404. A step refused in the document's state answers 409 with the reason, a
form shown on an older version 412, bad input 400 with the errors next to the fields. Every read
of a document marked 秘密 or above is audited.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core.calendar import working_days_left
from zhongshu.core.denials import deny, require
from zhongshu.core.models import Classification
from zhongshu.core.rules import is_business_user
from zhongshu.core.templatetags.zhongshu import cn_date

from . import handling, rules, selectors_copies, selectors_incoming, services_incoming
from .forms_incoming import AcceptForm, RegisterIncomingForm, ReturnForm
from .models import Handling, IncomingDocument, IncomingState
from .view_steps import STALE, STATUS_INVALID, STATUS_STALE, attempt, audit_read

# The 核发 page's picker helpers work for any document with a unit, a 密级 and a version.
from .views_handling import choosing_form, picker_context, post_distribution

OBJECT_TYPE = "documents.incomingdocument"
TO_READ_PAGE_SIZE = 20

office_page = require(rules.is_office)
office_object = require(rules.is_office, status=404, object_type=OBJECT_TYPE)
# The document's page: then its visibility (selectors_incoming), an audited 404 otherwise.
business_object = require(is_business_user, status=404, object_type=OBJECT_TYPE)


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


def _may_send(document) -> bool:
    """分送 is open for an accepted 阅件, and while it is being read (more readers added)."""
    return (
        document.handling == Handling.READING and document.state in services_incoming.READING_STATES
    )


def _receipts(document) -> dict:
    """The office's read receipts of a 阅件: "312/500 read", who has not read it, who has."""
    readings = selectors_incoming.readings_of(document)
    unread = [r for r in readings if r.read_at is None]
    read = [r for r in readings if r.read_at is not None]
    return {
        "receipts": handling.Receipts(total=len(readings), read=len(read), unread=unread),
        "readers_read": read,
    }


def _detail_page(
    request, document, *, status=200, failed=None, return_form=None, handling_forms=None
):
    """The page; ``failed`` is a 初审 form refused (its reasons shown at the top),
    ``return_form`` the 退文 form opened in the 初审 panel. The 初审, 分送 and readers' panels
    are the office's; a reader sees the document and when it was sent to them."""
    user = request.user
    office = rules.is_office(user)
    now = timezone.now()
    is_open = document.state in selectors_incoming.OPEN_STATES
    deadline = document.deadline
    registered = office and document.state == IncomingState.REGISTERED
    days_left = working_days_left(deadline, now) if is_open and deadline else None
    context = {
        "document": document,
        "office": office,
        "overdue": is_open and deadline is not None and deadline < now,
        "days_left": days_left,
        "overdue_days": -days_left if days_left is not None and days_left < 0 else 0,
        "catalogue_only": _catalogue_only(document.classification),
        "failed": failed,
    }
    if office:
        context |= {
            "duplicate_url": _link_to(user, document.duplicate_of),
            "later_duplicates": selectors_incoming.later_duplicates(user, document),
            "reasons": services_incoming.reason_labels(document),
            "accept_form": AcceptForm(initial={"version": document.version})
            if registered
            else None,
            "return_form": return_form if registered else None,
            "may_send": _may_send(document),
            "classified_copies": selectors_copies.copies_for_incoming(user, document),
        }
        if document.handling == Handling.READING:
            context |= _receipts(document)
    else:
        context["my_reading"] = (
            selectors_incoming.to_read(user).filter(document_id=document.pk).first()
        )
    from .views_incoming_handling import handling_context  # it builds on this module

    context |= handling_context(request, document, handling_forms)
    return render(request, "documents/incoming_detail.html", context, status=status)


@never_cache
@business_object
@require_GET
def incoming_detail(request, pk):
    """The document's page, for the office and for each reader it was sent to (分送): opening it
    is their read receipt."""
    document = _document(request, pk)
    audit_read(request.user, document, page="detail")
    services_incoming.mark_read(request.user, document)
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


# --- 分送 of a 阅件 -------------------------------------------------------------------------------


def _send_page(request, document, *, form=None, status=200):
    """The 分送 page: the 核发 page's picker and departments (forms_handling.DistributeForm) while
    the document may be sent, only why not otherwise, and the read receipts so far."""
    may = _may_send(document)
    if may and form is None:
        form = choosing_form(request, document)
    context = {
        "document": document,
        "form": form if may else None,
        "refused": form if form is not None and not may else None,
        **_receipts(document),
        **(picker_context(request) if may else {}),
    }
    return render(request, "documents/incoming_send.html", context, status=status)


def _sent_messages(request, done: handling.Distribution) -> None:
    n = len(done.added)
    text = ngettext("Sent to %(n)d reader.", "Sent to %(n)d readers.", n) % {"n": n}
    if done.already:
        text += " " + _("%(n)d had it already.") % {"n": len(done.already)}
    messages.success(request, text)
    if done.not_cleared:
        messages.warning(
            request,
            _("Not sent to %(names)s: not cleared for this classification.")
            % {"names": "、".join(p.full_name for p in done.not_cleared)},
        )


@never_cache
@office_object
@require_http_methods(["GET", "POST"])
def incoming_send(request, pk):
    """分送 of a 阅件 (条例 §24 step 4): the readers are found with the colleague picker, one at a
    time (a GET with those chosen so far, htmx swapping the list in), and whole departments
    ticked; the POST sends it to them (services_incoming.send_for_reading)."""
    document = _document(request, pk)
    if request.method == "GET":
        if not _may_send(document):
            messages.info(
                request, _("Only an accepted document for information (阅件) is sent to readers.")
            )
            return redirect("documents:incoming_detail", pk=document.pk)
        if not request.htmx:  # the picker's own requests are no new read
            audit_read(request.user, document, page="send")
        return _send_page(request, document)
    form, status, done = post_distribution(request, document, services_incoming.send_for_reading)
    if status is None:
        _sent_messages(request, done)
        return redirect("documents:incoming_detail", pk=document.pk)
    document = _document(request, pk)
    return _send_page(request, document, form=form, status=status)


# --- A reader's documents to read ----------------------------------------------------------------


def _to_read_cursor(value: str) -> tuple[bool, int] | None:
    """``after`` of the to-read page: "u<id>" in the unread part, "r<id>" in the read part."""
    value = str(value or "").strip()
    if len(value) < 2 or value[0] not in "ur" or not value[1:].isdigit() or len(value) > 19:
        return None
    return value[0] == "u", int(value[1:])


@never_cache
@require(is_business_user)
@require_GET
@vary_on_headers("HX-Request")
def incoming_to_read(request):
    """The documents sent to the user to read (分送): unread first, then those read, newest
    first in each part, keyset paged ("u"/"r" and the document id) so that a reading marked
    read meanwhile moves no row of the next page. A constant number of queries."""
    readings = selectors_incoming.to_read(request.user)
    cursor = _to_read_cursor(request.GET.get("after"))
    rows = []
    if cursor is None or cursor[0]:
        unread = readings.filter(read_at__isnull=True).order_by("-document_id")
        if cursor is not None:
            unread = unread.filter(document_id__lt=cursor[1])
        rows = list(unread[: TO_READ_PAGE_SIZE + 1])
    if len(rows) <= TO_READ_PAGE_SIZE:
        read = readings.filter(read_at__isnull=False).order_by("-document_id")
        if cursor is not None and not cursor[0]:
            read = read.filter(document_id__lt=cursor[1])
        rows += list(read[: TO_READ_PAGE_SIZE + 1 - len(rows)])
    more = len(rows) > TO_READ_PAGE_SIZE
    rows = rows[:TO_READ_PAGE_SIZE]
    next_url = ""
    if more:
        last = rows[-1]
        key = f"{'r' if last.read_at else 'u'}{last.document_id}"
        next_url = f"?{urlencode({'after': key})}"
    unread_count = (
        readings.filter(read_at__isnull=True).values("pk")[: selectors_incoming.LIST_COUNT_CAP + 1]
    ).count()
    context = {
        "rows": rows,
        "next_url": next_url,
        "first_url": reverse("documents:incoming_to_read") if cursor is not None else "",
        "unread_count": unread_count,
        "unread_capped": unread_count > selectors_incoming.LIST_COUNT_CAP,
        "count_cap": selectors_incoming.LIST_COUNT_CAP,
    }
    name = "documents/incoming_to_read.html"
    return render(request, f"{name}#rows" if request.htmx else name, context)


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
    context = {
        "document": document,
        "reasons": services_incoming.reason_labels(document),
        "office_name": selectors_incoming.office_name(document.unit_id),
    }
    return render(request, "documents/incoming_return_notice.html", context)


__all__ = [
    "incoming_accept",
    "incoming_detail",
    "incoming_register",
    "incoming_return",
    "incoming_return_notice",
    "incoming_send",
    "incoming_to_read",
]
