"""The office's pages after 签发: 复核, 印制, 用印 and the seal register, 核发 with the distribution
list and read receipts, 归档 and the archival package (issue 4 items 4, 6, 7).

Only the general office uses them (``rules.is_office``): anyone else gets an audited 403. A
document the office member may not see (another unit's, or marked above their clearance)
answers an audited 404. A step refused in the document's state answers 409 with the reason, a
form shown on an older version 412, bad input 400 with the errors next to the fields.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core import audit, files
from zhongshu.core.denials import deny, require
from zhongshu.core.excel import workbook_response
from zhongshu.workflow import selectors as workflow_selectors

from . import archive, handling, rules, selectors
from .forms_handling import (
    CheckForm,
    DistributeForm,
    ExternalForm,
    PrintForm,
    SealFilterForm,
    SealForm,
    VersionForm,
)
from .models import Layout, Organ, OutgoingDocument, State
from .view_steps import STATUS_INVALID, attempt, package_download

OBJECT_TYPE = "documents.outgoingdocument"
PAGE_SIZE = 50
COUNT_CAP = 99
EXPORT_CAP = 50_000
MAX_CHOSEN_IN_QUERY = 200  # people carried in the query string while choosing

office_page = require(rules.is_office)

# The queue's tabs: what the office does next to a document in each state.
QUEUE = (
    (State.SIGNED, gettext_lazy("To check (复核)"), "documents:handling_check"),
    (State.CHECKED, gettext_lazy("To register (登记)"), "documents:register"),
    (State.REGISTERED, gettext_lazy("To print (印制)"), "documents:handling_print"),
    (State.PRINTED, gettext_lazy("To seal (用印)"), "documents:handling_seal"),
    (State.SEALED, gettext_lazy("To distribute (核发)"), "documents:dispatch"),
    (State.DISTRIBUTED, gettext_lazy("To file (归档)"), "documents:archive"),
)


# --- Helpers ----------------------------------------------------------------------------------


def _document(request, pk) -> OutgoingDocument:
    """The document, or an audited 404 for whoever may not see it."""
    try:
        document = selectors.document_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type=OBJECT_TYPE, object_id=pk)
    return document


def _post_step(request, document, form, call, *, done, url_name: str):
    """A step's POST: ``call(cleaned_data)`` runs the service. Returns (redirect with ``done``
    shown — a text, or a function of the cleaned data — , None) when it succeeded, else
    (None, status) with the reason on the form and the document reloaded for the page shown
    again."""
    status = STATUS_INVALID
    if form.is_valid():
        status, _result = attempt(form, lambda: call(form.cleaned_data))
        if status is None:
            text = done(form.cleaned_data) if callable(done) else done
            messages.success(request, text)
            return redirect(url_name, pk=document.pk), None
    document.refresh_from_db()
    return None, status


def _context(document: OutgoingDocument, **extra) -> dict:
    return {"document": document, "steps": handling.steps_of(document), **extra}


def _version(document) -> dict:
    return {"version": document.version}


# --- The queue ----------------------------------------------------------------------------------


@never_cache
@office_page
@require_GET
def handling_queue(request):
    """Documents waiting for the office after 签发, one tab per step, oldest first."""
    states = {state.value: (label, url) for state, label, url in QUEUE}
    state = request.GET.get("state", "")
    if state not in states:
        state = State.SIGNED.value
    rows = handling.queue_for(request.user, state)
    raw = request.GET.get("after", "").strip()
    after = int(raw) if raw.isdigit() and len(raw) <= 18 else None
    if after is not None:
        rows = rows.filter(pk__gt=after)
    page = list(rows.order_by("pk")[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    tabs = []
    for value, (label, _url) in states.items():
        count = handling.queue_for(request.user, value).values("pk")[: COUNT_CAP + 1].count()
        tabs.append(
            {
                "state": value,
                "label": label,
                "count": f"{COUNT_CAP}+" if count > COUNT_CAP else count,
                "active": value == state,
            }
        )
    context = {
        "tabs": tabs,
        "state": state,
        "action_url": states[state][1],
        "documents": page,
        "next_url": "?" + urlencode({"state": state, "after": page[-1].pk}) if has_more else "",
        "paged": after is not None,
    }
    return render(request, "documents/handling_queue.html", context)


# --- 复核 ---------------------------------------------------------------------------------------


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def handling_check(request, pk):
    document = _document(request, pk)
    form, status = None, 200
    if request.method == "POST" or document.state == State.SIGNED:
        form = CheckForm(request.POST or None, initial=_version(document))
    if request.method == "POST":
        response, status = _post_step(
            request,
            document,
            form,
            lambda data: handling.document_check(
                actor=request.user,
                document=document,
                expected_version=data["version"],
                **form.service_kwargs(),
            ),
            done=_("Checked (复核). Next: registration (登记)."),
            url_name="documents:handling_check",
        )
        if response:
            return response
    check = (document.milestones or {}).get("checked") if document.state != State.SIGNED else None
    points = []
    if isinstance(check, dict):
        notes = check.get("points") or {}
        points = [(label, notes.get(key, "")) for key, label in handling.CHECK_POINTS]
    context = _context(document, form=form, points=points)
    return render(request, "documents/handling_check.html", context, status=status)


# --- 印制 ---------------------------------------------------------------------------------------


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def handling_print(request, pk):
    document = _document(request, pk)
    form, status = None, 200
    if request.method == "POST" or document.state == State.REGISTERED:
        initial = {
            **_version(document),
            "copies": document.copies or None,
            "print_date": document.print_date or timezone.localdate(),
        }
        form = PrintForm(request.POST or None, initial=initial, document=document)
    if request.method == "POST":
        response, status = _post_step(
            request,
            document,
            form,
            lambda data: handling.document_print(
                actor=request.user,
                document=document,
                expected_version=data["version"],
                copies=data["copies"],
                print_date=data["print_date"],
            ),
            done=_("Printing recorded. Next: the seal (用印)."),
            url_name="documents:handling_print",
        )
        if response:
            return response
    context = _context(
        document,
        form=form,
        printed=(document.milestones or {}).get("printed"),
        per_copy=document.is_classified,
    )
    return render(request, "documents/handling_print.html", context, status=status)


# --- 用印 ---------------------------------------------------------------------------------------


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def handling_seal(request, pk):
    document = _document(request, pk)
    form, status = None, 200
    if request.method == "POST" or document.state in (State.PRINTED, State.SEALED):
        names = handling.seal_names(document)
        initial = {
            **_version(document),
            "copies": document.copies or None,
            "seal": names[0] if names and document.state == State.PRINTED else "",
        }
        form = SealForm(request.POST or None, initial=initial, document=document)
    if request.method == "POST":
        response, status = _post_step(
            request,
            document,
            form,
            lambda data: handling.seal_record(
                actor=request.user,
                document=document,
                expected_version=data["version"],
                seal=data["seal"],
                copies=data["copies"],
                note=data["note"],
            ),
            done=_("The seal is entered in the seal register."),
            url_name="documents:handling_seal",
        )
        if response:
            return response
    context = _context(
        document,
        form=form,
        seal_names=handling.seal_names(document) if form else [],
        uses=list(document.seal_uses.select_related("used_by").order_by("used_at", "id")),
        no_seal=document.layout == Layout.MINUTES,
    )
    return render(request, "documents/seal_form.html", context, status=status)


def _seal_rows(request, form):
    uses = handling.seal_uses_for(request.user)
    return form.filter(uses) if form.is_bound else uses


def _filter_query(form) -> str:
    if not form.is_bound:
        return ""
    pairs = [(name, form.data.get(name, "")) for name in form.fields]
    return urlencode([(k, v) for k, v in pairs if v])


@never_cache
@vary_on_headers("HX-Request")
@office_page
@require_GET
def seal_register(request):
    """The unit's seal register (用印登记), newest first, with filters and keyset paging."""
    form = SealFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    rows, has_more, count = [], False, 0
    raw = request.GET.get("before", "").strip()
    before = int(raw) if raw.isdigit() and len(raw) <= 18 else None
    if valid:
        uses = _seal_rows(request, form)
        count = uses.order_by().values("pk")[: EXPORT_CAP + 1].count()
        if before is not None:
            uses = uses.filter(pk__lt=before)
        rows = list(uses.order_by("-pk")[: PAGE_SIZE + 1])
        has_more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
    query = _filter_query(form)
    more = ""
    if has_more:
        more = f"?{query}&before={rows[-1].pk}" if query else f"?before={rows[-1].pk}"
    context = {
        "form": form,
        "rows": rows,
        "count": min(count, EXPORT_CAP),
        "count_capped": count > EXPORT_CAP,
        "older_url": more,
        "paged": before is not None,
        "query": query,
        "export_cap": EXPORT_CAP,
    }
    template = "documents/seal_register.html"
    if request.htmx:
        template += "#table"
    return render(request, template, context, status=200 if valid else STATUS_INVALID)


