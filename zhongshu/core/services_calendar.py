"""Writes to the holiday calendar (rules.md "Working days": data the office edits each year).

Each write is audited in the same transaction; edits and deletions go through the optimistic
lock, so two people editing the same day cannot overwrite each other silently.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import CalendarDay

FIELDS = ("date", "kind", "name")


def _snapshot(day: CalendarDay) -> dict:
    return {"date": day.date.isoformat(), "kind": day.kind, "name": day.name}


def _check_unique(day: CalendarDay) -> None:
    taken = CalendarDay.objects.filter(date=day.date, deleted_at__isnull=True).exclude(pk=day.pk)
    if taken.exists():
        raise ValidationError(
            {"date": [_("%(date)s is already in the calendar.") % {"date": day.date.isoformat()}]}
        )


def _save(day: CalendarDay, *, actor, expected_version) -> None:
    try:
        with transaction.atomic():
            day.save_versioned(actor=actor, expected_version=expected_version)
    except IntegrityError as exc:
        raise ValidationError(
            _("This conflicts with a change saved at the same time. Reload and try again.")
        ) from exc


@transaction.atomic
def calendar_day_create(*, actor, date, kind, name="") -> CalendarDay:
    """Enter a holiday or a make-up working day (调休上班) as published by the State Council."""
    day = CalendarDay(date=date, kind=kind, name=name.strip())
    _check_unique(day)
    _save(day, actor=actor, expected_version=None)
    audit.record(
        "calendar.day_created",
        actor=actor,
        obj=day,
        detail={"before": {}, "after": _snapshot(day)},
    )
    return day


@transaction.atomic
def calendar_day_update(*, actor, day, expected_version, date, kind, name="") -> CalendarDay:
    """Correct an entry; deadlines already set keep their due time, new ones use the change."""
    before = _snapshot(day)
    day.date, day.kind, day.name = date, kind, name.strip()
    _check_unique(day)
    _save(day, actor=actor, expected_version=expected_version)
    audit.record(
        "calendar.day_updated",
        actor=actor,
        obj=day,
        detail={"before": before, "after": _snapshot(day)},
    )
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day, expected_version) -> None:
    """Remove an entry (soft deletion): the day goes back to the Monday–Friday rule."""
    day.deleted_at = timezone.now()
    _save(day, actor=actor, expected_version=expected_version)
    audit.record(
        "calendar.day_deleted",
        actor=actor,
        obj=day,
        detail={"before": _snapshot(day), "after": {"deleted": True}},
    )
