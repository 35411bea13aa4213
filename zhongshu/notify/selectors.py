"""Every read of the notification module: fetch and authorise in one call (STYLE.md)."""

from .models import Notification, OutboxMessage, OutboxStatus, RobotHost, RobotWebhook


def unread_count(user) -> int:
    """The bell: one capped COUNT on the (recipient, read_at, -id) index — the badge shows
    "99+" beyond 99, so counting further would only cost time."""
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    return unread.values("pk")[:BADGE_CAP].count()


BADGE_CAP = 100


def notifications_for(user, *, before: int | None = None, unread_only=False, limit: int = 51):
    """The reader's own notifications, newest first, keyset-paged on id."""
    rows = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if before:
        rows = rows.filter(pk__lt=before)
    return list(rows.order_by("-id")[:limit])


def notification_for(user, pk: int) -> Notification | None:
    """One notification if it is the reader's own; ``None`` otherwise (the view answers 404)."""
    return Notification.objects.filter(pk=pk, recipient_id=user.pk).first()


def outbox_for_administrator(*, status: str = "", before: int | None = None, limit: int = 51):
    """Undelivered messages for the system administrator: no titles (三员 read no content)."""
    rows = OutboxMessage.objects.select_related("recipient", "notification").only(
        "id",
        "channel",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "recipient__username",
        "recipient__full_name",
        "notification__event",
    )
    rows = rows.filter(status=status) if status else rows.exclude(status=OutboxStatus.SENT)
    if before:
        rows = rows.filter(pk__lt=before)
    return list(rows.order_by("-id")[:limit])


def robots() -> list[RobotWebhook]:
    return list(
        RobotWebhook.objects.select_related("department", "department__unit").order_by(
            "department__unit_id", "department__sort_order", "department_id", "kind"
        )
    )


def robot_hosts() -> list[RobotHost]:
    return list(RobotHost.objects.order_by("host"))
