"""The demo organisation's incoming documents (收文; issue 5 item 13).

About forty-five documents received over the past twelve months from the provincial bureau, the
city government and a subordinate 区 bureau, registered by the office clerk through the real
services (so 收文编号, audit and search index are right): 阅件 sent for reading and partly read;
办件 handled on the workflow engine by the demo people themselves — the clerk sends them on, the
office head proposes (拟办), the leader named instructs (批办), the department heads report
(承办) and the clerk closes them (办结) — most older ones completed, some by the office alone
(分办), and a few at each live step: waiting for 拟办 or 批办, in 承办 with the lead department
reported and a co-department not, two past their deadline (one reminded, 催办), one a department
sent back (退办) and the office sent on afresh, one circulated in turn to two leaders (传阅) with
a 批示, one handled and waiting to be closed; two 请示 returned at 初审, one registered twice,
one 秘密 by catalogue data only, and a few still waiting for 初审 or to be sent on.

The handling happens while seeding, so what the services write is then moved back to the day each
step is supposed to have taken place (the audit keeps the seeding time). Idempotent: once the
unit has incoming documents, nothing is added.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from zhongshu.core.calendar import add_working_days, is_working_day
from zhongshu.core.models import Classification
from zhongshu.notify.models import Notification
from zhongshu.workflow.models import Run, RunEvent, WorkItem

from . import rules, services
from . import services_incoming as incoming
from . import services_incoming_handling as handling
from .demo import ISSUER
from .models import (
    IncomingAssignment,
    IncomingDocument,
    IncomingReading,
    IncomingReminder,
    IncomingState,
    Kind,
    Layout,
    Organ,
    OutgoingDocument,
    ReadingPurpose,
    Urgency,
)
from .models_incoming import Handling

PROVINCE = "省食品药品监督管理局"
CITY = "市人民政府"
CITY_OFFICE = "市人民政府办公室"
DISTRICT = "南山区市场监督管理局"


@dataclass(frozen=True)
class Plan:
    """How far a 办件 goes and who handles it. ``leader`` (a user name) instructs after the
    office head's 拟办; without one the clerk sends it to the departments itself (分办).
    ``stop`` is where it waits: "propose" (拟办), "instruct" (批办), "report" (承办, nobody has
    reported), "lead" (the lead department has reported, the co-departments not), "handled"
    (待办结), or "done" (办结 with ``result``). ``reply``: at "done", the title of the demo's
    issued outgoing reply it is linked to (答复), or else the ``no_reply`` reason a 请示 or 函
    needs; at "handled", the title of a 复函 the lead department's head drafts and submits."""

    stop: str
    leader: str = ""
    lead: str = ""
    co: tuple = ()
    result: str = ""
    no_reply: str = ""
    reply: str = ""
    # 退办: the department first sent it, which sends it back with this reason.
    sent_back_by: str = ""
    back_reason: str = ""
    # 传阅 in turn to these leaders, the first writing ``comment`` (批示).
    circulate: tuple = ()
    comment: str = ""
    remind: str = ""  # 催办 with this note, once the deadline has passed
    deadline_in: int = 0  # the office's deadline at 拟办: working days from today


