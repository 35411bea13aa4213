"""Outgoing official documents (发文): the draft and its versions, numbering, copies, seals,
distribution and the archival package (issue 4; gongwen.md §1.5 and §2).

Choices are stored as short English keys; :mod:`zhongshu.documents.terms` maps them to the
Chinese words that the proofreader and the renderer speak. The text of a document (everything
the proofreader reads and the renderer prints, see :data:`CONTENT_FIELDS`) is versioned: each save
of a changed text writes a :class:`DocumentVersion` with the whole snapshot and its SHA-256, and
at 签发 the document records the hash of the signed text (the 定稿).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import BaseModel, Classification


class Kind(models.TextChoices):
    """The fifteen statutory kinds (文种), 条例 §8."""

    RESOLUTION = "resolution", _("Resolution (决议)")
    DECISION = "decision", _("Decision (决定)")
    ORDER = "order", _("Order (命令)")
    COMMUNIQUE = "communique", _("Communiqué (公报)")
    ANNOUNCEMENT = "announcement", _("Announcement (公告)")
    PUBLIC_NOTICE = "public_notice", _("Public notice (通告)")
    OPINION = "opinion", _("Opinion (意见)")
    NOTICE = "notice", _("Notice (通知)")
    CIRCULAR = "circular", _("Circular (通报)")
    REPORT = "report", _("Report (报告)")
    REQUEST = "request", _("Request (请示)")
    REPLY = "reply", _("Reply (批复)")
    MOTION = "motion", _("Motion (议案)")
    LETTER = "letter", _("Letter (函)")
    MINUTES = "minutes", _("Minutes (纪要)")


class Layout(models.TextChoices):
    """GB/T 9704 §10: the general layout and the three special ones."""

    FILE = "file", _("Document (文件)")
    LETTER = "letter", _("Letter format (信函)")
    MINUTES = "minutes", _("Minutes format (纪要)")
    ORDER = "order", _("Order format (命令)")


class Direction(models.TextChoices):
    UP = "up", _("Upward (上行文)")
    LATERAL = "lateral", _("Lateral (平行文)")
    DOWN = "down", _("Downward (下行文)")


class Urgency(models.IntegerChoices):
    """紧急程度 of a document; the values match the workflow's urgency of its approval."""

    NORMAL = 0, _("Not urgent")
    URGENT = 1, _("Urgent (加急)")
    VERY_URGENT = 2, _("Very urgent (特急)")


class Disclosure(models.TextChoices):
    """公开属性 (政府信息公开条例): a withheld document states why."""

    PUBLIC = "public", _("Disclosed proactively (主动公开)")
    ON_REQUEST = "on_request", _("Disclosed on request (依申请公开)")
    WITHHELD = "withheld", _("Not disclosed (不予公开)")


class State(models.TextChoices):
    """Where an outgoing document stands (条例 §18–22 拟制, §25 发文办理)."""

    DRAFT = "draft", _("Drafting")
    REVIEW = "review", _("In review")
    RETURNED = "returned", _("Returned for revision")
    SIGNED = "signed", _("Signed, awaiting check")
    CHECKED = "checked", _("Checked, awaiting registration")
    REGISTERED = "registered", _("Registered, awaiting printing")
    PRINTED = "printed", _("Printed, awaiting seal")
    SEALED = "sealed", _("Sealed, awaiting distribution")
    DISTRIBUTED = "distributed", _("Distributed")
    FILED = "filed", _("Filed")
    CANCELLED = "cancelled", _("Cancelled")


# The fields that make up the text of a document: what a version snapshots, what the 定稿 hash
# covers, and what a change after 签发 sends back to the signer.
CONTENT_FIELDS = (
    "kind",
    "layout",
    "direction",
    "classification",
    "secrecy_period",
    "urgency",
    "issuers",
    "title",
    "main_recipients",
    "cc_recipients",
    "body",
    "attachment_names",
    "note",
    "printed_by",
    "present",
    "absent",
    "attending",
    "forwarded_title",
)


