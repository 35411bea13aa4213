"""Internal memos (签报 / 呈批件; issue 5 §10) on the shared approval engine.

The unit's route for memos (kind ``documents.memo``, set up on first use and editable on the
routes page like any other) has four steps:

1. 核稿 — the head of the drafting department checks it (skipped when the head drafted it).
2. 审核 — the head of the general office checks that it should go to a leader, to which one,
   and whether the principal leader must decide too.
3. 批办 — the leader the memo names: the leader in charge of the department unless the office
   names another at 审核.
4. 审批 — the principal leader, only when the memo says it needs the principal's decision (the
   drafter, the office at 审核 or the leader at 批办 says so).

Every step may approve, return it (to the drafter or an earlier step) with an opinion, or refuse
it; the engine keeps each opinion in order for the 签报处理单. When the last leader has decided the
memo goes back to the department (the drafter and the head are told), which may then draft an
outgoing document from it. Every write is audited.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core import audit
from zhongshu.core.i18n import stored_text
from zhongshu.core.models import Classification, StaleVersionError
from zhongshu.org import selectors as org_selectors
from zhongshu.search import services as search
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow import services as workflow
from zhongshu.workflow.errors import WorkflowError
from zhongshu.workflow.models import AssigneeRule, Decision, RunState

from . import rules
from .models import Memo, MemoCounter, MemoState, Urgency
from .services import DocumentError

KIND = rules.MEMO_KIND
SEARCH_KIND = "documents_memo"
SOURCE_HEAD = "memo_head"
SOURCE_OFFICE = "memo_office"
SOURCE_LEADER = "memo_leader"
SOURCE_PRINCIPAL = "memo_principal"
EDITABLE = (MemoState.DRAFT, MemoState.RETURNED)
IN_APPROVAL = (
    MemoState.CHECKING,
    MemoState.REVIEWING,
    MemoState.INSTRUCTING,
    MemoState.DECIDING,
    MemoState.IN_APPROVAL,
)
DECIDED = (MemoState.APPROVED, MemoState.REJECTED)


def default_steps() -> list[dict]:
    return [
        {
            "name": stored_text(gettext_lazy("Check by the department head (核稿)")),
            "rule": AssigneeRule.SUBJECT,
            "source": SOURCE_HEAD,
            "due_working_days": 2,
        },
        {
            "name": stored_text(gettext_lazy("Review by the office (审核)")),
            "rule": AssigneeRule.SUBJECT,
            "source": SOURCE_OFFICE,
            "due_working_days": 2,
        },
        {
            "name": stored_text(gettext_lazy("Instruction by the leader (批办)")),
            "rule": AssigneeRule.SUBJECT,
            "source": SOURCE_LEADER,
            "due_working_days": 3,
        },
        {
            "name": stored_text(gettext_lazy("Decision by the principal leader (审批)")),
            "rule": AssigneeRule.SUBJECT,
            "source": SOURCE_PRINCIPAL,
            "condition_field": "needs_principal",
            "condition_op": "eq",
            "condition_value": "True",
            "due_working_days": 3,
        },
    ]


def memo_route(unit, *, actor):
    """The unit's route for memos; the standard one is set up on first use."""
    route = workflow.active_route(unit.pk, KIND)
    if route is not None:
        return route
    try:
        with transaction.atomic():
            return workflow.route_create(
                actor=actor,
                unit=unit,
                kind=KIND,
                name=stored_text(gettext_lazy("Internal memos (签报)")),
                steps=default_steps(),
            )
    except IntegrityError:  # set up at the same moment by someone else
        route = workflow.active_route(unit.pk, KIND)
        if route is None:
            raise
        return route


# --- What the engine asks of the memo (registration.py) --------------------------------------


def department_head(memo) -> list:
    """核稿: the head of the department the memo is from (none named: the step is skipped). A memo
    from the general office itself is checked once, at the office's 审核 by the same head."""
    department = memo.department
    if not department.head_id:
        return []
    if department.is_general_office and _office_reviews(memo):
        return []
    return [department.head]


def _office_reviews(memo) -> bool:
    run = current_run(memo)
    return run is not None and _office_step(run.route) is not None


