"""Words, marks and patterns fixed by the national rules: the proofreader's only Chinese literals.

Sources: 《党政机关公文处理工作条例》 (条例) and GB/T 9704-2012, as restated in
/work/shared/domain/gongwen.md §1 and §6. The rule modules import from here, so a reader can
check every literal against the standard in one place.
"""

import re

# 条例 §8: the fifteen statutory kinds (文种). 命令 may be written 令 in a title.
KINDS = (
    "决议",
    "决定",
    "命令",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
)
RESOLUTION, DECISION, ORDER, COMMUNIQUE, ANNOUNCEMENT, PUBLIC_NOTICE = KINDS[:6]
OPINION, NOTICE, CIRCULAR, REPORT, REQUEST, REPLY, MOTION, LETTER, MINUTES = KINDS[6:]
# The word a title ends with → the kind it names.
TITLE_KIND_WORDS = {kind: kind for kind in KINDS} | {"令": ORDER}

# GB/T 9704 §10: the general layout and the three special ones.
FORMATS = ("文件", "信函", "纪要", "命令")
FORMAT_FILE, FORMAT_LETTER, FORMAT_MINUTES, FORMAT_ORDER = FORMATS

DIRECTIONS = ("上行", "平行", "下行")
UPWARD, LATERAL, DOWNWARD = DIRECTIONS
# The usual direction of a kind (gongwen.md §1.1), used when a draft does not say.
USUAL_DIRECTION = {
    REQUEST: UPWARD,
    REPORT: UPWARD,
    RESOLUTION: DOWNWARD,
    DECISION: DOWNWARD,
    ORDER: DOWNWARD,
    COMMUNIQUE: DOWNWARD,
    CIRCULAR: DOWNWARD,
    REPLY: DOWNWARD,
    LETTER: LATERAL,
}
# Kinds that never carry a request closing such as 妥否，请批示 (R12). 报告 has its own rule (R10);
# 函, 意见 and 议案 may ask for approval or deliberation.
DIRECTIVE_KINDS = (
    RESOLUTION,
    DECISION,
    ORDER,
    COMMUNIQUE,
    ANNOUNCEMENT,
    PUBLIC_NOTICE,
    NOTICE,
    CIRCULAR,
    REPLY,
    MINUTES,
)

# --- 发文字号 (GB/T 9704 §7.2.5) ------------------------------------------------------------
HEXAGONAL_OPEN, HEXAGONAL_CLOSE = "〔", "〕"
NUMBER_ORDINAL = "第"
NUMBER_SUFFIX = "号"
_OPEN = r"〔\[【（(［〈﹝〖{｛<"
_CLOSE = r"〕\]】）)］〉﹞〗}｝>"
_YEAR = r"[0-9０-９〇零一二三四五六七八九○Oo]+"
_SEQ = r"[0-9０-９]+"
# A 发文字号 read leniently, so that each mistake can be named on its own.
DOC_NUMBER_LOOSE = re.compile(
    rf"^(?P<code>[^\s0-9０-９{_OPEN}]*)\s*(?P<open>[{_OPEN}])\s*(?P<year>{_YEAR})\s*"
    rf"(?P<close>[{_CLOSE}])\s*(?P<ordinal>第)?\s*(?P<zeros>[0０]*)(?P<seq>{_SEQ})\s*(?P<suffix>号)?$"
)
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fa5A-Za-z]+〔[0-9]{4}〕[1-9][0-9]*号$")
# A 发文字号 cited in running text (R2): the organ code is not delimited there, so it is not read.
CITED_NUMBER = re.compile(
    rf"(?<=[\u4e00-\u9fa5A-Za-z])(?P<open>[{_OPEN}])(?P<year>[0-9０-９]{{2,4}})"
    rf"(?P<close>[{_CLOSE}])(?P<ordinal>第)?(?P<zeros>[0０]*)(?P<seq>{_SEQ})号"
)
NUMBER_CODE_CHAR = re.compile(r"[\u4e00-\u9fa5A-Za-z]")
# 令号 of a 命令 (GB/T 9704 §10.2), e.g. 第708号.
ORDER_NUMBER = re.compile(r"^第[1-9][0-9]*号$")
# 纪要 numbers are the unit's choice (gongwen.md §2.3 [U]): （第3号）, 第3期, 〔2024〕3号.
MINUTES_NUMBER = re.compile(r"^（?第[1-9][0-9]*[号期]）?$|^〔[0-9]{4}〕[1-9][0-9]*号$")
TITLE_OPEN, TITLE_CLOSE = "《", "》"
CITATION_OPEN, CITATION_CLOSE = "（", "）"

