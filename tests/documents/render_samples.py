"""Sample documents and PDF measuring helpers for the renderer tests (not a test module)."""

import contextlib
import datetime
from dataclasses import dataclass

import pdfplumber
from django.test import override_settings

from zhongshu.documents.render import Attachment, Block, Document, fonts
from zhongshu.documents.render import standard as std

PT = 72 / 25.4  # points per millimetre
RED = (0.0, 0.8, 0.8, 0.0)

PARAGRAPH = (
    "为进一步加强和改进新形势下办公室工作，充分发挥办公室参谋助手、督促检查、协调服务作用，"
    "推动各项决策部署落地见效，经市政府同意，现就有关事项通知如下。"
)
# 28 ideographs and marks that never hang: one full line on the grid.
FULL_LINE = "办公室是机关运转的枢纽和窗口承担着上通下达联系左右协调各方的职能"[:28]


@contextlib.contextmanager
def free_fonts(tmp_dir):
    """Only Debian's free faces, whatever this machine has installed or dropped in var/fonts."""
    with override_settings(DOCUMENT_FONTS_DIR=tmp_dir, DOCUMENT_FONTS={}):
        yield


# The families offices have, first in each list: what a DOCX names.
OFFICE_FONTS = {
    "fangsong": ["仿宋_GB2312", "Noto Serif CJK SC"],
    "xiaobiaosong": ["方正小标宋简体", "Noto Serif CJK SC:bold"],
    "kaiti": ["楷体_GB2312", "LXGW WenKai"],
    "heiti": ["黑体", "Noto Sans CJK SC"],
    "songti": ["宋体", "Noto Serif CJK SC"],
}


@contextlib.contextmanager
def office_fonts(tmp_dir):
    with override_settings(DOCUMENT_FONTS_DIR=tmp_dir, DOCUMENT_FONTS=OFFICE_FONTS):
        yield


def document(**overrides) -> Document:
    """A 文件 with every element the layout knows, three pages of body."""
    fields = {
        "issuers": ["某市人民政府"],
        "doc_number": "某政发〔2026〕12号",
        "classification": "机密",
        "secrecy_period": "1年",
        "urgency": "特急",
        "title": "某市人民政府关于进一步加强和改进新形势下办公室工作的通知",
        "main_recipients": ["各区人民政府", "市政府各部门", "各直属机构"],
        "body": [
            Block(PARAGRAPH),
            Block("一、总体要求", 1),
            Block(FULL_LINE * 3),
            Block("（一）加强组织领导。" + PARAGRAPH, 2),
            Block("1.明确工作责任。" + PARAGRAPH, 3),
            Block("（1）按时完成。" + PARAGRAPH, 4),
            *[Block(PARAGRAPH * 2)] * 6,
        ],
        "attachments": [
            Attachment("某市办公室工作考核细则", body=[Block(PARAGRAPH)]),
            "任务分解表",
        ],
        "signatures": ["某市人民政府"],
        "date": datetime.date(2026, 11, 26),
        "note": "（此件公开发布）",
        "cc": ["市委办公室", "市人大常委会办公室", "市政协办公室", "市法院", "市检察院"],
        "printed_by": "某市人民政府办公室",
        "print_date": datetime.date(2026, 11, 27),
    }
    fields.update(overrides)
    return Document(**fields)


@dataclass
class Line:
    """The characters of one baseline on a page, in millimetres from the page's top-left."""

    chars: list

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def size(self) -> float:
        return self.chars[0]["size"]

    @property
    def baseline(self) -> float:
        return self.chars[0]["baseline"]

    @property
    def em_top(self) -> float:
        return self.chars[0]["em_top"]

    @property
    def em_bottom(self) -> float:
        return self.em_top + self.size / PT

    @property
    def em_middle(self) -> float:
        return self.em_top + self.size / PT / 2

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"] / PT

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"] / PT

    @property
    def fontname(self) -> str:
        return self.chars[0]["fontname"]

    @property
    def color(self):
        return tuple(self.chars[0]["non_stroking_color"])


def read(pdf: bytes) -> list[dict]:
    """Per page: size in mm, lines of text by baseline, rectangles (rules) in mm."""
    em_top = fonts.resolve("fangsong").metrics.em_top
    pages = []
    with pdfplumber.open(__import__("io").BytesIO(pdf)) as opened:
        for page in opened.pages:
            by_baseline: dict[float, list] = {}
            for char in page.chars:
                baseline = (page.height - char["matrix"][5]) / PT
                char = dict(char, baseline=baseline, em_top=baseline - em_top * char["size"] / PT)
                by_baseline.setdefault(round(baseline, 1), []).append(char)
            lines = [
                Line(sorted(cs, key=lambda c: c["x0"])) for _, cs in sorted(by_baseline.items())
            ]
            rects = [
                {
                    "top": r["top"] / PT,
                    "bottom": r["bottom"] / PT,
                    "x0": r["x0"] / PT,
                    "width": r["width"] / PT,
                    "height": r["height"] / PT,
                    "color": tuple(r["non_stroking_color"] or ()),
                }
                for r in page.rects
            ]
            pages.append(
                {
                    "width": page.width / PT,
                    "height": page.height / PT,
                    "lines": lines,
                    "rects": rects,
                }
            )
    return pages


def folio(page: dict) -> Line | None:
    """The page-number line: 4号, below the type area."""
    below = [ln for ln in page["lines"] if ln.em_top > std.TOP_MARGIN + std.TYPE_HEIGHT]
    return below[0] if below else None


def body_lines(page: dict) -> list[Line]:
    """Lines inside the type area."""
    bottom = std.TOP_MARGIN + std.TYPE_HEIGHT
    return [ln for ln in page["lines"] if ln.em_top >= std.TOP_MARGIN and ln.em_bottom <= bottom]


def find(page: dict, text: str) -> Line:
    for line in page["lines"]:
        if text in line.text:
            return line
    raise AssertionError(f"{text!r} not on the page: {[ln.text for ln in page['lines']]}")
