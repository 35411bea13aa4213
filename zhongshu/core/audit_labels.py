"""Human labels for audit event codes (the rows store the code; it is translated when shown).

Codes are ``<area>.<verb>``. A code without a label is shown as itself, so a module that adds
an event before adding its label still reads, just untranslated.
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # Sign-in (org.signin)
    "auth.login": _("Signed in"),
    "auth.logout": _("Signed out"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.locked": _("Account locked after failed sign-ins"),
    "auth.otp_failed": _("Wrong verification code"),
    "auth.two_factor_enabled": _("Two-factor sign-in turned on"),
    "auth.two_factor_removed": _("Two-factor sign-in removed"),
    "auth.password_changed": _("Password changed"),
    "auth.token_issued": _("API token issued"),
    "auth.logout_all": _("Signed out everywhere"),
    # Accounts (system administrator, and the user's own profile)
    "account.created": _("Account created"),
    "account.opened": _("Account opened"),
    "account.administrators_created": _("Administrator accounts created"),
    "account.updated": _("Account changed"),
    "account.profile_updated": _("Own profile changed"),
    "account.initial_password_issued": _("Initial password issued"),
    "account.password_reset": _("Password reset"),
    "account.enabled": _("Account enabled"),
    "account.disabled": _("Account disabled"),
    "account.closed": _("Account closed"),
    "account.reopened": _("Account reopened"),
    "account.unlocked": _("Account unlocked"),
    "account.two_factor_reset": _("Two-factor sign-in reset"),
    "account.sessions_ended": _("Sessions ended"),
    # Grants (security administrator)
    "grant.role_added": _("Role granted"),
    "grant.role_removed": _("Role withdrawn"),
    "grant.roles_changed": _("Roles changed"),
    "grant.clearance_changed": _("Clearance changed"),
    "grant.admin_role_changed": _("Administrator role changed"),
    "grant.updated": _("Grants changed"),
    # Organisation (office staff with the organisation role)
    "org.department_created": _("Department created"),
    "org.department_updated": _("Department changed"),
    "org.department_deleted": _("Department deleted"),
    "org.unit_created": _("Unit created"),
    "org.unit_updated": _("Unit changed"),
    "org.unit_deleted": _("Unit deleted"),
    "org.position_created": _("Position created"),
    "org.position_updated": _("Position changed"),
    "org.position_deleted": _("Position deleted"),
    "org.person_created": _("Person added"),
    "org.person_updated": _("Person changed"),
    "org.person_deleted": _("Person removed"),
    "org.membership_created": _("Post added"),
    "org.membership_updated": _("Post changed"),
    "org.membership_deleted": _("Post removed"),
    "org.import": _("Organisation imported from Excel"),
    "org.export": _("Organisation exported to Excel"),
    # Configuration, the audit trail itself, access control
    "config.updated": _("Configuration changed"),
    "config.changed": _("Configuration changed"),
    "audit.export": _("Audit log exported"),
    "audit.verify": _("Audit chain verified"),
    "audit.purge": _("Old audit events purged"),
    "access.denied": _("Access denied"),
    "demo.seeded": _("Demo data created"),
}

ROLE_LABELS = {
    # The same msgids as org.models.AdminRole: core may not import org (layers point down).
    "sysadmin": _("System administrator"),
    "secadmin": _("Security administrator"),
    "auditor": _("Audit administrator"),
}


def action_label(code: str):
    """The translated label of an event code, or the code itself when it has none."""
    return ACTION_LABELS.get(code, code)


def role_label(code: str):
    return ROLE_LABELS.get(code, code)


def action_choices() -> list[tuple[str, object]]:
    """(code, label) pairs for a select, grouped by area in the order above."""
    return list(ACTION_LABELS.items())
