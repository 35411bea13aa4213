"""Handling a 办件 (条例 §24 steps 4–7; issue 5 §5–8) on the shared approval engine.

The unit's route for incoming documents has three steps, each naming its people from the
document itself (``AssigneeRule.SUBJECT``), so that what the office writes decides who acts:

1. 拟办 — the head of the general office proposes which leader instructs, which departments
   handle it and by when. Skipped when the office sends it on itself (分办), or when the
   director started it with the proposal already written.
2. 批办 — the leader named at 拟办 writes the instruction (批示) and may change the proposal.
   Skipped when no leader is named (分办).
3. 承办 — the heads of the lead department and the co-departments, each reporting their
   result (countersign mode: all of them). A department that should not have it sends it back
   (退办); the run then comes back to the office, which takes it back and sends it on afresh.

Alongside, the office circulates it to leaders (传阅), in parallel or in turn, and each reader
may write a 批示; the office reminds the holders (催办), and when everyone has reported it
records the result (办结) and files it (归档). Every step is audited; the engine keeps the
handling record (办理记录) that the 收文处理单 prints.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core.calendar import end_of_day, is_working_day
from zhongshu.core.i18n import stored_text
from zhongshu.core.models import StaleVersionError
from zhongshu.org import selectors as org_selectors
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow import services as workflow
from zhongshu.workflow.errors import WorkflowError
from zhongshu.workflow.models import AssigneeRule, Decision, RunState, StepMode

from . import rules
from .handling import choose_recipients
from .models import (
    AssignmentState,
    DeadlineSource,
    Handling,
    IncomingAssignment,
    IncomingDocument,
    IncomingReading,
    IncomingReminder,
    IncomingState,
    Kind,
    ReadingPurpose,
)
from .services import DocumentError
from .services_incoming import _audit, _locked, _require_office, pass_on, reindex

KIND = rules.INCOMING_KIND
SOURCE_DIRECTOR = "office_director"
SOURCE_LEADER = "instructing_leader"
SOURCE_DEPARTMENTS = "handling_heads"
STEP_STATES = {
    SOURCE_DIRECTOR: IncomingState.PROPOSING,
    SOURCE_LEADER: IncomingState.INSTRUCTING,
    SOURCE_DEPARTMENTS: IncomingState.HANDLING,
}
# A live 办件: still with the office director, a leader or the departments.
IN_HANDLING = (IncomingState.PROPOSING, IncomingState.INSTRUCTING, IncomingState.HANDLING)
# 传阅 runs alongside the handling, and goes on after the departments have reported.
CIRCULATION_STATES = (*IN_HANDLING, IncomingState.HANDLED)
# A 请示 or a 函 asks for an answer: closing one without a linked reply needs a reason.
ANSWER_EXPECTED = (Kind.REQUEST, Kind.LETTER)
TEXT_MAX = 2000
MAX_CO_DEPARTMENTS = 20
MAX_CIRCULATION = 50
MAX_DEADLINE_DAYS = 3 * 366


def default_steps() -> list[dict]:
    return [
        {
            "name": stored_text(gettext_lazy("Proposal (拟办)")),
            "rule": AssigneeRule.SUBJECT,
            "source": SOURCE_DIRECTOR,
        },
        {
            "name": stored_text(gettext_lazy("Instruction (批办)")),
            "rule": AssigneeRule.SUBJECT,
            "source": SOURCE_LEADER,
        },
        {
            "name": stored_text(gettext_lazy("Handling (承办)")),
            "rule": AssigneeRule.SUBJECT,
            "source": SOURCE_DEPARTMENTS,
            "mode": StepMode.ALL,
        },
    ]


def handling_route(unit, *, actor):
    """The unit's route for incoming documents; the standard one is set up on first use (the
    office may change it on the routes page like any other)."""
    route = workflow.active_route(unit.pk, KIND)
    if route is not None:
        return route
    try:
        with transaction.atomic():
            return workflow.route_create(
                actor=actor,
                unit=unit,
                kind=KIND,
                name=stored_text(gettext_lazy("Incoming documents (收文办理)")),
                steps=default_steps(),
            )
    except IntegrityError:  # set up at the same moment by someone else
        route = workflow.active_route(unit.pk, KIND)
        if route is None:
            raise
        return route


# --- What the engine asks of the document (registration.py) ----------------------------------


def office_director(document) -> list:
    """拟办: the general office's head, unless the office sent it on itself (分办)."""
    if document.settled_by_office:
        return []
    return org_selectors.general_office_heads(document.unit_id)


