"""Writing outgoing documents: drafts and their versions, the approval route, 签发 (issue 4).

Every change of the text (CONTENT_FIELDS) writes a :class:`DocumentVersion`; at 签发 the hash of
the signed text becomes the 定稿 hash, and the signer and the 成文日期 come from the signature
itself — never typed. Each state change is audited and reindexed in the same transaction.
"""

import hashlib
import json
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core import audit
from zhongshu.core.i18n import stored_text
from zhongshu.core.models import Classification
from zhongshu.org import selectors as org_selectors
from zhongshu.search import services as search
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import Run

from . import rules, terms
from .models import (
    CONTENT_FIELDS,
    Direction,
    Disclosure,
    DocumentVersion,
    JointSignature,
    Kind,
    Layout,
    OutgoingDocument,
    State,
    Urgency,
)

MAX_BLOCKS = 2000
MAX_BLOCK_CHARS = 5000
MAX_NAMES = 200
SECRECY_PERIOD = re.compile(r"^[1-9]\d*(年|个月)$")
# States in which the drafter (or, in review, the holder of the current step) edits the text.
EDITABLE = (State.DRAFT, State.RETURNED, State.REVIEW)
# After 签发, before printing, the office may still correct the text at 复核: the change goes
# back to the signer.
RESIGN_STATES = (State.SIGNED, State.CHECKED)


class DocumentError(Exception):
    """A step that cannot be taken now; the message says why (HTTP 409)."""


# --- The text -----------------------------------------------------------------------------------


