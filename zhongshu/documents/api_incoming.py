"""Incoming documents (收文) over the API (issue 5 item 12).

``GET /api/incoming-documents/`` lists them (the web list's filters, keyset paging newest first
by id, no COUNT); ``GET /api/incoming-documents/{id}/`` is one document with its 收文编号,
deadline and 初审; ``POST /api/incoming-documents/`` registers one (签收 and 登记, an
``Idempotency-Key`` header makes a retried POST register once); ``POST …/{id}/accept/`` and
``POST …/{id}/return/`` take its 初审, with the ``version`` read.

What a caller sees is :mod:`.selectors_incoming`'s (today the general office's documents of
its unit, never above the caller's clearance): anything else is an audited 404, and a caller
who sees none gets an empty list. Registration and 初审 are the general office's
(``rules.is_office``): anyone else gets an audited 403 on registration and the audited 404 of a
document not theirs to act on, as on the office's pages. The services keep every rule: 409
when the document is not waiting for its first review (a review sent twice included), 412 when
stale, 400 with field errors. Every read of 秘密 and above leaves a ``documents.read``.
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhongshu.core.calendar import working_days_left
from zhongshu.core.denials import deny
from zhongshu.core.models import StaleVersionError
from zhongshu.workflow.api import IsBusinessUser

from . import rules, selectors_incoming, services_incoming
from .api import Conflict, Stale, pk_of, stale_message
from .models import IncomingDocument
from .serializers_incoming import (
    IncomingAcceptSerializer,
    IncomingDocumentSerializer,
    IncomingListQuerySerializer,
    IncomingPageSerializer,
    IncomingRegisterSerializer,
    IncomingReturnSerializer,
)
from .services import DocumentError
from .view_steps import audit_read

OBJECT_TYPE = "documents.incomingdocument"
LIST_FILTERS = ("q", "year", "source", "state", "handling", "classification", "kind", "overdue")
TAGS = ["incoming documents"]
MAX_KEY = 64
LATER_DUPLICATES = 20


# --- Payloads -----------------------------------------------------------------------------------


def _ref(document: IncomingDocument | None) -> dict | None:
    if document is None:
        return None
    return {"id": document.pk, "receipt_number": document.receipt_number}


def _person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "full_name": user.full_name}


def _is_open(document: IncomingDocument) -> bool:
    return document.state in selectors_incoming.OPEN_STATES


def _row(document: IncomingDocument, duplicates: dict, now) -> dict:
    """A list row; ``duplicates`` holds the first registrations the caller may see, by id."""
    return {
        "id": document.pk,
        "receipt_number": document.receipt_number,
        "year": document.year,
        "serial": document.serial,
        "source_name": document.source_name,
        "source_number": document.source_number,
        "title": document.title,
        "title_is_neutral": document.title_is_neutral,
        "kind": document.kind,
        "classification": document.classification,
        "urgency": document.urgency,
        "handling": document.handling,
        "state": document.state,
        "received_at": document.received_at,
        "deadline": document.deadline,
        "overdue": _is_open(document) and document.deadline is not None and document.deadline < now,
        "duplicate_of": duplicates.get(document.duplicate_of_id),
        "version": document.version,
    }


def _visible_refs(user, ids) -> dict:
    """``{id: {id, receipt_number}}`` of those of ``ids`` the caller may see: one query."""
    ids = {pk for pk in ids if pk}
    if not ids:
        return {}
    found = (
        selectors_incoming.visible_incoming(user).filter(pk__in=ids).only("id", "year", "serial")
    )
    return {d.pk: _ref(d) for d in found}


def _payload(user, document: IncomingDocument) -> dict:
    now = timezone.now()
    duplicates = _visible_refs(user, [document.duplicate_of_id])
    data = _row(document, duplicates, now)
    later = selectors_incoming.later_duplicates(user, document, limit=LATER_DUPLICATES)
    labels = dict(services_incoming.RETURN_REASONS)
    open_deadline = _is_open(document) and document.deadline is not None
    organ = document.source_organ
    data.update(
        source_organ=None if organ is None else {"id": organ.pk, "name": organ.name},
        secrecy_period=document.secrecy_period,
        copy_number=document.copy_number,
        signed_on=document.signed_on,
        pages=document.pages,
        copies=document.copies,
        summary=document.summary,
        note=document.note,
        deadline_source=document.deadline_source,
        days_left=working_days_left(document.deadline, now) if open_deadline else None,
        catalogue_only=rules.classified(document.classification)
        and not rules.may_hold_classified_text(),
        later_duplicates=[_ref(d) for d in later],
        registered_by=_person(document.registered_by),
        reviewed_at=document.reviewed_at,
        reviewed_by=_person(document.reviewed_by),
        return_reasons=[
            {"key": key, "label": str(labels[key])}
            for key in document.return_reasons or ()
            if key in labels
        ],
        return_note=document.return_note,
        created_at=document.created_at,
        updated_at=document.updated_at,
    )
    return IncomingDocumentSerializer(data).data


# --- The viewset ----------------------------------------------------------------------------------

NOT_VISIBLE = OpenApiResponse(
    description="No such document, not one you may see, or you are not the general office."
)
REVIEW_RESPONSES = {
    200: IncomingDocumentSerializer,
    400: OpenApiResponse(description="Field errors."),
    404: NOT_VISIBLE,
    409: OpenApiResponse(description="It is not waiting for its first review (初审)."),
    412: OpenApiResponse(description="Someone changed it since you read it."),
}


class IncomingDocumentViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, IsBusinessUser]
    serializer_class = IncomingDocumentSerializer
    queryset = IncomingDocument.objects.none()  # typed path parameter in the schema

    def _document(self, pk) -> IncomingDocument:
        """The document, fetched and authorised in one call; an audited 404 otherwise (a caller
        outside the general office sees none)."""
        number = pk_of(pk)
        try:
            if number is None:
                raise Http404
            return selectors_incoming.incoming_get_for(self.request.user, number)
        except Http404:
            deny(self.request, status=404, object_type=OBJECT_TYPE, object_id=str(pk)[:64])

    def _office_document(self, pk) -> IncomingDocument:
        """The document for the general office; anyone else (a reader it was sent to, once
        readers see theirs) gets the audited 404 of a document not theirs to act on, not the
        service's 409."""
        document = self._document(pk)
        if not rules.is_office(self.request.user):
            deny(self.request, status=404, object_type=OBJECT_TYPE, object_id=document.pk)
        return document

    def _review(self, request, pk, serializer_class, call) -> Response:
        """A 初审 step: ``call(document, validated_data)`` runs its service, whose refusals
        answer 409 (not waiting for review), 412 (stale) or 400 (field errors)."""
        document = self._office_document(pk)
        sent = serializer_class(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            call(document, sent.validated_data)
        except StaleVersionError:
            raise Stale(stale_message()) from None
        except DocumentError as exc:
            raise Conflict(str(exc)) from None
        # A ValidationError (a missing reason) answers 400 through the API's exception handler.
        return Response(_payload(request.user, self._document(pk)))

    @extend_schema(
        parameters=[IncomingListQuerySerializer], responses=IncomingPageSerializer, tags=TAGS
    )
    def list(self, request):
        """The incoming documents you may see, newest first; ``next`` is the ``after`` of the
        next page. Empty unless you are in the general office."""
        params = IncomingListQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        q = params.validated_data
        filters = {name: q[name] for name in LIST_FILTERS if q.get(name) not in (None, "", False)}
        rows = selectors_incoming.filtered_incoming(request.user, filters)
        if "after" in q:
            rows = rows.filter(pk__lt=q["after"])
        size = q["page_size"]
        page = list(rows.only(*selectors_incoming.LIST_FIELDS)[: size + 1])
        more = len(page) > size
        page = page[:size]
        duplicates = _visible_refs(request.user, [d.duplicate_of_id for d in page])
        now = timezone.now()
        return Response(
            IncomingPageSerializer(
                {
                    "results": [_row(d, duplicates, now) for d in page],
                    "next": page[-1].pk if more else None,
                }
            ).data
        )

    @extend_schema(responses={200: IncomingDocumentSerializer, 404: NOT_VISIBLE}, tags=TAGS)
    def retrieve(self, request, pk=None):
        """One incoming document: its catalogue data, 收文编号, deadline and 初审. A reader's
        opening is their read receipt, as on the page."""
        document = self._document(pk)
        audit_read(request.user, document, page="detail", via="api")
        services_incoming.mark_read(request.user, document)
        return Response(_payload(request.user, document))

    @extend_schema(
        request=IncomingRegisterSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A retried POST with the same key registers once (at most 64 "
                "characters).",
            )
        ],
        responses={
            201: IncomingDocumentSerializer,
            400: OpenApiResponse(description="Field errors."),
            403: OpenApiResponse(description="Only the general office registers documents."),
        },
        tags=TAGS,
    )
    def create(self, request):
        """签收 and 登记: the document gets the next 收文编号 of the year it was received. The
        same document registered again (same sending organ and 来文字号) is registered and
        flagged: ``duplicate_of``."""
        if not rules.is_office(request.user):
            deny(request, status=403, object_type=OBJECT_TYPE)
        sent = IncomingRegisterSerializer(data=request.data, context={"user": request.user})
        sent.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_KEY:
            raise exceptions.ValidationError(
                {"idempotency_key": [_("At most %(n)d characters.") % {"n": MAX_KEY}]}
            )
        try:
            document = services_incoming.register(
                actor=request.user, data=dict(sent.validated_data), idempotency_key=key
            )
        except DocumentError as exc:
            raise Conflict(str(exc)) from None
        # A ValidationError (field errors) answers 400 through the API's exception handler.
        document = self._document(document.pk)
        return Response(_payload(request.user, document), status=status.HTTP_201_CREATED)

    @extend_schema(request=IncomingAcceptSerializer, responses=REVIEW_RESPONSES, tags=TAGS)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """初审 passed: the document waits to be sent on (分办)."""
        return self._review(
            request,
            pk,
            IncomingAcceptSerializer,
            lambda document, data: services_incoming.review_accept(
                actor=request.user, document=document, expected_version=data["version"]
            ),
        )

    @extend_schema(request=IncomingReturnSerializer, responses=REVIEW_RESPONSES, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """退文: back to the sender with the reasons (``other`` needs a ``note``); the
        退文通知单 is printed from the web page."""
        return self._review(
            request,
            pk,
            IncomingReturnSerializer,
            lambda document, data: services_incoming.review_return(
                actor=request.user,
                document=document,
                expected_version=data["version"],
                reasons=data["reasons"],
                note=data["note"],
            ),
        )
