"""Working days and the holiday calendar (CONVENTIONS.md "Working days", rules.md 2026 table)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhongshu.core import calendar
from zhongshu.core.models import AuditEvent, CalendarDay, CalendarDayKind

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def end_of(y, m, d):
    return datetime.combine(date(y, m, d), time(17, 30), tzinfo=SH)


# --- The seeded 2026 calendar --------------------------------------------------------------


@pytest.mark.django_db
def test_the_2026_calendar_is_seeded_exactly():
    holidays = CalendarDay.objects.filter(kind=CalendarDayKind.HOLIDAY, date__year=2026)
    workdays = CalendarDay.objects.filter(kind=CalendarDayKind.WORKDAY, date__year=2026)

    assert holidays.count() == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert sorted(d.isoformat() for d in workdays.values_list("date", flat=True)) == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=date(2026, 2, 23)).name == "春节"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # 元旦
        (date(2026, 1, 4), True),  # Sunday, make-up working day
        (date(2026, 2, 16), False),  # Monday in 春节
        (date(2026, 2, 14), True),  # Saturday, make-up
        (date(2026, 3, 2), True),  # ordinary Monday
        (date(2026, 3, 7), False),  # ordinary Saturday
        (date(2026, 10, 8), True),
        (date(2027, 1, 1), True),  # not entered yet: weekdays only
    ],
)
def test_is_working_day(day, working):
    assert calendar.is_working_day(day) is working


# --- add_working_days ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Friday + 1 → Monday 17:30
        (at(2026, 3, 6), 1, end_of(2026, 3, 9)),
        # The day before 国庆 + 1 → 10-08 (10-01..07 off)
        (at(2026, 9, 30), 1, end_of(2026, 10, 8)),
        # Saturday 09-19 + 1: counted from the next working day, Sunday 09-20 (调休上班)
        (at(2026, 9, 19), 1, end_of(2026, 9, 20)),
        # Friday 09-18 + 2: 09-20 (Sun, make-up) then 09-21 (Mon)
        (at(2026, 9, 18), 2, end_of(2026, 9, 21)),
        # 春节: Friday 02-13 + 1 → Saturday 02-14 (make-up); + 2 → 02-24 after nine days off
        (at(2026, 2, 13), 1, end_of(2026, 2, 14)),
        (at(2026, 2, 13), 2, end_of(2026, 2, 24)),
        # A Saturday make-up day counts: 02-27 (Fri) + 1 → 02-28 (Sat)
        (at(2026, 2, 27), 1, end_of(2026, 2, 28)),
        # 10-09 (Fri) + 1 → 10-10 (Sat, make-up)
        (at(2026, 10, 9), 1, end_of(2026, 10, 10)),
        # Starting inside a holiday: 05-02 + 1 → 05-06
        (at(2026, 5, 2), 1, end_of(2026, 5, 6)),
        # Five working days over 劳动节: 04-30 (Thu) → 05-06, 07, 08, 09 (Sat make-up), 11
        (at(2026, 4, 30), 5, end_of(2026, 5, 11)),
        # Crossing into 2027 (not entered): weekends only, 2027-01-01 is a Friday
        (at(2026, 12, 31), 1, end_of(2027, 1, 1)),
        (at(2026, 12, 31), 2, end_of(2027, 1, 4)),
        # The start time does not matter for N ≥ 1
        (at(2026, 3, 6, 23, 59), 1, end_of(2026, 3, 9)),
    ],
)
def test_add_working_days(start, days, due):
    assert calendar.add_working_days(start, days) == due


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "due"),
    [
        (at(2026, 3, 6, 9), end_of(2026, 3, 6)),  # a working day, before 17:30: today
        (at(2026, 3, 6, 17, 30), end_of(2026, 3, 9)),  # at the end time: the next one
        (at(2026, 3, 7, 9), end_of(2026, 3, 9)),  # Saturday
        (at(2026, 10, 1, 9), end_of(2026, 10, 8)),  # 国庆
        (at(2026, 9, 20, 9), end_of(2026, 9, 20)),  # Sunday make-up day
    ],
)
def test_add_zero_working_days(start, due):
    assert calendar.add_working_days(start, 0) == due


@pytest.mark.django_db
def test_add_working_days_converts_from_utc_and_honours_the_setting(settings):
    settings.OFFICE_DAY_END = "18:00"
    # 2026-03-06 17:00 UTC is Saturday 01:00 in Shanghai
    start = datetime(2026, 3, 6, 17, 0, tzinfo=ZoneInfo("UTC"))

    due = calendar.add_working_days(start, 1)

    assert due == datetime(2026, 3, 9, 18, 0, tzinfo=SH)


@pytest.mark.django_db
def test_add_working_days_refuses_negative():
    with pytest.raises(ValueError):
        calendar.add_working_days(at(2026, 3, 6), -1)


@pytest.mark.django_db
def test_add_working_days_reads_the_calendar_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar.add_working_days(at(2026, 9, 30), 10)


@pytest.mark.django_db
def test_an_edit_counts_at_once():
    CalendarDay.objects.create(date=date(2026, 3, 9), kind=CalendarDayKind.HOLIDAY, name="x")

    assert calendar.add_working_days(at(2026, 3, 6), 1) == end_of(2026, 3, 10)


# --- working_days_left ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("due", "now", "left"),
    [
        (end_of(2026, 3, 9), at(2026, 3, 6), 1),
        (end_of(2026, 10, 8), at(2026, 9, 30), 1),
        (end_of(2026, 3, 6), at(2026, 3, 6, 9), 0),  # due later today
        (end_of(2026, 3, 6), at(2026, 3, 6, 18), -1),  # just overdue
        (end_of(2026, 3, 6), at(2026, 3, 9, 9), -1),  # Monday: one working day late
        (end_of(2026, 3, 6), at(2026, 3, 11, 9), -3),
        (end_of(2026, 9, 30), at(2026, 10, 8, 9), -1),  # the holiday does not count
    ],
)
def test_working_days_left(due, now, left):
    assert calendar.working_days_left(due, now) == left


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 1, 2, 5, 10, 30])
def test_working_days_left_inverts_add_working_days(days):
    now = at(2026, 9, 18, 9)

    assert calendar.working_days_left(calendar.add_working_days(now, days), now) == days


@pytest.mark.django_db
def test_working_days_left_defaults_to_now(time_machine):
    time_machine.move_to(at(2026, 3, 6, 9))

    assert calendar.working_days_left(end_of(2026, 3, 10)) == 2


# --- Coverage and the warning --------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_covers_the_last_entered_year_only():
    assert calendar.calendar_covers(date(2026, 12, 31)) is True
    assert calendar.calendar_covers(date(2027, 1, 1)) is False
    assert calendar.calendar_covers(calendar.add_working_days(at(2026, 12, 31), 1)) is False


@pytest.mark.django_db
def test_an_empty_calendar_covers_nothing():
    CalendarDay.objects.all().delete()

    assert calendar.calendar_covers(date(2026, 6, 1)) is False


@pytest.mark.django_db
def test_next_year_missing_in_november_and_december_only():
    assert calendar.next_year_missing(date(2026, 10, 31)) is None
    assert calendar.next_year_missing(date(2026, 11, 1)) == 2027
    CalendarDay.objects.create(date=date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    assert calendar.next_year_missing(date(2026, 12, 1)) is None


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "sysadmin", "secadmin", "auditor"])
def test_only_the_office_may_open_the_calendar(request, login_as, client, who):
    login_as(request.getfixturevalue(who))
    before = CalendarDay.objects.count()

    list_response = client.get(reverse("core:calendar_list"))
    create_response = client.post(
        reverse("core:calendar_create"), {"date": "2026-03-09", "kind": "holiday"}
    )

    assert list_response.status_code == 403
    assert create_response.status_code == 403
    assert CalendarDay.objects.count() == before
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


def test_edit_and_delete_are_404_for_others(login_as, client, staff):
    login_as(staff)
    day = CalendarDay.objects.get(date=date(2026, 10, 1))

    edit = client.post(
        reverse("core:calendar_edit", args=[day.pk]),
        {"date": "2026-10-02", "kind": "holiday", "version": day.version},
    )
    delete = client.post(reverse("core:calendar_delete", args=[day.pk]), {"version": 1})

    assert edit.status_code == 404 and delete.status_code == 404
    day.refresh_from_db()
    assert day.date == date(2026, 10, 1) and day.deleted_at is None


def test_org_manager_sees_the_year(login_as, client, org_manager):
    login_as(org_manager)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:calendar_list") + "?year=2026")

    assert response.status_code == 200
    # The year's entries and the last year entered; the rest is the shell's.
    assert sum("core_calendarday" in q["sql"] for q in queries.captured_queries) == 2
    body = response.content.decode()
    assert "2026-10-01" in body and "国庆节" in body and "2026-09-20" in body
    assert len(response.context["days"]) == 39


def test_the_office_is_warned_in_november_when_next_year_is_missing(
    login_as, client, org_manager, time_machine
):
    time_machine.move_to(at(2026, 11, 20))
    login_as(org_manager)

    response = client.get(reverse("core:calendar_list"))

    assert response.context["missing_year"] == 2027
    assert "has not been entered yet" in response.content.decode()


def test_no_warning_in_october(login_as, client, org_manager, time_machine):
    time_machine.move_to(at(2026, 10, 20))
    login_as(org_manager)

    response = client.get(reverse("core:calendar_list"))

    assert response.context["missing_year"] is None


def test_create_update_delete_are_audited(login_as, client, org_manager):
    login_as(org_manager)

    created = client.post(
        reverse("core:calendar_create"), {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    day = CalendarDay.objects.get(date=date(2027, 1, 1), deleted_at__isnull=True)
    updated = client.post(
        reverse("core:calendar_edit", args=[day.pk]),
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦节", "version": day.version},
    )
    day.refresh_from_db()
    deleted = client.post(reverse("core:calendar_delete", args=[day.pk]), {"version": day.version})

    assert created.status_code == updated.status_code == deleted.status_code == 302
    assert created.url == reverse("core:calendar_list") + "?year=2027"
    events = list(
        AuditEvent.objects.filter(action__startswith="calendar.")
        .order_by("pk")
        .values_list("action", "detail")
    )
    assert [a for a, _ in events] == [
        "calendar.day_created",
        "calendar.day_updated",
        "calendar.day_deleted",
    ]
    assert events[1][1] == {
        "before": {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        "after": {"date": "2027-01-01", "kind": "holiday", "name": "元旦节"},
    }
    day.refresh_from_db()
    assert day.deleted_at is not None
    assert calendar.calendar_covers(date(2027, 1, 1)) is False


def test_a_date_already_entered_is_refused(login_as, client, org_manager):
    login_as(org_manager)
    before = CalendarDay.objects.count()

    response = client.post(
        reverse("core:calendar_create"), {"date": "2026-10-01", "kind": "workday"}
    )

    assert response.status_code == 400
    assert "2026-10-01 is already in the calendar." in response.content.decode()
    assert CalendarDay.objects.count() == before


def test_a_stale_edit_is_refused(login_as, client, org_manager):
    login_as(org_manager)
    day = CalendarDay.objects.get(date=date(2026, 10, 1))

    response = client.post(
        reverse("core:calendar_edit", args=[day.pk]),
        {"date": "2026-10-01", "kind": "workday", "version": day.version + 5},
    )

    assert response.status_code == 412
    day.refresh_from_db()
    assert day.kind == CalendarDayKind.HOLIDAY


def test_bad_input_is_a_400_not_a_500(login_as, client, org_manager):
    login_as(org_manager)

    response = client.post(reverse("core:calendar_create"), {"date": "not-a-date", "kind": "x"})

    assert response.status_code == 400


def test_navigation_entry_for_the_office_only(login_as, client, org_manager, staff):
    login_as(org_manager)
    assert reverse("core:calendar_list") in client.get(reverse("core:home")).content.decode()
    login_as(staff)
    assert reverse("core:calendar_list") not in client.get(reverse("core:home")).content.decode()


def test_the_forms_render_for_the_office(login_as, client, org_manager):
    login_as(org_manager)
    day = CalendarDay.objects.get(date=date(2026, 10, 10))

    create = client.get(reverse("core:calendar_create"))
    edit = client.get(reverse("core:calendar_edit", args=[day.pk]))

    assert create.status_code == 200 and edit.status_code == 200
    body = edit.content.decode()
    assert 'type="date"' in body and 'value="2026-10-10"' in body
    assert reverse("core:calendar_delete", args=[day.pk]) in body
    assert "<script>" not in body and "style=" not in body


def test_the_edit_form_gives_the_browser_an_iso_date_in_chinese(login_as, client, org_manager):
    # A date input takes only YYYY-MM-DD: Chinese formats (2026/10/01) left the field empty.
    org_manager.language = "zh-hans"
    org_manager.save()
    login_as(org_manager)
    day = CalendarDay.objects.get(date=date(2026, 10, 1))
    page = client.get(reverse("core:calendar_edit", args=[day.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'value="2026-10-01"' in page.content.decode()
