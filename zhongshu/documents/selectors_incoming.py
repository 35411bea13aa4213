"""Every read of incoming documents, already filtered by who may see them (issue 5 §11)."""

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhongshu.core.rules import is_business_user
from zhongshu.org.models import Department
from zhongshu.search import services as search
from zhongshu.workflow import selectors as workflow_selectors

from . import rules
from .models import (
    AssignmentState,
    IncomingArchive,
    IncomingAssignment,
    IncomingDocument,
    IncomingReading,
    IncomingReminder,
    IncomingState,
    ReadingPurpose,
)
from .selectors import contains_text, id_set, recent_names
from .services_incoming import SEARCH_KIND

LIST_FIELDS = (
    "id",
    "unit_id",
    "year",
    "serial",
    "source_name",
    "source_number",
    "title",
    "title_is_neutral",
    "kind",
    "classification",
    "urgency",
    "handling",
    "state",
    "received_at",
    "deadline",
    "duplicate_of_id",
    "version",
)
LIST_COUNT_CAP = 1000
LIST_WIDE_CAP = 20_000
# Still to be acted on: a deadline passed in one of these states is overdue.
OPEN_STATES = (
    IncomingState.REGISTERED,
    IncomingState.ACCEPTED,
    IncomingState.READING,
    IncomingState.PROPOSING,
    IncomingState.INSTRUCTING,
    IncomingState.HANDLING,
    IncomingState.HANDLED,
)
FILTER_COLUMNS = (
    ("state", "state"),
    ("handling", "handling"),
    ("classification", "classification"),
    ("kind", "kind"),
)


def visible_incoming(user) -> QuerySet[IncomingDocument]:
    """The incoming documents ``user`` may see: the general office sees every one of its unit;
    anyone else those sent or circulated to them (分送, 传阅), those whose handling they took part
    in (拟办, 批办, 承办), and those their department handles — never above the user's
    clearance, deleted ones never."""
    if not is_business_user(user):
        return IncomingDocument.objects.none()
    live = IncomingDocument.objects.filter(
        unit_id=user.unit_id, deleted_at__isnull=True, classification__lte=user.clearance
    )
    if rules.is_office(user):
        return live
    # One set of ids, not an OR of subqueries (see selectors.visible_documents).
    ids = (
        IncomingReading.objects.filter(person=user, sent_at__isnull=False)
        .order_by()
        .values("document_id")
        .union(
            workflow_selectors.participated_subject_ids(user, rules.INCOMING_KIND).order_by(),
            IncomingAssignment.objects.filter(
                department__memberships__user=user,
                department__memberships__deleted_at__isnull=True,
            )
            .exclude(state=AssignmentState.SENT_BACK)
            .order_by()
            .values("document_id"),
            all=True,
        )
    )
    return live.filter(pk__in=ids)


def to_read(user) -> QuerySet[IncomingReading]:
    """The readings sent to ``user`` of documents they may see, unread first, newest first."""
    return (
        IncomingReading.objects.filter(
            person=user, sent_at__isnull=False, document__in=visible_incoming(user).values("pk")
        )
        .select_related("document", "sent_by")
        .order_by(F("read_at").asc(nulls_first=True), "-document_id")
    )


def reading_progress(document_ids) -> dict[int, tuple[int, int]]:
    """(read, sent) of each document's 分送, one query for a whole page."""
    rows = (
        IncomingReading.objects.filter(document_id__in=list(document_ids))
        .values("document_id")
        .annotate(sent=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))
    )
    return {row["document_id"]: (row["read"], row["sent"]) for row in rows}


def readings_of(document) -> list[IncomingReading]:
    """Every reader of a document, unread first, for its page and the office's receipts."""
    return list(
        IncomingReading.objects.filter(document=document)
        .select_related("person")
        .order_by(F("read_at").asc(nulls_first=True), "person__full_name", "pk")
    )


def can_view(user, document: IncomingDocument) -> bool:
    return visible_incoming(user).filter(pk=document.pk).exists()


