"""Classified copies (涉密载体, issue 5 item 9): the register of each 份号 the office holds — copies
of classified incoming documents and papers brought back from meetings (会议文件) — who holds it
now, and how it leaves: returned to the organ that issued it (清退) or destroyed (销毁).

保密法 (2010) §21 and domain/gongwen.md §4: a classified carrier is received, passed on and
kept by designated people, and its destruction needs an approver and a witness who are not the
one doing it (domain/security.md B6: two distinct people). Each copy keeps a log of every move
(:class:`CopyEvent`); a 清退单 or 销毁单 (:class:`CopyDisposal`) gets a gapless number per unit,
kind and year, like the 收文编号.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import BaseModel, Classification

from .models_incoming import IncomingDocument


class CopyKind(models.TextChoices):
    INCOMING = "incoming", _("Copy of an incoming document")
    MEETING = "meeting", _("Meeting paper (会议文件)")
    OTHER = "other", _("Other carrier")


class CopyState(models.TextChoices):
    HELD = "held", _("Held by the office (在册)")
    LENT = "lent", _("Lent (借出)")
    RETURNING = "returning", _("To be returned (清退中)")
    RETURNED = "returned", _("Returned (已清退)")
    DESTROYING = "destroying", _("To be destroyed (待销毁)")
    DESTROYED = "destroyed", _("Destroyed (已销毁)")


class ClassifiedCopy(BaseModel):
    """One copy (one 份号) of a classified document or meeting paper that the office holds.

    ``paper`` identifies the document or paper the copy belongs to (a hash of the incoming
    document, or of the meeting, sender, 文号 and title), so that one 份号 is registered once
    per paper. An incoming document's copies may wait for their number (``copy_number`` empty)
    when the clerk registered none.
    """

    TITLE_MAX = 300

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=10, choices=CopyKind.choices)
    incoming = models.ForeignKey(
        IncomingDocument,
        verbose_name=_("incoming document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="classified_copies",
    )
    paper = models.CharField(_("paper"), max_length=64, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    source_name = models.CharField(_("issued by"), max_length=100, blank=True)
    source_number = models.CharField(_("document number (文号)"), max_length=60, blank=True)
    meeting = models.CharField(_("meeting"), max_length=200, blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.SECRET
    )
    copy_number = models.CharField(_("copy number (份号)"), max_length=6, blank=True)
    received_on = models.DateField(_("received on"))
    return_by = models.DateField(_("to be returned by"), null=True, blank=True)
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("brought back by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lent to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_since = models.DateTimeField(_("lent since"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CopyState.choices, default=CopyState.HELD
    )
    disposal = models.ForeignKey(
        "CopyDisposal",
        verbose_name=_("return or destruction list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The registration form's token: the same form sent twice registers its copies once.
    batch = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("classified copy")
        verbose_name_plural = _("classified copies")
        ordering = ["-received_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "paper", "copy_number"],
                condition=~Q(copy_number="") & Q(deleted_at__isnull=True),
                name="classified_copy_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(classification__gte=Classification.SECRET),
                name="classified_copy_is_classified",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "-received_on", "id"], name="classified_copy_list_idx"),
            models.Index(fields=["unit", "state", "return_by"], name="classified_copy_state_idx"),
            models.Index(fields=["created_by", "batch"], name="classified_copy_batch_idx"),
        ]

    def __str__(self):
        return f"{self.copy_number or '—'} {self.title}"

    @property
    def is_final(self) -> bool:
        return self.state in (CopyState.RETURNED, CopyState.DESTROYED)


class DisposalKind(models.TextChoices):
    RETURN = "return", _("Return (清退)")
    DESTROY = "destroy", _("Destruction (销毁)")


class ReturnMethod(models.TextChoices):
    COURIER = "courier", _("Confidential courier (机要交通)")
    BY_HAND = "by_hand", _("Delivered by hand (专人送达)")
    POST = "post", _("Confidential post (机要邮寄)")
    AT_MEETING = "at_meeting", _("Handed back at the meeting (会上收回)")


class DestroyMethod(models.TextChoices):
    CENTRE = "centre", _("At the destruction centre of the secrecy bureau (送销毁中心)")
    SHREDDING = "shredding", _("Shredded on approved equipment (碎纸)")
    PULPING = "pulping", _("Pulped (化浆)")
    BURNING = "burning", _("Burnt (焚毁)")


class DisposalState(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    APPROVED = "approved", _("Approved, to destroy")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class DisposalCounter(models.Model):
    """The last number given to a 清退单 or 销毁单 in a unit and year; locked while a number is
    given (like :class:`IncomingCounter`), so numbers have no gap and no duplicate."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DisposalKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "year"], name="copy_disposal_counter_unique"
            )
        ]


