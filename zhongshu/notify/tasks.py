"""Queue tasks of the notification module (CONVENTIONS.md "Background work").

Huey never acknowledges a task, so the outbox row is the truth: ``deliver`` is idempotent and
the minute relay re-enqueues rows still pending after their next attempt time.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import delivery


@db_task()
def deliver(outbox_id: int) -> str:
    return delivery.deliver_now(outbox_id)


@db_periodic_task(crontab(minute="*"))
def relay_outbox() -> int:
    ids = delivery.relay_due()
    for pk in ids:
        deliver(pk)
    return len(ids)
