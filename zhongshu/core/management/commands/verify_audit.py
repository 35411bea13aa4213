"""Walk the audit hash chain from the newest checkpoint (DESIGN.md §3, security.md C3).

Exit status 0 when every event is intact, 1 at the first altered or missing one, so that cron or
monitoring can alarm on it. The check itself is recorded as an ``audit.verify`` event.
"""

import sys

from django.core.management.base import BaseCommand

from zhongshu.core import audit
from zhongshu.core.models import AuditResult


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit 1 naming the first altered or missing event."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="Do not append an audit.verify event (e.g. on a read-only copy).",
        )

    def handle(self, *args, no_record=False, **options):
        ok, checked, problem = audit.verify_chain()
        if not no_record:
            audit.record(
                "audit.verify",
                actor_name="manage.py verify_audit",
                object_type="core.auditevent",
                result=AuditResult.SUCCESS if ok else AuditResult.FAILURE,
                detail={"checked": checked, "problem": problem},
            )
        if ok:
            self.stdout.write(f"OK: {checked} events verified")
            return
        self.stderr.write(f"FAILED after {checked} good events: {problem}")
        sys.exit(1)
