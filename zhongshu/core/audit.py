"""The one append point of the audit trail (DESIGN.md §3, security.md C1–C5).

Every event is hashed over a canonical JSON form of its row (sorted keys: PostgreSQL's jsonb
reorders keys, so the hash is never computed by the database) chained to the previous event:
``hash = sha256(prev_hash + canonical_row)``. Appending locks the one-row chain head, so the
chain stays linear with many writers. It runs inside the caller's transaction: if the audit
write fails, the business change rolls back (C5).
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from . import context
from .models import AuditChainHead, AuditCheckpoint, AuditEvent, AuditResult, Classification

GENESIS_HASH = "0" * 64


def _clean(text: str, limit: int) -> str:
    """Store control characters escaped so a forged "newline" can't fake a second entry (C2)."""
    text = str(text or "")
    text = text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return text[:limit]


def canonical(event: AuditEvent) -> str:
    """The text that is hashed: every stored field but the hashes, keys sorted."""
    at = event.at.astimezone(UTC) if isinstance(event.at, datetime) else event.at
    row = {
        "id": event.pk,
        "at": at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "unit_id": event.unit_id,
        "ip": event.ip,
        "request_id": event.request_id,
        "action": event.action,
        "result": event.result,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "classification": int(event.classification),
        "detail": event.detail,
    }
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def _json_safe(value):
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    result: str = AuditResult.SUCCESS,
    classification: int = Classification.PUBLIC,
    detail: dict | None = None,
    unit_id: int | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. ``detail`` holds before/after values, never passwords or bodies."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
        if unit_id is None:
            unit_id = getattr(obj, "unit_id", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None:
        actor_name = actor_name or actor.get_username()
        if unit_id is None:
            unit_id = getattr(actor, "unit_id", None)
    ctx = context.current()
    with transaction.atomic():
        head = _lock_head()
        event = AuditEvent(
            at=timezone.now(),
            actor=actor,
            actor_name=_clean(actor_name, 200),
            actor_role=getattr(actor, "admin_role", "") or "",
            unit_id=unit_id,
            ip=_clean(ctx.ip, 64),
            request_id=_clean(ctx.request_id, 40),
            action=action,
            result=result,
            object_type=_clean(object_type, 60),
            object_id=_clean(object_id, 64),
            object_repr=_clean(object_repr, 300),
            classification=int(classification),
            detail=_json_safe(detail or {}),
            prev_hash=head.last_hash,
            hash="",
        )
        # The id is part of the hashed row, so it is taken from the head, not the sequence.
        event.pk = head.last_event_id + 1
        event.hash = compute_hash(head.last_hash, event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, last_event_id=event.pk)
    return event


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def verify_chain(batch_size: int = 2000) -> tuple[bool, int, str]:
    """Walk the chain from the newest checkpoint. Returns (ok, events checked, problem)."""
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    prev_hash = checkpoint.prev_hash if checkpoint else GENESIS_HASH
    expected_id = checkpoint.first_kept_id if checkpoint else 1
    checked = 0
    last_id = expected_id - 1
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not rows:
            break
        for event in rows:
            if event.pk != expected_id:
                return (
                    False,
                    checked,
                    f"event #{expected_id} is missing (next present: #{event.pk})",
                )
            if event.prev_hash != prev_hash:
                return False, checked, f"event #{event.pk} does not follow the previous event"
            if compute_hash(prev_hash, event) != event.hash:
                return False, checked, f"event #{event.pk} was altered"
            prev_hash = event.hash
            expected_id += 1
            checked += 1
            last_id = event.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_event_id > last_id:
        return (
            False,
            checked,
            f"events after #{last_id} are missing (the chain ends at #{head.last_event_id})",
        )
    if head and checked and head.last_hash != prev_hash:
        return False, checked, f"event #{last_id} does not match the chain head"
    return True, checked, ""


def purge(*, before: datetime, retention_days: int) -> int:
    """Remove events older than ``before`` through the one flagged path (C4).

    The retention floor is checked again here; a checkpoint keeps the hash the chain continues
    from so verification still proves every kept row.
    """
    from django.core.exceptions import ImproperlyConfigured

    if retention_days < 184:
        raise ImproperlyConfigured("Audit retention must be at least 184 days.")
    if before > timezone.now() - timedelta(days=retention_days):
        raise ValueError("Refusing to purge audit events inside the retention period.")
    with transaction.atomic():
        _lock_head()
        doomed = AuditEvent.objects.filter(at__lt=before).order_by("-pk").first()
        if doomed is None:
            return 0
        first_kept = doomed.pk + 1
        count = AuditEvent.objects.filter(pk__lt=first_kept).count()
        _set_purge_flag(True)
        try:
            AuditEvent.objects.filter(pk__lt=first_kept).delete()
        finally:
            _set_purge_flag(False)
        AuditCheckpoint.objects.create(
            first_kept_id=first_kept,
            prev_hash=doomed.hash,
            purged_count=count,
            purged_before=before,
        )
    return count


def _set_purge_flag(on: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT set_config('zhongshu.audit_purge', %s, true)", ["on" if on else "off"]
            )
        else:
            # SQLite triggers cannot read a session flag: drop and re-create the DELETE guard
            # inside the same transaction (SQLite DDL is transactional).
            if on:
                cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
            else:
                cursor.execute(SQLITE_NO_DELETE)


SQLITE_NO_UPDATE = (
    "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
)
SQLITE_NO_DELETE = (
    "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
)
POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('zhongshu.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent;
CREATE TRIGGER core_auditevent_guard BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard();
"""


def install_guard(schema_editor) -> None:
    """Called by the migration: the database itself refuses UPDATE and DELETE (C3)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_GUARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE)
        schema_editor.execute(SQLITE_NO_DELETE)