ACTION, READING = Handling.ACTION, Handling.READING
# Fates: "handle" accepted at 初审 and handled as its Plan (the detail) says; "open" accepted
# and waiting to be sent on (待分办); "read" accepted and sent for reading (readers: department
# codes or user names, and the share who have read it); "wait" still waiting for 初审; "return"
# returned with (reasons, note); "duplicate" the same document again (same organ and 来文字号 as
# the row of that title); "secret" catalogue data only.
# (days ago, organ, 机关代字, kind, title, handling, deadline in working days, fate, detail)
ROWS = [
    (
        362,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于做好2026年元旦春节期间食品药品安全监管工作的通知",
        ACTION,
        None,
        "handle",
        Plan(
            "done",
            leader="director",
            lead="SPLT",
            co=("SPSC",),
            result="节日期间共检查食品生产经营单位1260家次，查处问题32个，未发生食品安全事故，"
            "情况已报省局。",
        ),
    ),
    (
        350,
        CITY_OFFICE,
        "市政办发",
        Kind.NOTICE,
        "关于做好2026年元旦春节期间有关工作的通知",
        READING,
        None,
        "read",
        (["director", "deputy1", "deputy2", "deputy3", "office"], 1.0),
    ),
    (
        340,
        PROVINCE,
        "省食药监发",
        Kind.CIRCULAR,
        "关于2025年全省食品安全监督抽检情况的通报",
        READING,
        None,
        "read",
        (["SPSC"], 1.0),
    ),
    (
        330,
        CITY,
        "市政发",
        Kind.NOTICE,
        "关于印发2026年市政府工作要点的通知",
        ACTION,
        None,
        "handle",
        Plan(
            "done",
            leader="director",
            lead="ZCFG",
            result="涉及我局的12项任务已分解到科室，纳入年度工作计划。",
        ),
    ),
    (
        318,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于报送2025年度工作总结和2026年工作计划的函",
        ACTION,
        10,
        "handle",
        Plan(
            "done",
            leader="deputy3",
            lead="ZCFG",
            result="年度工作总结和工作计划已按时报送市政府办公室。",
            no_reply="材料已通过市政府办公室政务信息系统报送，无需另行复函。",
        ),
    ),
    (
        305,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于开展2026年食品安全抽检监测工作的通知",
        ACTION,
        None,
        "handle",
        Plan(
            "done",
            lead="SPSC",
            co=("SPLT",),
            result="年度抽检监测计划已制定并组织实施，按季度向省局报送抽检数据。",
        ),
    ),
    (
        296,
        DISTRICT,
        "南山市监",
        Kind.REQUEST,
        "关于申请增配食品快速检测车的请示",
        ACTION,
        None,
        "handle",
        Plan(
            "done",
            leader="deputy3",
            lead="JHCW",
            result="经研究，快速检测车购置列入明年预算统筹安排。",
            no_reply="已电话答复南山区市场监督管理局：购置事项列入明年预算统筹考虑，不再另行批复。",
        ),
    ),
    (
        288,
        CITY_OFFICE,
        "市府纪要",
        Kind.MINUTES,
        "市政府食品安全工作专题会议纪要",
        READING,
        None,
        "read",
        (["director", "deputy1", "office"], 1.0),
    ),
    (
        270,
        PROVINCE,
        "省食药监函",
        Kind.LETTER,
        "关于征求《食品生产许可审查细则》修订意见的函",
        ACTION,
        15,
        "handle",
        Plan(
            "done",
            leader="deputy1",
            lead="SPSC",
            result="提出修改意见6条，已按期反馈省局。",
            no_reply="修改意见已通过省局征求意见系统在线反馈。",
        ),
    ),
    (
        255,
        CITY,
        "市政发",
        Kind.NOTICE,
        "关于开展安全生产大检查的通知",
        ACTION,
        None,
        "handle",
        Plan(
            "done",
            lead="JCZD",
            result="大检查共排查隐患47处，已整改45处，其余2处限期整改，情况已报市安委办。",
        ),
    ),
    (
        240,
        PROVINCE,
        "省食药监发",
        Kind.CIRCULAR,
        "关于一季度药品安全专项整治进展情况的通报",
        READING,
        None,
        "read",
        (["YPHZ"], 1.0),
    ),
    (
        226,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于商请提供食品安全工作数据的函",
        ACTION,
        5,
        "handle",
        Plan(
            "done",
            lead="SPSC",
            result="有关数据已按时提供。",
            no_reply="数据已按来函要求通过电子邮件报送，无需复函。",
        ),
    ),
    (
        210,
        DISTRICT,
        "南山市监",
        Kind.REQUEST,
        "关于申请调整辖区食品抽检计划的请示",
        ACTION,
        None,
        "return",
        (
            ["request_recipients"],
            "本请示同时主送市人民政府和我局，请只主送一个上级机关后重新报送。",
        ),
    ),
    (
        200,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于加强校园食品安全管理工作的通知",
        READING,
        None,
        "read",
        (["CYFW"], 1.0),
    ),
    (
        185,
        CITY_OFFICE,
        "市政办发",
        Kind.NOTICE,
        "关于做好汛期安全防范工作的通知",
        ACTION,
        None,
        "handle",
        Plan(
            "done",
            leader="deputy2",
            lead="JCZD",
            result="汛期应急值守和灾后食品安全保障措施已落实。",
        ),
    ),
    (
        170,
        CITY_OFFICE,
        "市府纪要",
        Kind.MINUTES,
        "市政府常务会议纪要",
        READING,
        None,
        "read",
        (["director", "deputy1", "deputy2", "deputy3"], 1.0),
    ),
    (
        160,
        PROVINCE,
        "省食药监函",
        Kind.LETTER,
        "关于报送上半年药品不良反应监测数据的函",
        ACTION,
        10,
        "handle",
        Plan(
            "done",
            lead="YPHZ",
            result="上半年药品不良反应监测数据已报送省局。",
            no_reply="监测数据已通过国家药品不良反应监测系统报送。",
        ),
    ),
    (
        150,
        CITY,
        "市政发",
        Kind.NOTICE,
        "关于印发《市食品安全事故应急预案》的通知",
        READING,
        None,
        "read",
        (["JCZD", "SPLT"], 1.0),
    ),
    (
        140,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于有关工作事项的通知",
        ACTION,
        None,
        "secret",
        None,
    ),
    (
        130,
        DISTRICT,
        "南山市监",
        Kind.REQUEST,
        "关于申请专项执法经费的请示",
        ACTION,
        None,
        "handle",
        Plan(
            "done",
            leader="deputy2",
            lead="JHCW",
            co=("JCZD",),
            result="经研究，同意从市级食品安全专项资金中安排执法经费20万元。",
            no_reply="经费已通过财政指标下达南山区，不再另行批复。",
        ),
    ),
    (
        120,
        PROVINCE,
        "省食药监发",
        Kind.CIRCULAR,
        "关于上半年全省食品安全监督抽检情况的通报",
        READING,
        None,
        "read",
        (["SPSC"], 0.8),
    ),
    (
        110,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于征求《市场监管领域信用评价办法》意见的函",
        ACTION,
        7,
        "handle",
        Plan(
            "done",
            lead="ZCFG",
            result="提出修改意见3条，已按期反馈。",
            no_reply="意见已书面反馈市政府办公室，无需另行复函。",
        ),
    ),
    (
        100,
        CITY,
        "市政发",
        Kind.NOTICE,
        "关于开展国庆中秋期间安全检查的通知",
        ACTION,
        None,
        "handle",
        Plan(
            "done",
            lead="SPLT",
            result="节日期间检查商超、农贸市场和餐饮单位860家次，情况已报市政府办公室。",
        ),
    ),
    (
        90,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于开展网络餐饮服务专项检查的通知",
        ACTION,
        20,
        "handle",
        Plan(
            "done",
            leader="deputy1",
            lead="CYFW",
            result="专项检查发现问题商户58家，已责令整改，下线违规商户12家。",
        ),
    ),
    (
        80,
        CITY_OFFICE,
        "市府纪要",
        Kind.MINUTES,
        "市食品安全委员会全体会议纪要",
        READING,
        None,
        "read",
        (["director", "deputy1", "deputy2", "office"], 0.75),
    ),
    (
        70,
        DISTRICT,
        "南山市监",
        Kind.REQUEST,
        "关于申请开展联合执法并增加编制的请示",
        ACTION,
        None,
        "return",
        (["request_matters", "request_signer"], "请将联合执法和编制事项分别行文，并注明签发人。"),
    ),
    (
        62,
        PROVINCE,
        "省食药监函",
        Kind.LETTER,
        "关于核实药品经营企业数据的函",
        ACTION,
        10,
        "handle",
        Plan("report", lead="YPHZ", remind="该函已超过办理时限，请于本周五前报送核实结果。"),
    ),
    (
        55,
        CITY_OFFICE,
        "市政办发",
        Kind.CIRCULAR,
        "关于三季度政务督查情况的通报",
        READING,
        None,
        "read",
        (["ZCFG"], 0.5),
    ),
    (
        48,
        CITY,
        "市政发",
        Kind.NOTICE,
        "关于做好冬春季传染病防控工作的通知",
        READING,
        None,
        "read",
        (["YPHZ"], 0.6),
    ),
    (
        44,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于报送食品安全“两个责任”落实情况的函",
        ACTION,
        10,
        "handle",
        Plan("report", leader="deputy1", lead="SPLT", co=("CYFW",)),
    ),
    (
        40,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于开展2026年度药品安全检查考核工作的通知",
        ACTION,
        30,
        "handle",
        Plan(
            "lead",
            leader="deputy2",
            lead="YPHZ",
            co=("YLQX",),
            deadline_in=12,
            circulate=("director", "deputy1"),
            comment="请药品化妆品监管科对照考核细则做好准备，确保考核取得好成绩。",
        ),
    ),
    (
        33,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于报送食品安全工作考核自评报告的函",
        ACTION,
        30,
        "handle",
        Plan("handled", lead="ZCFG", co=("JHCW",), reply="关于报送食品安全工作考核自评报告的复函"),
    ),
    (
        34,
        "市食品药品检验检测中心",
        "食药检",
        Kind.REQUEST,
        "关于购置检验设备的请示",
        ACTION,
        10,
        "handle",
        Plan(
            "done",
            leader="deputy1",
            lead="JHCW",
            result="经研究，同意检验检测中心购置检验设备，已批复。",
            reply="关于同意市食品药品检验检测中心购置检验设备的批复",
            no_reply="已电话答复检验检测中心：同意购置，经费从中心自有资金列支。",
        ),
    ),
    (
        26,
        PROVINCE,
        "省食药监发",
        Kind.CIRCULAR,
        "关于三季度全省药品抽检情况的通报",
        READING,
        None,
        "read",
        (["YPHZ", "YLQX"], 0.5),
    ),
    (
        24,
        CITY,
        "市政发",
        Kind.NOTICE,
        "关于开展餐饮油烟污染专项治理的通知",
        ACTION,
        20,
        "handle",
        Plan(
            "report",
            lead="ZCFG",
            sent_back_by="CYFW",
            back_reason="餐饮油烟治理属生态环境部门职责，本科负责餐饮食品安全，"
            "建议由政策法规科研究提出意见。",
        ),
    ),
    (
        20,
        CITY_OFFICE,
        "市府纪要",
        Kind.MINUTES,
        "市政府冬季食品安全专题会议纪要",
        READING,
        None,
        "read",
        (["director", "deputy1"], 0.5),
    ),
    (
        14,
        CITY,
        "市政发",
        Kind.NOTICE,
        "关于做好2027年元旦春节期间安全生产工作的通知",
        ACTION,
        15,
        "handle",
        Plan("instruct", leader="deputy1", lead="SPLT", co=("SPSC", "CYFW")),
    ),
    (
        10,
        PROVINCE,
        "省食药监函",
        Kind.LETTER,
        "关于征求《药品经营质量管理规范现场检查指导原则》意见的函",
        ACTION,
        10,
        "handle",
        Plan("propose"),
    ),
    (
        9,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于报送年度食品安全重点工作完成情况的函",
        ACTION,
        5,
        "handle",
        Plan("propose"),
    ),
    (
        6,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于报送年度食品安全重点工作完成情况的函",
        ACTION,
        5,
        "duplicate",
        None,
    ),
    (
        5,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于开展食品安全隐患排查整治的通知",
        ACTION,
        15,
        "open",
        None,
    ),
    (
        4,
        DISTRICT,
        "南山市监",
        Kind.REQUEST,
        "关于申请拨付冬季食品安全专项检查经费的请示",
        ACTION,
        None,
        "wait",
        None,
    ),
    (
        3,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于做好岁末年初食品安全监管工作的通知",
        ACTION,
        10,
        "wait",
        None,
    ),
    (2, CITY, "市政发", Kind.NOTICE, "关于进一步优化营商环境的通知", READING, None, "wait", None),
    (
        1,
        CITY_OFFICE,
        "市政办发",
        Kind.CIRCULAR,
        "关于2026年度政务信息工作情况的通报",
        READING,
        None,
        "wait",
        None,
    ),
]
SUMMARIES = {
    Kind.NOTICE: "通知要求各地结合实际抓好贯彻落实，并按时报送工作情况。",
    Kind.LETTER: "来函请我局按要求提供有关材料或反馈意见。",
    Kind.REQUEST: "请示事项如下，妥否，请批示。",
    Kind.CIRCULAR: "通报了有关工作情况，并提出下一步工作要求。",
    Kind.MINUTES: "纪要明确了会议议定事项和责任分工。",
}
# About how many documents of each 机关代字 a sender issues a year: its numbers grow with the date.
PER_YEAR = {"省食药监发": 45, "省食药监函": 25, "市政发": 30, "市政办发": 60, "市政办函": 80}
# What the lead department reports (承办) when its Plan gives no result, and a co-department.
REPORTS = {
    Kind.NOTICE: "已按通知要求部署落实，工作情况已报办公室。",
    Kind.LETTER: "已按来函要求整理有关材料，经分管局领导审核后报送。",
    Kind.REQUEST: "已研究提出处理意见，报局领导审定。",
}
CO_REPORT = "已配合主办科室完成有关工作。"
TITLES = {"director": "局长"}  # the other leaders are 副局长


