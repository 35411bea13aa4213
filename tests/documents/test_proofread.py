"""The proofreader (校对): every rule of gongwen.md §6 fires on a mistake and stays silent on
correct text. Pure Python: no database."""

import datetime
from dataclasses import replace

import pytest

from zhongshu.documents import proofread
from zhongshu.documents.proofread import DEFAULT_TYPOS, RULES, Block, Draft, check

E, W = "error", "warning"

REQUEST = Draft(
    kind="请示",
    title="某县教育局关于购置办公设备的请示",
    doc_number="某教发〔2024〕5号",
    issuers=("某县教育局",),
    issuer_mark="某县教育局文件",
    signers=("张三",),
    main_recipients=("某县人民政府",),
    cc=("某县财政局",),
    subordinates=frozenset({"城关镇中心学校", "某县实验小学"}),
    body=(
        "为改善办公条件，根据《某县人民政府关于加强机关办公条件保障的通知》"
        "（某政发〔2023〕12号）要求，我局拟购置一批办公设备。现将有关事项请示如下：",
        Block("一、购置内容", level=1),
        "购置计算机10台、打印机3～5台，所需经费约12.5万元，从我局2024年部门预算中列支，请予批准。",
        Block("二、实施安排", level=1),
        "2024年8—9月完成采购，具体按照《政府采购法》《政府采购法实施条例》执行。",
        "妥否，请批示。",
    ),
    attachments=("办公设备购置清单",),
    attachment_titles=("办公设备购置清单",),
    signatures=("某县教育局",),
    date="2024年7月15日",
    print_date="2024年7月16日",
    note="（联系人：李四，电话：0571-88888888）",
    sealed=True,
)

NOTICE = Draft(
    kind="通知",
    title="某市人民政府办公室关于做好2024年国庆节期间安全生产工作的通知",
    doc_number="某政办发〔2024〕31号",
    issuers=("某市人民政府办公室",),
    issuer_abbreviations=("市政府办公室",),
    issuer_mark="某市人民政府办公室文件",
    main_recipients=("各区、县（市）人民政府，市政府各部门、各直属机构",),
    cc=("市委办公室", "市人大常委会办公室"),
    body=(
        "为切实做好2024年国庆节期间安全生产工作，根据《国务院安全生产委员会关于做好节日期间"
        "安全防范工作的通知》（安委〔2024〕8号）精神，经市政府同意，现将有关事项通知如下：",
        Block("一、提高思想认识", level=1),
        Block("（一）压实工作责任", level=2),
        "各地、各部门要严格落实安全生产责任制（以下简称“责任制”），责任制落实情况于9月30日前"
        "报市应急管理局。参加人员名单自己经办单位汇总。",
        Block("1.加强隐患排查", level=3),
        "重点排查3～5类高风险场所，排查时间为2024年9月20日—10月7日，其他事项另行通知。",
        Block("（1）道路交通", level=4),
        "依照GB/T 29639-2020开展应急演练，演练方案见http://example.gov.cn/a?b=1;c=2，"
        "1,000人以上的活动于10:30前报备。",
        "二、加强值班值守",
        "节日期间实行24小时值班制度，值班电话：0571-12345678。",
        "特此通知。",
    ),
    attachments=("国庆节期间值班安排表", "安全生产检查重点清单"),
    attachment_titles=("国庆节期间值班安排表", "安全生产检查重点清单"),
    signatures=("某市人民政府办公室",),
    date="2024年9月18日",
    print_date="2024年9月18日",
    note="（此件公开发布）",
    sealed=True,
)

ORDER = Draft(
    kind="命令",
    format="命令",
    doc_number="第708号",
    issuers=("某市人民政府",),
    issuer_mark="某市人民政府令",
    body=(
        "《某市城市绿化管理办法》已经2024年6月3日市人民政府第12次常务会议通过，现予公布，"
        "自2024年10月1日起施行。",
    ),
    date="2024年6月10日",
)

MINUTES = Draft(
    kind="纪要",
    format="纪要",
    title="局长办公会议纪要",
    doc_number="（第3号）",
    issuers=("某县教育局",),
    issuer_mark="某县教育局局长办公会议纪要",
    body=("2024年7月1日，局长张三主持召开局长办公会议，研究暑期校舍维修工作。纪要如下：",),
    date="2024年7月2日",
    sealed=False,
)

