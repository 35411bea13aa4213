"""Load the demo organisation: a municipal food and drug administration (issue 2, item 9).

Idempotent: running it again updates the same rows (matched by codes and user names) and adds
nothing twice. ``--if-empty`` does nothing when any unit exists (what ``make run`` uses, so a
real deployment's data is never touched).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from zhongshu.core import audit
from zhongshu.core import demo as module_demo
from zhongshu.core.models import Classification, SystemConfig
from zhongshu.org.demo import DEMO_PASSWORD
from zhongshu.org.models import (
    AdminRole,
    Department,
    Membership,
    Position,
    Role,
    Unit,
    User,
    UserRole,
)

UNIT = ("市食品药品监督管理局", "食药监局", "FDA-SZ-0001")
SUB_UNIT = ("市食品药品检验检测中心", "检验中心", "FDA-SZ-0002")

# rank, name, is_leader
POSITIONS = [
    (1, "局长", True),
    (2, "副局长", True),
    (3, "纪检监察组组长", True),
    (10, "主任", False),
    (10, "科长", False),
    (10, "支队长", False),
    (20, "副主任", False),
    (20, "副科长", False),
    (20, "副支队长", False),
    (30, "一级主任科员", False),
    (40, "四级主任科员", False),
    (50, "一级科员", False),
    (60, "科员", False),
    (60, "系统管理员", False),
]
SUB_POSITIONS = [(1, "主任", True), (2, "副主任", True), (10, "科长", False), (40, "检验员", False)]

# code, name, general office?, leader in charge (user name), phone
DEPARTMENTS = [
    ("BGS", "办公室", True, "director", "0755-83000001"),
    ("ZCFG", "政策法规科", False, "deputy3", "0755-83000002"),
    ("SPSC", "食品生产监管科", False, "deputy1", "0755-83000003"),
    ("SPLT", "食品流通监管科", False, "deputy1", "0755-83000004"),
    ("CYFW", "餐饮服务监管科", False, "deputy1", "0755-83000005"),
    ("YPHZ", "药品化妆品监管科", False, "deputy2", "0755-83000006"),
    ("YLQX", "医疗器械监管科", False, "deputy2", "0755-83000007"),
    ("JCZD", "稽查支队", False, "deputy2", "0755-83000008"),
    ("RSK", "人事科", False, "director", "0755-83000009"),
    ("JHCW", "计划财务科", False, "deputy3", "0755-83000010"),
    ("LDBZ", "局领导", False, "director", ""),
]
SUB_DEPARTMENTS = [
    ("ZHK", "综合科", True, "", "0755-83100001"),
    ("SPJY", "食品检验室", False, "", "0755-83100002"),
    ("YPJY", "药品检验室", False, "", "0755-83100003"),
]

# user name, full name, gender, department, position, clearance, demo account?, mobile
NAMED_PEOPLE = [
    ("director", "陈建国", "M", "LDBZ", "局长", Classification.CONFIDENTIAL, True),
    ("deputy1", "李文华", "M", "LDBZ", "副局长", Classification.CONFIDENTIAL, True),
    ("deputy2", "王秀英", "F", "LDBZ", "副局长", Classification.CONFIDENTIAL, False),
    ("deputy3", "赵志强", "M", "LDBZ", "副局长", Classification.CONFIDENTIAL, False),
    ("jijian", "孙丽娟", "F", "LDBZ", "纪检监察组组长", Classification.SECRET, False),
    ("office", "刘海涛", "M", "BGS", "主任", Classification.CONFIDENTIAL, True),
    ("officedep", "周敏", "F", "BGS", "副主任", Classification.SECRET, False),
    ("clerk", "杨静", "F", "BGS", "一级科员", Classification.CONFIDENTIAL, True),
    ("head1", "周立新", "M", "SPSC", "科长", Classification.INTERNAL, True),
    ("staff1", "黄晓明", "M", "SPSC", "科员", Classification.INTERNAL, True),
    ("sysadmin", "吴磊", "M", "BGS", "系统管理员", Classification.INTERNAL, True),
    ("secadmin", "郑丹", "F", "BGS", "系统管理员", Classification.INTERNAL, True),
    ("auditor", "冯涛", "M", "BGS", "系统管理员", Classification.INTERNAL, True),
]
ADMIN_ROLES = {
    "sysadmin": AdminRole.SYSTEM,
    "secadmin": AdminRole.SECURITY,
    "auditor": AdminRole.AUDIT,
}
ORG_ROLE = ["office", "officedep"]

SURNAMES = (
    "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文",
    "华",
    "红梅",
    "晓东",
    "玉兰",
    "志刚",
    "春燕",
    "海燕",
    "国庆",
    "建军",
    "雪梅",
    "立新",
    "婷婷",
    "宇航",
    "子涵",
    "欣怡",
    "浩然",
    "思远",
    "嘉怡",
    "俊杰",
    "梓萱",
    "一鸣",
    "晨曦",
]
# How many further staff each department gets, with their positions in order.
STAFFING = {
    "BGS": ["一级主任科员", "四级主任科员", "科员", "科员"],
    "ZCFG": ["科长", "副科长", "四级主任科员", "科员"],
    "SPSC": ["副科长", "一级主任科员", "科员"],  # its 科长 is the demo account head1
    "SPLT": ["科长", "副科长", "四级主任科员", "科员", "科员"],
    "CYFW": ["科长", "副科长", "四级主任科员", "科员"],
    "YPHZ": ["科长", "副科长", "一级科员", "科员"],
    "YLQX": ["科长", "一级主任科员", "科员"],
    "JCZD": ["支队长", "副支队长", "四级主任科员", "科员", "科员", "一级科员"],
    "RSK": ["科长", "一级科员", "科员"],
    "JHCW": ["科长", "副科长", "科员"],
}
SUB_STAFFING = {
    "ZHK": ["主任", "科长", "检验员"],
    "SPJY": ["副主任", "科长", "检验员", "检验员"],
    "YPJY": ["科长", "检验员", "检验员"],
}


class Command(BaseCommand):
    help = "Load (or refresh) the demo organisation and its demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a unit (first run only).",
        )

    def handle(self, *args, if_empty=False, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo organisation is never loaded in production mode.")
        if if_empty and Unit.objects.exists():
            self.stdout.write("The organisation already exists; the demo data was not loaded.")
            return
        counts = seed_demo()
        self.stdout.write(
            f"Demo organisation ready: {counts['units']} units, {counts['departments']} "
            f"departments, {counts['people']} people. Demo password: {DEMO_PASSWORD}"
        )


def _person_names():
    """Deterministic, varied names (same every run, so seeding stays idempotent)."""
    for i in range(10_000):
        yield SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 11) % len(GIVEN)]


@transaction.atomic
def seed_demo(*, modules: bool = True) -> dict:
    """The organisation, then (unless ``modules`` is false) each business module's demo work."""
    unit = _unit(*UNIT, parent=None, order=0)
    sub = _unit(*SUB_UNIT, parent=unit, order=1)
    positions = {name: _position(unit, rank, name, leader) for rank, name, leader in POSITIONS}
    sub_positions = {name: _position(sub, r, name, lead) for r, name, lead in SUB_POSITIONS}
    departments = {
        code: _department(unit, code, name, general, phone, order)
        for order, (code, name, general, _leader, phone) in enumerate(DEPARTMENTS)
    }
    sub_departments = {
        code: _department(sub, code, name, general, phone, order)
        for order, (code, name, general, _leader, phone) in enumerate(SUB_DEPARTMENTS)
    }

    people = {}
    for index, (username, name, gender, dept, position, clearance, demo) in enumerate(NAMED_PEOPLE):
        people[username] = _person(
            unit,
            username,
            name,
            gender,
            departments[dept],
            positions[position],
            clearance,
            demo=demo,
            mobile=f"139{index + 1:08d}",
            admin_role=ADMIN_ROLES.get(username, ""),
        )
    names = _person_names()
    used = {p.full_name for p in people.values()}
    serial = 0
    for staffing, org_unit, depts, posts in (
        (STAFFING, unit, departments, positions),
        (SUB_STAFFING, sub, sub_departments, sub_positions),
    ):
        for code, post_names in staffing.items():
            for post_name in post_names:
                serial += 1
                name = next(names)
                while name in used:
                    name = next(names)
                used.add(name)
                username = f"{code.lower()}{serial:02d}"
                people[username] = _person(
                    org_unit,
                    username,
                    name,
                    "F" if serial % 3 == 0 else "M",
                    depts[code],
                    posts[post_name],
                    Classification.INTERNAL,
                    demo=False,
                    mobile=f"137{serial:08d}",
                )

    # Heads: the office director heads the office; each other department its first 科长/支队长.
    heads = {"BGS": people["office"], "LDBZ": people["director"]}
    for person in people.values():
        for post in person.memberships.all():
            code = post.department.code
            if code not in heads and post.position and post.position.rank == 10:
                heads[code] = person
    for code, _name, _general, leader, _phone in DEPARTMENTS:
        department = departments[code]
        department.head = heads.get(code)
        department.leader_in_charge = people.get(leader) if leader else None
        department.save(update_fields=["head", "leader_in_charge"])
    for code, *_ in SUB_DEPARTMENTS:
        department = sub_departments[code]
        department.head = heads.get(code)
        department.save(update_fields=["head"])
    unit.principal = people["director"]
    unit.save(update_fields=["principal"])
    # The executive deputy signs upward and important documents when the director authorises it.
    unit.authorised_signers.set([people["deputy1"]])
    sub_head = next(
        (
            p
            for p in people.values()
            if p.unit_id == sub.pk
            and p.full_name
            and p.memberships.filter(position__name="主任").exists()
        ),
        None,
    )
    sub.principal = sub_head
    sub.save(update_fields=["principal"])

    for username in ORG_ROLE:
        UserRole.objects.get_or_create(user=people[username], role=Role.ORGANISATION)

    config = SystemConfig.get()
    if not config.site_name:
        config.site_name = "中枢办公系统（演示）"
        config.login_notice = "涉密信息不得在本系统处理。本演示系统中的单位、人员和数据均为虚构。"
        config.save()
    # The business modules' demo work (routes, documents in flight…), each module its own.
    work = module_demo.run_all(people, departments) if modules else {}
    audit.record("demo.seeded", detail={"people": len(people), "modules": work})
    return {
        "units": 2,
        "departments": len(departments) + len(sub_departments),
        "people": len(people),
    }


