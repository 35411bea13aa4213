"""Pages of the approval engine: the inbox, a run with its decision panel, route configuration
and one's own common opinions and delegation (UI.md "Deciding", "An item", "Lists").

Views are thin: parse, call a selector, maybe one service, render. A work item that is not the
user's is a 404 (audited by ``deny``); one handled already is a 409 with who handled it.
"""

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core import badges
from zhongshu.core.denials import deny, require
from zhongshu.core.rules import is_business_user
from zhongshu.org.predicates import can_manage_org

from . import registry, selectors, services
from .errors import AlreadyHandled, NotYours, WorkflowError
from .forms import DelegationForm, OpinionForm, RouteForm, StepFormSet
from .models import Decision, StepMode, Urgency

BOX_LABELS = {
    "todo": gettext_lazy("To do"),
    "done": gettext_lazy("Done"),
    "mine": gettext_lazy("Submitted by me"),
    "cc": gettext_lazy("Copied to me"),
}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Inbox -------------------------------------------------------------------------------------


@require(is_business_user)
@vary_on_headers("HX-Request")
def inbox(request):
    box = request.GET.get("box", "todo")
    if box not in selectors.BOXES:
        box = "todo"
    kind = request.GET.get("type", "")[:60]
    urgency = _int(request.GET.get("urgency"))
    if urgency not in Urgency.values:
        urgency = None
    overdue = {"1": True, "0": False}.get(request.GET.get("overdue", ""))
    unread = {"1": True, "0": False}.get(request.GET.get("unread", "")) if box == "cc" else None
    try:
        rows, cursor = selectors.inbox(
            request.user,
            box=box,
            kind=kind,
            urgency=urgency,
            overdue=overdue,
            unread=unread,
            after=request.GET.get("after", "")[:2000],
        )
    except selectors.BadCursor:
        rows, cursor = selectors.inbox(request.user, box=box, kind=kind, urgency=urgency)
    labels = dict(registry.choices())
    for row in rows:
        row.kind_label = labels.get(row.kind, row.kind)
    next_url = ""
    if cursor:
        params = request.GET.copy()
        params["after"] = cursor
        next_url = f"?{params.urlencode()}"
    context = {
        "rows": rows,
        "box": box,
        "boxes": list(BOX_LABELS.items()),
        "kind": kind,
        "urgency": urgency,
        "overdue": request.GET.get("overdue", ""),
        "unread": request.GET.get("unread", "") if box == "cc" else "",
        "cc_unread": badges.display(selectors.cc_unread_count(request.user)),
        "kinds": registry.choices(),
        "urgencies": Urgency.choices,
        "next_url": next_url,
        "batch": box == "todo" and any(r.batch_allowed for r in rows),
    }
    template = "workflow/inbox.html#table" if request.htmx else "workflow/inbox.html"
    return render(request, template, context)


@require(is_business_user)
@require_POST
def batch_approve(request):
    """Approve several items at once where their step allows it (each in its own transaction)."""
    done = skipped = 0
    for pk in request.POST.getlist("items")[:100]:
        try:
            item = selectors.item_get_for(request.user, _int(pk))
        except Http404:
            skipped += 1
            continue
        if not item.batch_allowed:
            skipped += 1
            continue
        try:
            services.decide(actor=request.user, item=item, decision=Decision.APPROVE)
            done += 1
        except (WorkflowError, ValidationError):
            skipped += 1
    if done:
        messages.success(request, _("%(count)d items approved.") % {"count": done})
    if skipped:
        messages.warning(request, _("%(count)d items could not be approved.") % {"count": skipped})
    return redirect("workflow:inbox")


@require(is_business_user)
@require_POST
def cc_read_all(request):
    """The cc box's "Mark all read" (抄送我的)."""
    services.cc_mark_read(actor=request.user)
    messages.success(request, _("Every copy was marked read."))
    return redirect(f"{reverse('workflow:inbox')}?box=cc")


# --- A run and its decision panel -------------------------------------------------------------


def _run_or_404(request, pk):
    try:
        return selectors.run_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type="workflow.run", object_id=pk)


