"""Notifications: the in-app bell, and an outbox delivered by the queue (DESIGN.md rule 7).

A ``Notification`` is the in-app copy, one per recipient; an ``OutboxMessage`` is one delivery
per (event key, recipient, channel) — the unique constraint is what makes a retried or repeated
event (a reminder run on two consumers) never write, and so never send, the same message twice.
Event and parameters are stored, not rendered text: the text is rendered in the recipient's
language when shown or delivered.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.core.models import Classification


class Event(models.TextChoices):
    ASSIGNED = "work.assigned", _("New item to handle")
    DUE_SOON = "work.due_soon", _("Item due tomorrow")
    OVERDUE = "work.overdue", _("Item overdue")
    DECIDED = "work.decided", _("Decision on my item")
    CC = "work.cc", _("Copy for my information")
    REMINDED = "work.reminded", _("Reminder (催办) to act on an item")
    INSTRUCTED = "work.instructed", _("New instruction (批示) on a document")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group robot")


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


DEFAULT_ROBOT_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn")


class Notification(models.Model):
    """The in-app copy of an event for one person (always written; the bell counts unread ones)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True)
    event = models.CharField(_("event"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    key = models.CharField(_("event key"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.PUBLIC
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"], condition=~Q(key=""), name="notification_key_unique"
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_id}"


class OutboxMessage(models.Model):
    """One delivery of a notification on one channel: the row is the truth, not the task."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    key = models.CharField(_("event key"), max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    robot = models.ForeignKey(
        "notify.RobotWebhook",
        verbose_name=_("robot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient", "channel"], name="outbox_key_recipient_channel"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ]

    def __str__(self):
        return f"{self.channel} #{self.pk}"


class RobotWebhook(models.Model):
    """A department's group robot. The URL and the DingTalk secret are secrets: never shown back."""

    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RobotKind.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk robots with the “signed” security setting only."),
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["department_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["department", "kind"], name="robot_department_kind")
        ]

    def __str__(self):
        return f"{self.department_id} {self.kind}"

    @property
    def masked_url(self) -> str:
        """Scheme and host only: the path holds the access token."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}/…"

    @property
    def masked_secret(self) -> str:
        return f"…{self.secret[-4:]}" if len(self.secret) >= 12 else ("…" if self.secret else "")


class RobotHost(models.Model):
    """The allow-list of robot hosts (security: no request to any other host, no SSRF)."""

    host = models.CharField(_("host name"), max_length=253, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("allowed robot host")
        verbose_name_plural = _("allowed robot hosts")
        ordering = ["host"]

    def __str__(self):
        return self.host


class NotificationPreference(models.Model):
    """One person's choice for one event. No row means the defaults (e-mail and robot on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    email = models.BooleanField(_("e-mail"), default=True)
    robot = models.BooleanField(_("my department's group robot"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_pref_unique")
        ]