def _unit(name, short_name, code, *, parent, order):
    unit, _ = Unit.objects.update_or_create(
        code=code,
        deleted_at=None,
        defaults={"name": name, "short_name": short_name, "parent": parent, "sort_order": order},
    )
    return unit


def _position(unit, rank, name, leader):
    position, _ = Position.objects.update_or_create(
        unit=unit, name=name, deleted_at=None, defaults={"rank": rank, "is_leader": leader}
    )
    return position


def _department(unit, code, name, general, phone, order):
    department, _ = Department.objects.update_or_create(
        unit=unit,
        code=code,
        deleted_at=None,
        defaults={
            "name": name,
            "is_general_office": general,
            "phone": phone,
            "sort_order": order * 10,
        },
    )
    return department


def _person(
    unit, username, name, gender, department, position, clearance, *, demo, mobile, admin_role=""
):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        if demo:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
    user.full_name = name
    user.gender = gender
    user.unit = unit
    user.clearance = clearance
    user.clearance_granted_at = user.clearance_granted_at or timezone.now()
    user.admin_role = admin_role
    user.is_demo_account = demo
    user.is_active = True
    user.mobile = mobile
    user.email = f"{username}@fda.example.gov.cn"
    user.save()
    # The three administrators have no department post: they read no business content.
    if admin_role:
        Membership.objects.filter(user=user).delete()
        return user
    Membership.objects.update_or_create(
        user=user,
        department=department,
        deleted_at=None,
        defaults={"position": position, "is_primary": True, "sort_order": position.rank},
    )
    return user
