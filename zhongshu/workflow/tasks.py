from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/15"))
def remind_due_items():
    """Due-soon and overdue reminders; idempotent per item, kind and day."""
    services.remind_due()
