"""After 签发: 复核, 印制, 用印, 核发 and 归档 (条例 §25 发文办理, §26 整理归档; issue 4
items 4, 6, 7).

登记 between 复核 and 印制 is :mod:`.numbering`'s. Every step here is the general office's: it
locks the document (``select_for_update``), refuses a document in the wrong state with a
:class:`~.services.DocumentError` (HTTP 409) and a form shown on an older version with
:class:`~zhongshu.core.models.StaleVersionError` (412), records the milestone on the document,
writes the audit event in the same transaction and reindexes the document.

- 复核 checks the approval procedures, content, 文种 and format against a checklist. A change of
  the text at this point goes through :func:`.services.draft_update`, which sends the document
  back to its signer.
- 印制 records the copies printed, the 印发日期 and who printed them; a classified document is
  printed once per 份号 (``output.pdf_bytes(copies=True)``).
- 用印 records each physical seal in the seal register. The software stamps no seal image: the
  PDF leaves the seal area blank.
- 核发 gives internal recipients the document in their inbox (a :class:`.models.Dispatch` and a
  copy in 「抄送我的」, read receipts when they open it) and records external recipients with
  the channel, the time and, for a classified document, the 份号 each received.
- 归档 builds the archival package (:mod:`.archive`) and stores it by its SHA-256.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core import audit
from zhongshu.core.models import StaleVersionError
from zhongshu.core.rules import is_business_user
from zhongshu.workflow import services as workflow

from . import numbering, rules, selectors
from . import services as documents
from .models import (
    ArchivePackage,
    CopyNumber,
    Dispatch,
    Layout,
    OutgoingDocument,
    SealUse,
    State,
)
from .services import DocumentError

# 复核 (条例 §25): 「核对审批手续、内容、文种和格式」.
CHECK_POINTS = (
    ("procedures", gettext_lazy("Approval procedures complete (审批手续)")),
    ("content", gettext_lazy("Content (内容)")),
    ("kind", gettext_lazy("Kind (文种)")),
    ("format", gettext_lazy("Format (格式)")),
)
NOTE_MAX = 200
# The step name of the copies 核发 puts in 「抄送我的」: the 条例 §25 word, stored like a route's
# step names (data, not a translated message).
DISTRIBUTION_STEP = "核发"
# Channels a document leaves the unit by (Dispatch.Channel without the system itself).
EXTERNAL_CHANNELS = tuple(c for c in Dispatch.Channel if c != Dispatch.Channel.SYSTEM)

# The office's steps after 签发, in order: (milestone, the state it leads to).
STEPS = (
    ("signed", State.SIGNED, gettext_lazy("Signed")),
    ("checked", State.CHECKED, gettext_lazy("Checked")),
    ("registered", State.REGISTERED, gettext_lazy("Registered")),
    ("printed", State.PRINTED, gettext_lazy("Printed")),
    ("sealed", State.SEALED, gettext_lazy("Sealed")),
    ("distributed", State.DISTRIBUTED, gettext_lazy("Distributed")),
    ("filed", State.FILED, gettext_lazy("Filed")),
)
STEP_URLS = {
    "checked": "documents:handling_check",
    "registered": "documents:register",
    "printed": "documents:handling_print",
    "sealed": "documents:handling_seal",
    "distributed": "documents:dispatch",
    "filed": "documents:archive",
}
AFTER_SIGNING = tuple(state for _key, state, _label in STEPS)
_ORDER = {state: n for n, state in enumerate(AFTER_SIGNING)}


# --- Guards -------------------------------------------------------------------------------------


def _require_office(actor) -> None:
    if not rules.is_office(actor):
        raise DocumentError(_("Only the general office handles documents after signing."))


def _locked(document, *, expected_version, states, refusal: str) -> OutgoingDocument:
    """The document's row, locked until the transaction ends, in one of ``states`` (else
    DocumentError with ``refusal``) and at ``expected_version`` (else StaleVersionError).

    The state is checked first: a form sent twice says "already done", not "changed".
    """
    locked = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if locked.deleted_at is not None or locked.state not in states:
        raise DocumentError(refusal % {"state": locked.get_state_display()})
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError
    return locked


def _advance(document, state, *, actor, milestone: str, fields=(), **detail) -> None:
    """Move ``document`` to ``state`` through the lead's ``_set_state`` (milestone, version),
    then save the other changed ``fields`` and the milestone's ``detail`` in one more UPDATE."""
    documents._set_state(document, state, actor=actor, milestone=milestone)
    if detail:
        document.milestones[milestone].update(detail)
    if detail or fields:
        document.save(update_fields=[*fields, "milestones"])


