"""What outgoing documents tell the shared mechanisms about themselves (STYLE.md "Boundaries"):
the approval engine, the attachments, and the search index. Called from ``apps.ready()``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.core.files import register_owner
from zhongshu.search import registry as search_registry
from zhongshu.workflow.registry import register_subject

from . import (
    rules,
    selectors,
    selectors_incoming,
    selectors_memo,
    services,
    services_incoming_handling,
    services_memo,
)
from .models import IncomingDocument, IncomingState, Memo, OutgoingDocument, State
from .services_incoming import SEARCH_KIND as SEARCH_KIND_INCOMING

# The text may no longer change through the attachments panel once it is signed.
FILES_EDITABLE = (State.DRAFT, State.RETURNED, State.REVIEW)


def document_url(document) -> str:
    return reverse("documents:detail", args=[document.pk])


def _heads(department_ids):
    from zhongshu.org.models import Department

    departments = Department.objects.filter(
        pk__in=list(department_ids or []), deleted_at__isnull=True
    ).select_related("head")
    return [d.head for d in departments if d.head_id]


def _get(owner_id):
    if not str(owner_id).isdigit():
        return None
    return OutgoingDocument.objects.filter(pk=int(owner_id), deleted_at__isnull=True).first()


def _files_can_view(user, owner_id) -> bool:
    document = _get(owner_id)
    return document is not None and selectors.can_view(user, document)


def _files_can_edit(user, document) -> bool:
    return document.state in FILES_EDITABLE and services.may_edit(user, document)


def search_document(document):
    if document.deleted_at is not None:
        return None
    body = "\n".join(block.get("text", "") for block in document.body or [])
    return {
        "title": document.title,
        "body": f"{document.doc_number}\n{body}" if document.doc_number else body,
        "url": document_url(document),
        "classification": document.classification,
        "unit_id": document.unit_id,
        "updated_at": document.updated_at,
    }


def incoming_url(document) -> str:
    return reverse("documents:incoming_detail", args=[document.pk])


def _incoming_get(owner_id):
    if not str(owner_id).isdigit():
        return None
    return IncomingDocument.objects.filter(pk=int(owner_id), deleted_at__isnull=True).first()


def _incoming_can_view(user, owner_id) -> bool:
    document = _incoming_get(owner_id)
    return document is not None and selectors_incoming.can_view(user, document)


def _incoming_can_edit(user, document) -> bool:
    """The office attaches the scan or the electronic file while it still handles the document —
    never the file of a classified one where the system may not hold classified text."""
    if rules.classified(document.classification) and not rules.may_hold_classified_text():
        return False
    return rules.is_office(user) and document.state not in (
        IncomingState.FILED,
        IncomingState.RETURNED,
    )


def search_incoming(document):
    if document.deleted_at is not None:
        return None
    lines = [document.receipt_number, document.source_name, document.source_number]
    return {
        "title": document.title,
        "body": "\n".join([*(line for line in lines if line), document.summary]),
        "url": incoming_url(document),
        "classification": document.classification,
        "unit_id": document.unit_id,
        "updated_at": document.updated_at,
    }


def memo_url(memo) -> str:
    return reverse("documents:memo_detail", args=[memo.pk])


def _memo_get(owner_id):
    if not str(owner_id).isdigit():
        return None
    return Memo.objects.filter(pk=int(owner_id), deleted_at__isnull=True).first()


def _memo_can_view(user, owner_id) -> bool:
    memo = _memo_get(owner_id)
    return memo is not None and selectors_memo.can_view(user, memo)


def _memo_can_edit(user, memo) -> bool:
    """The drafter attaches files while the memo is a draft or returned for revision."""
    return services_memo.may_edit(user, memo)


def search_memo(memo):
    if memo.deleted_at is not None:
        return None
    return {
        "title": memo.title,
        "body": "\n".join(line for line in (memo.number, memo.body, memo.decision) if line),
        "url": memo_url(memo),
        "classification": memo.classification,
        "unit_id": memo.unit_id,
        "updated_at": memo.updated_at,
    }


def register() -> None:
    register_subject(
        rules.SUBJECT_KIND,
        label=_("Outgoing document"),
        model=OutgoingDocument,
        title=lambda d: d.title,
        url=document_url,
        classification=lambda d: d.classification,
        can_view=selectors.can_view,
        may_receive=rules.may_receive,
        on_transition=services.on_transition,
        condition_fields={
            "kind": _("Kind (文种)"),
            "direction": _("Direction"),
            "needs_principal": _("Signed by the principal leader (上行文 or important)"),
            "is_joint": _("Joint document (联合行文)"),
            "urgency": _("Urgency"),
            "classification": _("Classification"),
        },
        assignee_sources={
            "countersign_heads": (
                _("Heads of the departments asked to countersign"),
                lambda d: _heads(d.countersign_departments),
            ),
        },
    )
    register_owner(
        rules.SUBJECT_KIND,
        label=_("Outgoing document"),
        can_view=_files_can_view,
        get_owner=_get,
        can_edit=_files_can_edit,
    )
    search_registry.register(
        rules.SEARCH_KIND,
        label=_("Outgoing documents"),
        order=30,
        visible_queryset=selectors.visible_documents,
        document=search_document,
        all_objects=lambda: OutgoingDocument.objects.filter(deleted_at__isnull=True).iterator(),
        unit_ids=lambda user: [user.unit_id],
    )
    handling = services_incoming_handling
    register_subject(
        rules.INCOMING_KIND,
        label=_("Incoming document"),
        model=IncomingDocument,
        title=lambda d: f"{d.receipt_number} {d.title}",
        url=incoming_url,
        classification=lambda d: d.classification,
        can_view=selectors_incoming.can_view,
        on_transition=handling.on_transition,
        on_step=handling.on_step,
        step_due=handling.step_due,
        condition_fields={
            "kind": _("Kind (文种)"),
            "urgency": _("Urgency"),
            "classification": _("Classification"),
        },
        assignee_sources={
            handling.SOURCE_DIRECTOR: (
                _("Head of the general office (拟办), unless the office sent it on (分办)"),
                handling.office_director,
            ),
            handling.SOURCE_LEADER: (
                _("The leader named at 拟办 to instruct (批办)"),
                handling.instructing_leader,
            ),
            handling.SOURCE_DEPARTMENTS: (
                _("Heads of the departments that handle it (承办)"),
                handling.handling_heads,
            ),
        },
    )
    register_owner(
        rules.INCOMING_KIND,
        label=_("Incoming document"),
        can_view=_incoming_can_view,
        get_owner=_incoming_get,
        can_edit=_incoming_can_edit,
    )
    search_registry.register(
        SEARCH_KIND_INCOMING,
        label=_("Incoming documents"),
        order=31,
        visible_queryset=selectors_incoming.visible_incoming,
        document=search_incoming,
        all_objects=lambda: IncomingDocument.objects.filter(deleted_at__isnull=True).iterator(),
        unit_ids=lambda user: [user.unit_id],
    )
    register_subject(
        rules.MEMO_KIND,
        label=_("Internal memo (签报)"),
        model=Memo,
        title=lambda m: f"{m.number} {m.title}".strip(),
        url=memo_url,
        classification=lambda m: m.classification,
        can_view=selectors_memo.can_view,
        on_transition=services_memo.on_transition,
        on_step=services_memo.on_step,
        condition_fields={
            "needs_principal": _("For the principal leader's decision"),
            "urgency": _("Urgency"),
            "classification": _("Classification"),
        },
        assignee_sources={
            services_memo.SOURCE_HEAD: (
                _("Head of the memo's department (核稿)"),
                services_memo.department_head,
            ),
            services_memo.SOURCE_OFFICE: (
                _("Head of the general office (审核)"),
                services_memo.office_reviewers,
            ),
            services_memo.SOURCE_LEADER: (
                _("The leader the memo names, else the department's leader in charge (批办)"),
                services_memo.deciding_leader,
            ),
            services_memo.SOURCE_PRINCIPAL: (
                _("The principal leader, unless already approved in this round (审批)"),
                services_memo.principal,
            ),
        },
        may_receive=rules.may_receive,
    )
    register_owner(
        rules.MEMO_KIND,
        label=_("Internal memo (签报)"),
        can_view=_memo_can_view,
        get_owner=_memo_get,
        can_edit=_memo_can_edit,
    )
    search_registry.register(
        services_memo.SEARCH_KIND,
        label=_("Internal memos"),
        order=32,
        visible_queryset=selectors_memo.visible_memos,
        document=search_memo,
        all_objects=lambda: Memo.objects.filter(deleted_at__isnull=True).iterator(),
        unit_ids=lambda user: [user.unit_id],
    )
