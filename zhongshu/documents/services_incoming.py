"""Receiving incoming documents (收文, 条例 §24 steps 1–3; issue 5): 签收 and 登记 under a
gapless 收文编号, then 初审 — accepted to be sent on, or returned to the sender (退文) with the
reasons.

Every write is by the general office, audited and reindexed in its own transaction.
"""

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core import audit
from zhongshu.core.calendar import add_working_days
from zhongshu.core.models import Classification, StaleVersionError
from zhongshu.search import services as search

from . import handling, organs, rules, services_copies, tasks
from .models import (
    DeadlineSource,
    Handling,
    IncomingCounter,
    IncomingDocument,
    IncomingReading,
    IncomingState,
    Kind,
    Urgency,
)
from .services import SECRECY_PERIOD, DocumentError

SEARCH_KIND = "documents_incoming"
MAX_DEADLINE_DAYS = 365
MAX_PAGES = 100_000
MAX_COPIES = 10_000
MAX_CLASSIFIED_COPIES = 1000  # services_copies.MAX_PAPERS_AT_ONCE
SUMMARY_MAX = 20_000
NOTE_MAX = 500
RECEIVED_SLACK = timedelta(minutes=5)
EARLIEST_YEAR = 1900  # a clock a little ahead is not "in the future"
COPY_NUMBER = re.compile(r"^\d{1,6}$")
# 初审 (条例 §24 step 3): why a document goes back to its sender. Stored as keys; the 退文通知单
# prints the labels.
RETURN_REASONS = (
    ("not_ours", gettext_lazy("It is not for this organ to handle (不属于本机关办理范围)")),
    ("rules", gettext_lazy("It breaks the rules of sending documents (不符合行文规则)")),
    ("request_recipients", gettext_lazy("A 请示 with more than one main recipient (多头主送)")),
    ("request_signer", gettext_lazy("A 请示 without the 签发人")),
    ("request_matters", gettext_lazy("A 请示 with more than one matter (一文多事)")),
    ("format", gettext_lazy("Its kind or format is wrong (文种、格式不规范)")),
    ("countersign", gettext_lazy("It was not countersigned where needed (未经会签)")),
    ("other", gettext_lazy("Other (其他)")),
)
REASON_KEYS = tuple(key for key, _label in RETURN_REASONS)


# --- Guards ----------------------------------------------------------------------------------


def _require_office(actor) -> None:
    if not rules.is_office(actor):
        raise DocumentError(_("Only the general office receives and registers documents."))


def _locked(document, *, expected_version, states, refusal: str) -> IncomingDocument:
    """The row locked to the end of the transaction, in one of ``states`` (else DocumentError
    with ``refusal``: a form sent twice says "already done") and at ``expected_version``."""
    locked = IncomingDocument.objects.select_for_update().get(pk=document.pk)
    if locked.deleted_at is not None or locked.state not in states:
        raise DocumentError(refusal % {"state": locked.get_state_display()})
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError
    return locked


def _audit(action: str, *, actor, document, detail: dict) -> None:
    audit.record(
        action,
        actor=actor,
        obj=document,
        classification=document.classification,
        unit_id=document.unit_id,
        detail=detail,
    )


def reindex(document: IncomingDocument) -> None:
    search.index(SEARCH_KIND, document)


# --- 签收 and 登记 -----------------------------------------------------------------------------


def _text(
    data: dict, name: str, errors: dict, *, limit: int, required: str = "", lines: bool = False
) -> str:
    """A text field, spaces collapsed (``lines``: kept as typed, trimmed)."""
    raw = str(data.get(name) or "")
    value = raw.strip() if lines else " ".join(raw.split())
    if not value and required:
        errors[name] = required
    elif len(value) > limit:
        errors[name] = _("At most %(n)d characters.") % {"n": limit}
    return value


def _number(data: dict, name: str, errors: dict, *, low: int, high: int, default=None):
    value = data.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[name] = _("Give a whole number from %(low)d to %(high)d.") % {
            "low": low,
            "high": high,
        }
        return default
    return value