def _touch(document, *, actor) -> None:
    """A further record in the same state (another seal, another recipient) moves the version
    on, so a form shown before it is refused as stale."""
    document.save_versioned(actor=actor, expected_version=document.version, update_fields=[])


def _audit(action: str, *, actor, document, detail: dict) -> None:
    audit.record(
        action,
        actor=actor,
        obj=document,
        classification=document.classification,
        unit_id=document.unit_id,
        detail=detail,
    )


def _note(value, name: str, errors: dict) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > NOTE_MAX:
        errors[name] = _("At most %(n)d characters.") % {"n": NOTE_MAX}
    return text


# --- 复核 ---------------------------------------------------------------------------------------


@transaction.atomic
def document_check(
    *, actor, document, expected_version: int, ticked, notes: dict | None = None
) -> OutgoingDocument:
    """复核 (条例 §25 step 1): the office has checked the approval procedures, the content, the
    文种 and the format of a signed document; every point is ticked, each with an optional note.

    The text must still be the signed one (its hash is the 定稿 hash): a change goes back to the
    signer through ``services.draft_update`` before it can be checked.
    """
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=(State.SIGNED,),
        refusal=_("Only a signed document can be checked (复核); this one is “%(state)s”."),
    )
    if documents.content_hash(documents.content_of(document)) != document.final_hash:
        raise DocumentError(
            _("The text differs from the signed text (定稿). It has to be signed again first.")
        )
    ticked, notes = set(ticked or ()), notes or {}
    errors: dict = {}
    points = {}
    for key, _label in CHECK_POINTS:
        if key not in ticked:
            errors[key] = _("Tick this point once you have checked it.")
        points[key] = _note(notes.get(key), f"{key}_note", errors)
    if errors:
        raise ValidationError(errors)
    _advance(document, State.CHECKED, actor=actor, milestone="checked", points=points)
    _audit("documents.checked", actor=actor, document=document, detail={"points": points})
    documents.reindex(document)
    return document


# --- 印制 ---------------------------------------------------------------------------------------


@transaction.atomic
def document_print(
    *,
    actor,
    document,
    expected_version: int,
    copies: int | None = None,
    print_date: date | None = None,
) -> OutgoingDocument:
    """印制 (条例 §25 step 3): the copies printed (by default the number registered), the
    印发日期 (kept when 登记 fixed it, else the day given or today) and who printed them.

    A classified document is printed once per 份号 given at 登记, so its number of copies is
    that of its 份号 (涉密公文 are printed where the secrecy rules allow: the office's call).
    """
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=(State.REGISTERED,),
        refusal=_("Only a registered document can be printed; this one is “%(state)s”."),
    )
    errors: dict = {}
    copies = document.copies if copies is None else copies
    if not isinstance(copies, int) or not 1 <= copies <= numbering.MAX_COPIES:
        errors["copies"] = _("Print between 1 and %(max)s copies.") % {"max": numbering.MAX_COPIES}
    elif document.is_classified:
        numbered = CopyNumber.objects.filter(document=document).count()
        if copies != numbered:
            errors["copies"] = _(
                "A classified document is printed once per copy number (份号): %(n)d copies. "
                "Change the number of copies at registration."
            ) % {"n": numbered}
    print_date = document.print_date or print_date or timezone.localdate()
    if document.issued_on and print_date < document.issued_on:
        errors["print_date"] = _("The printing date cannot be before the date of issue.")
    if errors:
        raise ValidationError(errors)
    before = {"copies": document.copies, "print_date": document.print_date}
    document.copies, document.print_date = copies, print_date
    _advance(
        document,
        State.PRINTED,
        actor=actor,
        milestone="printed",
        fields=("copies", "print_date"),
        copies=copies,
    )
    _audit(
        "documents.printed",
        actor=actor,
        document=document,
        detail={
            "copies": copies,
            "print_date": print_date.isoformat(),
            "before": {
                "copies": before["copies"],
                "print_date": before["print_date"].isoformat() if before["print_date"] else None,
            },
            "per_copy_number": document.is_classified,
        },
    )
    documents.reindex(document)
    return document


# --- 用印 ---------------------------------------------------------------------------------------


