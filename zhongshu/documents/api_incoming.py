"""Incoming documents (收文) over the API (issue 5 item 12).

``GET /api/incoming-documents/`` lists them (the web list's filters, keyset paging newest first
by id, no COUNT); ``GET /api/incoming-documents/{id}/`` is one document with its 收文编号,
deadline and 初审; ``POST /api/incoming-documents/`` registers one (签收 and 登记, an
``Idempotency-Key`` header makes a retried POST register once); ``POST …/{id}/accept/`` and
``POST …/{id}/return/`` take its 初审, with the ``version`` read.

A 办件 is then handled (:mod:`.services_incoming_handling`), each step a ``POST …/{id}/…/``
answering the document as ``GET …/{id}/`` does, whose ``handling_progress`` says where it
stands (the proposal, the leader, the departments, who holds it now):

- ``start/`` the office sends it on: to the director's 拟办 (only the ``version``), or with the
  proposal written — 分办 to departments, or the director's own 拟办;
- ``decide/`` the holder of the current step acts: ``propose`` (拟办), ``instruct`` (批办),
  ``report`` (承办) or ``send_back`` (退办), with an optional ``Idempotency-Key`` header;
- ``circulate/`` 传阅 to people of the unit, at once or in turn (the office); ``comment/`` a
  reader's 批示; ``remind/`` 催办 to the holders (the office; answers the reminder); ``close/``
  办结 (the office); ``file/`` 归档 of a completed document (the office); and
  ``GET …/receipts/``, every reading with its read mark and 批示 (the office).

What a caller sees is :mod:`.selectors_incoming`'s (the general office: every document of its
unit; anyone else: those sent or circulated to them, whose handling they took part in, or their
department handles — never above the caller's clearance): anything else is an audited 404, and
a caller who sees none gets an empty list. Registration, 初审, sending on, 传阅, 催办, 办结 and
the receipts are the general office's (``rules.is_office``): anyone else gets an audited 403 on
registration and the audited 404 of a document not theirs to act on elsewhere, as on the
office's pages. People and departments are named by ids of the caller's unit (another one is a
400). The services keep every rule: 409 when the document is not at that step or not waiting
for the caller (a step sent twice included), 412 when stale, 400 with field errors. Every read
of 秘密 and above leaves a ``documents.read``.
"""

from django.core.exceptions import ValidationError
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
from zhongshu.workflow.models import RunState

from . import rules, selectors_incoming, services_incoming
from . import services_incoming_handling as handling
from .api import Conflict, Stale, pk_of, stale_message
from .models import AssignmentState, Handling, IncomingDocument
from .serializers_incoming import (
    IncomingAcceptSerializer,
    IncomingCirculatedSerializer,
    IncomingCirculateSerializer,
    IncomingCloseSerializer,
    IncomingCommentSerializer,
    IncomingDecideSerializer,
    IncomingDocumentSerializer,
    IncomingFileSerializer,
    IncomingListQuerySerializer,
    IncomingPageSerializer,
    IncomingReceiptSerializer,
    IncomingReceiptsSerializer,
    IncomingRegisterSerializer,
    IncomingReminderSerializer,
    IncomingRemindSerializer,
    IncomingReturnSerializer,
    IncomingStartSerializer,
)
from .services import DocumentError
from .view_steps import audit_read

OBJECT_TYPE = "documents.incomingdocument"
LIST_FILTERS = (
    "q",
    "year",
    "source",
    "state",
    "handling",
    "classification",
    "kind",
    "overdue",
    "department",
)
TAGS = ["incoming documents"]
MAX_KEY = 64
LATER_DUPLICATES = 20
# The handling services' field names as ``start/`` and ``decide/`` call them.
PROPOSAL_FIELDS = {
    "lead": "lead_department",
    "co": "co_departments",
    "deadline_on": "deadline",
    "result": "text",  # a department's result (承办)
    "reason": "text",  # why it sends it back (退办)
}


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
        handling_progress=_progress(document) if document.handling == Handling.ACTION else None,
        created_at=document.created_at,
        updated_at=document.updated_at,
    )
    return IncomingDocumentSerializer(data).data


def _progress(document: IncomingDocument) -> dict:
    """Where a 办件 stands: a constant number of queries, whatever the departments and holders."""
    run, items = selectors_incoming.live_handling([document.pk]).get(document.pk, (None, []))
    if run is None:
        step = None
    elif run.state == RunState.RETURNED:
        # Its one open item is the office's, to send it on afresh.
        step = str(AssignmentState.SENT_BACK.label)
    else:
        step = run.current_step_name
    return {
        "state": None if run is None else run.state,
        "step": step,
        "proposal": document.proposal,
        "proposed_by": _person(document.proposed_by),
        "proposed_at": document.proposed_at,
        "leader": _person(document.leader),
        "settled_by_office": document.settled_by_office,
        "assignments": [
            {
                "department": {"id": a.department.pk, "name": a.department.name},
                "lead": a.lead,
                "state": a.state,
                "result": a.result,
                "reason": a.reason,
                "reported_at": a.reported_at,
                "reported_by": _person(a.reported_by),
            }
            for a in selectors_incoming.assignments_of(document)
        ],
        "holders": [
            {
                "id": item.assignee.pk,
                "full_name": item.assignee.full_name,
                "step": step,
                "since": item.created_at,
            }
            for item in items
        ],
        "deadline": document.deadline,
        "result": document.result,
        "no_reply_reason": document.no_reply_reason,
        "closed_at": document.closed_at,
        "closed_by": _person(document.closed_by),
    }