def _office_step(route, *, from_step: int = 1):
    """The route's 审核 by the office at or after ``from_step`` (None: it has none there)."""
    steps = route.steps.filter(source=SOURCE_OFFICE, order__gte=from_step)
    return steps.order_by("order").first()


def office_reviewers(memo) -> list:
    """审核: the head of the general office."""
    return org_selectors.general_office_heads(memo.unit_id)


def _reviewed_by_nobody(memo, route, *, from_step: int = 1) -> bool:
    """The memo, sent on from ``from_step``, still has the office's 审核 ahead and the general
    office has nobody to hold it (the engine would skip the step, and the memo would reach a
    leader unreviewed)."""
    office = _office_step(route, from_step=from_step)
    if office is None:
        return False
    return not workflow.resolve(
        office, submitter=memo.drafter, unit=memo.unit, kind=KIND, subject=memo
    )


def _no_reviewer_error() -> DocumentError:
    return DocumentError(
        _(
            "The general office has no head to review memos (审核). Ask the organisation "
            "manager to name the head of the general office, then submit it again."
        )
    )


def deciding_leader(memo) -> list:
    """批办: the leader the memo names, else the department's leader in charge — if cleared for
    the memo. Nobody named: the step is skipped, and the approval refused (:func:`_decider`)
    until the office names one at 审核."""
    leader = memo.leader if memo.leader_id else memo.department.leader_in_charge
    if leader is None or not rules.cleared_for(leader, memo.classification):
        return []
    return [leader]


def principal(memo) -> list:
    """审批: the unit's principal leader, unless they already approved the memo in this round
    (the principal is also the department's leader in charge, or the leader the office named)."""
    person = memo.unit.principal
    if person is None or _approved_in_run(memo, person.pk):
        return []
    return [person]


def _decisions(memo) -> list:
    """The approvals and refusals of the memo's current run, oldest first."""
    run = workflow_selectors.latest_run(KIND, memo.pk)
    if run is None:
        return []
    return [
        event
        for event in workflow_selectors.handling_record(run)
        if event.verb in (Decision.APPROVE, Decision.REJECT)
    ]


def _person_of(event) -> int:
    """Whose decision an event is: the person a delegate acted for, else the actor."""
    return event.on_behalf_of_id or event.actor_id


def _approved_in_run(memo, person_id) -> bool:
    return any(e.verb == Decision.APPROVE and _person_of(e) == person_id for e in _decisions(memo))


def _step_state(step) -> str:
    if step.rule == AssigneeRule.SUBMITTER_DEPARTMENT_HEAD:
        return MemoState.CHECKING
    if step.rule == AssigneeRule.PRINCIPAL:
        return MemoState.DECIDING
    return {
        SOURCE_HEAD: MemoState.CHECKING,
        SOURCE_OFFICE: MemoState.REVIEWING,
        SOURCE_LEADER: MemoState.INSTRUCTING,
        SOURCE_PRINCIPAL: MemoState.DECIDING,
    }.get(step.source, MemoState.IN_APPROVAL)


def _set_state(memo, state: str, *, actor, **fields) -> None:
    memo.state = state
    for name, value in fields.items():
        setattr(memo, name, value)
    memo.updated_by = actor
    memo.version += 1
    memo.save(update_fields=["state", "updated_at", "updated_by", "version", *fields])


def on_step(memo, step, actor) -> None:
    _set_state(memo, _step_state(step), actor=actor)


def on_transition(memo, event: str, actor) -> None:
    """The engine's callback, inside its transaction with the memo locked."""
    if event in ("started", "resubmitted"):
        if memo.state in EDITABLE:  # every step was skipped before one started
            _set_state(memo, MemoState.IN_APPROVAL, actor=actor)
    elif event == "returned":
        _set_state(memo, MemoState.RETURNED, actor=actor)
    elif event == "withdrawn":
        _set_state(memo, MemoState.DRAFT, actor=actor)
    elif event in (RunState.APPROVED, RunState.REJECTED):
        state = MemoState.APPROVED if event == RunState.APPROVED else MemoState.REJECTED
        decision = _decider(memo, approved=event == RunState.APPROVED)
        _set_state(
            memo,
            state,
            actor=actor,
            decided_at=timezone.now(),
            decided_by_id=_person_of(decision) if decision else actor.pk,
            decision=(decision.opinion if decision else "")[:2000],
        )
        _tell_department(memo, actor)
        _audit(
            "documents.memo_decided",
            actor=actor,
            memo=memo,
            detail={"state": state},
        )
    reindex(memo)