LETTER = Draft(
    kind="函",
    format="信函",
    direction="平行",
    title="某县教育局关于商请支持乡村学校师资培训的函",
    doc_number="某教函〔2024〕9号",
    issuers=("某县教育局",),
    issuer_mark="某县教育局",
    main_recipients=("某师范学院",),
    body=(
        "为提升乡村教师业务水平，我局拟于2024年8月举办培训班，恳请贵院选派专家授课。",
        "请予支持并函复。",
    ),
    signatures=("某县教育局",),
    date="2024年7月1日",
)


def found(draft, rule):
    """The findings of one rule as (severity, element, index, start, length, fix)."""
    return [
        (
            f.severity,
            f.location.element,
            f.location.index,
            f.location.start,
            f.location.length,
            f.fix,
        )
        for f in check(draft)
        if f.rule == rule
    ]


def body(*blocks, draft=REQUEST):
    return replace(draft, body=blocks)


def at(text, part):
    return text.index(part)


# --- Correct documents ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "draft",
    [
        pytest.param(REQUEST, id="请示"),
        pytest.param(NOTICE, id="通知"),
        pytest.param(ORDER, id="命令"),
        pytest.param(MINUTES, id="纪要"),
        pytest.param(LETTER, id="函"),
    ],
)
def test_a_correct_document_has_no_findings(draft):
    assert check(draft) == []


def test_every_rule_but_the_layout_one_is_registered():
    ids = {rule.id for rule in RULES}
    assert ids == {f"R{n}" for n in range(1, 31)} - {"R26"}
    assert all(rule.severity in ("error", "warning") for rule in RULES)


# --- Each rule fires on a mistake ---------------------------------------------------------------

R2_ORDER = "按照某政发〔2023〕12号《关于加强办公条件保障的通知》要求执行。"
R2_BARE = "按照《关于加强办公条件保障的通知》某政发〔2023〕12号要求执行。"
R9_TWICE = "一是购置计算机10台，请予批准。"
R9_TWICE_2 = "二是修缮会议室，请予批准。"
R10_REPORT = replace(
    REQUEST,
    kind="报告",
    title="某县教育局关于2024年上半年工作情况的报告",
    body=("上半年，我局完成各项工作任务。下半年拟新建校舍一栋，请予批准。", "特此报告。"),
)
R19_INSIDE = "主要措施：1、加强领导；2、落实经费。"
R21_TEXT = "项目周期3-5年，2013-2015年试点，北京-上海线路，每批3~5天，3-5月完成。"
R25_TEXT = "按照标准(GB/T 9704)执行,不得拖延。"
R29_TEXT = "我局己经完成。其它事项另行通知。积极加人中国共产党。杜会反响良好。"
R30_TEXT = "某市发展和改革委员会（以下简称“发改委”）负责。"

