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
    # Files (core.files, verify_files)
    "file.attached": _("File attached"),
    "file.downloaded": _("File downloaded"),
    "file.removed": _("File removed"),
    "file.verify_failed": _("File missing or altered"),
    # Holiday calendar (core.services_calendar)
    "calendar.day_created": _("Calendar day added"),
    "calendar.day_updated": _("Calendar day changed"),
    "calendar.day_deleted": _("Calendar day removed"),
    # Approval routes and decisions (workflow.services; codes are workflow.<decision>)
    "workflow.route_create": _("Approval route created"),
    "workflow.route_update": _("Approval route changed"),
    "workflow.delegation_set": _("Delegate set"),
    "workflow.delegation_end": _("Delegation ended"),
    "workflow.start": _("Submitted for approval"),
    "workflow.approve": _("Approved"),
    "workflow.return_previous": _("Returned to the previous step"),
    "workflow.return_to_drafter": _("Returned to the drafter"),
    "workflow.return_to_step": _("Returned to an earlier step"),
    "workflow.reject": _("Rejected"),
    "workflow.comment": _("Commented"),
    "workflow.transfer": _("Transferred to a colleague"),
    "workflow.add_signer_before": _("Approver added before"),
    "workflow.add_signer_after": _("Approver added after"),
    "workflow.resubmit": _("Resubmitted"),
    "workflow.withdraw": _("Withdrawn by the submitter"),
    "workflow.copy": _("Copies sent"),
    "workflow.take_back": _("Approval taken back by the office"),
    # Outgoing documents (documents.*)
    "documents.drafted": _("Document drafted"),
    "documents.edited": _("Document edited"),
    "documents.read": _("Classified document read"),
    "documents.exported": _("Document list exported"),
    "documents.incoming_registered": _("Incoming document registered (登记)"),
    "documents.incoming_accepted": _("Incoming document accepted at first review (初审)"),
    "documents.incoming_returned": _("Incoming document returned to its sender (退文)"),
    "documents.incoming_exported": _("Incoming register exported"),
    "documents.incoming_sent_for_reading": _("Incoming document sent to readers (分送)"),
    "documents.incoming_started": _("Incoming document sent on for handling"),
    "documents.incoming_proposed": _("Handling proposed (拟办)"),
    "documents.incoming_instructed": _("Instruction given (批办)"),
    "documents.incoming_reported": _("Department reported its handling (承办)"),
    "documents.incoming_sent_back": _("Department sent the document back (退办)"),
    "documents.incoming_circulated": _("Incoming document circulated to leaders (传阅)"),
    "documents.incoming_commented": _("Instruction written by a reader (批示)"),
    "documents.incoming_reminded": _("Holders reminded (催办)"),
    "documents.incoming_closed": _("Incoming document completed (办结)"),
    "documents.incoming_filed": _("Incoming document filed (归档)"),
    "documents.copies_registered": _("Classified copies registered (份号)"),
    "documents.copies_exported": _("Register of classified copies exported"),
    "documents.copy_numbered": _("Copy number written in"),
    "documents.copy_lent": _("Classified copy lent"),
    "documents.copy_back": _("Classified copy back with the office"),
    "documents.copy_disposal_prepared": _("Return or destruction list prepared"),
    "documents.copy_disposal_approved": _("Destruction list approved"),
    "documents.copy_disposal_executed": _("Classified copies destroyed (销毁)"),
    "documents.copy_disposal_confirmed": _("Classified copies returned (清退)"),
    "documents.copy_disposal_cancelled": _("Return or destruction list cancelled"),
    "documents.memo_drafted": _("Internal memo drafted (签报)"),
    "documents.memo_changed": _("Internal memo changed"),
    "documents.memo_deleted": _("Internal memo draft deleted"),
    "documents.memo_submitted": _("Internal memo submitted"),
    "documents.memo_resubmitted": _("Internal memo resubmitted"),
    "documents.memo_routed": _("Who decides an internal memo changed"),
    "documents.memo_decided": _("Internal memo decided"),
    "documents.memo_exported": _("Register of internal memos exported"),
    "documents.signed": _("Document signed (签发)"),
    "documents.back_to_signer": _("Changed after signing; sent back to the signer"),
    "documents.joint_signature": _("Joint signature recorded"),
    "documents.proofread_override": _("Proofreading finding overridden"),
    "documents.checked": _("Document checked (复核)"),
    "documents.number_allocated": _("Document number given"),
    "documents.number_voided": _("Document number voided"),
    "documents.registered": _("Document registered (登记)"),
    "documents.copy_assigned": _("Copy number handed over"),
    "documents.register_exported": _("Outgoing register exported"),
    "documents.printed": _("Document printed (印制)"),
    "documents.sealed": _("Seal used (用印)"),
    "documents.seal_register_exported": _("Seal register exported"),
    "documents.distributed": _("Document distributed (核发)"),
    "documents.filed": _("Document filed (归档)"),
    "documents.series_created": _("Number series created"),
    "documents.series_updated": _("Number series changed"),
    "documents.series_deactivated": _("Number series taken out of use"),
    "documents.series_reactivated": _("Number series back in use"),
    "documents.organ_created": _("External organ added"),
    "documents.organ_updated": _("External organ changed"),
    "documents.organ_deactivated": _("External organ taken out of use"),
    "documents.typo_added": _("Typo added to the list"),
    "documents.typo_removed": _("Typo removed from the list"),
    # Notifications (system administrator)
    "notify.outbox_retry": _("Message delivery retried"),
    "notify.robot_create": _("Group robot added"),
    "notify.robot_update": _("Group robot changed"),
    "notify.robot_delete": _("Group robot removed"),
    "notify.robot_host_add": _("Robot host allowed"),
    "notify.robot_host_remove": _("Robot host removed from the allow-list"),
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
