"""发文字号 series, number allocation, 登记 and 份号 (issue 4 item 5; 条例 §25, GB/T 9704 §7.2.5).

A 发文字号 is 机关代字〔年份〕序号号 — four-digit year in hexagonal brackets, no 第, no leading
zeros. Numbers are given under a row lock on the (series, year) counter, inside the caller's
transaction, so that many registrations at once get consecutive numbers with no gap and no
duplicate: a transaction that fails after taking a number rolls the counter back with it. A
number withdrawn after it was given is kept as void and never given again.

The office maintains the series; only a series owned by the general office may number
documents that leave the unit. 登记 (after 复核) fixes the number, the 分送范围 and the 印制份数;
a classified document gets one six-digit 份号 per copy and a register of who holds each.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.core import audit
from zhongshu.core.models import Classification, StaleVersionError
from zhongshu.core.rules import is_business_user

from . import rules
from .models import (
    CopyNumber,
    IssuedNumber,
    Layout,
    NumberCounter,
    NumberSeries,
    OutgoingDocument,
    State,
)
from .proofread import terms as pt

MAX_COPIES = 99_999
# A series' code, layout and restart rule shape the numbers it has given: once it has given
# one, changing them would rewrite history or collide with numbers already given.
FROZEN_ONCE_USED = ("code", "layout", "yearly_restart")
# A number can be withdrawn until the document is printed with it (or when it is cancelled).
VOIDABLE_STATES = (State.SIGNED, State.CHECKED, State.REGISTERED, State.CANCELLED)
# 份号 are handed over from 登记 on, while the copies exist.
COPY_STATES = (State.REGISTERED, State.PRINTED, State.SEALED, State.DISTRIBUTED, State.FILED)
_COUNTER_ATTEMPTS = 5


def allocates_at_signing() -> bool:
    """Whether this office gives the number at 签发 rather than at 登记 (a setting)."""
    return bool(settings.DOCUMENTS_NUMBER_AT_SIGNING)


# --- Formatting ---------------------------------------------------------------------------------


def number_text(code: str, year: int, sequence: int) -> str:
    """机关代字〔年份〕序号号, e.g. 国发〔2012〕10号 (GB/T 9704 §7.2.5): no 第, no leading zeros."""
    return f"{code}{pt.HEXAGONAL_OPEN}{year:04d}{pt.HEXAGONAL_CLOSE}{sequence}{pt.NUMBER_SUFFIX}"


def copy_text(number: int) -> str:
    """份号: six Arabic digits (GB/T 9704 §7.2.1)."""
    return f"{number:06d}"


def document_year(document: OutgoingDocument) -> int:
    """The year printed in the number: the 成文日期's, else today's (Asia/Shanghai, TIME_ZONE)."""
    return (document.issued_on or timezone.localdate()).year


def goes_outside(document: OutgoingDocument) -> bool:
    """Whether a document leaves the unit: any 主送/抄送 that is not one of its departments.

    A document without any recipient (a 公告, say) is taken to go outside.
    """
    recipients = [*(document.main_recipients or []), *(document.cc_recipients or [])]
    if not recipients:
        return True
    return any(not (isinstance(r, dict) and r.get("department")) for r in recipients)


# --- Series maintenance (the office) -------------------------------------------------------------


def _series_snapshot(series: NumberSeries) -> dict:
    return {
        "name": series.name,
        "code": series.code,
        "layout": series.layout,
        "external": series.external,
        "owner": series.owner_id,
        "yearly_restart": series.yearly_restart,
        "start_number": series.start_number,
        "active": series.active,
    }


def _check_series(series: NumberSeries, *, used: bool = False, before: dict | None = None) -> None:
    """The office's rules for a series (issue 4 item 5), as field errors."""
    errors: dict[str, list] = {}
    if not series.code:
        errors["code"] = [_("Enter the organ code (机关代字).")]
    elif not all(pt.NUMBER_CODE_CHAR.match(ch) for ch in series.code):
        errors["code"] = [
            _(
                "The organ code (机关代字) is written in Chinese characters or letters only: "
                "no brackets, digits, spaces or punctuation."
            )
        ]
    elif (
        NumberSeries.objects.filter(
            unit_id=series.unit_id, code=series.code, deleted_at__isnull=True
        )
        .exclude(pk=series.pk)
        .exists()
    ):
        errors["code"] = [
            _("Another series of this unit already uses the code %(code)s.") % {"code": series.code}
        ]
    if not series.name:
        errors["name"] = [_("Enter a name.")]
    if series.layout not in Layout.values:
        errors["layout"] = [_("Choose a layout.")]
    owner = series.owner if series.owner_id else None
    if owner is None or owner.unit_id != series.unit_id or owner.deleted_at is not None:
        errors["owner"] = [_("Choose a department of this unit.")]
    elif series.external and not owner.is_general_office:
        errors["external"] = [
            _("Only a series owned by the general office may number documents leaving the unit.")
        ]
    if series.start_number < 1:
        errors["start_number"] = [_("The first number is 1 or more.")]
    if used and before:
        for name in FROZEN_ONCE_USED:
            if before[name] != getattr(series, name):
                errors.setdefault(name, []).append(
                    _(
                        "This series has already given numbers, so this cannot change. "
                        "Create a new series instead."
                    )
                )
    if errors:
        raise ValidationError(errors)