def incoming_get_for(user, pk) -> IncomingDocument:
    """The document, or 404 when it does not exist or ``user`` may not see it."""
    pk = str(pk)
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 15:
        raise Http404
    document = (
        visible_incoming(user)
        .select_related(
            "unit",
            "registered_by",
            "reviewed_by",
            "source_organ",
            "duplicate_of",
            "proposed_by",
            "leader",
            "closed_by",
        )
        .filter(pk=int(pk))
        .first()
    )
    if document is None:
        raise Http404
    return document


def filtered_incoming(user, filters: dict) -> QuerySet[IncomingDocument]:
    """:func:`visible_incoming` narrowed by the list's filters (page, export and API), newest
    first (keyset paging goes on with ``pk__lt``).

    ``q`` looks in the title, 来文字号, sending organ, 收文编号 and text through the search
    index; ``source`` is part of the sending organ's name; ``overdue`` keeps the documents
    still open after their deadline.
    """
    rows = visible_incoming(user)
    if q := filters.get("q"):
        ids = search.matching_object_ids(SEARCH_KIND, q, cap=LIST_COUNT_CAP, wide_cap=LIST_WIDE_CAP)
        if ids is None:
            rows = rows.filter(
                contains_text("title", q)
                | contains_text("source_number", q)
                | contains_text("source_name", q)
            )
        else:
            rows = rows.filter(pk__in=id_set([int(pk) for pk in ids if pk.isdigit()]))
    if year := filters.get("year"):
        rows = rows.filter(year__range=(year, year))
    if source := filters.get("source"):
        rows = rows.filter(contains_text("source_name", source))
    if filters.get("overdue"):
        rows = rows.filter(state__in=OPEN_STATES, deadline__lt=timezone.now())
    if department := filters.get("department"):
        rows = rows.filter(
            pk__in=IncomingAssignment.objects.filter(department_id=department)
            .exclude(state=AssignmentState.SENT_BACK)
            .values("document_id")
        )
    for name, column in FILTER_COLUMNS:
        if filters.get(name) not in (None, ""):
            rows = rows.filter(**{column: filters[name]})
    return rows.order_by("year", "-pk") if filters.get("year") else rows.order_by("-pk")


def later_duplicates(user, document, *, limit: int = 20) -> list[IncomingDocument]:
    """Later registrations of the same document that ``user`` may see, first one first."""
    return list(
        visible_incoming(user)
        .filter(duplicate_of=document)
        .only("id", "year", "serial")
        .order_by("pk")[:limit]
    )


def office_name(unit_id: int) -> str:
    """The name of the unit's general office, as a notice it sends is signed ("" if none)."""
    return (
        Department.objects.filter(unit_id=unit_id, is_general_office=True, deleted_at__isnull=True)
        .values_list("name", flat=True)
        .first()
        or ""
    )


def sources_of(user) -> list[str]:
    """The sending organs used lately, most recent first, for the list's filter and the form's
    suggestions."""
    return recent_names(visible_incoming(user), "source_name")


# --- Handling a 办件 ---------------------------------------------------------------------------


def assignments_of(document) -> list[IncomingAssignment]:
    """The departments handling it (承办), the lead first, with who reported."""
    return list(
        IncomingAssignment.objects.filter(document=document)
        .select_related("department", "reported_by")
        .order_by("-lead", "assigned_at", "pk")
    )


def circulation_of(document) -> list[IncomingReading]:
    """The leaders it was circulated to (传阅), in turn order (parallel ones first), with their
    read marks and 批示."""
    return list(
        IncomingReading.objects.filter(document=document, purpose=ReadingPurpose.CIRCULATION)
        .select_related("person")
        .order_by("turn", "sent_at", "pk")
    )


def instructions_of(document) -> list[IncomingReading]:
    """Every reader's 批示 on it (分送 or 传阅), oldest first."""
    return list(
        IncomingReading.objects.filter(document=document)
        .exclude(comment="")
        .select_related("person")
        .order_by("commented_at", "pk")
    )