def instructing_leader(document) -> list:
    return [document.leader] if document.leader_id else []


def handling_heads(document) -> list:
    """承办: the heads of the departments still handling it, the lead department first."""
    assignments = (
        IncomingAssignment.objects.filter(document=document, state=AssignmentState.HANDLING)
        .select_related("department__head")
        .order_by("-lead", "assigned_at", "pk")
    )
    return [a.department.head for a in assignments if a.department.head_id]


def step_due(document, step):
    """The document's own deadline is its 承办 step's deadline (the inbox orders by it, and the
    engine's daily reminders go out before and after it)."""
    if step.source == SOURCE_DEPARTMENTS:
        return document.deadline
    return None


def _set_state(document, state: str, *, actor) -> None:
    if document.state != state:
        document.state = state
        document.save_versioned(actor=actor, expected_version=None)
        reindex(document)


def on_step(document, step, actor) -> None:
    state = STEP_STATES.get(step.source)
    if state is not None:
        _set_state(document, state, actor=actor)


def on_transition(document, event: str, actor) -> None:
    """The engine's callback, inside its transaction with the document locked."""
    if event in ("returned", "withdrawn", "rejected"):
        # Back with the office, which sends it on afresh.
        _set_state(document, IncomingState.ACCEPTED, actor=actor)
    elif event == "approved":
        handled = IncomingAssignment.objects.filter(
            document=document, state=AssignmentState.REPORTED
        ).exists()
        if not handled and not document.leader_id:
            raise WorkflowError(
                _(
                    "Nobody was named to handle this document. Write the proposal (拟办) on the "
                    "document's page: the leader who instructs, or the departments that handle it."
                )
            )
        _set_state(document, IncomingState.HANDLED, actor=actor)


# --- Starting: 拟办 by the director, or 分办 by the office ------------------------------------


@dataclass(frozen=True)
class Proposal:
    """What 拟办 (or 分办, or a leader's 批办) decides: the text, the leader who instructs, the
    lead department, the co-departments, and the deadline if it changes."""

    text: str = ""
    leader: object = None
    lead: object = None
    co: tuple = ()
    deadline_on: date | None = None


def _clean_text(value, field: str, errors: dict, *, required: str = "") -> str:
    text = str(value or "").strip()
    if not text and required:
        errors[field] = required
    elif len(text) > TEXT_MAX:
        errors[field] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    return text


