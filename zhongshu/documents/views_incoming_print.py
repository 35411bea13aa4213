"""The printable pages of a 办件 (收文, issue 5 items 6 and 8): the 收文处理单 — the document's
catalogue data, the 拟办意见, every leader's 批示, the departments' 承办 results, the 传阅 marks
and the 办理结果 on one A4 sheet — and the 催办单 the office sends with a reminder (催办).

The 收文处理单 opens for whoever may see the document, as its page does (the office, the people
who handle it, its readers); the 催办单 is the office's, like the 退文通知单. A document someone
may not see, and a reminder of another document, answer an audited 404. Every read of a
document marked 秘密 or above is audited.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhongshu.core.denials import deny

from . import selectors_incoming
from .view_steps import audit_read
from .views_incoming import _document, business_object, office_object

REMINDER_TYPE = "documents.incomingreminder"


@never_cache
@business_object
@require_GET
def incoming_sheet(request, pk):
    """The 收文处理单, for whoever may see the document."""
    document = _document(request, pk)
    audit_read(request.user, document, page="sheet")
    context = selectors_incoming.sheet_context(document)
    return render(request, "documents/incoming_sheet.html", context)


@never_cache
@office_object
@require_GET
def incoming_reminder_sheet(request, pk, reminder):
    """The 催办单 of one reminder: the document, who was reminded at which step, the office's
    note, and room for the receiver to sign and write how the handling stands."""
    document = _document(request, pk)
    try:
        row = selectors_incoming.reminder_get(document, reminder)
    except Http404:
        deny(request, status=404, object_type=REMINDER_TYPE, object_id=reminder)
    audit_read(request.user, document, page="reminder_sheet")
    reminders = selectors_incoming.reminders_of(document)
    ordinal = next((n for n, r in enumerate(reminders, start=1) if r.pk == row.pk), None)
    context = {
        "document": document,
        "reminder": row,
        "ordinal": ordinal,
        "office_name": selectors_incoming.office_name(document.unit_id),
    }
    return render(request, "documents/incoming_reminder_sheet.html", context)


__all__ = ["incoming_reminder_sheet", "incoming_sheet"]