@transaction.atomic
def seal_record(
    *, actor, document, expected_version: int, seal: str, copies: int, note: str = ""
) -> SealUse:
    """用印: a physical seal put on the printed copies, entered in the seal register (which
    seal, how many copies, who, when). The first seal makes the document sealed; a joint
    document (联合行文) gets one entry per organ's seal while it waits for 核发.

    No seal image is stamped by the software: the PDF leaves the seal area blank.
    """
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=(State.PRINTED, State.SEALED),
        refusal=_("Only a printed document can be sealed; this one is “%(state)s”."),
    )
    errors: dict = {}
    seal = " ".join(str(seal or "").split())
    if not seal:
        errors["seal"] = _("Name the seal used.")
    elif len(seal) > 100:
        errors["seal"] = _("At most %(n)d characters.") % {"n": 100}
    if not isinstance(copies, int) or not 1 <= copies <= max(document.copies, 1):
        errors["copies"] = _("Between 1 and the %(n)d copies printed.") % {"n": document.copies}
    note = _note(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    use = SealUse.objects.create(
        document=document,
        seal=seal,
        copies=copies,
        note=note,
        used_at=timezone.now(),
        used_by=actor,
    )
    if document.state == State.PRINTED:
        _advance(document, State.SEALED, actor=actor, milestone="sealed", seal=seal)
    else:
        _touch(document, actor=actor)
    _audit(
        "documents.sealed",
        actor=actor,
        document=document,
        detail={"seal_use": use.pk, "seal": seal, "copies": copies, "note": note},
    )
    documents.reindex(document)
    return use


# --- 核发 ---------------------------------------------------------------------------------------


def distributable_states(document) -> tuple:
    """A sealed document is distributed; a 纪要, which carries no seal, once printed."""
    if document.layout == Layout.MINUTES:
        return (State.PRINTED, State.SEALED, State.DISTRIBUTED)
    return (State.SEALED, State.DISTRIBUTED)


def _distribution_refusal() -> str:
    return _("Only a sealed document can be distributed; this one is “%(state)s”.")


def _after_dispatch(document, *, actor, detail: dict) -> None:
    """The first dispatch makes the document distributed; later ones move its version on."""
    if document.state != State.DISTRIBUTED:
        _advance(document, State.DISTRIBUTED, actor=actor, milestone="distributed")
    else:
        _touch(document, actor=actor)
    _audit("documents.distributed", actor=actor, document=document, detail=detail)
    documents.reindex(document)


def recipients_possible(document) -> QuerySet:
    """The people a document may be distributed to in the system: active business users of its
    unit cleared for its 密级."""
    return (
        get_user_model()
        .objects.filter(
            unit_id=document.unit_id,
            is_active=True,
            closed_at__isnull=True,
            admin_role="",
            clearance__gte=document.classification,
        )
        .order_by("full_name", "id")
    )


@dataclass
class Distribution:
    """What :func:`document_distribute` did: who got it now, who had it already, and the
    department members left out because they are not cleared for the document."""

    added: list = field(default_factory=list)
    already: list = field(default_factory=list)
    not_cleared: list = field(default_factory=list)


def choose_recipients(document, people, departments, *, had) -> Distribution:
    """Who a distribution of ``document`` (outgoing or incoming) goes to: the people named and
    the active members of the departments named, less those who ``had`` it (a queryset of
    person ids). ValidationError when someone named may not receive it or nobody new is left;
    department members not cleared for its 密级 are left out and reported."""
    people, departments = list(people or ()), list(departments or ())
    if not people and not departments:
        raise ValidationError({"people": _("Choose at least one person or department.")})
    errors: dict = {}
    for department in departments:
        if department.unit_id != document.unit_id or department.deleted_at is not None:
            errors["departments"] = _("Choose departments of this unit.")
    for person in people:
        if person.unit_id != document.unit_id or not is_business_user(person) or person.closed_at:
            errors["people"] = _("%(person)s cannot receive documents of this unit.") % {
                "person": person
            }
        elif not rules.cleared_for(person, document.classification):
            errors["people"] = _(
                "%(person)s is not cleared for documents marked %(classification)s."
            ) % {"person": person, "classification": document.get_classification_display()}
    if errors:
        raise ValidationError(errors)
    members, not_cleared = _members(document, departments) if departments else ([], [])
    chosen = {p.pk: p for p in [*people, *members]}
    had = set(had.filter(person_id__in=list(chosen)))
    result = Distribution(
        added=[p for pk, p in chosen.items() if pk not in had],
        already=[p for pk, p in chosen.items() if pk in had],
        not_cleared=not_cleared,
    )
    if not result.added:
        raise ValidationError(
            {"people": _("Everyone chosen has this document already; nobody new to send it to.")}
        )
    return result


def _members(document, departments) -> tuple[list, list]:
    """The active members of ``departments`` (any post, 兼职 included): (cleared, not cleared)."""
    people = (
        get_user_model()
        .objects.filter(
            unit_id=document.unit_id,
            is_active=True,
            closed_at__isnull=True,
            admin_role="",
            memberships__department__in=[d.pk for d in departments],
            memberships__deleted_at__isnull=True,
        )
        .distinct()
        .order_by("full_name", "id")
    )
    cleared, not_cleared = [], []
    for person in people:
        (cleared if rules.cleared_for(person, document.classification) else not_cleared).append(
            person
        )
    return cleared, not_cleared


@transaction.atomic
def document_distribute(
    *, actor, document, expected_version: int, people=(), departments=()
) -> Distribution:
    """核发 to internal recipients (条例 §25 step 4): each person named, and every active member
    of each department named, gets the document in 「抄送我的」 (a copy on its last approval run)
    with a :class:`Dispatch` that records when they read it. Someone who has it already is not
    sent it again; department members not cleared for its 密级 are left out and reported.
    """
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=distributable_states(document),
        refusal=_distribution_refusal(),
    )
    result = choose_recipients(
        document,
        people,
        departments,
        had=Dispatch.objects.filter(document=document).values_list("person_id", flat=True),
    )
    run = documents.current_run(document)
    if run is None:
        raise DocumentError(_("This document has no approval record to distribute it with."))
    now = timezone.now()
    Dispatch.objects.bulk_create(
        [
            Dispatch(
                document=document,
                person=person,
                channel=Dispatch.Channel.SYSTEM,
                sent_at=now,
                sent_by=actor,
            )
            for person in result.added
        ],
        batch_size=500,
    )
    workflow.copy_to(actor=actor, run=run, users=result.added, step_name=DISTRIBUTION_STEP)
    _after_dispatch(
        document,
        actor=actor,
        detail={
            "channel": Dispatch.Channel.SYSTEM,
            "people": [p.pk for p in people],
            "departments": [d.pk for d in departments],
            "sent_to": [p.pk for p in result.added],
            "not_cleared": [p.pk for p in result.not_cleared],
        },
    )
    return result


