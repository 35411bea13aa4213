"""Every read of outgoing documents, already filtered by who may see them (rules.py)."""

import json

from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan
from django.http import Http404

from zhongshu.core.rules import is_business_user
from zhongshu.search import services as search
from zhongshu.workflow import selectors as workflow_selectors

from . import rules
from .models import Dispatch, OutgoingDocument, State

# What lists and exports read of a document: never its text.
LIST_FIELDS = (
    "id",
    "unit_id",
    "title",
    "doc_number",
    "kind",
    "layout",
    "state",
    "classification",
    "urgency",
    "important",
    "created_at",
    "updated_at",
    "issued_on",
    "series_id",
    "department__name",
    "drafter__full_name",
)
LIST_COUNT_CAP = 1000  # lists count at most this many ("more than 1000")
# A word the index finds in more documents than the count cap, but not densely (not among the
# newest documents at every turn), is still looked up through the index up to this many.
LIST_WIDE_CAP = 20_000
# The list's filters and the columns they compare (year, q and visibility are handled apart).
FILTER_COLUMNS = (
    ("kind", "kind"),
    ("state", "state"),
    ("classification", "classification"),
    ("department", "department_id"),
    ("series", "series_id"),
)


def visible_documents(user) -> QuerySet[OutgoingDocument]:
    """The documents ``user`` may see: one query, whatever the table's size.

    The office sees every document of its unit; anyone else the ones they drafted, took part in
    the approval of, or received. Never above their clearance; deleted ones never.
    """
    if not is_business_user(user):
        return OutgoingDocument.objects.none()
    live = OutgoingDocument.objects.filter(
        unit_id=user.unit_id, deleted_at__isnull=True, classification__lte=user.clearance
    )
    if rules.is_office(user):
        return live
    # One set of ids, not an OR of three conditions: an OR of subqueries can use no index, so
    # at 1,000,000 documents it read the whole table (bench/README.md, "Outgoing documents").
    ids = (
        OutgoingDocument.objects.filter(drafter=user)
        .order_by()
        .values("pk")
        .union(
            workflow_selectors.participated_subject_ids(user, rules.SUBJECT_KIND).order_by(),
            Dispatch.objects.filter(person=user).order_by().values("document_id"),
            all=True,
        )
    )
    return live.filter(pk__in=ids)


def can_view(user, document: OutgoingDocument) -> bool:
    """The same rule as :func:`visible_documents`, for one object already loaded."""
    return visible_documents(user).filter(pk=document.pk).exists()


def document_get_for(user, pk) -> OutgoingDocument:
    """The document, or 404 when it does not exist or ``user`` may not see it."""
    if not str(pk).isdigit():
        raise Http404
    document = visible_documents(user).filter(pk=int(pk)).first()
    if document is None:
        raise Http404
    return document


def filtered_documents(user, filters: dict) -> QuerySet[OutgoingDocument]:
    """:func:`visible_documents` narrowed by the list's filters (web list, export and API),
    newest first (keyset paging goes on with ``pk__lt``).

    ``q`` looks for the words in the title, the 文号 and the body through the search index, so a
    rare or absent word costs a few index reads instead of a scan of every title, and a word in
    some thousands of documents one wider read; only for a word the index finds nearly
    everywhere (which a newest-first scan finds at once) or for one character does it compare
    titles and 文号 directly.
    """
    rows = visible_documents(user)
    if q := filters.get("q"):
        ids = search.matching_object_ids(
            rules.SEARCH_KIND, q, cap=LIST_COUNT_CAP, wide_cap=LIST_WIDE_CAP
        )
        if ids is None:
            rows = rows.filter(contains_text("title", q) | contains_text("doc_number", q))
        else:
            rows = rows.filter(pk__in=id_set([int(pk) for pk in ids if pk.isdigit()]))
    if year := filters.get("year"):
        # The number's year once numbered, else the year drafted. A range, not "=": with "=" the
        # planner drops the year from the order and walks the primary key back through every
        # later year (300 ms for 2021 at 1,000,000 documents; 0.1 ms through the year index).
        rows = rows.filter(year__range=(year, year))
    for name, column in FILTER_COLUMNS:
        if name in filters:
            rows = rows.filter(**{column: filters[name]})
    # Newest first; with a year, "year, -pk" is the same order, spelled as the year index reads
    # it, for the page and for the capped count alike.
    return rows.order_by("year", "-pk") if year else rows.order_by("-pk")


def recent_names(rows: QuerySet, field: str, *, window: int = 2000, limit: int = 200) -> list:
    """The distinct values of ``field`` in the newest ``window`` of ``rows``, the most recently
    used first (at most ``limit``): suggestions that cost the same at a thousand rows or a
    million, where a DISTINCT over the whole table reads all of it."""
    newest = rows.order_by("-pk").values_list(field, flat=True)[:window]
    return [name for name in dict.fromkeys(newest) if name][:limit]


def id_set(ids: list[int]):
    """``ids`` for a ``pk__in``: as they are when few; when thousands, one parameter (a
    PostgreSQL array, a SQLite JSON list) instead of one placeholder each."""
    if len(ids) <= LIST_COUNT_CAP:
        return ids
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def contains_text(column: str, text: str) -> Q:
    """``column`` holds ``text``, ignoring case — written as STRPOS (SQLite: INSTR) rather than
    LIKE: PostgreSQL guesses that a LIKE '%word%' matches a handful of rows and sorts the whole
    table for them, while for a word the index found everywhere, walking the newest rows finds a
    page at once (bench/README.md, "Outgoing documents")."""
    return Q(GreaterThan(StrIndex(Upper(column), Value(text.upper())), 0))


def attach_where_now(documents) -> None:
    """Set ``run`` and ``holders`` on each document in review or returned: two queries for the
    whole page, whatever its size (the live run of each, then the open items of those runs)."""
    waiting = [d.pk for d in documents if d.state in (State.REVIEW, State.RETURNED)]
    for document in documents:
        document.run, document.holders = None, []
    if not waiting:
        return
    live = workflow_selectors.live_runs_with_holders(rules.SUBJECT_KIND, waiting)
    for document in documents:
        if document.pk in live:
            document.run, document.holders = live[document.pk]
