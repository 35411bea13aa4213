"""Classified copies (涉密载体, issue 5 item 9): registering each 份号 received, lending a copy to
someone cleared for it and taking it back, and the two ways a copy leaves the office — 清退 (back
to the organ that issued it, which signs for it) and 销毁 (approved by a second office member,
destroyed in front of a witness).

保密法 (2010) §21, domain/gongwen.md §4: classified carriers are received, passed on and kept by
designated people. domain/security.md B6: a destruction needs two distinct people — the one who
prepared the list never approves it — and the witness (监销人) is not the one destroying.

Every write is by a member of the general office cleared for the copies concerned, in one
transaction with the rows locked and their versions checked, audited, and logged on each copy
(:class:`CopyEvent`). Destroyed and returned copies are final.
"""

import hashlib
import re
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.core import audit
from zhongshu.core.models import Classification, StaleVersionError
from zhongshu.core.rules import is_business_user

from . import rules
from .models import (
    ClassifiedCopy,
    CopyDisposal,
    CopyEvent,
    CopyKind,
    CopyState,
    CopyVerb,
    DisposalCounter,
    DisposalKind,
    DisposalState,
    IncomingDocument,
)
from .models_copies import DestroyMethod, ReturnMethod
from .services import DocumentError

MAX_COPY_NUMBER = 999_999
MAX_PAPERS_AT_ONCE = 1000  # 份号 registered in one form
MAX_LIST = 500  # copies on one 清退单 or 销毁单
NOTE_MAX = 500
SLACK = timedelta(minutes=5)
EARLIEST_YEAR = 1900
NUMBER = re.compile(r"^\d{1,6}$")
# "000012-000015, 000020": ranges with any dash or 至, separated by commas, 、, ; or spaces.
SEPARATORS = re.compile(r"[,，、;；\s]+")
RANGE = re.compile(r"^(\d{1,7})\s*(?:-|–|—|－|~|～|至)\s*(\d{1,7})$")
OBJECT_TYPE = "documents.classifiedcopy"


# --- Guards ------------------------------------------------------------------------------------


def may_keep(user) -> bool:
    """Who keeps the register: a member of the general office cleared for 秘密 at least."""
    return (
        is_business_user(user)
        and rules.is_office(user)
        and rules.cleared_for(user, Classification.SECRET)
    )


def _require_keeper(actor, classification: int = Classification.SECRET) -> None:
    if not may_keep(actor):
        raise DocumentError(
            _("Only a member of the general office cleared for 秘密 keeps the classified copies.")
        )
    if not rules.cleared_for(actor, classification):
        raise DocumentError(
            _("You are not cleared for copies marked %(level)s.")
            % {"level": Classification(classification).label}
        )


def _audit(action: str, *, actor, obj, classification: int, detail: dict) -> None:
    audit.record(
        action,
        actor=actor,
        obj=obj,
        classification=classification,
        unit_id=obj.unit_id,
        detail=detail,
    )


def _event(copy, verb: str, *, actor, at=None, person=None, disposal=None, note: str = ""):
    return CopyEvent(
        copy=copy,
        verb=verb,
        at=at or timezone.now(),
        actor=actor,
        person=person,
        disposal=disposal,
        note=note[:NOTE_MAX],
    )


def _locked_copy(copy, *, actor, expected_version, states, refusal: str) -> ClassifiedCopy:
    """The copy locked to the end of the transaction, of the actor's unit and within their
    clearance, in one of ``states`` (else DocumentError with ``refusal``: a form sent twice says
    "already done") and at ``expected_version``."""
    locked = ClassifiedCopy.objects.select_for_update().filter(pk=copy.pk).first()
    if locked is None or locked.deleted_at is not None or locked.unit_id != actor.unit_id:
        raise DocumentError(_("This copy is not on the register."))
    _require_keeper(actor, locked.classification)
    if locked.state not in states:
        raise DocumentError(refusal % {"state": locked.get_state_display()})
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError
    return locked


def _locked_disposal(disposal, *, actor, expected_version, states, refusal: str) -> CopyDisposal:
    locked = CopyDisposal.objects.select_for_update().filter(pk=disposal.pk).first()
    if locked is None or locked.deleted_at is not None or locked.unit_id != actor.unit_id:
        raise DocumentError(_("This list does not exist."))
    _require_keeper(actor, locked.classification)
    if locked.state not in states:
        raise DocumentError(refusal % {"state": locked.get_state_display()})
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError
    return locked