def _clean_proposal(document, proposal: Proposal, *, need_leader: bool, text_required: str):
    """Check a proposal against the document and the unit; ValidationError by field."""
    errors: dict = {}
    text = _clean_text(proposal.text, "text", errors, required=text_required)
    leader = proposal.leader
    if need_leader and leader is None and proposal.lead is None:
        errors["lead"] = _("Name the leader who instructs, or the department that handles it.")
    if leader is not None:
        leaders = {u.pk for u in org_selectors.unit_leaders(document.unit_id)}
        if leader.pk not in leaders:
            errors["leader"] = _("%(person)s is not one of the unit's leaders.") % {
                "person": leader
            }
        elif not rules.cleared_for(leader, document.classification):
            errors["leader"] = _(
                "%(person)s is not cleared for documents marked %(classification)s."
            ) % {"person": leader, "classification": document.get_classification_display()}
    co = []
    for department in proposal.co or ():
        if proposal.lead is not None and department.pk == proposal.lead.pk:
            continue
        if department.pk not in {d.pk for d in co}:
            co.append(department)
    if len(co) > MAX_CO_DEPARTMENTS:
        errors["co"] = _("At most %(n)d co-departments.") % {"n": MAX_CO_DEPARTMENTS}
    if co and proposal.lead is None:
        errors["lead"] = _("Name the lead department (主办) before the co-departments.")
    for field, departments in (("lead", [proposal.lead] if proposal.lead else []), ("co", co)):
        for department in departments:
            if department.unit_id != document.unit_id or department.deleted_at is not None:
                errors[field] = _("Choose departments of this unit.")
            elif department.head is None or not department.head.is_active:
                errors[field] = _(
                    "%(department)s has no head to receive it; the office sets one on the "
                    "organisation page."
                ) % {"department": department.name}
            elif not rules.cleared_for(department.head, document.classification):
                errors[field] = _(
                    "The head of %(department)s is not cleared for documents marked "
                    "%(classification)s."
                ) % {
                    "department": department.name,
                    "classification": document.get_classification_display(),
                }
    deadline = None
    if proposal.deadline_on is not None:
        if proposal.deadline_on < timezone.localdate():
            errors["deadline_on"] = _("The deadline cannot be in the past.")
        elif proposal.deadline_on > timezone.localdate() + timedelta(days=MAX_DEADLINE_DAYS):
            errors["deadline_on"] = _("Choose a deadline within three years.")
        elif not is_working_day(proposal.deadline_on):
            errors["deadline_on"] = _("%(day)s is not a working day; choose a working day.") % {
                "day": proposal.deadline_on.isoformat()
            }
        else:
            deadline = end_of_day(proposal.deadline_on)
    if errors:
        raise ValidationError(errors)
    return text, co, deadline


def _write_proposal(document, proposal: Proposal, *, co, deadline, actor, text: str) -> None:
    """The departments and deadline of a proposal onto the document. Departments that have
    reported keep their result; those no longer named stop handling it."""
    now = timezone.now()
    named = {}
    if proposal.lead is not None:
        named[proposal.lead.pk] = True
    for department in co:
        named.setdefault(department.pk, False)
    current = {a.department_id: a for a in IncomingAssignment.objects.filter(document=document)}
    for department_id, assignment in current.items():
        if department_id not in named and assignment.state == AssignmentState.HANDLING:
            assignment.delete()
    # The lead flag moves first, so that the one-lead constraint holds at every write.
    IncomingAssignment.objects.filter(document=document, lead=True).exclude(
        department_id__in=[pk for pk, lead in named.items() if lead]
    ).update(lead=False)
    for department_id, lead in named.items():
        assignment = current.get(department_id)
        if assignment is None:
            IncomingAssignment.objects.create(
                document=document, department_id=department_id, lead=lead, assigned_at=now
            )
        elif assignment.state == AssignmentState.SENT_BACK or assignment.lead != lead:
            if assignment.state == AssignmentState.SENT_BACK:
                assignment.state = AssignmentState.HANDLING
                assignment.assigned_at = now
            assignment.lead = lead
            assignment.save(update_fields=["state", "assigned_at", "lead"])
    if deadline is not None:
        document.deadline, document.deadline_source = deadline, DeadlineSource.OFFICE
    document.leader = proposal.leader
    if text:
        document.proposal = text
        document.proposed_by, document.proposed_at = actor, now


def _check_action(document) -> None:
    if document.handling != Handling.ACTION:
        raise DocumentError(
            _("This document is for information (阅件): it is sent to readers, not handled.")
        )