def seed(people: dict, departments: dict) -> dict:
    clerk = people["clerk"]
    unit = departments["BGS"].unit
    if IncomingDocument.objects.filter(unit=unit).exists():
        return {"incoming": IncomingDocument.objects.filter(unit=unit).count()}
    now = timezone.now()
    rows = sorted((_received(row[0], index, now), index, row) for index, row in enumerate(ROWS))
    organs = {o.name: o for o in Organ.objects.filter(unit=unit, deleted_at__isnull=True)}
    numbers: dict = {}  # title → (来文字号, date), for the duplicate
    used: set = set()
    made = 0
    handling.handling_route(unit, actor=people["office"])
    clock = _Clock()
    for received_at, index, row in rows:
        _days, source, code, kind, title, kind_of_handling, days, fate, detail = row
        if fate == "secret" and not rules.cleared_for(clerk, Classification.SECRET):
            continue
        signed_on = timezone.localtime(received_at).date() - datetime.timedelta(days=2 + index % 3)
        if fate == "duplicate" and title in numbers:
            number, signed_on = numbers[title]
        else:
            number = _source_number(code, signed_on, used)
            numbers[title] = (number, signed_on)
        data = {
            "source_name": source,
            "source_organ": organs.get(source),
            "source_number": number,
            "title": title,
            "kind": kind,
            "urgency": Urgency.URGENT if days is not None and days <= 5 else Urgency.NORMAL,
            "signed_on": signed_on,
            "received_at": received_at,
            "pages": 2 + index % 5,
            "copies": 1,
            "summary": SUMMARIES.get(kind, ""),
            "handling": kind_of_handling,
            "deadline_days": days,
        }
        if fate == "secret":
            data.update(
                classification=Classification.SECRET,
                secrecy_period="1年",
                copy_number=str(10 + index),
                summary="",
                title_is_neutral=True,
            )
        document = incoming.register(actor=clerk, data=data)
        _review(clerk, document, fate, detail, people, departments)
        reviewed = received_at + datetime.timedelta(hours=2)
        IncomingDocument.objects.filter(pk=document.pk).update(
            created_at=received_at,
            reviewed_at=min(reviewed, now) if document.reviewed_at else None,
        )
        _date_readings(document, received_at, now)
        if fate == "handle":
            _handle(document, detail, people, departments, clock, _Moments(reviewed, now))
            clock.at(None)
        made += 1
    clock.apply(unit)
    # The office files completed documents now and then: the two oldest are filed (归档).
    for document in IncomingDocument.objects.filter(unit=unit, state=IncomingState.DONE).order_by(
        "received_at"
    )[:2]:
        handling.file_incoming(actor=clerk, document=document, expected_version=document.version)
    return {"incoming": made}