def _text(data: dict, name: str, errors: dict, *, limit: int, required: str = "") -> str:
    value = " ".join(str(data.get(name) or "").split())
    if not value and required:
        errors[name] = required
    elif len(value) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return value


def _cleared_person(person, classification: int, *, unit_id: int) -> bool:
    return (
        person is not None
        and person.unit_id == unit_id
        and is_business_user(person)
        and rules.cleared_for(person, classification)
    )


def cleared_people(unit_id: int, classification: int):
    """The people of the unit who may hold a copy of this 密级 (for the lending and destruction
    forms): active, not one of the three administrators, cleared for it."""
    return (
        get_user_model()
        .objects.filter(
            unit_id=unit_id, is_active=True, admin_role="", clearance__gte=classification
        )
        .order_by("full_name", "pk")
    )


# --- 份号 -----------------------------------------------------------------------------------------


def copy_text(number: int) -> str:
    return f"{number:06d}"


def parse_numbers(text: str) -> list[str]:
    """The 份号 of "000012-000015, 000020" (ranges and single numbers; commas, 、 or spaces
    between them), as six-digit strings in the order given. ValueError with the reason."""
    numbers: list[int] = []
    for part in SEPARATORS.split(str(text or "").strip()):
        if not part:
            continue
        match = RANGE.match(part)
        if match:
            low, high = int(match.group(1)), int(match.group(2))
            if low > high:
                raise ValueError(
                    _("%(range)s: the first number of a range comes before the last.")
                    % {"range": part}
                )
            if high - low + 1 > MAX_PAPERS_AT_ONCE:
                raise ValueError(
                    _("At most %(n)d copies are registered at once.") % {"n": MAX_PAPERS_AT_ONCE}
                )
            numbers.extend(range(low, high + 1))
        elif part.isascii() and part.isdigit() and len(part) <= 7:
            numbers.append(int(part))
        else:
            raise ValueError(
                _("“%(part)s” is not a copy number: write numbers like 000012-000015, 000020.")
                % {"part": part[:20]}
            )
        if len(numbers) > MAX_PAPERS_AT_ONCE:
            raise ValueError(
                _("At most %(n)d copies are registered at once.") % {"n": MAX_PAPERS_AT_ONCE}
            )
    if not numbers:
        raise ValueError(_("Give the copy numbers (份号), like 000012-000015, 000020."))
    wrong = [n for n in numbers if not 1 <= n <= MAX_COPY_NUMBER]
    if wrong:
        raise ValueError(
            _("A copy number (份号) is from 000001 to 999999; %(n)s is not.") % {"n": wrong[0]}
        )
    seen, twice = set(), []
    for n in numbers:
        if n in seen:
            twice.append(n)
        seen.add(n)
    if twice:
        raise ValueError(_("Copy number %(copy)s is given twice.") % {"copy": copy_text(twice[0])})
    return [copy_text(n) for n in numbers]


def paper_key(*, incoming_id=None, kind="", meeting="", source_name="", source_number="", title=""):
    """What identifies the document or paper a copy belongs to: one 份号 is registered once per
    paper (the constraint ``classified_copy_number_unique``)."""
    if incoming_id:
        text = f"incoming:{incoming_id}"
    else:
        text = "\x1f".join([kind, meeting, source_name, source_number, title]).casefold()
    return hashlib.sha256(text.encode()).hexdigest()


def _taken(unit_id: int, paper: str, numbers) -> list[str]:
    return sorted(
        ClassifiedCopy.objects.filter(
            unit_id=unit_id,
            paper=paper,
            copy_number__in=list(numbers),
            deleted_at__isnull=True,
        ).values_list("copy_number", flat=True)
    )


def _duplicate_message(numbers) -> str:
    shown = "、".join(numbers[:10]) + ("…" if len(numbers) > 10 else "")
    return _(
        "Already on the register for this paper: copy number %(copies)s. A copy number is "
        "registered once."
    ) % {"copies": shown}


# --- Copies of an incoming document ------------------------------------------------------------