FIRING = [
    # R1 发文字号
    (
        "R1",
        replace(REQUEST, doc_number="某教发[2024]5号"),
        [(E, "doc_number", None, 3, 6, "〔2024〕")],
    ),
    (
        "R1",
        replace(REQUEST, doc_number="某教发【2024】5号"),
        [(E, "doc_number", None, 3, 6, "〔2024〕")],
    ),
    (
        "R1",
        replace(REQUEST, doc_number="某教发（2024）5号"),
        [(E, "doc_number", None, 3, 6, "〔2024〕")],
    ),
    ("R1", replace(REQUEST, doc_number="某教发〔2024〕第5号"), [(E, "doc_number", None, 9, 1, "")]),
    ("R1", replace(REQUEST, doc_number="某教发〔2024〕05号"), [(E, "doc_number", None, 9, 1, "")]),
    ("R1", replace(REQUEST, doc_number="某教发〔24〕5号"), [(E, "doc_number", None, 4, 2, None)]),
    ("R1", replace(REQUEST, doc_number="某教发〔2024〕5"), [(E, "doc_number", None, 10, 0, "号")]),
    (
        "R1",
        replace(REQUEST, doc_number="某教发 〔2024〕5号"),
        [(E, "doc_number", None, 0, 12, "某教发〔2024〕5号")],
    ),
    ("R1", replace(REQUEST, doc_number="〔2024〕5号"), [(E, "doc_number", None, 0, 0, None)]),
    ("R1", replace(REQUEST, doc_number="某教发2024年5号"), [(E, "doc_number", None, 0, 10, None)]),
    # R2 发文字号 cited in the body
    ("R2", body(R2_ORDER), [(E, "body", 0, at(R2_ORDER, "〔"), 24, None)]),
    (
        "R2",
        body(R2_BARE),
        [(E, "body", 0, at(R2_BARE, "某政发"), 12, "（某政发〔2023〕12号）")],
    ),
    (
        "R2",
        body("依据《通知》（某政发[2023]12号）执行。"),
        [(E, "body", 0, 10, 6, "〔2023〕")],
    ),
    # R3 the title ends with a statutory kind, the document's own
    (
        "R3",
        replace(REQUEST, title="某县教育局关于购置办公设备的有关事项"),
        [(E, "title", None, 0, 18, None)],
    ),
    (
        "R3",
        replace(REQUEST, title="某县教育局关于购置办公设备的报告"),
        [(E, "title", None, 14, 2, None)],
    ),
    # R4 stacked kinds
    (
        "R4",
        replace(REQUEST, title="某县教育局关于购置办公设备的请示报告"),
        [(E, "title", None, 14, 4, "请示")],
    ),
    (
        "R4",
        replace(
            NOTICE, title="某市人民政府办公室关于转发省应急管理厅关于加强安全生产工作的通知的通知"
        ),
        [(E, "title", None, 29, 6, "的通知")],
    ),
    (
        "R4",
        replace(R10_REPORT, title="某县教育局关于教师队伍建设的意见报告"),
        [(E, "title", None, 14, 4, "报告")],
    ),
    # R5 home-made kinds
    (
        "R5",
        replace(R10_REPORT, title="某县教育局关于2024年上半年工作的汇报"),
        [(E, "title", None, 18, 2, "报告")],
    ),
    (
        "R5",
        replace(NOTICE, title="某市人民政府办公室关于国庆节期间安全生产的工作方案"),
        [(E, "title", None, 23, 2, None)],
    ),
    (
        "R5",
        replace(MINUTES, title="关于暑期校舍维修工作的会议纪要"),
        [(E, "title", None, 11, 4, "纪要")],
    ),
    ("R5", replace(MINUTES, issuer_mark="会议纪要"), [(E, "issuer_mark", None, 0, 4, "纪要")]),
    # R6 urgency in the title
    (
        "R6",
        replace(NOTICE, title="某市人民政府办公室关于做好防汛工作的紧急通知"),
        [(W, "title", None, 18, 2, None)],
    ),
    (
        "R6",
        replace(NOTICE, title="（加急）某市人民政府办公室关于做好防汛工作的通知"),
        [(W, "title", None, 1, 2, None)],
    ),
    # R7 punctuation in the title
    (
        "R7",
        replace(REQUEST, title="某县教育局关于购置办公设备的请示。"),
        [(E, "title", None, 16, 1, "")],
    ),
    (
        "R7",
        replace(REQUEST, title="某县教育局关于购置计算机，打印机的请示"),
        [(E, "title", None, 12, 1, None)],
    ),
    (
        "R7",
        replace(REQUEST, title="某县教育局关于购置办公设备的请示(征求意见稿)"),
        [(W, "title", None, 16, 7, None)],
    ),
    # R8 关于
    (
        "R8",
        replace(REQUEST, title="某县教育局关于关于购置办公设备的请示"),
        [(E, "title", None, 5, 4, "关于")],
    ),
    (
        "R8",
        replace(REQUEST, title="关于某县教育局购置办公设备的请示"),
        [(E, "title", None, 0, 7, "某县教育局关于")],
    ),
    (
        "R8",
        replace(REQUEST, title="某县教育局关于购置办公设备请示"),
        [(W, "title", None, 13, 0, "的")],
    ),
    (
        "R8",
        replace(LETTER, title="某县教育局关于商请支持师资培训复函"),
        [(W, "title", None, 15, 0, "的")],
    ),
    # R9 请示: one superior organ, one matter
    (
        "R9",
        replace(REQUEST, main_recipients=("某县人民政府", "某县财政局")),
        [(E, "main_recipients", 1, 0, 5, None)],
    ),
    (
        "R9",
        replace(REQUEST, main_recipients=("中共某县委、某县人民政府",)),
        [(E, "main_recipients", 0, 0, 12, None)],
    ),
    ("R9", replace(REQUEST, main_recipients=()), [(E, "main_recipients", None, None, 0, None)]),
    (
        "R9",
        body(R9_TWICE, R9_TWICE_2, "妥否，请批示。"),
        [(W, "body", 1, at(R9_TWICE_2, "请予批准"), 4, None)],
    ),
    # R10 no request in a 报告
    ("R10", R10_REPORT, [(E, "body", 0, at(R10_REPORT.body[0].text, "请予批准"), 4, None)]),
    # R11 签发人
    ("R11", replace(REQUEST, signers=()), [(E, "signers", None, None, 0, None)]),
    ("R11", replace(R10_REPORT, signers=("",)), [(E, "signers", None, None, 0, None)]),
    (
        "R11",
        replace(
            REQUEST,
            kind="意见",
            title="某县教育局关于教师队伍建设的意见",
            direction="上行",
            signers=(),
        ),
        [(E, "signers", None, None, 0, None)],
    ),
    ("R11", replace(NOTICE, direction="下行", signers=("王五",)), [(W, "signers", 0, 0, 2, None)]),
    # R12 the closing fits the kind
    (
        "R12",
        replace(
            NOTICE,
            kind="通告",
            title="某市人民政府办公室关于国庆节期间交通管制的通告",
            body=("国庆节期间部分路段实行交通管制。", "特此通知。"),
        ),
        [(E, "body", 1, 0, 4, "特此通告")],
    ),
    ("R12", body("我局拟购置办公设备。", "特此报告。"), [(E, "body", 1, 0, 4, None)]),
    (
        "R12",
        body("各单位要做好安全生产工作。", "妥否，请批示。", draft=NOTICE),
        [(E, "body", 1, 0, 4, None)],
    ),
    # R13 an upward document is not copied down
    (
        "R13",
        replace(REQUEST, cc=("某县财政局", "城关镇中心学校")),
        [(E, "cc", 1, 0, 7, "")],
    ),
    (
        "R13",
        replace(REQUEST, cc=("某县实验小学",), subordinates=lambda organ: organ.endswith("小学")),
        [(E, "cc", 0, 0, 6, "")],
    ),
    # R14 mark, title and signature name the same organs
    (
        "R14",
        replace(REQUEST, issuer_mark="某县人民政府文件"),
        [(E, "issuer_mark", None, 0, 8, None)],
    ),
    (
        "R14",
        replace(REQUEST, title="某县财政局关于购置办公设备的请示"),
        [(E, "title", None, 0, 5, None)],
    ),
    ("R14", replace(REQUEST, signatures=("某县财政局",)), [(E, "signatures", 0, 0, 5, None)]),
    # R15 dates
    ("R15", replace(REQUEST, date="2024年07月15日"), [(E, "date", None, 0, 11, "2024年7月15日")]),
    ("R15", replace(REQUEST, date="2024-7-15"), [(E, "date", None, 0, 9, "2024年7月15日")]),
    (
        "R15",
        replace(REQUEST, date="二〇二四年七月十五日"),
        [(E, "date", None, 0, 10, "2024年7月15日")],
    ),
    ("R15", replace(REQUEST, date="24年7月15日"), [(E, "date", None, 0, 8, None)]),
    ("R15", replace(REQUEST, date="2024年2月30日"), [(E, "date", None, 0, 10, None)]),
    ("R15", replace(REQUEST, date="下周一"), [(E, "date", None, 0, 3, None)]),
    (
        "R15",
        replace(REQUEST, print_date="2024年7月1日"),
        [(E, "date", None, 0, 10, None)],
    ),
    (
        "R15",
        replace(REQUEST, print_date="2024.7.16"),
        [(E, "print_date", None, 0, 9, "2024年7月16日")],
    ),
    # R16 years in full
    ("R16", body("我局于24年7月完成采购。"), [(E, "body", 0, 3, 3, None)]),
    ("R16", body("二0二四年七月完成采购。"), [(E, "body", 0, 0, 4, "二〇二四")]),
    ("R16", body("’24年度预算已下达。"), [(E, "body", 0, 0, 3, None)]),
    (
        "R16",
        replace(REQUEST, title="某县教育局关于二O二四年购置办公设备的请示"),
        [(E, "title", None, 7, 4, "二〇二四")],
    ),
    # R17 密级
    (
        "R17",
        replace(REQUEST, classification="机密", secrecy_period="1年"),
        [(E, "copy_number", None, None, 0, None)],
    ),
    (
        "R17",
        replace(REQUEST, classification="机密级", copy_numbered=True),
        [(E, "classification", None, 0, 3, "机密")],
    ),
    (
        "R17",
        replace(REQUEST, classification="内部", copy_numbered=True),
        [(E, "classification", None, 0, 2, None)],
    ),
    (
        "R17",
        replace(REQUEST, classification="机密", secrecy_period="25年", copy_numbered=True),
        [(E, "secrecy_period", None, 0, 3, None)],
    ),
    (
        "R17",
        replace(REQUEST, classification="秘密", secrecy_period="12个月", copy_numbered=True),
        [(E, "secrecy_period", None, 0, 4, "1年")],
    ),
    (
        "R17",
        replace(REQUEST, classification="秘密", secrecy_period="６月", copy_numbered=True),
        [(E, "secrecy_period", None, 0, 2, "6个月")],
    ),
    ("R17", replace(REQUEST, secrecy_period="1年"), [(E, "secrecy_period", None, 0, 2, None)]),
    # R18 紧急程度
    ("R18", replace(REQUEST, urgency="紧急"), [(E, "urgency", None, 0, 2, None)]),
    ("R18", replace(REQUEST, urgency="特提"), [(E, "urgency", None, 0, 2, None)]),
    # R19 sequence numbers
    ("R19", body("1、购置计算机10台。"), [(E, "body", 0, 0, 2, "1.")]),
    ("R19", body("一.购置内容"), [(E, "body", 0, 0, 2, "一、")]),
    ("R19", body("（一）、购置内容"), [(E, "body", 0, 0, 4, "（一）")]),
    ("R19", body("(1)购置计算机"), [(E, "body", 0, 0, 3, "（1）")]),
    ("R19", body("第一、统一思想。"), [(E, "body", 0, 0, 3, "第一，")]),
    (
        "R19",
        body(R19_INSIDE),
        [(E, "body", 0, 5, 2, "1."), (E, "body", 0, at(R19_INSIDE, "2、"), 2, "2.")],
    ),
    ("R19", body(Block("（一）购置内容", level=1)), [(W, "body", 0, 0, 3, None)]),
    # R20 no 顿号 between titles side by side
    ("R20", body("按照《政府采购法》、《政府采购法实施条例》执行。"), [(E, "body", 0, 9, 1, "")]),
    ("R20", body("开展“进校园”、“进社区”活动。"), [(E, "body", 0, 7, 1, "")]),
    # R21 ranges
    (
        "R21",
        body(R21_TEXT),
        [
            (E, "body", 0, at(R21_TEXT, "-5年"), 1, "～"),
            (E, "body", 0, at(R21_TEXT, "-2015"), 1, "—"),
            (E, "body", 0, at(R21_TEXT, "-上海"), 1, "—"),
            (E, "body", 0, at(R21_TEXT, "~"), 1, "～"),
            (E, "body", 0, at(R21_TEXT, "-5月"), 1, "—"),
        ],
    ),
    ("R21", body("2024.1-2024.6期间完成。"), [(E, "body", 0, 6, 1, "—")]),
    # R22 附件说明
    (
        "R22",
        replace(REQUEST, attachments=("办公设备购置清单。",)),
        [(E, "attachments", 0, 8, 1, "")],
    ),
    (
        "R22",
        replace(REQUEST, attachments=("附件：办公设备购置清单",)),
        [(E, "attachments", 0, 0, 3, "")],
    ),
    (
        "R22",
        replace(REQUEST, attachments=("1.办公设备购置清单",)),
        [(E, "attachments", 0, 0, 2, "")],
    ),
    (
        "R22",
        replace(REQUEST, attachments=("办公设备采购清单",)),
        [(E, "attachments", 0, 0, 8, None)],
    ),
    (
        "R22",
        replace(REQUEST, attachment_titles=("办公设备购置清单", "经费测算表")),
        [(E, "attachment_titles", 1, 0, 5, None)],
    ),
    (
        "R22",
        replace(REQUEST, attachment_titles=()),
        [(E, "attachments", 0, 0, 8, None)],
    ),
    # R23 抄送
    ("R23", replace(REQUEST, cc=("抄送：某县财政局",)), [(E, "cc", 0, 0, 3, "")]),
    ("R23", replace(REQUEST, cc=("某县财政局。",)), [(E, "cc", 0, 5, 1, "")]),
    ("R23", replace(REQUEST, cc=("某县财政局,某县审计局",)), [(E, "cc", 0, 5, 1, "，")]),
    # R24 主送
    (
        "R24",
        replace(REQUEST, main_recipients=("某县人民政府:",)),
        [(E, "main_recipients", 0, 6, 1, "")],
    ),
    (
        "R24",
        replace(NOTICE, main_recipients=("各区、县（市）人民政府;市政府各部门",)),
        [(E, "main_recipients", 0, 11, 1, "，")],
    ),
    # R25 full-width marks in Chinese text
    (
        "R25",
        body(R25_TEXT),
        [(W, "body", 0, 4, 1, "（"), (W, "body", 0, 14, 1, "）"), (W, "body", 0, 17, 1, "，")],
    ),
    ("R25", replace(REQUEST, note="（联系人:李四）"), [(W, "note", None, 4, 1, "：")]),
    # R27 纪要 and 信函
    ("R27", replace(MINUTES, sealed=True), [(W, "seal", None, None, 0, None)]),
    ("R27", replace(LETTER, issuer_mark="某县教育局文件"), [(E, "issuer_mark", None, 5, 2, "")]),
    # R28 附注
    ("R28", replace(REQUEST, note="此件公开发布"), [(E, "note", None, 0, 6, "（此件公开发布）")]),
    ("R28", replace(REQUEST, note="(此件公开发布)"), [(E, "note", None, 0, 8, "（此件公开发布）")]),
    # R29 typos
    (
        "R29",
        body(R29_TEXT),
        [
            (W, "body", 0, 2, 2, "已经"),
            (W, "body", 0, 7, 2, "其他"),
            (W, "body", 0, at(R29_TEXT, "加人"), 2, "加入"),
            (W, "body", 0, at(R29_TEXT, "杜会"), 2, "社会"),
        ],
    ),
    (
        "R29",
        replace(body("请核对银行帐号。"), typos=(*DEFAULT_TYPOS, ("帐号", "账号"))),
        [(W, "body", 0, 5, 2, "账号")],
    ),
    # R30 short forms introduced before use
    ("R30", body("请发改委牵头。", R30_TEXT), [(W, "body", 0, 1, 3, None)]),
]


