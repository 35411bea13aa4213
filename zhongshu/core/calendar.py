"""Working days and deadlines (CONVENTIONS.md "Working days", rules.md "Working days").

A working day is Monday to Friday, unless the office calendar marks it a holiday, plus the
make-up working days (调休上班) it lists. A deadline of N working days ends at
``settings.OFFICE_DAY_END`` (Asia/Shanghai) of the Nth working day counted from the next
working day. Past the last year that has any calendar entry, weekends only are skipped and
:func:`calendar_covers` says so, so callers can warn the office.

Nothing is cached at module level: several processes serve requests, and an edit of the
calendar must count at once everywhere. Each call reads the entries of the range it needs.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from .models import CalendarDay, CalendarDayKind

# Enough calendar days to hold N working days even around 春节 (9 days off in a row).
_SLACK_DAYS = 30


def office_day_end() -> time:
    """``OFFICE_DAY_END`` ("HH:MM") as a time."""
    raw = str(getattr(settings, "OFFICE_DAY_END", "17:30") or "17:30")
    hours, _sep, minutes = raw.strip().partition(":")
    return time(int(hours), int(minutes or 0))


def _zone():
    return timezone.get_default_timezone()


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, _zone())
    return moment.astimezone(_zone())


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, office_day_end()), _zone())


def end_of_day(day: date) -> datetime:
    """The end of the office day ``day`` (``OFFICE_DAY_END``, office zone): a deadline given as
    a date."""
    return _day_end(day)


def _exceptions(first: date, last: date) -> dict[date, str]:
    """The calendar entries from ``first`` to ``last`` inclusive: date → kind (one query)."""
    rows = CalendarDay.objects.filter(
        deleted_at__isnull=True, date__gte=first, date__lte=last
    ).values_list("date", "kind")
    return dict(rows)


def _is_working(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day in the office calendar."""
    return _is_working(day, _exceptions(day, day))


def _working_days_after(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (count ≥ 1)."""
    window = count * 2 + _SLACK_DAYS
    fetched_until = day + timedelta(days=window)
    exceptions = _exceptions(day + timedelta(days=1), fetched_until)
    current, seen = day, 0
    while True:
        current += timedelta(days=1)
        if current > fetched_until:
            # A longer stretch of holidays than expected: read the next window.
            fetched_until = current + timedelta(days=window)
            exceptions.update(_exceptions(current, fetched_until))
        if _is_working(current, exceptions):
            seen += 1
            if seen == count:
                return current


def add_working_days(start: datetime, days: int) -> datetime:
    """The deadline ``days`` working days after ``start``: OFFICE_DAY_END of the Nth working
    day counted from the next working day (CONVENTIONS.md "Working days").

    ``days=0`` means the end of today's working day if today is one and it has not ended yet,
    otherwise the end of the next working day. Returns an aware datetime in the office zone.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    local = _local(start)
    today = local.date()
    if days == 0:
        if local < _day_end(today) and is_working_day(today):
            return _day_end(today)
        return _day_end(_working_days_after(today, 1))
    return _day_end(_working_days_after(today, days))


def working_days_left(due: datetime, now: datetime | None = None) -> int:
    """Working days between now and ``due``, negative when overdue.

    The inverse of :func:`add_working_days`: ``working_days_left(add_working_days(now, n),
    now) == n``. A due time still ahead today gives 0. Once it has passed the result is
    ``-k``, k being the working days elapsed after the due day, and at least 1.
    """
    return working_days_left_of([due], now)[due]


def working_days_left_of(dues, now: datetime | None = None) -> dict:
    """:func:`working_days_left` of each of ``dues`` (by due time), from one read of the
    calendar over their whole span: a list page of deadlines costs one query, not one a row."""
    dues = list(dues)
    if not dues:
        return {}
    now_local = _local(now or timezone.now())
    today = now_local.date()
    days = [_local(due).date() for due in dues]
    exceptions = _exceptions(min([today, *days]) + timedelta(days=1), max([today, *days]))
    left = {}
    for due, due_day in zip(dues, days, strict=True):
        ahead = _local(due) >= now_local
        first, last = (today, due_day) if ahead else (due_day, today)
        count = sum(
            1
            for n in range(1, (last - first).days + 1)
            if _is_working(first + timedelta(days=n), exceptions)
        )
        left[due] = count if ahead else -max(count, 1)
    return left


def last_covered_year() -> int | None:
    """The last year with any calendar entry, or None when the calendar is empty."""
    latest = (
        CalendarDay.objects.filter(deleted_at__isnull=True)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    return latest.year if latest else None


def calendar_covers(day: date) -> bool:
    """Whether the office calendar has been entered for the year of ``day``.

    False past the last year that has any entry: such a year counts weekends only, and the
    office should be warned to enter the official calendar.
    """
    if isinstance(day, datetime):
        day = _local(day).date()
    last = last_covered_year()
    return last is not None and day.year <= last


def next_year_missing(today: date | None = None) -> int | None:
    """In November and December, the coming year if the office has not entered it yet."""
    today = today or timezone.localdate()
    if today.month < 11:
        return None
    upcoming = today.year + 1
    return None if calendar_covers(date(upcoming, 1, 1)) else upcoming
