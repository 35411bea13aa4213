"""The demo organisation's outgoing documents (issue 4 item 14; issue 3 item 9).

A route for outgoing documents, the office's number series and directory of external organs,
a year of finished documents (请示, 报告, 通知, 函, 纪要, a 联合行文, a 转发) and a few in
flight, so that every demo inbox shows real work. Idempotent: once the unit has documents, only the
route, series and organs are refreshed.
"""

import datetime

from django.utils import timezone

from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import AssigneeRule, ItemState, Route, WorkItem

from . import numbering, rules, services
from .models import (
    DocumentVersion,
    Kind,
    Layout,
    NumberSeries,
    Organ,
    OutgoingDocument,
    State,
)

ISSUER = "市食品药品监督管理局"
ORGANS = [
    ("市人民政府", "superior"),
    ("省药品监督管理局", "superior"),
    ("省市场监督管理局", "superior"),
    ("市卫生健康委员会", "peer"),
    ("市教育局", "peer"),
    ("市公安局", "peer"),
    ("各区市场监督管理局", "subordinate"),
    ("市食品药品检验检测中心", "subordinate"),
]
SERIES = [
    # name, 机关代字, layout
    ("局发文", "市食药监发", Layout.FILE),
    ("局函", "市食药监函", Layout.LETTER),
    ("局纪要", "市食药监纪", Layout.MINUTES),
]

# (month, day, kind, layout, title, main recipients, body) — finished, numbered documents.
FINISHED = [
    (
        1,
        8,
        Kind.NOTICE,
        Layout.FILE,
        "关于做好2026年元旦春节期间食品安全保障工作的通知",
        ["各区市场监督管理局"],
        "节日期间食品消费集中，各单位要加强对大型商超和农贸市场的监督检查。",
    ),
    (
        1,
        20,
        Kind.REPORT,
        Layout.FILE,
        "关于2025年度食品药品安全工作情况的报告",
        ["市人民政府"],
        "2025年，我局围绕食品药品安全工作目标，全面完成各项任务。",
    ),
    (
        2,
        14,
        Kind.LETTER,
        Layout.LETTER,
        "关于商请协助开展校园食品安全联合检查的函",
        ["市教育局"],
        "为保障春季开学学生饮食安全，拟于近期开展校园食堂联合检查。",
    ),
    (
        3,
        3,
        Kind.MINUTES,
        Layout.MINUTES,
        "局长办公会议纪要",
        [],
        "会议研究了2026年食品安全抽检计划和药品安全专项整治工作。",
    ),
    (
        3,
        18,
        Kind.REQUEST,
        Layout.FILE,
        "关于申请追加食品安全抽检经费的请示",
        ["市人民政府"],
        "根据抽检任务需要，拟申请追加抽检经费，妥否，请批示。",
    ),
    (
        4,
        9,
        Kind.NOTICE,
        Layout.FILE,
        "关于开展药品安全专项整治行动的通知",
        ["各区市场监督管理局"],
        "按照上级部署，决定在全市范围内开展药品安全专项整治行动。",
    ),
    (
        4,
        28,
        Kind.CIRCULAR,
        Layout.FILE,
        "关于一季度食品安全监督抽检情况的通报",
        ["各区市场监督管理局"],
        "一季度共完成监督抽检三千余批次，现将有关情况通报如下。",
    ),
    (
        5,
        15,
        Kind.NOTICE,
        Layout.FILE,
        "关于做好汛期食品安全工作的通知",
        ["各区市场监督管理局"],
        "各单位要做好汛期食品安全风险防范，加强应急值守。",
    ),
    (
        6,
        5,
        Kind.LETTER,
        Layout.LETTER,
        "关于征求《餐饮服务食品安全操作规范实施细则》意见的函",
        ["市卫生健康委员会"],
        "现将实施细则征求意见稿送上，请于6月20日前反馈意见。",
    ),
    (
        6,
        26,
        Kind.MINUTES,
        Layout.MINUTES,
        "食品安全委员会办公室工作会议纪要",
        [],
        "会议通报了上半年食品安全工作情况，部署了下半年重点工作。",
    ),
    (
        7,
        10,
        Kind.REPORT,
        Layout.FILE,
        "关于2026年上半年食品安全工作情况的报告",
        ["市人民政府"],
        "上半年，全市食品安全形势总体平稳向好。",
    ),
    (
        8,
        4,
        Kind.NOTICE,
        Layout.FILE,
        "关于加强秋季开学校园食品安全监管的通知",
        ["各区市场监督管理局"],
        "各单位要在开学前完成对学校食堂的全覆盖检查。",
    ),
    (
        9,
        1,
        Kind.OPINION,
        Layout.FILE,
        "关于进一步加强网络订餐食品安全监管的意见",
        ["各区市场监督管理局"],
        "为规范网络订餐经营行为，提出如下意见。",
    ),
    (
        9,
        22,
        Kind.NOTICE,
        Layout.FILE,
        "关于做好国庆中秋期间食品安全保障工作的通知",
        ["各区市场监督管理局"],
        "节日期间要加强重点场所和重点品种的监督检查。",
    ),
    (
        10,
        16,
        Kind.LETTER,
        Layout.LETTER,
        "关于协助查处非法添加案件的函",
        ["市公安局"],
        "我局在监督检查中发现涉嫌非法添加的线索，现商请协助查处。",
    ),
    (
        11,
        6,
        Kind.REPLY,
        Layout.FILE,
        "关于同意市食品药品检验检测中心购置检验设备的批复",
        ["市食品药品检验检测中心"],
        "你中心关于购置检验设备的请示收悉。经研究，同意购置。",
    ),
]
# One 联合行文 and one 转发 (the forwarded document is not an attachment).
JOINT = (5, 28, "关于开展集中用餐单位食品安全专项检查的通知", ["市卫生健康委员会"])
FORWARD = (7, 24, "关于转发《食品安全抽样检验管理办法》的通知", "食品安全抽样检验管理办法")

