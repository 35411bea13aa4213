"""Incoming official documents (收文, 条例 §24; issue 5): what the office receives, registers
under its own 收文编号, reviews (初审), and then sends on to readers (阅件) or to be handled
(办件).

A document marked 秘密 or above, on a system not approved for classified information
(``CLASSIFIED_NETWORK`` off), is registered by catalogue data only: the clerk writes a neutral
title (the real one may itself be secret, ``title_is_neutral``) and no text or file is kept.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import BaseModel, Classification

from .models import Kind, Organ, Urgency


class Handling(models.TextChoices):
    """办件 needs action; 阅件 is for information (条例 §24 承办)."""

    ACTION = "action", _("For action (办件)")
    READING = "reading", _("For information (阅件)")


class IncomingState(models.TextChoices):
    REGISTERED = "registered", _("Registered, to review (待初审)")
    RETURNED = "returned", _("Returned to the sender (退文)")
    ACCEPTED = "accepted", _("Reviewed, to send on (待分办)")
    READING = "reading", _("Being read (分送中)")
    PROPOSING = "proposing", _("Proposal by the office (拟办)")
    INSTRUCTING = "instructing", _("Instruction by a leader (批办)")
    HANDLING = "handling", _("Being handled (承办)")
    HANDLED = "handled", _("Handled, to close (待办结)")
    DONE = "done", _("Completed (办结)")
    FILED = "filed", _("Filed (归档)")


class DeadlineSource(models.TextChoices):
    NONE = "", _("No deadline")
    DOCUMENT = "document", _("Set by the document")
    OFFICE = "office", _("Set by the office")


class IncomingCounter(models.Model):
    """The last 收文编号 given in a unit and year; locked while a number is given, so numbers
    have no gap and no duplicate under concurrent registrations."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="incoming_counter_unique")
        ]


