"""The office's numbering pages: series, 登记 of one document, 份号, withdrawal, 发文登记簿.

Only the general office uses them (``rules.is_office``): anyone else gets an audited 403 on the
lists and forms, and 404 on a series addressed by id. A document or number the office member
may not see (another unit's, or marked above their clearance) answers 404, audited as well.
Lists page by keyset on id and never count more than ``COUNT_CAP + 1`` rows.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core import audit
from zhongshu.core.denials import deny, require
from zhongshu.core.excel import workbook_response
from zhongshu.core.forms import add_validation_errors
from zhongshu.core.models import StaleVersionError

from . import handling, numbering, rules, selectors
from .forms_numbering import (
    CopyAssignForm,
    RegisterFilterForm,
    RegisterForm,
    SeriesForm,
    VersionForm,
    VoidForm,
)
from .models import IssuedNumber, NumberSeries, State

PAGE_SIZE = 50
COUNT_CAP = 1000
EXPORT_CAP = 50_000
STATUS_INVALID = 400
STATUS_CONFLICT = 409
STATUS_STALE = 412
STALE = gettext_lazy("Someone else changed this meanwhile. Reload it and apply your change again.")

office_page = require(rules.is_office)
office_series = require(rules.is_office, status=404, object_type="documents.numberseries")


def _status_of(exc: ValidationError) -> int:
    """409 for a document or number in the wrong state ("already handled"), 400 otherwise."""
    code = getattr(exc, "code", None)
    return STATUS_CONFLICT if code in ("state", "already_void", "numbered") else STATUS_INVALID


def _document(request, pk):
    try:
        return selectors.document_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type="documents.outgoingdocument", object_id=pk)


def _issued(request, pk) -> IssuedNumber:
    try:
        return numbering.issued_number_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type="documents.issuednumber", object_id=pk)


def _series(request, pk) -> NumberSeries:
    series = (
        NumberSeries.objects.filter(pk=pk, unit_id=request.user.unit_id, deleted_at__isnull=True)
        .select_related("owner")
        .first()
    )
    if series is None:
        deny(request, status=404, object_type="documents.numberseries", object_id=pk)
    return series


def _cursor(request, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if raw.isdigit() and 0 < len(raw) <= 18:
        return int(raw)
    return None


def _keyset_page(rows, *, before: int | None, after: int | None):
    """One page newest first, and whether older / newer pages exist (keyset on id)."""
    size = PAGE_SIZE
    if after is not None:
        page = list(rows.filter(pk__gt=after).order_by("pk")[: size + 1])
        has_newer = len(page) > size
        page = page[:size][::-1]
        return page, bool(page), has_newer
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-pk")[: size + 1])
    return page[:size], len(page) > size, before is not None


def _page_url(query: str, name: str, pk: int) -> str:
    return f"?{query}&{name}={pk}" if query else f"?{name}={pk}"


def _filter_query(form) -> str:
    if not form.is_bound:
        return ""
    pairs = [(name, form.data.get(name, "")) for name in form.fields]
    return urlencode([(k, v) for k, v in pairs if v])


# --- Series --------------------------------------------------------------------------------


@never_cache
@office_page
@require_GET
def series_list(request):
    year = timezone.localdate().year
    series = numbering.series_of_unit(request.user.unit_id, year=year)
    return render(request, "documents/series_list.html", {"series": series, "year": year})


def _series_data(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "code": data["code"],
        "layout": data["layout"],
        "external": data["external"],
        "owner": data["owner"],
        "yearly_restart": data["yearly_restart"],
        "start_number": data["start_number"],
    }


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def series_create(request):
    form = SeriesForm(request.POST or None, unit_id=request.user.unit_id)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            try:
                series = numbering.series_create(actor=request.user, **_series_data(form))
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Series %s created.") % series)
                return redirect("documents:series_list")
    context = {"form": form, "series": None}
    return render(request, "documents/series_form.html", context, status=status)


@never_cache
@office_series
@require_http_methods(["GET", "POST"])
def series_edit(request, pk):
    series = _series(request, pk)
    used = numbering.series_used(series)
    initial = {
        "name": series.name,
        "code": series.code,
        "layout": series.layout,
        "owner": series.owner_id,
        "external": series.external,
        "yearly_restart": series.yearly_restart,
        "start_number": series.start_number,
        "version": series.version,
    }
    form = SeriesForm(
        request.POST or None, initial=initial, unit_id=request.user.unit_id, frozen=used
    )
    form.fields["version"].required = True
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            try:
                numbering.series_update(
                    actor=request.user,
                    series=series,
                    expected_version=form.cleaned_data["version"],
                    **_series_data(form),
                )
            except StaleVersionError:
                form.add_error(None, STALE)
                status = STATUS_STALE
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Series %s saved.") % series)
                return redirect("documents:series_list")
        series.refresh_from_db()
    context = {"form": form, "series": series, "used": used}
    return render(request, "documents/series_form.html", context, status=status)


def _toggle(request, pk, service, done_message):
    series = _series(request, pk)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise StaleVersionError
        service(actor=request.user, series=series, expected_version=form.cleaned_data["version"])
    except StaleVersionError:
        messages.error(request, STALE)
        return redirect(reverse("documents:series_edit", args=[pk]))
    messages.success(request, done_message % series)
    return redirect("documents:series_list")


@office_series
@require_POST
def series_deactivate(request, pk):
    return _toggle(
        request, pk, numbering.series_deactivate, _("Series %s no longer gives numbers.")
    )


@office_series
@require_POST
def series_reactivate(request, pk):
    return _toggle(request, pk, numbering.series_reactivate, _("Series %s gives numbers again."))


# --- 登记 of one document ----------------------------------------------------------------------


def _names(recipients) -> list[str]:
    return [r.get("name", "") for r in recipients or [] if isinstance(r, dict) and r.get("name")]


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def register(request, pk):
    document = _document(request, pk)
    main, cc = _names(document.main_recipients), _names(document.cc_recipients)
    initial = {
        "copies": document.copies or None,
        "distribution_scope": document.distribution_scope or "\n".join([*main, *cc]),
        "print_date": document.print_date,
        "version": document.version,
    }
    form = None
    status = 200
    if request.method == "POST" or document.state == State.CHECKED:
        form = RegisterForm(request.POST or None, initial=initial, document=document)
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                numbering.register(
                    actor=request.user,
                    document=document,
                    expected_version=data["version"],
                    series=data.get("series"),
                    copies=data["copies"],
                    distribution_scope=data["distribution_scope"],
                    print_date=data["print_date"],
                )
            except StaleVersionError:
                form.add_error(None, STALE)
                status = STATUS_STALE
            except ValidationError as exc:
                add_validation_errors(form, exc)
                status = _status_of(exc)
            else:
                messages.success(
                    request, _("Registered as %(number)s.") % {"number": document.doc_number}
                )
                return redirect("documents:register", pk=document.pk)
        document.refresh_from_db()
    numbers = numbering.numbers_of(document)
    context = {
        "document": document,
        "form": form,
        "main_recipients": main,
        "cc_recipients": cc,
        "numbers": numbers,
        "goes_outside": numbering.goes_outside(document),
        "number_at_signing": numbering.allocates_at_signing(),
    }
    return render(request, "documents/register_form.html", context, status=status)


@never_cache
@office_page
@require_GET
def register_pending(request):
    """Checked documents waiting for 登记, oldest first."""
    after = _cursor(request, "after")
    rows = handling.queue_for(request.user, State.CHECKED)
    if after is not None:
        rows = rows.filter(pk__gt=after)
    page = list(rows.order_by("pk")[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    context = {
        "documents": page,
        "next_url": f"?after={page[-1].pk}" if has_more else "",
        "paged": after is not None,
    }
    return render(request, "documents/register_pending.html", context)


# --- 份号 -----------------------------------------------------------------------------------


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def number_copies(request, pk):
    document = _document(request, pk)
    copies = numbering.copy_numbers_of(document)
    form = CopyAssignForm(request.POST or None, document=document, copies=copies)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                copy = numbering.assign_copy(
                    actor=request.user,
                    copy=data["copy"],
                    recipient=data["recipient"],
                    department=data["department"],
                    person=data["person"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
                status = _status_of(exc)
            else:
                messages.success(request, _("Copy %s handed over.") % copy.text)
                return redirect("documents:number_copies", pk=document.pk)
    context = {
        "document": document,
        "copies": copies,
        "form": form if copies else None,
        "may_assign": document.state in numbering.COPY_STATES,
    }
    return render(request, "documents/number_copies.html", context, status=status)


# --- Withdrawal of a number ---------------------------------------------------------------------


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def number_void(request, pk):
    issued = _issued(request, pk)
    form = VoidForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            try:
                numbering.void(
                    actor=request.user, issued=issued, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
                status = _status_of(exc)
            else:
                messages.success(request, _("Number %s withdrawn.") % issued.text)
                return redirect("documents:register_book")
        issued = _issued(request, pk)
    context = {"issued": issued, "form": form}
    return render(request, "documents/number_void.html", context, status=status)


# --- 发文登记簿 -------------------------------------------------------------------------------


def _register_rows(request, form):
    numbers = numbering.issued_numbers_for(request.user)
    return form.filter(numbers) if form.is_bound else numbers


@never_cache
@vary_on_headers("HX-Request")
@office_page
@require_GET
def register_book(request):
    form = RegisterFilterForm(request.GET or None, unit_id=request.user.unit_id)
    valid = not form.is_bound or form.is_valid()
    rows, has_older, has_newer, count = [], False, False, 0
    if valid:
        numbers = _register_rows(request, form)
        rows, has_older, has_newer = _keyset_page(
            numbers, before=_cursor(request, "before"), after=_cursor(request, "after")
        )
        # A capped count: at most COUNT_CAP + 1 rows are ever counted ("1000+").
        count = numbers.order_by().values("pk")[: COUNT_CAP + 1].count()
    query = _filter_query(form)
    newer_url = ""
    if has_newer:
        newer_url = _page_url(query, "after", rows[0].pk) if rows else f"?{query}"
    context = {
        "form": form,
        "rows": rows,
        "count": min(count, COUNT_CAP),
        "count_capped": count > COUNT_CAP,
        "older_url": _page_url(query, "before", rows[-1].pk) if has_older else "",
        "newer_url": newer_url,
        "query": query,
        "export_cap": EXPORT_CAP,
    }
    template = "documents/register_book.html"
    if request.htmx:
        template += "#table"
    return render(request, template, context, status=200 if valid else STATUS_INVALID)


@never_cache
@office_page
@require_GET
def register_export(request):
    form = RegisterFilterForm(request.GET or None, unit_id=request.user.unit_id)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "rows": [], "count": 0, "export_cap": EXPORT_CAP}
        return render(request, "documents/register_book.html", context, status=STATUS_INVALID)
    numbers = _register_rows(request, form).order_by("-pk")[: EXPORT_CAP + 1]
    rows, capped = [], False
    for issued in numbers.iterator(chunk_size=2000):
        if len(rows) == EXPORT_CAP:
            capped = True
            break
        document = issued.document
        rows.append(
            [
                issued.text,
                issued.year,
                issued.sequence,
                issued.series.name,
                issued.get_status_display(),
                document.title if document else "",
                document.get_kind_display() if document else "",
                document.get_classification_display() if document else "",
                document.department.name if document else "",
                document.issued_on.isoformat() if document and document.issued_on else "",
                issued.issued_at,
                issued.issued_by.full_name,
                document.copies if document and document.copies else "",
                document.distribution_scope if document else "",
                issued.void_reason,
                issued.voided_at,
                issued.voided_by.full_name if issued.voided_by else "",
            ]
        )
    headers = [
        _("Document number"),
        _("Year"),
        _("Sequence number"),
        _("Series"),
        _("Status"),
        _("Title"),
        _("Kind"),
        _("Classification"),
        _("Drafting department"),
        _("Date of issue"),
        _("Given at"),
        _("Given by"),
        _("Copies printed"),
        _("Distribution"),
        _("Reason for voiding"),
        _("Voided at"),
        _("Voided by"),
    ]
    filename = f"register-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = workbook_response(filename, _("Register of outgoing documents"), headers, rows)
    audit.record(
        "documents.register_exported",
        actor=request.user,
        object_type="documents.issuednumber",
        detail={"filters": form.used_filters(), "rows": len(rows)}
        | ({"capped": True} if capped else {}),
    )
    return response