@transaction.atomic
def start(*, actor, document, expected_version: int, proposal: Proposal | None = None):
    """The office sends an accepted 办件 on: to the director's 拟办 (no proposal), or with the
    proposal already written — 分办 by the office (departments only, no leader, the office
    settles it) or the director's own 拟办. A document a department sent back (退办) is taken
    back and sent on afresh the same way. Returns the new run."""
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=(IncomingState.ACCEPTED,),
        refusal=_("Only an accepted document is sent on to be handled; this one is “%(state)s”."),
    )
    _check_action(document)
    directors = {u.pk for u in org_selectors.general_office_heads(document.unit_id)}
    if proposal is None and actor.pk in directors:
        raise ValidationError({"text": _("Write your proposal (拟办意见): you are the director.")})
    if proposal is None and not directors:
        raise DocumentError(
            _(
                "The general office has no head to write the proposal (拟办); send it on to the "
                "departments yourself (分办), or set the office's head on the organisation page."
            )
        )
    if proposal is not None:
        text, co, deadline = _clean_proposal(
            document,
            proposal,
            need_leader=True,
            text_required=_("Write the proposal (拟办意见)."),
        )
    expected = expected_version
    live = workflow_selectors.latest_run(KIND, document.pk)
    if live is not None and live.is_live:
        # Sent back (退办) or returned by a leader: the office takes it back first.
        try:
            workflow.take_back(actor=actor, run=live)
        except WorkflowError as exc:
            raise DocumentError(str(exc)) from None
        document.refresh_from_db()
        expected = document.version
    if proposal is not None:
        _write_proposal(document, proposal, co=co, deadline=deadline, actor=actor, text=text)
        document.settled_by_office = actor.pk not in directors and proposal.leader is None
    else:
        document.settled_by_office, document.leader = False, None
    document.save_versioned(actor=actor, expected_version=expected)
    route = handling_route(document.unit, actor=actor)
    try:
        run = workflow.run_start(
            actor=actor, subject=document, route=route, urgency=_urgency(document)
        )
    except WorkflowError as exc:
        raise DocumentError(str(exc)) from None
    _audit(
        "documents.incoming_started",
        actor=actor,
        document=document,
        detail={
            "run": run.pk,
            "settled_by_office": document.settled_by_office,
            "leader": document.leader_id,
            "departments": _department_ids(document),
        },
    )
    return run


def _urgency(document) -> int:
    return min(int(document.urgency or 0), 2)


def _department_ids(document) -> list[int]:
    return list(
        IncomingAssignment.objects.filter(document=document)
        .exclude(state=AssignmentState.SENT_BACK)
        .order_by("-lead", "pk")
        .values_list("department_id", flat=True)
    )


# --- Acting on one's own item: 拟办, 批办, 承办, 退办 -------------------------------------------


def _my_item(actor, document, source: str):
    """The actor's open item on the document's live run at the step naming ``source``, or a
    DocumentError saying the document is not waiting for them there."""
    run = workflow_selectors.latest_run(KIND, document.pk)
    if run is not None and run.state == RunState.RUNNING:
        orders = set(run.route.steps.filter(source=source).values_list("order", flat=True))
        for item in workflow_selectors.open_items_for(actor, run):
            if item.step_order in orders:
                return item
    raise DocumentError(_("This document is not waiting for you at this step."))


def _decide(actor, item, *, opinion: str, decision=Decision.APPROVE, key=None) -> None:
    try:
        workflow.decide(
            actor=actor, item=item, decision=decision, opinion=opinion, idempotency_key=key
        )
    except WorkflowError as exc:
        raise DocumentError(str(exc)) from None


def _repeated(actor, document, key) -> bool:
    """The same decision sent again with its key: answered as the first time, nothing done."""
    return workflow_selectors.decided_with_key(KIND, document.pk, actor, key or "")


def _lock_for(document, states, refusal) -> IncomingDocument:
    return _locked(document, expected_version=None, states=states, refusal=refusal)


