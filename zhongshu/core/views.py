from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import search as search_registry
from .models import Heartbeat
from .rules import is_business_user

ADMIN_HOME = {
    "sysadmin": "org:account_list",
    "secadmin": "org:grant_list",
    "auditor": "core:audit_list",
}


@login_required
def home(request):
    """The workbench (工作台); the three administrators land on their own console instead."""
    if request.user.admin_role:
        return redirect(ADMIN_HOME[request.user.admin_role])
    return render(request, "core/home.html", {})


@login_required
@require_GET
def search(request):
    if not is_business_user(request.user):
        return render(request, "core/search.html", {"q": "", "sections": []}, status=403)
    q = request.GET.get("q", "")
    sections = search_registry.search_all(request.user, q)
    return render(request, "core/search.html", {"q": q, "sections": sections})


@never_cache
@require_GET
def healthz(request):
    """Database and queue status for load balancers and monitoring (503 without a database)."""
    status = {"database": "ok", "queue": "unknown"}
    code = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        status["database"] = "unreachable"
        code = 503
    if code == 200:
        try:
            beat = Heartbeat.objects.filter(name="consumer").first()
        except DatabaseError:
            beat = None
        if beat is None:
            status["queue"] = "no heartbeat yet"
        else:
            age = (timezone.now() - beat.at).total_seconds()
            stale = age > settings.QUEUE_HEARTBEAT_STALE_SECONDS
            status["queue"] = "stale" if stale else "ok"
            status["queue_heartbeat_age_seconds"] = int(age)
    status["status"] = "ok" if code == 200 else "error"
    return JsonResponse(status, status=code)
