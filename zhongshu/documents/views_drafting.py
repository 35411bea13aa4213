"""Drafting, the list of outgoing documents, a document's page, its versions and their comparison,
and the office's directory of external organs (issue 4 items 1, 2, 11 and 12).

Views are thin: parse, call a selector, maybe one service, render. A document the user may not
see is an audited 404 (``core.denials.deny``); every read of a document marked 秘密 or above is
audited. A stale save answers 412 and shows the form again with everything the user typed.
"""

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core import audit
from zhongshu.core.denials import deny, require
from zhongshu.core.excel import workbook_response
from zhongshu.core.forms import add_validation_errors
from zhongshu.core.models import StaleVersionError
from zhongshu.core.rules import is_business_user
from zhongshu.org.models import Department, User
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow.errors import WorkflowError
from zhongshu.workflow.views import decision_panel_context

from . import diff, handling, organs, output, rules, selectors, services
from .forms_drafting import (
    DocumentForm,
    JointSignatureForm,
    ListFilterForm,
    OrganForm,
    VersionForm,
)
from .models import DocumentVersion, JointSignature, OutgoingDocument, State
from .view_steps import audit_read

PAGE_SIZE = 20
COUNT_CAP = selectors.LIST_COUNT_CAP
EXPORT_CAP = 10_000
STATUS_INVALID = 400
STATUS_CONFLICT = 409
STATUS_STALE = 412
OBJECT_TYPE = "documents.outgoingdocument"

business_page = require(is_business_user)
business_object = require(is_business_user, status=404, object_type=OBJECT_TYPE)
office_page = require(rules.is_office)
office_object = require(rules.is_office, status=404, object_type="documents.organ")

# The office's steps after 签发, in order, as the document's milestones name them.
MILESTONES = {
    "signed": gettext_lazy("Signed (签发)"),
    "checked": gettext_lazy("Checked (复核)"),
    "registered": gettext_lazy("Registered (登记)"),
    "printed": gettext_lazy("Printed (印制)"),
    "sealed": gettext_lazy("Sealed (用印)"),
    "distributed": gettext_lazy("Distributed (核发)"),
    "filed": gettext_lazy("Filed (归档)"),
}
# Pages of the other areas of the module, linked from a document's page when they exist: the
# URL names are looked up, so a page not written yet is simply not linked.
RELATED_PAGES = (
    ("documents:document_pdf", gettext_lazy("PDF"), "file-earmark-pdf"),
    ("documents:document_docx", gettext_lazy("Word (DOCX)"), "file-earmark-word"),
    ("documents:cover_sheet", gettext_lazy("Drafting sheet (发文稿纸)"), "file-earmark-text"),
    ("documents:document_findings", gettext_lazy("Proofreading"), "spellcheck"),
)
# The office's next step after 签发 (条例 §25), by state, and its other pages of a document.
NEXT_STEP = {
    State.SIGNED: ("documents:handling_check", gettext_lazy("Check (复核)"), "clipboard-check"),
    State.CHECKED: ("documents:register", gettext_lazy("Register (登记)"), "journal-plus"),
    State.REGISTERED: ("documents:handling_print", gettext_lazy("Print (印制)"), "printer"),
    State.PRINTED: ("documents:handling_seal", gettext_lazy("Seal (用印)"), "award"),
    State.SEALED: ("documents:dispatch", gettext_lazy("Distribute (核发)"), "send-check"),
    State.DISTRIBUTED: ("documents:archive", gettext_lazy("File (归档)"), "archive"),
}
DISTRIBUTED_PAGES = (
    ("documents:dispatch_list", gettext_lazy("Distribution list"), "list-check"),
    ("documents:dispatch_receipts", gettext_lazy("Read receipts"), "envelope-check"),
)
NUMBERED_STATES = (
    State.REGISTERED,
    State.PRINTED,
    State.SEALED,
    State.DISTRIBUTED,
    State.FILED,
)