@transaction.atomic
def propose(*, actor, document, proposal: Proposal, idempotency_key=None) -> IncomingDocument:
    """拟办: the office director writes which leader instructs (批办), which departments handle
    it and by when, with the proposal text (拟办意见) for the 收文处理单."""
    if _repeated(actor, document, idempotency_key):
        return IncomingDocument.objects.get(pk=document.pk)
    document = _lock_for(
        document,
        (IncomingState.PROPOSING,),
        _("This document is not waiting for a proposal (拟办); it is “%(state)s”."),
    )
    item = _my_item(actor, document, SOURCE_DIRECTOR)
    text, co, deadline = _clean_proposal(
        document, proposal, need_leader=True, text_required=_("Write the proposal (拟办意见).")
    )
    _write_proposal(document, proposal, co=co, deadline=deadline, actor=actor, text=text)
    document.save_versioned(actor=actor, expected_version=None)
    _decide(actor, item, opinion=text, key=idempotency_key)
    _audit(
        "documents.incoming_proposed",
        actor=actor,
        document=document,
        detail={"leader": document.leader_id, "departments": _department_ids(document)},
    )
    document.refresh_from_db()
    return document


@transaction.atomic
def instruct(*, actor, document, proposal: Proposal, idempotency_key=None) -> IncomingDocument:
    """批办: the leader's instruction (批示), which may change the departments and deadline the
    office proposed. The leader named stays the one who instructed."""
    if _repeated(actor, document, idempotency_key):
        return IncomingDocument.objects.get(pk=document.pk)
    document = _lock_for(
        document,
        (IncomingState.INSTRUCTING,),
        _("This document is not waiting for an instruction (批办); it is “%(state)s”."),
    )
    item = _my_item(actor, document, SOURCE_LEADER)
    changes = Proposal(
        text="",
        leader=document.leader,
        lead=proposal.lead,
        co=proposal.co,
        deadline_on=proposal.deadline_on,
    )
    errors: dict = {}
    text = _clean_text(proposal.text, "text", errors, required=_("Write your instruction (批示)."))
    if errors:
        raise ValidationError(errors)
    if proposal.co and proposal.lead is None:
        raise ValidationError(
            {"lead": _("Name the lead department (主办) before the co-departments.")}
        )
    if proposal.lead is not None or proposal.deadline_on is not None:
        _t, co, deadline = _clean_proposal(document, changes, need_leader=False, text_required="")
        if proposal.lead is not None:
            _write_proposal(document, changes, co=co, deadline=deadline, actor=actor, text="")
        elif deadline is not None:
            document.deadline, document.deadline_source = deadline, DeadlineSource.OFFICE
        document.save_versioned(actor=actor, expected_version=None)
    _decide(actor, item, opinion=text, key=idempotency_key)
    _audit(
        "documents.incoming_instructed",
        actor=actor,
        document=document,
        detail={"departments": _department_ids(document)},
    )
    document.refresh_from_db()
    return document


def _assignments_of(document, item, actor) -> list[IncomingAssignment]:
    """The departments an item of the 承办 step stands for: those whose head it was given to
    (or who the holder acts for), else — after a transfer to a colleague — those the actor
    belongs to."""
    handling = list(
        IncomingAssignment.objects.filter(document=document, state=AssignmentState.HANDLING)
        .select_related("department")
        .order_by("-lead", "pk")
    )
    people = {item.assignee_id, item.delegate_for_id} - {None}
    mine = [a for a in handling if a.department.head_id in people]
    if mine:
        return mine
    # Passed on (转交) by a department's head: the holder reports for that department.
    for giver in workflow_selectors.handed_over_by(item):
        mine = [a for a in handling if a.department.head_id == giver]
        if mine:
            return mine
    departments = set(org_selectors.posts_of_person(actor).values_list("department_id", flat=True))
    mine = [a for a in handling if a.department_id in departments]
    return mine or handling[:1]


