"""Every read of the approval engine, already filtered by who may see it.

The inbox has one order everywhere — overdue first, then urgency, due time, id (CONVENTIONS.md
"Workflow behaviour") — with keyset paging on those four columns: the cursor carries the last
row's values and the moment "overdue" was computed at, so a page never shifts while you read.
No list counts the table: the top-bar badge counts at most ``CAP + 1`` rows.
"""

from django.core import signing
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zhongshu.core.rules import is_business_user

from . import registry
from .models import Decision, ItemState, Route, RouteStep, Run, RunEvent, RunState, WorkItem
from .services import delegators_of, executed_steps, may_decide

BOXES = ("todo", "done", "mine", "cc")
PAGE_SIZE = 20
CAP = 99
_SALT = "workflow.inbox"


class BadCursor(ValueError):
    pass


def _todo(user, delegators=None):
    ids = [user.pk, *(delegators if delegators is not None else delegators_of(user))]
    return WorkItem.objects.filter(assignee_id__in=ids, state=ItemState.OPEN, is_cc=False)


def _box_queryset(user, box: str):
    if box == "todo":
        return _todo(user), Q(state=ItemState.OPEN)
    if box == "done":
        return (
            WorkItem.objects.filter(decided_by=user, state=ItemState.DONE, is_cc=False),
            Q(pk__in=[]),
        )
    if box == "cc":
        return WorkItem.objects.filter(assignee=user, is_cc=True), Q(pk__in=[])
    if box == "mine":
        return Run.objects.filter(submitter=user), Q(state=RunState.RUNNING)
    raise ValueError(box)


def encode_cursor(row, now) -> str:
    return signing.dumps(
        {
            "n": now.isoformat(),
            "o": row.overdue,
            "u": row.urgency,
            "d": row.due_at.isoformat() if row.due_at else None,
            "i": row.pk,
        },
        salt=_SALT,
        compress=True,
    )


def decode_cursor(cursor: str) -> dict:
    try:
        data = signing.loads(cursor, salt=_SALT)
        parsed = {
            "n": parse_datetime(data["n"]),
            "o": int(data["o"]),
            "u": int(data["u"]),
            "d": parse_datetime(data["d"]) if data["d"] is not None else None,
            "i": int(data["i"]),
        }
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadCursor(str(exc)) from None
    if parsed["n"] is None or (data["d"] is not None and parsed["d"] is None):
        raise BadCursor("bad time")
    return parsed


def _after(cursor) -> Q:
    """Rows after ``cursor`` in the order (urgency desc, due_at asc nulls last, id)."""
    u, d, i = cursor["u"], cursor["d"], cursor["i"]
    if d is None:
        same_urgency = Q(due_at__isnull=True, pk__gt=i)
    else:
        same_urgency = Q(due_at__gt=d) | Q(due_at__isnull=True) | Q(due_at=d, pk__gt=i)
    return Q(urgency__lt=u) | (Q(urgency=u) & same_urgency)


ORDER = ("-urgency", F("due_at").asc(nulls_last=True), "pk")


def inbox(
    user,
    *,
    box: str = "todo",
    kind: str = "",
    urgency: int | None = None,
    overdue: bool | None = None,
    unread: bool | None = None,
    after: str = "",
    size: int = PAGE_SIZE,
):
    """One keyset page of a box and the cursor of the next page (or ``""``).

    The order — overdue first, then urgency, due time, id — is read as two segments, each
    served in index order (overdue rows, then the others), so no page sorts the user's whole
    box. At most three queries (delegations, then one or two segments), whatever the size.
    ``unread`` filters the copies (``cc`` box) by whether they were read.
    Raises :class:`BadCursor` for a cursor that was not ours.
    """
    if box not in BOXES:
        raise ValueError(box)
    if not is_business_user(user):
        return [], ""
    cursor = decode_cursor(after) if after else None
    now = cursor["n"] if cursor else timezone.now()
    rows, live = _box_queryset(user, box)
    if kind:
        rows = rows.filter(kind=kind)
    if urgency is not None:
        rows = rows.filter(urgency=urgency)
    if box == "cc" and unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    if box != "mine":
        rows = rows.select_related("assignee", "delegate_for", "decided_by")
    else:
        rows = rows.select_related("submitter")
    late = live & Q(due_at__lt=now)
    segments = []
    if overdue is not False and box in ("todo", "mine"):
        segments.append((1, rows.filter(late)))
    if overdue is not True:
        segments.append((0, rows.exclude(late) if box in ("todo", "mine") else rows))
    page = []
    for flag, segment in segments:
        if cursor is not None:
            if cursor["o"] < flag:
                continue  # the cursor is already past this segment
            if cursor["o"] == flag:
                segment = segment.filter(_after(cursor))
        for row in segment.order_by(*ORDER)[: size + 1 - len(page)]:
            row.overdue = flag
            page.append(row)
        if len(page) > size:
            break
    if len(page) > size:
        page = page[:size]
        return page, encode_cursor(page[-1], now)
    return page, ""