@never_cache
@office_page
@require_GET
def seal_register_export(request):
    form = SealFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "rows": [], "count": 0, "export_cap": EXPORT_CAP}
        return render(request, "documents/seal_register.html", context, status=STATUS_INVALID)
    uses = _seal_rows(request, form).order_by("-pk")[: EXPORT_CAP + 1]
    rows, capped = [], False
    for use in uses.iterator(chunk_size=2000):
        if len(rows) == EXPORT_CAP:
            capped = True
            break
        document = use.document
        rows.append(
            [
                use.used_at,
                use.seal,
                use.copies,
                document.doc_number,
                document.title,
                document.get_classification_display(),
                use.used_by.full_name,
                use.note,
            ]
        )
    headers = [
        _("Sealed at"),
        _("Seal"),
        _("Copies sealed"),
        _("Document number"),
        _("Title"),
        _("Classification"),
        _("Sealed by"),
        _("Note"),
    ]
    filename = f"seals-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = workbook_response(filename, _("Seal register"), headers, rows)
    audit.record(
        "documents.seal_register_exported",
        actor=request.user,
        object_type="documents.sealuse",
        unit_id=request.user.unit_id,
        detail={"filters": form.used_filters(), "rows": len(rows)}
        | ({"capped": True} if capped else {}),
    )
    return response


