"""Internal memos (签报) over the API (issue 5 item 10).

``GET /api/memos/`` lists the memos the caller may see (the page's filters, keyset paging newest
first by id); ``GET /api/memos/{id}/`` is one memo with where it stands and every opinion in
order; ``POST /api/memos/`` writes a draft (an ``Idempotency-Key`` header makes a retried POST
write one); ``POST /api/memos/{id}/submit/`` sends it on (numbered the first time) or again
after a return, with the ``version`` read. The steps of its route are decided like any work item:
``POST /api/work-items/{id}/decide/``.

What a caller sees is :mod:`.selectors_memo`'s (drafts: their drafter only; then the drafter,
the department's head, the office and everyone the route reached — never above clearance):
anything else is an audited 404. The services keep every rule: 409 when not now (not the
drafter's, already on its way), 412 when stale, 400 with field errors. Every read of 秘密 and
above leaves a ``documents.read``.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhongshu.core.denials import deny
from zhongshu.core.models import StaleVersionError
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow.api import IsBusinessUser

from . import rules, selectors_memo, services_memo
from .api import Conflict, Stale, pk_of, stale_message
from .api_incoming import _idempotency_key, _person
from .models import Memo
from .serializers_memo import (
    MemoListQuerySerializer,
    MemoPageSerializer,
    MemoSerializer,
    MemoVersionSerializer,
    MemoWriteSerializer,
)
from .services import DocumentError
from .view_steps import audit_read

OBJECT_TYPE = "documents.memo"
LIST_FILTERS = ("q", "year", "state", "department", "classification", "mine", "open")
TAGS = ["internal memos"]
NOT_VISIBLE = OpenApiResponse(description="No such memo, or not one you may see.")


def _row(memo: Memo) -> dict:
    return {
        "id": memo.pk,
        "number": memo.number,
        "title": memo.title,
        "department": {"id": memo.department.pk, "name": memo.department.name},
        "drafter": _person(memo.drafter),
        "classification": memo.classification,
        "urgency": memo.urgency,
        "needs_principal": memo.needs_principal,
        "state": memo.state,
        "submitted_at": memo.submitted_at,
        "decided_at": memo.decided_at,
        "version": memo.version,
    }


def _payload(memo: Memo) -> dict:
    run = services_memo.current_run(memo)
    holders = workflow_selectors.open_holders(run) if run is not None and run.is_live else []
    opinions = []
    runs = workflow_selectors.runs_of(rules.MEMO_KIND, memo.pk) if run is not None else []
    records = workflow_selectors.handling_records(runs)
    for r in runs:
        for event in records[r.pk]:
            if event.verb in selectors_memo.OPINION_VERBS:
                opinions.append(
                    {
                        "step": event.step_name,
                        "person": _person(event.actor),
                        "on_behalf_of": _person(event.on_behalf_of),
                        "decision": event.verb,
                        "opinion": event.opinion,
                        "at": event.at,
                    }
                )
    leaders = services_memo.deciding_leader(memo)
    return MemoSerializer(
        {
            **_row(memo),
            "body": memo.body,
            "leader": _person(leaders[0]) if leaders else None,
            "decided_by": _person(memo.decided_by),
            "decision": memo.decision,
            "holders": [
                {
                    "id": item.assignee.pk,
                    "full_name": item.assignee.full_name,
                    "step": item.step_name,
                    "since": item.created_at,
                }
                for item in holders
            ],
            "opinions": opinions,
            "created_at": memo.created_at,
            "updated_at": memo.updated_at,
        }
    ).data


class MemoViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, IsBusinessUser]
    serializer_class = MemoSerializer
    queryset = Memo.objects.none()  # typed path parameter in the schema

    def _memo(self, pk) -> Memo:
        number = pk_of(pk)
        try:
            if number is None:
                raise Http404
            return selectors_memo.memo_get_for(self.request.user, number)
        except Http404:
            deny(self.request, status=404, object_type=OBJECT_TYPE, object_id=str(pk)[:64])

    @extend_schema(parameters=[MemoListQuerySerializer], responses=MemoPageSerializer, tags=TAGS)
    def list(self, request):
        """The memos you may see, newest first; ``next`` is the ``after`` of the next page."""
        params = MemoListQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        q = params.validated_data
        filters = {name: q[name] for name in LIST_FILTERS if q.get(name) not in (None, "", False)}
        rows = selectors_memo.filtered_memos(request.user, filters)
        if "after" in q:
            rows = rows.filter(pk__lt=q["after"])
        size = q["page_size"]
        page = list(rows.select_related("department", "drafter")[: size + 1])
        more = len(page) > size
        page = page[:size]
        return Response(
            MemoPageSerializer(
                {"results": [_row(m) for m in page], "next": page[-1].pk if more else None}
            ).data
        )

    @extend_schema(responses={200: MemoSerializer, 404: NOT_VISIBLE}, tags=TAGS)
    def retrieve(self, request, pk=None):
        """One memo: its text, where it stands (who holds it since when) and every opinion."""
        memo = self._memo(pk)
        audit_read(request.user, memo, page="memo", via="api")
        return Response(_payload(memo))

    @extend_schema(
        request=MemoWriteSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A retried POST with the same key writes one memo (at most 64 "
                "characters).",
            )
        ],
        responses={
            201: MemoSerializer,
            400: OpenApiResponse(description="Field errors."),
            409: OpenApiResponse(description="You cannot draft memos."),
        },
        tags=TAGS,
    )
    def create(self, request):
        """A draft memo of one of your departments (your first one unless ``department``)."""
        sent = MemoWriteSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            memo = services_memo.memo_create(
                actor=request.user,
                data=dict(sent.validated_data),
                idempotency_key=_idempotency_key(request) or "",
            )
        except DocumentError as exc:
            raise Conflict(str(exc)) from None
        # A ValidationError (field errors) answers 400 through the API's exception handler.
        return Response(_payload(self._memo(memo.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MemoVersionSerializer,
        responses={
            200: MemoSerializer,
            400: OpenApiResponse(description="Field errors."),
            404: NOT_VISIBLE,
            409: OpenApiResponse(description="Not yours to submit, or already on its way."),
            412: OpenApiResponse(description="Someone changed it since you read it."),
        },
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the memo on (核稿 → 审核 → 批办 → 审批), numbered the first time; after a return,
        send it again."""
        memo = self._memo(pk)
        sent = MemoVersionSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            services_memo.memo_submit(
                actor=request.user, memo=memo, expected_version=sent.validated_data["version"]
            )
        except StaleVersionError:
            raise Stale(stale_message()) from None
        except DocumentError as exc:
            raise Conflict(str(exc)) from None
        return Response(_payload(self._memo(pk)))