def reminders_of(document) -> list[IncomingReminder]:
    return list(
        IncomingReminder.objects.filter(document=document)
        .select_related("sent_by")
        .order_by("sent_at", "pk")
    )


def reminder_get(document, pk) -> IncomingReminder:
    """One 催办 of a document the caller may already see, or 404."""
    if not str(pk).isdigit():
        raise Http404
    reminder = (
        IncomingReminder.objects.filter(document=document, pk=int(pk))
        .select_related("sent_by")
        .first()
    )
    if reminder is None:
        raise Http404
    return reminder


def handling_runs(document) -> list[dict]:
    """Each pass of the document through the handling route, with its record (办理记录) and,
    while live, who holds it now and since when."""
    runs = workflow_selectors.runs_of(rules.INCOMING_KIND, document.pk)
    records = workflow_selectors.handling_records(runs)
    return [
        {
            "run": run,
            "record": records[run.pk],
            "holders": workflow_selectors.open_holders(run) if run.is_live else [],
        }
        for run in runs
    ]


def live_handling(document_ids) -> dict:
    """For a page of documents: ``{id: (run, [open items])}`` of those being handled — "where
    is it now" in the list (two queries whatever the page size)."""
    return workflow_selectors.live_runs_with_holders(rules.INCOMING_KIND, document_ids)


# The engine's verbs that carry someone's opinion on the document (the 收文处理单 prints them).
OPINION_VERBS = (
    "approve",
    "comment",
    "reject",
    "return_previous",
    "return_to_step",
    "return_to_drafter",
)


def sheet(document) -> dict:
    """Everything the 收文处理单 prints: the 拟办意见, every 批示 (批办 and 传阅) in order, the
    承办 results and the 传阅 marks."""
    runs = handling_runs(document)
    opinions = [
        event
        for entry in runs
        for event in entry["record"]
        if event.verb in OPINION_VERBS and event.opinion
    ]
    return {
        "runs": runs,
        "opinions": opinions,
        "assignments": assignments_of(document),
        "circulation": circulation_of(document),
        "instructions": instructions_of(document),
        "reminders": reminders_of(document),
    }


# Steps whose opinions the sheet prints elsewhere: the 拟办 is the document's own proposal, and
# a department's report or 退办 reason is its line under 承办情况.
NOT_INSTRUCTIONS = ("office_director", "handling_heads")  # services_incoming_handling


def _step_sources(runs) -> dict[tuple[int, int], str]:
    """``{(route id, step order): source}`` of the routes the runs went through (one query)."""
    return workflow_selectors.step_sources({entry["run"].route_id for entry in runs})


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
        {"text": entry["text"], "person": reading.person, "on_behalf_of": None, "at": entry["at"]}
        for reading in sheet["instructions"]
        for entry in reading.instruction_entries
    ]
    # A 批示 without its time (none is written so today) goes last rather than failing.
    return sorted(rows, key=lambda row: (row["at"] is None, row["at"] or 0))


def _holders(sheet: dict) -> list:
    """Who holds the document now, when it is still being handled (for 备注)."""
    return [item for entry in sheet["runs"] for item in entry["holders"]]


def sheet_context(document) -> dict:
    """What the 收文处理单 shows (its print page and the archival package)."""
    data = sheet(document)
    return {
        "document": document,
        "catalogue_only": rules.classified(document.classification)
        and not rules.may_hold_classified_text(),
        "instructions": _instructions(data),
        "assignments": data["assignments"],
        "circulation": data["circulation"],
        "reminders": data["reminders"],
        "last_reminder": data["reminders"][-1] if data["reminders"] else None,
        "holders": _holders(data),
    }


def archive_of(document):
    """The document's archival package (归档), or None before it is filed."""
    return (
        IncomingArchive.objects.filter(document_id=document.pk)
        .select_related("stored_file", "created_by")
        .first()
    )