def content_of(document: OutgoingDocument) -> dict:
    return {name: getattr(document, name) for name in CONTENT_FIELDS}


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _names(value, field: str, errors: dict, *, objects: bool) -> list:
    """A list of names (strings), or of {"name": ..., "department"/"organ": id} when ``objects``."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = list(re.split(r"[\n、，,；;]+", value))
    if not isinstance(value, list | tuple) or len(value) > MAX_NAMES:
        errors[field] = _("Give at most %(n)d names.") % {"n": MAX_NAMES}
        return []
    result = []
    for item in value:
        if isinstance(item, dict) and objects:
            name = str(item.get("name") or "").strip()
            entry = {"name": name}
            for key in ("department", "organ"):
                if str(item.get(key) or "").isdigit():
                    entry[key] = int(item[key])
        else:
            name = str(item or "").strip()
            entry = {"name": name} if objects else name
        if not name:
            continue
        if len(name) > 100:
            errors[field] = _("A name has at most 100 characters.")
            return []
        result.append(entry)
    return result


def _body(value, errors: dict) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [{"level": 0, "text": line} for line in value.splitlines()]
    if not isinstance(value, list | tuple) or len(value) > MAX_BLOCKS:
        errors["body"] = _("The body has at most %(n)d paragraphs.") % {"n": MAX_BLOCKS}
        return []
    blocks = []
    for block in value:
        if not isinstance(block, dict):
            errors["body"] = _("The body could not be read. Reload the page and try again.")
            return []
        text = str(block.get("text") or "").strip()
        level = block.get("level", 0)
        if not str(level).isdigit() or not 0 <= int(level) <= 4:
            errors["body"] = _("A heading level is 1–4 (0 for a paragraph).")
            return []
        if len(text) > MAX_BLOCK_CHARS:
            errors["body"] = _("A paragraph has at most %(n)d characters.") % {"n": MAX_BLOCK_CHARS}
            return []
        if text:
            blocks.append({"level": int(level), "text": text})
    return blocks


def clean_content(data: dict) -> dict:
    """The text fields of ``data`` checked and normalised; ValidationError with field errors.

    What the standards say about the wording is the proofreader's job (it reports and, at 签发,
    blocks); this refuses only what cannot be stored or must never be here.
    """
    errors: dict = {}
    content = {}
    for field, choices in (("kind", Kind), ("layout", Layout), ("direction", Direction)):
        value = str(data.get(field) or "")
        if value not in choices.values:
            errors[field] = _("Choose a value from the list.")
        content[field] = value
    try:
        classification = int(data.get("classification") or 0)
        urgency = int(data.get("urgency") or 0)
    except (TypeError, ValueError):
        classification, urgency = -1, -1
    if classification not in Classification.values:
        errors["classification"] = _("Choose a value from the list.")
    elif rules.classified(classification) and not rules.may_hold_classified_text():
        errors["classification"] = _(
            "This system is not on a classified network: a document marked 秘密 or above cannot "
            "be drafted here (涉密不上网). Draft it on the classified network."
        )
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose a value from the list.")
    content["classification"], content["urgency"] = classification, urgency
    period = str(data.get("secrecy_period") or "").strip()
    if period and not rules.classified(classification):
        errors["secrecy_period"] = _(
            "Only a document marked 秘密 or above has a period of secrecy."
        )
    elif period and not SECRECY_PERIOD.match(period):
        errors["secrecy_period"] = _("Write the period as e.g. 1年 or 6个月.")
    content["secrecy_period"] = period
    content["issuers"] = _names(data.get("issuers"), "issuers", errors, objects=False)
    if not content["issuers"] and "issuers" not in errors:
        errors["issuers"] = _("Name at least the issuing organ.")
    title = " ".join(str(data.get("title") or "").split())
    if not title:
        errors["title"] = _("Write the title.")
    elif len(title) > 300:
        errors["title"] = _("A title has at most 300 characters.")
    content["title"] = title
    for field in ("main_recipients", "cc_recipients"):
        content[field] = _names(data.get(field), field, errors, objects=True)
    for field in ("attachment_names", "present", "absent", "attending"):
        content[field] = _names(data.get(field), field, errors, objects=False)
    content["body"] = _body(data.get("body"), errors)
    for field, limit in (("note", 300), ("printed_by", 100), ("forwarded_title", 300)):
        value = str(data.get(field) or "").strip()
        if len(value) > limit:
            errors[field] = _("At most %(n)d characters.") % {"n": limit}
        content[field] = value
    if errors:
        raise ValidationError(errors)
    return content


def _clean_handling(data: dict, errors: dict, *, unit_id=None) -> dict:
    disclosure = str(data.get("disclosure") or Disclosure.PUBLIC)
    reason = str(data.get("disclosure_reason") or "").strip()
    if disclosure not in Disclosure.values:
        errors["disclosure"] = _("Choose a value from the list.")
    elif disclosure == Disclosure.WITHHELD and not reason:
        errors["disclosure_reason"] = _("Say why the document is not disclosed.")
    countersign = []
    for value in data.get("countersign_departments") or []:
        value = getattr(value, "pk", value)
        if str(value).isdigit() and int(value) not in countersign:
            countersign.append(int(value))
    if countersign and unit_id is not None:
        from zhongshu.org.models import Department

        found = set(
            Department.objects.filter(
                pk__in=countersign, unit_id=unit_id, deleted_at__isnull=True
            ).values_list("pk", flat=True)
        )
        if found != set(countersign):
            errors["countersign_departments"] = _("Choose departments of this unit.")
    return {
        "countersign_departments": countersign,
        "important": bool(data.get("important")),
        "disclosure": disclosure,
        "disclosure_reason": reason[:300] if disclosure == Disclosure.WITHHELD else "",
    }


def _department_of(actor, department):
    """The drafting department: one of the drafter's own posts."""
    posts = {d.pk: d for d in rules.departments_of(actor)}
    if department is None:
        return next(iter(posts.values()), None)
    return posts.get(getattr(department, "pk", department))


# --- Drafts -------------------------------------------------------------------------------------


def _version(document, *, actor, reason: str = "") -> DocumentVersion:
    content = content_of(document)
    return DocumentVersion.objects.create(
        document=document,
        number=document.text_version,
        content=content,
        sha256=content_hash(content),
        stage=document.state,
        reason=reason[:200],
        created_at=timezone.now(),
        created_by=actor,
    )


def reindex(document) -> None:
    search.index(rules.SEARCH_KIND, document)


def _after_text_change(document) -> None:
    from . import proofreading

    proofreading.run(document)


