"""The holiday calendar pages, kept by the office (rules.md "Working days").

Who may use them is org's decision, registered as the ``calendar.manage`` permission (core
does not import org). Anyone else gets an audited 403 on the list and forms and 404 on an
entry addressed by id.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import calendar, permissions, services_calendar
from .denials import deny, require
from .forms import add_validation_errors
from .forms_calendar import CalendarDayForm, CalendarDeleteForm
from .models import CalendarDay, StaleVersionError

PERMISSION = "calendar.manage"
STATUS_INVALID = 400
STATUS_STALE = 412
STALE = gettext_lazy(
    "Someone else changed this entry meanwhile. Reload it and apply your change again."
)


calendar_page = require(permissions.checker(PERMISSION))
calendar_object = require(
    permissions.checker(PERMISSION), status=404, object_type="core.calendarday"
)


def _year(request) -> int:
    raw = request.GET.get("year", "").strip()
    if raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def _list_url(year: int) -> str:
    return f"{reverse('core:calendar_list')}?year={year}"


def _get(request, pk) -> CalendarDay:
    day = CalendarDay.objects.filter(pk=pk, deleted_at__isnull=True).first()
    if day is None:
        deny(request, status=404, object_type="core.calendarday", object_id=pk)
    return day


@calendar_page
@require_GET
def calendar_list(request):
    year = _year(request)
    days = list(CalendarDay.objects.filter(deleted_at__isnull=True, date__year=year))
    last = calendar.last_covered_year()
    today = timezone.localdate()
    # November and December: warn when the coming year is not entered (rules.md).
    missing_year = today.year + 1 if today.month >= 11 and (last or 0) <= today.year else None
    return render(
        request,
        "core/calendar_list.html",
        {
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "days": days,
            "missing_year": missing_year,
        },
    )


@calendar_page
@require_http_methods(["GET", "POST"])
def calendar_create(request):
    form = CalendarDayForm(request.POST or None, initial={"kind": "holiday"})
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                day = services_calendar.calendar_day_create(
                    actor=request.user, date=data["date"], kind=data["kind"], name=data["name"]
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("%s added to the calendar.") % day.date.isoformat())
                return redirect(_list_url(day.date.year))
    return render(request, "core/calendar_form.html", {"form": form, "day": None}, status=status)


@calendar_object
@require_http_methods(["GET", "POST"])
def calendar_edit(request, pk):
    day = _get(request, pk)
    initial = {"date": day.date, "kind": day.kind, "name": day.name, "version": day.version}
    form = CalendarDayForm(request.POST or None, initial=initial)
    form.fields["version"].required = True
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_calendar.calendar_day_update(
                    actor=request.user,
                    day=day,
                    expected_version=data["version"],
                    date=data["date"],
                    kind=data["kind"],
                    name=data["name"],
                )
            except StaleVersionError:
                form.add_error(None, STALE)
                status = STATUS_STALE
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("%s saved.") % day.date.isoformat())
                return redirect(_list_url(day.date.year))
        day.refresh_from_db()
    return render(request, "core/calendar_form.html", {"form": form, "day": day}, status=status)


@calendar_object
@require_POST
def calendar_delete(request, pk):
    day = _get(request, pk)
    form = CalendarDeleteForm(request.POST)
    try:
        if not form.is_valid():
            raise StaleVersionError
        services_calendar.calendar_day_delete(
            actor=request.user, day=day, expected_version=form.cleaned_data["version"]
        )
    except StaleVersionError:
        messages.error(request, STALE)
        return redirect(reverse("core:calendar_edit", args=[pk]))
    messages.success(request, _("%s removed from the calendar.") % day.date.isoformat())
    return redirect(_list_url(day.date.year))
