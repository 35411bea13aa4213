"""Remove audit events past the retention period (security.md C4: at least 184 days).

Goes through ``audit.purge``, the one flagged path past the delete guard; it leaves a checkpoint
so ``verify_audit`` still proves every kept row. The purge itself is recorded afterwards.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhongshu.core import audit

MIN_RETENTION_DAYS = 184


class Command(BaseCommand):
    help = "Delete audit events older than the retention period (at least 184 days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days (default: the AUDIT_RETENTION_DAYS setting; minimum 184).",
        )

    def handle(self, *args, days=None, **options):
        if days is None:
            days = settings.AUDIT_RETENTION_DAYS
        if days < MIN_RETENTION_DAYS:
            raise CommandError(
                f"Refusing to purge: audit events must be kept at least {MIN_RETENTION_DAYS} "
                f"days (six calendar months, Cybersecurity Law art. 21); got {days}."
            )
        before = timezone.now() - timedelta(days=days)
        purged = audit.purge(before=before, retention_days=days)
        audit.record(
            "audit.purge",
            actor_name="manage.py purge_audit",
            object_type="core.auditevent",
            detail={"days": days, "before": before.isoformat(), "purged": purged},
        )
        self.stdout.write(f"Purged {purged} audit events older than {days} days.")
