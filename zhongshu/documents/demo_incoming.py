"""The demo organisation's incoming documents (收文; issue 5 item 13).

About forty documents received over the past twelve months from the provincial bureau, the city
government and a subordinate 区 bureau, registered by the office clerk through the real services
(so 收文编号, audit and search index are right): 阅件 sent for reading and partly read, 办件
waiting to be handled (some past their deadline, since handling is not built yet), two 请示
returned at 初审, one registered twice, one 秘密 by catalogue data only, and a few still waiting
for 初审. Idempotent: once the unit has incoming documents, nothing is added.
"""

import datetime

from django.utils import timezone

from zhongshu.core.calendar import is_working_day
from zhongshu.core.models import Classification

from . import rules
from . import services_incoming as incoming
from .models import IncomingDocument, IncomingReading, Kind, Organ, Urgency
from .models_incoming import Handling

PROVINCE = "省食品药品监督管理局"
CITY = "市人民政府"
CITY_OFFICE = "市人民政府办公室"
DISTRICT = "南山区市场监督管理局"

ACTION, READING = Handling.ACTION, Handling.READING
# Fates: "open" accepted at 初审 and waiting to be handled (待分办); "read" accepted and sent for
# reading (readers: department codes or user names, and the share who have read it); "wait"
# still waiting for 初审; "return" returned with (reasons, note); "duplicate" the same document
# again (same organ and 来文字号 as the row of that title); "secret" catalogue data only.
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
        "open",
        None,
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
        "open",
        None,
    ),
    (
        318,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于报送2025年度工作总结和2026年工作计划的函",
        ACTION,
        10,
        "open",
        None,
    ),
    (
        305,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于开展2026年食品安全抽检监测工作的通知",
        ACTION,
        None,
        "open",
        None,
    ),
    (
        296,
        DISTRICT,
        "南山市监",
        Kind.REQUEST,
        "关于申请增配食品快速检测车的请示",
        ACTION,
        None,
        "open",
        None,
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
        "open",
        None,
    ),
    (255, CITY, "市政发", Kind.NOTICE, "关于开展安全生产大检查的通知", ACTION, None, "open", None),
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
        "open",
        None,
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
        "open",
        None,
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
        "open",
        None,
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
        "open",
        None,
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
        "open",
        None,
    ),
    (
        100,
        CITY,
        "市政发",
        Kind.NOTICE,
        "关于开展国庆中秋期间安全检查的通知",
        ACTION,
        None,
        "open",
        None,
    ),
    (
        90,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于开展网络餐饮服务专项检查的通知",
        ACTION,
        20,
        "open",
        None,
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
        "open",
        None,
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
        40,
        PROVINCE,
        "省食药监发",
        Kind.NOTICE,
        "关于开展2026年度药品安全检查考核工作的通知",
        ACTION,
        30,
        "open",
        None,
    ),
    (
        33,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于报送食品安全工作考核自评报告的函",
        ACTION,
        30,
        "open",
        None,
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
        "open",
        None,
    ),
    (
        10,
        PROVINCE,
        "省食药监函",
        Kind.LETTER,
        "关于征求《药品经营质量管理规范现场检查指导原则》意见的函",
        ACTION,
        10,
        "open",
        None,
    ),
    (
        9,
        CITY_OFFICE,
        "市政办函",
        Kind.LETTER,
        "关于报送年度食品安全重点工作完成情况的函",
        ACTION,
        5,
        "open",
        None,
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
    for received_at, index, row in rows:
        _days, source, code, kind, title, handling, days, fate, detail = row
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
            "handling": handling,
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
        made += 1
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
    readings = IncomingReading.objects.filter(document=document)
    readings.update(sent_at=sent)
    for position, reading in enumerate(readings.filter(read_at__isnull=False).order_by("pk")):
        read = min(sent + datetime.timedelta(hours=3 + 5 * position), now)
        IncomingReading.objects.filter(pk=reading.pk).update(read_at=read)