def _received(days_ago: int, index: int, now) -> datetime.datetime:
    """A working day ``days_ago`` back (or the one before), in office hours, never ahead of now."""
    day = timezone.localtime(now).date() - datetime.timedelta(days=days_ago)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    minutes = 9 * 60 + (index * 37) % 420
    moment = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
    return min(timezone.make_aware(moment), now - datetime.timedelta(minutes=30 + index))


def _source_number(code: str, signed_on: datetime.date, used: set) -> str:
    """来文字号 like 省食药监发〔2026〕12号, growing through the sender's year."""
    year = signed_on.year
    serial = 1 + signed_on.timetuple().tm_yday * PER_YEAR.get(code, 20) // 366
    while (code, year, serial) in used:
        serial += 1
    used.add((code, year, serial))
    return f"{code}〔{year}〕{serial}号"


def _review(clerk, document, fate, detail, people, departments) -> None:
    if fate in ("wait", "duplicate"):
        return
    if fate == "return":
        reasons, note = detail
        incoming.review_return(
            actor=clerk,
            document=document,
            expected_version=document.version,
            reasons=reasons,
            note=note,
        )
        return
    document = incoming.review_accept(
        actor=clerk, document=document, expected_version=document.version
    )
    if fate != "read":
        return
    names, share = detail
    incoming.send_for_reading(
        actor=clerk,
        document=document,
        expected_version=document.version,
        people=[people[name] for name in names if name in people],
        departments=[departments[code] for code in names if code in departments],
    )
    readings = list(document.readings.select_related("person").order_by("person_id"))
    for reading in readings[: round(len(readings) * share)]:
        incoming.mark_read(reading.person, document)