def _save_series(series: NumberSeries, *, actor, expected_version) -> None:
    try:
        with transaction.atomic():
            series.save_versioned(actor=actor, expected_version=expected_version)
    except IntegrityError as exc:  # the partial unique constraint on (unit, code), raced
        raise ValidationError(
            {
                "code": [
                    _("Another series of this unit already uses the code %(code)s.")
                    % {"code": series.code}
                ]
            }
        ) from exc


@transaction.atomic
def series_create(
    *,
    actor,
    name: str,
    code: str,
    layout: str,
    external: bool,
    owner,
    yearly_restart: bool = True,
    start_number: int = 1,
) -> NumberSeries:
    """Open a series of 发文字号 for the actor's unit; 纪要 and 信函 get series of their own."""
    series = NumberSeries(
        unit_id=actor.unit_id,
        name=name.strip(),
        code=code.strip(),
        layout=layout,
        external=external,
        owner=owner,
        yearly_restart=yearly_restart,
        start_number=start_number,
    )
    _check_series(series)
    _save_series(series, actor=actor, expected_version=None)
    audit.record(
        "documents.series_created",
        actor=actor,
        obj=series,
        detail={"before": {}, "after": _series_snapshot(series)},
    )
    return series


@transaction.atomic
def series_update(
    *,
    actor,
    series: NumberSeries,
    expected_version: int,
    name: str,
    code: str,
    layout: str,
    external: bool,
    owner,
    yearly_restart: bool,
    start_number: int,
) -> NumberSeries:
    """Change a series. Its code, layout and restart rule are fixed once it has given a number;
    a higher first number takes effect at the next number (numbers in between are skipped)."""
    before = _series_snapshot(series)
    series.name, series.code, series.layout = name.strip(), code.strip(), layout
    series.external, series.owner, series.yearly_restart = external, owner, yearly_restart
    series.start_number = start_number
    _check_series(series, used=series_used(series), before=before)
    _save_series(series, actor=actor, expected_version=expected_version)
    audit.record(
        "documents.series_updated",
        actor=actor,
        obj=series,
        detail={"before": before, "after": _series_snapshot(series)},
    )
    return series


def _set_active(*, actor, series, expected_version, active: bool, action: str) -> NumberSeries:
    before = _series_snapshot(series)
    series.active = active
    _save_series(series, actor=actor, expected_version=expected_version)
    audit.record(
        action, actor=actor, obj=series, detail={"before": before, "after": {"active": active}}
    )
    return series


@transaction.atomic
def series_deactivate(*, actor, series: NumberSeries, expected_version: int) -> NumberSeries:
    """Stop giving numbers from a series; the numbers it gave stay in the register."""
    return _set_active(
        actor=actor,
        series=series,
        expected_version=expected_version,
        active=False,
        action="documents.series_deactivated",
    )


@transaction.atomic
def series_reactivate(*, actor, series: NumberSeries, expected_version: int) -> NumberSeries:
    """Give numbers from a deactivated series again; its counters continue where they stopped."""
    return _set_active(
        actor=actor,
        series=series,
        expected_version=expected_version,
        active=True,
        action="documents.series_reactivated",
    )


# --- Allocation ------------------------------------------------------------------------------


def eligible_series(document: OutgoingDocument) -> QuerySet[NumberSeries]:
    """The series that may number ``document``: its unit's, in use, of its layout, and for
    documents leaving the unit only a series for external documents."""
    series = NumberSeries.objects.filter(
        unit_id=document.unit_id, active=True, deleted_at__isnull=True, layout=document.layout
    )
    if goes_outside(document):
        series = series.filter(external=True)
    return series.select_related("owner").order_by("code", "id")