# Documents in flight: (drafter, kind, title, countersigning departments, how far it goes).
IN_FLIGHT = [
    ("staff1", Kind.REQUEST, "关于申请购置快速检测设备的请示", [], "核稿"),
    ("staff1", Kind.NOTICE, "关于开展冬季食品生产企业专项检查的通知", ["CYFW"], "会签"),
    ("staff1", Kind.LETTER, "关于商请提供食品生产企业名录的函", [], "审核"),
    ("clerk", Kind.REPORT, "关于2026年第三季度食品药品安全工作情况的报告", [], "签发"),
    ("staff1", Kind.NOTICE, "关于加强节日期间食品安全抽检的通知", [], "退回"),
]


def prepare(people: dict, departments: dict) -> dict:
    """What the office sets up before the first document: the directory of organs, the number
    series and the approval route (idempotent). Returns the series by format."""
    office = departments["BGS"]
    _organs(office.unit, people["office"])
    series = _series(office.unit, office, people["office"])
    _route(office.unit, people)
    return series


def seed(people: dict, departments: dict) -> dict:
    unit = departments["BGS"].unit
    series = prepare(people, departments)
    if OutgoingDocument.objects.filter(unit=unit).exists():
        return {"documents": OutgoingDocument.objects.filter(unit=unit).count()}
    year = timezone.localdate().year
    finished = _finished(unit, people, departments, series, year)
    flying = _in_flight(people, departments)
    return {"documents": finished + flying}


def _organs(unit, actor):
    for order, (name, relation) in enumerate(ORGANS):
        Organ.objects.update_or_create(
            unit=unit,
            name=name,
            deleted_at=None,
            defaults={"relation": relation, "sort_order": order, "created_by": actor},
        )


def _series(unit, office, actor) -> dict:
    found = {}
    for name, code, layout in SERIES:
        found[layout], _created = NumberSeries.objects.get_or_create(
            unit=unit,
            code=code,
            deleted_at=None,
            defaults={"name": name, "layout": layout, "owner": office, "created_by": actor},
        )
    return found


def _route(unit, people) -> Route:
    route = workflow.active_route(unit.pk, rules.SUBJECT_KIND)
    if route is not None:
        return route
    return workflow.route_create(
        actor=people["office"],
        unit=unit,
        kind=rules.SUBJECT_KIND,
        name="发文审批",
        steps=[
            {"name": "核稿", "rule": AssigneeRule.SUBMITTER_DEPARTMENT_HEAD, "due_working_days": 2},
            {
                "name": "会签",
                "rule": AssigneeRule.SUBJECT,
                "source": "countersign_heads",
                "mode": "all",
                "due_working_days": 3,
            },
            {
                "name": "审核",
                "rule": AssigneeRule.PERSON,
                "person": people["office"],
                "due_working_days": 2,
            },
            {
                "name": "签发",
                "rule": AssigneeRule.PRINCIPAL,
                "condition_field": "needs_principal",
                "condition_op": "eq",
                "condition_value": "True",
                "due_working_days": 2,
            },
            {
                "name": "签发",
                "rule": AssigneeRule.LEADER_IN_CHARGE,
                "condition_field": "needs_principal",
                "condition_op": "eq",
                "condition_value": "False",
                "due_working_days": 2,
            },
        ],
    )


def _body(text: str) -> list:
    return [
        {"level": 0, "text": text},
        {"level": 1, "text": "一、工作要求"},
        {"level": 0, "text": "各单位要高度重视，明确责任分工，确保各项措施落到实处。"},
        {"level": 1, "text": "二、时间安排"},
        {"level": 0, "text": "请于规定时间内完成，并将工作情况及时报送我局办公室。"},
    ]