def _date_readings(document, received_at, now) -> None:
    """Sent the day after it was received; read over the following days."""
    sent = min(received_at + datetime.timedelta(days=1), now)
    readings = IncomingReading.objects.filter(document=document, purpose=ReadingPurpose.READING)
    readings.update(sent_at=sent)
    for position, reading in enumerate(readings.filter(read_at__isnull=False).order_by("pk")):
        read = min(sent + datetime.timedelta(hours=3 + 5 * position), now)
        IncomingReading.objects.filter(pk=reading.pk).update(read_at=read)


# --- Handling a 办件 ----------------------------------------------------------------------------


def _handle(document, plan: Plan, people, departments, clock, when) -> None:
    """The 办件's way through the services as its Plan says, each step by the person who takes it
    (the clerk sends on, circulates, reminds and closes; the office head proposes; the leader
    instructs; the department heads report or send back), each at its moment."""
    clerk, office = people["clerk"], people["office"]
    lead = departments[plan.lead] if plan.lead else None
    co = tuple(departments[code] for code in plan.co)
    clock.at(when(1, 9, 40))
    if plan.sent_back_by:
        first = departments[plan.sent_back_by]
        _start(clerk, document, handling.Proposal(text=f"请{first.name}办理。", lead=first))
        clock.at(when(2, 10, 15))
        handling.send_back(actor=first.head, document=_fresh(document), reason=plan.back_reason)
        clock.at(when(2, 15, 30))
        _start(clerk, document, _routine(lead, co, again=True))
    elif plan.leader or plan.stop == "propose":
        _start(clerk, document)
        if plan.stop == "propose":
            return
        leader = people[plan.leader]
        deadline_on = None
        if plan.deadline_in:
            deadline_on = timezone.localtime(add_working_days(when.now, plan.deadline_in)).date()
        clock.at(when(1, 15, 0))
        handling.propose(
            actor=office,
            document=_fresh(document),
            proposal=handling.Proposal(
                text=_proposal(leader, TITLES.get(plan.leader, "副局长"), lead, co),
                leader=leader,
                lead=lead,
                co=co,
                deadline_on=deadline_on,
            ),
        )
        if plan.stop == "instruct":
            return
        clock.at(when(2, 10, 30))
        handling.instruct(
            actor=leader,
            document=_fresh(document),
            proposal=handling.Proposal(text=f"同意。请{lead.name}抓紧落实，按时报送办理结果。"),
        )
    else:
        _start(clerk, document, _routine(lead, co))
    if plan.circulate:
        readers = [people[name] for name in plan.circulate]
        clock.at(when(2, 14, 0))
        fresh = _fresh(document)
        handling.circulate(
            actor=clerk,
            document=fresh,
            expected_version=fresh.version,
            people=readers,
            in_turn=True,
        )
        clock.at(when(3, 9, 20))
        handling.comment(actor=readers[0], document=fresh, text=plan.comment)
    if plan.stop != "report":
        result = plan.result or REPORTS.get(document.kind, CO_REPORT)
        clock.at(when(4, 11, 0))
        handling.report(actor=lead.head, document=_fresh(document), result=result)
        if plan.stop != "lead":
            for number, department in enumerate(co):
                clock.at(when(5 + number, 16, 0))
                handling.report(actor=department.head, document=_fresh(document), result=CO_REPORT)
    if plan.remind:
        clock.at(when.after(document.deadline))
        handling.remind(actor=clerk, document=_fresh(document), note=plan.remind)
    if plan.stop == "handled" and plan.reply:
        clock.at(None)  # drafted today
        _draft_reply(lead.head, _fresh(document), plan.reply)
    if plan.stop == "done":
        clock.at(when(6 + len(co), 10, 0))
        fresh = _fresh(document)
        linked = plan.reply and _link_reply(fresh, plan.reply)
        handling.close(
            actor=clerk,
            document=fresh,
            expected_version=fresh.version,
            result=plan.result,
            no_reply_reason="" if linked else plan.no_reply,
        )


