"""Pages of the notification module: the bell's list, preferences, the system administrator's.

A person sees only their own notifications (another's answers 404). The system administrator's
pages show robots, hosts and undelivered messages, never a title (三员 read no business content).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core.denials import deny, require
from zhongshu.core.rules import is_business_user, is_sysadmin

from . import selectors, services, texts
from .forms import OutboxFilterForm, PreferencesForm, RobotForm, RobotHostForm
from .models import NotificationPreference, OutboxMessage, RobotHost, RobotWebhook

PAGE_SIZE = 50


def _cursor(request) -> int | None:
    value = request.GET.get("cursor", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _page(request, rows):
    next_url = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        params = request.GET.copy()
        params["cursor"] = rows[-1].pk
        next_url = f"?{params.urlencode()}"
    return rows, next_url


# --- A person's notifications ----------------------------------------------------------------


@never_cache
@vary_on_headers("HX-Request")
@require(is_business_user)
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    rows, next_url = _page(
        request,
        selectors.notifications_for(
            request.user, before=_cursor(request), unread_only=unread_only, limit=PAGE_SIZE + 1
        ),
    )
    for row in rows:
        row.text = texts.headline(row)
    context = {
        "rows": rows,
        "next_url": next_url,
        "unread_only": unread_only,
        "unread": selectors.unread_count(request.user),
    }
    name = "notify/list.html#table" if request.htmx else "notify/list.html"
    return render(request, name, context)


@never_cache
@require_POST
@require(is_business_user)
def notification_read(request, pk):
    notification = selectors.notification_for(request.user, pk)
    if notification is None:
        deny(request, status=404, object_type="notify.notification", object_id=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    if request.htmx:
        return notification_list(request)
    return redirect("notify:list")


@never_cache
@require_POST
@require(is_business_user)
def notification_read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    if request.htmx:
        return notification_list(request)
    messages.success(request, _("Every notification was marked read."))
    return redirect("notify:list")


@never_cache
@require(is_business_user)
def preferences(request):
    current = {
        p.event: (p.email, p.robot)
        for p in NotificationPreference.objects.filter(user=request.user)
    }
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(actor=request.user, choices=form.choices())
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notify:settings")
    has_email = bool(request.user.email)
    return render(request, "notify/settings.html", {"form": form, "has_email": has_email})


# --- The system administrator ----------------------------------------------------------------


@never_cache
@vary_on_headers("HX-Request")
@require(is_sysadmin)
def outbox_list(request):
    form = OutboxFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    rows, next_url = _page(
        request,
        selectors.outbox_for_administrator(
            status=status, before=_cursor(request), limit=PAGE_SIZE + 1
        ),
    )
    context = {"filter_form": form, "rows": rows, "next_url": next_url}
    name = "notify/admin_outbox.html#table" if request.htmx else "notify/admin_outbox.html"
    return render(request, name, context)


@never_cache
@require_POST
@require(is_sysadmin)
def outbox_retry(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    if message.status == "sent":
        messages.info(request, _("This message was already delivered."))
        return redirect("notify:admin_outbox")
    services.outbox_retry(actor=request.user, message=message)
    messages.success(request, _("The message was queued again."))
    return redirect("notify:admin_outbox")


@never_cache
@require(is_sysadmin)
def robot_list(request):
    form = RobotForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            services.robot_save(
                actor=request.user,
                robot=form.save(commit=False),
                secret=form.cleaned_data["secret"],
            )
            messages.success(request, _("The robot was saved."))
            return redirect("notify:admin_robots")
    context = {"form": form, "rows": selectors.robots()}
    return render(request, "notify/admin_robots.html", context, status=status)


@never_cache
@require(is_sysadmin)
def robot_edit(request, pk):
    robot = get_object_or_404(RobotWebhook.objects.select_related("department"), pk=pk)
    form = RobotForm(request.POST or None, instance=robot)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            services.robot_save(
                actor=request.user,
                robot=form.save(commit=False),
                secret=form.cleaned_data["secret"],
            )
            messages.success(request, _("The robot was saved."))
            return redirect("notify:admin_robots")
    return render(
        request, "notify/admin_robot_edit.html", {"form": form, "robot": robot}, status=status
    )


@never_cache
@require_POST
@require(is_sysadmin)
def robot_delete(request, pk):
    robot = get_object_or_404(RobotWebhook.objects.select_related("department"), pk=pk)
    services.robot_delete(actor=request.user, robot=robot)
    messages.success(request, _("The robot was removed."))
    return redirect("notify:admin_robots")


@never_cache
@require(is_sysadmin)
def host_list(request):
    form = RobotHostForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            services.robot_host_add(actor=request.user, host=form.cleaned_data["host"])
            messages.success(request, _("The host was added."))
            return redirect("notify:admin_hosts")
    context = {"form": form, "rows": selectors.robot_hosts()}
    return render(request, "notify/admin_hosts.html", context, status=status)


@never_cache
@require_POST
@require(is_sysadmin)
def host_delete(request, pk):
    entry = RobotHost.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    services.robot_host_remove(actor=request.user, entry=entry)
    messages.success(request, _("The host was removed."))
    return redirect("notify:admin_hosts")