def _department_step(actor, document, *, text, field, required, decision, key, action, mark):
    """A department's step on its own 承办 item — its result, or its 退办 — under the lock:
    ``mark`` writes it onto the departments the item stands for, then the engine decides."""
    if _repeated(actor, document, key):
        return IncomingDocument.objects.get(pk=document.pk)
    document = _lock_for(
        document,
        (IncomingState.HANDLING,),
        _("This document is not being handled by departments; it is “%(state)s”."),
    )
    item = _my_item(actor, document, SOURCE_DEPARTMENTS)
    errors: dict = {}
    text = _clean_text(text, field, errors, required=required)
    if errors:
        raise ValidationError(errors)
    mine = _assignments_of(document, item, actor)
    for assignment in mine:
        mark(assignment, text)
    _decide(actor, item, opinion=text, decision=decision, key=key)
    detail = {"departments": [a.department_id for a in mine]}
    if decision != Decision.APPROVE:
        detail["reason"] = text
    _audit(action, actor=actor, document=document, detail=detail)
    document.refresh_from_db()
    return document


@transaction.atomic
def report(*, actor, document, result: str, idempotency_key=None) -> IncomingDocument:
    """承办: a department reports what it did; when the last one has, the document waits for
    the office to close it (办结)."""
    now = timezone.now()

    def mark(assignment, text):
        assignment.state = AssignmentState.REPORTED
        assignment.result, assignment.reported_at, assignment.reported_by = text, now, actor
        assignment.save(update_fields=["state", "result", "reported_at", "reported_by"])

    return _department_step(
        actor,
        document,
        text=result,
        field="result",
        required=_("Say what was done (办理结果)."),
        decision=Decision.APPROVE,
        key=idempotency_key,
        action="documents.incoming_reported",
        mark=mark,
    )


@transaction.atomic
def send_back(*, actor, document, reason: str, idempotency_key=None) -> IncomingDocument:
    """退办: a department that should not handle it sends it back to the office with the
    reason. Every department's step ends; the office sends it on afresh."""

    def mark(assignment, text):
        assignment.state, assignment.reason = AssignmentState.SENT_BACK, text
        assignment.save(update_fields=["state", "reason"])

    return _department_step(
        actor,
        document,
        text=reason,
        field="reason",
        required=_("Say why it is not yours."),
        decision=Decision.RETURN_TO_DRAFTER,
        key=idempotency_key,
        action="documents.incoming_sent_back",
        mark=mark,
    )


# --- 传阅 and 批示 -------------------------------------------------------------------------------


@transaction.atomic
def circulate(*, actor, document, expected_version: int, people, in_turn: bool = False):
    """传阅: the office circulates a 办件 to leaders while it is handled, all at once or in
    turn (each gets it when the one before has read it). Returns the people added."""
    from . import tasks

    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=CIRCULATION_STATES,
        refusal=_("Only a document being handled is circulated (传阅); this one is “%(state)s”."),
    )
    people = list(dict.fromkeys(people or ()))
    errors: dict = {}
    if not people:
        errors["people"] = _("Choose at least one person.")
    elif len(people) > MAX_CIRCULATION:
        errors["people"] = _("At most %(n)d people at a time.") % {"n": MAX_CIRCULATION}
    if errors:
        raise ValidationError(errors)
    chosen = choose_recipients(
        document,
        people,
        (),
        had=IncomingReading.objects.filter(document=document).values_list("person_id", flat=True),
    )
    if chosen.already:
        raise ValidationError(
            {"people": _("%(person)s has this document already.") % {"person": chosen.already[0]}}
        )
    now = timezone.now()
    turn = 0
    waiting_before = False
    if in_turn:
        last = IncomingReading.objects.filter(document=document).aggregate(m=Max("turn"))["m"]
        turn = last or 0
        waiting_before = IncomingReading.objects.filter(
            document=document, turn__gt=0, read_at__isnull=True
        ).exists()
    readings = []
    for index, person in enumerate(people):
        first = index == 0 and not waiting_before
        readings.append(
            IncomingReading(
                document=document,
                person=person,
                purpose=ReadingPurpose.CIRCULATION,
                turn=turn + index + 1 if in_turn else 0,
                sent_at=now if (not in_turn or first) else None,
                sent_by=actor,
            )
        )
    IncomingReading.objects.bulk_create(readings)
    document.save_versioned(actor=actor, expected_version=expected_version)
    _audit(
        "documents.incoming_circulated",
        actor=actor,
        document=document,
        detail={"people": [p.pk for p in people], "in_turn": bool(in_turn)},
    )
    told = [r.person_id for r in readings if r.sent_at is not None]
    if told:
        transaction.on_commit(lambda: tasks.tell_readers(document.pk, told, actor.pk))
    return people