def _copies_for(document, numbers: list[int], organ: str, errors: dict) -> list[CopyNumber]:
    """The 份号 an external recipient receives: each exists, and none has gone to anyone else
    (a 份号 is held by one recipient at most, in the dispatches and the 份号 register alike)."""
    if len(set(numbers)) != len(numbers):
        errors["copy_numbers"] = _("A copy number (份号) is given twice.")
        return []
    copies = {
        c.number: c
        for c in CopyNumber.objects.select_for_update().filter(
            document=document, number__in=numbers
        )
    }
    missing = [n for n in numbers if n not in copies]
    if missing:
        errors["copy_numbers"] = _("This document has no copy number %(copy)s.") % {
            "copy": numbering.copy_text(missing[0])
        }
        return []
    sent = (
        Dispatch.objects.filter(document=document, copy_number__in=numbers)
        .select_related("person")
        .order_by("copy_number")
        .first()
    )
    if sent is not None:
        errors["copy_numbers"] = _(
            "Copy %(copy)s has already been sent to %(recipient)s on %(date)s."
        ) % {
            "copy": numbering.copy_text(sent.copy_number),
            "recipient": sent.organ or sent.person,
            "date": timezone.localtime(sent.sent_at).strftime("%Y-%m-%d %H:%M"),
        }
        return []
    for number in numbers:
        copy = copies[number]
        if copy.handed_at is not None and (
            copy.person_id or copy.department_id or copy.recipient != organ
        ):
            errors["copy_numbers"] = _(
                "Copy %(copy)s is recorded as held by someone else already."
            ) % {"copy": copy.text}
            return []
    return [copies[n] for n in numbers]


