"""Reading internal memos (签报; issue 5 §10): who sees which, the list's filters, the 签报处理单.

Visibility: the drafter sees their memos, drafts included; once submitted, the general office,
the head of the drafting department and everyone its route reached see it too — never above
their clearance, deleted ones never.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongshu.core.rules import is_business_user
from zhongshu.org.models import Department
from zhongshu.search import services as search
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow.models import AssigneeRule, Decision

from . import rules
from .models import Memo, MemoState
from .selectors import id_set

SEARCH_KIND = "documents_memo"  # services_memo.SEARCH_KIND
SOURCE_HEAD = "memo_head"  # services_memo: the step sources
SOURCE_OFFICE = "memo_office"
SOURCE_LEADER = "memo_leader"
SOURCE_PRINCIPAL = "memo_principal"
LIST_COUNT_CAP = 1000
LIST_WIDE_CAP = 20_000
FILTER_COLUMNS = (
    ("state", "state"),
    ("department", "department_id"),
    ("classification", "classification"),
)
OPEN_STATES = (
    MemoState.CHECKING,
    MemoState.REVIEWING,
    MemoState.INSTRUCTING,
    MemoState.DECIDING,
    MemoState.IN_APPROVAL,
)


def visible_memos(user) -> QuerySet[Memo]:
    if not is_business_user(user):
        return Memo.objects.none()
    live = Memo.objects.filter(
        unit_id=user.unit_id, deleted_at__isnull=True, classification__lte=user.clearance
    )
    submitted = Q(serial__isnull=False)
    if rules.is_office(user):
        return live.filter(submitted | Q(drafter=user))
    ids = (
        Memo.objects.filter(drafter=user)
        .order_by()
        .values("pk")
        .union(
            workflow_selectors.participated_subject_ids(user, rules.MEMO_KIND).order_by(),
            Memo.objects.filter(
                department__in=Department.objects.filter(head=user, deleted_at__isnull=True),
                serial__isnull=False,
            )
            .order_by()
            .values("pk"),
            all=True,
        )
    )
    return live.filter(pk__in=ids)


def can_view(user, memo: Memo) -> bool:
    return visible_memos(user).filter(pk=memo.pk).exists()


def memo_get_for(user, pk) -> Memo:
    """The memo, or 404 when it does not exist or ``user`` may not see it."""
    pk = str(pk)
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 15:
        raise Http404
    memo = (
        visible_memos(user)
        .select_related("unit", "department", "department__head", "drafter", "leader", "decided_by")
        .filter(pk=int(pk))
        .first()
    )
    if memo is None:
        raise Http404
    return memo


def filtered_memos(user, filters: dict) -> QuerySet[Memo]:
    """:func:`visible_memos` narrowed by the list's filters, newest first (keyset paging goes on
    with ``pk__lt``). ``q`` looks in the title, the number and the text through the search
    index; ``mine`` keeps the user's own memos; ``open`` those still with someone."""
    rows = visible_memos(user)
    if q := filters.get("q"):
        ids = search.matching_object_ids(SEARCH_KIND, q, cap=LIST_COUNT_CAP, wide_cap=LIST_WIDE_CAP)
        if ids is None:
            rows = rows.filter(title__icontains=q)
        else:
            rows = rows.filter(pk__in=id_set([int(pk) for pk in ids if pk.isdigit()]))
    if year := filters.get("year"):
        rows = rows.filter(year__range=(year, year))
    if filters.get("mine"):
        rows = rows.filter(drafter=user)
    if filters.get("open"):
        rows = rows.filter(state__in=OPEN_STATES)
    for name, column in FILTER_COLUMNS:
        if filters.get(name) not in (None, ""):
            rows = rows.filter(**{column: filters[name]})
    return rows.order_by("-pk")


def departments_for_filter(user) -> list[Department]:
    return list(
        Department.objects.filter(unit_id=user.unit_id, deleted_at__isnull=True)
        .only("pk", "name")
        .order_by("sort_order", "pk")
    )


def holders_of(memo_ids) -> dict:
    """{memo id: (run, [open items])} for the live runs of a page of memos, in one query."""
    return workflow_selectors.live_runs_with_holders(rules.MEMO_KIND, memo_ids)


# --- The 签报处理单 ------------------------------------------------------------------------------

OPINION_VERBS = (
    Decision.APPROVE,
    Decision.REJECT,
    Decision.COMMENT,
    Decision.RETURN_PREVIOUS,
    Decision.RETURN_TO_DRAFTER,
    Decision.RETURN_TO_STEP,
)


def sheet(memo) -> dict:
    """What the 签报处理单 prints: the opinions of each part of the sheet in order, with who and
    when — 核稿 (the department's head), 审核 (the office), 领导批示 (the leader in charge and the
    principal), and any step the office added to the route under its own name. Every run counts:
    a memo returned and resubmitted keeps both rounds."""
    runs = workflow_selectors.runs_of(rules.MEMO_KIND, memo.pk)
    records = workflow_selectors.handling_records(runs)
    parts: dict = {}
    for run in runs:
        steps = {step.order: step for step in run.route.steps.all()}
        for event in records[run.pk]:
            step = steps.get(event.step_order)
            if event.verb not in OPINION_VERBS or step is None:
                continue
            parts.setdefault(_part(step), []).append(event)
    others = [
        {"name": name, "opinions": events}
        for name, events in parts.items()
        if name not in ("check", "review", "instructions")
    ]
    return {
        "runs": runs,
        "check": parts.get("check", []),
        "review": parts.get("review", []),
        "instructions": parts.get("instructions", []),
        "other_parts": others,
    }


def _part(step) -> str:
    if step.rule == AssigneeRule.SUBMITTER_DEPARTMENT_HEAD or step.source == SOURCE_HEAD:
        return "check"
    if step.source == SOURCE_OFFICE:
        return "review"
    if step.source in (SOURCE_LEADER, SOURCE_PRINCIPAL) or step.rule in (
        AssigneeRule.PRINCIPAL,
        AssigneeRule.LEADER_IN_CHARGE,
    ):
        return "instructions"
    return step.name
