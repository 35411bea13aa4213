"""Who may use each URL (security.md B1, B4). ``tests/test_url_coverage.py`` fails when a URL
pattern has no entry here, so a new page cannot ship without someone deciding who may use it.

Audiences:
    public         anyone, signed in or not (CONVENTIONS.md, "HTTP conventions")
    authenticated  anyone signed in, the three administrators included
    business       signed-in users who are not one of the three administrators
    org            business users with the organisation role
    office         business users in the general office (zhongshu.documents.rules.is_office)
    sysadmin       the system administrator only
    secadmin       the security administrator only
    auditor        the audit administrator only
"""

AUDIENCES = frozenset(
    {"public", "authenticated", "business", "org", "office", "sysadmin", "secadmin", "auditor"}
)

PERMISSION_TABLE: dict[str, str] = {
    # zhongshu/core/urls.py
    "core:home": "authenticated",  # the three administrators are sent on to their console
    "core:search": "business",
    "core:healthz": "public",
    "core:audit_list": "auditor",
    "core:audit_export": "auditor",
    "core:audit_detail": "auditor",
    "core:calendar_list": "org",  # the office keeps the holiday calendar
    "core:calendar_create": "org",
    "core:calendar_edit": "org",
    "core:calendar_delete": "org",
    "core:file_download": "authenticated",  # then the owning module's visibility check
    "core:attachment_panel": "authenticated",  # then the owner's visibility check (404)
    "core:attachment_upload": "authenticated",  # then the owner's view (404) and edit (403) checks
    "core:attachment_delete": "authenticated",  # likewise
    # zhongshu/org/urls.py: sign-in and the user's own account
    "org:login": "public",
    "org:login_verify": "public",  # without a pending sign-in it sends you back to login
    "org:logout": "public",  # POST only; signing out nobody is harmless
    "org:set_language": "public",
    "org:profile": "authenticated",
    "org:password_change": "authenticated",
    "org:two_factor_setup": "authenticated",
    "org:two_factor_disable": "authenticated",
    # zhongshu/org/urls.py: organisation maintenance
    "org:department_list": "org",
    "org:department_create": "org",
    "org:department_edit": "org",
    "org:department_delete": "org",
    "org:unit_list": "org",
    "org:unit_create": "org",
    "org:unit_edit": "org",
    "org:position_list": "org",
    "org:position_create": "org",
    "org:position_edit": "org",
    "org:position_delete": "org",
    "org:person_list": "org",
    "org:person_create": "org",
    "org:person_detail": "org",
    "org:person_edit": "org",
    "org:post_create": "org",
    "org:post_delete": "org",
    "org:import": "org",
    "org:import_template": "org",
    "org:export_departments": "org",
    "org:export_people": "org",
    # zhongshu/org/urls.py: the three separated administrators
    "org:directory": "business",
    "org:account_list": "sysadmin",
    "org:account_create": "sysadmin",
    "org:account_detail": "sysadmin",
    "org:account_action": "sysadmin",
    "org:config_edit": "sysadmin",
    "org:grant_list": "secadmin",
    "org:grant_edit": "secadmin",
    # zhongshu/api/urls.py
    "api:token": "public",
    "api:schema": "public",
    "api:docs": "authenticated",
    "api:logout": "authenticated",
    "api:logout_all": "authenticated",
    "api:me": "authenticated",
    "api:department-list": "business",
    "api:department-detail": "business",
    "api:person-list": "business",
    "api:person-detail": "business",
    # zhongshu/documents/urls_drafting.py (issue 4): object pages answer 404 to anyone who may
    # not see the document (documents.selectors.visible_documents)
    "documents:list": "business",
    "documents:export": "business",
    "documents:create": "business",
    "documents:detail": "business",
    "documents:edit": "business",
    "documents:submit": "business",
    "documents:versions": "business",
    "documents:compare": "business",
    "documents:joint_signature": "office",  # 联合行文: the office records the organs' signatures
    "documents:organ_list": "office",  # the directory of external organs (主送 / 抄送)
    "documents:organ_create": "office",
    "documents:organ_edit": "office",
    "documents:organ_deactivate": "office",
    # zhongshu/workflow/urls.py and its API (issue #3: inbox, runs, routes)
    "workflow:inbox": "business",
    "workflow:batch_approve": "business",
    "workflow:run_detail": "business",
    "workflow:withdraw": "business",
    "workflow:decide": "business",
    "workflow:settings": "business",
    "workflow:colleagues": "business",  # the colleague picker: one's own unit, at most 20
    "workflow:cc_read_all": "business",  # one's own copies only
    "workflow:route_list": "org",
    "workflow:route_create": "org",
    "workflow:route_edit": "org",
    "api:inbox": "business",
    "api:work-item-decide": "business",
    "api:run-detail": "business",  # then only a run one takes part in (else 404)
    "api:run-withdraw": "business",  # then only one's own run (else 404)
    # zhongshu/notify/urls.py (issue #3 item 5: notifications)
    "notify:list": "business",  # one's own notifications only; another's answers 404
    "notify:read": "business",
    "notify:read_all": "business",
    "notify:settings": "business",
    "notify:admin_outbox": "sysadmin",
    "notify:admin_outbox_retry": "sysadmin",
    "notify:admin_robots": "sysadmin",
    "notify:admin_robot_edit": "sysadmin",
    "notify:admin_robot_delete": "sysadmin",
    "notify:admin_hosts": "sysadmin",
    "notify:admin_host_delete": "sysadmin",
    # zhongshu/documents/urls_numbering.py (issue 4 item 5: series, 登记, 份号, 发文登记簿)
    "documents:series_list": "office",
    "documents:series_create": "office",
    "documents:series_edit": "office",  # another unit's series, or a non-office user: 404
    "documents:series_deactivate": "office",
    "documents:series_reactivate": "office",
    "documents:register_book": "office",
    "documents:register_export": "office",
    "documents:register_pending": "office",
    "documents:register": "office",  # then the document's visibility (404)
    "documents:number_copies": "office",  # likewise
    "documents:number_void": "office",  # a number of another unit or above clearance: 404
    # zhongshu/documents/urls_output.py (issue 4 items 8 and 10: downloads, 发文稿纸, findings):
    # anyone who may not see the document gets 404 (documents.selectors.document_get_for)
    "documents:document_pdf": "business",
    "documents:document_docx": "business",
    "documents:document_pdf_copies": "office",  # then the document's visibility (404)
    "documents:document_findings": "business",
    "documents:finding_override": "office",  # then visibility (404), and only at 审核 (409)
    "documents:cover_sheet": "business",
    "documents:cover_sheet_pdf": "business",
    "documents:typo_list": "office",
    "documents:typo_delete": "office",  # another unit's entry: 404
    # zhongshu/documents/urls_handling.py (issue 4 items 4, 6, 7: 复核, 印制, 用印, 核发, 归档):
    # the general office only (403), then the document's visibility (audited 404)
    "documents:handling_queue": "office",
    "documents:handling_check": "office",
    "documents:handling_print": "office",
    "documents:handling_seal": "office",
    "documents:seal_register": "office",  # the unit's register, up to the user's clearance
    "documents:seal_register_export": "office",
    "documents:dispatch": "office",
    "documents:dispatch_external": "office",
    "documents:dispatch_list": "office",
    "documents:dispatch_receipts": "office",
    "documents:archive": "office",
    "documents:archive_download": "office",  # classified: an audited read
    # Incoming documents (issue 5): the general office receives, registers and reviews them
    "documents:incoming_list": "office",
    "documents:incoming_export": "office",
    "documents:incoming_register": "office",
    "documents:incoming_detail": "business",  # then the document's visibility (404): the
    # office, or a reader it was sent to (分送)
    "documents:incoming_accept": "office",
    "documents:incoming_return": "office",
    "documents:incoming_return_notice": "office",
    "documents:incoming_send": "office",  # 分送 of a 阅件; then the document's visibility (404)
    "documents:incoming_to_read": "business",  # one's own readings only
    "documents:incoming_sheet": "business",  # 收文处理单; then the document's visibility (404)
    "documents:incoming_reminder_sheet": "office",  # 催办单
    # Handling a 办件 (views_incoming_handling): the office's steps, and each holder's own step
    # (then the document's visibility, 404, and the step's holder, 409).
    "documents:incoming_start": "office",
    "documents:incoming_propose": "business",
    "documents:incoming_instruct": "business",
    "documents:incoming_report": "business",
    "documents:incoming_send_back": "business",
    "documents:incoming_circulate": "office",
    "documents:incoming_comment": "business",
    "documents:incoming_remind": "office",
    "documents:incoming_close": "office",
    "documents:incoming_file": "office",  # 归档
    "documents:incoming_archive": "office",  # the archival package (ZIP)
    # Classified copies (issue 5 item 9): the general office's members cleared for 秘密; anyone
    # else, and a copy or list above one's clearance, gets an audited 404
    "documents:copy_list": "office",
    "documents:copy_export": "office",
    "documents:copy_register": "office",
    "documents:copy_backfill": "office",
    "documents:copy_prepare": "office",
    "documents:copy_detail": "office",
    "documents:copy_lend": "office",
    "documents:copy_back": "office",
    "documents:copy_number": "office",
    "documents:copy_disposals": "office",
    "documents:copy_disposal": "office",
    "documents:copy_disposal_approve": "office",  # never by the one who prepared it (403, B6)
    "documents:copy_disposal_execute": "office",
    "documents:copy_disposal_confirm": "office",
    "documents:copy_disposal_cancel": "office",
    "documents:copy_disposal_print": "office",  # 清退清单, 销毁登记表
    # Internal memos (签报, issue 5 item 10): anyone who drafts; then the memo's visibility (404),
    # and the drafter (edit 403, submit/delete 409) or the step's holder (route 403)
    "documents:memo_list": "business",
    "documents:memo_export": "business",
    "documents:memo_new": "business",
    "documents:memo_detail": "business",
    "documents:memo_edit": "business",
    "documents:memo_submit": "business",
    "documents:memo_route": "business",
    "documents:memo_delete": "business",
    "documents:memo_sheet": "business",
    # zhongshu/documents/api_memo.py: then the memo's visibility (audited 404); decisions go
    # through api:work-item-decide
    "api:memo-list": "business",
    "api:memo-detail": "business",
    "api:memo-submit": "business",  # then only the drafter (409)
    # zhongshu/documents/api.py (issue 4 item 13): then the document's visibility (audited 404);
    # decisions go through api:work-item-decide
    "api:document-list": "business",
    "api:document-detail": "business",
    "api:document-submit": "business",  # then only the drafter (else 404)
    "api:document-pdf": "business",
    "api:document-docx": "business",
    # the office's steps after 签发: anyone else gets the audited 404 of a document not theirs
    "api:document-check": "office",
    "api:document-register": "office",
    "api:document-print": "office",
    "api:document-seal": "office",
    "api:document-distribute": "office",
    "api:document-dispatch-external": "office",
    "api:document-file": "office",
    "api:document-receipts": "office",
    # zhongshu/documents/api_incoming.py (issue 5 item 12): the general office only; anyone
    # else gets an empty list, an audited 403 on registration and the audited 404 of a document
    "api:incoming-document-list": "business",
    "api:incoming-document-detail": "office",
    "api:incoming-document-accept": "office",
    "api:incoming-document-return": "office",
    # Handling a 办件 (issue 5 item 12): the office's steps, and the holder's own (decide) and a
    # reader's 批示 (comment), then the document's visibility (404) and the step's holder (409).
    "api:incoming-document-start": "office",
    "api:incoming-document-decide": "business",
    "api:incoming-document-circulate": "office",
    "api:incoming-document-comment": "business",
    "api:incoming-document-remind": "office",
    "api:incoming-document-close": "office",
    "api:incoming-document-file": "office",  # 归档
    "api:incoming-document-receipts": "office",
}

# API lists answer a user who may not read them with an empty list rather than 403 (issue
# item 8: "the three administrators get an empty list"); their detail URLs answer 404.
EMPTY_LIST_FOR_DENIED = frozenset({"api:department-list", "api:person-list"})

# Users who must be refused, per audience: a business user without roles, and an administrator
# of another kind (never the one the page is for).
DENIED_USERS: dict[str, tuple[str, ...]] = {
    "business": ("sysadmin", "secadmin", "auditor"),
    "org": ("staff", "sysadmin"),
    "office": ("staff", "org_manager", "sysadmin", "auditor"),
    "sysadmin": ("staff", "org_manager", "secadmin", "auditor"),
    "secadmin": ("staff", "org_manager", "sysadmin", "auditor"),
    "auditor": ("staff", "org_manager", "sysadmin", "secadmin"),
    "authenticated": (),
    "public": (),
}