@transaction.atomic
def draft_create(
    *, actor, data: dict, department=None, idempotency_key: str = ""
) -> OutgoingDocument:
    """A new draft by ``actor`` in one of their departments (the first, unless given).

    The same ``idempotency_key`` twice (a form sent twice) returns the first draft instead of
    writing a second one; a unique constraint holds it under concurrency.
    """
    if not rules.may_draft(actor):
        raise DocumentError(_("You cannot draft documents."))
    key = str(idempotency_key or "")[:64]
    if key:
        earlier = OutgoingDocument.objects.filter(drafter=actor, idempotency_key=key).first()
        if earlier is not None:
            return earlier
    errors: dict = {}
    try:
        content = clean_content(data)
    except ValidationError as error:
        errors.update(error.message_dict)
        content = {}
    handling = _clean_handling(data, errors, unit_id=actor.unit_id)
    answers = _answers(actor, data.get("answers"), errors)
    memo = _memo(actor, data.get("memo"), errors)
    dept = _department_of(actor, department)
    if dept is None:
        errors["department"] = _("You hold no post in a department of this unit.")
    if errors:
        raise ValidationError(errors)
    document = OutgoingDocument(
        unit_id=actor.unit_id,
        department=dept,
        drafter=actor,
        idempotency_key=key,
        answers=answers,
        memo=memo,
        **content,
        **handling,
    )
    try:
        with transaction.atomic():
            document.save_versioned(actor=actor, expected_version=None)
    except IntegrityError:
        if not key:
            raise
        return OutgoingDocument.objects.get(drafter=actor, idempotency_key=key)
    _version(document, actor=actor, reason=_("First draft"))
    audit.record(
        "documents.drafted",
        actor=actor,
        obj=document,
        detail=({"answers": answers.pk} if answers else {}) | ({"memo": memo.pk} if memo else {}),
        **_audit_fields(document),
    )
    reindex(document)
    _after_text_change(document)
    return document


def _answers(actor, value, errors: dict):
    """The incoming document a new draft answers or forwards (答复, 转发): one ``actor`` may see,
    or an error — never a hint that an unseen one exists."""
    if value in (None, ""):
        return None
    from .selectors_incoming import visible_incoming  # it builds on this module

    incoming = None
    if str(value).isdigit() and len(str(value)) < 16:
        incoming = visible_incoming(actor).filter(pk=int(value)).first()
    if incoming is None:
        errors["answers"] = _("The incoming document to answer was not found.")
    return incoming


def _memo(actor, value, errors: dict):
    """The decided memo (签报) a new draft carries out: one ``actor`` may see and the leaders
    approved, or an error."""
    if value in (None, ""):
        return None
    from .models import MemoState
    from .selectors_memo import visible_memos  # it builds on this module

    memo = None
    if str(value).isdigit() and len(str(value)) < 16:
        memo = visible_memos(actor).filter(pk=int(value)).first()
    if memo is None:
        errors["memo"] = _("The memo was not found.")
    elif memo.state != MemoState.APPROVED:
        errors["memo"] = _("Only a memo the leaders approved leads to a document.")
        memo = None
    return memo


def _audit_fields(document) -> dict:
    return {"classification": document.classification, "unit_id": document.unit_id}


def may_edit(user, document: OutgoingDocument) -> bool:
    """The drafter while it is a draft or returned; in review, whoever holds its current step;
    after 签发 and before registration, the office (the change goes back to the signer)."""
    if document.state in (State.DRAFT, State.RETURNED):
        return document.drafter_id == user.pk
    if document.state == State.REVIEW:
        run = current_run(document)
        return run is not None and bool(workflow_selectors.open_items_for(user, run))
    if document.state in RESIGN_STATES:
        return rules.is_office(user)
    return False


def current_run(document) -> Run | None:
    return workflow_selectors.latest_run(rules.SUBJECT_KIND, document.pk)