# --- 标题 ---------------------------------------------------------------------------------------
ABOUT = "关于"
OF = "的"
# Forwarding and issuing verbs: the organ named before them is the issuer (R8, R14).
FORWARDING_VERBS = ("转发", "批转", "印发")
# R4: a kind stacked on another. The value is the word to keep when the draft is of that kind.
KIND_OVERLAPS = ("请示报告", "报告请示", "意见报告", "请示函", "通知的通知")
NOTICE_OVERLAP_FIX = "的通知"
# R5: non-statutory or home-made kinds when they end a title, with the fix where it is certain.
NON_STATUTORY_ENDINGS = {
    "情况报告": None,
    "总结报告": None,
    "汇报": "报告",
    "申请": None,
    "要点": None,
    "方案": None,
    "办法": None,
    "规定": None,
    "计划": None,
    "总结": None,
    "指示": None,
    "条例": None,
    "细则": None,
}
# The 1999/2000 kind name 会议纪要, flagged only where it stands as the kind on its own
# (「局长办公会议纪要」 names a meeting and is correct; gongwen.md corrections, R27).
OLD_MINUTES = "会议纪要"
OLD_MINUTES_AS_KIND = re.compile(r"^会议纪要$|(?<=的)会议纪要$")
# R6: urgency written into the title instead of the 版头.
URGENCY_IN_TITLE = re.compile(
    r"特急|加急|^[（(【\[]?紧急[）)】\]]?|[（(【\[]紧急[）)】\]]|紧急(?=通知|通告|通报|请示|报告|函$)"
)
# R7: punctuation allowed in a title — 书名号, quotation marks, the 顿号 and the 间隔号 — and the
# marks of ranges (2021—2025年), which R21 judges.
TITLE_NEUTRAL_MARKS = "《》〈〉“”‘’、·—～~-–－%％"
QUOTES_OPEN, QUOTES_CLOSE = "《“‘", "》”’"
OPEN_PARENTHESES, CLOSE_PARENTHESES = "（(", "）)"
# 复函 is one word: the 的 goes before 复 (R8).
REPLY_PREFIX = "复"

# --- 行文 ----------------------------------------------------------------------------------------
# R10/R12: closings that ask the superior for a decision. 报请批准, 提请审批 and 申请批准
# narrate a step taken and are not requests.
REQUEST_PHRASES = re.compile(
    r"(?<![报提申])请(?:批示|审批|批准)|请予(?:审批|批准)|[妥当]否[，,]\s*请"
)
# R12: closings that name a kind.
CLOSINGS = {
    "特此通知": (NOTICE,),
    "特此通告": (PUBLIC_NOTICE,),
    "特此公告": (ANNOUNCEMENT,),
    "特此通报": (CIRCULAR,),
    "特此报告": (REPORT,),
    "特此请示": (REQUEST,),
    "特此批复": (REPLY,),
    "特此决定": (DECISION,),
    "特此函告": (LETTER,),
    "特此函复": (LETTER,),
    "特此函达": (LETTER,),
    "特此函询": (LETTER,),
    "此复": (REPLY, LETTER),
}
CLOSING_PATTERN = re.compile(
    r"特此(?:通知|通告|公告|通报|报告|请示|批复|决定|函告|函复|函达|函询)|(?:^|(?<=[。；，\s]))此复(?=[。！]|$)"
)
CLOSING_PREFIX = "特此"
# Organ names joined in a title or a mark, and joined in a message.
LIST_JOINER = "、"
ORGAN_JOINERS = "、和与及 \u3000\n"
# Several organs written in one entry of a 请示's main recipients (R9).
RECIPIENT_SEPARATORS = re.compile(r"[、，,；;]")

