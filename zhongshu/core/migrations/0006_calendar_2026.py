"""Seed the official 2026 calendar (国务院办公厅, 2025-11-04; rules.md "Working days").

Names are the holidays' official Chinese names: data defined by the State Council.
"""

from datetime import date, timedelta

from django.db import migrations

HOLIDAYS = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
]
WORKDAYS = [
    ("元旦", date(2026, 1, 4)),
    ("春节", date(2026, 2, 14)),
    ("春节", date(2026, 2, 28)),
    ("劳动节", date(2026, 5, 9)),
    ("国庆节", date(2026, 9, 20)),
    ("国庆节", date(2026, 10, 10)),
]


def rows():
    for name, first, last in HOLIDAYS:
        day = first
        while day <= last:
            yield day, "holiday", name
            day += timedelta(days=1)
    for name, day in WORKDAYS:
        yield day, "workday", name


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, name in rows():
        if not CalendarDay.objects.filter(date=day, deleted_at__isnull=True).exists():
            CalendarDay.objects.create(date=day, kind=kind, name=name)


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.filter(date__year=2026, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