def decision_panel_context(request, run) -> dict:
    """What workflow/_decide_panel.html needs for ``request.user`` on ``run`` (also used by the
    pages of the items a run approves, e.g. an outgoing document)."""
    items = selectors.open_items_for(request.user, run) if run.is_live else []
    item = items[0] if items else None
    decisions = []
    if item is not None and item.step_order == 0:
        decisions = [Decision.RESUBMIT]
    elif item is not None and item.read_only:
        decisions = list(services.READ_ONLY_DECISIONS)
    elif item is not None:
        decisions = list(services.STEP_DECISIONS)
    picker = Decision.TRANSFER in decisions
    people_q = request.GET.get("q", "").strip()[:60] if picker else ""
    chosen = _int(request.POST.get("to_user")) if picker else None
    people, more = (
        selectors.colleague_choices(request.user, q=people_q, chosen=chosen)
        if picker
        else ([], False)
    )
    return {
        "item": item,
        "decisions": [(d.value, d.label) for d in decisions],
        "opinion_required": sorted(d.value for d in services.OPINION_REQUIRED),
        "common_opinions": selectors.common_opinions_of(request.user)[:20],
        "earlier_steps": selectors.earlier_steps(run, item) if item else [],
        "picker": picker,
        "picker_q": people_q,
        "picker_people": people,
        "picker_more": more,
        "picker_chosen": chosen,
        "idempotency_key": uuid.uuid4().hex,
        "can_withdraw": services.may_withdraw(request.user, run),
    }


@require(is_business_user)
def run_detail(request, pk):
    run = _run_or_404(request, pk)
    services.cc_mark_read(actor=request.user, run=run)  # a copy is read once opened
    context = {
        "run": run,
        "steps": selectors.run_steps(run),
        "record": selectors.handling_record(run),
        "mode_all": StepMode.ALL,
        **decision_panel_context(request, run),
    }
    return render(request, "workflow/run_detail.html", context)


@require(is_business_user)
@require_POST
def decide(request, pk):
    try:
        item = selectors.item_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type="workflow.workitem", object_id=pk)
    to_user = None
    if request.POST.get("to_user"):
        to_user = get_user_model().objects.filter(pk=_int(request.POST["to_user"])).first()
    status = 200
    try:
        services.decide(
            actor=request.user,
            item=item,
            decision=request.POST.get("decision", ""),
            opinion=request.POST.get("opinion", "")[:2000],
            target_step=_int(request.POST.get("target_step")),
            to_user=to_user,
            idempotency_key=request.POST.get("idempotency_key", "")[:64] or None,
        )
    except NotYours:
        deny(request, status=404, object_type="workflow.workitem", object_id=pk)
    except AlreadyHandled as exc:
        messages.error(request, str(exc))
        status = 409
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        status = 400
    except WorkflowError as exc:
        messages.error(request, str(exc))
        status = 400
    else:
        messages.success(request, _("Your decision was recorded."))
        return redirect("workflow:run_detail", item.run_id)
    response = run_detail(request, item.run_id)
    response.status_code = status
    return response


PICKER_FIELDS = ("to_user", "dg-delegate")


@require(is_business_user)
@require_GET
def colleague_search(request):
    """The colleague picker's options (htmx partial): at most 20 active business users of the
    user's unit matching ``q`` by name, user name or department, as radio buttons named after
    the form field asking (``field``). Without JavaScript the pages run the same search on a
    plain GET and render the same partial."""
    field = request.GET.get("field", "")
    if field not in PICKER_FIELDS:
        field = PICKER_FIELDS[0]
    q = request.GET.get("q", "").strip()[:60]
    people, more = selectors.colleague_choices(request.user, q=q)
    context = {"field": field, "q": q, "people": people, "more": more, "chosen": None}
    return render(request, "workflow/_people_options.html", context)


@require(is_business_user)
@require_POST
def withdraw(request, pk):
    run = _run_or_404(request, pk)
    try:
        services.withdraw(actor=request.user, run=run)
    except NotYours:
        deny(request, status=404, object_type="workflow.run", object_id=pk)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The approval was withdrawn."))
    return redirect("workflow:run_detail", run.pk)


# --- Route configuration (the office) --------------------------------------------------------


def _unit_ids(user):
    from zhongshu.org.selectors import visible_unit_ids

    return visible_unit_ids(user)


@require(can_manage_org)
def route_list(request):
    routes = selectors.routes_for(request.user, _unit_ids(request.user))
    labels = dict(registry.choices())
    for route in routes:
        route.kind_label = labels.get(route.kind, route.kind)
    return render(request, "workflow/route_list.html", {"routes": routes})


