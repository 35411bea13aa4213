"""Demo internal memos (签报, issue 5 item 10): the food production department's clerk
(``staff1``) asks the leaders for decisions, and the memos stand at every point of the route —
with the department head (``head1``) at 核稿, the office (``office``) at 审核, the deputy in
charge (``deputy1``) at 批办, the director (``director``) at 审批, returned for revision,
approved, not approved, and one still a draft.

Written through the services and the approval engine, so every opinion is on the 签报处理单.
"""

from django.utils import timezone

from zhongshu.core.calendar import add_working_days
from zhongshu.notify.models import Notification
from zhongshu.workflow import selectors as workflow_selectors
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import ItemState, Run, RunEvent, RunState, WorkItem

from . import rules, services_memo
from .demo_incoming import _Clock, _Moments, _received
from .models import Memo

# (drafter, department code, title, text, for the principal?, [(who, decision, opinion), ...]);
# no decisions: submitted and waiting for the department head (head1, a demo account).
# "head" is the department's head; the route is 核稿 → 审核 → 批办 → 审批 (principal, if asked).
MEMOS = [
    (
        "staff1",
        "SPSC",
        "关于举办全市食品生产企业负责人培训班的请示",
        "为落实企业主体责任，拟于下月举办全市食品生产企业负责人培训班，培训约200人，"
        "经费约4万元，从食品安全监管业务经费列支。\n妥否，请批示。",
        False,
        [
            ("head", "approve", "情况属实，拟同意。"),
            ("office", "approve", "请李局长审批。"),
            ("deputy1", "approve", "同意。注意控制规模和经费，培训结束后报送总结。"),
        ],
    ),
    (
        "staff1",
        "SPSC",
        "关于购置食品快速检测设备的请示",
        "现有快检设备已使用8年，检测项目不能满足监管需要。拟购置快速检测设备12台（套），"
        "预算约36万元。\n妥否，请批示。",
        True,
        [
            ("head", "approve", "确有必要，请审核。"),
            ("office", "approve", "金额较大，拟报陈局长审定。"),
            ("deputy1", "approve", "拟同意，请陈局长审定。"),
        ],
    ),
    (
        "staff1",
        "SPSC",
        "关于调整食品生产许可现场核查人员的请示",
        "因人员变动，拟调整食品生产许可现场核查人员名单（见附件）。\n妥否，请批示。",
        False,
        [("head", "approve", "拟同意。"), ("office", "approve", "请李局长审批。")],
    ),
    (
        "staff1",
        "SPSC",
        "关于参加省局食品安全抽检培训的请示",
        "省局定于下月举办食品安全抽检业务培训，拟派2名同志参加，费用按规定报销。\n妥否，请批示。",
        False,
        [("head", "approve", "同意报办公室。")],
    ),
    (
        "staff1",
        "SPSC",
        "关于开展冬季食品安全专项检查的请示",
        "为保障节日期间食品安全，拟开展冬季食品安全专项检查。\n妥否，请批示。",
        False,
        [
            ("head", "approve", "拟同意。"),
            ("office", "return_to_drafter", "请补充检查范围、时间安排和人员分工后再报。"),
        ],
    ),
    (
        "staff1",
        "SPSC",
        "关于申请增加执法车辆的请示",
        "随着监管对象增加，现有执法车辆不足，拟申请增加执法车辆2辆。\n妥否，请批示。",
        True,
        [
            ("head", "approve", "拟同意。"),
            ("office", "approve", "拟报陈局长审定。"),
            ("deputy1", "approve", "请陈局长审定。"),
            ("director", "reject", "今年预算已定，明年统筹考虑；可先与稽查支队调剂使用。"),
        ],
    ),
    (
        "staff1",
        "SPSC",
        "关于调整食品生产企业日常监督检查频次的请示",
        "根据企业风险分级结果，拟对A级企业减少检查频次、D级企业增加检查频次（见附件）。\n"
        "妥否，请批示。",
        False,
        [],  # submitted: waiting for the department head (head1) to check it
    ),
    (
        "staff1",
        "SPSC",
        "关于2027年度食品生产监管业务培训计划的请示",
        "拟订2027年度业务培训计划（草稿），待科室讨论后报批。",
        False,
        None,  # a draft, not submitted
    ),
]


def _person(people, departments, code, who):
    if who == "head":
        return departments[code].head
    return people.get(who)


# How many days back each memo above was drafted: the oldest first, so the numbers follow the
# dates; the ones still waiting have waited a few days (some beyond their step's time).
DAYS_AGO = (22, 15, 9, 6, 5, 4, 1, 0)


def seed(people: dict, departments: dict) -> dict:
    unit = departments["BGS"].unit
    if Memo.objects.filter(unit=unit).exists():
        return {"memos": Memo.objects.filter(unit=unit).count()}
    services_memo.memo_route(unit, actor=people["office"])
    made = 0
    now = timezone.now()
    clock = _Clock(_memo_rows)
    for index, (drafter_name, code, title, body, principal, decisions) in enumerate(MEMOS):
        drafter = people.get(drafter_name)
        if drafter is None or departments.get(code) is None:
            continue
        drafted = _received(DAYS_AGO[index], index, now)
        when = _Moments(drafted, now)
        clock.at(drafted)
        memo = services_memo.memo_create(
            actor=drafter,
            data={
                "title": title,
                "body": body,
                "department": departments[code].pk,
                "needs_principal": principal,
            },
        )
        made += 1
        if decisions is None:
            continue
        clock.at(when(0, 16, 0))
        memo = services_memo.memo_submit(actor=drafter, memo=memo, expected_version=memo.version)
        for step, (who, decision, opinion) in enumerate(decisions, start=1):
            person = _person(people, departments, code, who)
            run = services_memo.current_run(memo)
            items = workflow_selectors.open_items_for(person, run) if person else []
            if not items:
                break  # the route has changed: leave the memo where it stands
            clock.at(when(step, 9 + step % 3 * 2, 30))
            workflow.decide(actor=person, item=items[0], decision=decision, opinion=opinion)
        clock.at(None)
    clock.apply(unit)
    _due_from_their_start(unit)
    return {"memos": made}


def _memo_rows(unit) -> list:
    """Every row seeding the memos writes a time to, with those times (for the clock)."""
    kind = rules.MEMO_KIND
    return [
        (
            Memo.objects.filter(unit=unit),
            ("created_at", "updated_at", "submitted_at", "decided_at"),
        ),
        (Run.objects.filter(unit=unit, kind=kind), ("created_at", "updated_at", "finished_at")),
        (WorkItem.objects.filter(unit_id=unit.pk, kind=kind), ("created_at", "decided_at")),
        (RunEvent.objects.filter(run__unit=unit, run__kind=kind), ("at",)),
        (Notification.objects.filter(unit_id=unit.pk), ("created_at",)),
    ]


def _due_from_their_start(unit) -> None:
    """The engine dated each waiting step's due time from the seeding; it runs from when the
    step began instead (so a memo left at 审核 for days is overdue, as it would be)."""
    runs = Run.objects.filter(unit=unit, kind=rules.MEMO_KIND, state=RunState.RUNNING)
    for run in runs.select_related("route"):
        days = {step.order: step.due_working_days for step in run.route.steps.all()}
        due = None
        for item in WorkItem.objects.filter(run=run, state=ItemState.OPEN, is_cc=False):
            if days.get(item.step_order):
                due = add_working_days(item.created_at, days[item.step_order])
                WorkItem.objects.filter(pk=item.pk).update(due_at=due)
        if due is not None:
            Run.objects.filter(pk=run.pk).update(due_at=due)
