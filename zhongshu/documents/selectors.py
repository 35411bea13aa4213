"""Every read of outgoing documents, already filtered by who may see them (rules.py)."""

from django.db.models import QuerySet
from django.http import Http404

from zhongshu.core.rules import is_business_user
from zhongshu.workflow.selectors import participated_subject_ids

from . import rules
from .models import Dispatch, OutgoingDocument


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
            participated_subject_ids(user, rules.SUBJECT_KIND).order_by(),
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
