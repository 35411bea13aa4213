"""The demo organisation's published accounts (README; CONVENTIONS.md "Modes")."""

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "Zhongshu@2026"

# (user name, what the account is) — shown as buttons on the demo sign-in page.
DEMO_ACCOUNTS = [
    ("director", _("Director")),
    ("deputy1", _("Deputy director")),
    ("office", _("Office director")),
    ("clerk", _("Document clerk")),
    ("head1", _("Department head")),
    ("staff1", _("Staff")),
    ("sysadmin", _("System administrator")),
    ("secadmin", _("Security administrator")),
    ("auditor", _("Audit administrator")),
]