def _decider(memo, *, approved: bool):
    """The decision being recorded (the engine writes the step's event before it calls back).

    An approval is a leader's: a memo whose route named no leader (a department without a
    leader in charge, and the office named none), or reached none, is not approved — the
    engine rolls the step back and the holder reads why. One marked for the principal needs the
    principal's approval too. A refusal may come from any step.
    """
    decisions = _decisions(memo)
    last = decisions[-1] if decisions else None
    if not approved:
        return last
    leaders = {u.pk for u in org_selectors.unit_leaders(memo.unit_id)}
    leaders.add(memo.unit.principal_id)
    if last is None or _person_of(last) not in leaders:
        raise WorkflowError(
            _(
                "No leader has decided this memo: name the leader who decides (批办) under "
                "“Who decides” on the memo's page, then approve."
            )
        )
    if memo.needs_principal and not _approved_in_run(memo, memo.unit.principal_id):
        raise WorkflowError(
            _(
                "This memo is for the principal leader's decision, and the unit has no principal "
                "leader to decide it. Ask the office to set one."
            )
        )
    return last


def _tell_department(memo, actor) -> None:
    """Back to the department: its head hears of the decision too (the engine tells the
    drafter, who submitted it)."""
    from zhongshu.notify.services import notify

    from .registration import memo_url

    head = memo.department.head if memo.department.head_id else None
    if head is None or head.pk in (memo.drafter_id, actor.pk):
        return
    notify(
        event="work.decided",
        recipients=[head],
        title=f"{memo.number} {memo.title}",
        url=memo_url(memo),
        classification=memo.classification,
        actor=actor,
        unit_id=memo.unit_id,
    )


# --- Guards and checks -----------------------------------------------------------------------


def _audit(action: str, *, actor, memo, detail: dict | None = None) -> None:
    audit.record(
        action,
        actor=actor,
        obj=memo,
        classification=memo.classification,
        unit_id=memo.unit_id,
        detail=detail or {},
    )


def reindex(memo: Memo) -> None:
    search.index(SEARCH_KIND, memo)


def _locked(memo, *, expected_version) -> Memo:
    locked = Memo.objects.select_for_update().get(pk=memo.pk)
    if locked.deleted_at is not None:
        raise DocumentError(_("This memo was deleted."))
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError
    return locked


def _department(actor, value):
    posts = rules.departments_of(actor)
    if value in (None, ""):
        return posts[0] if posts else None
    for department in posts:
        if str(department.pk) == str(value):
            return department
    return None


def clean(actor, data: dict) -> dict:
    """The fields of a memo, checked; ValidationError with every field's problem."""
    errors: dict = {}
    fields: dict = {}
    title = " ".join(str(data.get("title") or "").split())
    if not title:
        errors["title"] = _("Give the title.")
    elif len(title) > Memo.TITLE_MAX:
        errors["title"] = _("At most %(n)d characters.") % {"n": Memo.TITLE_MAX}
    fields["title"] = title
    body = str(data.get("body") or "").strip().replace("\r\n", "\n")
    if not body:
        errors["body"] = _("Write what you ask the leaders to decide, and why.")
    elif len(body) > Memo.BODY_MAX:
        errors["body"] = _("At most %(n)d characters.") % {"n": Memo.BODY_MAX}
    fields["body"] = body
    classification = data.get("classification", Classification.PUBLIC)
    if classification in (None, ""):
        classification = Classification.PUBLIC
    if classification not in Classification.values:
        errors["classification"] = _("Choose a classification from the list.")
        classification = Classification.PUBLIC
    elif classification > actor.clearance:
        errors["classification"] = _("You are not cleared for %(level)s.") % {
            "level": Classification(classification).label
        }
    elif rules.classified(classification) and not rules.may_hold_classified_text():
        errors["classification"] = _(
            "This system is not approved for classified information: a memo marked 秘密 or "
            "above goes on paper, by the confidential channel."
        )
    fields["classification"] = classification
    urgency = data.get("urgency", Urgency.NORMAL)
    if urgency in (None, ""):
        urgency = Urgency.NORMAL
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose an urgency from the list.")
        urgency = Urgency.NORMAL
    fields["urgency"] = urgency
    fields["needs_principal"] = bool(data.get("needs_principal"))
    department = _department(actor, data.get("department"))
    if department is None:
        errors["department"] = _("Choose one of your departments.")
    fields["department"] = department
    if errors:
        raise ValidationError(errors)
    return fields