# --- 核发 ---------------------------------------------------------------------------------------


def _organ_names(document) -> list[str]:
    """Names to propose for an external recipient: the document's addressees outside the unit,
    then the office's directory."""
    names = [
        r.get("name")
        for r in [*(document.main_recipients or []), *(document.cc_recipients or [])]
        if isinstance(r, dict) and r.get("name") and not r.get("department")
    ]
    for name in Organ.objects.filter(
        unit_id=document.unit_id, active=True, deleted_at__isnull=True
    ).values_list("name", flat=True)[:200]:
        if name not in names:
            names.append(name)
    return names


def picker_context(request) -> dict:
    """The colleague picker's context (workflow/_people_picker.html): the matches of ``q`` from
    the same search as its htmx requests, so that it works without JavaScript too."""
    q = request.GET.get("q", "").strip()[:60]
    people, more = workflow_selectors.colleague_choices(request.user, q=q)
    return {"picker_q": q, "picker_people": people, "picker_more": more, "picker_chosen": None}


def post_distribution(request, document, service):
    """The POST of a distribution form (核发, 分送): ``service(actor, document, expected_version,
    people, departments)`` runs with what was chosen. Returns (the form, None or the status of
    a refusal, the service's result)."""
    form = DistributeForm(request.POST, document=document)
    if not form.is_valid():
        return form, STATUS_INVALID, None
    data = form.cleaned_data
    status, done = attempt(
        form,
        lambda: service(
            actor=request.user,
            document=document,
            expected_version=data["version"],
            people=list(data["people"]),
            departments=list(data["departments"]),
        ),
    )
    return form, status, done


def choosing_form(request, document) -> DistributeForm:
    """The internal form a GET shows: those chosen so far (``people``, carried by the picker's
    search and by htmx when a person is picked) and the person just picked (``to_user``), who
    joins them once the form has checked they may receive the document. Nothing is sent."""
    people = request.GET.getlist("people")[:MAX_CHOSEN_IN_QUERY]
    if not request.GET.get("to_user"):
        return DistributeForm(initial={**_version(document), "people": people}, document=document)
    data = QueryDict(mutable=True)
    data.setlist("people", people)
    data.update({"to_user": request.GET["to_user"], "version": document.version})
    form = DistributeForm(data, document=document, adding=True)
    form.is_valid()  # who may not receive it, and why, next to the list
    return form


