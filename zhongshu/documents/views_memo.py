"""The pages of internal memos (签报 / 呈批件; issue 5 §10): the list and its export, drafting,
the memo's page with the decision panel of whoever holds it, who decides (the office at 审核, the
leader at 批办), and the printable 签报处理单.

Anyone who may draft writes memos; a memo someone may not see (``selectors_memo``: another
unit's, above their clearance, a draft of someone else's, one neither their department's nor
reaching them) answers an audited 404. A step refused in the memo's state answers 409 with the
reason, a form shown on an older version 412, bad input 400 with the errors next to the fields.
Every read of a memo marked 秘密 or above is audited.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core import audit
from zhongshu.core.denials import deny, require
from zhongshu.core.excel import workbook_response
from zhongshu.core.rules import is_business_user
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow.views import decision_panel_context

from . import rules, selectors_memo, services_memo
from .forms_memo import MemoFilterForm, MemoForm, MemoRoutingForm
from .models import Memo, MemoState
from .view_steps import STALE, STATUS_INVALID, attempt, audit_read

OBJECT_TYPE = "documents.memo"
PAGE_SIZE = 20
COUNT_CAP = selectors_memo.LIST_COUNT_CAP
EXPORT_CAP = 10_000

drafter_page = require(rules.may_draft)
business_object = require(is_business_user, status=404, object_type=OBJECT_TYPE)


def _memo(request, pk) -> Memo:
    try:
        return selectors_memo.memo_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type=OBJECT_TYPE, object_id=pk)


def _errors_form() -> forms.Form:
    """An empty form, only to carry a refusal's message (a button with no fields of its own)."""
    form = forms.Form({})
    form.is_valid()
    return form


def _int(value, *, limit: int = 18):
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) <= limit else None


# --- The list and its export ------------------------------------------------------------------


def _filters(request) -> tuple[MemoFilterForm, dict]:
    form = MemoFilterForm(request.GET or None, user=request.user)
    return form, form.filters()


def _list_query(request) -> dict:
    return {k: v for k, v in request.GET.items() if k != "after" and v and len(v) <= 100}