def register_incoming(*, actor, document: IncomingDocument) -> list[ClassifiedCopy]:
    """The copies of a classified incoming document, registered with it (called inside the
    registration's transaction): ``document.copies`` rows numbered from its 份号 on; without a
    份号 the rows wait for the clerk to write their numbers on the register. Nothing for a
    document below 秘密 or one whose copies are registered already."""
    if not rules.classified(document.classification):
        return []
    if ClassifiedCopy.objects.filter(incoming=document).exists():
        return []
    first = int(document.copy_number) if NUMBER.match(document.copy_number or "") else None
    received = timezone.localtime(document.received_at).date()
    paper = paper_key(incoming_id=document.pk)
    now = timezone.now()
    copies = []
    for offset in range(max(1, document.copies or 1)):
        number = ""
        if first is not None and first + offset <= MAX_COPY_NUMBER:
            number = copy_text(first + offset)
        copies.append(
            ClassifiedCopy(
                unit_id=document.unit_id,
                kind=CopyKind.INCOMING,
                incoming=document,
                paper=paper,
                title=document.title[: ClassifiedCopy.TITLE_MAX],
                source_name=document.source_name,
                source_number=document.source_number,
                classification=document.classification,
                copy_number=number,
                received_on=received,
                created_by=actor,
                updated_by=actor,
                created_at=now,
            )
        )
    ClassifiedCopy.objects.bulk_create(copies, batch_size=500)
    copies = list(ClassifiedCopy.objects.filter(incoming=document).order_by("pk"))
    CopyEvent.objects.bulk_create(
        [_event(c, CopyVerb.REGISTERED, actor=actor, at=now) for c in copies], batch_size=500
    )
    audit.record(
        "documents.copies_registered",
        actor=actor,
        obj=document,
        classification=document.classification,
        unit_id=document.unit_id,
        detail={
            "copies": len(copies),
            "numbers": _range_text([c.copy_number for c in copies if c.copy_number]),
        },
    )
    return copies


def incoming_missing(actor):
    """Classified incoming documents of the actor's unit, within their clearance, that have no
    copy on the register (registered before the register existed)."""
    return IncomingDocument.objects.filter(
        unit_id=actor.unit_id,
        deleted_at__isnull=True,
        classification__gte=Classification.SECRET,
        classification__lte=actor.clearance,
    ).exclude(pk__in=ClassifiedCopy.objects.filter(incoming__isnull=False).values("incoming_id"))


@transaction.atomic
def register_missing(*, actor) -> int:
    """The copies of every classified incoming document registered before the register existed
    (the register page offers it). Returns how many documents got their copies."""
    _require_keeper(actor)
    documents = list(
        incoming_missing(actor).select_for_update().order_by("pk")[:MAX_PAPERS_AT_ONCE]
    )
    done = 0
    for document in documents:
        if register_incoming(actor=actor, document=document):
            done += 1
    return done


def _range_text(numbers: list[str]) -> str:
    """ "000012-000015、000020" for the audit and messages."""
    values = sorted(int(n) for n in numbers if n.isdigit())
    parts, start, prev = [], None, None
    for n in values:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append((start, prev))
            start = prev = n
    if start is not None:
        parts.append((start, prev))
    return "、".join(copy_text(a) if a == b else f"{copy_text(a)}-{copy_text(b)}" for a, b in parts)


@transaction.atomic
def number_copy(*, actor, copy, expected_version: int, copy_number: str) -> ClassifiedCopy:
    """The clerk writes in the 份号 of a copy registered without one (an incoming document
    registered with no 份号)."""
    copy = _locked_copy(
        copy,
        actor=actor,
        expected_version=expected_version,
        states=(CopyState.HELD, CopyState.LENT),
        refusal=_(
            "Only a copy the office holds gets its number written in; this one is “%(state)s”."
        ),
    )
    if copy.copy_number:
        raise DocumentError(
            _("This copy already has its number %(copy)s.") % {"copy": copy.copy_number}
        )
    value = " ".join(str(copy_number or "").split())
    if not NUMBER.match(value) or not 1 <= int(value) <= MAX_COPY_NUMBER:
        raise ValidationError(
            {"copy_number": _("A copy number (份号) is up to six digits, from 000001.")}
        )
    value = value.zfill(6)
    if _taken(copy.unit_id, copy.paper, [value]):
        raise ValidationError({"copy_number": _duplicate_message([value])})
    copy.copy_number = value
    try:
        with transaction.atomic():
            copy.save_versioned(
                actor=actor, expected_version=expected_version, update_fields=["copy_number"]
            )
    except IntegrityError as exc:  # the same number written in at the same moment
        raise ValidationError({"copy_number": _duplicate_message([value])}) from exc
    _event(copy, CopyVerb.NUMBERED, actor=actor, note=value).save()
    _audit(
        "documents.copy_numbered",
        actor=actor,
        obj=copy,
        classification=copy.classification,
        detail={"copy_number": value},
    )
    return copy


# --- Meeting papers and other carriers ----------------------------------------------------------


