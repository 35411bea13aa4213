from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .models import Heartbeat


@db_periodic_task(crontab(minute="*"))
def consumer_heartbeat():
    """Tells /healthz that a queue consumer is alive (idempotent: one row, overwritten)."""
    Heartbeat.objects.update_or_create(name="consumer", defaults={"at": timezone.now()})
