"""The demo organisation's classified copies (涉密载体, issue 5 item 9).

The copies of the 秘密 incoming document the demo registers (its copies are registered with it;
an organisation seeded before the register existed gets them here), and papers brought back
from four meetings, registered by the office clerk through the real services: one meeting's
papers returned to the provincial bureau (清退 done, the receipt recorded), one's on a
destruction list waiting for approval by a second office member, one copy lent to a deputy
director, and one paper past its return date (逾期未清退). Idempotent: once the unit has meeting
papers on the register, nothing is added.
"""

import datetime

from django.utils import timezone

from zhongshu.core.models import Classification

from . import rules
from . import services_copies as copies
from .models import ClassifiedCopy, CopyDisposal, CopyEvent, CopyKind, DisposalKind
from .models_copies import ReturnMethod

PROVINCE = "省食品药品监督管理局"
CITY = "市人民政府"
CITY_OFFICE = "市人民政府办公室"

# (key, meeting, title, issued by, 文号, 密级, 份号, received days ago, return in days, brought by)
PAPERS = [
    (
        "returned",
        "全省食品药品安全监管工作会议",
        "2026年全省食品药品安全监管工作要点（讨论稿）",
        PROVINCE,
        "",
        Classification.CONFIDENTIAL,
        "000012-000015",
        45,
        -3,
        "director",
    ),
    (
        "destroy",
        "全市安全生产工作会议",
        "关于重大危险源排查整治情况的通报（会议材料）",
        CITY,
        "市安委〔2026〕3号",
        Classification.SECRET,
        "000031-000033",
        30,
        None,
        "deputy1",
    ),
    (
        "lent",
        "全市食品安全委员会全体会议",
        "食品安全风险形势分析报告",
        CITY_OFFICE,
        "",
        Classification.SECRET,
        "000007, 000008",
        12,
        20,
        "director",
    ),
    (
        "overdue",
        "全省药品安全专项整治推进会",
        "药品安全专项整治案件线索汇总（会议材料）",
        PROVINCE,
        "",
        Classification.SECRET,
        "000021",
        25,
        -5,
        "deputy1",
    ),
]


def seed(people: dict, departments: dict) -> dict:
    clerk = people["clerk"]
    unit = departments["BGS"].unit
    if not copies.may_keep(clerk):
        return {}
    copies.register_missing(actor=clerk)
    if ClassifiedCopy.objects.filter(unit=unit, kind=CopyKind.MEETING).exists():
        return {"copies": ClassifiedCopy.objects.filter(unit=unit).count()}
    today = timezone.localdate()
    made: dict = {}
    for key, meeting, title, source, number, level, numbers, ago, due, by in PAPERS:
        if not rules.cleared_for(clerk, level):
            continue
        received = today - datetime.timedelta(days=ago)
        made[key] = copies.register_papers(
            actor=clerk,
            data={
                "kind": CopyKind.MEETING,
                "meeting": meeting,
                "title": title,
                "source_name": source,
                "source_number": number,
                "classification": level,
                "numbers": numbers,
                "received_on": received,
                "return_by": received + datetime.timedelta(days=ago + due)
                if due is not None
                else None,
                "brought_by": people.get(by),
            },
        )
        _backdate(made[key], received)
    if "returned" in made:
        _returned(clerk, made["returned"], today)
    if "destroy" in made:
        copies.prepare(
            actor=clerk,
            kind=DisposalKind.DESTROY,
            copies=made["destroy"],
            reason="会议材料已阅毕，原发单位明确不需清退，按规定销毁。",
        )
    if "lent" in made:
        first = made["lent"][0]
        copies.lend(
            actor=clerk,
            copy=first,
            expected_version=first.version,
            person=people["deputy1"],
            note="阅后交回办公室。",
        )
    return {"copies": ClassifiedCopy.objects.filter(unit=unit).count()}


def _returned(clerk, rows, today) -> None:
    disposal = copies.prepare(
        actor=clerk,
        kind=DisposalKind.RETURN,
        copies=rows,
        recipient=PROVINCE,
        method=ReturnMethod.COURIER,
    )
    disposal = copies.confirm(
        actor=clerk,
        disposal=disposal,
        expected_version=disposal.version,
        confirmed_by="王建军",
        confirmed_on=today,
    )
    # The list went out a week after the meeting papers came back, the receipt a day later.
    sent = timezone.now() - datetime.timedelta(days=7)
    CopyDisposal.objects.filter(pk=disposal.pk).update(
        prepared_at=sent,
        created_at=sent,
        confirmed_on=today - datetime.timedelta(days=6),
        closed_at=sent + datetime.timedelta(days=1),
    )
    CopyEvent.objects.filter(disposal=disposal, verb="listed").update(at=sent)
    CopyEvent.objects.filter(disposal=disposal, verb="returned").update(
        at=sent + datetime.timedelta(days=1)
    )


def _backdate(rows, received) -> None:
    """The registration on the day the papers came back, at 17:30."""
    moment = timezone.make_aware(datetime.datetime.combine(received, datetime.time(17, 30)))
    moment = min(moment, timezone.now())
    ids = [c.pk for c in rows]
    ClassifiedCopy.objects.filter(pk__in=ids).update(created_at=moment)
    CopyEvent.objects.filter(copy_id__in=ids, verb="registered").update(at=moment)