def _link_reply(document, title: str) -> bool:
    """The demo's outgoing documents are written as they stand (demo.py); the reply among them
    issued after this document came in is linked to it, as 起草答复 would have."""
    return bool(
        OutgoingDocument.objects.filter(
            unit=document.unit,
            title=title,
            answers__isnull=True,
            issued_on__gte=timezone.localtime(document.received_at).date(),
        ).update(answers=document)
    )


def _draft_reply(drafter, document, title: str) -> None:
    """A 复函 started from the document (起草答复) and sent into its approval."""
    reply = services.draft_create(
        actor=drafter,
        data={
            "kind": Kind.LETTER,
            "layout": Layout.LETTER,
            "direction": "lateral",
            "issuers": [ISSUER],
            "title": title,
            "main_recipients": [{"name": document.source_name}],
            "body": [
                {
                    "level": 0,
                    "text": f"你单位《{document.title}》（{document.source_number}）收悉。"
                    "我局食品安全工作考核自评报告已按要求填报，随函报送。",
                },
                {"level": 0, "text": "特此函复。"},
            ],
            "printed_by": "市食品药品监督管理局办公室",
            "answers": document.pk,
        },
    )
    services.submit(actor=drafter, document=reply, expected_version=reply.version)


def _fresh(document) -> IncomingDocument:
    return IncomingDocument.objects.get(pk=document.pk)