class Organ(BaseModel):
    """An external unit in the office's directory of addressees (主送 / 抄送)."""

    class Relation(models.TextChoices):
        SUPERIOR = "superior", _("Superior organ")
        PEER = "peer", _("Peer organ")
        SUBORDINATE = "subordinate", _("Subordinate organ")
        OTHER = "other", _("Other")

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    relation = models.CharField(
        _("relation"), max_length=20, choices=Relation.choices, default=Relation.OTHER
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("external organ")
        verbose_name_plural = _("external organs")
        ordering = ["unit", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                condition=Q(deleted_at__isnull=True),
                name="organ_name_unique",
            )
        ]

    def __str__(self):
        return self.name


class NumberSeries(BaseModel):
    """A series of 发文字号 (机关代字〔年份〕序号号), configured by the office.

    Only a series owned by the general office may number documents that leave the unit
    (``external``); 纪要 and 信函 have series of their own (``layout``).
    """

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("organ code (机关代字)"), max_length=30)
    layout = models.CharField(
        _("layout"), max_length=20, choices=Layout.choices, default=Layout.FILE
    )
    external = models.BooleanField(_("for documents leaving the unit"), default=True)
    owner = models.ForeignKey(
        "org.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    yearly_restart = models.BooleanField(_("restart at 1 each year"), default=True)
    start_number = models.PositiveIntegerField(_("first number"), default=1)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        ordering = ["unit", "layout", "code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code"],
                condition=Q(deleted_at__isnull=True),
                name="number_series_code_unique",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class NumberCounter(models.Model):
    """The last sequence number given in a series and year; locked while a number is given."""

    series = models.ForeignKey(NumberSeries, on_delete=models.CASCADE, related_name="counters")
    year = models.PositiveSmallIntegerField()  # 0 for a series that never restarts
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="number_counter_unique")
        ]


class IssuedNumber(models.Model):
    """Every 发文字号 ever given: used by a document, or void (withdrawn, never reused)."""

    class Status(models.TextChoices):
        USED = "used", _("In use")
        VOID = "void", _("Void")

    series = models.ForeignKey(
        NumberSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="numbers"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    text = models.CharField(_("document number"), max_length=60)
    document = models.ForeignKey(
        "documents.OutgoingDocument",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_numbers",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.USED
    )
    issued_at = models.DateTimeField(_("given at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        ordering = ["series", "-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], name="issued_number_unique"
            )
        ]

    def __str__(self):
        return self.text


