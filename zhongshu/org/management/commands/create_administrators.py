"""Create the three separated administrators of a new deployment (三员分立, security.md B4/B5).

Each gets a random initial password, printed once, valid for one sign-in within 24 hours; at
that sign-in they choose their own password and bind an authenticator app (TOTP).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhongshu.core import audit
from zhongshu.org.models import AdminRole, Unit, User
from zhongshu.org.passwords import initial_password_issue

ROLES = [
    ("sysadmin", AdminRole.SYSTEM, "系统管理员"),
    ("secadmin", AdminRole.SECURITY, "安全保密管理员"),
    ("auditor", AdminRole.AUDIT, "安全审计员"),
]


class Command(BaseCommand):
    help = "Create the system, security and audit administrators with initial passwords."

    def add_arguments(self, parser):
        parser.add_argument("--prefix", default="", help="Prefix for the three user names.")
        parser.add_argument(
            "--unit", default="", help="Name of the unit, created when none exists."
        )
        parser.add_argument("--unit-code", default="", help="Code of that unit.")

    @transaction.atomic
    def handle(self, *args, prefix="", unit="", unit_code="", **options):
        if User.objects.filter(admin_role__in=AdminRole.values, closed_at__isnull=True).exists():
            raise CommandError(
                "Administrators already exist. The system administrator opens further accounts "
                "in the web pages; the security administrator grants administrator roles."
            )
        home = Unit.objects.filter(deleted_at__isnull=True, parent__isnull=True).first()
        if home is None:
            if not unit or not unit_code:
                raise CommandError("No unit exists yet: give --unit NAME --unit-code CODE.")
            home = Unit.objects.create(name=unit, code=unit_code)
            audit.record("org.unit_created", obj=home)
        lines = []
        for username, role, name in ROLES:
            username = f"{prefix}{username}"
            if User.objects.filter(username=username).exists():
                raise CommandError(f"The user name {username!r} is taken; use --prefix.")
            user = User.objects.create_user(
                username=username, full_name=name, admin_role=role, unit=home
            )
            password = initial_password_issue(actor=None, user=user)
            lines.append(f"  {username:<16} {password}")
        audit.record("account.administrators_created", detail={"count": len(ROLES)})
        self.stdout.write(
            "The three administrators were created. Initial passwords (shown once, valid for "
            "one sign-in within 24 hours):\n" + "\n".join(lines)
        )
