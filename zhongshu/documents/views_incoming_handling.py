"""The handling of a 办件 on its page (条例 §24 steps 4–7; issue 5 §5–7): the office sends it on
(to the director's 拟办, or to departments itself — 分办), the director proposes, a leader
instructs (批办), departments report or send it back (承办, 退办); the office circulates it to
leaders (传阅), whose 批示 any reader may add, reminds the holders (催办) and completes it (办结).

Each form posts to its own URL and comes back to the document's page: with the panel's errors
and the status CONVENTIONS.md gives them (400 bad input, 409 not now, 412 stale) or, done, a
redirect with a message. Panels show only to whoever may use them; a POST by anyone else is the
audited 404 of a document not theirs to act on (``_my_item`` in the service says the same when
the step is not theirs).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhongshu.org import selectors as org_selectors
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow.models import RunState

from . import archive_incoming, rules, selectors_incoming
from . import services_incoming_handling as handling
from .forms_incoming import (
    CirculateForm,
    CloseForm,
    CommentForm,
    FileForm,
    InstructForm,
    ProposalForm,
    RemindForm,
    ReportForm,
    SendBackForm,
    StartForm,
)
from .models import Handling, IncomingState
from .view_steps import STATUS_INVALID, attempt, package_download
from .views_incoming import _detail_page, _document, business_object, office_object

STEP_SOURCES = {
    handling.SOURCE_DIRECTOR: "propose",
    handling.SOURCE_LEADER: "instruct",
    handling.SOURCE_DEPARTMENTS: "report",
}


# --- What the page shows ------------------------------------------------------------------------


def my_step(user, document) -> str:
    """Which of the handling panels is the user's now: "propose", "instruct", "report" or ""."""
    if document.state not in handling.IN_HANDLING:
        return ""
    run = workflow_selectors.latest_run(handling.KIND, document.pk)
    if run is None or run.state != RunState.RUNNING:
        return ""
    items = workflow_selectors.open_items_for(user, run)
    if not items:
        return ""
    sources = dict(run.route.steps.values_list("order", "source"))
    for item in items:
        step = STEP_SOURCES.get(sources.get(item.step_order, ""))
        if step:
            return step
    return ""


def _start_initial(document) -> dict:
    return {"version": document.version}


def handling_context(request, document, forms: dict | None = None) -> dict:
    """The handling part of the document's page: the proposal, the departments, who holds it
    now, the circulation and 批示, the reminders — and the panels the user may use, with the
    form given in ``forms`` (a refused one) in place of a blank one."""
    forms = forms or {}
    user = request.user
    office = rules.is_office(user)
    action = document.handling == Handling.ACTION
    runs = selectors_incoming.handling_runs(document) if action else []
    live = next((entry for entry in runs if entry["run"].is_live), None)
    context = {
        "handling_runs": runs,
        "holders": live["holders"] if live else [],
        "returned_run": live["run"] if live and live["run"].state == RunState.RETURNED else None,
        "assignments": selectors_incoming.assignments_of(document) if action else [],
        "circulation": selectors_incoming.circulation_of(document),
        "instructions": selectors_incoming.instructions_of(document),
        "reminders": selectors_incoming.reminders_of(document) if office else [],
        "replies": list(handling.live_replies(document).only("pk", "title", "state"))
        if office
        else [],
    }
    step = my_step(user, document) if action else ""
    if step == "propose":
        context["propose_form"] = forms.get("propose") or ProposalForm(
            document=document,
            initial={
                "text": document.proposal,
                "leader": document.leader_id,
                "lead": next((a.department_id for a in context["assignments"] if a.lead), None),
            },
        )
    elif step == "instruct":
        context["instruct_form"] = forms.get("instruct") or InstructForm(document=document)
    elif step == "report":
        context["report_form"] = forms.get("report") or ReportForm()
        context["send_back_form"] = forms.get("send_back") or SendBackForm()
    if office and action and document.state == IncomingState.ACCEPTED:
        context["start_form"] = forms.get("start") or StartForm(
            document=document, initial=_start_initial(document)
        )
        context["is_director"] = user.pk in {
            u.pk for u in org_selectors.general_office_heads(document.unit_id)
        }
    if office and action and document.state in handling.CIRCULATION_STATES:
        context["circulate_form"] = forms.get("circulate") or CirculateForm(
            document=document, initial={"version": document.version}
        )
    if office and action and document.state in handling.IN_HANDLING:
        context["remind_form"] = forms.get("remind") or RemindForm()
    if office and action and document.state in (IncomingState.HANDLED, IncomingState.ACCEPTED):
        context["close_form"] = forms.get("close") or CloseForm(
            initial={"version": document.version}
        )
        context["answer_expected"] = document.kind in handling.ANSWER_EXPECTED
    my_reading = next((r for r in context["circulation"] if r.person_id == user.pk), None)
    if my_reading is None and not office:
        my_reading = (
            selectors_incoming.to_read(user).filter(document_id=document.pk).first()
            if document.handling == Handling.READING
            else None
        )
    if my_reading is not None and my_reading.sent_at is not None:
        context["comment_form"] = forms.get("comment") or CommentForm()
    if office and action and document.state == IncomingState.DONE:
        context["file_form"] = forms.get("file") or FileForm(initial={"version": document.version})
    if office and document.state == IncomingState.FILED:
        context["archive"] = selectors_incoming.archive_of(document)
    context["may_answer"] = (
        action
        and rules.may_draft(user)
        and document.state in (IncomingState.ACCEPTED, *handling.CIRCULATION_STATES)
        and not rules.classified(document.classification)
    )
    return context