@transaction.atomic
def draft_update(
    *, actor, document: OutgoingDocument, expected_version: int, data: dict, reason: str = ""
) -> OutgoingDocument:
    """Save a changed text (a new version when the text changed) and the handling fields.

    A change after 签发 sends the document back to its signer (issue 4 item 3).
    """
    document = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not may_edit(actor, document):
        raise DocumentError(_("You cannot change this document now."))
    errors: dict = {}
    try:
        content = clean_content(data)
    except ValidationError as error:
        errors.update(error.message_dict)
        content = {}
    handling = _clean_handling(data, errors, unit_id=document.unit_id)
    if errors:
        raise ValidationError(errors)
    changed = content != content_of(document)
    for name, value in {**content, **handling}.items():
        setattr(document, name, value)
    if changed:
        document.text_version += 1
    document.save_versioned(actor=actor, expected_version=expected_version)
    if changed:
        _version(document, actor=actor, reason=reason)
        if document.state in RESIGN_STATES and content_hash(content) != document.final_hash:
            _back_to_signer(actor=actor, document=document)
            # The engine moved a fresh copy of the row to 审核 (state, version): read it back.
            document.refresh_from_db()
    audit.record(
        "documents.edited",
        actor=actor,
        obj=document,
        detail={"text_version": document.text_version, "text_changed": changed},
        **_audit_fields(document),
    )
    reindex(document)
    if changed:
        _after_text_change(document)
    return document


# --- Route and signature ------------------------------------------------------------------------


@transaction.atomic
def submit(*, actor, document: OutgoingDocument, expected_version: int) -> Run:
    """Send a draft along the unit's route for outgoing documents (拟稿 → 核稿 → … → 签发)."""
    document = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if document.version != expected_version:
        raise DocumentError(_("Someone changed this document meanwhile. Reload it and try again."))
    if document.drafter_id != actor.pk:
        raise DocumentError(_("Only the drafter submits a draft."))
    if document.state == State.RETURNED:
        run = current_run(document)
        workflow.resubmit(actor=actor, run=run)
        return run
    if document.state != State.DRAFT:
        raise DocumentError(_("This document is already on its way."))
    return workflow.run_start(actor=actor, subject=document, urgency=document.urgency)


def _set_state(document, state: str, *, actor, milestone: str | None = None) -> None:
    document.state = state
    fields = ["state", "updated_at", "updated_by", "version"]
    if milestone:
        document.milestones = {
            **(document.milestones or {}),
            milestone: {"at": timezone.now().isoformat(), "by": getattr(actor, "pk", None)},
        }
        fields.append("milestones")
    document.updated_by = actor
    document.version += 1
    document.save(update_fields=fields)


def on_transition(document: OutgoingDocument, event: str, actor) -> None:
    """The workflow engine's callback, inside its transaction (row already locked)."""
    if event in ("started", "resubmitted"):
        _set_state(document, State.REVIEW, actor=actor)
    elif event == "returned":
        _set_state(document, State.RETURNED, actor=actor)
    elif event in ("withdrawn", "rejected"):
        _set_state(document, State.DRAFT, actor=actor)
    elif event == "approved":
        _sign(document, actor=actor)
    reindex(document)


def _sign(document: OutgoingDocument, *, actor) -> None:
    """签发: the last step of the route was approved by ``actor``, the signer.

    Standard-breaking proofreading findings that the office has not overridden block it (the
    engine rolls the decision back and shows the message). The 成文日期 is the signing day, or
    for 联合行文 the last joint signature's date if later.
    """
    from . import proofreading

    if document.needs_principal and not _signs_for_principal(document, actor):
        raise workflow.WorkflowError(
            _(
                "An upward or important document is signed by the principal leader (主要负责人), "
                "a person the unit has authorised to sign, or the principal's delegate; "
                "%(name)s is none of these. Return it, or have the office send it to the "
                "principal."
            )
            % {"name": actor.full_name}
        )
    blocking = proofreading.blocking(proofreading.run(document))
    if blocking:
        raise workflow.WorkflowError(
            _(
                "Proofreading found %(n)d error(s) that block signing, e.g. “%(first)s”. "
                "Return the draft for revision, or have the office override at 审核."
            )
            % {"n": len(blocking), "first": blocking[0].message}
        )
    now = timezone.now()
    document.signed_by = actor
    document.signed_at = now
    document.signer_title = org_selectors.title_of(actor)
    document.issued_on = issue_date(document, signed_on=timezone.localdate(now))
    document.final_hash = content_hash(content_of(document))
    document.save(
        update_fields=["signed_by", "signed_at", "signer_title", "issued_on", "final_hash"]
    )
    _set_state(document, State.SIGNED, actor=actor, milestone="signed")
    audit.record(
        "documents.signed",
        actor=actor,
        obj=document,
        detail={"final_hash": document.final_hash, "text_version": document.text_version},
        **_audit_fields(document),
    )
    if _number_at_signing():
        from . import numbering

        if document.series_id and not document.doc_number:
            numbering.allocate(actor=actor, document=document, series=document.series)