def clean_registration(actor, data: dict) -> dict:
    """The fields of a registration, checked; ValidationError with every field's problem.

    A document marked 秘密 or above, where the system may not hold classified text, keeps its
    catalogue data only: no text, and a neutral title the clerk confirms as such.
    """
    errors: dict = {}
    fields: dict = {}
    fields["source_name"] = _text(
        data,
        "source_name",
        errors,
        limit=100,
        required=_("Name the organ that sent it."),
    )
    organ = data.get("source_organ")
    if organ is not None:
        if organ.unit_id != actor.unit_id or organ.deleted_at is not None:
            errors["source_organ"] = _("Choose an organ of this unit's directory.")
        else:
            fields["source_organ"] = organ
            fields["source_name"] = fields["source_name"] or organ.name
            errors.pop("source_name", None)
    fields["source_number"] = _text(data, "source_number", errors, limit=60)
    fields["title"] = _text(
        data, "title", errors, limit=IncomingDocument.TITLE_MAX, required=_("Give the title.")
    )
    kind = data.get("kind") or ""
    if kind and kind not in Kind.values:
        errors["kind"] = _("Choose a kind from the list.")
    fields["kind"] = kind
    classification = data.get("classification", Classification.PUBLIC)
    if classification not in Classification.values:
        errors["classification"] = _("Choose a classification from the list.")
        classification = Classification.PUBLIC
    elif classification > actor.clearance:
        errors["classification"] = _(
            "You are not cleared for documents marked %(level)s: have someone who is register it."
        ) % {"level": Classification(classification).label}
    fields["classification"] = classification
    period = _text(data, "secrecy_period", errors, limit=20)
    if period and not rules.classified(classification):
        errors["secrecy_period"] = _("Only a document marked 秘密 or above has a secrecy period.")
    elif period and not SECRECY_PERIOD.match(period):
        errors["secrecy_period"] = _("Write it like 1年 or 6个月.")
    fields["secrecy_period"] = period
    urgency = data.get("urgency", Urgency.NORMAL)
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose an urgency from the list.")
        urgency = Urgency.NORMAL
    fields["urgency"] = urgency
    copy_number = _text(data, "copy_number", errors, limit=6)
    if copy_number and not COPY_NUMBER.match(copy_number):
        errors["copy_number"] = _("A copy number (份号) is up to six digits.")
    fields["copy_number"] = copy_number.zfill(6) if copy_number else ""
    fields["signed_on"] = data.get("signed_on")
    received_at = data.get("received_at") or timezone.now()
    if not isinstance(received_at, datetime):
        errors["received_at"] = _("Give the date and time it was received.")
    elif received_at > timezone.now() + RECEIVED_SLACK:
        errors["received_at"] = _("The time received cannot be in the future.")
    elif received_at.year < EARLIEST_YEAR:
        errors["received_at"] = _("Give a date from %(year)d on.") % {"year": EARLIEST_YEAR}
    if "received_at" in errors:
        received_at = timezone.now()  # what follows is checked against a sane time
    fields["received_at"] = received_at
    signed_on = fields["signed_on"]
    if signed_on and signed_on > timezone.localtime(received_at).date():
        errors["signed_on"] = _("The document cannot be dated after it was received.")
    fields["pages"] = _number(data, "pages", errors, low=1, high=MAX_PAGES)
    fields["copies"] = _number(data, "copies", errors, low=1, high=MAX_COPIES, default=1)
    if rules.classified(classification) and (fields["copies"] or 1) > MAX_CLASSIFIED_COPIES:
        # Each copy of a classified document is registered by its 份号 (services_copies).
        errors["copies"] = _(
            "A document marked 秘密 or above is registered copy by copy (份号): at most %(n)d "
            "copies at once."
        ) % {"n": MAX_CLASSIFIED_COPIES}
    fields["summary"] = _text(data, "summary", errors, limit=SUMMARY_MAX, lines=True)
    fields["note"] = _text(data, "note", errors, limit=NOTE_MAX)
    handling = data.get("handling") or Handling.ACTION
    if handling not in Handling.values:
        errors["handling"] = _("Choose 办件 or 阅件.")
        handling = Handling.ACTION
    fields["handling"] = handling
    fields.update(_deadline(data, received_at, errors))
    fields["title_is_neutral"] = False
    if rules.classified(classification) and not rules.may_hold_classified_text():
        if fields["summary"]:
            errors["summary"] = _(
                "This system is not approved for classified information: register a document "
                "marked 秘密 or above by its catalogue data only, without its text."
            )
        if not data.get("title_is_neutral"):
            errors["title_is_neutral"] = _(
                "Confirm that the title you wrote reveals nothing secret: the real title of a "
                "classified document may itself be secret."
            )
        fields["title_is_neutral"] = True
    if errors:
        raise ValidationError(errors)
    return fields


def _deadline(data: dict, received_at, errors: dict) -> dict:
    """办理时限: N working days from receipt (CONVENTIONS.md "Working days"), set by the
    document or by the office; none for a document that gives none."""
    days = data.get("deadline_days")
    source = data.get("deadline_source") or ""
    if days in (None, ""):
        if source:
            errors["deadline_days"] = _("Give the number of working days.")
        return {"deadline": None, "deadline_source": DeadlineSource.NONE}
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DEADLINE_DAYS:
        errors["deadline_days"] = _("Give a whole number from %(low)d to %(high)d.") % {
            "low": 0,
            "high": MAX_DEADLINE_DAYS,
        }
        return {}
    if source not in (DeadlineSource.DOCUMENT, DeadlineSource.OFFICE):
        source = DeadlineSource.OFFICE
    return {"deadline": add_working_days(received_at, days), "deadline_source": source}


