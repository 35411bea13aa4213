"""Shared kernel: the base of every business row, the audit trail and small platform state."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    """密级 levels, ordered so that a clearance can be compared with a mark (DESIGN.md §2)."""

    PUBLIC = 0, _("Public")
    INTERNAL = 1, _("Internal")
    SECRET = 2, _("Secret")
    CONFIDENTIAL = 3, _("Confidential")
    TOP_SECRET = 4, _("Top secret")


class StaleVersionError(Exception):
    """Someone else saved the row since it was read (optimistic locking)."""


class BaseModel(models.Model):
    """Fields every business row carries (CONVENTIONS.md, "Data model").

    ``version`` is the optimistic lock: services call :meth:`save_versioned` with the version
    the user saw, and a stale one is refused. ``deleted_at`` is soft deletion; unique
    constraints on subclasses are partial on ``deleted_at IS NULL``.
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save_versioned(self, *, actor, expected_version: int | None, update_fields=None):
        """Save only if nobody changed the row since ``expected_version`` was read.

        One conditional UPDATE (``WHERE version = expected``) so two concurrent saves cannot
        both win, on SQLite and PostgreSQL alike.
        """
        if self.pk is None:
            self.created_by = actor
            self.updated_by = actor
            self.save()
            return
        if expected_version is None:
            expected_version = self.version
        self.updated_by = actor
        self.updated_at = timezone.now()
        fields = [
            f
            for f in self._meta.concrete_fields
            if not f.primary_key and f.name not in {"created_at", "created_by", "version"}
        ]
        if update_fields is not None:
            wanted = set(update_fields) | {"updated_at", "updated_by"}
            fields = [f for f in fields if f.name in wanted or f.attname in wanted]
        values = {f.attname: getattr(self, f.attname) for f in fields}
        changed = (
            type(self)
            ._base_manager.filter(pk=self.pk, version=expected_version)
            .update(version=models.F("version") + 1, **values)
        )
        if changed != 1:
            raise StaleVersionError
        self.version = expected_version + 1


class AuditChainHead(models.Model):
    """One row: the hash of the newest audit event. Appending locks it (CONVENTIONS.md, Audit)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_event_id = models.BigIntegerField(default=0)


class AuditCheckpoint(models.Model):
    """Written by the retention purge: verification of the chain restarts from here."""

    created_at = models.DateTimeField(default=timezone.now)
    first_kept_id = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    purged_count = models.PositiveIntegerField()
    purged_before = models.DateTimeField()

    class Meta:
        ordering = ["-id"]


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    """An append-only, hash-chained record of something that happened (等保 8.1.4.3, DESIGN.md §3).

    ``hash = sha256(prev_hash + canonical_row)``; a database trigger refuses UPDATE and DELETE.
    The actor and object are copied as text so the row still reads the same if they change.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=200, blank=True)
    actor_role = models.CharField(_("role"), max_length=40, blank=True)
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True)
    ip = models.CharField(_("IP address"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=40, blank=True)
    action = models.CharField(_("event"), max_length=60, db_index=True)
    result = models.CharField(
        _("result"), max_length=10, choices=AuditResult.choices, default=AuditResult.SUCCESS
    )
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.PUBLIC
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["actor_name", "-id"], name="audit_actor_name_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action}"


class Heartbeat(models.Model):
    """The queue consumer's last sign of life, read by /healthz."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()


class SystemConfig(BaseModel):
    """Deployment configuration that the system administrator edits in a page (三员: 系统管理员)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    site_name = models.CharField(
        _("system name"), max_length=100, blank=True, help_text=_("Shown in the top bar.")
    )
    login_notice = models.TextField(
        _("sign-in notice"),
        blank=True,
        help_text=_("Shown under the sign-in form, e.g. the confidentiality reminder."),
    )
    support_contact = models.CharField(_("support contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("system configuration")

    @classmethod
    def get(cls) -> "SystemConfig":
        return cls.objects.get_or_create(pk=1)[0]


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")


class CalendarDay(BaseModel):
    """An exception to the Monday–Friday week: an official holiday or a make-up working day
    (调休上班). The office enters each year when the State Council publishes it (rules.md,
    "Working days"); one calendar for the whole deployment, since it is national."""

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(
        _("name"), max_length=40, blank=True, help_text=_("For example 国庆节 (National Day).")
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(deleted_at__isnull=True),
                name="core_calendarday_date_unique",
            )
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


class FileKind(models.TextChoices):
    """The formats accepted as attachments, identified from content (CONVENTIONS.md "Files")."""

    PDF = "pdf", "PDF"
    OFD = "ofd", "OFD"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PPTX = "pptx", "PowerPoint (PPTX)"
    DOC = "doc", "Word (DOC)"
    XLS = "xls", "Excel (XLS)"
    WPS = "wps", "WPS"
    ET = "et", "WPS (ET)"
    TXT = "txt", _("Plain text")
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    TIFF = "tiff", "TIFF"
    ZIP = "zip", "ZIP"


class StoredFile(models.Model):
    """One stored content, addressed by its SHA-256 (security.md D3, E5): the same file is
    stored once however many attachments point to it. The storage path is derived from the
    hash, never from the user's file name."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    kind = models.CharField(_("format"), max_length=10, choices=FileKind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    verified_at = models.DateTimeField(_("last verified"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self):
        return self.sha256

    @staticmethod
    def path_for(sha256: str) -> str:
        return f"attachments/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    @property
    def storage_name(self) -> str:
        return self.path_for(self.sha256)


class Attachment(BaseModel):
    """A file attached to a business object of a registered owner kind (zhongshu.core.files).

    The owner is named by its registered kind and id, so the kernel needs no import of the
    module that owns it; its classification and unit are copied here when attaching.
    """

    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True, db_index=True)
    owner_type = models.CharField(_("owner kind"), max_length=60)
    owner_id = models.CharField(_("owner id"), max_length=64)
    stored_file = models.ForeignKey(
        StoredFile,
        verbose_name=_("stored file"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.PUBLIC
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="core_attachment_owner")]

    def __str__(self):
        return self.name