def check_series_for(document: OutgoingDocument, series: NumberSeries) -> None:
    """Refuse a series that may not number ``document`` (see :func:`eligible_series`)."""
    if series.unit_id != document.unit_id or series.deleted_at is not None:
        message = _("This series belongs to another unit.")
    elif not series.active:
        message = _("The series %(series)s is no longer in use.") % {"series": series}
    elif series.layout != document.layout:
        message = _(
            "The series %(series)s numbers documents in the %(layout)s layout; this document "
            "is laid out as %(document_layout)s."
        ) % {
            "series": series,
            "layout": series.get_layout_display(),
            "document_layout": document.get_layout_display(),
        }
    elif not series.external and goes_outside(document):
        message = _(
            "This document goes outside the unit: number it in a series of the general office "
            "for external documents."
        )
    else:
        return
    raise ValidationError({"series": [message]}, code="series")


def _lock_counter(series: NumberSeries, year: int) -> NumberCounter:
    """The (series, year) counter, locked until the transaction ends; created if missing.

    Two first numbers of a year at once both miss the row: each inserts it in a savepoint, the
    loser's insert waits for the winner and fails on the unique constraint, and it then locks
    the winner's row like anyone else.
    """
    for _attempt in range(_COUNTER_ATTEMPTS):
        counter = NumberCounter.objects.select_for_update().filter(series=series, year=year).first()
        if counter is not None:
            return counter
        try:
            with transaction.atomic():
                return NumberCounter.objects.create(series=series, year=year, last=0)
        except IntegrityError:
            continue
    raise RuntimeError(f"could not lock the number counter of series {series.pk}, year {year}")


@transaction.atomic
def allocate(*, actor, document: OutgoingDocument, series: NumberSeries, save: bool = True):
    """Give ``document`` the next 发文字号 of ``series`` (条例 §25 登记; GB/T 9704 §7.2.5).

    The number is max(last + 1, the series' first number) under the (series, year) counter's
    row lock; a series that never restarts counts in year 0 but prints the document's year.
    Writes the :class:`IssuedNumber` and sets the document's number fields; with ``save`` (the
    default) the document is saved at its current version (which moves on), otherwise the
    caller saves it in the same transaction. Raises ValidationError for a series that may not
    number the document, or a document that already has a number.
    """
    if document.doc_number:
        raise ValidationError(
            _("This document already has the number %(number)s.") % {"number": document.doc_number},
            code="numbered",
        )
    # The series as it is now: an office member may have just deactivated it.
    series = NumberSeries.objects.select_related("owner").get(pk=series.pk)
    check_series_for(document, series)
    year = document_year(document)
    counter = _lock_counter(series, year if series.yearly_restart else 0)
    sequence = max(counter.last + 1, series.start_number)
    counter.last = sequence
    counter.save(update_fields=["last"])
    issued = IssuedNumber.objects.create(
        series=series,
        year=year,
        sequence=sequence,
        text=number_text(series.code, year, sequence),
        document=document,
        issued_at=timezone.now(),
        issued_by=actor,
    )
    document.series = series
    document.doc_number = issued.text
    document.number_year = year
    document.number_sequence = sequence
    document.year = document.filing_year()
    if save:
        document.save_versioned(
            actor=actor,
            expected_version=None,
            update_fields=["series", "doc_number", "number_year", "number_sequence", "year"],
        )
    audit.record(
        "documents.number_allocated",
        actor=actor,
        obj=document,
        classification=document.classification,
        detail={
            "number": issued.text,
            "series": series.pk,
            "year": year,
            "sequence": sequence,
            "issued_number": issued.pk,
        },
    )
    return issued


