"""The list of incoming documents and its export, the 收文登记簿 (issue 5).

Only the general office uses them (``rules.is_office``): anyone else gets an audited 403, as on
the office's other pages. What the list holds is :func:`selectors_incoming.filtered_incoming`:
the unit's documents, never one above the user's clearance. The page reads a constant number of
queries whatever its size: the rows (``LIST_FIELDS`` only), a capped count, one read of the
office calendar for the working days left of the whole page, and one of the read receipts of the
documents being read (分送中 — 312/500 read).
"""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from zhongshu.core import audit
from zhongshu.core import calendar as office_calendar
from zhongshu.core.denials import require
from zhongshu.core.excel import workbook_response

from . import rules, selectors_incoming
from .forms_incoming import IncomingFilterForm
from .models import IncomingDocument, IncomingState
from .services_incoming_handling import IN_HANDLING
from .view_steps import audit_read

PAGE_SIZE = 20
COUNT_CAP = selectors_incoming.LIST_COUNT_CAP
EXPORT_CAP = 10_000
OBJECT_TYPE = "documents.incomingdocument"
# Filters kept behind "More filters"; the folded part opens when one of them is in use.
FOLDED_FILTERS = ("source", "classification", "department")

office_page = require(rules.is_office)


def _int(value, *, limit: int = 18):
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) <= limit else None


def _list_query(request) -> dict:
    return {k: v for k, v in request.GET.items() if k != "after" and v and len(v) <= 100}


def _filters(request) -> tuple[IncomingFilterForm, dict]:
    form = IncomingFilterForm(request.GET or None, user=request.user)
    return form, form.filters()


def _mark_deadlines(rows, now) -> None:
    """``overdue`` and ``days_left`` on each row still open with a deadline (None otherwise)."""
    open_rows = [d for d in rows if d.deadline and d.state in selectors_incoming.OPEN_STATES]
    left = office_calendar.working_days_left_of([d.deadline for d in open_rows], now)
    for document in rows:
        document.days_left, document.overdue, document.days_late = None, False, 0
    for document in open_rows:
        document.days_left = left[document.deadline]
        document.overdue = document.deadline < now
        document.days_late = -document.days_left if document.overdue else 0


def _mark_progress(rows) -> None:
    """``progress`` (read, sent) on each row being read (分送中), None on the others: one query
    for the whole page, none when no row is being read."""
    reading = [d.pk for d in rows if d.state == IncomingState.READING]
    progress = selectors_incoming.reading_progress(reading) if reading else {}
    for document in rows:
        document.progress = progress.get(document.pk)


def _mark_holders(rows) -> None:
    """``holders`` (the open items: who, which step, since when) on each 办件 being handled —
    "where is it now" — and nothing on the others: two queries for the whole page, none when
    no row is being handled."""
    handled = [d.pk for d in rows if d.state in IN_HANDLING]
    live = selectors_incoming.live_handling(handled) if handled else {}
    for document in rows:
        entry = live.get(document.pk)
        document.holders = entry[1] if entry else []


@never_cache
@office_page
@require_GET
@vary_on_headers("HX-Request")
def incoming_list(request):
    form, filters = _filters(request)
    rows = selectors_incoming.filtered_incoming(request.user, filters)
    after = _int(request.GET.get("after"))
    page_rows = rows if after is None else rows.filter(pk__lt=after)
    page = list(page_rows.only(*selectors_incoming.LIST_FIELDS)[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    now = timezone.now()
    _mark_deadlines(page, now)
    _mark_progress(page)
    _mark_holders(page)
    query = _list_query(request)
    # A count capped at COUNT_CAP + 1 rows: never COUNT(*) over the whole table.
    count = rows.values("pk")[: COUNT_CAP + 1].count()
    context = {
        "form": form,
        "rows": page,
        "count": count,
        "count_capped": count > COUNT_CAP,
        "count_cap": COUNT_CAP,
        "next_url": f"?{urlencode({**query, 'after': page[-1].pk})}" if more else "",
        "first_url": f"?{urlencode(query)}" if after is not None else "",
        "export_query": urlencode(query),
        "export_cap": EXPORT_CAP,
        "filtered": bool(filters),
        "folded_open": any(name in filters for name in FOLDED_FILTERS),
    }
    if request.htmx:
        return render(request, "documents/incoming_list_table.html", context)
    context["sources"] = selectors_incoming.sources_of(request.user)
    return render(request, "documents/incoming_list.html", context)


def _title_cell(document: IncomingDocument) -> str:
    if document.title_is_neutral:
        return f"{document.title} ({_('neutral title')})"
    return document.title


@never_cache
@office_page
@require_GET
def incoming_export(request):
    """收文登记簿: the filtered list as Excel, newest first, with the same visibility as the page
    (at most EXPORT_CAP rows, and a last line saying so when there are more). Audited like the
    outgoing export: one event for the export, one read per document marked 秘密 or above."""
    form, filters = _filters(request)
    documents = (
        selectors_incoming.filtered_incoming(request.user, filters)
        .select_related("registered_by")
        .only(*selectors_incoming.LIST_FIELDS, "registered_by", "registered_by__full_name")
    )
    rows, classified, capped = [], [], False
    for d in documents[: EXPORT_CAP + 1].iterator(chunk_size=2000):
        if len(rows) == EXPORT_CAP:
            capped = True
            break
        rows.append(
            [
                d.receipt_number,
                d.received_at,
                d.source_name,
                d.source_number,
                _title_cell(d),
                d.get_kind_display() if d.kind else "",
                d.get_classification_display(),
                d.get_urgency_display() if d.urgency else "",
                d.get_handling_display(),
                d.deadline,
                d.get_state_display(),
                d.registered_by.full_name,
            ]
        )
        if rules.classified(d.classification):
            classified.append(d)
    if capped:
        rows.append(
            [
                _(
                    "Only the newest %(n)d documents are listed here: narrow the filters to "
                    "export the others."
                )
                % {"n": EXPORT_CAP}
            ]
        )
    headers = [
        _("Receipt number"),
        _("Received at"),
        _("Sending organ"),
        _("Their document number"),
        _("Title"),
        _("Kind"),
        _("Classification"),
        _("Urgency"),
        _("Handling"),
        _("Deadline"),
        _("State"),
        _("Registered by"),
    ]
    response = workbook_response(
        f"incoming-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        _("Register of incoming documents"),
        headers,
        rows,
    )
    audit.record(
        "documents.incoming_exported",
        actor=request.user,
        object_type=OBJECT_TYPE,
        unit_id=request.user.unit_id,
        detail={
            "filters": {k: str(v) for k, v in filters.items()},
            "rows": len(rows) - (1 if capped else 0),
        }
        | ({"capped": True} if capped else {}),
    )
    for document in classified:
        audit_read(request.user, document, page="incoming_export")
    return response
