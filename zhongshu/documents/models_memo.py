"""Internal memos (签报 / 呈批件; issue 5 §10): a department asks its leaders for a decision on an
internal matter. The memo goes through 核稿 by the department's head, 审核 by the office, 批办 by
the leader in charge and, where needed, the principal leader's decision, then back to the
department, which may draft an outgoing document from it.

It is numbered when first submitted (签报编号, a gapless series per unit and year) and rides the
shared approval engine (route kind ``documents.memo``); every opinion stays in the engine's
record, which the printable 签报处理单 shows in order.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import BaseModel, Classification

from .models import Urgency


class MemoState(models.TextChoices):
    DRAFT = "draft", _("Draft (拟稿)")
    CHECKING = "checking", _("Checked by the department head (核稿)")
    REVIEWING = "reviewing", _("Reviewed by the office (审核)")
    INSTRUCTING = "instructing", _("With the leader in charge (批办)")
    DECIDING = "deciding", _("With the principal leader (审批)")
    IN_APPROVAL = "in_approval", _("In approval")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved (同意)")
    REJECTED = "rejected", _("Not approved (不同意)")


class MemoCounter(models.Model):
    """The last 签报编号 given in a unit and year (locked while a number is given)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="memo_counter_unique")]


class Memo(BaseModel):
    """One 签报: what a department asks, and what its leaders decided."""

    TITLE_MAX = 200
    BODY_MAX = 20000

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 签报编号: given at the first submission.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("serial"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"), blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.PUBLIC
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    # Who decides: the leader in charge of the department unless the office names another at
    # 审核; the principal leader too when the matter needs it (drafter, office or leader says so).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader who decides (批办)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    needs_principal = models.BooleanField(_("for the principal leader's decision"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=MemoState.choices, default=MemoState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The last leader's words when it was decided, for lists and the department's notice.
    decision = models.TextField(_("decision"), blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("internal memo (签报)")
        verbose_name_plural = _("internal memos (签报)")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "serial"],
                condition=Q(serial__isnull=False),
                name="memo_serial_unique",
            ),
            models.UniqueConstraint(
                fields=["drafter", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(deleted_at__isnull=True),
                name="memo_idempotency_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "state", "-id"], name="memo_unit_state"),
            models.Index(fields=["department", "-id"], name="memo_department"),
            models.Index(fields=["drafter", "-id"], name="memo_drafter"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def number(self) -> str:
        """签报〔2026〕12号 once submitted."""
        if not self.serial:
            return ""
        return f"签报〔{self.year}〕{self.serial}号"

    @property
    def is_decided(self) -> bool:
        return self.state in (MemoState.APPROVED, MemoState.REJECTED)