def duplicate_of(unit_id: int, source_name: str, source_number: str) -> IncomingDocument | None:
    """The first registration of the same document: same sending organ and 来文字号."""
    if not source_number:
        return None
    return (
        IncomingDocument.objects.filter(
            unit_id=unit_id,
            source_name=source_name,
            source_number=source_number,
            deleted_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def _next_serial(unit_id: int, year: int) -> int:
    """The next 收文编号 of the unit's year, under a row lock held to the end of the
    transaction: a rollback gives the number back, so there is never a gap nor a duplicate."""
    IncomingCounter.objects.get_or_create(unit_id=unit_id, year=year)
    counter = IncomingCounter.objects.select_for_update().get(unit_id=unit_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def register(*, actor, data: dict, idempotency_key: str = "") -> IncomingDocument:
    """签收 and 登记 (条例 §24 steps 1–2): the document gets the next 收文编号 of the year it
    was received. A second registration of the same document (same organ and 来文字号) is
    registered but flagged (``duplicate_of``). The same ``idempotency_key`` twice (a form sent
    twice) returns the first registration.
    """
    _require_office(actor)
    key = str(idempotency_key or "")[:64]
    if key:
        earlier = IncomingDocument.objects.filter(registered_by=actor, idempotency_key=key).first()
        if earlier is not None:
            return earlier
    fields = clean_registration(actor, data)
    try:
        with transaction.atomic():
            document = _register(actor, fields, key)
    except IntegrityError:
        if not key:
            raise
        return IncomingDocument.objects.get(registered_by=actor, idempotency_key=key)
    return document


def _register(actor, fields: dict, key: str) -> IncomingDocument:
    year = timezone.localtime(fields["received_at"]).year
    first = duplicate_of(actor.unit_id, fields["source_name"], fields["source_number"])
    document = IncomingDocument(
        unit_id=actor.unit_id,
        year=year,
        serial=_next_serial(actor.unit_id, year),
        registered_by=actor,
        idempotency_key=key,
        duplicate_of=first,
        **fields,
    )
    document.save_versioned(actor=actor, expected_version=None)
    _audit(
        "documents.incoming_registered",
        actor=actor,
        document=document,
        detail={
            "number": document.receipt_number,
            "source": document.source_name,
            "source_number": document.source_number,
            "handling": document.handling,
            "deadline": document.deadline.isoformat() if document.deadline else None,
            "duplicate_of": first.pk if first else None,
        },
    )
    services_copies.register_incoming(actor=actor, document=document)  # 份号 of 秘密 and above
    reindex(document)
    return document


# --- 初审 ---------------------------------------------------------------------------------------


@transaction.atomic
def review_accept(*, actor, document, expected_version: int) -> IncomingDocument:
    """初审 passed: the office will send it on (阅件 to readers, 办件 to be handled)."""
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=(IncomingState.REGISTERED,),
        refusal=_(
            "Only a document waiting for its first review can be accepted; this one is “%(state)s”."
        ),
    )
    document.state = IncomingState.ACCEPTED
    document.reviewed_at, document.reviewed_by = timezone.now(), actor
    document.save_versioned(actor=actor, expected_version=expected_version)
    _audit("documents.incoming_accepted", actor=actor, document=document, detail={})
    reindex(document)
    return document


@transaction.atomic
def review_return(
    *, actor, document, expected_version: int, reasons, note: str = ""
) -> IncomingDocument:
    """初审 failed: 退文 to the sender with the reasons (条例 §24 step 3), printable as the
    退文通知单. "Other" needs a note saying what."""
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=(IncomingState.REGISTERED,),
        refusal=_(
            "Only a document waiting for its first review can be returned; this one is “%(state)s”."
        ),
    )
    reasons = [key for key in REASON_KEYS if key in set(reasons or ())]
    note = str(note or "").strip()
    errors: dict = {}
    if not reasons:
        errors["reasons"] = _("Tick at least one reason for returning it.")
    if "other" in reasons and not note:
        errors["note"] = _("Say what the other reason is.")
    if len(note) > 2000:
        errors["note"] = _("At most %(n)d characters.") % {"n": 2000}
    if errors:
        raise ValidationError(errors)
    document.state = IncomingState.RETURNED
    document.reviewed_at, document.reviewed_by = timezone.now(), actor
    document.return_reasons, document.return_note = reasons, note
    document.save_versioned(actor=actor, expected_version=expected_version)
    _audit(
        "documents.incoming_returned",
        actor=actor,
        document=document,
        detail={"reasons": reasons, "note": note},
    )
    reindex(document)
    return document


# --- 分送 of a 阅件 ------------------------------------------------------------------------------


READING_STATES = (IncomingState.ACCEPTED, IncomingState.READING)


@transaction.atomic
def send_for_reading(
    *, actor, document, expected_version: int, people=(), departments=()
) -> handling.Distribution:
    """分送 of a 阅件 (条例 §24 step 4): each person named and every active member of each
    department named gets it to read; someone who has it already is not sent it again, and
    department members not cleared for its 密级 are left out and reported. The readings are
    written in one INSERT and the readers told after the commit, in the background, so that a
    分送 to 500 people is quick (bench/incoming.py); more can be added while they read.
    """
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=READING_STATES,
        refusal=_(
            "Only an accepted document for information (阅件) is sent to readers; "
            "this one is “%(state)s”."
        ),
    )
    if document.handling != Handling.READING:
        raise DocumentError(
            _("This document is for action (办件): it is handled, not sent to readers.")
        )
    result = handling.choose_recipients(
        document,
        people,
        departments,
        had=IncomingReading.objects.filter(document=document).values_list("person_id", flat=True),
    )
    now = timezone.now()
    IncomingReading.objects.bulk_create(
        [
            IncomingReading(document=document, person=person, sent_at=now, sent_by=actor)
            for person in result.added
        ],
        batch_size=1000,
    )
    document.state = IncomingState.READING
    document.save_versioned(actor=actor, expected_version=expected_version)
    _audit(
        "documents.incoming_sent_for_reading",
        actor=actor,
        document=document,
        detail={
            "people": [p.pk for p in people],
            "departments": [d.pk for d in departments],
            "sent_to": len(result.added),
            "not_cleared": [p.pk for p in result.not_cleared],
        },
    )
    reindex(document)
    readers = [p.pk for p in result.added]
    transaction.on_commit(lambda: tasks.tell_readers(document.pk, readers, actor.pk))
    return result