@pytest.mark.parametrize(
    ("rule", "draft", "expected"),
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(FIRING)],
)
def test_rule_fires(rule, draft, expected):
    assert found(draft, rule) == expected


# --- … and stays silent on correct text ---------------------------------------------------------

SILENT = [
    ("R1", replace(REQUEST, doc_number="国发〔2012〕10号")),
    ("R1", replace(REQUEST, doc_number="")),
    ("R1", ORDER),
    ("R1", replace(MINUTES, doc_number="〔2024〕3号")),
    ("R2", body("根据《关于加强办公条件保障的通知》（某政发〔2023〕12号）要求执行。")),
    ("R2", body("位于某小区3号楼，依据GB/T 9704-2012排版。")),
    ("R3", replace(NOTICE, title="某市人民政府办公室关于印发《2024年安全生产工作要点》的通知")),
    (
        "R3",
        replace(NOTICE, title="某市人民政府办公室转发市应急管理局关于加强安全生产工作意见的通知"),
    ),
    ("R3", MINUTES),
    ("R3", replace(ORDER, title="某市人民政府嘉奖令")),
    ("R3", replace(LETTER, title="某县教育局关于同意联合举办培训班的复函")),
    (
        "R4",
        replace(NOTICE, title="某市人民政府办公室关于转发省应急管理厅关于加强安全生产工作的通知"),
    ),
    ("R4", replace(REQUEST, kind="批复", title="某县教育局关于城关镇中心学校购置设备请示的批复")),
    ("R5", replace(NOTICE, title="某市人民政府办公室关于印发国庆节期间安全生产工作方案的通知")),
    ("R5", replace(MINUTES, title="2024年第3次局长办公会议纪要")),
    ("R6", replace(NOTICE, title="某市人民政府办公室关于做好紧急救援工作的通知")),
    ("R7", replace(NOTICE, title="某市人民政府办公室关于印发《某市安全生产条例（试行）》的通知")),
    ("R7", replace(NOTICE, title="某市人民政府办公室关于开展“安全生产、人人有责”宣传活动的通知")),
    ("R7", replace(NOTICE, title="某市人民政府办公室关于做好2024—2025年度冬季供暖工作的通知")),
    ("R7", replace(NOTICE, title="某市人民政府办公室关于下达3.5万吨储备粮轮换计划的通知")),
    (
        "R7",
        replace(NOTICE, title="某市人民政府办公室关于加强新时代（2023—2027年）学校体育工作的通知"),
    ),
    ("R8", replace(LETTER, title="某县教育局关于商请支持师资培训的复函")),
    ("R8", replace(NOTICE, title="关于做好2024年国庆节期间安全生产工作的通知")),
    ("R9", REQUEST),
    ("R9", replace(NOTICE, main_recipients=("各区人民政府", "市政府各部门"))),
    ("R10", replace(R10_REPORT, body=("上半年，我局完成各项工作任务。", "特此报告。"))),
    ("R10", REQUEST),
    ("R10", replace(R10_REPORT, body=("该项目已报请省政府批准，经申请批准后开工。", "特此报告。"))),
    ("R11", REQUEST),
    ("R11", NOTICE),
    ("R11", replace(LETTER, signers=("张三",))),
    (
        "R12",
        replace(
            REQUEST,
            kind="批复",
            title="某县教育局关于同意城关镇中心学校购置设备的批复",
            body=("你校《关于购置设备的请示》收悉。经研究，同意购置。", "此复。"),
        ),
    ),
    ("R12", body("请各单位据此复核数据。", "特此通知。", draft=NOTICE)),
    ("R12", LETTER),
    ("R13", replace(REQUEST, cc=("城关镇中心学校",), subordinates=None)),
    ("R13", replace(NOTICE, cc=("城关镇中心学校",), subordinates={"城关镇中心学校"})),
    (
        "R14",
        replace(
            NOTICE,
            title="中共某市委办公室 某市人民政府办公室关于做好国庆节期间安全生产工作的通知",
            issuers=("中共某市委办公室", "某市人民政府办公室"),
            issuer_mark="中共某市委办公室\n某市人民政府办公室文件",
            signatures=("中共某市委办公室", "某市人民政府办公室"),
        ),
    ),
    ("R14", replace(NOTICE, issuer_mark="某市人民政府办公室", signatures=("市政府办公室",))),
    ("R14", replace(REQUEST, issuers=(), issuer_mark="任意机关文件")),
    (
        "R15",
        replace(REQUEST, date=datetime.date(2024, 7, 15), print_date=datetime.date(2024, 7, 15)),
    ),
    ("R15", replace(REQUEST, date="2024年12月31日", print_date=None)),
    ("R16", body("该制度已实施12年，二〇二四年继续执行，2024年7月完成。")),
    ("R16", body("开通“‘24小时’服务热线”。")),
    ("R17", replace(REQUEST, classification="机密", secrecy_period="1年", copy_numbered=True)),
    ("R17", replace(REQUEST, classification="绝密", secrecy_period="30年", copy_numbered=True)),
    ("R17", replace(REQUEST, classification="秘密", secrecy_period="6个月", copy_numbered=True)),
    ("R17", replace(REQUEST, classification="秘密", copy_numbered=True)),
    ("R18", replace(REQUEST, urgency="特急")),
    ("R18", replace(REQUEST, urgency="加急")),
    (
        "R19",
        body("1.5万元由县财政解决。", "1、2月份完成招标。", "一是统一思想。", "（一）压实责任"),
    ),
    ("R19", body(Block("1.购置计算机", level=3), Block("（1）台式机", level=4))),
    ("R20", body("按照《政府采购法》《政府采购法实施条例》和“放管服”要求执行。")),
    ("R21", body("依据GB/T 9704-2012，防控COVID-19，电话0571-88888888，3～5年，2024-07-01。")),
    (
        "R22",
        replace(
            REQUEST,
            attachments=("《某县政府采购管理办法》",),
            attachment_titles=("某县政府采购管理办法",),
        ),
    ),
    ("R22", replace(REQUEST, attachment_titles=None)),
    ("R23", replace(REQUEST, cc=("某县财政局", "某县审计局"))),
    ("R24", NOTICE),
    ("R25", body("共1,000人，10:30开会，公式f(x)，网址http://a.cn/b?c=1;d=2。")),
    ("R25", REQUEST),
    ("R27", replace(REQUEST, sealed=True)),
    ("R27", LETTER),
    ("R28", replace(REQUEST, note="")),
    ("R29", body("他自己经常加班。参加人员周末来报到。严于律己。增加人手。")),
    ("R30", body("国家发展改革委（以下简称“发展改革委”）负责，发展改革委牵头。")),
]