def _steps_from(formset) -> list[dict]:
    steps = []
    for form in formset.forms:
        if not form.has_changed() or not form.is_valid():
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        data = dict(form.cleaned_data)
        data.pop("DELETE", None)
        data["role"] = data.get("role") or ""
        data["cc"] = list(data.get("cc") or [])
        steps.append(data)
    return steps


def _initial_steps(route) -> list[dict]:
    return [
        {
            "name": s.name,
            "rule": s.rule,
            "department": s.department_id,
            "position": s.position_id,
            "role": s.role,
            "person": s.person_id,
            "source": s.source,
            "mode": s.mode,
            "condition_field": s.condition_field,
            "condition_op": s.condition_op,
            "condition_value": s.condition_value,
            "read_only": s.read_only,
            "batch_allowed": s.batch_allowed,
            "due_working_days": s.due_working_days,
            "cc": [u.pk for u in s.cc.all()],
        }
        for s in route.steps.prefetch_related("cc").order_by("order")
    ]


def _route_form(request, route=None):
    from zhongshu.org.models import Unit

    unit = route.unit if route else Unit.objects.filter(pk=request.user.unit_id).first()
    if unit is None:
        deny(request, status=404, object_type="org.unit")
    kind = route.kind if route else request.POST.get("kind", "")
    step_kwargs = {"form_kwargs": {"unit": unit, "kind": kind}}
    if request.method == "POST":
        form = RouteForm(request.POST, editing=route is not None, initial={"kind": kind})
        formset = StepFormSet(request.POST, prefix="steps", **step_kwargs)
        if form.is_valid() and formset.is_valid():
            steps = _steps_from(formset)
            try:
                if route is None:
                    route = services.route_create(
                        actor=request.user,
                        unit=unit,
                        kind=form.cleaned_data["kind"],
                        name=form.cleaned_data["name"],
                        steps=steps,
                    )
                else:
                    route = services.route_update(
                        actor=request.user, route=route, name=form.cleaned_data["name"], steps=steps
                    )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The route was saved."))
                return redirect("workflow:route_edit", route.pk)
    else:
        initial = {"name": route.name, "kind": route.kind} if route else {}
        form = RouteForm(initial=initial, editing=route is not None)
        formset = StepFormSet(
            prefix="steps", initial=_initial_steps(route) if route else None, **step_kwargs
        )
    return render(
        request,
        "workflow/route_form.html",
        {"form": form, "formset": formset, "route": route},
    )


@require(can_manage_org)
def route_create(request):
    return _route_form(request)


@require(can_manage_org)
def route_edit(request, pk):
    try:
        route = selectors.route_get_for(_unit_ids(request.user), pk)
    except Http404:
        deny(request, status=404, object_type="workflow.route", object_id=pk)
    return _route_form(request, route)


# --- My opinions and delegation --------------------------------------------------------------


@require(is_business_user)
def my_settings(request):
    user = request.user
    opinion_form = OpinionForm(prefix="op")
    delegation_form = DelegationForm(prefix="dg", user=user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add_opinion":
                opinion_form = OpinionForm(request.POST, prefix="op")
                if opinion_form.is_valid():
                    services.common_opinion_add(actor=user, text=opinion_form.cleaned_data["text"])
                    return redirect("workflow:settings")
            elif action == "delete_opinion":
                services.common_opinion_delete(actor=user, opinion_id=_int(request.POST.get("id")))
                return redirect("workflow:settings")
            elif action == "set_delegation":
                delegation_form = DelegationForm(request.POST, prefix="dg", user=user)
                if delegation_form.is_valid():
                    services.delegation_set(actor=user, **delegation_form.cleaned_data)
                    messages.success(request, _("Your delegation was saved."))
                    return redirect("workflow:settings")
            elif action == "end_delegation":
                services.delegation_end(actor=user)
                return redirect("workflow:settings")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    chosen = None
    if delegation_form.is_bound:
        chosen = _int(delegation_form.data.get("dg-delegate"))
    people_q = request.GET.get("q", "").strip()[:60]
    people, more = selectors.colleague_choices(user, q=people_q, chosen=chosen)
    context = {
        "opinions": selectors.common_opinions_of(user),
        "opinion_form": opinion_form,
        "delegation_form": delegation_form,
        "picker_q": people_q,
        "picker_people": people,
        "picker_more": more,
        "picker_chosen": chosen,
        "delegation": selectors.current_delegation_of(user),
        "inbox_url": reverse("workflow:inbox"),
    }
    return render(request, "workflow/settings.html", context)