def _int(value, *, limit: int = 18):
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) <= limit else None


def _document(request, pk) -> OutgoingDocument:
    """The document, fetched and authorised in one call; an audited 404 otherwise."""
    try:
        return selectors.document_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type=OBJECT_TYPE, object_id=pk)


# --- Where a document is now (list rows and the page) --------------------------------------------


def _where_now_text(document) -> str:
    if document.run is not None:
        names = "、".join(str(i.assignee.full_name) for i in document.holders)
        step = document.run.current_step_name or str(document.get_state_display())
        return f"{step}（{names}）" if names else step
    return str(document.get_state_display())


# --- The list and its export ----------------------------------------------------------------------


def _list_query(request) -> dict:
    return {k: v for k, v in request.GET.items() if k != "after" and v and len(v) <= 100}


@never_cache
@business_page
@require_GET
@vary_on_headers("HX-Request")
def document_list(request):
    form = ListFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    rows = selectors.filtered_documents(request.user, filters)
    after = _int(request.GET.get("after"))
    page_rows = rows if after is None else rows.filter(pk__lt=after)
    page = list(
        page_rows.select_related("department", "drafter").only(*selectors.LIST_FIELDS)[
            : PAGE_SIZE + 1
        ]
    )
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    selectors.attach_where_now(page)
    query = _list_query(request)
    next_url = f"?{urlencode({**query, 'after': page[-1].pk})}" if more else ""
    # A count capped at COUNT_CAP + 1 rows: never COUNT(*) over the whole table. In list order,
    # so that it reads the same index as the page.
    count = rows.values("pk")[: COUNT_CAP + 1].count()
    context = {
        "form": form,
        "rows": page,
        "count": count,
        "count_capped": count > COUNT_CAP,
        "count_cap": COUNT_CAP,
        "next_url": next_url,
        "first_url": f"?{urlencode(query)}" if after is not None else "",
        "export_query": urlencode(query),
        "filtered": bool(filters),
        "now": timezone.now(),
    }
    template = "documents/list.html#table" if request.htmx else "documents/list.html"
    return render(request, template, context)


@never_cache
@business_page
@require_GET
def document_export(request):
    """The filtered list as Excel, with the same visibility as the page (at most EXPORT_CAP)."""
    form = ListFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    documents = list(
        selectors.filtered_documents(request.user, filters)
        .select_related("department", "drafter")
        .only(*selectors.LIST_FIELDS)[: EXPORT_CAP + 1]
    )
    capped = len(documents) > EXPORT_CAP
    documents = documents[:EXPORT_CAP]
    for start in range(0, len(documents), 500):
        selectors.attach_where_now(documents[start : start + 500])
    headers = [
        _("Document number"),
        _("Title"),
        _("Kind"),
        _("Classification"),
        _("Urgency"),
        _("Drafting department"),
        _("Drafter"),
        _("State"),
        _("Where it is now"),
        _("Drafted at"),
        _("Date of issue"),
    ]
    rows = [
        [
            d.doc_number,
            d.title,
            d.get_kind_display(),
            d.get_classification_display(),
            d.get_urgency_display() if d.urgency else "",
            d.department.name,
            d.drafter.full_name,
            d.get_state_display(),
            _where_now_text(d),
            d.created_at,
            d.issued_on.isoformat() if d.issued_on else "",
        ]
        for d in documents
    ]
    response = workbook_response(
        f"documents-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        _("Outgoing documents"),
        headers,
        rows,
    )
    audit.record(
        "documents.exported",
        actor=request.user,
        object_type=OBJECT_TYPE,
        unit_id=request.user.unit_id,
        detail={"filters": {k: str(v) for k, v in filters.items()}, "rows": len(rows)}
        | ({"capped": True} if capped else {}),
    )
    for document in documents:
        audit_read(request.user, document, page="export")
    return response


# --- Drafting ---------------------------------------------------------------------------------