# Marks typed at the end of a name, a title or an attachment name, which the layout supplies or
# the standard forbids there.
TRAILING_MARKS = "。.，,；;：:、！!？? \u3000"

# Separators typed between organ names that should be ， (R23, R24).
WRONG_SEPARATORS = ",;；"
LIST_COMMA = "，"

# --- 版头与版记 ---------------------------------------------------------------------------------
MARK_SUFFIXES = ("文件", "命令", "令", "纪要")
FILE_SUFFIX = "文件"
ATTACHMENT_LABEL = re.compile(r"^附件\s*[0-9]*\s*[:：]\s*")
# A number typed before an attachment's name: 1. 1、 一、 （1）
ATTACHMENT_NUMBER = re.compile(
    r"\s*(?:(?:[0-9]{1,2}|[一二三四五六七八九十]+)[.．、，,:：](?![0-9])|[（(](?:[0-9]{1,2}|[一二三四五六七八九十]+)[）)])\s*"
)
CC_LABEL = re.compile(r"^抄送\s*[:：]?\s*")
MAIN_RECIPIENT_LABEL = re.compile(r"^主送\s*[:：]?\s*")

# --- 日期与数字 -----------------------------------------------------------------------------------
DATE = re.compile(r"^([0-9]{4})年([1-9]|1[0-2])月([1-9]|[12][0-9]|3[01])日$")
DATE_LOOSE = re.compile(
    r"^\s*(?P<year>[0-9０-９]{2,4}|[〇零○O0一二三四五六七八九]{2,4})\s*(?:年|[-./／－])\s*"
    r"(?P<month>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:月|[-./／－])\s*"
    r"(?P<day>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*日?\s*$"
)
DATE_FORMAT = "{year}年{month}月{day}日"
YEAR_ZERO = "〇"
CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "0": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_TEN = "十"
# R16: a two-digit year before a month (24年7月) and ’24.
# (Not ‘24小时’: a left quotation mark opens a quotation.)
SHORT_YEAR = re.compile(
    r"(?<![0-9０-９])[0-9]{2}年(?=[0-9]{1,2}月)"
    r"|(?<![A-Za-z0-9])[’'][0-9]{2}(?=[年届级春夏秋冬版\s，。、；,.;]|$)"
)
# R16: a year in Chinese numerals with 0, O or ○ for 〇.
CHINESE_YEAR = re.compile(r"[〇零○O0一二三四五六七八九]{4}(?=年)")
CHINESE_YEAR_DIGITS = "一二三四五六七八九〇"
WRONG_ZEROS = "0O○"

# --- 密级与紧急程度 (GB/T 9704 §7.2.2–7.2.3; 保守国家秘密法) ------------------------
# Longest period in years for each level.
CLASSIFICATIONS = {"绝密": 30, "机密": 20, "秘密": 10}
CLASSIFICATION_SUFFIX = "级"
CLASSIFICATION_STAR = "★"
SECRECY_PERIOD = re.compile(r"^(?P<number>[1-9][0-9]*)(?P<unit>年|个月)$")
SECRECY_PERIOD_LOOSE = re.compile(r"^(?P<number>[0-9０-９]+)\s*(?P<unit>年|个月|月)$")
YEARS, MONTHS = "年", "个月"
STARS = "★☆*＊"
URGENCIES = ("特急", "加急")
TELEGRAM_URGENCIES = ("特提", "平急")