class CopyDisposal(BaseModel):
    """A 清退单 (the copies go back to the organ that issued them, which confirms receipt) or a
    销毁单 (approved by a second office member, destroyed by one person in front of a witness)."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=10, choices=DisposalKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    state = models.CharField(
        _("state"), max_length=10, choices=DisposalState.choices, default=DisposalState.PREPARED
    )
    # The highest 密级 of its copies: who may see the list, and the mark on the printed form.
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.SECRET
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    # 清退
    recipient = models.CharField(_("returned to"), max_length=100, blank=True)
    method = models.CharField(_("method"), max_length=12, blank=True)
    confirmed_by = models.CharField(_("receipt signed by"), max_length=50, blank=True)
    confirmed_on = models.DateField(_("receipt signed on"), null=True, blank=True)
    # 销毁
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destroyed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("witness (监销人)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    executed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    # Who recorded the end (the confirmation or the destruction), or the cancellation.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("return or destruction list")
        verbose_name_plural = _("return and destruction lists")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "year", "serial"], name="copy_disposal_serial_unique"
            ),
            models.UniqueConstraint(
                fields=["prepared_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="copy_disposal_idempotency_unique",
            ),
            # B6: the approver and the witness are other people than the one who prepared or
            # destroyed.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("prepared_by")),
                name="copy_disposal_two_people",
            ),
            models.CheckConstraint(
                condition=Q(witness__isnull=True) | ~Q(witness=models.F("executed_by")),
                name="copy_disposal_witness_not_executor",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "state", "-id"], name="copy_disposal_state_idx"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        """清退〔2026〕3号 or 销毁〔2026〕3号."""
        return disposal_number(self.kind, self.year, self.serial)

    @property
    def is_open(self) -> bool:
        return self.state in (DisposalState.PREPARED, DisposalState.APPROVED)

    def get_method_display(self) -> str:
        choices = ReturnMethod if self.kind == DisposalKind.RETURN else DestroyMethod
        return str(dict(choices.choices).get(self.method, self.method))


# Printed as the list's number; the words are those of the forms offices use (清退, 销毁).
DISPOSAL_WORDS = {DisposalKind.RETURN: "清退", DisposalKind.DESTROY: "销毁"}


def disposal_number(kind: str, year: int, serial: int) -> str:
    return f"{DISPOSAL_WORDS.get(kind, '')}〔{year}〕{serial}号"


class CopyVerb(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    NUMBERED = "numbered", _("Copy number written in")
    LENT = "lent", _("Lent")
    BACK = "back", _("Back in the office")
    LISTED = "listed", _("Put on a list")
    RETURNED = "returned", _("Returned to the issuer")
    DESTROYED = "destroyed", _("Destroyed")
    UNLISTED = "unlisted", _("Taken off a cancelled list")


class CopyEvent(models.Model):
    """One move of a copy: who did it, when, to whom it was lent, on which list."""

    copy = models.ForeignKey(ClassifiedCopy, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("event"), max_length=12, choices=CopyVerb.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disposal = models.ForeignKey(
        CopyDisposal,
        verbose_name=_("list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("event of a classified copy")
        verbose_name_plural = _("events of classified copies")
        ordering = ["copy", "at", "id"]
        indexes = [models.Index(fields=["copy", "at"], name="copy_event_idx")]
