"""The approval engine's data (DESIGN.md rule 4; STYLE.md "Workflow engine modelled on Wagtail").

A ``Route`` is a versioned definition of ordered ``RouteStep`` rows; a ``Run`` is one pass of a
subject through a route (generic: subject kind + id, at most one live run per subject); a
``WorkItem`` is one pending or finished action of one person; ``RunEvent`` rows are the handling
record (办理记录) shown in order. Work items carry copies of the subject's title, URL,
classification and kind so the inbox renders with a constant number of queries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import BaseModel, Classification


class AssigneeRule(models.TextChoices):
    ROLE_IN_DEPARTMENT = "role_in_department", _("Position or role in a department")
    PERSON = "person", _("Named person")
    SUBMITTER_DEPARTMENT_HEAD = "submitter_head", _("Head of the submitter's department")
    LEADER_IN_CHARGE = "leader_in_charge", _("Leader in charge of the submitter's department")
    PRINCIPAL = "principal", _("Principal leader of the unit")
    SUBJECT = "subject", _("People the item names (e.g. countersigning departments)")


class StepMode(models.TextChoices):
    ONE = "one", _("One of them decides")
    ALL = "all", _("All of them (countersign)")


class ConditionOp(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    NE = "ne", "≠"


class Urgency(models.IntegerChoices):
    NORMAL = 0, _("Normal")
    URGENT = 1, _("Urgent")
    VERY_URGENT = 2, _("Very urgent")


class RunState(models.TextChoices):
    RUNNING = "running", _("In approval")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LIVE_RUN_STATES = (RunState.RUNNING, RunState.RETURNED)


class ItemState(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN_PREVIOUS = "return_previous", _("Return to the previous step")
    RETURN_TO_DRAFTER = "return_to_drafter", _("Return to the drafter")
    RETURN_TO_STEP = "return_to_step", _("Return to an earlier step")
    REJECT = "reject", _("Reject")
    COMMENT = "comment", _("Comment")
    TRANSFER = "transfer", _("Transfer")
    ADD_SIGNER_BEFORE = "add_signer_before", _("Add an approver before me")
    ADD_SIGNER_AFTER = "add_signer_after", _("Add an approver after me")
    RESUBMIT = "resubmit", _("Resubmit")


class Route(BaseModel):
    """One version of an approval route for a subject type in a unit.

    Editing creates a new version (same ``family``, ``revision`` + 1) and retires the old one;
    runs in flight keep pointing at the version they started with.
    """

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    kind = models.CharField(_("business type"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    family = models.PositiveBigIntegerField(_("route"), default=0, editable=False)
    revision = models.PositiveIntegerField(_("route version"), default=1, editable=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("approval route")
        verbose_name_plural = _("approval routes")
        ordering = ["unit", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "revision"], name="workflow_route_family_revision"
            ),
            models.UniqueConstraint(
                fields=["unit", "kind"],
                condition=Q(active=True, deleted_at__isnull=True),
                name="workflow_one_active_route_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind", "active"], name="workflow_route_kind_idx")]

    def __str__(self):
        return f"{self.name} (v{self.revision})"


class RouteStep(models.Model):
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step name"), max_length=60)
    rule = models.CharField(_("who acts"), max_length=30, choices=AssigneeRule.choices)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.ForeignKey(
        "org.Position",
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # With AssigneeRule.SUBJECT: which of the subject's assignee_sources names the people.
    source = models.CharField(_("named on the item"), max_length=60, blank=True)
    mode = models.CharField(_("mode"), max_length=3, choices=StepMode.choices, default="one")
    condition_field = models.CharField(_("condition field"), max_length=60, blank=True)
    condition_op = models.CharField(
        _("condition"), max_length=3, choices=ConditionOp.choices, blank=True
    )
    condition_value = models.CharField(_("condition value"), max_length=60, blank=True)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("The step only takes note (已阅).")
    )
    batch_allowed = models.BooleanField(_("batch approval allowed"), default=False)
    due_working_days = models.PositiveSmallIntegerField(
        _("working days to act"), default=0, help_text=_("0 for no deadline.")
    )
    cc = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("copy to"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["route", "order"]
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="workflow_step_order_unique")
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"

    @property
    def has_condition(self) -> bool:
        return bool(self.condition_field and self.condition_op)


class Run(BaseModel):
    """One pass of one subject through a route version (Wagtail's WorkflowState)."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    kind = models.CharField(_("business type"), max_length=60)
    subject_id = models.BigIntegerField()
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="runs")
    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.RUNNING
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitter"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_step = models.PositiveSmallIntegerField(null=True, blank=True)
    current_step_name = models.CharField(_("current step"), max_length=60, blank=True)
    returned_from_step = models.PositiveSmallIntegerField(null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(max_length=300)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.PUBLIC
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id"],
                condition=Q(state__in=["running", "returned"]),
                name="workflow_one_live_run_per_subject",
            )
        ]
        indexes = [
            models.Index(
                fields=["submitter", "-urgency", "due_at", "id"], name="workflow_run_mine_idx"
            ),
            models.Index(fields=["kind", "subject_id"], name="workflow_run_subject_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_RUN_STATES


class WorkItem(models.Model):
    """One person's pending or finished action on a run (a 待办 / 已办 row, or a copy 抄送)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="items")
    unit_id = models.BigIntegerField()
    step_order = models.PositiveSmallIntegerField(help_text="0 is the drafter (resubmission).")
    step_name = models.CharField(_("step"), max_length=60)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    delegate_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="加签 before: once this item is approved, the step goes back to this person.",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ItemState.choices, default=ItemState.OPEN
    )
    is_cc = models.BooleanField(_("copy"), default=False)
    read_at = models.DateTimeField(
        _("read at"),
        null=True,
        blank=True,
        help_text="Copies only: when the recipient first opened the run.",
    )
    read_only = models.BooleanField(default=False)
    batch_allowed = models.BooleanField(default=False)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    decided_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    kind = models.CharField(_("business type"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(max_length=300)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.PUBLIC
    )

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        indexes = [
            # The inbox order (urgency desc, due time, id) per box, so a page is an index scan.
            models.Index(
                fields=["assignee", "state", "is_cc", "-urgency", "due_at", "id"],
                name="workflow_item_todo_idx",
            ),
            models.Index(
                fields=["assignee", "is_cc", "-urgency", "due_at", "id"],
                name="workflow_item_cc_idx",
            ),
            models.Index(
                fields=["decided_by", "state", "is_cc", "-urgency", "due_at", "id"],
                name="workflow_item_done_idx",
            ),
            models.Index(fields=["run", "step_order", "state"], name="workflow_item_step_idx"),
            # "Items I acted on for someone": participation and visibility checks (partial: few).
            models.Index(
                fields=["delegate_for"],
                condition=Q(delegate_for__isnull=False),
                name="workflow_item_delegate_idx",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.step_name}"

    @property
    def is_open(self) -> bool:
        return self.state == ItemState.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()


class RunEvent(models.Model):
    """One line of the handling record (办理记录): who, for whom, when, what, with which opinion.

    ``verb`` is a :class:`Decision` value or one of the engine's own verbs (started, skipped,
    warning, withdrawn, approved…) and is translated when shown (STYLE.md, "Language").
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=30)
    step_order = models.PositiveSmallIntegerField(null=True)
    step_name = models.CharField(max_length=60, blank=True)
    opinion = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Delegation(BaseModel):
    """While ``person`` is away, ``delegate`` acts for them, shown as "代 person"."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        indexes = [
            models.Index(fields=["person", "starts_on", "ends_on"], name="workflow_deleg_person"),
            models.Index(
                fields=["delegate", "starts_on", "ends_on"], name="workflow_deleg_delegate"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="workflow_deleg_dates"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("delegate")), name="workflow_deleg_not_self"
            ),
        ]


class CommonOpinion(models.Model):
    """A person's 常用意见, picked with one tap in the decision panel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="common_opinions"
    )
    text = models.CharField(_("opinion"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["user", "sort_order", "id"]
        verbose_name = _("common opinion")
        verbose_name_plural = _("common opinions")

    def __str__(self):
        return self.text