@pytest.mark.parametrize(
    ("rule", "draft"),
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(SILENT)],
)
def test_rule_stays_silent(rule, draft):
    assert found(draft, rule) == []


# --- A realistic bad 请示 ------------------------------------------------------------------------


def test_a_bad_request_lists_its_findings_in_page_order():
    draft = Draft(
        kind="请示",
        title="某县教育局关于申请购置办公设备的请示报告。",
        doc_number="某教发[2024]第05号",
        issuers=["某县教育局"],
        issuer_mark="某县教育局文件",
        main_recipients=["某县人民政府", "某县财政局"],
        cc=["某县财政局", "城关镇中心学校"],
        subordinates={"城关镇中心学校"},
        body=[
            "根据某政发〔2023〕12号《关于加强办公条件保障的通知》要求,我局己经完成调研。",
            "1、购置电脑10台，打印机3-5台，请予批准。",
            "2、修缮会议室，请批准。",
            "特此报告。",
        ],
        signatures=["某县教育局"],
        date="2024年07月15日",
    )

    findings = check(draft)

    assert [(f.rule, f.location.element, f.location.index, f.location.start) for f in findings] == [
        ("R1", "doc_number", None, 3),
        ("R1", "doc_number", None, 9),
        ("R1", "doc_number", None, 10),
        ("R11", "signers", None, None),
        ("R4", "title", None, 16),
        ("R7", "title", None, 20),
        ("R9", "main_recipients", 1, 0),
        ("R2", "body", 0, 5),
        ("R25", "body", 0, 31),
        ("R29", "body", 0, 34),
        ("R19", "body", 1, 0),
        ("R21", "body", 1, 14),
        ("R19", "body", 2, 0),
        ("R9", "body", 2, 8),
        ("R12", "body", 3, 0),
        ("R15", "date", None, 0),
        ("R13", "cc", 1, 0),
    ]
    assert [f.fix for f in findings if f.rule == "R1"] == ["〔2024〕", "", ""]
    assert sum(f.is_error for f in findings) == 14
    assert "“某教发[2024]第05号”" in findings[1].message
    assert "“特此报告”" in findings[14].message


