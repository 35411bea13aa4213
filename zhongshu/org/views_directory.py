"""The staff directory (通讯录): every business user looks up colleagues of their unit."""

from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from zhongshu.core.denials import require

from . import selectors
from .predicates import can_manage_org, can_see_directory


def _int(value):
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


@vary_on_headers("HX-Request")
@require_GET
@require(can_see_directory)
def directory(request):
    q = request.GET.get("q", "").strip()[:60]
    department_id = _int(request.GET.get("department"))
    rows, next_after = selectors.people_page(
        request.user,
        q=q,
        department_id=department_id,
        after=_int(request.GET.get("after")),
        directory=True,
    )
    next_url = ""
    if next_after:
        params = request.GET.copy()
        params["after"] = next_after
        next_url = f"?{params.urlencode()}"
    context = {
        "rows": rows,
        "q": q,
        "department_id": department_id,
        "departments": selectors.visible_departments(request.user).order_by(
            "unit", "sort_order", "id"
        ),
        "next_url": next_url,
        "can_manage": can_manage_org(request.user),
    }
    template = "org/directory.html#table" if request.htmx else "org/directory.html"
    return render(request, template, context)
