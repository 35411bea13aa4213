"""Every write of the approval engine (DESIGN.md rule 4, CONVENTIONS.md "Workflow behaviour").

Each service runs in one transaction, locks the run row and the subject row
(``select_for_update``), writes the handling record (``RunEvent``) and the audit event, and
calls ``notify()``, which writes its outbox in the same transaction. Invalid transitions raise
:class:`~zhongshu.workflow.errors.WorkflowError`; the subject's registered ``on_transition``
callback hears of every change of the run's state.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongshu.core import audit
from zhongshu.core.i18n import stored_text

from . import registry
from .conditions import holds
from .errors import AlreadyHandled, NotYours, TooLate, WorkflowError
from .models import (
    AssigneeRule,
    CommonOpinion,
    Decision,
    Delegation,
    ItemState,
    Route,
    RouteStep,
    Run,
    RunEvent,
    RunState,
    StepMode,
    WorkItem,
)

# Decisions that need a reason (UI.md "Deciding": 退回 asks for a reason).
OPINION_REQUIRED = {
    Decision.RETURN_PREVIOUS,
    Decision.RETURN_TO_DRAFTER,
    Decision.RETURN_TO_STEP,
    Decision.REJECT,
    Decision.TRANSFER,
    Decision.COMMENT,
}
READ_ONLY_DECISIONS = (Decision.APPROVE, Decision.COMMENT)
STEP_DECISIONS = (
    Decision.APPROVE,
    Decision.RETURN_PREVIOUS,
    Decision.RETURN_TO_DRAFTER,
    Decision.RETURN_TO_STEP,
    Decision.REJECT,
    Decision.COMMENT,
    Decision.TRANSFER,
    Decision.ADD_SIGNER_BEFORE,
    Decision.ADD_SIGNER_AFTER,
)
# Verbs of the handling record that count as someone having acted (withdrawal ends there).
ACTED_VERBS = {d.value for d in STEP_DECISIONS}


# --- Side effects -------------------------------------------------------------------------------


def _notify(event: str, recipients, run: Run, *, actor=None, params=None, key="") -> None:
    recipients = [r for r in recipients if r is not None]
    if not recipients:
        return
    from zhongshu.notify.services import notify  # lower layer, filled in later (lazy)

    notify(
        event=event,
        recipients=recipients,
        title=run.title,
        url=f"/work/runs/{run.pk}/",
        classification=run.classification,
        actor=actor,
        params=params or {},
        unit_id=run.unit_id,
        key=key,
    )


def _audit(action: str, *, actor, run: Run, detail: dict | None = None) -> None:
    audit.record(
        action,
        actor=actor,
        object_type="workflow.run",
        object_id=str(run.pk),
        object_repr=run.title,
        classification=run.classification,
        unit_id=run.unit_id,
        detail=detail or {},
    )


def _callback(run: Run, subject, event: str, actor) -> None:
    spec = registry.get(run.kind)
    if spec.on_transition is not None:
        spec.on_transition(subject, event, actor)


def _event(run: Run, verb: str, *, actor=None, on_behalf_of=None, step=None, opinion="", **params):
    key = params.pop("idempotency_key", "") or ""
    return RunEvent.objects.create(
        run=run,
        actor=actor,
        on_behalf_of=on_behalf_of,
        verb=verb,
        step_order=getattr(step, "order", None) if step is not None else None,
        step_name=getattr(step, "name", "") if step is not None else "",
        opinion=opinion,
        params=params,
        idempotency_key=key,
    )


# --- Resolving who acts ------------------------------------------------------------------------


def submitter_department(user):
    from zhongshu.org.models import Membership

    post = (
        Membership.objects.filter(user=user, deleted_at__isnull=True)
        .select_related("department")
        .order_by("-is_primary", "sort_order", "id")
        .first()
    )
    return post.department if post else None


def _active(users) -> list:
    seen, result = set(), []
    for user in users:
        if user is None or not user.is_active or user.closed_at or user.admin_role:
            continue
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def resolve(step: RouteStep, *, submitter, unit, kind: str = "", subject=None) -> list:
    """The people a step names now (CONVENTIONS.md: resolved when the step starts, then fixed)."""
    from zhongshu.org.models import Membership

    rule = step.rule
    if rule == AssigneeRule.SUBJECT:
        source = registry.get(kind).assignee_sources.get(step.source) if kind else None
        if source is None or subject is None:
            return []
        return [u for u in _active(source[1](subject)) if u.unit_id == unit.pk]
    if rule == AssigneeRule.PERSON:
        return _active([step.person])
    if rule == AssigneeRule.ROLE_IN_DEPARTMENT:
        posts = Membership.objects.filter(
            department=step.department_id, deleted_at__isnull=True
        ).select_related("user")
        if step.position_id:
            posts = posts.filter(position_id=step.position_id)
        if step.role:
            posts = posts.filter(user__role_grants__role=step.role)
        return _active(p.user for p in posts.order_by("sort_order", "id"))
    if rule in (AssigneeRule.SUBMITTER_DEPARTMENT_HEAD, AssigneeRule.LEADER_IN_CHARGE):
        department = submitter_department(submitter)
        if department is None:
            return []
        attr = "head" if rule == AssigneeRule.SUBMITTER_DEPARTMENT_HEAD else "leader_in_charge"
        return _active([getattr(department, attr)])
    if rule == AssigneeRule.PRINCIPAL:
        return _active([unit.principal])
    return []


def _general_office_head(unit_id):
    from zhongshu.org import selectors as org_selectors

    return _active(org_selectors.general_office_heads(unit_id))


def active_delegation(person, *, today=None) -> Delegation | None:
    today = today or timezone.localdate()
    return (
        Delegation.objects.filter(
            person=person, starts_on__lte=today, ends_on__gte=today, deleted_at__isnull=True
        )
        .select_related("delegate")
        .order_by("-id")
        .first()
    )


def delegators_of(user, *, today=None) -> list[int]:
    """Ids of the people ``user`` currently acts for."""
    today = today or timezone.localdate()
    return list(
        Delegation.objects.filter(
            delegate=user, starts_on__lte=today, ends_on__gte=today, deleted_at__isnull=True
        ).values_list("person_id", flat=True)
    )


# --- Running a route ---------------------------------------------------------------------------


@dataclass
class _Ctx:
    run: Run
    subject: object
    spec: registry.Subject
    actor: object


def _steps(run: Run) -> list[RouteStep]:
    return list(run.route.steps.select_related("person").order_by("order"))


def _due(step: RouteStep, ctx: "_Ctx | None" = None):
    if ctx is not None and ctx.spec.step_due is not None:
        due = ctx.spec.step_due(ctx.subject, step)
        if due is not None:
            return due
    if not step.due_working_days:
        return None
    from zhongshu.core.calendar import add_working_days

    return add_working_days(timezone.now(), step.due_working_days)


def _new_item(ctx: _Ctx, step_order: int, step_name: str, user, *, due_at=None, flags=None, **kw):
    """An item for ``user``, or for their delegate while they are away (if the delegate may see
    the subject: CONVENTIONS.md "A delegate must be able to see the subject")."""
    run = ctx.run
    delegate_for = None
    delegation = active_delegation(user) if not kw.get("is_cc") else None
    if delegation is not None and ctx.spec.can_view(delegation.delegate, ctx.subject):
        delegate_for, user = user, delegation.delegate
    flags = flags or {}
    return WorkItem.objects.create(
        run=run,
        unit_id=run.unit_id,
        step_order=step_order,
        step_name=step_name,
        assignee=user,
        delegate_for=delegate_for,
        due_at=due_at,
        urgency=run.urgency,
        kind=run.kind,
        title=run.title,
        url=run.url,
        classification=run.classification,
        read_only=flags.get("read_only", False),
        batch_allowed=flags.get("batch_allowed", False),
        **kw,
    )


def _advance(ctx: _Ctx, *, start_at: int) -> None:
    """Start the first step at or after ``start_at`` that applies; finish the run if none does."""
    run = ctx.run
    for step in _steps(run):
        if step.order < start_at:
            continue
        if not holds(step, ctx.subject):
            _event(run, "skipped", step=step, reason="condition")
            continue
        people = resolve(
            step, submitter=run.submitter, unit=run.unit, kind=run.kind, subject=ctx.subject
        )
        if not people and step.rule == AssigneeRule.SUBJECT:
            # The item names nobody for this step (no department asked to countersign): skip.
            _event(run, "skipped", step=step, reason="none_named")
            continue
        submitter_id = run.submitter_id
        if any(p.pk == submitter_id for p in people):
            # The submitter would approve their own request: the step is skipped, and says so.
            people = [p for p in people if p.pk != submitter_id] if step.mode == "all" else []
            if not people:
                _event(run, "skipped", step=step, reason="submitter")
                continue
        if not people:
            people = _general_office_head(run.unit_id)
            if not people:
                raise WorkflowError(
                    _(
                        "Nobody can act at step “%(step)s” and the general office has no head. "
                        "Ask the office to fix the route."
                    )
                    % {"step": step.name}
                )
            _event(run, "warning", step=step, reason="nobody", fallback=people[0].pk)
        _start_step(ctx, step, people)
        return
    _finish(ctx, RunState.APPROVED)


def _start_step(ctx: _Ctx, step: RouteStep, people: list) -> None:
    run = ctx.run
    due_at = _due(step, ctx)
    flags = {"read_only": step.read_only, "batch_allowed": step.batch_allowed}
    items = [_new_item(ctx, step.order, step.name, p, due_at=due_at, flags=flags) for p in people]
    run.current_step = step.order
    run.current_step_name = step.name
    run.due_at = due_at
    run.state = RunState.RUNNING
    run.save(update_fields=["current_step", "current_step_name", "due_at", "state", "updated_at"])
    _event(run, "step_started", step=step, assignees=[i.assignee_id for i in items])
    if ctx.spec.on_step is not None:
        ctx.spec.on_step(ctx.subject, step, ctx.actor)
    _notify("work.assigned", [i.assignee for i in items], run, actor=ctx.actor)
    cc = list(step.cc.all())
    for user in _active(cc):
        _new_item(ctx, step.order, step.name, user, is_cc=True)
    if cc:
        _notify("work.cc", cc, run, actor=ctx.actor)


def _finish(ctx: _Ctx, state: str) -> None:
    run = ctx.run
    run.state = state
    run.current_step = None
    run.current_step_name = ""
    run.due_at = None
    run.finished_at = timezone.now()
    run.save()
    _event(run, state, actor=ctx.actor)
    _callback(run, ctx.subject, state, ctx.actor)
    _notify("work.decided", [run.submitter], run, actor=ctx.actor, params={"state": state})


def _lock(run_id: int) -> _Ctx:
    run = (
        Run.objects.select_for_update(of=("self",))
        .select_related("route", "unit", "submitter")
        .get(pk=run_id)
    )
    spec = registry.get(run.kind)
    subject = spec.model._default_manager.select_for_update().get(pk=run.subject_id)
    return _Ctx(run=run, subject=subject, spec=spec, actor=None)


def active_route(unit_id, kind: str) -> Route | None:
    return Route.objects.filter(
        unit_id=unit_id, kind=kind, active=True, deleted_at__isnull=True
    ).first()


def _subject_copy(spec, subject) -> dict:
    """What a run (and each item it makes) copies of its subject for inboxes and lists."""
    return {
        "title": str(spec.title(subject))[:300],
        "url": str(spec.url(subject))[:300],
        "classification": int(spec.classification(subject)),
    }


@transaction.atomic
def run_start(*, actor, subject, route: Route | None = None, urgency: int = 0) -> Run:
    """Send ``subject`` along its route (the unit's active one for its type unless given)."""
    spec = registry.for_object(subject)
    subject = spec.model._default_manager.select_for_update().get(pk=subject.pk)
    unit_id = subject.unit_id
    route = route or active_route(unit_id, spec.kind)
    if route is None:
        raise WorkflowError(_("No approval route is set up for %(type)s.") % {"type": spec.label})
    if route.kind != spec.kind or route.unit_id != unit_id:
        raise WorkflowError(_("This route is for another business type or unit."))
    if Run.objects.filter(kind=spec.kind, subject_id=subject.pk, state__in=["running", "returned"]):
        raise WorkflowError(_("This is already in approval."))
    try:
        with transaction.atomic():
            run = Run.objects.create(
                unit_id=unit_id,
                kind=spec.kind,
                subject_id=subject.pk,
                route=route,
                submitter=actor,
                urgency=urgency,
                **_subject_copy(spec, subject),
                created_by=actor,
                updated_by=actor,
            )
    except IntegrityError:
        raise WorkflowError(_("This is already in approval.")) from None
    ctx = _Ctx(run=run, subject=subject, spec=spec, actor=actor)
    _event(run, "started", actor=actor, route=route.pk, revision=route.revision)
    _callback(run, subject, "started", actor)
    _advance(ctx, start_at=0)
    _audit("workflow.start", actor=actor, run=run, detail={"route": route.pk})
    return run


# --- Deciding ----------------------------------------------------------------------------------


def may_decide(user, item: WorkItem, *, spec=None, subject=None) -> bool:
    """The resolved assignee, the person they act for, or a delegate of the assignee now."""
    if user is None or not user.is_authenticated:
        return False
    if user.pk in (item.assignee_id, item.delegate_for_id):
        return True
    if item.assignee_id in delegators_of(user):
        if spec is None:
            return True
        return spec.can_view(user, subject)
    return False


def _on_behalf(actor, item: WorkItem):
    if actor.pk == item.assignee_id:
        return item.delegate_for
    return item.assignee


def _open_step_items(run: Run, order: int):
    return WorkItem.objects.filter(run=run, step_order=order, state=ItemState.OPEN, is_cc=False)


def _close(item: WorkItem, *, actor, decision: str, opinion: str) -> None:
    item.state = ItemState.DONE
    item.decision = decision
    item.opinion = opinion
    item.decided_at = timezone.now()
    item.decided_by = actor
    item.save(update_fields=["state", "decision", "opinion", "decided_at", "decided_by"])


def _cancel_others(run: Run, order: int, *, by) -> None:
    """A return or rejection ends the step for everyone on it (CONVENTIONS.md, 会签)."""
    _open_step_items(run, order).update(
        state=ItemState.CANCELLED, decided_by=by, decided_at=timezone.now()
    )


def executed_steps(run: Run) -> list[int]:
    """Orders of the route steps this run has started, oldest first."""
    orders = RunEvent.objects.filter(run=run, verb="step_started").values_list(
        "step_order", flat=True
    )
    return sorted(set(orders))


def _check_colleague(ctx: _Ctx, to_user, actor):
    if to_user is None:
        raise ValidationError({"to_user": _("Choose a colleague.")})
    if to_user.pk == actor.pk:
        raise ValidationError({"to_user": _("Choose someone else.")})
    if (
        to_user.unit_id != ctx.run.unit_id
        or not _active([to_user])
        or not (ctx.spec.may_receive or ctx.spec.can_view)(to_user, ctx.subject)
    ):
        raise ValidationError({"to_user": _("This person cannot handle this item.")})
    return to_user


@transaction.atomic
def decide(
    *,
    actor,
    item: WorkItem,
    decision: str,
    opinion: str = "",
    target_step: int | None = None,
    to_user=None,
    idempotency_key: str | None = None,
) -> WorkItem:
    """Record one decision on one work item (issue #3 item 2) under a lock on run and subject.

    Only the resolved assignee or their delegate may decide (else :class:`NotYours`); a
    decided item raises :class:`AlreadyHandled` naming who handled it; the same
    ``idempotency_key`` twice (a double-submitted form) decides once.
    """
    ctx = _lock(item.run_id)
    ctx.actor = actor
    run = ctx.run
    item = (
        WorkItem.objects.select_for_update(of=("self",))
        .select_related("assignee", "delegate_for")
        .get(pk=item.pk)
    )
    if item.is_cc or not may_decide(actor, item, spec=ctx.spec, subject=ctx.subject):
        raise NotYours(_("This item is not yours to decide."))
    if (
        idempotency_key
        and RunEvent.objects.filter(
            run=run, actor=actor, idempotency_key=idempotency_key[:64]
        ).exists()
    ):
        return item
    if item.state != ItemState.OPEN:
        raise AlreadyHandled(item.decided_by)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    opinion = (opinion or "").strip()
    if item.step_order == 0:
        if decision != Decision.RESUBMIT:
            raise WorkflowError(_("A returned item can only be resubmitted or withdrawn."))
        _resubmit(ctx, item, opinion=opinion, key=idempotency_key)
        return item
    if item.read_only:
        if decision not in READ_ONLY_DECISIONS:
            raise WorkflowError(_("This step only takes note."))
        opinion = opinion or "已阅"
    if decision in OPINION_REQUIRED and not opinion:
        raise ValidationError({"opinion": _("Give your opinion or reason.")})
    if decision == Decision.RESUBMIT:
        raise WorkflowError(_("Only the drafter resubmits."))
    if run.state != RunState.RUNNING or run.current_step != item.step_order:
        raise WorkflowError(_("This approval is not waiting for this step."))

    step = next((s for s in _steps(run) if s.order == item.step_order), None)
    on_behalf = _on_behalf(actor, item)
    record = {
        "actor": actor,
        "on_behalf_of": on_behalf,
        "step": step,
        "opinion": opinion,
        "idempotency_key": idempotency_key or "",
    }

    if decision == Decision.COMMENT:
        _event(run, decision, **record)
        _audit("workflow.comment", actor=actor, run=run, detail={"item": item.pk})
        return item

    if decision in (Decision.TRANSFER, Decision.ADD_SIGNER_BEFORE, Decision.ADD_SIGNER_AFTER):
        colleague = _check_colleague(ctx, to_user, actor)
        _close(item, actor=actor, decision=decision, opinion=opinion)
        if decision == Decision.ADD_SIGNER_AFTER and step.mode == StepMode.ONE:
            _cancel_others(run, item.step_order, by=actor)
        new = _new_item(
            ctx,
            item.step_order,
            item.step_name,
            colleague,
            due_at=item.due_at,
            flags={"read_only": item.read_only, "batch_allowed": item.batch_allowed},
            return_to=actor if decision == Decision.ADD_SIGNER_BEFORE else None,
        )
        _event(run, decision, to_user=colleague.pk, to_name=str(colleague), **record)
        _notify("work.assigned", [new.assignee], run, actor=actor)
        _audit(f"workflow.{decision}", actor=actor, run=run, detail={"to": colleague.pk})
        return item

    if decision == Decision.APPROVE:
        _close(item, actor=actor, decision=decision, opinion=opinion)
        _event(run, decision, **record)
        if item.return_to_id:
            # 加签 before me: the one who asked gets the step back.
            back = _new_item(
                ctx,
                item.step_order,
                item.step_name,
                item.return_to,
                due_at=item.due_at,
                flags={"read_only": item.read_only, "batch_allowed": item.batch_allowed},
            )
            _notify("work.assigned", [back.assignee], run, actor=actor)
        elif step.mode == StepMode.ONE or not _open_step_items(run, item.step_order).exists():
            _cancel_others(run, item.step_order, by=actor)
            _advance(ctx, start_at=item.step_order + 1)
        _audit("workflow.approve", actor=actor, run=run, detail={"item": item.pk})
        return item

    # Returns and rejection end the step for everyone on it.
    _close(item, actor=actor, decision=decision, opinion=opinion)
    _cancel_others(run, item.step_order, by=actor)
    if decision == Decision.REJECT:
        _event(run, decision, **record)
        _finish(ctx, RunState.REJECTED)
    elif decision == Decision.RETURN_TO_STEP:
        earlier = [o for o in executed_steps(run) if o < item.step_order]
        if target_step not in earlier:
            raise ValidationError({"target_step": _("Choose a step this approval has passed.")})
        _event(run, decision, target_step=target_step, **record)
        _restart(ctx, target_step)
    else:
        earlier = [o for o in executed_steps(run) if o < item.step_order]
        if decision == Decision.RETURN_PREVIOUS and earlier:
            _event(run, decision, target_step=earlier[-1], **record)
            _restart(ctx, earlier[-1])
        else:
            _event(run, decision, **record)
            _return_to_drafter(ctx, item)
    _notify("work.decided", [run.submitter], run, actor=actor, params={"decision": decision})
    _audit(f"workflow.{decision}", actor=actor, run=run, detail={"item": item.pk})
    return item


def _restart(ctx: _Ctx, order: int) -> None:
    step = next(s for s in _steps(ctx.run) if s.order == order)
    people = resolve(
        step, submitter=ctx.run.submitter, unit=ctx.run.unit, kind=ctx.run.kind, subject=ctx.subject
    )
    people = [p for p in people if p.pk != ctx.run.submitter_id] or _general_office_head(
        ctx.run.unit_id
    )
    if not people:
        raise WorkflowError(_("Nobody can act at step “%(step)s”.") % {"step": step.name})
    _start_step(ctx, step, people)


def _return_to_drafter(ctx: _Ctx, item: WorkItem) -> None:
    run = ctx.run
    run.state = RunState.RETURNED
    run.returned_from_step = item.step_order
    run.current_step = None
    run.current_step_name = ""
    run.due_at = None
    run.save()
    WorkItem.objects.create(
        run=run,
        unit_id=run.unit_id,
        step_order=0,
        step_name=stored_text(gettext_lazy("Returned to the drafter")),
        assignee=run.submitter,
        urgency=run.urgency,
        kind=run.kind,
        title=run.title,
        url=run.url,
        classification=run.classification,
    )
    _callback(run, ctx.subject, "returned", ctx.actor)


def _resubmit(ctx: _Ctx, item: WorkItem, *, opinion: str, key) -> None:
    run = ctx.run
    _close(item, actor=ctx.actor, decision=Decision.RESUBMIT, opinion=opinion)
    _event(run, "resubmit", actor=ctx.actor, opinion=opinion, idempotency_key=key or "")
    target = run.returned_from_step or 1
    run.returned_from_step = None
    run.state = RunState.RUNNING
    _callback(run, ctx.subject, "resubmitted", ctx.actor)
    # The drafter may have changed the title (or 密级) while it was back: the inboxes show the
    # subject as it now is (the items already decided keep the title they had).
    copy = _subject_copy(ctx.spec, ctx.subject)
    for name, value in copy.items():
        setattr(run, name, value)
    run.save(update_fields=list(copy))
    _restart(ctx, target)
    _audit("workflow.resubmit", actor=ctx.actor, run=run, detail={"step": target})


@transaction.atomic
def resubmit(*, actor, run: Run, opinion: str = "") -> Run:
    """The drafter sends a returned run back to the step that returned it (CONVENTIONS.md)."""
    item = WorkItem.objects.filter(
        run_id=run.pk, step_order=0, state=ItemState.OPEN, assignee=actor
    ).first()
    if item is None:
        if run.submitter_id != actor.pk:
            raise NotYours(_("This approval is not yours."))
        raise WorkflowError(_("This approval is not waiting for you."))
    decide(actor=actor, item=item, decision=Decision.RESUBMIT, opinion=opinion)
    run.refresh_from_db()
    return run


def has_decisions(run: Run) -> bool:
    return RunEvent.objects.filter(run=run, verb__in=ACTED_VERBS).exists()


def may_withdraw(user, run: Run) -> bool:
    """The submitter, while the run is live and nobody has acted on it (or it was returned)."""
    return (
        run.submitter_id == getattr(user, "pk", None)
        and run.is_live
        and (run.state == RunState.RETURNED or not has_decisions(run))
    )


@transaction.atomic
def withdraw(*, actor, run: Run) -> Run:
    """The submitter takes the run back while nobody has acted yet (CONVENTIONS.md)."""
    ctx = _lock(run.pk)
    ctx.actor = actor
    run = ctx.run
    if run.submitter_id != actor.pk:
        raise NotYours(_("This approval is not yours."))
    if not run.is_live:
        raise TooLate(_("This approval has already ended."))
    if run.state == RunState.RUNNING and has_decisions(run):
        raise TooLate(_("Someone has already acted on it; it can no longer be withdrawn."))
    _end(ctx, actor)
    _audit("workflow.withdraw", actor=actor, run=run)
    return run


def _end(ctx: _Ctx, actor) -> None:
    run = ctx.run
    WorkItem.objects.filter(run=run, state=ItemState.OPEN).update(
        state=ItemState.CANCELLED, decided_by=actor, decided_at=timezone.now()
    )
    run.state = RunState.WITHDRAWN
    run.current_step = None
    run.current_step_name = ""
    run.due_at = None
    run.finished_at = timezone.now()
    run.save()
    _event(run, "withdrawn", actor=actor)
    _callback(run, ctx.subject, "withdrawn", actor)


@transaction.atomic
def take_back(*, actor, run: Run) -> Run:
    """The subject's module ends a run that came back to it (returned), whoever submitted it:
    e.g. the general office takes back an incoming document a department sent back (退办) to
    send it on afresh. The module decides who may; the run must be returned."""
    ctx = _lock(run.pk)
    ctx.actor = actor
    if ctx.run.state != RunState.RETURNED:
        raise TooLate(_("This approval is not waiting to be resubmitted."))
    _end(ctx, actor)
    _audit("workflow.take_back", actor=actor, run=ctx.run)
    return ctx.run


# --- Copies (抄送) --------------------------------------------------------------------------


def cc_mark_read(*, actor, run: Run | None = None, kind: str = "", subject_id=None) -> int:
    """Mark ``actor``'s copies read: those of ``run`` when they open it, those of every run of
    a subject when they open the subject's own page (``kind`` and ``subject_id``), or all of
    them ("mark all read" in the cc box). Reading writes nothing when there is nothing new, so
    opening a run stays a read for the database (SQLite takes its write lock for any UPDATE)."""
    items = WorkItem.objects.filter(assignee=actor, is_cc=True, read_at__isnull=True)
    if run is not None:
        items = items.filter(run=run)
    if subject_id is not None:
        items = items.filter(kind=kind, run__subject_id=subject_id)
    if not items.exists():
        return 0
    return items.update(read_at=timezone.now())


@transaction.atomic
def copy_to(*, actor, run: Run, users, step_name: str) -> list[WorkItem]:
    """Put ``run`` in the "抄送我的" box of ``users`` after the route, e.g. when a module
    distributes the approved subject (documents: 核发). The copies are unread, like the ones a
    step's cc list makes, and filed under the route's last step; someone who already has a
    copy named ``step_name`` on this run gets no second one. The caller has made sure that each
    of them may see the subject. Returns the new copies."""
    people = _active(users)
    if not people:
        return []
    already = set(
        WorkItem.objects.filter(
            run=run, is_cc=True, step_name=str(step_name)[:60], assignee__in=people
        ).values_list("assignee_id", flat=True)
    )
    people = [p for p in people if p.pk not in already]
    if not people:
        return []
    last = run.route.steps.order_by("-order").values_list("order", flat=True).first() or 1
    items = WorkItem.objects.bulk_create(
        [
            WorkItem(
                run=run,
                unit_id=run.unit_id,
                step_order=last,
                step_name=str(step_name)[:60],
                assignee=person,
                is_cc=True,
                urgency=run.urgency,
                kind=run.kind,
                title=run.title,
                url=run.url,
                classification=run.classification,
            )
            for person in people
        ],
        batch_size=500,
    )
    _notify("work.cc", people, run, actor=actor)
    _audit("workflow.copy", actor=actor, run=run, detail={"to": [p.pk for p in people]})
    return items


# --- Routes ------------------------------------------------------------------------------------

STEP_FIELDS = (
    "name",
    "rule",
    "department",
    "position",
    "role",
    "person",
    "source",
    "mode",
    "condition_field",
    "condition_op",
    "condition_value",
    "read_only",
    "batch_allowed",
    "due_working_days",
)


def _validate_steps(unit, kind: str, steps: list[dict]) -> None:
    """Refuse a route with a step that can resolve to nobody (issue #3, "Bad input"): a
    department's position or business role that no active person of it holds, among others."""
    from zhongshu.org.models import Department, Role

    if not steps:
        raise ValidationError({"steps": _("A route needs at least one step.")})
    spec = registry.get(kind)
    errors = []
    for number, data in enumerate(steps, start=1):
        name = data.get("name") or str(number)
        rule = data.get("rule")
        problem = None
        if rule not in AssigneeRule.values:
            problem = _("choose who acts")
        elif data.get("role") and data["role"] not in Role.values:
            problem = _("choose a role from the list")
        elif data.get("role") and rule != AssigneeRule.ROLE_IN_DEPARTMENT:
            problem = _("a role applies only to “Position or role in a department”")
        elif data.get("condition_field") and data["condition_field"] not in spec.condition_fields:
            problem = _("the condition field is not one this business type offers")
        elif rule == AssigneeRule.SUBJECT:
            if data.get("source") not in spec.assignee_sources:
                problem = _("choose whom the item names")
        elif rule == AssigneeRule.PERSON:
            person = data.get("person")
            if person is None or not _active([person]) or person.unit_id != unit.pk:
                problem = _("choose an active person of this unit")
        elif rule == AssigneeRule.ROLE_IN_DEPARTMENT:
            if data.get("department") is None:
                problem = _("choose a department")
            else:
                probe = RouteStep(
                    rule=rule,
                    department=data["department"],
                    position=data.get("position"),
                    role=data.get("role") or "",
                )
                if not resolve(probe, submitter=None, unit=unit):
                    problem = _("nobody in the department holds this position or role")
        elif rule == AssigneeRule.PRINCIPAL:
            if not _active([unit.principal]):
                problem = _("the unit has no principal leader")
        else:
            attr = "head" if rule == AssigneeRule.SUBMITTER_DEPARTMENT_HEAD else "leader_in_charge"
            missing = [
                d.name
                for d in Department.objects.filter(
                    unit=unit, deleted_at__isnull=True, memberships__deleted_at__isnull=True
                )
                .select_related(attr)
                .distinct()
                if not _active([getattr(d, attr)])
            ]
            if missing:
                problem = _("these departments have nobody in that post: %(names)s") % {
                    "names": "、".join(sorted(missing))
                }
        if problem:
            errors.append(
                _("Step %(number)s (%(name)s): %(problem)s.")
                % {"number": number, "name": name, "problem": problem}
            )
    if errors:
        raise ValidationError({"steps": errors})


def _write_steps(route: Route, steps: list[dict]) -> None:
    for order, data in enumerate(steps, start=1):
        step = RouteStep.objects.create(
            route=route, order=order, **{k: data[k] for k in STEP_FIELDS if k in data}
        )
        if data.get("cc"):
            step.cc.set(data["cc"])


@transaction.atomic
def route_create(*, actor, unit, kind: str, name: str, steps: list[dict]) -> Route:
    """A new route, in use at once; it replaces the unit's route for that type."""
    registry.get(kind)
    _validate_steps(unit, kind, steps)
    Route.objects.filter(unit=unit, kind=kind, active=True).update(active=False)
    route = Route(unit=unit, kind=kind, name=name, active=True)
    route.save_versioned(actor=actor, expected_version=None)
    route.family = route.pk
    route.save(update_fields=["family"])
    _write_steps(route, steps)
    audit.record("workflow.route_create", actor=actor, obj=route, detail={"steps": len(steps)})
    return route


@transaction.atomic
def adhoc_route(*, actor, unit, kind: str, name: str, person) -> Route:
    """A one-step route for a single run that a module starts itself (e.g. a text changed after
    签发 goes back to its signer alone). Never the unit's active route for the type."""
    registry.get(kind)
    if not _active([person]) or person.unit_id != unit.pk:
        raise WorkflowError(_("%(name)s cannot act on this any more.") % {"name": person})
    route = Route(unit=unit, kind=kind, name=str(name)[:100], active=False)
    route.save_versioned(actor=actor, expected_version=None)
    route.family = route.pk
    route.save(update_fields=["family"])
    _write_steps(route, [{"name": str(name)[:60], "rule": AssigneeRule.PERSON, "person": person}])
    return route


@transaction.atomic
def route_update(*, actor, route: Route, name: str, steps: list[dict]) -> Route:
    """Editing a route makes a new version; runs in flight keep theirs (issue #3 item 1)."""
    route = Route.objects.select_for_update().get(pk=route.pk)
    if not route.active:
        raise WorkflowError(_("Only the route in use can be edited."))
    _validate_steps(route.unit, route.kind, steps)
    route.active = False
    route.save_versioned(actor=actor, expected_version=route.version, update_fields=["active"])
    new = Route(
        unit_id=route.unit_id,
        kind=route.kind,
        name=name,
        family=route.family,
        revision=route.revision + 1,
        active=True,
    )
    new.save_versioned(actor=actor, expected_version=None)
    _write_steps(new, steps)
    audit.record("workflow.route_update", actor=actor, obj=new, detail={"revision": new.revision})
    return new


# --- Personal settings ---------------------------------------------------------------------


@transaction.atomic
def common_opinion_add(*, actor, text: str) -> CommonOpinion:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the opinion.")})
    last = CommonOpinion.objects.filter(user=actor).order_by("-sort_order").first()
    return CommonOpinion.objects.create(
        user=actor, text=text[:200], sort_order=(last.sort_order + 1) if last else 0
    )


@transaction.atomic
def common_opinion_delete(*, actor, opinion_id: int) -> None:
    CommonOpinion.objects.filter(user=actor, pk=opinion_id).delete()


@transaction.atomic
def delegation_set(*, actor, delegate, starts_on, ends_on) -> Delegation:
    """``actor`` is away from ``starts_on`` to ``ends_on``; ``delegate`` acts for them."""
    if delegate is None or delegate.pk == actor.pk:
        raise ValidationError({"delegate": _("Choose someone else.")})
    if delegate.unit_id != actor.unit_id or not _active([delegate]):
        raise ValidationError({"delegate": _("Choose an active colleague of your unit.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    Delegation.objects.filter(person=actor, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    delegation = Delegation(
        unit_id=actor.unit_id, person=actor, delegate=delegate, starts_on=starts_on, ends_on=ends_on
    )
    delegation.save_versioned(actor=actor, expected_version=None)
    audit.record(
        "workflow.delegation_set", actor=actor, obj=delegation, detail={"delegate": delegate.pk}
    )
    return delegation


@transaction.atomic
def delegation_end(*, actor) -> None:
    Delegation.objects.filter(person=actor, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    audit.record("workflow.delegation_end", actor=actor, object_type="workflow.delegation")


# --- Reminders -----------------------------------------------------------------------------


def remind_due(*, now=None, batch: int = 500) -> int:
    """Remind assignees of items due within a day and of overdue items, once a day each.

    Safe on several consumers at once (CONVENTIONS.md "Background work"): each reminder carries
    a key unique per item, kind and day, which ``notify()`` writes only once.
    """
    from zhongshu.notify.services import notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    last = 0
    while True:
        items = list(
            WorkItem.objects.filter(
                state=ItemState.OPEN,
                is_cc=False,
                due_at__isnull=False,
                due_at__lt=now + timedelta(days=1),
                pk__gt=last,
            )
            .select_related("assignee")
            .order_by("pk")[:batch]
        )
        if not items:
            return sent
        for item in items:
            kind = "overdue" if item.due_at < now else "due_soon"
            with transaction.atomic():
                sent += notify(
                    event=f"work.{kind}",
                    recipients=[item.assignee],
                    title=item.title,
                    url=f"/work/runs/{item.run_id}/",
                    classification=item.classification,
                    unit_id=item.unit_id,
                    params={"step": item.step_name},
                    key=f"{kind}:{item.pk}:{today.isoformat()}",
                )
        last = items[-1].pk