def _refused(request, pk, name: str, form, status: int):
    """The document's page again, with the refused form in its panel."""
    document = _document(request, pk)
    return _detail_page(request, document, status=status, failed=form, handling_forms={name: form})


def _done(request, document, text: str):
    messages.success(request, text)
    return redirect("documents:incoming_detail", pk=document.pk)


# --- The office sends it on ---------------------------------------------------------------------


@never_cache
@office_object
@require_POST
def incoming_start(request, pk):
    """送拟办 (to the director as it is) or 分办 / 拟办 with the proposal written."""
    document = _document(request, pk)
    form = StartForm(request.POST, document=document)
    status = STATUS_INVALID
    if form.is_valid():
        with_proposal = request.POST.get("mode") != "director"
        status, _run = attempt(
            form,
            lambda: handling.start(
                actor=request.user,
                document=document,
                expected_version=form.cleaned_data["version"],
                proposal=form.proposal() if with_proposal else None,
            ),
        )
        if status is None:
            fresh = _document(request, pk)
            return _done(
                request,
                fresh,
                _("%(number)s is sent on: %(state)s.")
                % {"number": fresh.receipt_number, "state": fresh.get_state_display()},
            )
    return _refused(request, pk, "start", form, status)


# --- The holder of the step: 拟办, 批办, 承办 and 退办 -----------------------------------------


def _holder_post(request, pk, *, name: str, form, call, text: str):
    document = _document(request, pk)
    status = STATUS_INVALID
    if form.is_valid():
        status, _result = attempt(form, lambda: call(document, form))
        if status is None:
            return _done(request, document, text % {"number": document.receipt_number})
    return _refused(request, pk, name, form, status)


@never_cache
@business_object
@require_POST
def incoming_propose(request, pk):
    document = _document(request, pk)
    return _holder_post(
        request,
        pk,
        name="propose",
        form=ProposalForm(request.POST, document=document),
        call=lambda doc, form: handling.propose(
            actor=request.user,
            document=doc,
            proposal=form.proposal(),
            idempotency_key=form.cleaned_data.get("idempotency_key") or None,
        ),
        text=_("Your proposal on %(number)s is recorded and sent on."),
    )


@never_cache
@business_object
@require_POST
def incoming_instruct(request, pk):
    document = _document(request, pk)
    return _holder_post(
        request,
        pk,
        name="instruct",
        form=InstructForm(request.POST, document=document),
        call=lambda doc, form: handling.instruct(
            actor=request.user,
            document=doc,
            proposal=form.proposal(),
            idempotency_key=form.cleaned_data.get("idempotency_key") or None,
        ),
        text=_("Your instruction on %(number)s is recorded and sent to the departments."),
    )


@never_cache
@business_object
@require_POST
def incoming_report(request, pk):
    return _holder_post(
        request,
        pk,
        name="report",
        form=ReportForm(request.POST),
        call=lambda doc, form: handling.report(
            actor=request.user,
            document=doc,
            result=form.cleaned_data["result"],
            idempotency_key=form.cleaned_data.get("idempotency_key") or None,
        ),
        text=_("Your department's result on %(number)s is recorded."),
    )