def _answering(request):
    """The incoming document named by ``?answers=`` that the user may see, else None."""
    from .selectors_incoming import visible_incoming

    value = request.GET.get("answers", "")
    if not (value.isascii() and value.isdigit()) or len(value) > 15:
        return None
    return visible_incoming(request.user).filter(pk=int(value)).first()


def _following(request):
    """The decided memo named by ``?memo=`` that the user may see, else None."""
    from .models import MemoState
    from .selectors_memo import visible_memos

    value = request.GET.get("memo", "")
    if not (value.isascii() and value.isdigit()) or len(value) > 15:
        return None
    return visible_memos(request.user).filter(pk=int(value), state=MemoState.APPROVED).first()


def _followed(user, document):
    """The memo this document carries out, when ``user`` may see it."""
    if not document.memo_id:
        return None
    from .selectors_memo import visible_memos

    return visible_memos(user).filter(pk=document.memo_id).first()


def _answered(user, document):
    """The incoming document this one answers or forwards, when ``user`` may see it."""
    if not document.answers_id:
        return None
    from .selectors_incoming import visible_incoming

    return (
        visible_incoming(user)
        .filter(pk=document.answers_id)
        .only("pk", "year", "serial", "title")
        .first()
    )


def _form_page(
    request, form, *, document=None, status=200, stale=None, answering=None, following=None
):
    context = {
        "form": form,
        "document": document,
        "stale": stale,
        "answering": answering,
        "following": following,
    }
    return render(request, "documents/form.html", context, status=status)