def _start(clerk, document, proposal=None) -> None:
    document = _fresh(document)
    handling.start(
        actor=clerk, document=document, expected_version=document.version, proposal=proposal
    )


def _proposal(leader, title: str, lead, co) -> str:
    """拟办意见: 拟请李文华副局长阅示，由食品流通监管科牵头办理，食品生产监管科配合。"""
    text = f"拟请{leader.full_name}{title}阅示，由{lead.name}牵头办理"
    if co:
        text += "，" + "、".join(d.name for d in co) + "配合"
    return text + "。"


def _routine(lead, co, *, again: bool = False):
    """分办: the office sends a routine matter to the departments itself."""
    text = ("改请" if again else "请") + f"{lead.name}牵头办理"
    if co:
        text += "，" + "、".join(d.name for d in co) + "配合"
    return handling.Proposal(text=text + "。", lead=lead, co=co)


class _Moments:
    """When each step of a document's handling is supposed to have happened: ``when(n, hour,
    minute)`` on the n-th working day after it was reviewed, always after the step before and
    not later than now (the most recent documents' steps crowd into the last hours)."""

    def __init__(self, reviewed, now):
        self.reviewed, self.now = reviewed, now
        self.last = min(reviewed, now - datetime.timedelta(hours=1))
        self.days: dict = {}

    def __call__(self, n: int, hour: int, minute: int) -> datetime.datetime:
        if n not in self.days:
            end = add_working_days(self.reviewed, n)
            self.days[n] = timezone.localtime(end).date()
        moment = datetime.datetime.combine(self.days[n], datetime.time(hour, minute))
        return self._next(timezone.make_aware(moment))

    def after(self, deadline) -> datetime.datetime:
        """The morning of the working day after the deadline (催办)."""
        day = timezone.localtime(add_working_days(deadline, 1)).date()
        return self._next(timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30))))

    def _next(self, moment) -> datetime.datetime:
        latest = self.now - datetime.timedelta(minutes=30)
        moment = max(min(moment, latest), self.last + datetime.timedelta(minutes=5))
        self.last = moment
        return moment