def todo_count(user) -> int:
    """For the top-bar badge: at most ``CAP + 1`` rows are counted ("99+")."""
    if not is_business_user(user):
        return 0
    return _todo(user).values("pk")[: CAP + 1].count()


def cc_unread_count(user) -> int:
    """Copies not read yet, for the cc tab: at most ``CAP + 1`` rows are counted ("99+")."""
    if not is_business_user(user):
        return 0
    return (
        WorkItem.objects.filter(assignee=user, is_cc=True, read_at__isnull=True)
        .values("pk")[: CAP + 1]
        .count()
    )


def run_get_for(user, pk) -> Run:
    """A run the user takes part in (submitter, assignee, delegate, copy) and may see; else 404."""
    if not is_business_user(user):
        raise Http404
    run = Run.objects.select_related("route", "submitter").filter(pk=pk).first()
    if run is None:
        raise Http404
    if run.submitter_id != user.pk:
        people = [user.pk, *delegators_of(user)]
        if not WorkItem.objects.filter(
            Q(assignee_id__in=people) | Q(delegate_for=user) | Q(decided_by=user), run=run
        ).exists():
            raise Http404
    spec = registry.get(run.kind)
    subject = spec.model._default_manager.filter(pk=run.subject_id).first()
    if subject is None or not spec.can_view(user, subject):
        raise Http404
    run.subject = subject
    run.spec = spec
    return run


def item_get_for(user, pk) -> WorkItem:
    """A work item the user may decide (assignee, the person they act for, or a delegate)."""
    if not is_business_user(user):
        raise Http404
    item = WorkItem.objects.select_related("run", "assignee", "delegate_for").filter(pk=pk).first()
    if item is None or item.is_cc or not may_decide(user, item):
        raise Http404
    return item


def open_items_for(user, run: Run) -> list[WorkItem]:
    """The user's open items on this run (their own and those they act for)."""
    people = [user.pk, *delegators_of(user)]
    return list(
        WorkItem.objects.filter(
            Q(assignee_id__in=people) | Q(delegate_for=user),
            run=run,
            state=ItemState.OPEN,
            is_cc=False,
        ).select_related("assignee", "delegate_for")
    )


def handling_record(run: Run) -> list[RunEvent]:
    return handling_records([run])[run.pk]


def handling_records(runs) -> dict[int, list[RunEvent]]:
    """``{run id: its events in order}`` for several runs of one subject, in one query."""
    records: dict[int, list[RunEvent]] = {run.pk: [] for run in runs}
    events = (
        RunEvent.objects.filter(run_id__in=list(records))
        .select_related("actor", "on_behalf_of")
        .order_by("at", "id")
    )
    for event in events:
        records[event.run_id].append(event)
    return records


def run_steps(run: Run) -> list[dict]:
    """The route as steps, each with where it stands in this run (for the Steps display)."""
    done = set(executed_steps(run))
    current = run.current_step
    holders: dict[int, list[str]] = {}
    for item in WorkItem.objects.filter(run=run, state=ItemState.OPEN, is_cc=False).select_related(
        "assignee"
    ):
        holders.setdefault(item.step_order, []).append(str(item.assignee))
    steps = []
    for step in run.route.steps.order_by("order"):
        if step.order == current and run.state == RunState.RUNNING:
            status = "current"
        elif step.order in done:
            status = "done"
        else:
            status = "waiting"
        steps.append({"step": step, "status": status, "holders": holders.get(step.order, [])})
    return steps


def earlier_steps(run: Run, item: WorkItem) -> list[dict]:
    names = {s.order: s.name for s in run.route.steps.all()}
    return [
        {"order": o, "name": names.get(o, str(o))}
        for o in executed_steps(run)
        if o < item.step_order
    ]


def routes_for(user, unit_ids) -> list[Route]:
    return list(
        Route.objects.filter(unit_id__in=unit_ids, active=True, deleted_at__isnull=True)
        .select_related("unit")
        .order_by("unit_id", "kind", "id")
    )


def route_get_for(unit_ids, pk) -> Route:
    route = (
        Route.objects.filter(unit_id__in=unit_ids, deleted_at__isnull=True, pk=pk)
        .select_related("unit")
        .first()
    )
    if route is None:
        raise Http404
    return route


PICKER_SIZE = 20


def colleague_choices(user, *, q: str = "", chosen=None) -> tuple[list, bool]:
    """The colleague picker's list (transfer, 加签, delegation): at most ``PICKER_SIZE`` matches
    of ``q`` and whether there are more, with the person already ``chosen`` (a pk) kept on top
    so a form shown again does not lose the choice. The services check the person again (same
    unit, active, able to see the subject)."""
    from zhongshu.org.selectors import colleague_candidates

    people, more = colleague_candidates(user, q=q, limit=PICKER_SIZE)
    if chosen is not None and all(p.pk != chosen for p in people):
        picked, _ = colleague_candidates(user, pk=chosen)
        people = picked + people
    return people, more