@business_page
@require_http_methods(["GET", "POST"])
def document_create(request):
    if request.method == "GET":
        form = DocumentForm(initial=DocumentForm.initial_for_new(request.user), user=request.user)
        answering = _answering(request)
        if answering is not None:
            # 答复 or 转发 of an incoming document (issue 5 item 7), started from its page.
            form.initial = DocumentForm.initial_for_answer(
                request.user,
                answering,
                forward=request.GET.get("as") == "forward",
                names=form.directory_names,
            )
        following = _following(request) if answering is None else None
        if following is not None:
            # A document carrying out a decided memo (签报, issue 5 item 10).
            form.initial = DocumentForm.initial_for_memo(request.user, following)
        return _form_page(request, form, answering=answering, following=following)
    form = DocumentForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            document = services.draft_create(
                actor=request.user,
                data=form.service_data,
                department=form.department_choice(),
                idempotency_key=form.cleaned_data.get("idempotency_key") or "",
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except services.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("documents:detail", document.pk)
    return _form_page(request, form, status=STATUS_INVALID)


def _same_save(document, form) -> bool:
    """Whether the document already holds exactly what the form sends (the same form sent twice:
    the first save went through, so the second is not a conflict)."""
    try:
        content = services.clean_content(form.service_data)
    except ValidationError:
        return False
    data = form.service_data
    return (
        content == services.content_of(document)
        and list(document.countersign_departments or []) == data["countersign_departments"]
        and document.important == bool(data["important"])
        and document.disclosure == data["disclosure"]
    )


@business_object
@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    document = _document(request, pk)
    if request.method == "GET" and not services.may_edit(request.user, document):
        # A POST goes on to the service, which refuses it (409) with the form kept.
        messages.info(request, _("You cannot change this document now."))
        return redirect("documents:detail", document.pk)
    if request.method == "GET":
        audit_read(request.user, document, page="edit")
        form = DocumentForm(user=request.user, document=document)
        form.initial = DocumentForm.initial_for(document, form.directory_names)
        return _form_page(request, form, document=document)
    form = DocumentForm(request.POST, user=request.user, document=document)
    if not form.is_valid():
        return _form_page(request, form, document=document, status=STATUS_INVALID)
    expected = form.cleaned_data.get("version") or document.version
    try:
        document = services.draft_update(
            actor=request.user,
            document=document,
            expected_version=expected,
            data=form.service_data,
            reason=form.cleaned_data.get("reason", ""),
        )
    except StaleVersionError:
        current = OutgoingDocument.objects.get(pk=document.pk)
        if _same_save(current, form):
            messages.success(request, _("The draft was saved."))
            return redirect("documents:detail", current.pk)
        return _stale_form(request, form, current)
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return _form_page(request, form, document=document, status=STATUS_INVALID)
    except services.DocumentError as exc:
        form.add_error(None, str(exc))
        return _form_page(request, form, document=document, status=STATUS_CONFLICT)
    messages.success(
        request,
        _("The draft was saved as version %(n)d.") % {"n": document.text_version},
    )
    return redirect("documents:detail", document.pk)


def _stale_form(request, form, current):
    """412: someone saved first. The form comes back with everything the user sent and the
    current version number, so saving again deliberately replaces the other save."""
    data = request.POST.copy()
    started_from = _int(data.get("text_version"))
    data["version"] = str(current.version)
    data["text_version"] = str(current.text_version)
    again = DocumentForm(data, user=request.user, document=current)
    again.is_valid()
    last = (
        DocumentVersion.objects.filter(document=current)
        .select_related("created_by")
        .order_by("-number")
        .first()
    )
    stale = {
        "by": last.created_by.full_name if last else "",
        "at": last.created_at if last else current.updated_at,
        "compare_url": (
            f"{reverse('documents:compare', args=[current.pk])}?"
            f"{urlencode({'a': started_from, 'b': current.text_version})}"
            if started_from and started_from != current.text_version
            else ""
        ),
    }
    return _form_page(request, again, document=current, status=STATUS_STALE, stale=stale)


@business_object
@require_POST
def document_submit(request, pk):
    """The drafter sends a draft (or a returned one) along the unit's route."""
    document = _document(request, pk)
    form = VersionForm(request.POST)
    expected = form.cleaned_data["version"] if form.is_valid() else None
    if expected != document.version:
        run = services.current_run(document)
        if (
            document.state == State.REVIEW
            and run is not None
            and run.submitter_id == request.user.pk
        ):
            messages.info(request, _("This document is already on its way."))
            return redirect("documents:detail", document.pk)
        messages.error(
            request, _("Someone changed this document meanwhile. Check it and submit again.")
        )
        return _detail_page(request, document, status=STATUS_STALE)
    try:
        services.submit(actor=request.user, document=document, expected_version=expected)
    except (services.DocumentError, WorkflowError) as exc:
        messages.error(request, str(exc))
        document.refresh_from_db()
        return _detail_page(request, document, status=STATUS_CONFLICT)
    messages.success(request, _("The draft was sent for review."))
    return redirect("documents:detail", document.pk)


# --- The document's page ------------------------------------------------------------------------


def _links(document, names) -> list[dict]:
    links, seen = [], set()
    for name, label, icon in names:
        if str(label) in seen:
            continue
        try:
            url = reverse(name, args=[document.pk])
        except NoReverseMatch:
            continue
        seen.add(str(label))
        links.append({"url": url, "label": label, "icon": icon})
    return links


def _office_links(document) -> list[dict]:
    pages = []
    if document.state in NUMBERED_STATES:
        pages.append(("documents:register", gettext_lazy("Registration (登记)"), "journal-text"))
        if rules.classified(document.classification):
            pages.append(("documents:number_copies", gettext_lazy("Copy numbers (份号)"), "123"))
    if document.state in (State.DISTRIBUTED, State.FILED):
        pages.extend(DISTRIBUTED_PAGES)
    if document.state == State.FILED:
        pages.append(("documents:archive", gettext_lazy("Archival package"), "archive"))
    return _links(document, pages)


def _timeline(document) -> list[dict]:
    """Every run of the document (a withdrawal, a return to the signer start new ones) with its
    handling record, then the office's milestones after 签发."""
    runs = output.runs_of(document)
    records = workflow_selectors.handling_records(runs)
    return [{"run": run, "record": records[run.pk]} for run in runs]


def _milestones(document) -> list[dict]:
    marks = document.milestones or {}
    entries = [  # in the order of the steps: PostgreSQL's jsonb does not keep key order
        (key, marks[key]) for key in MILESTONES if isinstance(marks.get(key), dict)
    ]
    people = {
        u.pk: u.full_name
        for u in User.objects.filter(pk__in=[v.get("by") for _k, v in entries]).only("full_name")
    }
    result = []
    for key, value in entries:
        at = value.get("at")
        try:
            at = datetime.fromisoformat(at) if at else None
        except (TypeError, ValueError):
            at = None
        result.append({"label": MILESTONES[key], "at": at, "by": people.get(value.get("by"), "")})
    return sorted(result, key=lambda m: m["at"] or timezone.now())


def _decision_panel(request, run) -> dict:
    """The engine's decision panel for whoever holds the current step (its own context, so the
    decisions offered are exactly the run page's). The drafter's "resubmit" item is left to the
    Submit button, which also checks the document."""
    if run is None or not run.is_live:
        return {"item": None}
    context = decision_panel_context(request, run)
    if context["item"] is not None and context["item"].step_order == 0:
        context["item"] = None
    return context


def _detail_page(request, document, *, status=200, joint_form=None):
    user = request.user
    run = services.current_run(document)
    steps = workflow_selectors.run_steps(run) if run is not None else []
    holders = workflow_selectors.open_holders(run) if run is not None and run.is_live else []
    departments = {}
    if document.countersign_departments:
        departments = dict(
            Department.objects.filter(pk__in=document.countersign_departments).values_list(
                "pk", "name"
            )
        )
    is_office = rules.is_office(user)
    joint = []
    if document.is_joint:
        joint = list(JointSignature.objects.filter(document=document))
        if joint_form is None and is_office:
            joint_form = JointSignatureForm(document=document)
    context = {
        "document": document,
        "run": run,
        "steps": steps,
        "holders": holders,
        "timeline": _timeline(document),
        "milestones": _milestones(document),
        "countersign_names": [
            departments[pk] for pk in document.countersign_departments or [] if pk in departments
        ],
        "answering": _answered(user, document),
        "following": _followed(user, document),
        "can_edit": services.may_edit(user, document),
        "can_submit": document.drafter_id == user.pk
        and document.state in (State.DRAFT, State.RETURNED),
        "is_office": is_office,
        "joint_signatures": joint,
        "joint_form": joint_form if is_office else None,
        "links": _links(document, RELATED_PAGES),
        "next_step": _links(document, [NEXT_STEP[document.state]])
        if is_office and document.state in NEXT_STEP
        else [],
        "office_links": _office_links(document) if is_office else [],
        "now": timezone.now(),
        **_decision_panel(request, run),
    }
    return render(request, "documents/detail.html", context, status=status)


@never_cache
@business_object
@require_GET
def document_detail(request, pk):
    document = _document(request, pk)
    audit_read(request.user, document, page="detail")
    handling.mark_read(request.user, document)  # the read receipt of a distributed copy
    return _detail_page(request, document)


@business_object
@require_POST
def joint_signature(request, pk):
    """联合行文: the office records another organ's leader's signature from the signed paper."""
    document = _document(request, pk)
    if not rules.is_office(request.user):
        deny(request, status=403, object_type=OBJECT_TYPE, object_id=pk)
    form = JointSignatureForm(request.POST, document=document)
    if form.is_valid():
        try:
            services.record_joint_signature(
                actor=request.user, document=document, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except services.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The joint signature was recorded."))
            return redirect("documents:detail", document.pk)
    return _detail_page(request, document, status=STATUS_INVALID, joint_form=form)


# --- Versions -----------------------------------------------------------------------------------


@never_cache
@business_object
@require_GET
def version_list(request, pk):
    document = _document(request, pk)
    audit_read(request.user, document, page="versions")
    versions = list(
        DocumentVersion.objects.filter(document=document)
        .select_related("created_by")
        .defer("content")
        .order_by("-number")
    )
    return render(
        request,
        "documents/versions.html",
        {
            "document": document,
            "versions": versions,
            "a": versions[1].number if len(versions) > 1 else None,
            "b": versions[0].number if versions else None,
        },
    )


@never_cache
@business_object
@require_GET
def version_compare(request, pk):
    document = _document(request, pk)
    numbers = list(
        DocumentVersion.objects.filter(document=document)
        .order_by("number")
        .values_list("number", flat=True)
    )
    b = _int(request.GET.get("b"), limit=9) or (numbers[-1] if numbers else None)
    a = _int(request.GET.get("a"), limit=9)
    if a is None:
        earlier = [n for n in numbers if b is not None and n < b]
        a = earlier[-1] if earlier else b
    if not numbers:
        return redirect("documents:versions", document.pk)
    if a not in numbers or b not in numbers:
        raise Http404
    audit_read(request.user, document, page="compare")
    versions = {
        v.number: v
        for v in DocumentVersion.objects.filter(
            document=document, number__in={a, b}
        ).select_related("created_by")
    }
    old, new = versions[a], versions[b]
    rows = diff.compare(old.content, new.content)
    return render(
        request,
        "documents/compare.html",
        {
            "document": document,
            "old": old,
            "new": new,
            "rows": rows,
            "changed": [r for r in rows if r.changed],
            "numbers": numbers[::-1],
            "show_all": request.GET.get("all") == "1",
        },
    )


# --- The directory of external organs (the office) -----------------------------------------------


@never_cache
@office_page
@require_GET
def organ_list(request):
    return render(
        request,
        "documents/organ_list.html",
        {"organs": list(organs.organs_of_unit(request.user.unit_id))},
    )


def _organ(request, pk):
    try:
        return organs.organ_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type="documents.organ", object_id=pk)


def _organ_data(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


@office_page
@require_http_methods(["GET", "POST"])
def organ_create(request):
    form = OrganForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            try:
                organ = organs.organ_create(actor=request.user, data=_organ_data(form))
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("“%(name)s” was added.") % {"name": organ.name})
                return redirect("documents:organ_list")
    return render(request, "documents/organ_form.html", {"form": form}, status=status)


@office_object
@require_http_methods(["GET", "POST"])
def organ_edit(request, pk):
    organ = _organ(request, pk)
    initial = {
        "name": organ.name,
        "short_name": organ.short_name,
        "relation": organ.relation,
        "sort_order": organ.sort_order,
        "active": organ.active,
        "version": organ.version,
    }
    form = OrganForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = STATUS_INVALID
        if form.is_valid():
            try:
                organs.organ_update(
                    actor=request.user,
                    organ=organ,
                    expected_version=form.cleaned_data.get("version") or organ.version,
                    data=_organ_data(form),
                )
            except StaleVersionError:
                form.add_error(
                    None, _("Someone else changed this meanwhile. Check it and save again.")
                )
                status = STATUS_STALE
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("“%(name)s” was saved.") % {"name": organ.name})
                return redirect("documents:organ_list")
        organ.refresh_from_db()
    return render(
        request, "documents/organ_form.html", {"form": form, "organ": organ}, status=status
    )


@office_object
@require_POST
def organ_deactivate(request, pk):
    organ = _organ(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("documents:organ_list")
    try:
        organs.organ_deactivate(
            actor=request.user, organ=organ, expected_version=form.cleaned_data["version"]
        )
    except StaleVersionError:
        messages.error(request, _("Someone else changed this meanwhile. Check it and try again."))
        return redirect("documents:organ_list")
    messages.success(request, _("“%(name)s” is no longer offered.") % {"name": organ.name})
    return redirect("documents:organ_list")
