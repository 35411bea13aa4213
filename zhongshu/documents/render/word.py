"""DOCX through python-docx: the same document as editable paragraphs for Word and WPS.

Word lays the DOCX out itself, so this is a flowing document, not the PDF's positioned lines:
A4 with the GB/T 9704 margins, a document grid of 22 lines × 28 characters (``w:docGrid``, the
way the official Word templates set it), exact line spacing of 225/22 mm, the faces named for
Latin and East Asian text (``w:eastAsia``), and odd/even footers with a PAGE field. The 版记 is a
frame anchored to the bottom margin; the PDF layout's pagination says on which page it goes and
whether a blank, unnumbered page comes first.
"""

import io
import math

from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import fonts
from . import standard as std
from .layout import BODY_SPACING, S3, SIGNATURE_STAMP_WIDTH, Layout, Text, title_lines
from .model import Block, Document, Seal

LINE_PT = std.LINE / std.MM_PER_PT  # ≈ 28.98 pt
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "distribute": WD_ALIGN_PARAGRAPH.DISTRIBUTE,
}
CONDENSE = math.floor(BODY_SPACING / std.MM_PER_PT * 20)  # -5: -0.25 pt
RPR_AFTER_SPACING = tuple(
    f"w:{tag}"
    for tag in [
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
)
HEADING_ROLES = {0: "fangsong", 1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}
# The order of w:pPr's children (ECMA-376 CT_PPrBase): Word refuses a file that breaks it.
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def _set_ppr(paragraph, element):
    """Put ``element`` into the paragraph's properties at its schema place, replacing any."""
    ppr = paragraph._p.get_or_add_pPr()
    name = element.tag.rsplit("}", 1)[1]
    for old in ppr.findall(qn(f"w:{name}")):
        ppr.remove(old)
    successors = [f"w:{tag}" for tag in PPR_ORDER[PPR_ORDER.index(name) + 1 :]]
    ppr.insert_element_before(element, *successors)


def _cells(text: str) -> float:
    """Width in grid characters: full-width ones take a cell, others half (仿宋_GB2312)."""
    return sum(1.0 if fonts.is_wide(c) or c in "—…" else 0.5 for c in text)


class _Writer:
    def __init__(self, document: Document, layout: Layout, copy_number: str | None):
        self.doc = document
        self.layout = layout
        self.copy_number = copy_number
        self.names = {role: fonts.preferred_name(role) for role in fonts.ROLES}
        self.out = new_docx()
        self.body = self.out

    # --- primitives ----------------------------------------------------------------------

    def run(
        self, paragraph, text: str, role: str = "fangsong", size: float = std.SIZE_3, red=False
    ):
        run = paragraph.add_run(text)
        name, bold = self.names[role]
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold or None
        rpr = run._element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)
        if red:
            run.font.color.rgb = RGBColor.from_string(std.RED_RGB)
        if size == std.SIZE_3:
            # 字符间距紧缩: 28 characters of 3号 in 156 mm (twentieths of a point, rounded down
            # so that the 28th always fits; justification spreads the rest).
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(CONDENSE))
            rpr.insert_element_before(spacing, *RPR_AFTER_SPACING)
        return run

    def paragraph(
        self,
        align: str = "both",
        *,
        before: float = 0.0,  # mm
        line: float = LINE_PT,  # pt, exact
        left: float = 0.0,
        right: float = 0.0,
        first: float = 0.0,  # mm, negative for a hanging indent
        keep_next: bool = False,
        container=None,
    ):
        paragraph = (container or self.body).add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = ALIGN[align]
        fmt.space_before = Mm(before) if before else Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
        if left:
            fmt.left_indent = Mm(left)
        if right:
            fmt.right_indent = Mm(right)
        if first:
            fmt.first_line_indent = Mm(first)
        fmt.keep_with_next = keep_next or None
        fmt.widow_control = False  # 22 lines on every page, as the standard counts them
        return paragraph

    def text(self, text: str, role="fangsong", align="both", size=std.SIZE_3, red=False, **kw):
        paragraph = self.paragraph(align, **kw)
        self.run(paragraph, text, role, size, red)
        return paragraph

    @staticmethod
    def tab(paragraph, position: float, kind: str = "left"):
        alignment = {
            "left": WD_TAB_ALIGNMENT.LEFT,
            "center": WD_TAB_ALIGNMENT.CENTER,
            "right": WD_TAB_ALIGNMENT.RIGHT,
        }[kind]
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(position), alignment)

    @staticmethod
    def border(
        paragraph, side: str, thickness_mm: float, space_pt: float = 0.0, red=False, kind="single"
    ):
        ppr = paragraph._p.get_or_add_pPr()
        borders = ppr.find(qn("w:pBdr"))
        if borders is None:
            borders = OxmlElement("w:pBdr")
            _set_ppr(paragraph, borders)
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), kind)
        edge.set(qn("w:sz"), str(max(2, round(thickness_mm / std.MM_PER_PT * 8))))
        edge.set(qn("w:space"), str(round(space_pt)))
        edge.set(qn("w:color"), std.RED_RGB if red else "000000")
        # pBdr's own order: top, left, bottom, right, between, bar.
        order = ["top", "left", "bottom", "right", "between", "bar"]
        later = [qn(f"w:{t}") for t in order[order.index(side) + 1 :]]
        for index, existing in enumerate(borders):
            if existing.tag in later:
                borders.insert(index, edge)
                break
        else:
            borders.append(edge)

    @staticmethod
    def frame(
        paragraph,
        *,
        y: str | float = "bottom",
        width: float = std.TYPE_WIDTH,
        x: float = 0.0,
        page=False,
    ):
        """Position ``paragraph`` in a frame: the 版记 at the bottom of the type area (§7.4), a
        信函's masthead and double lines measured from the page edge (§10.1)."""
        frame = OxmlElement("w:framePr")
        frame.set(qn("w:w"), str(round(width / std.MM_PER_PT * 20)))
        frame.set(qn("w:hSpace"), "0")
        frame.set(qn("w:wrap"), "notBeside")
        frame.set(qn("w:vAnchor"), "page" if page else "margin")
        frame.set(qn("w:hAnchor"), "page" if page else "margin")
        frame.set(qn("w:x"), str(round(x / std.MM_PER_PT * 20)))
        if isinstance(y, str):
            frame.set(qn("w:yAlign"), y)
        else:
            frame.set(qn("w:y"), str(round(y / std.MM_PER_PT * 20)))
        _set_ppr(paragraph, frame)

    # --- page setup ------------------------------------------------------------------------

    def setup(self):
        section = self.out.sections[0]
        self.page_setup(section)
        name, _ = self.names["fangsong"]
        # The document defaults set the grid's character pitch (font size + charSpace), so
        # they must be 3号: at the template's 11 pt a 3号 character takes two cells.
        defaults = self.out.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        rfonts = rpr.find(qn("w:rFonts"))
        rfonts.attrib.clear()
        for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(qn(f"w:{attribute}"), name)
        half_points = str(round(std.SIZE_3 * 2))
        rpr.find(qn("w:sz")).set(qn("w:val"), half_points)
        rpr.find(qn("w:szCs")).set(qn("w:val"), half_points)
        rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(round(LINE_PT * 20)))
        spacing.set(qn("w:lineRule"), "exact")
        normal = self.out.styles["Normal"]
        normal.font.name = name
        normal.font.size = Pt(std.SIZE_3)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
        self.out.settings.odd_and_even_pages_header_footer = True
        self.footers(section)
        core = self.out.core_properties
        core.title = self.doc.title.replace("\n", "")
        core.author = self.doc.issuers[0] if self.doc.issuers else ""

    def page_setup(self, section):
        section.page_width, section.page_height = Mm(std.PAGE_WIDTH), Mm(std.PAGE_HEIGHT)
        section.top_margin, section.bottom_margin = Mm(std.TOP_MARGIN), Mm(std.BOTTOM_MARGIN)
        section.left_margin, section.right_margin = Mm(std.LEFT_MARGIN), Mm(std.RIGHT_MARGIN)
        section.header_distance = Mm(15)
        # The footer line's top 7 mm below the type area (§7.5).
        section.footer_distance = Mm(std.BOTTOM_MARGIN - std.FOLIO_GAP - std.SIZE_4 * std.MM_PER_PT)
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        # The line pitch only: with exact line spacing everywhere nothing needs snapping, and a
        # character grid (linesAndChars with a negative charSpace, as the Word templates do)
        # puts one 3号 character in two cells in LibreOffice. Runs are condensed instead.
        for attribute in ("type", "charSpace"):
            grid.attrib.pop(qn(f"w:{attribute}"), None)
        grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))

    def footers(self, section):
        """— PAGE —, 4号宋体, odd pages right and even pages left, one character in (§7.5)."""
        char = std.SIZE_4 * std.MM_PER_PT
        for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            fmt = paragraph.paragraph_format
            fmt.alignment = ALIGN[align]
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(std.SIZE_4)
            fmt.space_before = fmt.space_after = Pt(0)
            if align == "right":
                fmt.right_indent = Mm(char)
            else:
                fmt.left_indent = Mm(char)
            self.run(paragraph, f"{std.FOLIO_DASH} ", "songti", std.SIZE_4)
            self.page_field(paragraph)
            self.run(paragraph, f" {std.FOLIO_DASH}", "songti", std.SIZE_4)
        if self.doc.format == std.FORMAT_LETTER:
            section.different_first_page_header_footer = True  # 信函: 首页不显示页码 (§10.1)
            section.first_page_footer.is_linked_to_previous = False

    def page_field(self, paragraph):
        run = self.run(paragraph, "", "songti", std.SIZE_4)
        for kind, text in (
            ("begin", None),
            (None, " PAGE "),
            ("separate", None),
            (None, "1"),
            ("end", None),
        ):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            elif text.strip() == "PAGE":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            else:
                element = OxmlElement("w:t")
                element.text = text
            run._element.append(element)

    # --- 版头 --------------------------------------------------------------------------------

    def marks(self) -> int:
        lines = []
        if self.doc.copy_numbers:
            lines.append((self.copy_number or self.doc.copy_numbers[0], "fangsong"))
        if self.doc.classification_text:
            lines.append((self.doc.classification_text, "heiti"))
        if self.doc.urgency:
            lines.append((self.doc.urgency, "heiti"))
        for text, role in lines:
            self.text(text, role, "left")
        return len(lines)

    def masthead_items(self) -> list[Text]:
        return [i for i in self.layout.pages[0].items if isinstance(i, Text) and i.red]

    def masthead(self, above: float):
        """The 发文机关标志 at the PDF layout's size; joint organs in a borderless table."""
        mast = self.masthead_items()
        size = mast[0].size
        em = size * std.MM_PER_PT
        height = 1.25 * em
        em_top = self.layout.faces["xiaobiaosong"].metrics.em_top
        first_top = min(i.baseline for i in mast) - em_top * em
        before = max(0.0, first_top - above - (height - em) / 2)
        line = height / std.MM_PER_PT
        if len(mast) == 1:
            self.text(
                mast[0].text, "xiaobiaosong", "center", size, red=True, before=before, line=line
            )
            return
        organs = len([n for n in self.doc.issuers if n.strip()])
        names, suffix = mast[:organs], (mast[organs] if len(mast) > organs else None)
        spacer = self.paragraph("left", line=1)
        spacer.paragraph_format.space_before = Mm(before)
        table = self.out.add_table(rows=1, cols=2 if suffix else 1)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        cell = table.rows[0].cells[0]
        cell.width = Mm((suffix.left if suffix else names[0].left + names[0].width) - names[0].left)
        for n, item in enumerate(names):
            paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            self.format_in_cell(paragraph, "distribute", line)
            self.run(paragraph, item.text, "xiaobiaosong", size, red=True)
        if suffix:
            cell = table.rows[0].cells[1]
            cell.width = Mm(suffix.width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            self.format_in_cell(cell.paragraphs[0], "left", line)
            self.run(cell.paragraphs[0], suffix.text, "xiaobiaosong", size, red=True)

    @staticmethod
    def format_in_cell(paragraph, align: str, line: float):
        fmt = paragraph.paragraph_format
        fmt.alignment = ALIGN[align]
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
        fmt.space_before = fmt.space_after = Pt(0)

    def number_line(self):
        """发文字号 (centred; 上行文: left, with the 签发人 on the right) and the red separator."""
        doc = self.doc
        before = 2 * std.LINE
        space = std.SEPARATOR_GAP / std.MM_PER_PT
        if not (doc.upward and doc.signers):
            align = "left" if doc.upward else "center"
            paragraph = self.text(
                doc.doc_number, align=align, before=before, left=std.CELL if doc.upward else 0
            )
        else:
            label = _cells(std.SIGNER_LABEL) * std.CELL
            slot = max(_cells(n) for n in doc.signers) * std.CELL
            per_line = 2 if len(doc.signers) > 1 else 1
            x0 = std.TYPE_WIDTH - std.CELL - (label + per_line * slot + (per_line - 1) * std.CELL)
            rows = [doc.signers[i : i + 2] for i in range(0, len(doc.signers), 2)]
            for r, names in enumerate(rows):
                paragraph = self.paragraph("left", before=before if r == 0 else 0)
                last = r == len(rows) - 1
                if last and doc.doc_number:
                    paragraph.paragraph_format.left_indent = Mm(std.CELL)
                    self.run(paragraph, doc.doc_number)
                stops = [x0] if r == 0 else []
                stops += [x0 + label + j * (slot + std.CELL) for j in range(len(names))]
                for stop in stops:
                    self.tab(paragraph, stop)
                if r == 0:
                    self.run(paragraph, "\t" + std.SIGNER_LABEL)
                for name in names:
                    self.run(paragraph, "\t" + name, "kaiti")
        self.border(paragraph, "bottom", std.SEPARATOR_THICKNESS, space, red=True)

    def head(self):
        fmt = self.doc.format
        if fmt == std.FORMAT_LETTER:
            self.letter_head()
            return
        marks = self.marks()
        self.masthead(marks * std.LINE)
        if fmt == std.FORMAT_ORDER:
            if self.doc.order_number:
                self.text(self.doc.order_number, align="center", before=2 * std.LINE)
            return
        self.number_line()

    def letter_head(self):
        """信函 (§10.1): masthead 30 mm from the page top and the red double lines, in frames
        anchored to the page (a paragraph cannot start above the top margin)."""
        mast = self.masthead_items()
        size = mast[0].size
        em = size * std.MM_PER_PT
        x = std.LEFT_MARGIN - (std.LETTER_RULE_LENGTH - std.TYPE_WIDTH) / 2
        line = 1.25 * size
        top = std.MASTHEAD_TOP_LETTER_FROM_PAGE - (1.25 * em - em) / 2
        paragraph = self.paragraph("center", line=line)
        for n, item in enumerate(mast):
            run = self.run(paragraph, item.text, "xiaobiaosong", size, red=True)
            if n < len(mast) - 1:
                run.add_break()
        self.frame(paragraph, y=top, width=std.LETTER_RULE_LENGTH, x=x, page=True)
        gap = std.LETTER_RULE_GAP / std.MM_PER_PT - (line - size) / 2
        self.border(paragraph, "bottom", std.LETTER_THICK, gap, red=True, kind="thickThinSmallGap")
        bottom = self.paragraph("center", line=1)
        lower = std.PAGE_HEIGHT - std.LETTER_BOTTOM_RULE_FROM_PAGE_BOTTOM - 2.5
        self.frame(bottom, y=lower, width=std.LETTER_RULE_LENGTH, x=x, page=True)
        self.border(bottom, "bottom", std.LETTER_THICK, 0, red=True, kind="thinThickSmallGap")
        doc = self.doc
        lines = []
        if doc.copy_numbers:
            lines.append((self.copy_number or doc.copy_numbers[0], "fangsong"))
        if doc.classification_text:
            lines.append((doc.classification_text, "heiti"))
        if doc.urgency:
            lines.append((doc.urgency, "heiti"))
        # The first element 7/8 of a 3号 character below the double line.
        line_bottom = (
            std.MASTHEAD_TOP_LETTER_FROM_PAGE
            + em
            + std.LETTER_RULE_GAP
            + std.LETTER_THICK
            + std.LETTER_RULE_SPACE
            + std.LETTER_THIN
        )
        below = line_bottom + S3 * 7 / 8 - (std.LINE - S3) / 2 - std.TOP_MARGIN
        for n in range(max(len(lines), 1 if doc.doc_number else 0)):
            paragraph = self.paragraph("left", before=max(0.0, below) if n == 0 else 0)
            if n < len(lines):
                self.run(paragraph, lines[n][0], lines[n][1])
            if n == 0 and doc.doc_number:
                self.tab(paragraph, std.TYPE_WIDTH, "right")
                self.run(paragraph, "\t" + doc.doc_number)

    # --- the flow ------------------------------------------------------------------------

    def title(self, title: str, before: float):
        """2号小标宋, centred, broken where the PDF breaks it (a balanced 梯形)."""
        paragraph = self.paragraph("center", before=before, keep_next=True)
        parts = title_lines(self.doc, self.layout.faces, title)
        for n, part in enumerate(parts):
            run = self.run(paragraph, part, "xiaobiaosong", std.SIZE_2)
            if n < len(parts) - 1:
                run.add_break()
        return paragraph

    def block(self, block: Block):
        role = HEADING_ROLES[block.level]
        paragraph = self.paragraph("both", first=2 * std.CELL, keep_next=bool(block.level))
        text = block.text
        if block.level and role != "fangsong" and "。" in text[:-1]:
            cut = text.index("。") + 1
            self.run(paragraph, text[:cut], role)
            self.run(paragraph, text[cut:])
            paragraph.paragraph_format.keep_with_next = None
        else:
            self.run(paragraph, text, role)

    def labelled(self, label: str, label_role: str, text: str, first: float, before: float = 0.0):
        hang = _cells(label) * std.CELL
        paragraph = self.paragraph("both", before=before, left=first + hang, first=-hang)
        self.run(paragraph, label, label_role)
        self.run(paragraph, text)

    def attachment_note(self):
        names = [a.name for a in self.doc.attachments]
        prefix = std.ATTACHMENT_NOTE_PREFIX
        if len(names) == 1:
            self.labelled(prefix, "fangsong", names[0], 2 * std.CELL, before=std.LINE)
            return
        number_left = 2 * std.CELL + _cells(prefix) * std.CELL
        for i, name in enumerate(names, start=1):
            number = f"{i}."
            hang = _cells(number) * std.CELL
            paragraph = self.paragraph(
                "both",
                before=std.LINE if i == 1 else 0,
                left=number_left + hang,
                first=-(hang + (number_left - 2 * std.CELL if i == 1 else 0)),
            )
            if i == 1:
                self.run(paragraph, prefix)
            self.run(paragraph, number + name)

    def signature(self):
        doc = self.doc
        names = [n for n in doc.signatures if n.strip()]
        date = doc.date_text
        if not names and not date and not doc.signer_titles:
            return
        mode = doc.effective_seal
        date_w = _cells(date) * std.CELL
        if mode == Seal.NONE:
            widest = max((_cells(n) * std.CELL for n in names), default=0.0)
            x = min(std.TYPE_WIDTH - 2 * std.CELL - widest, std.TYPE_WIDTH - 4 * std.CELL - date_w)
            for n, name in enumerate(names):
                self.text(
                    name, align="left", left=x, before=std.LINE if n == 0 else 0, keep_next=True
                )
            if date:
                left = x + 2 * std.CELL if names else std.TYPE_WIDTH - 2 * std.CELL - date_w
                self.text(date, align="left", left=left, before=0 if names else std.LINE)
            return
        date_right = 4 * std.CELL
        if mode == Seal.SIGNATURE:
            right = date_right + SIGNATURE_STAMP_WIDTH + 2 * std.CELL
            for n, title in enumerate(doc.signer_titles or ("",)):
                self.text(
                    title,
                    align="right",
                    right=right,
                    before=2 * std.LINE if n == 0 else 0,
                    line=2 * LINE_PT,
                    keep_next=True,
                )
            if date:
                self.text(date, align="right", right=date_right, before=std.LINE)
            return
        centre = std.TYPE_WIDTH - date_right - date_w / 2
        columns = (centre - std.SEAL_DIAMETER - 28.0, centre)
        grid = [list(enumerate(names[i : i + 2])) for i in range(0, len(names) - 1, 2)]
        if len(names) % 2:
            grid.append([(1, names[-1])])
        for r, row in enumerate(grid):
            paragraph = self.paragraph(
                "left", before=(2 if r == 0 else 5) * std.LINE, keep_next=True
            )
            for column, name in row:
                self.tab(paragraph, columns[column], "center")
                self.run(paragraph, "\t" + name)
        if date:
            self.text(date, align="right", right=date_right, before=0 if names else 2 * std.LINE)

    def attendance(self):
        first = True
        for label, names in (
            (std.PRESENT_LABEL, self.doc.present),
            (std.ABSENT_LABEL, self.doc.absent),
            (std.ATTENDING_LABEL, self.doc.attending),
        ):
            if names:
                text = std.ENUMERATION_COMMA.join(names)
                self.labelled(label, "heiti", text, 2 * std.CELL, before=std.LINE if first else 0)
                first = False

    def page_break(self):
        paragraph = self.paragraph("left")
        paragraph.add_run().add_break(WD_BREAK.PAGE)

    def attachments(self):
        many = len(self.doc.attachments) > 1
        for index, attachment in enumerate(self.doc.attachments, start=1):
            if not attachment.body:
                continue
            label = std.ATTACHMENT_LABEL + (str(index) if many else "")
            paragraph = self.text(label, "heiti", "left", keep_next=True)
            paragraph.paragraph_format.page_break_before = True
            self.title(attachment.name, before=std.LINE)
            for n, block in enumerate(attachment.body):
                self.block(block)
                if n == 0:
                    self.body.paragraphs[-1].paragraph_format.space_before = Mm(std.LINE)

    # --- 版记 --------------------------------------------------------------------------------

    def imprint(self):
        doc = self.doc
        letter = doc.format == std.FORMAT_LETTER
        printed = (doc.printed_by.strip() or doc.print_date_text) and not letter
        if not doc.cc and not printed:
            return
        layout = self.layout
        content_page = layout.body_end[0]
        if layout.blank_pages:
            # A new section: the blank page and the 版记 page carry no page number (§7.5).
            section = self.out.add_section(WD_SECTION.NEW_PAGE)
            self.page_setup(section)
            for footer in (section.footer, section.even_page_footer, section.first_page_footer):
                footer.is_linked_to_previous = False
                for paragraph in footer.paragraphs:
                    for run in list(paragraph.runs):
                        run._element.getparent().remove(run._element)
            self.page_break()
        elif layout.imprint_page and layout.imprint_page > content_page:
            self.page_break()
        size = std.SIZE_4
        char = size * std.MM_PER_PT
        # Where the PDF layout put each line and rule, from the top of the type area. Each
        # piece is a frame of its own at that height: frames anchored to the margin keep the
        # 版记 on the last lines of the page in Word and WPS, and LibreOffice drops a frame
        # whose paragraphs have different borders.
        page = layout.pages[(layout.imprint_page or len(layout.pages)) - 1]
        lines = sorted(
            {
                round(i.baseline, 3)
                for i in page.items
                if isinstance(i, Text) and i.size == size and i.baseline < std.TYPE_HEIGHT
            }
        )
        bands = max(len(lines), 1)
        top = std.TYPE_HEIGHT - bands * std.LINE
        cc_bands = bands - (1 if printed else 0)

        def rule(y: float, thickness: float):
            # The bottom border of an empty 1 pt paragraph, no indents: the width of the type
            # area whatever the text's indents (§7.4.1).
            paragraph = self.paragraph("left", line=1)
            self.border(paragraph, "bottom", thickness)
            self.frame(paragraph, y=y - std.MM_PER_PT)

        if not letter:
            rule(top, std.IMPRINT_THICK)
        if doc.cc:
            label = std.COPIES_TO_LABEL
            hang = _cells(label) * char
            paragraph = self.paragraph(
                "both", line=LINE_PT, left=char + hang, right=char, first=-hang
            )
            self.run(paragraph, label, size=size)
            self.run(paragraph, std.COMMA.join(doc.cc) + std.FULL_STOP, size=size)
            self.frame(paragraph, y=top)
            if printed and not letter:
                rule(top + cc_bands * std.LINE - std.IMPRINT_THIN / 2, std.IMPRINT_THIN)
        if printed:
            paragraph = self.paragraph("left", line=LINE_PT, left=char, right=char)
            self.tab(paragraph, std.TYPE_WIDTH - 2 * char, "right")
            self.run(paragraph, doc.printed_by.strip(), size=size)
            if doc.print_date_text:
                self.run(paragraph, "\t" + doc.print_date_text + std.PRINTED_SUFFIX, size=size)
            self.frame(paragraph, y=top + cc_bands * std.LINE)
        if not letter:
            rule(std.TYPE_HEIGHT - std.IMPRINT_THICK, std.IMPRINT_THICK)
        # LibreOffice ignores the frame before a frame that ends the document.
        self.paragraph("left", line=1)

    # --- the whole document --------------------------------------------------------------

    def write(self) -> bytes:
        doc = self.doc
        self.setup()
        # The template's empty first paragraph would add a line above everything.
        for paragraph in list(self.out.paragraphs):
            paragraph._p.getparent().remove(paragraph._p)
        self.head()
        before = 2 * std.LINE  # 标题: 红色分隔线下空二行 / 与其上最后一个要素相距二行
        if doc.title.strip():
            self.title(doc.title, before=before)
            before = std.LINE
        if doc.main_recipients:
            text = std.ENUMERATION_COMMA.join(doc.main_recipients) + std.COLON
            self.text(text, before=before, keep_next=True)
            before = 0.0
        for n, block in enumerate(doc.body):
            self.block(block)
            if n == 0 and before:
                self.body.paragraphs[-1].paragraph_format.space_before = Mm(before)
        last_body = len(self.body.paragraphs) - 1
        if doc.attachments:
            self.attachment_note()
        if doc.format == std.FORMAT_MINUTES:
            self.attendance()
        signed = len(self.body.paragraphs)
        self.signature()
        if len(self.body.paragraphs) > signed and last_body >= 0:
            # No page with the signature and no 正文 (此页无正文): it keeps to the body.
            for paragraph in self.body.paragraphs[last_body:signed]:
                paragraph.paragraph_format.keep_with_next = True
        if doc.note.strip():
            self.body.paragraphs[-1].paragraph_format.keep_with_next = True
            self.text(doc.note.strip(), first=2 * std.CELL)
        self.attachments()
        self.imprint()
        stream = io.BytesIO()
        self.out.save(stream)
        return stream.getvalue()


def write(document: Document, layout: Layout, copy_number: str | None = None) -> bytes:
    return _Writer(document, layout, copy_number).write()