@transaction.atomic
def comment(*, actor, document, text: str) -> IncomingReading:
    """A reader's 批示 on a document sent or circulated to them: kept with their reading, shown
    on the page and printed on the 收文处理单, and the office is told."""
    from zhongshu.notify.services import notify

    from .registration import incoming_url

    errors: dict = {}
    text = _clean_text(text, "text", errors, required=_("Write your instruction (批示)."))
    if errors:
        raise ValidationError(errors)
    reading = (
        IncomingReading.objects.select_for_update()
        .filter(document_id=document.pk, person=actor, sent_at__isnull=False)
        .first()
    )
    if reading is None:
        raise DocumentError(_("This document was not sent to you to read."))
    now = timezone.now()
    earlier = list(reading.instructions or [])
    if not earlier and reading.comment:  # written before each 批示 kept its own time
        at = reading.commented_at.isoformat() if reading.commented_at else None
        earlier = [{"text": reading.comment, "at": at}]
    if reading.comment:
        reading.comment = f"{reading.comment}\n{text}"
    else:
        reading.comment = text
    reading.commented_at = now
    reading.instructions = [*earlier, {"text": text, "at": now.isoformat()}]
    first_read = reading.read_at is None
    reading.read_at = reading.read_at or now
    reading.save(update_fields=["comment", "commented_at", "instructions", "read_at"])
    if first_read:
        pass_on(document.pk, reading, actor.pk)
    _audit("documents.incoming_commented", actor=actor, document=document, detail={})
    office = [*org_selectors.general_office_heads(document.unit_id), document.registered_by]
    notify(
        event="work.instructed",
        recipients=[p for p in office if p.pk != actor.pk],
        title=f"{document.receipt_number} {document.title}",
        url=incoming_url(document),
        classification=document.classification,
        actor=actor,
        unit_id=document.unit_id,
    )
    return reading


# --- 催办 ----------------------------------------------------------------------------------------


