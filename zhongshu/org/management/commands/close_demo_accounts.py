"""Going to production: close every demo account (their password is published; security.md B5).

Production mode refuses to start while demo accounts are open; this is how they are closed.
Each account is closed, its password made unusable and its sessions ended, and each closure is
an ``account.closed`` audit event.
"""

from django.core.management.base import BaseCommand

from zhongshu.org import services_accounts


class Command(BaseCommand):
    help = "Close every demo account (run before going to production). Audited."

    def handle(self, *args, **options):
        closed = services_accounts.demo_accounts_close()
        if not closed:
            self.stdout.write("No open demo account.")
            return
        for username in closed:
            self.stdout.write(f"Closed {username}")
        self.stdout.write(self.style.SUCCESS(f"{len(closed)} demo account(s) closed."))