class IncomingDocument(BaseModel):
    """One received document: its catalogue data, its 收文编号 and where it stands."""

    TITLE_MAX = 300

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    # 收文编号: the year it was received and its sequence in that year (gapless per unit).
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    # The sender
    source_name = models.CharField(_("sending organ (来文单位)"), max_length=100)
    source_organ = models.ForeignKey(
        Organ,
        verbose_name=_("sending organ in the directory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_number = models.CharField(_("its document number (来文字号)"), max_length=60, blank=True)
    # The document
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    title_is_neutral = models.BooleanField(
        _("neutral title"),
        default=False,
        help_text=_("A title the clerk wrote for a classified document whose own may be secret."),
    )
    kind = models.CharField(_("kind (文种)"), max_length=20, choices=Kind.choices, blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.PUBLIC
    )
    secrecy_period = models.CharField(_("secrecy period"), max_length=20, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    copy_number = models.CharField(_("copy number (份号)"), max_length=6, blank=True)
    signed_on = models.DateField(_("date of the document (成文日期)"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    summary = models.TextField(_("summary or text"), blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # Registration
    handling = models.CharField(
        _("handling"), max_length=10, choices=Handling.choices, default=Handling.ACTION
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    deadline_source = models.CharField(
        _("deadline set by"),
        max_length=10,
        choices=DeadlineSource.choices,
        default=DeadlineSource.NONE,
        blank=True,
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=IncomingState.choices,
        default=IncomingState.REGISTERED,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("same document registered as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 初审
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reasons = models.JSONField(_("reasons for returning it"), default=list, blank=True)
    return_note = models.TextField(_("note to the sender"), blank=True)
    # 拟办 (or 分办 by the office): which leader instructs, which departments handle it
    # (IncomingAssignment), and the office's proposal as written on the 收文处理单.
    proposal = models.TextField(_("proposal (拟办意见)"), blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader to instruct (批办)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    settled_by_office = models.BooleanField(
        _("sent on by the office (分办)"),
        default=False,
        help_text=_("A routine matter the office sent to departments itself, without 拟办."),
    )
    # 办结 and 归档
    result = models.TextField(_("result (办理结果)"), blank=True)
    no_reply_reason = models.TextField(_("why no reply was sent"), blank=True)
    closed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "serial"], name="incoming_serial_unique"
            ),
            models.UniqueConstraint(
                fields=["registered_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="incoming_idempotency_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "year", "-id"], name="incoming_year_idx"),
            models.Index(fields=["unit", "state", "-id"], name="incoming_state_idx"),
            models.Index(
                fields=["unit", "source_name", "source_number"],
                name="incoming_source_idx",
                condition=Q(deleted_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.receipt_number} {self.title}"

    @property
    def receipt_number(self) -> str:
        """收文编号 as printed on the 收文处理单: 收〔2026〕15号."""
        return receipt_number(self.year, self.serial)

    @property
    def is_classified(self) -> bool:
        return self.classification >= Classification.SECRET


def receipt_number(year: int, serial: int) -> str:
    return f"收〔{year}〕{serial}号"


class ReadingPurpose(models.TextChoices):
    READING = "reading", _("For information (分送)")
    CIRCULATION = "circulation", _("Circulated to a leader (传阅)")


class IncomingReading(models.Model):
    """A 阅件 sent to one reader (分送, 条例 §24 step 4), or a 办件 circulated to a leader (传阅)
    while it is handled: when and by whom, when they read it (the read receipt), and what they
    wrote on it (a 批示). Circulated in turn, a reading waits (``sent_at`` empty) until the one
    before it is read."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="readings"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=ReadingPurpose.choices, default=ReadingPurpose.READING
    )
    turn = models.PositiveSmallIntegerField(
        _("turn"), default=0, help_text=_("0: read in parallel; 1, 2…: read in this order.")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    comment = models.TextField(_("instruction (批示)"), blank=True)
    commented_at = models.DateTimeField(_("instruction given at"), null=True, blank=True)
    # Each 批示 with its own time, oldest first: [{"text": str, "at": ISO datetime}, ...];
    # ``comment`` and ``commented_at`` keep them joined, with the last time (lists, receipts).
    instructions = models.JSONField(_("instructions (批示)"), default=list, blank=True)

    class Meta:
        verbose_name = _("reading of an incoming document")
        verbose_name_plural = _("readings of incoming documents")
        constraints = [
            models.UniqueConstraint(fields=["document", "person"], name="incoming_reading_unique")
        ]
        indexes = [
            models.Index(fields=["person", "read_at", "-document"], name="incoming_reader_idx"),
        ]

    @property
    def instruction_entries(self) -> list[dict]:
        """Every 批示 of this reader with its time, oldest first (one written before the times
        were kept one by one comes as one, at the last time)."""
        if self.instructions:
            return [
                {"text": entry.get("text", ""), "at": parse_datetime(entry.get("at") or "")}
                for entry in self.instructions
            ]
        if self.comment:
            return [{"text": self.comment, "at": self.commented_at}]
        return []


class AssignmentState(models.TextChoices):
    HANDLING = "handling", _("Being handled")
    REPORTED = "reported", _("Result reported")
    SENT_BACK = "sent_back", _("Sent back to the office (退办)")


class IncomingAssignment(models.Model):
    """One department's part in handling a 办件 (承办): the lead department or a co-department,
    the result it reports, or its reason for sending the document back (退办)."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead = models.BooleanField(_("lead department (主办)"), default=False)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AssignmentState.choices,
        default=AssignmentState.HANDLING,
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    result = models.TextField(_("result"), blank=True)
    reason = models.TextField(_("reason for sending it back"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("department handling an incoming document")
        verbose_name_plural = _("departments handling incoming documents")
        ordering = ["-lead", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "department"], name="incoming_assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(lead=True) & ~Q(state="sent_back"),
                name="incoming_one_lead_department",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state", "-document"], name="incoming_assign_idx"),
        ]


class IncomingReminder(models.Model):
    """A 催办: who was reminded of a document's handling, by whom, when and with what note; the
    printable 催办单 shows it."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="reminders"
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    # [{"id": …, "name": …, "step": …}] as they were when reminded (names change, people leave).
    recipients = models.JSONField(_("reminded"), default=list)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder (催办)")
        verbose_name_plural = _("reminders (催办)")
        ordering = ["document", "sent_at", "pk"]


class IncomingArchive(models.Model):
    """归档 of a completed incoming document: its archival package (the files received, the
    收文处理单, the handling record and the replies linked), stored once by its SHA-256 through
    :mod:`zhongshu.core.files`; ``manifest`` is a copy of its ``metadata.json``."""

    document = models.OneToOneField(
        IncomingDocument, on_delete=models.PROTECT, related_name="archive_package"
    )
    stored_file = models.ForeignKey(
        "core.StoredFile", verbose_name=_("stored file"), on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    manifest = models.JSONField(_("metadata"), default=dict)
    created_at = models.DateTimeField(_("filed at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("archival package of an incoming document")
        verbose_name_plural = _("archival packages of incoming documents")

    def __str__(self):
        return self.sha256