@transaction.atomic
def dispatch_external(
    *,
    actor,
    document,
    expected_version: int,
    organ: str,
    channel: str,
    copy_numbers=(),
    sent_at=None,
) -> list[Dispatch]:
    """核发 to an external recipient: the organ, the channel (机要交通, post, fax, e-mail, the
    government network…) and the time it left. A classified document names the 份号 sent, each
    to one recipient at most; the 份号 register records the organ as their holder.
    """
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=distributable_states(document),
        refusal=_distribution_refusal(),
    )
    errors: dict = {}
    organ = " ".join(str(organ or "").split())
    if not organ:
        errors["organ"] = _("Name the organ the document goes to.")
    elif len(organ) > 100:
        errors["organ"] = _("At most %(n)d characters.") % {"n": 100}
    if channel not in EXTERNAL_CHANNELS:
        errors["channel"] = _("Choose how the document leaves the unit.")
    now = timezone.now()
    sent_at = sent_at or now
    if sent_at > now + timedelta(minutes=5):
        errors["sent_at"] = _("A document cannot be sent in the future.")
    numbers = [int(n) for n in copy_numbers or ()]
    copies: list[CopyNumber] = []
    if document.is_classified and not numbers:
        errors["copy_numbers"] = _("Choose the copy numbers (份号) sent.")
    elif numbers and not document.is_classified:
        errors["copy_numbers"] = _("Only a classified document has copy numbers (份号).")
    elif numbers and "organ" not in errors:
        copies = _copies_for(document, numbers, organ, errors)
    if errors:
        raise ValidationError(errors)
    rows = [
        Dispatch(
            document=document,
            organ=organ,
            channel=channel,
            copy_number=copy.number,
            sent_at=sent_at,
            sent_by=actor,
        )
        for copy in copies
    ] or [Dispatch(document=document, organ=organ, channel=channel, sent_at=sent_at, sent_by=actor)]
    rows = Dispatch.objects.bulk_create(rows)
    for copy in copies:
        copy.recipient, copy.department, copy.person, copy.handed_at = organ, None, None, sent_at
    if copies:
        CopyNumber.objects.bulk_update(copies, ["recipient", "department", "person", "handed_at"])
    _after_dispatch(
        document,
        actor=actor,
        detail={
            "channel": channel,
            "organ": organ,
            "copy_numbers": [c.text for c in copies],
            "sent_at": sent_at.isoformat(),
        },
    )
    return rows


def mark_read(user, document) -> bool:
    """A recipient opened the document: their dispatch and their copy in 「抄送我的」 are read
    (the read receipt). Called by the document page; one UPDATE each, and only when something
    is unread, so opening it again writes nothing. Returns whether anything was marked."""
    if not getattr(user, "pk", None):
        return False
    now = timezone.now()
    marked = False
    dispatches = Dispatch.objects.filter(
        document_id=document.pk, person_id=user.pk, read_at__isnull=True
    )
    if dispatches.exists():
        marked = bool(dispatches.update(read_at=now))
    copies = workflow.cc_mark_read(actor=user, kind=rules.SUBJECT_KIND, subject_id=document.pk)
    return bool(copies) or marked


# --- 归档 ---------------------------------------------------------------------------------------


def document_file(*, actor, document, expected_version: int) -> ArchivePackage:
    """归档 (条例 §26; DA/T 22-2015): build the archival package of a distributed document,
    store it by its SHA-256 (:mod:`zhongshu.core.files`) and mark the document filed.

    The package is built before the row is locked — rendering takes seconds and the lock (on
    SQLite the database's write lock) must not wait for it — from the version the office saw;
    the locked row must still be at that version, or the filing is refused as stale.
    """
    from . import archive

    _require_office(actor)
    current = (
        OutgoingDocument.objects.select_related("unit", "department", "drafter", "signed_by")
        .filter(pk=document.pk)
        .get()
    )
    refusal = _("Only a distributed document can be filed; this one is “%(state)s”.")
    if current.state != State.DISTRIBUTED or current.deleted_at is not None:
        raise DocumentError(refusal % {"state": current.get_state_display()})
    if current.version != expected_version:
        raise StaleVersionError
    package = archive.build(current, actor=actor)
    with archive.keeping(package) as keep, transaction.atomic():
        locked = _locked(
            current,
            expected_version=expected_version,
            states=(State.DISTRIBUTED,),
            refusal=refusal,
        )
        row = ArchivePackage.objects.create(
            document=locked,
            stored_file=keep(),
            sha256=package.sha256,
            manifest=package.manifest,
            created_at=timezone.now(),
            created_by=actor,
        )
        _advance(
            locked,
            State.FILED,
            actor=actor,
            milestone="filed",
            sha256=package.sha256,
            size=package.size,
        )
        _audit(
            "documents.filed",
            actor=actor,
            document=locked,
            detail={
                "sha256": package.sha256,
                "size": package.size,
                "files": len(package.manifest["files"]),
            },
        )
        documents.reindex(locked)
    return row


# --- Reads --------------------------------------------------------------------------------------