# --- Drafting --------------------------------------------------------------------------------


def memo_create(*, actor, data: dict, idempotency_key: str = "") -> Memo:
    """A new draft memo of ``actor``'s department; a form sent twice (same key) gives the first."""
    if not rules.may_draft(actor):
        raise DocumentError(_("You cannot draft memos."))
    key = str(idempotency_key or "")[:64]
    fields = clean(actor, data)
    earlier = _written_with(actor, key)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            memo = Memo(unit_id=actor.unit_id, drafter=actor, idempotency_key=key, **fields)
            memo.save_versioned(actor=actor, expected_version=None)
            _audit("documents.memo_drafted", actor=actor, memo=memo)
            reindex(memo)
    except IntegrityError:  # the same form at the same moment (a double click)
        earlier = _written_with(actor, key)
        if earlier is None:
            raise
        return earlier
    return memo


def _written_with(actor, key: str):
    """The live memo ``actor`` already wrote with this form's key (a deleted draft's key is
    free again: the form sent after it was deleted writes a new one)."""
    if not key:
        return None
    return Memo.objects.filter(drafter=actor, idempotency_key=key, deleted_at__isnull=True).first()


def may_edit(user, memo: Memo) -> bool:
    return memo.drafter_id == user.pk and memo.state in EDITABLE and memo.deleted_at is None


@transaction.atomic
def memo_update(*, actor, memo: Memo, data: dict, expected_version: int) -> Memo:
    memo = _locked(memo, expected_version=expected_version)
    if not may_edit(actor, memo):
        raise DocumentError(_("Only the drafter changes a memo, while it is a draft or returned."))
    fields = clean(actor, data)
    if memo.serial:
        # Once submitted, the memo stays with the department that sent it, under its 密级 (the
        # route's items carry it), and for the principal if the office or a leader said so: a
        # revision may add the principal, not take them off.
        if fields["classification"] != memo.classification:
            raise ValidationError(
                {"classification": _("A memo keeps its classification once submitted.")}
            )
        fields["department"] = memo.department
        fields["needs_principal"] = memo.needs_principal or fields["needs_principal"]
    changed = sorted(name for name, value in fields.items() if getattr(memo, name) != value)
    for name, value in fields.items():
        setattr(memo, name, value)
    memo.save_versioned(actor=actor, expected_version=expected_version)
    _audit("documents.memo_changed", actor=actor, memo=memo, detail={"fields": changed})
    reindex(memo)
    return memo


@transaction.atomic
def memo_delete(*, actor, memo: Memo, expected_version: int) -> None:
    """A draft never sent may be deleted by its drafter; a memo once numbered stays."""
    memo = _locked(memo, expected_version=expected_version)
    if memo.drafter_id != actor.pk or memo.state != MemoState.DRAFT or memo.serial:
        raise DocumentError(_("Only a draft never submitted may be deleted, by its drafter."))
    memo.deleted_at = timezone.now()
    memo.save_versioned(actor=actor, expected_version=expected_version)
    _audit("documents.memo_deleted", actor=actor, memo=memo)
    search.remove(SEARCH_KIND, memo.pk)


