"""GB/T 9704-2012 figures and the Chinese words the standard prints (STYLE.md "Language").

Lengths are millimetres measured from the top-left corner of the type area (版心) unless a name
says otherwise; font sizes are points. Clause numbers refer to GB/T 9704-2012.
"""

import re
from datetime import date

MM_PER_PT = 25.4 / 72

# §5.2.1 paper, §5.2.2 margins and type area.
PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0
TOP_MARGIN = 37.0  # 天头
LEFT_MARGIN = 28.0  # 订口
TYPE_WIDTH = 156.0
TYPE_HEIGHT = 225.0
RIGHT_MARGIN = PAGE_WIDTH - LEFT_MARGIN - TYPE_WIDTH  # 26 mm, derived
BOTTOM_MARGIN = PAGE_HEIGHT - TOP_MARGIN - TYPE_HEIGHT  # 35 mm, derived

# §5.2.3/§5.2.4: 22 lines of 28 characters of 3号 fill the type area.
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE = TYPE_HEIGHT / LINES_PER_PAGE  # one line (行), ≈ 10.23 mm (29 pt)
CELL = TYPE_WIDTH / CHARS_PER_LINE  # one character (字) on the grid, ≈ 5.57 mm

SIZE_2 = 22.0  # 2号: title
SIZE_3 = 16.0  # 3号: everything by default
SIZE_4 = 14.0  # 4号: 版记, page numbers
SIZE_CHU = 42.0  # 初号: default 发文机关标志 size (the standard leaves it to the office)

# §7.2.3 发文机关标志: top edge below the type-area top; §10.1 信函 from the page top; §10.2 命令.
MASTHEAD_TOP = 35.0
MASTHEAD_TOP_ORDER = 20.0
MASTHEAD_TOP_LETTER_FROM_PAGE = 30.0
# §7.2.6 版头中的分隔线: 4 mm below the 发文字号, red, the width of the type area.
SEPARATOR_GAP = 4.0
# Thickness is not in the standard [U]; 2.25 pt is what the common templates draw.
SEPARATOR_THICKNESS = 2.25 * MM_PER_PT

# §10.1 信函: red double lines 170 mm long, 4 mm below the masthead (thick over thin) and
# 20 mm above the bottom edge of the page (thin over thick). Thicknesses and gap are [U].
LETTER_RULE_LENGTH = 170.0
LETTER_RULE_GAP = 4.0
LETTER_BOTTOM_RULE_FROM_PAGE_BOTTOM = 20.0
LETTER_THICK = 2.25 * MM_PER_PT
LETTER_THIN = 0.75 * MM_PER_PT
LETTER_RULE_SPACE = 0.8

# §7.4.1 版记中的分隔线: first and last 0.35 mm, those between 0.25 mm.
IMPRINT_THICK = 0.35
IMPRINT_THIN = 0.25

# §7.5 页码: the 一字线 7 mm below the type area.
FOLIO_GAP = 7.0
FOLIO_DASH = "\u2014"  # 一字线

# Red ink Y80% M80% (§5.2.5), kept as CMYK in the PDF; Word and WPS get pure red.
RED_CMYK = (0.0, 0.8, 0.8, 0.0)
RED_RGB = "FF0000"

# A round 公章 of government organs is 42 mm across (seal rules, not GB/T 9704) [U]; the
# layout leaves this much room and never draws a seal.
SEAL_DIAMETER = 42.0

# Words printed by the renderer (GB/T 9704 §7 and §10; 条例 §9).
MASTHEAD_SUFFIX_FILE = "文件"
MASTHEAD_SUFFIX_MINUTES = "纪要"
MASTHEAD_SUFFIX_ORDER = "令"
SIGNER_LABEL = "签发人："
ATTACHMENT_LABEL = "附件"
ATTACHMENT_NOTE_PREFIX = "附件："
COPIES_TO_LABEL = "抄送："
PRINTED_SUFFIX = "印发"
PRESENT_LABEL = "出席："
ABSENT_LABEL = "请假："
ATTENDING_LABEL = "列席："
COMMA = "，"
ENUMERATION_COMMA = "、"
FULL_STOP = "。"
COLON = "："
OPEN_PAREN = "（"
CLOSE_PAREN = "）"
SECRECY_STAR = "★"

# GB/T 9704 §10: the general layout and the three special ones (the proofreader's spelling).
FORMATS = ("文件", "信函", "纪要", "命令")
FORMAT_FILE, FORMAT_LETTER, FORMAT_MINUTES, FORMAT_ORDER = FORMATS

# 条例 §9(2), GB/T 9704 §7.2.2.
CLASSIFICATIONS = ("秘密", "机密", "绝密")
URGENCIES = ("特急", "加急")
SECRECY_PERIOD = re.compile(r"^(长期|[1-9]\d*(年|个月))$")
COPY_NUMBER = re.compile(r"^\d{6}$")

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """一 … 九十九, as the first-level heading numbers are written (§7.3.3)."""
    if not 0 < number < 100:
        raise ValueError(f"heading number {number} is outside 1–99")
    tens, units = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _DIGITS[tens]) + "十"
    if units:
        text += _DIGITS[units]
    return text


def heading_number(level: int, number: int) -> str:
    """一、 / （一） / 1. / （1） for levels 1–4 (§7.3.3)."""
    if level == 1:
        return f"{chinese_numeral(number)}、"
    if level == 2:
        return f"（{chinese_numeral(number)}）"
    if level == 3:
        return f"{number}."
    if level == 4:
        return f"（{number}）"
    raise ValueError(f"heading level {level} is outside 1–4")


def chinese_date(value: date) -> str:
    """2026年11月26日: Arabic digits, no leading zeros (§7.3.5.1)."""
    return f"{value.year}年{value.month}月{value.day}日"


def classification_mark(classification: str, period: str) -> str:
    """机密★1年 (§7.2.2); the level alone when no period is given."""
    return f"{classification}{SECRECY_STAR}{period}" if period else classification
