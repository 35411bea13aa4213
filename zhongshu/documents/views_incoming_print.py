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
from zhongshu.workflow.models import RouteStep

from . import selectors_incoming
from .services_incoming_handling import SOURCE_DEPARTMENTS, SOURCE_DIRECTOR
from .view_steps import audit_read
from .views_incoming import _catalogue_only, _document, business_object, office_object

REMINDER_TYPE = "documents.incomingreminder"
# Steps whose opinions the sheet prints elsewhere: the 拟办 is the document's own proposal, and
# a department's report or 退办 reason is its line under 承办情况.
NOT_INSTRUCTIONS = (SOURCE_DIRECTOR, SOURCE_DEPARTMENTS)


def _step_sources(runs) -> dict[tuple[int, int], str]:
    """``{(route id, step order): source}`` of the routes the runs went through — one query,
    however many runs. The office may rename or add steps, so a step is known by whom it
    names (its ``source``), not by its name."""
    route_ids = {entry["run"].route_id for entry in runs}
    if not route_ids:
        return {}
    rows = RouteStep.objects.filter(route_id__in=route_ids).values_list(
        "route_id", "order", "source"
    )
    return {(route_id, order): source for route_id, order, source in rows}


def _instructions(sheet: dict) -> list[dict]:
    """领导批示: every opinion given at a step other than 拟办 and 承办 (the leader's 批办, and
    any step the office added), and every reader's 批示 (传阅 or 分送) — oldest first."""
    sources = _step_sources(sheet["runs"])
    route_of = {entry["run"].pk: entry["run"].route_id for entry in sheet["runs"]}
    rows = [
        {
            "text": event.opinion,
            "person": event.actor,
            "on_behalf_of": event.on_behalf_of,
            "at": event.at,
        }
        for event in sheet["opinions"]
        if sources.get((route_of.get(event.run_id), event.step_order), "") not in NOT_INSTRUCTIONS
    ]
    rows += [
        {
            "text": reading.comment,
            "person": reading.person,
            "on_behalf_of": None,
            "at": reading.commented_at,
        }
        for reading in sheet["instructions"]
    ]
    # A 批示 without its time (none is written so today) goes last rather than failing.
    return sorted(rows, key=lambda row: (row["at"] is None, row["at"] or 0))


def _holders(sheet: dict) -> list:
    """Who holds the document now, when it is still being handled (for 备注)."""
    return [item for entry in sheet["runs"] for item in entry["holders"]]


@never_cache
@business_object
@require_GET
def incoming_sheet(request, pk):
    """The 收文处理单, for whoever may see the document."""
    document = _document(request, pk)
    audit_read(request.user, document, page="sheet")
    sheet = selectors_incoming.sheet(document)
    context = {
        "document": document,
        "catalogue_only": _catalogue_only(document.classification),
        "instructions": _instructions(sheet),
        "assignments": sheet["assignments"],
        "circulation": sheet["circulation"],
        "reminders": sheet["reminders"],
        "last_reminder": sheet["reminders"][-1] if sheet["reminders"] else None,
        "holders": _holders(sheet),
    }
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