def steps_of(document) -> list[dict]:
    """The office's steps after 签发 for the Steps display: each with its status (done, current,
    waiting), when and by whom it was done, and the page that does it."""
    milestones = document.milestones or {}
    position = _ORDER.get(document.state)
    by_ids = {m.get("by") for m in milestones.values() if isinstance(m, dict) and m.get("by")}
    names = dict(
        get_user_model().objects.filter(pk__in=by_ids).values_list("pk", "full_name")
        if by_ids
        else []
    )
    steps = []
    for n, (key, _state, label) in enumerate(STEPS):
        if position is not None and n <= position:
            status = "done"
        elif position is not None and n == position + 1:
            status = "current"
        else:
            status = "waiting"
        mark = milestones.get(key) if status == "done" else None
        at = None
        if isinstance(mark, dict) and mark.get("at"):
            at = parse_datetime(mark["at"])
        steps.append(
            {
                "key": key,
                "label": label,
                "status": status,
                "at": at,
                "by": names.get(mark.get("by")) if isinstance(mark, dict) else None,
                "url_name": STEP_URLS.get(key),
            }
        )
    return steps


def queue_for(user, state: str) -> QuerySet[OutgoingDocument]:
    """The office's documents waiting after 签发 in ``state`` (one of AFTER_SIGNING)."""
    if not rules.is_office(user) or state not in AFTER_SIGNING:
        return OutgoingDocument.objects.none()
    return (
        selectors.visible_documents(user)
        .filter(state=state)
        .select_related("department", "signed_by")
        .defer(*OutgoingDocument.TEXT_COLUMNS)
    )


def dispatches_of(document) -> list[Dispatch]:
    """The distribution list (分发单): every recipient in the order sent."""
    return list(
        Dispatch.objects.filter(document=document)
        .select_related("person", "sent_by")
        .order_by("sent_at", "id")
    )


@dataclass
class Receipts:
    total: int
    read: int
    unread: list  # Dispatch rows with their person, oldest first

    @property
    def percent(self) -> int:
        return round(self.read * 100 / self.total) if self.total else 0


def receipts_of(document) -> Receipts:
    """Read receipts of the internal recipients: how many read it, and who has not."""
    internal = Dispatch.objects.filter(document=document, person__isnull=False)
    total = internal.count()
    read = internal.filter(read_at__isnull=False).count() if total else 0
    unread = list(
        internal.filter(read_at__isnull=True)
        .select_related("person")
        .order_by("person__full_name", "id")
    )
    return Receipts(total=total, read=read, unread=unread)


def available_copy_numbers(document) -> list[CopyNumber]:
    """份号 not yet sent and not handed to anyone: what an external dispatch may name."""
    sent = Dispatch.objects.filter(document=document, copy_number__isnull=False).values(
        "copy_number"
    )
    return list(
        CopyNumber.objects.filter(document=document, handed_at__isnull=True)
        .exclude(number__in=sent)
        .order_by("number")
    )


def seal_uses_for(user) -> QuerySet[SealUse]:
    """The unit's seal register for the office; never a document above the user's clearance."""
    if not rules.is_office(user):
        return SealUse.objects.none()
    return (
        SealUse.objects.filter(
            document__unit_id=user.unit_id,
            document__deleted_at__isnull=True,
            document__classification__lte=user.clearance,
        )
        .select_related("document", "used_by")
        .defer(*(f"document__{c}" for c in OutgoingDocument.TEXT_COLUMNS))
    )


def seal_names(document) -> list[str]:
    """Seals to propose: the issuing organs', then the ones the unit used lately."""
    names = list(document.issuers or [])
    recent = (
        SealUse.objects.filter(document__unit_id=document.unit_id)
        .order_by("-id")
        .values_list("seal", flat=True)[:50]
    )
    for name in recent:
        if name not in names:
            names.append(name)
    return names[:20]


def package_of(document) -> ArchivePackage | None:
    return (
        ArchivePackage.objects.filter(document=document)
        .select_related("stored_file", "created_by")
        .first()
    )


__all__ = [
    "CHECK_POINTS",
    "DISTRIBUTION_STEP",
    "EXTERNAL_CHANNELS",
    "Distribution",
    "Receipts",
    "available_copy_numbers",
    "dispatch_external",
    "dispatches_of",
    "distributable_states",
    "document_check",
    "document_distribute",
    "document_file",
    "document_print",
    "mark_read",
    "package_of",
    "queue_for",
    "receipts_of",
    "recipients_possible",
    "seal_names",
    "seal_record",
    "seal_uses_for",
    "steps_of",
]
