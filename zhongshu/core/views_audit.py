"""The audit administrator's reading room: list, detail, export (security.md C1–C3, 三员分立).

Only the audit administrator may read the log; every other account is refused, and the refusal
is itself recorded. Reading is not audited, exporting is. The list pages by keyset on ``id``
(newest first) and never counts the whole table.
"""

import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from . import audit
from .audit_labels import action_label, role_label
from .denials import deny
from .excel import workbook_response
from .forms_audit import AuditFilterForm
from .models import AuditEvent
from .rules import is_auditor

PAGE_SIZE = 50
COUNT_CAP = 1000
EXPORT_CAP = 50_000
LIST_FIELDS = (
    "id",
    "at",
    "actor_name",
    "actor_role",
    "ip",
    "action",
    "result",
    "object_type",
    "object_id",
    "object_repr",
)


def _require_auditor(request, **target) -> None:
    if not is_auditor(request.user):
        deny(request, status=403, **target)


def _cursor(request, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if raw.isdigit() and 0 < len(raw) <= 18:
        return int(raw)
    return None


def _filter_query(form: AuditFilterForm) -> str:
    """The filters as a query string, for the paging and export links."""
    if not form.is_bound:
        return ""
    pairs = [(name, form.data.get(name, "")) for name in form.fields]
    return urlencode([(k, v) for k, v in pairs if v])


def _page_url(query: str, name: str, pk: int) -> str:
    return f"?{query}&{name}={pk}" if query else f"?{name}={pk}"


def _newer_url(query: str, rows) -> str:
    if not rows:  # paged past the oldest row: back to the newest
        return f"?{query}"
    return _page_url(query, "after", rows[0].pk)


def _page(events, *, before: int | None, after: int | None):
    """One page, newest first, and whether there are older / newer pages (keyset on id)."""
    if after is not None:
        rows = list(events.filter(pk__gt=after).order_by("pk")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        # We came from an older page: it is still there unless purged meanwhile.
        has_older = bool(rows)
    else:
        if before is not None:
            events = events.filter(pk__lt=before)
        rows = list(events.order_by("-pk")[: PAGE_SIZE + 1])
        has_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        has_newer = before is not None
    return rows, has_older, has_newer


@never_cache
@vary_on_headers("HX-Request")
@login_required
@require_GET
def audit_list(request):
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    rows, has_older, has_newer, count = [], False, False, 0
    if valid:
        events = AuditEvent.objects.only(*LIST_FIELDS)
        if form.is_bound:
            events = form.filter(events)
        rows, has_older, has_newer = _page(
            events, before=_cursor(request, "before"), after=_cursor(request, "after")
        )
        # A capped count: at most COUNT_CAP + 1 rows are ever counted ("1000+").
        count = events.order_by()[: COUNT_CAP + 1].count()
    for row in rows:
        row.action_label = action_label(row.action)
        row.role_label = role_label(row.actor_role) if row.actor_role else ""
    query = _filter_query(form)
    context = {
        "form": form,
        "rows": rows,
        "count": min(count, COUNT_CAP),
        "count_capped": count > COUNT_CAP,
        "older_url": _page_url(query, "before", rows[-1].pk) if has_older else "",
        "newer_url": _newer_url(query, rows) if has_newer else "",
        "query": query,
        "export_cap": EXPORT_CAP,
    }
    template = "core/audit_list.html#table" if request.htmx else "core/audit_list.html"
    return render(request, template, context, status=200 if valid else 400)


def _detail_rows(detail) -> tuple[list[dict], bool]:
    """The JSON detail as table rows; before/after pairs get their own columns."""
    if not isinstance(detail, dict):
        return [{"key": "", "value": _as_text(detail)}], False
    rows, paired = [], False
    for key, value in detail.items():
        if isinstance(value, dict) and set(value) <= {"before", "after"} and value:
            paired = True
            rows.append(
                {
                    "key": key,
                    "before": _as_text(value.get("before")),
                    "after": _as_text(value.get("after")),
                    "pair": True,
                }
            )
        else:
            rows.append({"key": key, "value": _as_text(value), "pair": False})
    return rows, paired


def _as_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@never_cache
@login_required
@require_GET
def audit_detail(request, pk: int):
    _require_auditor(request, object_type="core.auditevent", object_id=pk)
    event = get_object_or_404(AuditEvent, pk=pk)
    detail_rows, paired = _detail_rows(event.detail)
    context = {
        "event": event,
        "action_label": action_label(event.action),
        "role_label": role_label(event.actor_role) if event.actor_role else "",
        "detail_rows": detail_rows,
        "detail_paired": paired,
        "hash_ok": audit.compute_hash(event.prev_hash, event) == event.hash,
    }
    return render(request, "core/audit_detail.html", context)


@never_cache
@login_required
@require_GET
def audit_export(request):
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "rows": [], "count": 0, "export_cap": EXPORT_CAP}
        return render(request, "core/audit_list.html", context, status=400)
    events = form.filter(AuditEvent.objects.all()) if form.is_bound else AuditEvent.objects.all()
    events = events.order_by("-pk")[: EXPORT_CAP + 1]
    rows = []
    capped = False
    for event in events.iterator(chunk_size=2000):
        if len(rows) == EXPORT_CAP:
            capped = True
            break
        rows.append(
            [
                event.pk,
                event.at,
                event.actor_name,
                role_label(event.actor_role) if event.actor_role else "",
                event.ip,
                event.request_id,
                event.action,
                action_label(event.action),
                event.get_result_display(),
                event.object_type,
                event.object_id,
                event.object_repr,
                event.get_classification_display(),
                json.dumps(event.detail, ensure_ascii=False, sort_keys=True, default=str),
                event.prev_hash,
                event.hash,
            ]
        )
    headers = [
        _("No."),
        _("Time"),
        _("User"),
        _("Role"),
        _("IP address"),
        _("Request id"),
        _("Event code"),
        _("Event"),
        _("Result"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Classification"),
        _("Detail"),
        _("Previous hash"),
        _("Hash"),
    ]
    filename = f"audit-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = workbook_response(filename, _("Audit log"), headers, rows)
    # Recorded once the file is built; if the record fails, no file leaves (C5).
    audit.record(
        "audit.export",
        actor=request.user,
        object_type="core.auditevent",
        detail={"filters": form.used_filters() if form.is_bound else {}, "rows": len(rows)}
        | ({"capped": True} if capped else {}),
    )
    return response
