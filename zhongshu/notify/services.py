"""Every write of the notification module (STYLE.md "Services").

``notify()`` is the one entry point for other modules. It writes into the caller's transaction
(DESIGN.md rule 7, security.md F8: a rollback leaves no row) and schedules delivery with
``transaction.on_commit``.

Reminders (due tomorrow, overdue) are produced by a periodic task in the module that owns the
data, and that task may run on several consumers at once. It stays safe by passing a ``key``
that names the reminder, unique per item, kind and day, e.g.::

    notify(event="work.due_soon", recipients=[item.assignee], title=item.title, url=item.url,
           classification=item.classification, unit_id=item.unit_id,
           key=f"due:{item.pk}:{timezone.localdate()}")

The second run (or a second consumer) writes nothing: the key is unique per recipient for the
in-app notification and per (key, recipient, channel) for deliveries.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhongshu.core import audit

from .models import (
    Channel,
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    RobotHost,
    RobotWebhook,
)

# The relay leaves a fresh row alone this long: the on-commit enqueue should deliver it first.
RELAY_GRACE = timedelta(minutes=2)


def _channels_for(recipients, event: str) -> dict[int, list[tuple[str, RobotWebhook | None]]]:
    """(channel, robot) per recipient from their preferences and their department's robots."""
    from zhongshu.org.models import Membership

    ids = [u.pk for u in recipients]
    prefs = {
        p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids, event=event)
    }
    departments = dict(
        Membership.objects.filter(
            user_id__in=ids, is_primary=True, deleted_at__isnull=True
        ).values_list("user_id", "department_id")
    )
    robots: dict[int, list[RobotWebhook]] = {}
    for robot in RobotWebhook.objects.filter(
        department_id__in=set(departments.values()), enabled=True
    ):
        if not robot.events or event in robot.events:
            robots.setdefault(robot.department_id, []).append(robot)
    chosen = {}
    for user in recipients:
        pref = prefs.get(user.pk)
        channels: list[tuple[str, RobotWebhook | None]] = []
        if user.email and (pref is None or pref.email):
            channels.append((Channel.EMAIL, None))
        if pref is None or pref.robot:
            for robot in robots.get(departments.get(user.pk), []):
                channels.append((robot.kind, robot))
        chosen[user.pk] = channels
    return chosen


def notify(
    *,
    event: str,
    recipients,
    title: str,
    url: str,
    classification: int = 0,
    actor=None,
    params: dict | None = None,
    unit_id: int | None = None,
    key: str = "",
) -> int:
    """Tell ``recipients`` about ``event``: in-app always, e-mail and robots by preference.

    Writes in the current transaction (outbox pattern, security.md F8) and enqueues delivery on
    commit. With ``key``, idempotent: a (key, recipient) already notified is skipped. Inactive
    accounts and duplicates in ``recipients`` are skipped. Returns how many people were notified.
    """
    people = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return 0
    if key:
        done = set(
            Notification.objects.filter(key=key, recipient__in=people).values_list(
                "recipient_id", flat=True
            )
        )
        people = [u for u in people if u.pk not in done]
        if not people:
            return 0
    channels = _channels_for(people, event)
    now = timezone.now()
    outbox_ids: list[int] = []
    notified = 0
    for user in people:
        try:
            # A savepoint: a concurrent reminder run that wins the race must not break the
            # caller's transaction.
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    actor=actor if getattr(actor, "pk", None) else None,
                    unit_id=unit_id,
                    event=event,
                    params=params or {},
                    key=key,
                    title=(title or "")[:300],
                    url=(url or "")[:500],
                    classification=int(classification),
                    created_at=now,
                )
                delivery_key = key or f"notification:{notification.pk}"
                for channel, robot in channels[user.pk]:
                    outbox_ids.append(
                        OutboxMessage.objects.create(
                            notification=notification,
                            key=delivery_key,
                            recipient=user,
                            channel=channel,
                            robot=robot,
                            next_attempt_at=now + RELAY_GRACE,
                            created_at=now,
                        ).pk
                    )
        except IntegrityError:
            if not key:
                raise
            continue
        notified += 1
    if outbox_ids:
        transaction.on_commit(lambda: _enqueue(outbox_ids))
    return notified


def _enqueue(outbox_ids) -> None:
    from .tasks import deliver

    for pk in outbox_ids:
        deliver(pk)


# --- The reader's side -----------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> None:
    """Mark one of ``actor``'s own notifications read (the selector checked it is theirs)."""
    if notification.recipient_id != actor.pk:
        raise ValueError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_save(*, actor, choices: dict[str, dict[str, bool]]) -> None:
    """Store ``{event: {"email": bool, "robot": bool}}`` for ``actor`` (in-app is always on)."""
    for event, values in choices.items():
        NotificationPreference.objects.update_or_create(
            user=actor,
            event=event,
            defaults={"email": bool(values.get("email")), "robot": bool(values.get("robot"))},
        )


# --- The system administrator's side --------------------------------------------------------


@transaction.atomic
def outbox_retry(*, actor, message: OutboxMessage) -> None:
    """Put a failed (or stuck) delivery back in the queue; audited."""
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now() + RELAY_GRACE
    )
    audit.record(
        "notify.outbox_retry",
        actor=actor,
        object_type="notify.outboxmessage",
        object_id=str(message.pk),
        object_repr=f"{message.channel} #{message.pk}",
        detail={"channel": message.channel, "status": message.status},
    )
    pk = message.pk
    transaction.on_commit(lambda: _enqueue([pk]))


@transaction.atomic
def robot_save(*, actor, robot: RobotWebhook, secret: str | None = None) -> RobotWebhook:
    """Create or change a department robot; a blank ``secret`` keeps the stored one."""
    created = robot.pk is None
    if secret:
        robot.secret = secret
    robot.save()
    audit.record(
        "notify.robot_create" if created else "notify.robot_update",
        actor=actor,
        object_type="notify.robotwebhook",
        object_id=str(robot.pk),
        object_repr=f"{robot.department} · {robot.get_kind_display()}",
        detail={
            "department": robot.department_id,
            "kind": robot.kind,
            "host": robot.masked_url,
            "enabled": robot.enabled,
            "events": robot.events,
        },
    )
    return robot


@transaction.atomic
def robot_delete(*, actor, robot: RobotWebhook) -> None:
    audit.record(
        "notify.robot_delete",
        actor=actor,
        object_type="notify.robotwebhook",
        object_id=str(robot.pk),
        object_repr=f"{robot.department} · {robot.get_kind_display()}",
    )
    robot.delete()


@transaction.atomic
def robot_host_add(*, actor, host: str) -> RobotHost:
    entry, _created = RobotHost.objects.get_or_create(host=host.strip().lower())
    audit.record("notify.robot_host_add", actor=actor, obj=entry, detail={"host": entry.host})
    return entry


@transaction.atomic
def robot_host_remove(*, actor, entry: RobotHost) -> None:
    audit.record("notify.robot_host_remove", actor=actor, obj=entry, detail={"host": entry.host})
    entry.delete()