@transaction.atomic
def remind(*, actor, document, note: str = "") -> IncomingReminder:
    """催办: the office reminds whoever holds the document now (the current step's people), with
    a note; recorded for the printable 催办单."""
    from zhongshu.notify.services import notify

    from .registration import incoming_url

    _require_office(actor)
    document = _lock_for(
        document,
        IN_HANDLING,
        _("Only a document being handled can be chased (催办); this one is “%(state)s”."),
    )
    errors: dict = {}
    note = _clean_text(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    run = workflow_selectors.latest_run(KIND, document.pk)
    holders = workflow_selectors.open_holders(run) if run is not None and run.is_live else []
    if not holders:
        raise DocumentError(_("Nobody holds this document now; there is nobody to remind."))
    reminder = IncomingReminder.objects.create(
        document=document,
        sent_at=timezone.now(),
        sent_by=actor,
        note=note,
        deadline=document.deadline,
        recipients=[
            {
                "id": item.assignee_id,
                "name": item.assignee.full_name or item.assignee.get_username(),
                "step": item.step_name,
            }
            for item in holders
        ],
    )
    notify(
        event="work.reminded",
        recipients=[item.assignee for item in holders],
        title=f"{document.receipt_number} {document.title}",
        url=incoming_url(document),
        classification=document.classification,
        actor=actor,
        params={"note": note[:200]} if note else {},
        unit_id=document.unit_id,
        key=f"documents.incoming.remind:{reminder.pk}",
    )
    _audit(
        "documents.incoming_reminded",
        actor=actor,
        document=document,
        detail={"reminder": reminder.pk, "to": [item.assignee_id for item in holders]},
    )
    return reminder


# --- 办结 and 归档 -------------------------------------------------------------------------------


def live_replies(document):
    """The outgoing documents answering or forwarding it (答复, 转发) that are not deleted."""
    return document.answered_by.filter(deleted_at__isnull=True)


@transaction.atomic
def close(
    *, actor, document, expected_version: int, result: str, no_reply_reason: str = ""
) -> IncomingDocument:
    """办结: the office records the result once the departments have reported — or of an
    accepted 办件 it settles itself. A 请示 or a 函 asking for an answer, closed without a
    linked reply, needs the reason."""
    _require_office(actor)
    document = _locked(
        document,
        expected_version=expected_version,
        states=(IncomingState.HANDLED, IncomingState.ACCEPTED),
        refusal=_("Only a handled document can be completed (办结); this one is “%(state)s”."),
    )
    _check_action(document)
    errors: dict = {}
    result = _clean_text(result, "result", errors, required=_("Write the result (办理结果)."))
    no_reply_reason = _clean_text(no_reply_reason, "no_reply_reason", errors)
    if (
        document.kind in ANSWER_EXPECTED
        and not live_replies(document).exists()
        and not no_reply_reason
    ):
        errors["no_reply_reason"] = _(
            "A %(kind)s asks for an answer and none is linked: start the reply from this page, "
            "or say why none is sent."
        ) % {"kind": document.get_kind_display()}
    if errors:
        raise ValidationError(errors)
    run = workflow_selectors.latest_run(KIND, document.pk)
    if run is not None and run.state == RunState.RETURNED:
        # Sent back (退办) and the office settles it itself: its run ends here.
        try:
            workflow.take_back(actor=actor, run=run)
        except WorkflowError as exc:
            raise DocumentError(str(exc)) from None
        document.refresh_from_db()
        expected_version = document.version
    elif run is not None and run.is_live:
        raise DocumentError(
            _("It is still being handled; it can be completed when the departments have reported.")
        )
    document.state = IncomingState.DONE
    document.result, document.no_reply_reason = result, no_reply_reason
    document.closed_at, document.closed_by = timezone.now(), actor
    document.save_versioned(actor=actor, expected_version=expected_version)
    _audit(
        "documents.incoming_closed",
        actor=actor,
        document=document,
        detail={"replies": list(live_replies(document).values_list("pk", flat=True))},
    )
    reindex(document)
    return document


def file_incoming(*, actor, document, expected_version: int):
    """归档: build the archival package of a completed document, store it by its SHA-256 and
    mark the document filed. As for outgoing documents (handling.document_file), the package is
    built before the row is locked, from the version the office saw; the locked row must still
    be at that version, or the filing is refused as stale."""
    from . import archive, archive_incoming
    from .models import IncomingArchive

    _require_office(actor)
    current = IncomingDocument.objects.select_related(
        "unit", "registered_by", "reviewed_by", "proposed_by", "leader", "closed_by"
    ).get(pk=document.pk)
    refusal = _("Only a completed document can be filed (归档); this one is “%(state)s”.")
    if current.state != IncomingState.DONE or current.deleted_at is not None:
        raise DocumentError(refusal % {"state": current.get_state_display()})
    if current.version != expected_version:
        raise StaleVersionError
    package = archive_incoming.build(current, actor=actor)
    with archive.keeping(package) as keep, transaction.atomic():
        locked = _locked(
            current,
            expected_version=expected_version,
            states=(IncomingState.DONE,),
            refusal=refusal,
        )
        row = IncomingArchive.objects.create(
            document=locked,
            stored_file=keep(),
            sha256=package.sha256,
            manifest=package.manifest,
            created_at=timezone.now(),
            created_by=actor,
        )
        locked.state, locked.filed_at = IncomingState.FILED, row.created_at
        locked.save_versioned(actor=actor, expected_version=expected_version)
        _audit(
            "documents.incoming_filed",
            actor=actor,
            document=locked,
            detail={
                "sha256": package.sha256,
                "size": package.size,
                "files": len(package.manifest["files"]),
            },
        )
        reindex(locked)
    return row