@transaction.atomic
def void(*, actor, issued: IssuedNumber, reason: str) -> IssuedNumber:
    """Withdraw a number: it stays in the register as void, with the reason, and is never given
    again. The document loses it; a registered one goes back to 复核 done, to be registered
    with a new number. Refused once the document is printed with it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the number is withdrawn.")]})
    issued.refresh_from_db(from_queryset=IssuedNumber.objects.select_for_update())
    if issued.status == IssuedNumber.Status.VOID:
        raise ValidationError(
            _("The number %(number)s is already void.") % {"number": issued.text},
            code="already_void",
        )
    document = None
    if issued.document_id is not None:
        document = OutgoingDocument.objects.select_for_update().get(pk=issued.document_id)
        if document.doc_number == issued.text and document.series_id == issued.series_id:
            if document.state not in VOIDABLE_STATES:
                raise ValidationError(
                    _(
                        "The document is already %(state)s with this number; a printed number "
                        "cannot be withdrawn."
                    )
                    % {"state": document.get_state_display()},
                    code="state",
                )
            document.series = None
            document.doc_number = ""
            document.number_year = None
            document.number_sequence = None
            document.year = document.filing_year()
            if document.state == State.REGISTERED:
                document.state = State.CHECKED
                document.milestones = {
                    k: v for k, v in (document.milestones or {}).items() if k != "registered"
                }
            document.save_versioned(actor=actor, expected_version=None)
    issued.status = IssuedNumber.Status.VOID
    issued.void_reason = reason[:200]
    issued.voided_at = timezone.now()
    issued.voided_by = actor
    issued.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
    audit.record(
        "documents.number_voided",
        actor=actor,
        obj=issued,
        unit_id=actor.unit_id,
        classification=document.classification if document else Classification.PUBLIC,
        detail={
            "number": issued.text,
            "document": issued.document_id,
            "reason": issued.void_reason,
        },
    )
    return issued


# --- 登记 ---------------------------------------------------------------------------------------


def _sync_copy_numbers(document: OutgoingDocument, copies: int) -> None:
    """份号 1..copies for a classified document; copies no longer printed are dropped unless
    already handed to someone."""
    existing = dict(CopyNumber.objects.filter(document=document).values_list("number", "handed_at"))
    handed_beyond = sorted(n for n, at in existing.items() if n > copies and at is not None)
    if handed_beyond:
        raise ValidationError(
            {
                "copies": [
                    _("Copy %(copy)s has already been handed over: print at least %(count)s.")
                    % {"copy": copy_text(handed_beyond[-1]), "count": handed_beyond[-1]}
                ]
            }
        )
    CopyNumber.objects.filter(document=document, number__gt=copies).delete()
    CopyNumber.objects.bulk_create(
        [
            CopyNumber(document=document, number=n)
            for n in range(1, copies + 1)
            if n not in existing
        ],
        batch_size=1000,
    )


@transaction.atomic
def register(
    *,
    actor,
    document: OutgoingDocument,
    expected_version: int,
    series: NumberSeries | None,
    copies: int,
    distribution_scope: str,
    print_date: date | None = None,
) -> OutgoingDocument:
    """登记 (条例 §25 step 2): fix the 发文字号, 分送范围 and 印制份数 of a checked document.

    Gives the number from ``series`` unless the document already has one (given at 签发 under
    ``DOCUMENTS_NUMBER_AT_SIGNING``; ``series`` is then ignored). A classified document gets
    the 份号 1..copies (GB/T 9704 §7.2.1). Raises StaleVersionError when the document changed
    since ``expected_version``, ValidationError (code ``state``) unless it is checked.
    """
    # Lock the row first: registrations of one document queue here, not at the counter. The
    # state before the version: a form sent twice says "already registered", not "changed".
    document.refresh_from_db(from_queryset=OutgoingDocument.objects.select_for_update())
    if document.state != State.CHECKED:
        raise ValidationError(
            _(
                "Only a document checked after signing (复核) can be registered; this one is "
                "%(state)s."
            )
            % {"state": document.get_state_display()},
            code="state",
        )
    if document.version != expected_version:
        raise StaleVersionError
    distribution_scope = (distribution_scope or "").strip()
    errors: dict[str, list] = {}
    if not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        errors["copies"] = [_("Print between 1 and %(max)s copies.") % {"max": MAX_COPIES}]
    if not distribution_scope:
        errors["distribution_scope"] = [_("Say to whom the document is distributed.")]
    if print_date and document.issued_on and print_date < document.issued_on:
        errors["print_date"] = [_("The printing date cannot be before the date of issue.")]
    if not document.doc_number and series is None:
        errors["series"] = [_("Choose the series that numbers this document.")]
    if errors:
        raise ValidationError(errors)
    issued = None
    if not document.doc_number:
        issued = allocate(actor=actor, document=document, series=series, save=False)
    document.copies = copies
    document.distribution_scope = distribution_scope
    document.print_date = print_date
    if document.is_classified:
        _sync_copy_numbers(document, copies)
    document.state = State.REGISTERED
    document.milestones = {
        **(document.milestones or {}),
        "registered": {"at": timezone.now().isoformat(), "by": actor.pk},
    }
    document.save_versioned(actor=actor, expected_version=expected_version)
    audit.record(
        "documents.registered",
        actor=actor,
        obj=document,
        classification=document.classification,
        detail={
            "number": document.doc_number,
            "allocated": issued is not None,
            "copies": copies,
            "print_date": print_date.isoformat() if print_date else None,
        },
    )
    return document


@transaction.atomic
def assign_copy(
    *, actor, copy: CopyNumber, recipient: str = "", department=None, person=None
) -> CopyNumber:
    """Record who holds a 份号 (涉密公文 copies are tracked one by one, gongwen.md §4).

    A person must be of the unit and cleared for the document's classification. Handing the
    same copy again corrects the record; both are audited."""
    copy.refresh_from_db(from_queryset=CopyNumber.objects.select_for_update())
    document = OutgoingDocument.objects.get(pk=copy.document_id)
    if document.state not in COPY_STATES:
        raise ValidationError(
            _("Copies are handed over once the document is registered; this one is %(state)s.")
            % {"state": document.get_state_display()},
            code="state",
        )
    recipient = (recipient or "").strip()
    errors: dict[str, list] = {}
    if not (recipient or department or person):
        errors["recipient"] = [_("Say who received the copy: a person, a department or an organ.")]
    if department is not None and (
        department.unit_id != document.unit_id or department.deleted_at is not None
    ):
        errors["department"] = [_("Choose a department of this unit.")]
    if person is not None:
        if person.unit_id != document.unit_id or not is_business_user(person):
            errors["person"] = [_("Choose a person of this unit.")]
        elif not rules.cleared_for(person, document.classification):
            errors["person"] = [
                _("%(person)s is not cleared for documents marked %(classification)s.")
                % {"person": person, "classification": document.get_classification_display()}
            ]
    if errors:
        raise ValidationError(errors)
    before = {
        "recipient": copy.recipient,
        "department": copy.department_id,
        "person": copy.person_id,
    }
    copy.recipient = recipient[:100]
    copy.department = department
    copy.person = person
    copy.handed_at = timezone.now()
    copy.save(update_fields=["recipient", "department", "person", "handed_at"])
    audit.record(
        "documents.copy_assigned",
        actor=actor,
        obj=document,
        classification=document.classification,
        detail={
            "copy": copy.text,
            "before": before,
            "after": {
                "recipient": copy.recipient,
                "department": copy.department_id,
                "person": copy.person_id,
            },
        },
    )
    return copy


# --- Reads (the office's registers) ----------------------------------------------------------


def issued_numbers_for(user) -> QuerySet[IssuedNumber]:
    """Every number given in ``user``'s unit (the 发文登记簿), for the office only; never one
    of a document marked above the user's clearance."""
    if not rules.is_office(user):
        return IssuedNumber.objects.none()
    return (
        IssuedNumber.objects.filter(series__unit_id=user.unit_id)
        .filter(Q(document__isnull=True) | Q(document__classification__lte=user.clearance))
        .select_related("series", "document", "document__department", "issued_by", "voided_by")
        .defer(*(f"document__{c}" for c in OutgoingDocument.TEXT_COLUMNS))
    )