class OutgoingDocument(BaseModel):
    """A document this unit sends out, from the first draft to the archival package."""

    # Its large text columns, which lists and registers never read (``defer``).
    TEXT_COLUMNS = (
        "body",
        "main_recipients",
        "cc_recipients",
        "attachment_names",
        "present",
        "absent",
        "attending",
        "issuers",
        "milestones",
    )

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    # --- The text (CONTENT_FIELDS): versioned, proofread, frozen at 签发 ---------------------
    kind = models.CharField(_("kind (文种)"), max_length=20, choices=Kind.choices)
    layout = models.CharField(
        _("format"), max_length=20, choices=Layout.choices, default=Layout.FILE
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.DOWN
    )
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.PUBLIC
    )
    secrecy_period = models.CharField(_("period of secrecy"), max_length=10, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    # Issuing organs in order, the lead (主办) organ first: ["某市人民政府办公室", ...].
    issuers = models.JSONField(_("issuing organs"), default=list)
    title = models.CharField(_("title"), max_length=300)
    # Addressees as [{"name": str, "department": id | None, "organ": id | None}, ...].
    main_recipients = models.JSONField(_("main recipients"), default=list, blank=True)
    cc_recipients = models.JSONField(_("copies to"), default=list, blank=True)
    # [{"level": 0..4, "text": str}, ...]: paragraphs (0) and the four heading levels.
    body = models.JSONField(_("body"), default=list, blank=True)
    attachment_names = models.JSONField(_("attachments listed"), default=list, blank=True)
    note = models.CharField(_("note (附注)"), max_length=300, blank=True)
    printed_by = models.CharField(_("printing organ (印发机关)"), max_length=100, blank=True)
    present = models.JSONField(_("present"), default=list, blank=True)  # 纪要: 出席
    absent = models.JSONField(_("excused"), default=list, blank=True)  # 纪要: 请假
    attending = models.JSONField(_("attending"), default=list, blank=True)  # 纪要: 列席
    forwarded_title = models.CharField(  # 转发/印发: the forwarded document, not an attachment
        _("forwarded document"), max_length=300, blank=True
    )
    # --- Handling -----------------------------------------------------------------------------
    important = models.BooleanField(_("important document"), default=False)
    disclosure = models.CharField(
        _("disclosure"), max_length=20, choices=Disclosure.choices, default=Disclosure.PUBLIC
    )
    disclosure_reason = models.CharField(_("reason not disclosed"), max_length=300, blank=True)
    # 会签: the other departments asked to countersign (their heads, in parallel).
    countersign_departments = models.JSONField(
        _("countersigning departments"), default=list, blank=True
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("drafting department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafter"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    text_version = models.PositiveIntegerField(_("text version"), default=1)
    findings_errors = models.PositiveSmallIntegerField(default=0)  # proofreading, last run
    # 答复 or 转发: the incoming document this one answers (批复, 复函) or passes on.
    answers = models.ForeignKey(
        "documents.IncomingDocument",
        verbose_name=_("answers or forwards"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_by",
    )
    # 签报: the internal memo whose decision this document carries out.
    memo = models.ForeignKey(
        "documents.Memo",
        verbose_name=_("follows the internal memo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    findings_warnings = models.PositiveSmallIntegerField(default=0)
    # 签发: who signed, when, and the SHA-256 of the signed text (定稿). 成文日期 = issued_on.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # The signer's 职务 when they signed, printed beside a 命令's 签名章 (GB/T 9704 §7.3.5.3).
    signer_title = models.CharField(_("signer's title"), max_length=40, blank=True)
    issued_on = models.DateField(_("date of issue (成文日期)"), null=True, blank=True)
    final_hash = models.CharField(_("signed text SHA-256"), max_length=64, blank=True)
    # 登记
    series = models.ForeignKey(
        NumberSeries,
        verbose_name=_("number series"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    number_sequence = models.PositiveIntegerField(null=True, blank=True)
    # The year lists file it under: the number's year once numbered, else the year drafted
    # (one indexed column; an OR of the two read the whole table at 1,000,000 documents).
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    copies = models.PositiveIntegerField(_("copies printed"), default=0)
    distribution_scope = models.TextField(_("distribution"), blank=True)
    print_date = models.DateField(_("printing date (印发日期)"), null=True, blank=True)
    # Office milestones after signing: (at, by) of each, for the timeline.
    milestones = models.JSONField(default=dict, blank=True)
    # The drafting form's one-time token: a form sent twice (double click, resend) drafts once.
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["unit", "-id"], name="outgoing_unit_idx"),
            models.Index(fields=["unit", "state", "-id"], name="outgoing_state_idx"),
            models.Index(fields=["drafter", "-id"], name="outgoing_drafter_idx"),
            models.Index(fields=["unit", "year", "-id"], name="outgoing_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["drafter", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="outgoing_drafted_once",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None or self.year is None:
            self.year = self.filing_year()
        super().save(*args, **kwargs)

    def filing_year(self) -> int:
        """The number's year once numbered, else the (local) year it was drafted."""
        return self.number_year or timezone.localtime(self.created_at).year

    @property
    def is_classified(self) -> bool:
        return self.classification >= Classification.SECRET

    @property
    def is_upward(self) -> bool:
        """请示 and 报告 go up whatever the form says (条例 §15)."""
        return self.direction == Direction.UP or self.kind in (Kind.REQUEST, Kind.REPORT)

    @property
    def needs_principal(self) -> bool:
        """上行文 and important documents are signed by the 主要负责人 (条例 §20); a route
        condition on this field sends them there."""
        return self.important or self.is_upward

    @property
    def is_joint(self) -> bool:
        return len(self.issuers or []) > 1


class DocumentVersion(models.Model):
    """One saved text of a document: the whole snapshot, its hash, who and why."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    stage = models.CharField(_("stage"), max_length=20, choices=State.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("saved at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]


class JointSignature(models.Model):
    """联合行文: the 会签 of a joint organ's leader, recorded by the office from the signed paper.

    The 成文日期 of a joint document is the date of the last signature (条例 §9).
    """

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="joint_signatures"
    )
    organ = models.CharField(_("organ"), max_length=100)
    signer = models.CharField(_("signed by"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["document", "signed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "organ"], name="joint_signature_unique")
        ]


class ProofreadOverride(models.Model):
    """The office's decision, at 审核, to let a standard-breaking finding stand (audited)."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="overrides"
    )
    rule = models.CharField(_("rule"), max_length=10)
    key = models.CharField(max_length=64)  # the finding's identity: rule, field, offset, text
    message = models.TextField(_("finding"))
    reason = models.CharField(_("reason"), max_length=300)
    text_version = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="proofread_override_unique")
        ]


class CopyNumber(models.Model):
    """份号: one six-digit number per printed copy of a classified document, and its holder."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="copy_numbers"
    )
    number = models.PositiveIntegerField(_("copy number"))
    recipient = models.CharField(_("recipient"), max_length=100, blank=True)
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="copy_number_unique")
        ]

    @property
    def text(self) -> str:
        return f"{self.number:06d}"


class SealUse(models.Model):
    """用印: a physical seal put on printed copies, recorded in the seal register."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="seal_uses"
    )
    seal = models.CharField(_("seal"), max_length=100)
    copies = models.PositiveIntegerField(_("copies sealed"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    used_at = models.DateTimeField(_("sealed at"))
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sealed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["document", "used_at", "id"]


class Dispatch(models.Model):
    """核发: one recipient of a distributed document.

    Internal people get it in their inbox (a read receipt when they open it); external organs are
    recorded with the channel and time it left.
    """

    class Channel(models.TextChoices):
        SYSTEM = "system", _("In Zhongshu")
        CONFIDENTIAL_MAIL = "confidential_mail", _("Confidential courier (机要交通)")
        POST = "post", _("Post")
        HAND = "hand", _("By hand")
        FAX = "fax", _("Fax")
        EMAIL = "email", _("E-mail")
        GOV_NETWORK = "gov_network", _("Government network")

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="dispatches"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organ = models.CharField(_("organ"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    copy_number = models.PositiveIntegerField(_("copy number"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["document", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "person"],
                condition=Q(person__isnull=False),
                name="dispatch_person_unique",
            )
        ]
        indexes = [models.Index(fields=["person", "read_at"], name="dispatch_unread_idx")]


class ArchivePackage(models.Model):
    """归档: the archival package of a filed document (DA/T 22-2015, gongwen.md §3).

    The ZIP is stored once by its SHA-256 through :mod:`zhongshu.core.files` (the fixity check
    re-hashes it); ``manifest`` is a copy of its ``metadata.json``, for the archives module.
    """

    document = models.OneToOneField(
        OutgoingDocument, on_delete=models.PROTECT, related_name="archive_package"
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
        verbose_name = _("archival package")
        verbose_name_plural = _("archival packages")

    def __str__(self):
        return self.sha256


class OfficeTypo(BaseModel):
    """A word the office knows to be mistyped (R29, 形近字 such as 己经 → 已经), added to the
    proofreader's built-in list; an entry for a built-in word replaces it. Removed entries are
    soft-deleted, so the list's history stays in the audit trail and the table."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    wrong = models.CharField(_("mistyped word"), max_length=20)
    right = models.CharField(_("correct word"), max_length=20)
    # Correct words that contain the mistyped one (自己经常 contains 己经): not reported.
    exceptions = models.JSONField(_("correct words containing it"), default=list, blank=True)

    class Meta:
        verbose_name = _("typo")
        verbose_name_plural = _("typos")
        ordering = ["unit", "wrong", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "wrong"],
                condition=Q(deleted_at__isnull=True),
                name="office_typo_wrong_unique",
            )
        ]

    def __str__(self):
        return f"{self.wrong} → {self.right}"


# The incoming half (issue 5) and its classified copies live in their own modules; imported here
# so Django finds them.
from .models_copies import (  # noqa: E402, F401
    ClassifiedCopy,
    CopyDisposal,
    CopyEvent,
    CopyKind,
    CopyState,
    CopyVerb,
    DisposalCounter,
    DisposalKind,
    DisposalState,
)
from .models_incoming import (  # noqa: E402, F401
    AssignmentState,
    DeadlineSource,
    Handling,
    IncomingArchive,
    IncomingAssignment,
    IncomingCounter,
    IncomingDocument,
    IncomingReading,
    IncomingReminder,
    IncomingState,
    ReadingPurpose,
)
from .models_memo import Memo, MemoCounter, MemoState  # noqa: E402, F401