# --- 序号与标点 ---------------------------------------------------------------------------------
CN_NUMERAL = "[一二三四五六七八九十百零〇]+"
# R19: the four correct levels (GB/T 9704 §7.3.3), at the start of a block.
LEVEL_NUMBERS = {
    1: re.compile(rf"^{CN_NUMERAL}、"),
    2: re.compile(rf"^（{CN_NUMERAL}）(?![、，,.．])"),
    3: re.compile(r"^[0-9]+\.(?![0-9])"),
    4: re.compile(r"^（[0-9]+）(?![、，,.．])"),
}
# R19: wrong forms, each with the right form built from the number it holds, and whether the
# form is also looked for inside a paragraph (after a colon, semicolon or full stop: "：1、…").
# They are matched at a given position, so they carry no ^.
WRONG_NUMBERS = (
    # 一. 一． 一， 一: → 一、
    (re.compile(rf"(?P<n>{CN_NUMERAL})[.．,，:：](?![0-9])"), "{n}、", False),
    # （一）、 (一) (一)、 → （一）
    (re.compile(rf"[（(](?P<n>{CN_NUMERAL})[）)][、，,.．]?"), "（{n}）", True),
    # 1、 → 1. (not 1、2月, a list of months)
    (re.compile(r"(?P<n>[0-9]{1,2})、(?![0-9])"), "{n}.", True),
    # 1， → 1. at the start of a block only (10，排名 is no sequence number)
    (re.compile(r"(?P<n>[0-9]{1,2})，(?![0-9])"), "{n}.", False),
    # (1) (1)、 （1）、 → （1）
    (re.compile(r"[（(](?P<n>[0-9]+)[）)][、，,.．]?"), "（{n}）", True),
    # 第一、 → 第一，
    (re.compile(rf"(?P<n>第{CN_NUMERAL})、"), "{n}，", False),
)
# R19 also looks after these, where a list continues inside a paragraph.
SENTENCE_BREAKS = "：:；;。"
# R20: a 顿号 between two titles or two quotations.
LISTED_QUOTES = re.compile(r"(?<=[》”])、(?=[《“])")
# R21: a hyphen, en dash, full-width minus or half-width tilde between two numbers in Chinese
# text, or a hyphen between two Chinese words (北京-上海).
RANGE_SEPARATORS = "-–－~"
NUMBER_RANGE = re.compile(
    r"(?<![0-9A-Za-z./\-_:])(?P<a>[0-9]+(?:\.[0-9]+)?)(?P<sep>[-–－~])(?P<b>[0-9]+(?:\.[0-9]+)?)"
    r"(?![0-9A-Za-z./\-_:])"
)
WORD_RANGE = re.compile(r"(?<=[\u4e00-\u9fa5])[-–－](?=[\u4e00-\u9fa5])")
WAVE_DASH, EM_DASH = "～", "—"
# Time points take the 一字线 (2013—2015年, 2024.1—2024.6, 3—5月); quantities take the 浪纹线
# (3～5年).
TIME_POINT_UNITS = ("月", "日", "号")
PERCENT_SIGNS = "%％"
# R25: half-width marks that should be full-width in Chinese text, with their full-width form.
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}

# --- 附注 (GB/T 9704 §7.3.6) -------------------------------------------------------------------
NOTE_OPEN, NOTE_CLOSE = "（", "）"

# --- 简称 (R30) ---------------------------------------------------------------------------------
SENTENCE_ENDS = "。！？；"
ABBREVIATION_INTRO = re.compile(
    r"[（(]以下简称[:：]?\s*[“\"「]?(?P<short>[^”\"」）)]{1,20})[”\"」]?[）)]"
)

# --- 形近字 (R29) -------------------------------------------------------------------------------
# (wrong, right, correct words that contain the wrong string). From 黑马校对's list
# (gongwen.md §6 R29) and 其它→其他 (the standard form is 其他).
DEFAULT_TYPOS = (
    ("己经", "已经", ("自己经",)),
    ("巳经", "已经", ()),
    ("杜会", "社会", ("杜会长",)),
    ("杜区", "社区", ()),
    ("末来", "未来", ("周末来", "月末来", "年末来", "期末来", "季末来", "岁末来", "末来源")),
    ("未尾", "末尾", ()),
    (
        "加人",
        "加入",
        (
            "参加人",
            "增加人",
            "追加人",
            "附加人",
            "施加人",
            "添加人",
            "更加人",
            "加人员",
            "加人数",
            "加人手",
            "加人口",
            "加人性",
        ),
    ),
    ("严于律已", "严于律己", ()),
    ("其它", "其他", ()),
)
