"""The documents module's side navigation entries (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from zhongshu.core import navigation
from zhongshu.core.rules import is_business_user

from . import rules, services_copies


def register() -> None:
    entries = [
        (
            "documents_outgoing",
            _("Outgoing documents"),
            "documents:list",
            "documents",
            10,
            "file-earmark-text",
            is_business_user,
        ),
        (
            "documents_draft",
            _("Draft a document"),
            "documents:create",
            "documents",
            20,
            "pencil-square",
            is_business_user,
        ),
        (
            "documents_handling",
            _("Documents to handle"),
            "documents:handling_queue",
            "documents",
            30,
            "list-check",
            rules.is_office,
        ),
        (
            "documents_register",
            _("Outgoing register"),
            "documents:register_book",
            "documents",
            40,
            "journal-text",
            rules.is_office,
        ),
        (
            "documents_seals",
            _("Seal register"),
            "documents:seal_register",
            "documents",
            50,
            "award",
            rules.is_office,
        ),
        (
            "documents_incoming",
            _("Incoming documents"),
            "documents:incoming_list",
            "documents",
            60,
            "inbox",
            rules.is_office,
        ),
        (
            "documents_incoming_register",
            _("Register an incoming document"),
            "documents:incoming_register",
            "documents",
            70,
            "box-arrow-in-down",
            rules.is_office,
        ),
        (
            "documents_incoming_to_read",
            _("Incoming to read"),
            "documents:incoming_to_read",
            "documents",
            80,
            "envelope-open",
            is_business_user,
        ),
        (
            "documents_copies",
            _("Classified copies"),
            "documents:copy_list",
            "documents",
            85,
            "shield-lock",
            services_copies.may_keep,
        ),
        (
            "documents_memos",
            _("Internal memos (签报)"),
            "documents:memo_list",
            "documents",
            90,
            "file-earmark-check",
            rules.may_draft,
        ),
        (
            "documents_series",
            _("Document number series"),
            "documents:series_list",
            "manage",
            40,
            "123",
            rules.is_office,
        ),
        (
            "documents_organs",
            _("External organs"),
            "documents:organ_list",
            "manage",
            41,
            "buildings",
            rules.is_office,
        ),
        (
            "documents_typos",
            _("Typo list"),
            "documents:typo_list",
            "manage",
            42,
            "spellcheck",
            rules.is_office,
        ),
    ]
    for key, label, url_name, group, order, icon, allowed in entries:
        navigation.register(
            key,
            label=label,
            url_name=url_name,
            group=group,
            order=order,
            icon=icon,
            allowed=allowed,
        )