def tell_readers(document_id: int, reader_ids: list[int], actor_id: int) -> int:
    """The in-app notification (and e-mail or robot by preference) of a 分送, one key per
    document so that a task run twice tells nobody twice."""
    from django.contrib.auth import get_user_model

    from zhongshu.notify.services import notify

    from .registration import incoming_url

    document = IncomingDocument.objects.filter(pk=document_id).first()
    if document is None:
        return 0
    people = get_user_model().objects.filter(pk__in=reader_ids)
    with transaction.atomic():
        return notify(
            event="work.cc",
            recipients=people,
            title=f"{document.receipt_number} {document.title}",
            url=incoming_url(document),
            classification=document.classification,
            actor=get_user_model().objects.filter(pk=actor_id).first(),
            unit_id=document.unit_id,
            key=f"documents.incoming.reading:{document.pk}",
        )


@transaction.atomic
def mark_read(user, document) -> bool:
    """A reader opened the document: their reading is read (the read receipt). One UPDATE, and
    only the first time; a document circulated in turn then goes on to the next reader.
    Returns whether anything was marked."""
    if not getattr(user, "pk", None):
        return False
    reading = (
        IncomingReading.objects.filter(
            document_id=document.pk, person_id=user.pk, read_at__isnull=True, sent_at__isnull=False
        )
        .only("pk", "turn")
        .first()
    )
    if reading is None:
        return False
    marked = IncomingReading.objects.filter(pk=reading.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        pass_on(document.pk, reading, user.pk)
    return bool(marked)


def pass_on(document_id: int, reading: IncomingReading, actor_id: int) -> None:
    """After a reader in turn (传阅 in order) has read it, the next one waiting gets it; told
    after the commit."""
    if reading.turn <= 0:
        return
    following = (
        IncomingReading.objects.select_for_update()
        .filter(document_id=document_id, turn__gt=reading.turn, sent_at__isnull=True)
        .order_by("turn")
        .first()
    )
    if following is None:
        return
    following.sent_at = timezone.now()
    following.save(update_fields=["sent_at"])
    person = following.person_id
    transaction.on_commit(lambda: tasks.tell_readers(document_id, [person], actor_id))


def reason_labels(document: IncomingDocument) -> list[str]:
    labels = dict(RETURN_REASONS)
    return [str(labels[key]) for key in document.return_reasons or () if key in labels]


def source_choices(unit_id: int):
    """The directory's organs, for the sender field."""
    return organs.organs_in_use(unit_id)