def _next_serial(unit_id: int, year: int) -> int:
    MemoCounter.objects.get_or_create(unit_id=unit_id, year=year)
    counter = MemoCounter.objects.select_for_update().get(unit_id=unit_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _engine(call):
    """The engine's refusal (nobody to act at a step, a route that cannot be set up) is a "not
    now" for the drafter, and undoes everything, the number given included."""
    try:
        return call()
    except (WorkflowError, ValidationError) as exc:
        raise DocumentError(" ".join(getattr(exc, "messages", None) or [str(exc)])) from None


def current_run(memo):
    return workflow_selectors.latest_run(KIND, memo.pk)


@transaction.atomic
def memo_submit(*, actor, memo: Memo, expected_version: int) -> Memo:
    """Send the memo on (its number given the first time), or again after a return."""
    memo = _locked(memo, expected_version=expected_version)
    if memo.drafter_id != actor.pk:
        raise DocumentError(_("Only the drafter submits a memo."))
    if memo.state not in EDITABLE:
        raise DocumentError(
            _("This memo is already on its way (%(state)s).") % {"state": memo.get_state_display()}
        )
    if not memo.body.strip():
        raise DocumentError(_("Write the text before you submit it."))
    if memo.state == MemoState.RETURNED:
        run = current_run(memo)
        if _reviewed_by_nobody(memo, run.route, from_step=run.returned_from_step or 1):
            raise _no_reviewer_error()
        _engine(lambda: workflow.resubmit(actor=actor, run=run))
        _audit("documents.memo_resubmitted", actor=actor, memo=memo)
        return Memo.objects.get(pk=memo.pk)
    route = _engine(lambda: memo_route(memo.unit, actor=actor))
    if _reviewed_by_nobody(memo, route):
        raise _no_reviewer_error()
    now = timezone.now()
    fields = ["submitted_at", "updated_at", "updated_by", "version"]
    if not memo.serial:
        memo.year = timezone.localdate(now).year
        memo.serial = _next_serial(memo.unit_id, memo.year)
        fields += ["year", "serial"]
    memo.submitted_at = now
    memo.updated_by = actor
    memo.version += 1
    memo.save(update_fields=fields)
    _engine(
        lambda: workflow.run_start(actor=actor, subject=memo, route=route, urgency=memo.urgency)
    )
    _audit("documents.memo_submitted", actor=actor, memo=memo, detail={"number": memo.number})
    return Memo.objects.get(pk=memo.pk)


# --- Who decides: the office at 审核, the leader at 批办 ----------------------------------------


def _holding_source(user, memo) -> str | None:
    """The source of the step ``user`` holds on the memo now ("" for a step of another rule),
    or None when they hold none."""
    run = current_run(memo)
    if run is None or not run.is_live or run.current_step is None:
        return None
    if not workflow_selectors.open_items_for(user, run):
        return None
    sources = workflow_selectors.step_sources([run.route_id])
    return sources.get((run.route_id, run.current_step), "")


def routing_rights(user, memo) -> dict:
    """What ``user`` may change of who decides: the office at 审核 names the leader and whether
    the principal decides; the leader at 批办 may send it on to the principal."""
    source = _holding_source(user, memo)
    return {
        "leader": source == SOURCE_OFFICE,
        "principal": source in (SOURCE_OFFICE, SOURCE_LEADER),
    }


@transaction.atomic
def memo_route_to(
    *, actor, memo: Memo, expected_version: int, leader=None, needs_principal: bool
) -> Memo:
    rights = routing_rights(actor, memo)
    if not rights["principal"]:
        raise DocumentError(
            _("Only the office at 审核, or the leader at 批办, changes who decides this memo.")
        )
    memo = _locked(memo, expected_version=expected_version)
    if not rights["leader"]:
        # The leader at 批办 may send it on to the principal, not take the principal off.
        needs_principal = memo.needs_principal or needs_principal
    fields = ["needs_principal"]
    detail = {"needs_principal": bool(needs_principal)}
    if rights["leader"] and leader is not None:
        leaders = {u.pk for u in org_selectors.unit_leaders(memo.unit_id)}
        if leader.pk not in leaders:
            raise ValidationError({"leader": _("Choose one of the unit's leaders.")})
        if not rules.cleared_for(leader, memo.classification):
            raise ValidationError(
                {"leader": _("This leader is not cleared for the memo's classification.")}
            )
        memo.leader = leader
        fields.append("leader")
        detail["leader"] = leader.pk
    memo.needs_principal = bool(needs_principal)
    memo.save_versioned(actor=actor, expected_version=expected_version, update_fields=fields)
    _audit("documents.memo_routed", actor=actor, memo=memo, detail=detail)
    return memo