# --- The pieces -----------------------------------------------------------------------------------


def test_a_draft_rejects_an_unknown_kind_format_or_direction():
    with pytest.raises(ValueError, match="kind"):
        Draft(kind="汇报")
    with pytest.raises(ValueError, match="format"):
        Draft(kind="通知", format="电报")
    with pytest.raises(ValueError, match="direction"):
        Draft(kind="通知", direction="越级")
    with pytest.raises(ValueError, match="level"):
        Block("一、总体要求", level=5)


def test_lists_are_kept_as_tuples_and_plain_strings_as_paragraphs():
    draft = Draft(kind="通知", cc=["市委办公室"], body=["正文。", Block("一、要求", level=1)])

    assert draft.cc == ("市委办公室",)
    assert draft.body == (Block("正文。"), Block("一、要求", level=1))


def test_only_the_rules_of_an_edited_element_can_be_rerun():
    rules = proofread.rules_reading("doc_number")

    assert [rule.id for rule in rules] == ["R1"]
    assert check(replace(REQUEST, doc_number="某教发[2024]5号"), rules) == [
        proofread.Finding(
            "R1",
            "error",
            "The year of a 发文字号 goes in hexagonal brackets 〔〕: “〔2024〕”, not “[2024]”.",
            proofread.Location("doc_number", None, 3, 6),
            "〔2024〕",
        )
    ]
