"""The inbox, runs and decisions over the API (issue #3 item 4).

``GET /api/inbox/?box=todo|done|mine|cc`` pages with the same keyset cursor as the web inbox;
``POST /api/work-items/{id}/decide/`` calls the same service as the decision panel: 404 when
the item is not the caller's, 409 when it was handled already, 400 for bad input.
``GET /api/runs/{id}/`` is the run page's content (route, handling record, the caller's open
items) and ``POST /api/runs/{id}/withdraw/`` the submitter's withdrawal: 404 for a run the
caller may not see or did not submit, 409 once it ended or someone acted on it.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from zhongshu.org.serializers import PersonRefSerializer

from . import selectors, services, texts
from .errors import AlreadyHandled, NotYours, TooLate, WorkflowError
from .models import Decision, Run, RunState, StepMode, Urgency, WorkItem


class IsBusinessUser(permissions.BasePermission):
    """The three administrators read no business content (CONVENTIONS.md "Roles")."""

    def has_permission(self, request, view):
        return selectors.is_business_user(request.user)


class InboxQuerySerializer(serializers.Serializer):
    box = serializers.ChoiceField(choices=selectors.BOXES, default="todo")
    type = serializers.CharField(required=False, max_length=60, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    unread = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Copies (box=cc) only: true for the unread ones, false for the read ones."),
    )
    after = serializers.CharField(required=False, max_length=2000, allow_blank=True)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class InboxRowSerializer(serializers.Serializer):
    """A work item (todo, done, cc) or a run (mine): the same columns for both."""

    id = serializers.IntegerField()
    run = serializers.SerializerMethodField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    classification = serializers.IntegerField()
    step = serializers.SerializerMethodField()
    state = serializers.CharField()
    urgency = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    acting_for = serializers.SerializerMethodField()
    batch_allowed = serializers.SerializerMethodField()
    read_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Copies only: when the recipient opened the run.")
    )

    def get_run(self, row) -> int:
        return row.pk if isinstance(row, Run) else row.run_id

    def get_step(self, row) -> str:
        return row.current_step_name if isinstance(row, Run) else row.step_name

    def get_overdue(self, row) -> bool:
        return bool(row.overdue)

    def get_acting_for(self, row) -> str | None:
        person = getattr(row, "delegate_for", None)
        return str(person) if person else None

    def get_batch_allowed(self, row) -> bool:
        return bool(getattr(row, "batch_allowed", False))


INBOX_PAGE = inline_serializer(
    "InboxPage",
    fields={
        "results": InboxRowSerializer(many=True),
        "next": serializers.CharField(allow_null=True),
    },
)


class InboxView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsBusinessUser]

    @extend_schema(parameters=[InboxQuerySerializer], responses=INBOX_PAGE, tags=["workflow"])
    def get(self, request):
        params = InboxQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        q = params.validated_data
        try:
            rows, cursor = selectors.inbox(
                request.user,
                box=q["box"],
                kind=q.get("type") or "",
                urgency=q.get("urgency"),
                overdue=q.get("overdue"),
                unread=q.get("unread"),
                after=q.get("after") or "",
                size=q["page_size"],
            )
        except selectors.BadCursor:
            raise exceptions.ValidationError(
                {"after": [_("This page link is not valid.")]}
            ) from None
        return Response(
            {"results": InboxRowSerializer(rows, many=True).data, "next": cursor or None}
        )


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    target_step = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    to_user = serializers.IntegerField(required=False, min_value=1, max_value=2**53)
    idempotency_key = serializers.CharField(required=False, max_length=64, allow_blank=True)


class DecisionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    decision = serializers.CharField()
    run = serializers.IntegerField(source="run_id")
    run_state = serializers.CharField(source="run.state")


class AlreadyHandledError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_handled"


class TooLateError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "too_late"


class WorkItemViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, IsBusinessUser]
    serializer_class = DecideSerializer
    queryset = WorkItem.objects.none()  # typed path parameter in the schema; lookups below

    @extend_schema(
        request=DecideSerializer,
        responses={
            200: DecisionResultSerializer,
            400: OpenApiResponse(description="Bad input or an invalid transition."),
            404: OpenApiResponse(description="No such item, or not yours to decide."),
            409: OpenApiResponse(description="Already handled by someone."),
        },
        tags=["workflow"],
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404 from None
        item = selectors.item_get_for(request.user, pk)
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        to_user = None
        if "to_user" in d:
            to_user = get_user_model().objects.filter(pk=d["to_user"]).first()
            if to_user is None:
                raise exceptions.ValidationError({"to_user": [_("No such person.")]})
        try:
            item = services.decide(
                actor=request.user,
                item=item,
                decision=d["decision"],
                opinion=d.get("opinion", ""),
                target_step=d.get("target_step"),
                to_user=to_user,
                idempotency_key=d.get("idempotency_key") or None,
            )
        except NotYours:
            raise Http404 from None
        except AlreadyHandled as exc:
            raise AlreadyHandledError(str(exc)) from None
        except WorkflowError as exc:
            raise exceptions.ValidationError({"non_field_errors": [str(exc)]}) from None
        except DjangoValidationError:
            raise
        item.refresh_from_db()
        return Response(DecisionResultSerializer(item).data)


# --- Runs: the handling record and withdrawal ---------------------------------------------------


class RunEventSerializer(serializers.Serializer):
    """One line of the handling record (办理记录), oldest first."""

    at = serializers.DateTimeField()
    verb = serializers.CharField(help_text="Machine name: a decision or one of the engine's own.")
    text = serializers.SerializerMethodField()
    step_order = serializers.IntegerField(allow_null=True)
    step_name = serializers.CharField()
    actor = PersonRefSerializer(allow_null=True)
    on_behalf_of = PersonRefSerializer(allow_null=True)
    acting_for = serializers.SerializerMethodField()
    opinion = serializers.CharField()

    def get_text(self, event) -> str:
        return texts.describe(event)

    def get_acting_for(self, event) -> str | None:
        """The "代 X" of a delegate who acted for someone else."""
        return texts.acting_for(event.on_behalf_of)


class RunStepSerializer(serializers.Serializer):
    order = serializers.IntegerField(source="step.order")
    name = serializers.CharField(source="step.name")
    countersign = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=["done", "current", "waiting"])
    holders = serializers.ListField(child=serializers.CharField())

    def get_countersign(self, row) -> bool:
        return row["step"].mode == StepMode.ALL


class OpenItemSerializer(serializers.Serializer):
    """A work item on this run the caller may decide (``POST /api/work-items/{id}/decide/``)."""

    id = serializers.IntegerField()
    step_order = serializers.IntegerField()
    step_name = serializers.CharField()
    read_only = serializers.BooleanField()
    due_at = serializers.DateTimeField(allow_null=True)
    acting_for = serializers.CharField(allow_null=True)


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    classification = serializers.IntegerField()
    state = serializers.ChoiceField(choices=RunState.choices)
    urgency = serializers.IntegerField()
    submitter = PersonRefSerializer()
    current_step = serializers.IntegerField(allow_null=True)
    current_step_name = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    can_withdraw = serializers.BooleanField()
    steps = RunStepSerializer(many=True)
    open_items = OpenItemSerializer(many=True)
    events = RunEventSerializer(many=True)


RUN_FIELDS = (
    "id",
    "kind",
    "title",
    "url",
    "classification",
    "state",
    "urgency",
    "submitter",
    "current_step",
    "current_step_name",
    "due_at",
    "created_at",
    "finished_at",
)


def _run_payload(user, run: Run) -> dict:
    items = selectors.open_items_for(user, run) if run.is_live else []
    open_items = [
        {
            "id": item.pk,
            "step_order": item.step_order,
            "step_name": item.step_name,
            "read_only": item.read_only,
            "due_at": item.due_at,
            # The person whose item it is, when not the caller's own (delegation).
            "acting_for": texts.acting_for(
                item.delegate_for if item.assignee_id == user.pk else item.assignee
            ),
        }
        for item in items
    ]
    data = {name: getattr(run, name) for name in RUN_FIELDS}
    data.update(
        kind_label=str(run.spec.label),
        can_withdraw=services.may_withdraw(user, run),
        steps=selectors.run_steps(run),
        open_items=open_items,
        events=selectors.handling_record(run),
    )
    return RunSerializer(data).data


class RunViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, IsBusinessUser]
    serializer_class = RunSerializer
    queryset = Run.objects.none()  # typed path parameter in the schema; lookups below

    def _run(self, pk) -> Run:
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404 from None
        return selectors.run_get_for(self.request.user, pk)

    @extend_schema(
        responses={
            200: RunSerializer,
            404: OpenApiResponse(description="No such run, or not one you take part in."),
        },
        tags=["workflow"],
    )
    def retrieve(self, request, pk=None):
        """A run with its route, handling record and the caller's open items; reading it marks
        the caller's copy (抄送) of it read."""
        run = self._run(pk)
        services.cc_mark_read(actor=request.user, run=run)
        return Response(_run_payload(request.user, run))

    @extend_schema(
        request=None,
        responses={
            200: RunSerializer,
            404: OpenApiResponse(description="No such run, or not submitted by you."),
            409: OpenApiResponse(description="It has ended, or someone has acted on it."),
        },
        tags=["workflow"],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The submitter takes the run back while nobody has acted on it yet."""
        run = self._run(pk)
        try:
            services.withdraw(actor=request.user, run=run)
        except NotYours:
            raise Http404 from None
        except TooLate as exc:
            raise TooLateError(str(exc)) from None
        except WorkflowError as exc:
            raise exceptions.ValidationError({"non_field_errors": [str(exc)]}) from None
        run = self._run(pk)
        return Response(_run_payload(request.user, run))
