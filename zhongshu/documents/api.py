"""Outgoing documents over the API (issue 4 item 13).

``GET /api/documents/`` lists what the caller may see (the web list's filters, keyset paging
newest first by id, no COUNT); ``GET /api/documents/{id}/`` is a document with where it is now
and the caller's open work items, which are decided through ``POST /api/work-items/{id}/decide/``;
``POST /api/documents/`` drafts, ``PATCH /api/documents/{id}/`` changes a draft (``version``
required: 412 when stale, 409 when it cannot be changed now) and ``POST …/submit/`` sends it along
its route (409 when it cannot go). ``GET …/pdf/`` and ``…/docx/`` download it as the web does.

The general office's steps after 签发 (条例 §25, §26), each ``POST /api/documents/{id}/…/`` with
the ``version`` read and answering the document as ``GET …/{id}/`` does:

- ``check/`` 复核 (``points`` ticked, ``notes`` by point), ``register/`` 登记 (``series``,
  ``copies``, ``distribution_scope``, ``print_date``), ``print/`` 印制 (``copies``,
  ``print_date``), ``seal/`` 用印 (``seal``, ``copies``, ``note``);
- ``distribute/`` 核发 in the system (``people``, ``departments``; the answer adds who got it
  now, who had it already and who was left out as not cleared), ``dispatch-external/`` 核发 to
  an organ (``organ``, ``channel``, ``copy_numbers``, ``sent_at``);
- ``file/`` 归档; and ``GET …/receipts/``, the read receipts of the internal distribution.

They call the services the office's pages call, which keep every rule: 409 when the document is
not at that step (a step sent twice included), 412 when stale, 400 with field errors. Only the
general office takes them: anyone else gets the audited 404 of a document they may not see.

The same services and selectors as the pages: a document the caller may not see is an audited
404 (above their clearance included); every read of 秘密 and above leaves a ``documents.read``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhongshu.core.denials import deny
from zhongshu.core.models import Classification, StaleVersionError
from zhongshu.org.models import Department
from zhongshu.workflow.api import IsBusinessUser
from zhongshu.workflow.errors import WorkflowError
from zhongshu.workflow.selectors import open_items_for

from . import handling, numbering, organs, output, rules, selectors, services, terms
from .models import CONTENT_FIELDS, OutgoingDocument, State
from .render import RenderError
from .serializers import (
    DistributionSerializer,
    DocumentCheckSerializer,
    DocumentDispatchExternalSerializer,
    DocumentDistributedSerializer,
    DocumentDistributeSerializer,
    DocumentListQuerySerializer,
    DocumentPageSerializer,
    DocumentPrintSerializer,
    DocumentRegisterSerializer,
    DocumentSealSerializer,
    DocumentSerializer,
    DocumentStepSerializer,
    DocumentWriteSerializer,
    ReceiptsSerializer,
    SubmitSerializer,
)
from .view_steps import audit_read

# The web list's filter and "where is it now" helpers, so both lists answer the same.
from .views_output import DOCX, PDF

OBJECT_TYPE = "documents.outgoingdocument"
LIST_FILTERS = ("q", "year", "kind", "state", "classification", "department")
TAGS = ["documents"]
# The text and handling fields a client writes, in the shape services.clean_content reads.
WRITABLE = (
    *CONTENT_FIELDS,
    "important",
    "disclosure",
    "disclosure_reason",
    "countersign_departments",
)
# Codes of a Django ValidationError that mean "not now" (409), as the numbering pages read them.
CONFLICT_CODES = ("state", "numbered")


class Conflict(exceptions.APIException):
    """409: the step cannot be taken now (wrong state, no route, already on its way)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Stale(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale_version"


def stale_message() -> str:
    return _("Someone changed this document meanwhile. Reload it and try again.")


def pk_of(pk) -> int | None:
    pk = str(pk or "")
    return int(pk) if pk.isascii() and pk.isdigit() and len(pk) <= 15 else None


# --- Shaping a client's fields into the services' data ------------------------------------------


def _recipients(user, entries: list, field: str, errors: dict) -> list[dict]:
    """Addressees as the services store them; a directory id must be of the caller's unit, and
    gives the name when none is sent."""
    department_ids = {e["department"] for e in entries if e.get("department")}
    organ_ids = {e["organ"] for e in entries if e.get("organ")}
    departments = dict(
        Department.objects.filter(
            pk__in=department_ids, unit_id=user.unit_id, deleted_at__isnull=True
        ).values_list("pk", "name")
        if department_ids
        else []
    )
    found_organs = dict(
        organs.organs_in_use(user.unit_id).filter(pk__in=organ_ids).values_list("pk", "name")
        if organ_ids
        else []
    )
    if department_ids - set(departments) or organ_ids - set(found_organs):
        errors[field] = [_("Choose a value from the list.")]
        return []
    result = []
    for entry in entries:
        shaped = {}
        name = (entry.get("name") or "").strip()
        if entry.get("department"):
            shaped["department"] = entry["department"]
            name = name or departments[entry["department"]]
        elif entry.get("organ"):
            shaped["organ"] = entry["organ"]
            name = name or found_organs[entry["organ"]]
        result.append({"name": name, **shaped})
    return result


def _service_data(user, sent: dict, *, current: dict | None = None) -> dict:
    """The services' data: ``current`` (a PATCH) with the fields ``sent`` over it.

    The same rules the drafting form adds before the services' own: a blank direction is the
    kind's usual one, and nobody marks a document above their own clearance (they would lose
    sight of their own draft).
    """
    errors: dict = {}
    data = dict(current or {})
    for name in WRITABLE:
        if name in sent:
            data[name] = sent[name]
    for field in ("main_recipients", "cc_recipients"):
        if field in sent:
            data[field] = _recipients(user, sent[field], field, errors)
    if "body" in sent:
        data["body"] = [dict(block) for block in sent["body"]]
    kind = data.get("kind") or ""
    if current is None or "direction" in sent:
        data["direction"] = data.get("direction") or terms.USUAL_DIRECTION.get(kind, "")
        if kind and not data["direction"]:
            errors["direction"] = [
                _("A %(kind)s may go up, across or down: choose its direction.")
                % {"kind": terms.KIND_WORDS.get(kind, kind)}
            ]
    level = data.get("classification")
    if "classification" in sent and level is not None and level > user.clearance:
        errors["classification"] = [
            _("You are cleared up to %(level)s: mark the document no higher.")
            % {"level": Classification(user.clearance).label}
        ]
    if errors:
        raise ValidationError(errors)
    return data


def _current_data(document: OutgoingDocument) -> dict:
    data = services.content_of(document)
    data.update(
        important=document.important,
        disclosure=document.disclosure,
        disclosure_reason=document.disclosure_reason,
        countersign_departments=list(document.countersign_departments or []),
    )
    return data


def _same_save(document: OutgoingDocument, data: dict) -> bool:
    """Whether the document already holds exactly ``data`` (a retried PATCH whose first try went
    through is not a conflict)."""
    try:
        content = services.clean_content(data)
    except ValidationError:
        return False
    current = _current_data(document)
    return content == services.content_of(document) and all(
        current[name] == data.get(name)
        for name in ("important", "disclosure", "countersign_departments")
    )


# --- Payloads -----------------------------------------------------------------------------------


def _where(document) -> dict | None:
    """Set by ``selectors.attach_where_now``: the live run and the holders of its current step."""
    run = getattr(document, "run", None)
    if run is None:
        return None
    holders = document.holders
    return {
        "run": run.pk,
        "step": run.current_step_name or str(document.get_state_display()),
        "holders": [{"id": i.assignee.pk, "full_name": i.assignee.full_name} for i in holders],
        "since": min((i.created_at for i in holders), default=None),
    }


def _row(document) -> dict:
    return {
        "id": document.pk,
        "title": document.title,
        "doc_number": document.doc_number,
        "kind": document.kind,
        "layout": document.layout,
        "state": document.state,
        "classification": document.classification,
        "urgency": document.urgency,
        "important": document.important,
        "department": document.department,
        "drafter": document.drafter,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
        "issued_on": document.issued_on,
        "where": _where(document),
    }


def _payload(user, document: OutgoingDocument) -> dict:
    selectors.attach_where_now([document])
    run = document.run
    items = open_items_for(user, run) if run is not None else []
    data = _current_data(document)
    data.update(
        id=document.pk,
        answers=document.answers_id,
        memo=document.memo_id,
        department=document.department,
        drafter=document.drafter,
        state=document.state,
        doc_number=document.doc_number,
        signed_by=document.signed_by,
        signed_at=document.signed_at,
        signer_title=document.signer_title,
        issued_on=document.issued_on,
        text_version=document.text_version,
        version=document.version,
        created_at=document.created_at,
        updated_at=document.updated_at,
        where=_where(document),
        findings={"errors": document.findings_errors, "warnings": document.findings_warnings},
        # Step 0 is the drafter's resubmission: that goes through …/submit/, which checks the
        # document too (as the page's Submit button does).
        open_items=[
            {
                "id": item.pk,
                "step_name": item.step_name,
                "read_only": item.read_only,
                "due_at": item.due_at,
            }
            for item in items
            if item.step_order != 0
        ],
        can_edit=services.may_edit(user, document),
        can_submit=document.drafter_id == user.pk
        and document.state in (State.DRAFT, State.RETURNED),
    )
    return DocumentSerializer(data).data


# --- The viewset ----------------------------------------------------------------------------------

NOT_VISIBLE = OpenApiResponse(description="No such document, or not one you may see.")
DOWNLOAD_RESPONSES = {
    404: NOT_VISIBLE,
    409: OpenApiResponse(description="The layout cannot render it; the message says what."),
}


def _step_schema(request, *, conflict: str, ok=DocumentSerializer):
    """The schema of an office step after 签发."""
    return extend_schema(
        request=request,
        responses={
            200: ok,
            400: OpenApiResponse(description="Field errors."),
            404: OpenApiResponse(
                description="No such document, not one you may see, or you are not the office."
            ),
            409: OpenApiResponse(description=conflict),
            412: OpenApiResponse(description="Someone changed it since you read it."),
        },
        tags=TAGS,
    )


# --- The office's steps after 签发: each calls the service the step's page calls ----------------


def _call_check(actor, document, data):
    try:
        return handling.document_check(
            actor=actor,
            document=document,
            expected_version=data["version"],
            ticked=data.get("points", []),
            notes=data.get("notes", {}),
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        # A point not ticked is an error under its key: shown here under ``points``.
        keys = {key for key, _label in handling.CHECK_POINTS}
        errors = exc.message_dict
        unticked = {key: errors.pop(key) for key in list(errors) if key in keys}
        raise exceptions.ValidationError(
            {**errors, "points": unticked} if unticked else errors
        ) from None


def _call_register(actor, document, data):
    return numbering.register(
        actor=actor,
        document=document,
        expected_version=data["version"],
        series=data.get("series"),
        copies=data["copies"],
        distribution_scope=data["distribution_scope"],
        print_date=data.get("print_date"),
    )


def _call_print(actor, document, data):
    return handling.document_print(
        actor=actor,
        document=document,
        expected_version=data["version"],
        copies=data.get("copies"),
        print_date=data.get("print_date"),
    )


def _call_seal(actor, document, data):
    return handling.seal_record(
        actor=actor,
        document=document,
        expected_version=data["version"],
        seal=data["seal"],
        copies=data["copies"],
        note=data["note"],
    )


def _call_distribute(actor, document, data):
    return handling.document_distribute(
        actor=actor,
        document=document,
        expected_version=data["version"],
        people=data["people"],
        departments=data["departments"],
    )


def _call_dispatch_external(actor, document, data):
    return handling.dispatch_external(
        actor=actor,
        document=document,
        expected_version=data["version"],
        organ=data["organ"],
        channel=data["channel"],
        copy_numbers=data["copy_numbers"],
        sent_at=data.get("sent_at"),
    )


def _call_file(actor, document, data):
    return handling.document_file(actor=actor, document=document, expected_version=data["version"])


class DocumentViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, IsBusinessUser]
    serializer_class = DocumentSerializer
    queryset = OutgoingDocument.objects.none()  # typed path parameter in the schema; lookups below

    def perform_content_negotiation(self, request, force=False):
        # A download answers whatever the client accepts (an ``Accept: application/pdf`` is not
        # a 406); its errors come as JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action in ("pdf", "docx")
        )

    def _document(self, pk) -> OutgoingDocument:
        """The document, fetched and authorised in one call; an audited 404 otherwise."""
        number = pk_of(pk)
        document = None
        if number is not None:
            document = (
                selectors.visible_documents(self.request.user)
                .select_related("department", "drafter", "signed_by")
                .filter(pk=number)
                .first()
            )
        if document is None:
            deny(self.request, status=404, object_type=OBJECT_TYPE, object_id=str(pk)[:64])
        return document

    def _office_document(self, pk) -> OutgoingDocument:
        """The document for the general office; anyone else gets the audited 404 of what is not
        theirs (the office's pages are decorated office-only; the services do not all check)."""
        document = self._document(pk)
        if not rules.is_office(self.request.user):
            deny(self.request, status=404, object_type=OBJECT_TYPE, object_id=document.pk)
        return document

    def _step(self, request, pk, serializer_class, call, *, answer=None) -> Response:
        """An office step after 签发: ``call(actor, document, validated_data)`` runs its service,
        whose refusals answer 409 (not at this step), 412 (stale) or 400 (field errors).
        ``answer(result)`` adds to the document's payload what the service's result says."""
        document = self._office_document(pk)
        sent = serializer_class(data=request.data, context={"document": document})
        sent.is_valid(raise_exception=True)
        try:
            result = call(request.user, document, sent.validated_data)
        except StaleVersionError:
            raise Stale(stale_message()) from None
        except services.DocumentError as exc:
            raise Conflict(str(exc)) from None
        except ValidationError as exc:
            if not hasattr(exc, "error_dict") and getattr(exc, "code", None) in CONFLICT_CODES:
                raise Conflict(" ".join(exc.messages)) from None
            raise  # field errors: 400 through the API's exception handler
        payload = _payload(request.user, self._document(pk))
        return Response({**payload, **answer(result)} if answer else payload)

    @extend_schema(
        parameters=[DocumentListQuerySerializer], responses=DocumentPageSerializer, tags=TAGS
    )
    def list(self, request):
        """The documents you may see, newest first; ``next`` is the ``after`` of the next page."""
        params = DocumentListQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        q = params.validated_data
        filters = {name: q[name] for name in LIST_FILTERS if q.get(name) not in (None, "")}
        rows = selectors.filtered_documents(request.user, filters)
        if "after" in q:
            rows = rows.filter(pk__lt=q["after"])
        size = q["page_size"]
        page = list(
            rows.select_related("department", "drafter").only(*selectors.LIST_FIELDS)[: size + 1]
        )
        more = len(page) > size
        page = page[:size]
        selectors.attach_where_now(page)
        return Response(
            DocumentPageSerializer(
                {"results": [_row(d) for d in page], "next": page[-1].pk if more else None}
            ).data
        )

    @extend_schema(responses={200: DocumentSerializer, 404: NOT_VISIBLE}, tags=TAGS)
    def retrieve(self, request, pk=None):
        """A document with where it is now and your open work items on it."""
        document = self._document(pk)
        audit_read(request.user, document, page="detail", via="api")
        handling.mark_read(request.user, document)  # the read receipt of a distributed copy
        return Response(_payload(request.user, document))

    @extend_schema(
        request=DocumentWriteSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A retried POST with the same key drafts once (at most 64 characters).",
            )
        ],
        responses={201: DocumentSerializer, 400: OpenApiResponse(description="Field errors.")},
        tags=TAGS,
    )
    def create(self, request):
        """Draft a document, with the web form's checks."""
        sent = DocumentWriteSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 64:
            raise exceptions.ValidationError(
                {"idempotency_key": [_("At most %(n)d characters.") % {"n": 64}]}
            )
        data = _service_data(request.user, sent.validated_data)
        data["answers"] = sent.validated_data.get("answers")
        data["memo"] = sent.validated_data.get("memo")
        try:
            document = services.draft_create(
                actor=request.user,
                data=data,
                department=sent.validated_data.get("department"),
                idempotency_key=key,
            )
        except services.DocumentError as exc:
            raise Conflict(str(exc)) from None
        document = self._document(document.pk)
        return Response(_payload(request.user, document), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DocumentWriteSerializer,
        responses={
            200: DocumentSerializer,
            400: OpenApiResponse(description="Field errors."),
            404: NOT_VISIBLE,
            409: OpenApiResponse(description="You cannot change this document now."),
            412: OpenApiResponse(description="Someone changed it since you read it."),
        },
        tags=TAGS,
    )
    def partial_update(self, request, pk=None):
        """Change the fields sent; ``version`` (from the detail) is required."""
        document = self._document(pk)
        sent = DocumentWriteSerializer(data=request.data, partial=True)
        sent.is_valid(raise_exception=True)
        if "version" not in sent.validated_data:
            raise exceptions.ValidationError(
                {"version": [sent.fields["version"].error_messages["required"]]}
            )
        if not services.may_edit(request.user, document):
            raise Conflict(_("You cannot change this document now."))
        data = _service_data(request.user, sent.validated_data, current=_current_data(document))
        try:
            services.draft_update(
                actor=request.user,
                document=document,
                expected_version=sent.validated_data["version"],
                data=data,
                reason=sent.validated_data.get("reason", ""),
            )
        except StaleVersionError:
            if not _same_save(self._document(pk), data):
                raise Stale(stale_message()) from None
        except services.DocumentError as exc:
            raise Conflict(str(exc)) from None
        return Response(_payload(request.user, self._document(pk)))

    @extend_schema(
        request=SubmitSerializer,
        responses={
            200: DocumentSerializer,
            404: NOT_VISIBLE,
            409: OpenApiResponse(description="It cannot go now (no route, already on its way)."),
            412: OpenApiResponse(description="Someone changed it since you read it."),
        },
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The drafter sends a draft (or a returned one) along the unit's route."""
        document = self._document(pk)
        if document.drafter_id != request.user.pk:
            # Not theirs to send (CONVENTIONS.md "HTTP conventions").
            deny(request, status=404, object_type=OBJECT_TYPE, object_id=document.pk)
        sent = SubmitSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        expected = sent.validated_data.get("version", document.version)
        if expected != document.version:
            if document.state == State.REVIEW:
                raise Conflict(_("This document is already on its way."))
            raise Stale(stale_message())
        try:
            services.submit(actor=request.user, document=document, expected_version=expected)
        except (services.DocumentError, WorkflowError) as exc:
            raise Conflict(str(exc)) from None
        return Response(_payload(request.user, self._document(pk)))

    def _file(self, request, pk, *, extension: str):
        document = self._document(pk)
        try:
            if extension == "pdf":
                content = output.pdf_bytes(document)
            else:
                content = output.docx_bytes(document)
        except RenderError as exc:
            raise Conflict(output.render_problem(exc)) from None
        audit_read(request.user, document, via="api", **{"as": extension})
        content_type = PDF if extension == "pdf" else DOCX
        return output.file_response(
            document, content, name=output.file_name(document, extension), content_type=content_type
        )

    @extend_schema(
        responses={(200, PDF): OpenApiTypes.BINARY, **DOWNLOAD_RESPONSES},
        tags=TAGS,
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The document as a PDF laid out to GB/T 9704 (an attachment)."""
        return self._file(request, pk, extension="pdf")

    @extend_schema(
        responses={(200, DOCX): OpenApiTypes.BINARY, **DOWNLOAD_RESPONSES},
        tags=TAGS,
    )
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        """The document as an editable DOCX for Word and WPS (an attachment)."""
        return self._file(request, pk, extension="docx")

    # --- The office's steps after 签发 -----------------------------------------------------------

    @_step_schema(
        DocumentCheckSerializer,
        conflict="Not a signed document, or its text differs from the signed text.",
    )
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """复核: the approval procedures, content, 文种 and format checked, every point ticked."""
        return self._step(request, pk, DocumentCheckSerializer, _call_check)

    @_step_schema(DocumentRegisterSerializer, conflict="Not a checked document.")
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """登记: the 发文字号 from the series, the 分送范围 and the copies (classified: 份号)."""
        return self._step(request, pk, DocumentRegisterSerializer, _call_register)

    @_step_schema(DocumentPrintSerializer, conflict="Not a registered document.")
    @action(detail=True, methods=["post"])
    def print(self, request, pk=None):
        """印制: the copies printed and the 印发日期."""
        return self._step(request, pk, DocumentPrintSerializer, _call_print)

    @_step_schema(DocumentSealSerializer, conflict="Not a printed (or sealed) document.")
    @action(detail=True, methods=["post"])
    def seal(self, request, pk=None):
        """用印: a seal put on the printed copies, entered in the seal register."""
        return self._step(request, pk, DocumentSealSerializer, _call_seal)

    @_step_schema(
        DocumentDistributeSerializer,
        conflict="Not a sealed document (a 纪要: not printed), or it has no approval record.",
        ok=DocumentDistributedSerializer,
    )
    @action(detail=True, methods=["post"])
    def distribute(self, request, pk=None):
        """核发 in the system: to people and to every member of departments cleared for it."""
        return self._step(
            request,
            pk,
            DocumentDistributeSerializer,
            _call_distribute,
            answer=lambda result: {"distribution": DistributionSerializer(result).data},
        )

    @_step_schema(DocumentDispatchExternalSerializer, conflict="Not a sealed document.")
    @action(detail=True, methods=["post"], url_path="dispatch-external")
    def dispatch_external(self, request, pk=None):
        """核发 outside the unit: the organ, the channel, the 份号 sent and when it left."""
        return self._step(request, pk, DocumentDispatchExternalSerializer, _call_dispatch_external)

    @_step_schema(DocumentStepSerializer, conflict="Not a distributed document.")
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        """归档: the archival package built and stored; the document is filed."""
        return self._step(request, pk, DocumentStepSerializer, _call_file)

    @extend_schema(responses={200: ReceiptsSerializer, 404: NOT_VISIBLE}, tags=TAGS)
    @action(detail=True, methods=["get"])
    def receipts(self, request, pk=None):
        """Read receipts of the distribution in the system, for the general office (as its page)."""
        document = self._office_document(pk)
        return Response(ReceiptsSerializer(handling.receipts_of(document)).data)