def _dispatch_page(request, document, *, internal=None, external=None, status=200):
    may = document.state in handling.distributable_states(document)
    copies = handling.available_copy_numbers(document) if document.is_classified else []
    if may and internal is None:
        internal = choosing_form(request, document)
    if may and external is None:
        external = ExternalForm(
            initial={**_version(document), "sent_at": timezone.localtime()},
            document=document,
            copies=copies,
        )
    # A form refused because of the document's state is not shown again: only why it failed.
    refused = next((f for f in (internal, external) if f is not None and f.errors), None)
    context = _context(
        document,
        internal=internal if may else None,
        external=external if may else None,
        refused=refused if not may else None,
        organ_names=_organ_names(document) if may else [],
        dispatches=handling.dispatches_of(document),
        receipts=handling.receipts_of(document),
        no_copies_left=document.is_classified and may and not copies,
        **(picker_context(request) if may else {}),
    )
    return render(request, "documents/dispatch_form.html", context, status=status)


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def dispatch(request, pk):
    """核发: the page, and the distribution to people and departments in the system.

    People are found with the colleague picker; picking one asks for this page again (a GET,
    htmx swapping the list in; the picker's search form without JavaScript) with them added to
    those chosen. The POST sends to those chosen and the departments ticked."""
    document = _document(request, pk)
    if request.method == "GET":
        return _dispatch_page(request, document)
    form, status, done = post_distribution(request, document, handling.document_distribute)
    if status is None:
        text = _("Sent to %(n)d people in Zhongshu.") % {"n": len(done.added)}
        if done.already:
            text += " " + _("%(n)d had it already.") % {"n": len(done.already)}
        messages.success(request, text)
        if done.not_cleared:
            messages.warning(
                request,
                _("Not sent to %(names)s: not cleared for this classification.")
                % {"names": "、".join(p.full_name for p in done.not_cleared)},
            )
        return redirect("documents:dispatch", pk=document.pk)
    document.refresh_from_db()
    return _dispatch_page(request, document, internal=form, status=status)


@never_cache
@office_page
@require_POST
def dispatch_external(request, pk):
    """核发 outside the unit: one organ, its channel, the time and the 份号 sent."""
    document = _document(request, pk)
    copies = handling.available_copy_numbers(document) if document.is_classified else []
    form = ExternalForm(request.POST, document=document, copies=copies)
    response, status = _post_step(
        request,
        document,
        form,
        lambda data: handling.dispatch_external(
            actor=request.user,
            document=document,
            expected_version=data["version"],
            organ=data["organ"],
            channel=data["channel"],
            copy_numbers=data.get("copy_numbers") or (),
            sent_at=data["sent_at"],
        ),
        done=lambda data: _("Sending to %(organ)s recorded.") % {"organ": data["organ"]},
        url_name="documents:dispatch",
    )
    return response or _dispatch_page(request, document, external=form, status=status)


@never_cache
@office_page
@require_GET
def dispatch_list(request, pk):
    """The distribution list (分发单) to print: recipient, channel, 份号, time, signature."""
    document = _document(request, pk)
    context = _context(document, dispatches=handling.dispatches_of(document), now=timezone.now())
    return render(request, "documents/dispatch_list.html", context)


@never_cache
@office_page
@require_GET
def dispatch_receipts(request, pk):
    """Read receipts of the internal recipients: "312/500 read" and who has not read it."""
    document = _document(request, pk)
    context = _context(document, receipts=handling.receipts_of(document))
    return render(request, "documents/dispatch_receipts.html", context)


# --- 归档 ---------------------------------------------------------------------------------------


@never_cache
@office_page
@require_http_methods(["GET", "POST"])
def archive_view(request, pk):
    """归档: what the package holds and, once filed, its files and fingerprint."""
    document = _document(request, pk)
    form, status = None, 200
    if request.method == "POST" or document.state == State.DISTRIBUTED:
        form = VersionForm(request.POST or None, initial=_version(document))
    if request.method == "POST":
        response, status = _post_step(
            request,
            document,
            form,
            lambda data: handling.document_file(
                actor=request.user, document=document, expected_version=data["version"]
            ),
            done=_("Filed. The archival package is ready."),
            url_name="documents:archive",
        )
        if response:
            return response
    package = handling.package_of(document)
    context = _context(
        document,
        form=form,
        package=package,
        attachments=_attachment_names(document),
    )
    return render(request, "documents/archive_form.html", context, status=status)


def _attachment_names(document) -> list[str]:
    return [a.name for a in files.attachments_for(rules.SUBJECT_KIND, document.pk)]


@never_cache
@office_page
@require_GET
def archive_download(request, pk):
    """The archival package as stored (a ZIP); a classified document's is an audited read."""
    document = _document(request, pk)
    package = handling.package_of(document)
    name = archive.file_name(document)
    return package_download(request.user, document, package, name=name)


__all__ = [
    "archive_download",
    "archive_view",
    "dispatch",
    "dispatch_external",
    "dispatch_list",
    "dispatch_receipts",
    "handling_check",
    "handling_print",
    "handling_queue",
    "handling_seal",
    "seal_register",
    "seal_register_export",
]