def _receipt(reading) -> dict:
    return {
        "person": _person(reading.person),
        "purpose": reading.purpose,
        "turn": reading.turn,
        "sent_at": reading.sent_at,
        "read_at": reading.read_at,
        "comment": reading.comment,
        "commented_at": reading.commented_at,
        "instructions": reading.instruction_entries,
    }


def _reminder(reminder) -> dict:
    return {
        "id": reminder.pk,
        "sent_at": reminder.sent_at,
        "sent_by": _person(reminder.sent_by),
        "note": reminder.note,
        "deadline": reminder.deadline,
        # As they were when reminded (names change, people leave).
        "recipients": [
            {"id": r["id"], "full_name": r["name"], "step": r["step"]} for r in reminder.recipients
        ],
    }


def _proposal(data: dict) -> handling.Proposal:
    return handling.Proposal(
        text=data.get("text", ""),
        leader=data.get("leader"),
        lead=data.get("lead_department"),
        co=tuple(data.get("co_departments") or ()),
        deadline_on=data.get("deadline"),
    )


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_KEY:
        raise exceptions.ValidationError(
            {"idempotency_key": [_("At most %(n)d characters.") % {"n": MAX_KEY}]}
        )
    return key or None


def _run(call, *, fields: dict | None = None):
    """``call()`` runs a service, whose refusals answer 409 (not now, not yours), 412 (stale) or
    400 (field errors, named as the API names them: ``fields`` maps the service's names)."""
    try:
        return call()
    except StaleVersionError:
        raise Stale(stale_message()) from None
    except DocumentError as exc:
        raise Conflict(str(exc)) from None
    except ValidationError as exc:
        if not fields or not hasattr(exc, "error_dict"):
            raise  # 400 through the API's exception handler
        errors: dict = {}
        for name, messages in exc.message_dict.items():
            errors.setdefault(fields.get(name, name), []).extend(messages)
        raise exceptions.ValidationError(errors) from None


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
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Recorded with the decision: the approval engine takes one decision per key "
    "and person (at most 64 characters).",
)


