"""The pages of the classified copies register (涉密载体登记簿, issue 5 item 9): the register with
its filters and export, registering meeting papers, a copy with its log and the lending forms,
preparing a 清退单 or 销毁单 from the copies ticked, a list with its approval, destruction,
receipt and cancellation, and the printable 清退清单 and 销毁登记表.

Only members of the general office cleared for 秘密 use them
(``selectors_copies.may_see_register``); anyone else — and anyone asking for a copy or list above
their clearance or of another unit — gets an audited 404 on every page, the register and its
export included. A step refused in the current state answers 409, a form shown on an older
version 412, bad input 400 with the errors next to the fields, and the one who prepared a
destruction list trying to approve it 403 (domain/security.md B6). Every read of a copy or a list
is audited (they are all 秘密 or above).
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core import audit
from zhongshu.core.denials import deny, require
from zhongshu.core.excel import workbook_response
from zhongshu.core.models import AuditResult

from . import selectors_copies, selectors_incoming, services_copies
from .forms_copies import (
    ApproveForm,
    BackForm,
    CancelForm,
    ConfirmForm,
    CopyFilterForm,
    DisposalFilterForm,
    ExecuteForm,
    LendForm,
    NumberForm,
    PapersForm,
    PrepareForm,
)
from .models import ClassifiedCopy, CopyDisposal, CopyState, DisposalKind, DisposalState
from .view_steps import STATUS_INVALID, attempt

PAGE_SIZE = 30
DISPOSAL_PAGE_SIZE = 20
COUNT_CAP = selectors_copies.LIST_COUNT_CAP
EXPORT_CAP = 10_000
COPY_TYPE = "documents.classifiedcopy"
DISPOSAL_TYPE = "documents.copydisposal"
STATUS_FORBIDDEN = 403
FOLDED_FILTERS = ("classification", "source")

keeper_page = require(selectors_copies.may_see_register, status=404, object_type=COPY_TYPE)
keeper_copy = require(selectors_copies.may_see_register, status=404, object_type=COPY_TYPE)
keeper_list = require(selectors_copies.may_see_register, status=404, object_type=DISPOSAL_TYPE)


# --- Helpers -------------------------------------------------------------------------------------


def _copy(request, pk) -> ClassifiedCopy:
    try:
        return selectors_copies.copy_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type=COPY_TYPE, object_id=pk)


def _disposal(request, pk) -> CopyDisposal:
    try:
        return selectors_copies.disposal_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type=DISPOSAL_TYPE, object_id=pk)


def _read(user, obj, **detail) -> None:
    """A read of a copy or a list (always 秘密 or above) is audited."""
    audit.record(
        "documents.read",
        actor=user,
        obj=obj,
        classification=obj.classification,
        unit_id=obj.unit_id,
        detail=detail,
    )


def _cursor(value) -> tuple[datetime.date, int] | None:
    """``after`` of the register: "2026-11-26_123" (the last row's date received and id)."""
    value = str(value or "").strip()
    day, _sep, pk = value.partition("_")
    if not pk.isdigit() or len(pk) > 15 or len(day) != 10:
        return None
    try:
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def _list_query(request) -> dict:
    return {k: v for k, v in request.GET.items() if k != "after" and v and len(v) <= 100}


def _mark(rows, today) -> None:
    for copy in rows:
        copy.overdue = bool(
            copy.return_by and copy.return_by < today and copy.state in selectors_copies.OUT_STATES
        )


# --- The register ---------------------------------------------------------------------------------


@never_cache
@keeper_page
@require_GET
@vary_on_headers("HX-Request")
def copy_list(request):
    """涉密载体登记簿: every copy the office holds or held, newest received first, with the
    copies it holds ready to be ticked for a 清退单 or 销毁单. A constant number of queries:
    the rows with their borrower and list, and a capped count."""
    form = CopyFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    rows = selectors_copies.filtered_copies(request.user, filters)
    cursor = _cursor(request.GET.get("after"))
    page = list(selectors_copies.page_of(selectors_copies.after(rows, cursor))[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    _mark(page, timezone.localdate())
    query = _list_query(request)
    count = rows.values("pk")[: COUNT_CAP + 1].count()
    last = page[-1] if page else None
    context = {
        "form": form,
        "rows": page,
        "count": count,
        "count_capped": count > COUNT_CAP,
        "count_cap": COUNT_CAP,
        "next_url": f"?{urlencode({**query, 'after': f'{last.received_on}_{last.pk}'})}"
        if more
        else "",
        "first_url": f"?{urlencode(query)}" if cursor is not None else "",
        "export_query": urlencode(query),
        "export_cap": EXPORT_CAP,
        "filtered": bool(filters),
        "folded_open": any(name in filters for name in FOLDED_FILTERS),
        "any_held": any(c.state == CopyState.HELD for c in page),
    }
    if request.htmx:
        return render(request, "documents/copy_list_table.html", context)
    context["sources"] = selectors_copies.sources_of(request.user)
    context["missing"] = services_copies.incoming_missing(request.user).count()
    context["open_lists"] = selectors_copies.open_disposal_count(request.user)
    return render(request, "documents/copy_list.html", context)


def _holder(copy) -> str:
    return copy.holder.full_name if copy.holder_id else ""


@never_cache
@keeper_page
@require_GET
def copy_export(request):
    """The register as Excel, as filtered, with the same visibility as the page (at most
    EXPORT_CAP rows, and a last line saying so when there are more); audited."""
    form = CopyFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    copies = selectors_copies.page_of(selectors_copies.filtered_copies(request.user, filters))
    rows, capped, highest = [], False, 2
    for c in copies[: EXPORT_CAP + 1].iterator(chunk_size=2000):
        if len(rows) == EXPORT_CAP:
            capped = True
            break
        highest = max(highest, c.classification)
        rows.append(
            [
                c.copy_number,
                c.get_kind_display(),
                c.title,
                c.source_name,
                c.source_number,
                c.meeting,
                c.get_classification_display(),
                c.received_on,
                c.return_by,
                c.get_state_display(),
                _holder(c),
                c.disposal.number if c.disposal_id else "",
            ]
        )
    if capped:
        rows.append(
            [
                _(
                    "Only the first %(n)d copies are listed here: narrow the filters to export "
                    "the others."
                )
                % {"n": EXPORT_CAP}
            ]
        )
    headers = [
        _("Copy number"),
        _("Kind"),
        _("Title"),
        _("Issued by"),
        _("Document number"),
        _("Meeting"),
        _("Classification"),
        _("Received on"),
        _("To be returned by"),
        _("State"),
        _("Lent to"),
        _("List"),
    ]
    response = workbook_response(
        f"classified-copies-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        _("Register of classified copies"),
        headers,
        rows,
    )
    audit.record(
        "documents.copies_exported",
        actor=request.user,
        object_type=COPY_TYPE,
        unit_id=request.user.unit_id,
        classification=highest,
        detail={
            "filters": {k: str(v) for k, v in filters.items()},
            "rows": len(rows) - (1 if capped else 0),
        }
        | ({"capped": True} if capped else {}),
    )
    return response


# --- Registering meeting papers -------------------------------------------------------------------


@never_cache
@keeper_page
@require_http_methods(["GET", "POST"])
def copy_register(request):
    """Meeting papers brought back from a meeting (or another carrier): one row per 份号."""
    if request.method == "GET":
        form = PapersForm(user=request.user)
        return _register_page(request, form)
    form = PapersForm(request.POST, user=request.user)
    status = STATUS_INVALID
    if form.is_valid():
        status, copies = attempt(
            form,
            lambda: services_copies.register_papers(
                actor=request.user,
                data=form.service_data(),
                idempotency_key=form.cleaned_data["token"],
            ),
        )
        if status is None:
            messages.success(
                request,
                ngettext("%(n)d copy registered.", "%(n)d copies registered.", len(copies))
                % {"n": len(copies)},
            )
            return redirect("documents:copy_list")
    return _register_page(request, form, status=status)


def _register_page(request, form, *, status=200):
    context = {"form": form, "sources": selectors_copies.sources_of(request.user)}
    return render(request, "documents/copy_register.html", context, status=status)


@never_cache
@keeper_page
@require_POST
def copy_backfill(request):
    """The copies of the classified incoming documents registered before the register existed."""
    done = services_copies.register_missing(actor=request.user)
    messages.success(
        request,
        ngettext(
            "The copies of %(n)d incoming document are now on the register.",
            "The copies of %(n)d incoming documents are now on the register.",
            done,
        )
        % {"n": done},
    )
    return redirect("documents:copy_list")


# --- A copy ---------------------------------------------------------------------------------------


def _detail_page(request, copy, *, status=200, failed=None, lend_form=None, number_form=None):
    version = {"version": copy.version}
    context = {
        "copy": copy,
        "events": selectors_copies.events_of(copy),
        "failed": failed,
        "overdue": bool(
            copy.return_by
            and copy.return_by < timezone.localdate()
            and copy.state in selectors_copies.OUT_STATES
        ),
        "lend_form": lend_form or LendForm(initial=version, copy=copy)
        if copy.state == CopyState.HELD
        else None,
        "back_form": BackForm(initial=version) if copy.state == CopyState.LENT else None,
        "number_form": number_form or NumberForm(initial=version)
        if not copy.copy_number and copy.state in selectors_copies.OUT_STATES
        else None,
        "incoming_url": _incoming_url(request.user, copy),
    }
    return render(request, "documents/copy_detail.html", context, status=status)


def _incoming_url(user, copy) -> str:
    from django.urls import reverse

    if not copy.incoming_id or not selectors_incoming.can_view(user, copy.incoming):
        return ""
    return reverse("documents:incoming_detail", args=[copy.incoming_id])


@never_cache
@keeper_copy
@require_GET
def copy_detail(request, pk):
    copy = _copy(request, pk)
    _read(request.user, copy, page="copy")
    return _detail_page(request, copy)


def _copy_step(request, pk, form_class, call, done: str, *, form_name: str = ""):
    """POST of one of a copy's forms: the service, then back to the copy's page (or the page
    again with the reason and the status of the refusal)."""
    copy = _copy(request, pk)
    form = form_class(request.POST, **({"copy": copy} if form_class is LendForm else {}))
    status = STATUS_INVALID
    if form.is_valid():
        status, _result = attempt(form, lambda: call(copy, form.cleaned_data))
        if status is None:
            messages.success(request, done)
            return redirect("documents:copy_detail", pk=copy.pk)
    copy = _copy(request, pk)
    extra = {form_name: form} if form_name else {}
    return _detail_page(request, copy, status=status, failed=form, **extra)


@never_cache
@keeper_copy
@require_POST
def copy_lend(request, pk):
    return _copy_step(
        request,
        pk,
        LendForm,
        lambda copy, data: services_copies.lend(
            actor=request.user,
            copy=copy,
            expected_version=data["version"],
            person=data["person"],
            note=data["note"],
        ),
        _("The copy is lent."),
        form_name="lend_form",
    )


@never_cache
@keeper_copy
@require_POST
def copy_back(request, pk):
    return _copy_step(
        request,
        pk,
        BackForm,
        lambda copy, data: services_copies.take_back(
            actor=request.user, copy=copy, expected_version=data["version"], note=data["note"]
        ),
        _("The copy is back in the office."),
    )


@never_cache
@keeper_copy
@require_POST
def copy_number(request, pk):
    return _copy_step(
        request,
        pk,
        NumberForm,
        lambda copy, data: services_copies.number_copy(
            actor=request.user,
            copy=copy,
            expected_version=data["version"],
            copy_number=data["copy_number"],
        ),
        _("The copy number is written in."),
        form_name="number_form",
    )


# --- Preparing a 清退单 or 销毁单 ------------------------------------------------------------


def _kind(value) -> str:
    return value if value in DisposalKind.values else DisposalKind.RETURN


def _prepare_page(request, kind, form, copies, *, status=200):
    ids = {c.pk for c in copies}
    asked = [v for v in (request.POST or request.GET).getlist("copy") if v]
    context = {
        "kind": kind,
        "kind_label": DisposalKind(kind).label,
        "form": form,
        "copies": copies,
        "ready": [c for c in copies if c.state == CopyState.HELD],
        "not_ready": [c for c in copies if c.state != CopyState.HELD],
        "missing": len({a for a in asked if a.isdigit()} - {str(i) for i in ids}),
    }
    return render(request, "documents/copy_prepare.html", context, status=status)


@never_cache
@keeper_page
@require_http_methods(["GET", "POST"])
def copy_prepare(request):
    """A 清退单 or 销毁单 of the copies ticked on the register (GET: the copies and the form;
    POST: the list is prepared and its copies are 清退中 or 待销毁)."""
    data = request.POST if request.method == "POST" else request.GET
    kind = _kind(data.get("kind"))
    copies = selectors_copies.chosen_copies(request.user, data.getlist("copy"))
    if request.method == "GET":
        form = PrepareForm(
            initial={"kind": kind, "copy": [c.pk for c in copies if c.state == CopyState.HELD]},
            kind=kind,
            copies=copies,
        )
        if kind == DisposalKind.RETURN:
            sources = {c.source_name for c in copies if c.source_name}
            if len(sources) == 1:
                form.initial["recipient"] = sources.pop()
        return _prepare_page(request, kind, form, copies)
    form = PrepareForm(request.POST, kind=kind, copies=copies)
    status = STATUS_INVALID
    if form.is_valid():
        cleaned = form.cleaned_data
        status, disposal = attempt(
            form,
            lambda: services_copies.prepare(
                actor=request.user,
                kind=kind,
                copies=cleaned["copy"],
                recipient=cleaned.get("recipient", ""),
                method=cleaned.get("method", ""),
                reason=cleaned.get("reason", ""),
                note=cleaned["note"],
                idempotency_key=cleaned["token"],
            ),
        )
        if status is None:
            messages.success(
                request,
                _("%(number)s prepared. Print it for the signatures.")
                % {"number": disposal.number},
            )
            return redirect("documents:copy_disposal", pk=disposal.pk)
    return _prepare_page(request, kind, form, copies, status=status)


# --- The lists ------------------------------------------------------------------------------------


def _disposal_cursor(value) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 15 else None


@never_cache
@keeper_list
@require_GET
def copy_disposals(request):
    """The 清退单 and 销毁单, newest first, keyset paged."""
    form = DisposalFilterForm(request.GET or None)
    filters = form.filters()
    rows = selectors_copies.disposals(request.user, **filters)
    after = _disposal_cursor(request.GET.get("after"))
    if after is not None:
        rows = rows.filter(pk__lt=after)
    page = list(rows[: DISPOSAL_PAGE_SIZE + 1])
    more = len(page) > DISPOSAL_PAGE_SIZE
    page = page[:DISPOSAL_PAGE_SIZE]
    query = _list_query(request)
    context = {
        "form": form,
        "rows": page,
        "next_url": f"?{urlencode({**query, 'after': page[-1].pk})}" if more else "",
        "first_url": f"?{urlencode(query)}" if after is not None else "",
        "filtered": bool(filters),
    }
    return render(request, "documents/copy_disposals.html", context)


def _disposal_page(request, disposal, *, status=200, failed=None, forms=None):
    forms = forms or {}
    version = {"version": disposal.version}
    user = request.user
    prepared = disposal.state == DisposalState.PREPARED
    approved = disposal.state == DisposalState.APPROVED
    destroy = disposal.kind == DisposalKind.DESTROY
    context = {
        "disposal": disposal,
        "copies": selectors_copies.copies_of_disposal(disposal)
        if disposal.state != DisposalState.CANCELLED
        else selectors_copies.copies_of_cancelled(disposal),
        "failed": failed,
        "own": disposal.prepared_by_id == user.pk,
        "approve_form": forms.get("approve") or ApproveForm(initial=version)
        if destroy and prepared and disposal.prepared_by_id != user.pk
        else None,
        "execute_form": forms.get("execute") or ExecuteForm(initial=version, disposal=disposal)
        if destroy and approved
        else None,
        "confirm_form": forms.get("confirm") or ConfirmForm(initial=version)
        if not destroy and prepared
        else None,
        "cancel_form": forms.get("cancel") or CancelForm(initial=version)
        if disposal.is_open
        else None,
    }
    return render(request, "documents/copy_disposal.html", context, status=status)


@never_cache
@keeper_list
@require_GET
def copy_disposal(request, pk):
    disposal = _disposal(request, pk)
    _read(request.user, disposal, page="list")
    return _disposal_page(request, disposal)


def _disposal_step(request, pk, name, form_class, call, done: str):
    disposal = _disposal(request, pk)
    kwargs = {"disposal": disposal} if form_class is ExecuteForm else {}
    form = form_class(request.POST, **kwargs)
    status = STATUS_INVALID
    if form.is_valid():
        status, _result = attempt(form, lambda: call(disposal, form.cleaned_data))
        if status is None:
            messages.success(request, done % {"number": disposal.number})
            return redirect("documents:copy_disposal", pk=disposal.pk)
    disposal = _disposal(request, pk)
    return _disposal_page(request, disposal, status=status, failed=form, forms={name: form})


@never_cache
@keeper_list
@require_POST
def copy_disposal_approve(request, pk):
    """A second office member approves a 销毁单; the one who prepared it gets 403 (B6)."""
    disposal = _disposal(request, pk)
    if disposal.prepared_by_id == request.user.pk:
        audit.record(  # an attempt to approve one's own list is a denial (C1, B6)
            "access.denied",
            actor=request.user,
            object_type=DISPOSAL_TYPE,
            object_id=str(disposal.pk),
            result=AuditResult.DENIED,
            detail={"method": request.method, "path": request.path[:300], "status": 403},
        )
        form = ApproveForm(request.POST)
        form.is_valid()
        form.add_error(
            None,
            _(
                "You prepared this list: another member of the office approves it (two people "
                "for every destruction)."
            ),
        )
        return _disposal_page(request, disposal, status=STATUS_FORBIDDEN, failed=form)
    return _disposal_step(
        request,
        pk,
        "approve",
        ApproveForm,
        lambda d, data: services_copies.approve(
            actor=request.user, disposal=d, expected_version=data["version"]
        ),
        _("%(number)s approved. The copies may now be destroyed in front of a witness."),
    )


@never_cache
@keeper_list
@require_POST
def copy_disposal_execute(request, pk):
    return _disposal_step(
        request,
        pk,
        "execute",
        ExecuteForm,
        lambda d, data: services_copies.execute(
            actor=request.user,
            disposal=d,
            expected_version=data["version"],
            executed_by=data["executed_by"],
            witness=data["witness"],
            method=data["method"],
            place=data["place"],
            executed_at=data["executed_at"],
        ),
        _("%(number)s carried out: its copies are destroyed."),
    )


@never_cache
@keeper_list
@require_POST
def copy_disposal_confirm(request, pk):
    return _disposal_step(
        request,
        pk,
        "confirm",
        ConfirmForm,
        lambda d, data: services_copies.confirm(
            actor=request.user,
            disposal=d,
            expected_version=data["version"],
            confirmed_by=data["confirmed_by"],
            confirmed_on=data["confirmed_on"],
        ),
        _("%(number)s confirmed: its copies are returned."),
    )


@never_cache
@keeper_list
@require_POST
def copy_disposal_cancel(request, pk):
    return _disposal_step(
        request,
        pk,
        "cancel",
        CancelForm,
        lambda d, data: services_copies.cancel(
            actor=request.user, disposal=d, expected_version=data["version"], reason=data["reason"]
        ),
        _("%(number)s cancelled: its copies are back on the register."),
    )


@never_cache
@keeper_list
@require_GET
def copy_disposal_print(request, pk):
    """The 清退清单 (to send with the copies, signed by the receiving organ) or the 销毁登记表
    (signed by the one who prepared it, the approver, the one destroying and the witness)."""
    disposal = _disposal(request, pk)
    if disposal.state == DisposalState.CANCELLED:
        raise Http404
    _read(request.user, disposal, page="print")
    context = {
        "disposal": disposal,
        "copies": selectors_copies.copies_of_disposal(disposal),
        "office_name": selectors_incoming.office_name(disposal.unit_id),
        "unit_name": request.user.unit.name,
    }
    return render(request, "documents/copy_disposal_print.html", context)