def _date(value, name: str, errors: dict, *, required: str = ""):
    if value in (None, ""):
        if required:
            errors[name] = required
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        errors[name] = _("Give a date.")
        return None
    if value.year < EARLIEST_YEAR:
        errors[name] = _("Give a date from %(year)d on.") % {"year": EARLIEST_YEAR}
        return None
    return value


def clean_papers(actor, data: dict) -> dict:
    """The fields of a registration of meeting papers (or other carriers), checked;
    ValidationError with every field's problem."""
    errors: dict = {}
    fields: dict = {}
    kind = data.get("kind") or CopyKind.MEETING
    if kind not in (CopyKind.MEETING, CopyKind.OTHER):
        errors["kind"] = _("Choose a meeting paper or another carrier.")
        kind = CopyKind.MEETING
    fields["kind"] = kind
    fields["meeting"] = _text(
        data,
        "meeting",
        errors,
        limit=200,
        required=_("Name the meeting the papers come from.") if kind == CopyKind.MEETING else "",
    )
    fields["title"] = _text(
        data, "title", errors, limit=ClassifiedCopy.TITLE_MAX, required=_("Give the title.")
    )
    fields["source_name"] = _text(
        data, "source_name", errors, limit=100, required=_("Name the organ that issued it.")
    )
    fields["source_number"] = _text(data, "source_number", errors, limit=60)
    classification = data.get("classification")
    if classification not in Classification.values or not rules.classified(classification):
        errors["classification"] = _("Only papers marked 秘密 or above go on this register.")
        classification = Classification.SECRET
    elif not rules.cleared_for(actor, classification):
        errors["classification"] = _(
            "You are not cleared for papers marked %(level)s: have someone who is register them."
        ) % {"level": Classification(classification).label}
    fields["classification"] = classification
    try:
        fields["numbers"] = parse_numbers(data.get("numbers") or "")
    except ValueError as exc:
        errors["numbers"] = str(exc)
        fields["numbers"] = []
    today = timezone.localdate()
    received = _date(
        data.get("received_on"), "received_on", errors, required=_("Give the date received.")
    )
    if received and received > today:
        errors["received_on"] = _("The date received cannot be in the future.")
    fields["received_on"] = received
    return_by = _date(data.get("return_by"), "return_by", errors)
    if return_by and received and return_by < received:
        errors["return_by"] = _("The papers cannot be due back before they were received.")
    fields["return_by"] = return_by
    brought_by = data.get("brought_by")
    if brought_by is not None and not _cleared_person(
        brought_by, classification, unit_id=actor.unit_id
    ):
        errors["brought_by"] = _(
            "Choose someone of this unit cleared for %(level)s: only they may carry the papers."
        ) % {"level": Classification(classification).label}
    fields["brought_by"] = brought_by
    fields["note"] = _text(data, "note", errors, limit=NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    return fields


def register_papers(*, actor, data: dict, idempotency_key: str = "") -> list[ClassifiedCopy]:
    """Meeting papers brought back from a meeting (会议文件), or another classified carrier:
    one row per 份号 given. A 份号 already on the register for the same paper (same meeting,
    issuer, 文号 and title) is refused with the numbers; the same form sent twice
    (``idempotency_key``) registers once and returns the first registration."""
    _require_keeper(actor)
    key = str(idempotency_key or "")[:64]
    if key:
        earlier = list(ClassifiedCopy.objects.filter(created_by=actor, batch=key).order_by("pk"))
        if earlier:
            return earlier
    fields = clean_papers(actor, data)
    numbers = fields.pop("numbers")
    paper = paper_key(
        kind=fields["kind"],
        meeting=fields["meeting"],
        source_name=fields["source_name"],
        source_number=fields["source_number"],
        title=fields["title"],
    )
    try:
        with transaction.atomic():
            return _register_papers(actor, fields, numbers, paper, key)
    except IntegrityError as exc:
        if key:
            earlier = list(
                ClassifiedCopy.objects.filter(created_by=actor, batch=key).order_by("pk")
            )
            if earlier:
                return earlier
        taken = _taken(actor.unit_id, paper, numbers)
        raise ValidationError({"numbers": _duplicate_message(taken or numbers)}) from exc


def _register_papers(actor, fields, numbers, paper, key) -> list[ClassifiedCopy]:
    # Lock the paper's existing rows (if any) so that two registrations of the same numbers
    # wait for each other; the unique constraint is the last word.
    list(
        ClassifiedCopy.objects.select_for_update()
        .filter(unit_id=actor.unit_id, paper=paper)
        .values_list("pk", flat=True)
    )
    taken = _taken(actor.unit_id, paper, numbers)
    if taken:
        raise ValidationError({"numbers": _duplicate_message(taken)})
    now = timezone.now()
    ClassifiedCopy.objects.bulk_create(
        [
            ClassifiedCopy(
                unit_id=actor.unit_id,
                paper=paper,
                copy_number=number,
                batch=key,
                created_by=actor,
                updated_by=actor,
                created_at=now,
                **fields,
            )
            for number in numbers
        ],
        batch_size=500,
    )
    copies = list(
        ClassifiedCopy.objects.filter(
            unit_id=actor.unit_id, paper=paper, copy_number__in=numbers
        ).order_by("pk")
    )
    CopyEvent.objects.bulk_create(
        [
            _event(c, CopyVerb.REGISTERED, actor=actor, at=now, person=fields["brought_by"])
            for c in copies
        ],
        batch_size=500,
    )
    first = copies[0]
    audit.record(
        "documents.copies_registered",
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=str(first.pk),
        object_repr=first.title,
        classification=fields["classification"],
        unit_id=actor.unit_id,
        detail={
            "kind": fields["kind"],
            "meeting": fields["meeting"],
            "source": fields["source_name"],
            "source_number": fields["source_number"],
            "copies": len(copies),
            "numbers": _range_text(numbers),
            "brought_by": fields["brought_by"].pk if fields["brought_by"] else None,
        },
    )
    return copies


# --- Lending --------------------------------------------------------------------------------------


@transaction.atomic
def lend(*, actor, copy, expected_version: int, person, note: str = "") -> ClassifiedCopy:
    """A copy the office holds is lent to someone of the unit cleared for its 密级 (借阅)."""
    copy = _locked_copy(
        copy,
        actor=actor,
        expected_version=expected_version,
        states=(CopyState.HELD,),
        refusal=_("Only a copy the office holds can be lent; this one is “%(state)s”."),
    )
    if person is None:
        raise ValidationError({"person": _("Choose who borrows it.")})
    if not _cleared_person(person, copy.classification, unit_id=copy.unit_id):
        raise ValidationError(
            {
                "person": _(
                    "%(name)s may not hold it: lend it to someone of this unit cleared for "
                    "%(level)s."
                )
                % {"name": person.full_name, "level": copy.get_classification_display()}
            }
        )
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("At most %(n)d characters.") % {"n": NOTE_MAX}})
    now = timezone.now()
    copy.state, copy.holder, copy.held_since = CopyState.LENT, person, now
    copy.save_versioned(
        actor=actor,
        expected_version=expected_version,
        update_fields=["state", "holder", "held_since"],
    )
    _event(copy, CopyVerb.LENT, actor=actor, at=now, person=person, note=note).save()
    _audit(
        "documents.copy_lent",
        actor=actor,
        obj=copy,
        classification=copy.classification,
        detail={"copy_number": copy.copy_number, "person": person.pk, "note": note},
    )
    return copy