@never_cache
@business_object
@require_POST
def incoming_send_back(request, pk):
    return _holder_post(
        request,
        pk,
        name="send_back",
        form=SendBackForm(request.POST),
        call=lambda doc, form: handling.send_back(
            actor=request.user,
            document=doc,
            reason=form.cleaned_data["reason"],
            idempotency_key=form.cleaned_data.get("idempotency_key") or None,
        ),
        text=_("%(number)s is sent back to the general office (退办)."),
    )


# --- 传阅, 批示, 催办 and 办结 -------------------------------------------------------------


@never_cache
@office_object
@require_POST
def incoming_circulate(request, pk):
    document = _document(request, pk)
    form = CirculateForm(request.POST, document=document)
    status = STATUS_INVALID
    if form.is_valid():
        status, people = attempt(
            form,
            lambda: handling.circulate(
                actor=request.user,
                document=document,
                expected_version=form.cleaned_data["version"],
                people=form.chosen(),
                in_turn=form.cleaned_data["in_turn"],
            ),
        )
        if status is None:
            count = len(people)
            return _done(
                request,
                document,
                ngettext(
                    "%(number)s is circulated to %(count)d leader.",
                    "%(number)s is circulated to %(count)d leaders.",
                    count,
                )
                % {"number": document.receipt_number, "count": count},
            )
    return _refused(request, pk, "circulate", form, status)


@never_cache
@business_object
@require_POST
def incoming_comment(request, pk):
    """A reader's 批示 on a document sent or circulated to them."""
    document = _document(request, pk)
    form = CommentForm(request.POST)
    status = STATUS_INVALID
    if form.is_valid():
        status, _reading = attempt(
            form,
            lambda: handling.comment(
                actor=request.user, document=document, text=form.cleaned_data["text"]
            ),
        )
        if status is None:
            return _done(request, document, _("Your instruction (批示) is recorded."))
    return _refused(request, pk, "comment", form, status)


@never_cache
@office_object
@require_POST
def incoming_remind(request, pk):
    document = _document(request, pk)
    form = RemindForm(request.POST)
    status = STATUS_INVALID
    if form.is_valid():
        status, reminder = attempt(
            form,
            lambda: handling.remind(
                actor=request.user, document=document, note=form.cleaned_data["note"]
            ),
        )
        if status is None:
            names = "、".join(r["name"] for r in reminder.recipients)
            return _done(
                request,
                document,
                _("Reminder (催办) sent to %(names)s. Print the 催办单 from the list below.")
                % {"names": names},
            )
    return _refused(request, pk, "remind", form, status)


@never_cache
@office_object
@require_POST
def incoming_close(request, pk):
    document = _document(request, pk)
    form = CloseForm(request.POST)
    status = STATUS_INVALID
    if form.is_valid():
        data = form.cleaned_data
        status, _closed = attempt(
            form,
            lambda: handling.close(
                actor=request.user,
                document=document,
                expected_version=data["version"],
                result=data["result"],
                no_reply_reason=data["no_reply_reason"],
            ),
        )
        if status is None:
            return _done(
                request,
                document,
                _("%(number)s is completed (办结).") % {"number": document.receipt_number},
            )
    return _refused(request, pk, "close", form, status)


@never_cache
@office_object
@require_POST
def incoming_file(request, pk):
    """归档: the archival package of a completed document."""
    document = _document(request, pk)
    form = FileForm(request.POST)
    status = STATUS_INVALID
    if form.is_valid():
        status, _row = attempt(
            form,
            lambda: handling.file_incoming(
                actor=request.user,
                document=document,
                expected_version=form.cleaned_data["version"],
            ),
        )
        if status is None:
            return _done(
                request,
                document,
                _("%(number)s is filed (归档). The archival package is ready.")
                % {"number": document.receipt_number},
            )
    return _refused(request, pk, "file", form, status)


@never_cache
@office_object
@require_GET
def incoming_archive(request, pk):
    """The archival package as stored (a ZIP); a classified document's is an audited read."""
    document = _document(request, pk)
    package = selectors_incoming.archive_of(document)
    name = archive_incoming.file_name(document)
    return package_download(request.user, document, package, name=name)