def issued_number_get_for(user, pk) -> IssuedNumber:
    """One number of the register, or 404."""
    if not str(pk).isdigit():
        raise Http404
    issued = issued_numbers_for(user).filter(pk=int(pk)).first()
    if issued is None:
        raise Http404
    return issued


def series_of_unit(unit_id: int, *, year: int) -> list[NumberSeries]:
    """The unit's series, in use first, each with ``next_text``: the number it would give next
    in ``year`` (one query)."""
    # A series counts either per year or in year 0 (its restart rule is fixed once used).
    last = NumberCounter.objects.filter(series=OuterRef("pk")).filter(Q(year=year) | Q(year=0))
    series = list(
        NumberSeries.objects.filter(unit_id=unit_id, deleted_at__isnull=True)
        .select_related("owner")
        .annotate(last_number=Subquery(last.values("last")[:1]))
        .order_by("-active", "layout", "code", "id")
    )
    for s in series:
        following = max((s.last_number or 0) + 1, s.start_number)
        s.next_text = number_text(s.code, year, following)
    return series


def series_used(series: NumberSeries) -> bool:
    """Whether the series has given a number (its code, layout and restart rule are then fixed)."""
    return IssuedNumber.objects.filter(series=series).exists()


def numbers_of(document: OutgoingDocument) -> list[IssuedNumber]:
    """Every number the document was given, newest first (void ones included)."""
    return list(
        IssuedNumber.objects.filter(document=document)
        .select_related("series", "issued_by", "voided_by")
        .order_by("-pk")
    )


def copy_numbers_of(document: OutgoingDocument) -> list[CopyNumber]:
    return list(CopyNumber.objects.filter(document=document).select_related("department", "person"))


def copy_holders(unit_id: int, classification: int) -> QuerySet:
    """The people a copy may be handed to: active business users of the unit, cleared for it."""
    return (
        get_user_model()
        .objects.filter(
            unit_id=unit_id,
            is_active=True,
            admin_role="",
            clearance__gte=classification,
        )
        .order_by("full_name", "id")
    )