@transaction.atomic
def take_back(*, actor, copy, expected_version: int, note: str = "") -> ClassifiedCopy:
    """A lent copy is back in the office."""
    copy = _locked_copy(
        copy,
        actor=actor,
        expected_version=expected_version,
        states=(CopyState.LENT,),
        refusal=_("Only a lent copy is taken back; this one is “%(state)s”."),
    )
    note = " ".join(str(note or "").split())[:NOTE_MAX]
    holder = copy.holder
    copy.state, copy.holder, copy.held_since = CopyState.HELD, None, None
    copy.save_versioned(
        actor=actor,
        expected_version=expected_version,
        update_fields=["state", "holder", "held_since"],
    )
    _event(copy, CopyVerb.BACK, actor=actor, person=holder, note=note).save()
    _audit(
        "documents.copy_back",
        actor=actor,
        obj=copy,
        classification=copy.classification,
        detail={"copy_number": copy.copy_number, "person": holder.pk if holder else None},
    )
    return copy


# --- 清退单 and 销毁单 ----------------------------------------------------------------------------


def _next_serial(unit_id: int, kind: str, year: int) -> int:
    """The next number of the unit's 清退单 or 销毁单 of the year, under a row lock held to the
    end of the transaction (the 收文编号's way: no gap, no duplicate)."""
    DisposalCounter.objects.get_or_create(unit_id=unit_id, kind=kind, year=year)
    counter = DisposalCounter.objects.select_for_update().get(unit_id=unit_id, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _describe(copy) -> str:
    return f"{copy.copy_number or '—'} {copy.title[:40]}"


def prepare(
    *,
    actor,
    kind: str,
    copies,
    recipient: str = "",
    method: str = "",
    reason: str = "",
    note: str = "",
    idempotency_key: str = "",
) -> CopyDisposal:
    """A 清退单 (to the organ named, by the method chosen) or a 销毁单 (with its reason) of copies
    the office holds; they are 清退中 or 待销毁 until the list is done or cancelled. A lent copy
    must be back first; a copy on another list, returned or destroyed cannot be listed. The same
    form sent twice (``idempotency_key``) prepares one list."""
    _require_keeper(actor)
    key = str(idempotency_key or "")[:64]
    if key:
        earlier = CopyDisposal.objects.filter(prepared_by=actor, idempotency_key=key).first()
        if earlier is not None:
            return earlier
    errors: dict = {}
    if kind not in DisposalKind.values:
        raise ValidationError({"kind": _("Choose a return or a destruction.")})
    ids = sorted({int(c.pk if hasattr(c, "pk") else c) for c in copies or ()})
    if not ids:
        errors["copies"] = _("Tick the copies to put on the list.")
    elif len(ids) > MAX_LIST:
        errors["copies"] = _("At most %(n)d copies go on one list.") % {"n": MAX_LIST}
    fields = {"note": _text({"note": note}, "note", errors, limit=NOTE_MAX)}
    if kind == DisposalKind.RETURN:
        fields["recipient"] = _text(
            {"recipient": recipient},
            "recipient",
            errors,
            limit=100,
            required=_("Name the organ the copies go back to."),
        )
        if method not in ReturnMethod.values:
            errors["method"] = _("Choose how the copies go back.")
        fields["method"] = method if method in ReturnMethod.values else ""
    else:
        fields["reason"] = _text(
            {"reason": reason},
            "reason",
            errors,
            limit=NOTE_MAX,
            required=_("Say why the copies are destroyed."),
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return _prepare(actor, kind, ids, fields, key)
    except IntegrityError:
        if not key:
            raise
        return CopyDisposal.objects.get(prepared_by=actor, idempotency_key=key)


def _prepare(actor, kind, ids, fields, key) -> CopyDisposal:
    rows = list(ClassifiedCopy.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    rows = [
        c
        for c in rows
        if c.unit_id == actor.unit_id
        and c.deleted_at is None
        and rules.cleared_for(actor, c.classification)
    ]
    if len(rows) != len(ids):
        raise ValidationError({"copies": _("Some of the copies ticked are not on the register.")})
    lent = [c for c in rows if c.state == CopyState.LENT]
    if lent:
        raise DocumentError(
            _("Lent copies must be back in the office before they go on a list: %(copies)s.")
            % {"copies": "；".join(_describe(c) for c in lent[:10])}
        )
    elsewhere = [c for c in rows if c.state != CopyState.HELD]
    if elsewhere:
        raise DocumentError(
            _("Only copies the office holds go on a list; not %(copies)s (%(state)s).")
            % {
                "copies": "；".join(_describe(c) for c in elsewhere[:10]),
                "state": elsewhere[0].get_state_display(),
            }
        )
    now = timezone.now()
    year = timezone.localtime(now).year
    disposal = CopyDisposal(
        unit_id=actor.unit_id,
        kind=kind,
        year=year,
        serial=_next_serial(actor.unit_id, kind, year),
        classification=max(c.classification for c in rows),
        prepared_by=actor,
        prepared_at=now,
        idempotency_key=key,
        **fields,
    )
    disposal.save_versioned(actor=actor, expected_version=None)
    state = CopyState.RETURNING if kind == DisposalKind.RETURN else CopyState.DESTROYING
    ClassifiedCopy.objects.filter(pk__in=ids).update(
        state=state,
        disposal=disposal,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=now,
    )
    CopyEvent.objects.bulk_create(
        [_event(c, CopyVerb.LISTED, actor=actor, at=now, disposal=disposal) for c in rows]
    )
    _audit(
        "documents.copy_disposal_prepared",
        actor=actor,
        obj=disposal,
        classification=disposal.classification,
        detail={
            "kind": kind,
            "number": disposal.number,
            "copies": ids,
            **{name: value for name, value in fields.items() if value},
        },
    )
    return disposal


def _copies_of(disposal) -> list[ClassifiedCopy]:
    return list(ClassifiedCopy.objects.select_for_update().filter(disposal=disposal).order_by("pk"))


def _finish_copies(disposal, rows, *, state: str, verb: str, actor, at, note: str = "") -> None:
    now = timezone.now()
    ClassifiedCopy.objects.filter(pk__in=[c.pk for c in rows]).update(
        state=state,
        holder=None,
        held_since=None,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=now,
    )
    CopyEvent.objects.bulk_create(
        [_event(c, verb, actor=actor, at=at, disposal=disposal, note=note) for c in rows]
    )


@transaction.atomic
def approve(*, actor, disposal, expected_version: int) -> CopyDisposal:
    """A second member of the general office, cleared for the list's copies, approves a 销毁单
    — never the one who prepared it (domain/security.md B6)."""
    disposal = _locked_disposal(
        disposal,
        actor=actor,
        expected_version=expected_version,
        states=(DisposalState.PREPARED,),
        refusal=_(
            "Only a destruction list waiting for approval is approved; this one is “%(state)s”."
        ),
    )
    if disposal.kind != DisposalKind.DESTROY:
        raise DocumentError(_("A return list needs no approval: record the receipt instead."))
    if disposal.prepared_by_id == actor.pk:
        raise SelfApprovalError(
            _(
                "You prepared this list: another member of the office approves it (two people "
                "for every destruction)."
            )
        )
    disposal.state = DisposalState.APPROVED
    disposal.approved_by, disposal.approved_at = actor, timezone.now()
    disposal.save_versioned(
        actor=actor,
        expected_version=expected_version,
        update_fields=["state", "approved_by", "approved_at"],
    )
    _audit(
        "documents.copy_disposal_approved",
        actor=actor,
        obj=disposal,
        classification=disposal.classification,
        detail={"number": disposal.number},
    )
    return disposal


class SelfApprovalError(DocumentError):
    """The one who prepared a destruction list tried to approve it (B6: 403, not 409)."""


@transaction.atomic
def execute(
    *,
    actor,
    disposal,
    expected_version: int,
    executed_by,
    witness,
    method: str,
    place: str,
    executed_at,
) -> CopyDisposal:
    """The approved 销毁单 carried out: who destroyed the copies, in front of which witness
    (监销人, another person), how, where and when. The copies are 已销毁, for good."""
    disposal = _locked_disposal(
        disposal,
        actor=actor,
        expected_version=expected_version,
        states=(DisposalState.APPROVED,),
        refusal=_("Only an approved destruction list is carried out; this one is “%(state)s”."),
    )
    errors: dict = {}
    level = disposal.get_classification_display()
    for name, person in (("executed_by", executed_by), ("witness", witness)):
        if person is None:
            errors[name] = _("Choose the person.")
        elif not _cleared_person(person, disposal.classification, unit_id=disposal.unit_id):
            errors[name] = _("%(name)s is not someone of this unit cleared for %(level)s.") % {
                "name": person.full_name,
                "level": level,
            }
    if executed_by is not None and witness is not None and executed_by.pk == witness.pk:
        errors["witness"] = _("The witness (监销人) is another person than the one destroying.")
    if method not in DestroyMethod.values:
        errors["method"] = _("Choose how the copies were destroyed.")
    place = _text({"place": place}, "place", errors, limit=100, required=_("Say where."))
    if not isinstance(executed_at, datetime):
        errors["executed_at"] = _("Give the date and time of the destruction.")
    elif executed_at > timezone.now() + SLACK:
        errors["executed_at"] = _("The destruction cannot be in the future.")
    elif disposal.approved_at and executed_at < disposal.approved_at - SLACK:
        errors["executed_at"] = _("The copies cannot be destroyed before the list was approved.")
    if errors:
        raise ValidationError(errors)
    rows = _copies_of(disposal)
    disposal.state = DisposalState.DONE
    disposal.executed_by, disposal.witness = executed_by, witness
    disposal.method, disposal.place, disposal.executed_at = method, place, executed_at
    disposal.closed_by, disposal.closed_at = actor, timezone.now()
    disposal.save_versioned(
        actor=actor,
        expected_version=expected_version,
        update_fields=[
            "state",
            "executed_by",
            "witness",
            "method",
            "place",
            "executed_at",
            "closed_by",
            "closed_at",
        ],
    )
    _finish_copies(
        disposal,
        rows,
        state=CopyState.DESTROYED,
        verb=CopyVerb.DESTROYED,
        actor=actor,
        at=executed_at,
    )
    _audit(
        "documents.copy_disposal_executed",
        actor=actor,
        obj=disposal,
        classification=disposal.classification,
        detail={
            "number": disposal.number,
            "copies": [c.pk for c in rows],
            "executed_by": executed_by.pk,
            "witness": witness.pk,
            "method": method,
            "place": place,
            "executed_at": executed_at.isoformat(),
        },
    )
    return disposal


@transaction.atomic
def confirm(
    *, actor, disposal, expected_version: int, confirmed_by: str, confirmed_on
) -> CopyDisposal:
    """The organ the copies went back to signed for them (清退回执): who signed and when. The
    copies are 已清退, for good."""
    disposal = _locked_disposal(
        disposal,
        actor=actor,
        expected_version=expected_version,
        states=(DisposalState.PREPARED,),
        refusal=_("Only a return list on its way is confirmed; this one is “%(state)s”."),
    )
    if disposal.kind != DisposalKind.RETURN:
        raise DocumentError(_("A destruction list is approved and carried out, not confirmed."))
    errors: dict = {}
    confirmed_by = _text(
        {"confirmed_by": confirmed_by},
        "confirmed_by",
        errors,
        limit=50,
        required=_("Give the name of the person who signed for the copies."),
    )
    day = _date(confirmed_on, "confirmed_on", errors, required=_("Give the date of the signature."))
    if day and day > timezone.localdate():
        errors["confirmed_on"] = _("The signature cannot be dated in the future.")
    elif day and day < timezone.localtime(disposal.prepared_at).date():
        errors["confirmed_on"] = _("The copies cannot be signed for before the list was prepared.")
    if errors:
        raise ValidationError(errors)
    rows = _copies_of(disposal)
    now = timezone.now()
    disposal.state = DisposalState.DONE
    disposal.confirmed_by, disposal.confirmed_on = confirmed_by, day
    disposal.closed_by, disposal.closed_at = actor, now
    disposal.save_versioned(
        actor=actor,
        expected_version=expected_version,
        update_fields=["state", "confirmed_by", "confirmed_on", "closed_by", "closed_at"],
    )
    _finish_copies(
        disposal,
        rows,
        state=CopyState.RETURNED,
        verb=CopyVerb.RETURNED,
        actor=actor,
        at=now,
        note=confirmed_by,
    )
    _audit(
        "documents.copy_disposal_confirmed",
        actor=actor,
        obj=disposal,
        classification=disposal.classification,
        detail={
            "number": disposal.number,
            "copies": [c.pk for c in rows],
            "confirmed_by": confirmed_by,
            "confirmed_on": day.isoformat(),
        },
    )
    return disposal


@transaction.atomic
def cancel(*, actor, disposal, expected_version: int, reason: str) -> CopyDisposal:
    """A list not yet done is cancelled: its copies are back on the register (在册)."""
    disposal = _locked_disposal(
        disposal,
        actor=actor,
        expected_version=expected_version,
        states=(DisposalState.PREPARED, DisposalState.APPROVED),
        refusal=_("Only a list not yet done can be cancelled; this one is “%(state)s”."),
    )
    errors: dict = {}
    reason = _text(
        {"reason": reason},
        "reason",
        errors,
        limit=NOTE_MAX,
        required=_("Say why the list is cancelled."),
    )
    if errors:
        raise ValidationError(errors)
    rows = _copies_of(disposal)
    now = timezone.now()
    disposal.state = DisposalState.CANCELLED
    disposal.cancel_reason = reason
    disposal.closed_by, disposal.closed_at = actor, now
    disposal.save_versioned(
        actor=actor,
        expected_version=expected_version,
        update_fields=["state", "cancel_reason", "closed_by", "closed_at"],
    )
    ClassifiedCopy.objects.filter(pk__in=[c.pk for c in rows]).update(
        state=CopyState.HELD,
        disposal=None,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=now,
    )
    CopyEvent.objects.bulk_create(
        [
            _event(c, CopyVerb.UNLISTED, actor=actor, at=now, disposal=disposal, note=reason)
            for c in rows
        ]
    )
    _audit(
        "documents.copy_disposal_cancelled",
        actor=actor,
        obj=disposal,
        classification=disposal.classification,
        detail={"number": disposal.number, "copies": [c.pk for c in rows], "reason": reason},
    )
    return disposal


__all__ = [
    "SelfApprovalError",
    "approve",
    "cancel",
    "cleared_people",
    "confirm",
    "execute",
    "lend",
    "may_keep",
    "number_copy",
    "parse_numbers",
    "prepare",
    "register_incoming",
    "register_missing",
    "register_papers",
    "take_back",
]