def common_opinions_of(user):
    from .models import CommonOpinion

    return CommonOpinion.objects.filter(user=user)


def current_delegation_of(user):
    from .models import Delegation

    return (
        Delegation.objects.filter(person=user, deleted_at__isnull=True)
        .select_related("delegate")
        .first()
    )


def participated_subject_ids(user, kind: str):
    """A subquery of the ids of ``kind`` subjects whose approval ``user`` took part in: as an
    assignee (cc included), the person a delegate acted for, or the one who decided.

    For a business module's visibility rule ("route participants see it"); one indexed query
    when used in ``filter(pk__in=...)``.
    """
    return (
        WorkItem.objects.filter(run__kind=kind)
        .filter(Q(assignee=user) | Q(delegate_for=user) | Q(decided_by=user))
        .values("run__subject_id")
    )


def approved_on_behalf_of(user, kind: str, subject_id) -> int | None:
    """Whom ``user``'s latest approval of the subject was for: the id of the person they acted
    for as a delegate ("代"), None when they acted for themselves or never approved it."""
    item = (
        WorkItem.objects.filter(
            run__kind=kind, run__subject_id=subject_id, decided_by=user, decision=Decision.APPROVE
        )
        .order_by("-decided_at", "-id")
        .only("assignee_id", "delegate_for_id")
        .first()
    )
    if item is None:
        return None
    return item.delegate_for_id if item.assignee_id == user.pk else item.assignee_id


def runs_of(kind: str, subject_id) -> list[Run]:
    """Every run of one subject, oldest first (withdrawn ones and returns to a signer too)."""
    return list(
        Run.objects.filter(kind=kind, subject_id=subject_id).select_related("route").order_by("id")
    )


def latest_run(kind: str, subject_id) -> Run | None:
    """The newest run of one subject, live or not."""
    return Run.objects.filter(kind=kind, subject_id=subject_id).order_by("-id").first()


def open_holders(run: Run) -> list[WorkItem]:
    """The open items of a run's current step (copies aside), with who holds them and for whom,
    in the order they were given."""
    return list(
        WorkItem.objects.filter(run=run, state=ItemState.OPEN, is_cc=False)
        .select_related("assignee", "delegate_for")
        .order_by("created_at", "id")
    )


def live_runs_with_holders(kind: str, subject_ids) -> dict:
    """For a page of subjects: ``{subject_id: (run, [open items])}`` of each live run (running
    or returned), items with their assignee, oldest first. Two queries, whatever the page size."""
    runs = {
        run.subject_id: run
        for run in Run.objects.filter(
            kind=kind,
            subject_id__in=list(subject_ids),
            state__in=(RunState.RUNNING, RunState.RETURNED),
        ).only("pk", "subject_id", "state", "current_step_name")
    }
    if not runs:
        return {}
    holders: dict[int, list] = {}
    items = (
        WorkItem.objects.filter(
            run_id__in=[r.pk for r in runs.values()], state=ItemState.OPEN, is_cc=False
        )
        .select_related("assignee")
        .only("run_id", "created_at", "assignee__full_name")
        .order_by("created_at", "id")
    )
    for item in items:
        holders.setdefault(item.run_id, []).append(item)
    return {subject: (run, holders.get(run.pk, [])) for subject, run in runs.items()}


def decided_with_key(kind: str, subject_id, user, key: str) -> bool:
    """Whether ``user`` already decided on a run of the subject with this idempotency key (a
    form or request sent twice): the module answers as the first time."""
    if not key:
        return False
    return RunEvent.objects.filter(
        run__kind=kind, run__subject_id=subject_id, actor=user, idempotency_key=str(key)[:64]
    ).exists()


def handed_over_by(item: WorkItem, *, hops: int = 5) -> list[int]:
    """Who passed ``item`` on to its holder (转交, or 加签 before them), nearest first, following
    a chain of hand-overs at the same step: a module can tell whom the holder stands in for."""
    chain, person = [], item.assignee_id
    for _hop in range(hops):
        giver = (
            RunEvent.objects.filter(
                run_id=item.run_id,
                step_order=item.step_order,
                verb__in=(Decision.TRANSFER, Decision.ADD_SIGNER_BEFORE),
                params__to_user=person,
            )
            .order_by("-at", "-id")
            .values_list("actor_id", flat=True)
            .first()
        )
        if giver is None or giver in chain:
            break
        chain.append(giver)
        person = giver
    return chain


def step_sources(route_ids) -> dict[tuple[int, int], str]:
    """``{(route id, step order): source}`` of the given routes' steps, one query: a module tells
    its steps apart by whom they name (``source``), since the office may rename or add steps."""
    route_ids = list(route_ids)
    if not route_ids:
        return {}
    rows = RouteStep.objects.filter(route_id__in=route_ids).values_list(
        "route_id", "order", "source"
    )
    return {(route_id, order): source for route_id, order, source in rows}
