"""Every read of the classified copies register (涉密载体登记簿, issue 5 item 9), already filtered
by who may see it: members of the general office cleared for 秘密 at least, and of them only the
copies and lists of their unit within their clearance. Anyone else sees nothing (the pages
answer 404)."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import ClassifiedCopy, CopyDisposal, CopyEvent, CopyState
from .selectors import recent_names
from .services_copies import may_keep

LIST_COUNT_CAP = 1000
# Still with the office: past their return date, these are overdue for return.
OUT_STATES = (CopyState.HELD, CopyState.LENT)
LIST_FIELDS = (
    "id",
    "unit_id",
    "kind",
    "incoming_id",
    "title",
    "source_name",
    "source_number",
    "meeting",
    "classification",
    "copy_number",
    "received_on",
    "return_by",
    "holder_id",
    "held_since",
    "state",
    "disposal_id",
    "version",
)
FILTER_COLUMNS = (("state", "state"), ("kind", "kind"), ("classification", "classification"))


def may_see_register(user) -> bool:
    return may_keep(user)


def visible_copies(user) -> QuerySet[ClassifiedCopy]:
    """The copies ``user`` may see: their unit's, within their clearance, for a cleared member
    of the general office; none for anyone else."""
    if not may_keep(user):
        return ClassifiedCopy.objects.none()
    return ClassifiedCopy.objects.filter(
        unit_id=user.unit_id, deleted_at__isnull=True, classification__lte=user.clearance
    )


def visible_disposals(user) -> QuerySet[CopyDisposal]:
    if not may_keep(user):
        return CopyDisposal.objects.none()
    return CopyDisposal.objects.filter(
        unit_id=user.unit_id, deleted_at__isnull=True, classification__lte=user.clearance
    )


def _pk(pk) -> int:
    pk = str(pk)
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 15:
        raise Http404
    return int(pk)


def copy_get_for(user, pk) -> ClassifiedCopy:
    """The copy, or 404 when it does not exist or ``user`` may not see it."""
    copy = (
        visible_copies(user)
        .select_related("holder", "brought_by", "incoming", "disposal", "created_by")
        .filter(pk=_pk(pk))
        .first()
    )
    if copy is None:
        raise Http404
    return copy


def disposal_get_for(user, pk) -> CopyDisposal:
    disposal = (
        visible_disposals(user)
        .select_related("prepared_by", "approved_by", "executed_by", "witness", "closed_by")
        .filter(pk=_pk(pk))
        .first()
    )
    if disposal is None:
        raise Http404
    return disposal


def overdue_q(today: datetime.date | None = None) -> Q:
    return Q(state__in=OUT_STATES, return_by__lt=today or timezone.localdate())


def filtered_copies(user, filters: dict) -> QuerySet[ClassifiedCopy]:
    """:func:`visible_copies` narrowed by the register's filters (page and export), newest
    received first and, within a day, in the order registered (so a paper's 份号 stand in a
    row); keyset paging goes on with :func:`after`.

    ``q`` looks in the title, 文号, meeting and 份号; ``source`` in the issuing organ;
    ``overdue`` keeps the copies still with the office after their return date.
    """
    rows = visible_copies(user)
    if q := filters.get("q"):
        rows = rows.filter(
            Q(title__icontains=q)
            | Q(source_number__icontains=q)
            | Q(meeting__icontains=q)
            | Q(copy_number=q.zfill(6) if q.isdigit() and len(q) <= 6 else q)
        )
    if year := filters.get("year"):
        rows = rows.filter(
            received_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        )
    if source := filters.get("source"):
        rows = rows.filter(source_name__icontains=source)
    if filters.get("overdue"):
        rows = rows.filter(overdue_q())
    for name, column in FILTER_COLUMNS:
        if filters.get(name) not in (None, ""):
            rows = rows.filter(**{column: filters[name]})
    return rows.order_by("-received_on", "id")


def after(rows: QuerySet, cursor: tuple[datetime.date, int] | None) -> QuerySet:
    """The rows after ``cursor`` (received_on, id) in the register's order."""
    if cursor is None:
        return rows
    day, pk = cursor
    return rows.filter(Q(received_on__lt=day) | Q(received_on=day, pk__gt=pk))


def page_of(rows: QuerySet) -> QuerySet:
    """The columns a page or export shows, with the borrower and the list in the same query."""
    return rows.select_related("holder", "disposal").only(
        *LIST_FIELDS,
        "holder__full_name",
        "disposal__kind",
        "disposal__year",
        "disposal__serial",
        "disposal__state",
    )


def sources_of(user) -> list[str]:
    """The sources of copies registered lately, most recent first (the form's suggestions)."""
    return recent_names(visible_copies(user), "source_name")


def events_of(copy) -> list[CopyEvent]:
    return list(
        CopyEvent.objects.filter(copy=copy)
        .select_related("actor", "person", "disposal")
        .order_by("at", "pk")
    )


def copies_of_disposal(disposal) -> list[ClassifiedCopy]:
    return list(
        ClassifiedCopy.objects.filter(disposal=disposal)
        .select_related("incoming")
        .order_by("paper", "copy_number", "pk")
    )


def copies_of_cancelled(disposal) -> list[ClassifiedCopy]:
    """The copies that were on a cancelled list (they are back on the register)."""
    ids = CopyEvent.objects.filter(disposal=disposal, verb="listed").values("copy_id")
    return list(ClassifiedCopy.objects.filter(pk__in=ids).order_by("paper", "copy_number", "pk"))


def chosen_copies(user, ids) -> list[ClassifiedCopy]:
    """The copies ticked on the register that ``user`` may see, in the register's order."""
    ids = [int(i) for i in ids if str(i).isascii() and str(i).isdigit() and len(str(i)) <= 15]
    if not ids:
        return []
    return list(
        page_of(visible_copies(user).filter(pk__in=ids[:1000])).order_by("-received_on", "id")
    )


def copies_for_incoming(user, document) -> list[ClassifiedCopy] | None:
    """An incoming document's copies for its page, or None when ``user`` may not see the
    register (the section is not shown)."""
    if not may_keep(user) or document.classification < 2:
        return None
    return list(
        page_of(visible_copies(user).filter(incoming_id=document.pk)).order_by("copy_number", "pk")[
            :200
        ]
    )


def disposals(user, *, state: str = "", kind: str = "") -> QuerySet[CopyDisposal]:
    rows = visible_disposals(user).select_related("prepared_by", "approved_by")
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-id")


def open_disposal_count(user) -> int:
    return visible_disposals(user).filter(state__in=("prepared", "approved")).count()