def _finished(unit, people, departments, series, year) -> int:
    office, clerk = people["office"], people["clerk"]
    rows = [(m, d, k, lay, t, r, b, {}) for m, d, k, lay, t, r, b in FINISHED]
    month, day, title, recipients = JOINT
    rows.append(
        (
            month,
            day,
            Kind.NOTICE,
            Layout.FILE,
            title,
            ["各区市场监督管理局"],
            "为保障集中用餐单位食品安全，两部门决定联合开展专项检查。",
            {"issuers": [ISSUER, *recipients]},
        )
    )
    month, day, title, forwarded = FORWARD
    rows.append(
        (
            month,
            day,
            Kind.NOTICE,
            Layout.FILE,
            title,
            ["各区市场监督管理局"],
            f"现将《{forwarded}》转发给你们，请认真贯彻执行。",
            {"forwarded_title": forwarded},
        )
    )
    rows.sort(key=lambda row: (row[0], row[1]))
    today = timezone.localdate()
    rows = [row for row in rows if datetime.date(year, row[0], row[1]) <= today]
    # The newest is signed and waits for the office's 复核; the one before is distributed.
    states = [State.FILED] * (len(rows) - 2) + [State.DISTRIBUTED, State.SIGNED]
    steps = ("signed", "checked", "registered", "printed", "sealed", "distributed", "filed")
    made = 0
    for number, (month, day, kind, layout, title, recipients, text, extra) in enumerate(rows):
        signed_on = datetime.date(year, month, day)
        state = states[number]
        upward = kind in (Kind.REQUEST, Kind.REPORT)
        drafter = clerk if number % 2 else people["staff1"]
        department = departments["BGS"] if drafter is clerk else departments["SPSC"]
        signer = people["director"] if upward or number % 3 == 0 else people["deputy1"]
        signed_at = timezone.make_aware(datetime.datetime(year, month, day, 16, 30))
        document = OutgoingDocument(
            unit=unit,
            kind=kind,
            layout=layout,
            direction="up" if upward else ("lateral" if kind == Kind.LETTER else "down"),
            issuers=extra.get("issuers", [ISSUER]),
            title=title,
            main_recipients=[{"name": name} for name in recipients],
            cc_recipients=[{"name": "市人民政府办公室"}] if kind == Kind.NOTICE else [],
            body=_body(text) if layout != Layout.MINUTES else [{"level": 0, "text": text}],
            printed_by="市食品药品监督管理局办公室",
            present=["陈建国", "李文华", "王秀英", "赵志强"] if layout == Layout.MINUTES else [],
            forwarded_title=extra.get("forwarded_title", ""),
            department=department,
            drafter=drafter,
            created_by=drafter,
            signed_by=signer,
            signed_at=signed_at,
            issued_on=signed_on,
            copies=10 if layout != Layout.MINUTES else 5,
            distribution_scope="局领导，各科室，各区市场监督管理局",
            print_date=signed_on + datetime.timedelta(days=1),
            state=state,
            milestones={
                step: {"at": signed_at.isoformat(), "by": office.pk}
                for step in steps[: {State.SIGNED: 1, State.DISTRIBUTED: 6}.get(state, 7)]
            },
        )
        document.created_at = signed_at - datetime.timedelta(days=5)
        document.save()
        content = services.content_of(document)
        document.final_hash = services.content_hash(content)
        document.save(update_fields=["final_hash"])
        DocumentVersion.objects.create(
            document=document,
            number=1,
            content=content,
            sha256=document.final_hash,
            stage=State.DRAFT,
            created_at=document.created_at,
            created_by=drafter,
        )
        if state != State.SIGNED:
            numbering.allocate(actor=office, document=document, series=series[layout])
        services.reindex(document)
        made += 1
    return made


def _open_item(run, step_name):
    return WorkItem.objects.filter(run=run, step_name=step_name, state=ItemState.OPEN).first()


def _approve(run, step_name, opinion="同意。") -> None:
    item = _open_item(run, step_name)
    if item is not None:
        workflow.decide(actor=item.assignee, item=item, decision="approve", opinion=opinion)


def _in_flight(people, departments) -> int:
    made = 0
    for username, kind, title, countersign, stop in IN_FLIGHT:
        drafter = people[username]
        document = services.draft_create(
            actor=drafter,
            data={
                "kind": kind,
                "layout": Layout.LETTER if kind == Kind.LETTER else Layout.FILE,
                "direction": "up" if kind in (Kind.REQUEST, Kind.REPORT) else "down",
                "issuers": [ISSUER],
                "title": title,
                "main_recipients": [
                    {
                        "name": "市人民政府"
                        if kind in (Kind.REQUEST, Kind.REPORT)
                        else "各区市场监督管理局"
                    }
                ],
                "body": _body("根据工作安排，现将有关事项报告如下。"),
                "printed_by": "市食品药品监督管理局办公室",
                "countersign_departments": [departments[code].pk for code in countersign],
            },
        )
        run = services.submit(actor=drafter, document=document, expected_version=document.version)
        if stop == "退回":
            item = WorkItem.objects.filter(run=run, state=ItemState.OPEN).first()
            workflow.decide(
                actor=item.assignee,
                item=item,
                decision="return_to_drafter",
                opinion="请补充检查范围和时间安排后再报。",
            )
        else:
            for step_name in ("核稿", "会签", "审核"):
                if step_name == stop:
                    break
                _approve(run, step_name)
        made += 1
    return made