@never_cache
@drafter_page
@require_GET
@vary_on_headers("HX-Request")
def memo_list(request):
    form, filters = _filters(request)
    rows = selectors_memo.filtered_memos(request.user, filters)
    after = _int(request.GET.get("after"))
    page_rows = rows if after is None else rows.filter(pk__lt=after)
    page = list(page_rows.select_related("department", "drafter")[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    live = selectors_memo.holders_of([m.pk for m in page if m.state in services_memo.IN_APPROVAL])
    for memo in page:
        entry = live.get(memo.pk)
        memo.holders = entry[1] if entry else []
    query = _list_query(request)
    count = rows.values("pk")[: COUNT_CAP + 1].count()
    context = {
        "form": form,
        "rows": page,
        "count": count,
        "count_capped": count > COUNT_CAP,
        "count_cap": COUNT_CAP,
        "next_url": f"?{urlencode({**query, 'after': page[-1].pk})}" if more else "",
        "first_url": f"?{urlencode(query)}" if after is not None else "",
        "export_query": urlencode(query),
        "export_cap": EXPORT_CAP,
        "filtered": bool(filters),
        "folded_open": any(name in filters for name in ("department", "classification")),
    }
    if request.htmx:
        return render(request, "documents/memo_list_table.html", context)
    return render(request, "documents/memo_list.html", context)


@never_cache
@drafter_page
@require_GET
def memo_export(request):
    """The filtered list as Excel (the 签报登记簿), with the page's visibility; audited, one read
    per memo marked 秘密 or above."""
    form, filters = _filters(request)
    memos = selectors_memo.filtered_memos(request.user, filters).select_related(
        "department", "drafter", "decided_by"
    )
    rows, classified, exported, capped = [], [], [], False
    for m in memos[: EXPORT_CAP + 1].iterator(chunk_size=2000):
        if len(rows) == EXPORT_CAP:
            capped = True
            break
        rows.append(
            [
                m.number,
                m.title,
                m.department.name,
                m.drafter.full_name,
                m.get_classification_display(),
                m.get_urgency_display() if m.urgency else "",
                m.submitted_at,
                m.get_state_display(),
                m.decided_by.full_name if m.decided_by_id else "",
                m.decided_at,
                m.decision,
            ]
        )
        exported.append(m)
        if rules.classified(m.classification):
            classified.append(m)
    if capped:
        rows.append(
            [
                _(
                    "Only the newest %(n)d memos are listed here: narrow the filters to export "
                    "the others."
                )
                % {"n": EXPORT_CAP}
            ]
        )
    headers = [
        _("Memo number"),
        _("Title"),
        _("Department"),
        _("Drafted by"),
        _("Classification"),
        _("Urgency"),
        _("Submitted at"),
        _("State"),
        _("Decided by"),
        _("Decided at"),
        _("Decision"),
    ]
    response = workbook_response(
        f"memos-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        _("Register of internal memos"),
        headers,
        rows,
    )
    audit.record(
        "documents.memo_exported",
        actor=request.user,
        object_type=OBJECT_TYPE,
        unit_id=request.user.unit_id,
        classification=max((m.classification for m in exported), default=0),
        detail={
            "filters": {k: str(v) for k, v in filters.items()},
            "rows": len(rows) - (1 if capped else 0),
        }
        | ({"capped": True} if capped else {}),
    )
    for memo in classified:
        audit_read(request.user, memo, page="memo_export")
    return response


# --- Drafting ---------------------------------------------------------------------------------


def _form_page(request, form, *, memo=None, status=200):
    return render(request, "documents/memo_form.html", {"form": form, "memo": memo}, status=status)


@drafter_page
@require_http_methods(["GET", "POST"])
def memo_create(request):
    if request.method == "GET":
        return _form_page(request, MemoForm(user=request.user))
    form = MemoForm(request.POST, user=request.user)
    if form.is_valid():
        status, memo = attempt(
            form,
            lambda: services_memo.memo_create(
                actor=request.user,
                data=form.service_data,
                idempotency_key=form.cleaned_data.get("idempotency_key") or "",
            ),
        )
        if status is None:
            messages.success(request, _("The memo was saved as a draft."))
            return redirect("documents:memo_detail", memo.pk)
    else:
        status = STATUS_INVALID
    return _form_page(request, form, status=status)


@business_object
@require_http_methods(["GET", "POST"])
def memo_edit(request, pk):
    memo = _memo(request, pk)
    if not services_memo.may_edit(request.user, memo):
        deny(request, status=403, object_type=OBJECT_TYPE, object_id=pk)
    if request.method == "GET":
        form = MemoForm(initial=MemoForm.initial_for(memo), user=request.user)
        return _form_page(request, form, memo=memo)
    form = MemoForm(request.POST, user=request.user)
    if form.is_valid():
        status, _saved = attempt(
            form,
            lambda: services_memo.memo_update(
                actor=request.user,
                memo=memo,
                data=form.service_data,
                expected_version=form.cleaned_data.get("version") or 0,
            ),
        )
        if status is None:
            messages.success(request, _("The memo was saved."))
            return redirect("documents:memo_detail", memo.pk)
    else:
        status = STATUS_INVALID
    return _form_page(request, form, memo=memo, status=status)


# --- The memo's page --------------------------------------------------------------------------


def _decision_panel(request, run) -> dict:
    """The engine's panel for whoever holds the current step; the drafter's "resubmit" is the
    Submit button's."""
    if run is None or not run.is_live:
        return {"item": None}
    context = decision_panel_context(request, run)
    if context["item"] is not None and context["item"].step_order == 0:
        context["item"] = None
    return context


def _detail_page(request, memo, *, status=200, routing_form=None, error=""):
    user = request.user
    run = services_memo.current_run(memo)
    runs = workflow_selectors.runs_of(rules.MEMO_KIND, memo.pk) if run is not None else []
    records = workflow_selectors.handling_records(runs)
    rights = services_memo.routing_rights(user, memo)
    if routing_form is None and rights["principal"]:
        routing_form = MemoRoutingForm(
            memo=memo,
            may_name_leader=rights["leader"],
            initial={
                "leader": memo.leader_id or memo.department.leader_in_charge_id,
                "needs_principal": memo.needs_principal,
                "version": memo.version,
            },
        )
    leaders = services_memo.deciding_leader(memo)
    context = {
        "memo": memo,
        "run": run,
        "steps": workflow_selectors.run_steps(run) if run is not None else [],
        "holders": workflow_selectors.open_holders(run) if run is not None and run.is_live else [],
        "timeline": [{"run": r, "record": records[r.pk]} for r in runs],
        "can_edit": services_memo.may_edit(user, memo),
        "can_submit": memo.drafter_id == user.pk and memo.state in services_memo.EDITABLE,
        "can_delete": memo.drafter_id == user.pk
        and memo.state == MemoState.DRAFT
        and not memo.serial,
        "can_draft_document": memo.state == MemoState.APPROVED and rules.may_draft(user),
        "routing_form": routing_form if rights["principal"] else None,
        "deciding_leader": leaders[0] if leaders else None,
        "documents": _documents_of(user, memo),
        "error": error,
        "now": timezone.now(),
        **_decision_panel(request, run),
    }
    return render(request, "documents/memo_detail.html", context, status=status)


def _documents_of(user, memo) -> list:
    """The outgoing documents drafted from the memo that ``user`` may see."""
    from .selectors import visible_documents

    return list(
        visible_documents(user).filter(memo=memo).only("pk", "title", "doc_number", "state")
    )


@never_cache
@business_object
@require_GET
def memo_detail(request, pk):
    memo = _memo(request, pk)
    audit_read(request.user, memo, page="memo")
    return _detail_page(request, memo)


@business_object
@require_POST
def memo_submit(request, pk):
    memo = _memo(request, pk)
    form = _errors_form()
    status, _done = attempt(
        form,
        lambda: services_memo.memo_submit(
            actor=request.user, memo=memo, expected_version=_int(request.POST.get("version")) or 0
        ),
    )
    if status is None:
        messages.success(request, _("The memo was sent on."))
        return redirect("documents:memo_detail", memo.pk)
    memo = _memo(request, pk)
    return _detail_page(request, memo, status=status, error=" ".join(form.non_field_errors()))


@business_object
@require_POST
def memo_route(request, pk):
    memo = _memo(request, pk)
    rights = services_memo.routing_rights(request.user, memo)
    if not rights["principal"]:
        deny(request, status=403, object_type=OBJECT_TYPE, object_id=pk)
    form = MemoRoutingForm(request.POST, memo=memo, may_name_leader=rights["leader"])
    if form.is_valid():
        status, _done = attempt(
            form,
            lambda: services_memo.memo_route_to(
                actor=request.user,
                memo=memo,
                expected_version=form.cleaned_data["version"],
                leader=form.cleaned_data.get("leader"),
                needs_principal=form.cleaned_data["needs_principal"],
            ),
        )
        if status is None:
            messages.success(request, _("Who decides was saved. Now record your decision."))
            return redirect("documents:memo_detail", memo.pk)
    else:
        status = STATUS_INVALID
    return _detail_page(request, _memo(request, pk), status=status, routing_form=form)


@business_object
@require_POST
def memo_delete(request, pk):
    memo = _memo(request, pk)
    form = _errors_form()
    status, _done = attempt(
        form,
        lambda: services_memo.memo_delete(
            actor=request.user, memo=memo, expected_version=_int(request.POST.get("version")) or 0
        ),
    )
    if status is None:
        messages.success(request, _("The draft was deleted."))
        return redirect("documents:memo_list")
    return _detail_page(
        request, memo, status=status, error=" ".join(form.non_field_errors()) or str(STALE)
    )


@never_cache
@business_object
@require_GET
def memo_sheet(request, pk):
    """The 签报处理单: the memo and every opinion on it in order, on one A4 sheet."""
    memo = _memo(request, pk)
    audit_read(request.user, memo, page="memo_sheet")
    context = {"memo": memo, **selectors_memo.sheet(memo)}
    return render(request, "documents/memo_sheet.html", context)