def _handling_schema(request, *, conflict: str, ok=IncomingDocumentSerializer, stale=True, **kw):
    """The schema of a step of handling a 办件."""
    responses = {
        200: ok,
        400: OpenApiResponse(description="Field errors."),
        404: NOT_VISIBLE,
        409: OpenApiResponse(description=conflict),
    }
    if stale:
        responses[412] = OpenApiResponse(description="Someone changed it since you read it.")
    return extend_schema(request=request, responses=responses, tags=TAGS, **kw)


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
        key = _idempotency_key(request) or ""
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

    # --- Handling a 办件 --------------------------------------------------------------------------

    def _answer(self, request, pk, **extra) -> Response:
        """The document as ``GET …/{id}/`` answers it, after a step."""
        payload = _payload(request.user, self._document(pk))
        return Response({**payload, **extra} if extra else payload)

    @_handling_schema(
        IncomingStartSerializer,
        conflict="Not an accepted 办件 (a 阅件, or sent on already), or nobody to propose.",
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """The general office sends an accepted 办件 on — or one a department sent back (退办),
        afresh. With the ``version`` alone it goes to the office director's 拟办; with a
        ``text`` and a ``lead_department`` but no ``leader`` the office sends it to the
        departments itself (分办); the director names the ``leader`` who instructs (批办)."""
        document = self._office_document(pk)
        sent = IncomingStartSerializer(data=request.data, context={"user": request.user})
        sent.is_valid(raise_exception=True)
        _run(
            lambda: handling.start(
                actor=request.user,
                document=document,
                expected_version=sent.validated_data["version"],
                proposal=_proposal(sent.validated_data) if sent.names_anything() else None,
            ),
            fields=PROPOSAL_FIELDS,
        )
        return self._answer(request, pk)

    @_handling_schema(
        IncomingDecideSerializer,
        conflict="It is not waiting for you at this step (a decision sent twice included).",
        stale=False,
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The holder of the current step acts: ``propose`` (拟办: the text, the ``leader`` who
        instructs and/or the departments, the deadline), ``instruct`` (批办: the leader's 批示,
        optionally other departments or deadline), ``report`` (承办: the department's result)
        or ``send_back`` (退办: why it is not the department's)."""
        document = self._document(pk)
        sent = IncomingDecideSerializer(data=request.data, context={"user": request.user})
        sent.is_valid(raise_exception=True)
        data = sent.validated_data
        key = _idempotency_key(request)
        services = {
            "propose": lambda: handling.propose(
                actor=request.user,
                document=document,
                proposal=_proposal(data),
                idempotency_key=key,
            ),
            "instruct": lambda: handling.instruct(
                actor=request.user,
                document=document,
                proposal=_proposal(data),
                idempotency_key=key,
            ),
            "report": lambda: handling.report(
                actor=request.user, document=document, result=data["text"], idempotency_key=key
            ),
            "send_back": lambda: handling.send_back(
                actor=request.user, document=document, reason=data["text"], idempotency_key=key
            ),
        }
        _run(services[data["action"]], fields=PROPOSAL_FIELDS)
        return self._answer(request, pk)

    @_handling_schema(
        IncomingCirculateSerializer,
        conflict="Only a 办件 being handled (or handled, not completed) is circulated.",
        ok=IncomingCirculatedSerializer,
    )
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        """传阅: the office circulates a 办件 to people of the unit (its leaders, usually) while
        it is handled, all at once or ``in_turn`` in the order given. ``circulated`` lists the
        people added."""
        document = self._office_document(pk)
        sent = IncomingCirculateSerializer(data=request.data, context={"user": request.user})
        sent.is_valid(raise_exception=True)
        data = sent.validated_data
        people = _run(
            lambda: handling.circulate(
                actor=request.user,
                document=document,
                expected_version=data["version"],
                people=data["people"],
                in_turn=data["in_turn"],
            )
        )
        return self._answer(request, pk, circulated=[_person(p) for p in people])

    @_handling_schema(
        IncomingCommentSerializer,
        conflict="It was not sent or circulated to you (or not yet: your turn has not come).",
        ok=IncomingReceiptSerializer,
        stale=False,
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """A reader's 批示 on a document sent or circulated to them: kept with their reading
        (which it marks read), and the office is told. Answers the reading."""
        document = self._document(pk)
        sent = IncomingCommentSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        reading = _run(
            lambda: handling.comment(
                actor=request.user, document=document, text=sent.validated_data["text"]
            )
        )
        return Response(IncomingReceiptSerializer(_receipt(reading)).data)

    @_handling_schema(
        IncomingRemindSerializer,
        conflict="It is not being handled, or nobody holds it now.",
        ok=IncomingReminderSerializer,
        stale=False,
    )
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        """催办: the office reminds whoever holds the document now, with a note. Answers the
        reminder (its 催办单 is printed from the web page)."""
        document = self._office_document(pk)
        sent = IncomingRemindSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        reminder = _run(
            lambda: handling.remind(
                actor=request.user, document=document, note=sent.validated_data["note"]
            )
        )
        return Response(IncomingReminderSerializer(_reminder(reminder)).data)

    @_handling_schema(
        IncomingCloseSerializer,
        conflict="Not a handled 办件 (or an accepted one), or still being handled.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """办结: the office records the result once the departments have reported (or of an
        accepted 办件 it settles itself). A 请示 or a 函 closed without a linked reply needs
        ``no_reply_reason``."""
        document = self._office_document(pk)
        sent = IncomingCloseSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        data = sent.validated_data
        _run(
            lambda: handling.close(
                actor=request.user,
                document=document,
                expected_version=data["version"],
                result=data["result"],
                no_reply_reason=data["no_reply_reason"],
            )
        )
        return self._answer(request, pk)

    @_handling_schema(
        IncomingFileSerializer, conflict="Not a completed document (办结), or filed already."
    )
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        """归档: the archival package (the files received, the 收文处理单, the handling record
        and the DA/T 22 metadata) is built and stored, and the document is filed. The package
        is downloaded from the document's page."""
        document = self._office_document(pk)
        sent = IncomingFileSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        _run(
            lambda: handling.file_incoming(
                actor=request.user,
                document=document,
                expected_version=sent.validated_data["version"],
            )
        )
        return self._answer(request, pk)

    @extend_schema(responses={200: IncomingReceiptsSerializer, 404: NOT_VISIBLE}, tags=TAGS)
    @action(detail=True, methods=["get"])
    def receipts(self, request, pk=None):
        """Read receipts, for the general office (as its page): every reader it was sent (分送)
        or circulated (传阅) to, unread first, with when it reached them (null while waiting
        for their turn), when they read it and their 批示."""
        document = self._office_document(pk)
        audit_read(request.user, document, page="receipts", via="api")
        readings = selectors_incoming.readings_of(document)
        totals = {
            "sent": sum(1 for r in readings if r.sent_at is not None),
            "read": sum(1 for r in readings if r.read_at is not None),
        }
        return Response(
            IncomingReceiptsSerializer(
                {"totals": totals, "readings": [_receipt(r) for r in readings]}
            ).data
        )