def _signs_for_principal(document: OutgoingDocument, actor) -> bool:
    """条例 §20: the 主要负责人 signs 上行文 and important documents, or a person they have
    authorised — the unit's standing authorised signers (set on the unit's page), or their
    delegate while they are away (the item shows "代 principal")."""
    unit = document.unit
    if unit.principal_id is None:
        return False
    if unit.authorised_signers.filter(pk=actor.pk).exists():
        return True
    return unit.principal_id in (
        actor.pk,
        workflow_selectors.approved_on_behalf_of(actor, rules.SUBJECT_KIND, document.pk),
    )


def _number_at_signing() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "DOCUMENTS_NUMBER_AT_SIGNING", False))


def issue_date(document, *, signed_on):
    """成文日期 (条例 §9): the signing day; 联合行文: the last signature of all the organs."""
    joint = JointSignature.objects.filter(document=document).order_by("-signed_on").first()
    if joint and joint.signed_on > signed_on:
        return joint.signed_on
    return signed_on


def _back_to_signer(*, actor, document) -> None:
    """A text changed after 签发 goes back to the person who signed it, alone on a new route."""
    signer = document.signed_by
    if signer is None:
        raise DocumentError(_("This document has no signer to send it back to."))
    route = workflow.adhoc_route(
        actor=actor,
        unit=document.unit,
        kind=rules.SUBJECT_KIND,
        name=stored_text(gettext_lazy("Signing again after a change")),
        person=signer,
    )
    document.final_hash = ""
    document.signed_at = None
    document.issued_on = None
    document.save(update_fields=["final_hash", "signed_at", "issued_on"])
    audit.record(
        "documents.back_to_signer",
        actor=actor,
        obj=document,
        detail={"signer": signer.pk, "text_version": document.text_version},
        **_audit_fields(document),
    )
    workflow.run_start(actor=actor, subject=document, route=route, urgency=document.urgency)


def record_joint_signature(*, actor, document, organ: str, signer: str, signed_on):
    """联合行文: the office records another organ's leader's 会签 from the signed paper."""
    if not rules.is_office(actor):
        raise DocumentError(_("Only the general office records joint signatures."))
    organ, signer = organ.strip(), signer.strip()
    if organ not in (document.issuers or [])[1:]:
        raise ValidationError({"organ": _("Choose one of the joint issuing organs.")})
    if not signer:
        raise ValidationError({"signer": _("Write who signed.")})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("A signature cannot be dated in the future.")})
    with transaction.atomic():
        joint, _created = JointSignature.objects.update_or_create(
            document=document,
            organ=organ,
            defaults={
                "signer": signer[:50],
                "signed_on": signed_on,
                "recorded_at": timezone.now(),
                "recorded_by": actor,
            },
        )
        if document.signed_at:
            document.issued_on = issue_date(
                document, signed_on=timezone.localdate(document.signed_at)
            )
            document.save(update_fields=["issued_on"])
        audit.record(
            "documents.joint_signature",
            actor=actor,
            obj=document,
            detail={"organ": organ, "signer": signer, "signed_on": signed_on.isoformat()},
            **_audit_fields(document),
        )
    return joint


def word_of(mapping: dict, key):
    """The Chinese word of a stored key (terms.py), for templates and exports."""
    return mapping.get(key, "")


KIND_WORDS = terms.KIND_WORDS