class _Clock:
    """The services write the seeding time; this moves it back. ``at(moment)`` opens a step:
    every time the handling writes from then until the next ``at`` becomes ``moment`` (``None``:
    left as written — registration, 初审, readings, dated by the code above). ``apply`` does it
    in a few UPDATEs, one per column, at the end."""

    def __init__(self, rows=None):
        self.marks: list = []  # (when the step began, the moment it stands for)
        self.rows = rows or _handled_rows  # unit → [(queryset, (time fields…)), …]

    def at(self, moment) -> None:
        self.marks.append((timezone.now(), moment))

    def apply(self, unit) -> None:
        if not self.marks:
            return
        self.at(None)
        # One CASE per column, written out: the ORM compiling a hundred When()s per column
        # would cost more than the handling it dates.
        adapt, quote = connection.ops.adapt_datetimefield_value, connection.ops.quote_name
        first = self.marks[0][0]
        for rows, fields in self.rows(unit):
            for field in fields:
                column = quote(rows.model._meta.get_field(field).column)
                sql, params = [], []
                for began, moment in reversed(self.marks):
                    sql.append(f"WHEN {column} >= %s THEN " + (column if moment is None else "%s"))
                    params += [adapt(began)] if moment is None else [adapt(began), adapt(moment)]
                # The models' own column names; every value a parameter.
                case = f"CASE {' '.join(sql)} ELSE {column} END"
                moved = RawSQL(case, params)  # noqa: S611
                rows.filter(**{f"{field}__gte": first}).update(**{field: moved})


def _handled_rows(unit) -> list:
    """Every row the handling writes a time to, with those times."""
    kind = handling.KIND
    return [
        (Run.objects.filter(unit=unit, kind=kind), ("created_at", "updated_at", "finished_at")),
        (WorkItem.objects.filter(unit_id=unit.pk, kind=kind), ("created_at", "decided_at")),
        (RunEvent.objects.filter(run__unit=unit, run__kind=kind), ("at",)),
        (IncomingDocument.objects.filter(unit=unit), ("updated_at", "proposed_at", "closed_at")),
        (IncomingAssignment.objects.filter(document__unit=unit), ("assigned_at", "reported_at")),
        (
            IncomingReading.objects.filter(document__unit=unit, purpose=ReadingPurpose.CIRCULATION),
            ("sent_at", "read_at", "commented_at"),
        ),
        (IncomingReminder.objects.filter(document__unit=unit), ("sent_at",)),
        (Notification.objects.filter(unit_id=unit.pk), ("created_at",)),
    ]
