"""Where everything goes: the pages of a document as positioned lines and rules.

Everything on a GB/T 9704 page is on a grid: after the 版头 each element takes whole lines of
225/22 mm, the 版记 sits on the last lines of an even page, the page numbers 7 mm below the type
area. So the renderer paginates itself, in plain Python, and hands WeasyPrint pages of
absolutely positioned lines: the positions are the standard's figures, not the outcome of a CSS
layout that could drift with a face's metrics. The same pagination tells the DOCX where the 版记
page breaks go.

Coordinates are millimetres from the top-left corner of the type area (版心); clauses are
GB/T 9704-2012.
"""

from dataclasses import dataclass, field, replace

from . import standard as std
from .fonts import Face
from .model import Block, Document, Seal
from .typeset import Line, Span, break_lines, text_width

S3 = std.SIZE_3 * std.MM_PER_PT  # a 3号 character, mm
BODY_SPACING = std.CELL - S3  # letter-spacing that puts 28 characters in 156 mm
SIGNATURE_STAMP_WIDTH = 30.0  # room for a 签名章 [U]
EPSILON = 0.01


@dataclass(frozen=True)
class Text:
    """A line of text. ``baseline`` is absolute on the page once placed."""

    baseline: float
    left: float
    width: float
    align: str  # left / center / right
    size: float  # pt
    spans: tuple[Span, ...]
    red: bool = False
    copy_number: bool = False  # stands for the 份号 of each printed copy

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def strut(self) -> str:
        return self.spans[0].role


@dataclass(frozen=True)
class Rule:
    top: float
    left: float
    width: float
    thickness: float
    red: bool = False


Item = Text | Rule


@dataclass
class Row:
    """A slice of the flow, whole lines high; its items are positioned from its top."""

    height: float
    items: list[Item] = field(default_factory=list)
    keep_with_next: bool = False
    blank: bool = False
    break_before: bool = False
    body: bool = False  # a line of text of the 正文 (or of an attachment)


@dataclass
class Page:
    number: int  # 1-based, restarting with each copy
    items: list[Item] = field(default_factory=list)
    folio: bool = True  # prints its page number

    @property
    def folio_text(self) -> str:
        return f"{std.FOLIO_DASH} {self.number} {std.FOLIO_DASH}"


@dataclass
class Layout:
    document: Document
    faces: dict[str, Face]
    pages: list[Page]
    imprint_page: int | None = None  # 1-based page carrying the 版记
    blank_pages: tuple[int, ...] = ()  # pages left blank before the 版记
    body_end: tuple[int, float] = (1, 0.0)  # page and y where the content ends


def _shift(item: Item, dy: float) -> Item:
    if isinstance(item, Text):
        return replace(item, baseline=item.baseline + dy)
    return replace(item, top=item.top + dy)


class _Builder:
    def __init__(self, document: Document, faces: dict[str, Face]):
        self.doc = document
        self.faces = faces

    # --- primitives ----------------------------------------------------------------------

    def baseline_in_band(self, role: str, size: float) -> float:
        """Baseline that centres the em box of ``role`` at ``size`` pt in a line of the grid."""
        em = size * std.MM_PER_PT
        return std.LINE / 2 + (self.faces[role].metrics.em_top - 0.5) * em

    def text(
        self,
        spans,
        *,
        band_top: float = 0.0,
        left: float = 0.0,
        width: float = std.TYPE_WIDTH,
        align: str = "left",
        size: float = std.SIZE_3,
        red: bool = False,
        copy_number: bool = False,
    ) -> Text:
        spans = tuple(spans)
        return Text(
            baseline=band_top + self.baseline_in_band(spans[0].role, size),
            left=left,
            width=width,
            align=align,
            size=size,
            spans=spans,
            red=red,
            copy_number=copy_number,
        )

    def span(self, text: str, role: str = "fangsong", size: float = std.SIZE_3) -> Span:
        return Span(text, role, BODY_SPACING if size == std.SIZE_3 else 0.0)

    def width(self, text: str, role: str = "fangsong", size: float = std.SIZE_3) -> float:
        spacing = BODY_SPACING if size == std.SIZE_3 else 0.0
        return text_width(text, self.faces[role], size, spacing)

    def lines(self, runs, **kwargs) -> list[Line]:
        kwargs.setdefault("size", std.SIZE_3)
        kwargs.setdefault("spacing", BODY_SPACING if kwargs["size"] == std.SIZE_3 else 0.0)
        kwargs.setdefault("width", std.TYPE_WIDTH)
        return break_lines(runs, self.faces, **kwargs)

    def rows(
        self,
        lines: list[Line],
        *,
        size: float = std.SIZE_3,
        left: float = 0.0,
        width: float = std.TYPE_WIDTH,
        align: str = "left",
        body: bool = False,
    ) -> list[Row]:
        return [
            Row(
                std.LINE,
                [
                    self.text(
                        line.spans,
                        left=left + line.indent,
                        width=width - line.indent,
                        align=align,
                        size=size,
                    )
                ],
                body=body,
            )
            for line in lines
        ]

    # --- 版头 --------------------------------------------------------------------------------

    def marks(self) -> list[Text]:
        """份号, 密级和保密期限, 紧急程度 in that order, one per line (§7.2.1–7.2.3)."""
        marks = []
        if self.doc.copy_numbers:
            marks.append((self.span("0" * 6), True))
        if self.doc.classification_text:
            marks.append((self.span(self.doc.classification_text, "heiti"), False))
        if self.doc.urgency:
            marks.append((self.span(self.doc.urgency, "heiti"), False))
        return [
            self.text([span], band_top=i * std.LINE, copy_number=is_copy)
            for i, (span, is_copy) in enumerate(marks)
        ]

    def masthead(self, top: float) -> tuple[list[Text], float]:
        """发文机关标志 with its em-box top at ``top``; returns the items and its bottom (§7.2.4).

        Joint documents stack the organs, each spread to the width of the longest, with the
        suffix (文件) on the right, centred on the stack.
        """
        face = self.faces["xiaobiaosong"]
        names = [n.strip() for n in self.doc.issuers if n.strip()]
        suffix = self.doc.effective_mark_suffix
        per_em = lambda text: text_width(text, face, 1 / std.MM_PER_PT)  # noqa: E731
        size_pt = self.doc.mark_size or std.SIZE_CHU
        if len(names) == 1:
            text = names[0] + suffix
            em = min(size_pt * std.MM_PER_PT, std.TYPE_WIDTH / per_em(text))
            item = Text(
                baseline=top + face.metrics.em_top * em,
                left=0.0,
                width=std.TYPE_WIDTH,
                align="center",
                size=em / std.MM_PER_PT,
                spans=(Span(text, "xiaobiaosong", 0.0),),
                red=True,
            )
            return [item], top + em
        column = max(per_em(n) for n in names)
        gap = 0.5 if suffix else 0.0
        total = column + gap + (per_em(suffix) if suffix else 0.0)
        em = min(size_pt * std.MM_PER_PT, std.TYPE_WIDTH / total)
        pitch = 1.25 * em
        height = (len(names) - 1) * pitch + em
        left = (std.TYPE_WIDTH - total * em) / 2
        items = []
        for i, name in enumerate(names):
            natural = per_em(name) * em
            spread = (column * em - natural) / (len(name) - 1) if len(name) > 1 else 0.0
            items.append(
                Text(
                    baseline=top + i * pitch + face.metrics.em_top * em,
                    left=left,
                    width=column * em + 1,
                    align="left",
                    size=em / std.MM_PER_PT,
                    spans=(Span(name, "xiaobiaosong", round(spread, 4)),),
                    red=True,
                )
            )
        if suffix:
            items.append(
                Text(
                    baseline=top + (height - em) / 2 + face.metrics.em_top * em,
                    left=left + (column + gap) * em,
                    width=per_em(suffix) * em + 1,
                    align="left",
                    size=em / std.MM_PER_PT,
                    spans=(Span(suffix, "xiaobiaosong", 0.0),),
                    red=True,
                )
            )
        return items, top + height

    def number_and_signers(self, band_top: float) -> tuple[list[Text], float]:
        """发文字号 centred, or for 上行文 on the left with the 签发人 on the right (§7.2.5–7.2.6).

        Returns the items and the top of the last line.
        """
        doc = self.doc
        items: list[Text] = []
        if not doc.upward or not doc.signers:
            if doc.doc_number:
                left = std.CELL if doc.upward else 0.0
                align = "left" if doc.upward else "center"
                items.append(
                    self.text(
                        [self.span(doc.doc_number)],
                        band_top=band_top,
                        left=left,
                        width=std.TYPE_WIDTH - left,
                        align=align,
                    )
                )
            return items, band_top
        label = std.SIGNER_LABEL
        label_w = self.width(label)
        slot = max(self.width(n, "kaiti") for n in doc.signers)
        per_line = 2 if len(doc.signers) > 1 else 1
        block = label_w + per_line * slot + (per_line - 1) * std.CELL
        x0 = std.TYPE_WIDTH - std.CELL - block
        rows = [doc.signers[i : i + 2] for i in range(0, len(doc.signers), 2)]
        for r, names in enumerate(rows):
            top = band_top + r * std.LINE
            if r == 0:
                items.append(
                    self.text([self.span(label)], band_top=top, left=x0, width=label_w + 1)
                )
            for j, name in enumerate(names):
                x = x0 + label_w + j * (slot + std.CELL)
                items.append(
                    self.text([self.span(name, "kaiti")], band_top=top, left=x, width=slot + 1)
                )
        last = band_top + (len(rows) - 1) * std.LINE
        if doc.doc_number:
            items.append(
                self.text([self.span(doc.doc_number)], band_top=last, left=std.CELL, width=x0)
            )
        return items, last

    def head(self) -> tuple[list[Item], float]:
        """The 版头 of the first page; returns its items and where the flow starts."""
        fmt = self.doc.format
        if fmt == std.FORMAT_LETTER:
            return self.letter_head()
        items: list[Item] = list(self.marks())
        top = std.MASTHEAD_TOP_ORDER if fmt == std.FORMAT_ORDER else std.MASTHEAD_TOP
        # A 命令's masthead (20 mm) would cover a second and third mark: it moves down.
        top = max(top, len([i for i in items if isinstance(i, Text)]) * std.LINE)
        mast, bottom = self.masthead(top)
        items += mast
        band = bottom + 2 * std.LINE  # 发文机关标志下空二行
        if fmt == std.FORMAT_ORDER:
            if self.doc.order_number:
                items.append(
                    self.text([self.span(self.doc.order_number)], band_top=band, align="center")
                )
            return items, band + 3 * std.LINE  # 令号下空二行
        texts, last = self.number_and_signers(band)
        items += texts
        separator = last + (std.LINE + S3) / 2 + std.SEPARATOR_GAP
        items.append(
            Rule(
                separator - std.SEPARATOR_THICKNESS / 2,
                0.0,
                std.TYPE_WIDTH,
                std.SEPARATOR_THICKNESS,
                red=True,
            )
        )
        return items, separator + 2 * std.LINE  # 红色分隔线下空二行

    def letter_head(self) -> tuple[list[Item], float]:
        """信函格式 (§10.1): masthead 30 mm from the page top, red double lines of 170 mm."""
        top = std.MASTHEAD_TOP_LETTER_FROM_PAGE - std.TOP_MARGIN
        items: list[Item] = []
        mast, bottom = self.masthead(top)
        items += mast
        left = (std.TYPE_WIDTH - std.LETTER_RULE_LENGTH) / 2
        thick, thin, gap = std.LETTER_THICK, std.LETTER_THIN, std.LETTER_RULE_SPACE
        upper = bottom + std.LETTER_RULE_GAP
        items.append(Rule(upper, left, std.LETTER_RULE_LENGTH, thick, red=True))
        items.append(Rule(upper + thick + gap, left, std.LETTER_RULE_LENGTH, thin, red=True))
        lower = std.PAGE_HEIGHT - std.LETTER_BOTTOM_RULE_FROM_PAGE_BOTTOM - std.TOP_MARGIN
        items.append(Rule(lower - thick, left, std.LETTER_RULE_LENGTH, thick, red=True))
        items.append(Rule(lower - thick - gap - thin, left, std.LETTER_RULE_LENGTH, thin, red=True))
        line_bottom = upper + thick + gap + thin
        # The first element's top is 7/8 of a 3号 character below the double line.
        first_band = line_bottom + S3 * 7 / 8 - (std.LINE - S3) / 2
        marks = self.marks()
        items += [_shift(m, first_band) for m in marks]
        if self.doc.doc_number:
            items.append(
                self.text([self.span(self.doc.doc_number)], band_top=first_band, align="right")
            )
        used = max(len(marks), 1 if self.doc.doc_number else 0)
        if used:
            return items, first_band + (used + 2) * std.LINE  # 与其上最后一个要素相距二行
        return items, line_bottom + 2 * std.LINE

    # --- the flow ------------------------------------------------------------------------

    def title_rows(self, title: str) -> list[Row]:
        """2号小标宋, centred, balanced over as few lines as it needs (§7.3.1)."""
        lines: list[Line] = []
        for part in title.split("\n"):
            part = part.strip()
            if not part:
                continue
            runs = [(part, "xiaobiaosong")]
            options = {"size": std.SIZE_2, "spacing": 0.0, "justify": False}
            broken = self.lines(runs, **options)
            count = len(broken)
            if count > 1:
                # Narrow the measure as long as the line count holds: lines of even length.
                low, high = std.TYPE_WIDTH / count, std.TYPE_WIDTH
                for _ in range(12):
                    mid = (low + high) / 2
                    if len(self.lines(runs, width=mid, **options)) == count:
                        high = mid
                    else:
                        low = mid
                broken = self.lines(runs, width=high, **options)
            lines += broken
        rows = [
            Row(
                std.LINE,
                [self.text(line.spans, align="center", size=std.SIZE_2)],
                keep_with_next=True,
            )
            for line in lines
        ]
        return rows

    def block_rows(self, block: Block) -> list[Row]:
        """A paragraph or heading: 2 characters in, justified, headings in their face (§7.3.3)."""
        role = {0: "fangsong", 1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}[block.level]
        runs = [(block.text, role)]
        run_in = False
        if block.level and role != "fangsong" and "。" in block.text[:-1]:
            cut = block.text.index("。") + 1
            runs = [(block.text[:cut], role), (block.text[cut:], "fangsong")]
            run_in = True
        rows = self.rows(self.lines(runs, first_indent=2 * std.CELL), body=True)
        if block.level and not run_in and rows:
            rows[-1].keep_with_next = True  # a heading never ends a page
        return rows

    def labelled_rows(
        self, label: str, label_role: str, text: str, first_indent: float
    ) -> list[Row]:
        """``label`` then ``text``, following lines aligned with the text's first character."""
        hang = first_indent + self.width(label, label_role)
        runs = [(label, label_role), (text, "fangsong")]
        return self.rows(self.lines(runs, first_indent=first_indent, indent=hang))

    def attachment_note_rows(self) -> list[Row]:
        """附件说明: 附件：名称, or 附件：1.×× with the names aligned (§7.3.4)."""
        names = [a.name for a in self.doc.attachments]
        prefix = std.ATTACHMENT_NOTE_PREFIX
        if len(names) == 1:
            return self.labelled_rows(prefix, "fangsong", names[0], 2 * std.CELL)
        rows: list[Row] = []
        number_left = 2 * std.CELL + self.width(prefix)
        for i, name in enumerate(names, start=1):
            number = f"{i}."
            runs = (
                [(prefix, "fangsong"), (number + name, "fangsong")]
                if i == 1
                else [(number + name, "fangsong")]
            )
            first = 2 * std.CELL if i == 1 else number_left
            hang = number_left + self.width(number)
            rows += self.rows(self.lines(runs, first_indent=first, indent=hang))
        return rows

    def attendance_rows(self) -> list[Row]:
        """纪要: 出席 / 请假 / 列席, label in 黑体, names aligned after the colon (§10.3)."""
        rows: list[Row] = []
        for label, names in (
            (std.PRESENT_LABEL, self.doc.present),
            (std.ABSENT_LABEL, self.doc.absent),
            (std.ATTENDING_LABEL, self.doc.attending),
        ):
            if names:
                text = std.ENUMERATION_COMMA.join(names)
                rows += self.labelled_rows(label, "heiti", text, 2 * std.CELL)
        return rows

    def signature_rows(self) -> list[Row]:
        """署名, 成文日期 and the room for the seal (§7.3.5); the seal itself is never drawn."""
        doc = self.doc
        names = [n for n in doc.signatures if n.strip()]
        date = doc.date_text
        if not names and not date and not doc.signer_titles:
            return []
        mode = doc.effective_seal
        blank = lambda: Row(std.LINE, blank=True)  # noqa: E731
        date_w = self.width(date) if date else 0.0
        if mode == Seal.NONE:
            # 正文下空一行右空二字排署名, 下一行排日期, 首字比署名首字右移二字.
            widest = max((self.width(n) for n in names), default=0.0)
            x = min(std.TYPE_WIDTH - 2 * std.CELL - widest, std.TYPE_WIDTH - 4 * std.CELL - date_w)
            rows = [blank()]
            for name in names:
                rows.append(
                    Row(std.LINE, [self.text([self.span(name)], left=x, width=std.TYPE_WIDTH - x)])
                )
            if date:
                x_date = x + 2 * std.CELL if names else std.TYPE_WIDTH - 2 * std.CELL - date_w
                rows.append(
                    Row(std.LINE, [self.text([self.span(date)], left=x_date, width=date_w + 1)])
                )
            return rows
        date_right = std.TYPE_WIDTH - 4 * std.CELL  # 成文日期右空四字
        date_left = date_right - date_w
        rows = [blank(), blank()]
        if mode == Seal.SIGNATURE:
            # 签名章 4 characters from the right, its 职务 2 characters to its left, centred on it;
            # 签名章下空一行 the date, 4 characters from the right (§7.3.5.3).
            stamp_left = date_right - SIGNATURE_STAMP_WIDTH
            for title in doc.signer_titles or ("",):
                row = Row(2 * std.LINE)
                if title:
                    right = stamp_left - 2 * std.CELL
                    row.items.append(
                        self.text(
                            [self.span(title)],
                            band_top=std.LINE / 2,
                            left=0.0,
                            width=right,
                            align="right",
                        )
                    )
                rows.append(row)
            rows.append(blank())
            if date:
                rows.append(
                    Row(std.LINE, [self.text([self.span(date)], left=date_left, width=date_w + 1)])
                )
            return rows
        # 加盖印章: each seal over its organ's name, the last one over the name and the date;
        # the first seal's top within one line of the text above.
        centre = date_left + date_w / 2 if date else std.TYPE_WIDTH - 7 * std.CELL
        columns = (centre - std.SEAL_DIAMETER - 28.0, centre)
        # Two organs a row in their order; with an odd count the last one stands alone, on the
        # right, over the date.
        grid = [list(enumerate(names[i : i + 2])) for i in range(0, len(names) - 1, 2)]
        if len(names) % 2:
            grid.append([(1, names[-1])])
        for r, row_names in enumerate(grid):
            if r:
                rows += [blank() for _ in range(4)]  # seals of two rows never touch
            row = Row(std.LINE)
            for column, name in row_names:
                width = self.width(name)
                x = min(max(columns[column] - width / 2, 0.0), std.TYPE_WIDTH - width)
                row.items.append(self.text([self.span(name)], left=x, width=width + 1))
            rows.append(row)
        if date:
            rows.append(
                Row(std.LINE, [self.text([self.span(date)], left=date_left, width=date_w + 1)])
            )
        return rows

    def flow(self) -> list[Row]:
        doc = self.doc
        rows: list[Row] = []
        if doc.title.strip():
            rows += self.title_rows(doc.title)
            if doc.main_recipients or doc.body:
                rows.append(Row(std.LINE, blank=True, keep_with_next=True))  # 标题下空一行
        if doc.main_recipients:
            text = std.ENUMERATION_COMMA.join(doc.main_recipients) + std.COLON
            recipients = self.rows(self.lines([(text, "fangsong")]))
            if doc.body:
                recipients[-1].keep_with_next = True
            rows += recipients
        for block in doc.body:
            rows += self.block_rows(block)
        if doc.attachments:
            rows.append(Row(std.LINE, blank=True))  # 正文下空一行
            rows += self.attachment_note_rows()
        attendance = self.attendance_rows() if doc.format == std.FORMAT_MINUTES else []
        if attendance:
            rows.append(Row(std.LINE, blank=True))
            rows += attendance
        signature = self.signature_rows()
        if signature:
            # No page with the signature and no 正文 (此页无正文): the last two lines of the
            # body go with it, and whatever stands between them.
            body = [i for i, row in enumerate(rows) if row.body]
            start = body[-2] if len(body) > 1 else (body[-1] if body else len(rows))
            for row in rows[start:] + signature[:-1]:
                row.keep_with_next = True
            if doc.note.strip():
                signature[-1].keep_with_next = True  # 附注 on the line after the date
            rows += signature
        if doc.note.strip():
            rows += self.rows(
                self.lines([(doc.note.strip(), "fangsong")], first_indent=2 * std.CELL)
            )
        for index, attachment in enumerate(doc.attachments, start=1):
            if attachment.body:
                rows += self.attachment_rows(index, attachment)
        return rows

    def attachment_rows(self, index: int, attachment) -> list[Row]:
        """附件: another page, 附件N in 黑体 on line 1, the title on line 3 (§7.3.4)."""
        label = std.ATTACHMENT_LABEL + (str(index) if len(self.doc.attachments) > 1 else "")
        rows = [
            Row(
                std.LINE,
                [self.text([self.span(label, "heiti")])],
                break_before=True,
                keep_with_next=True,
            ),
            Row(std.LINE, blank=True, keep_with_next=True),
        ]
        rows += self.title_rows(attachment.name)
        rows.append(Row(std.LINE, blank=True, keep_with_next=True))
        for block in attachment.body:
            rows += self.block_rows(block)
        return rows

    # --- 版记 --------------------------------------------------------------------------------

    def imprint(self) -> Row | None:
        """抄送 and 印发 between rules, 4号, on the last lines of the page (§7.4)."""
        doc = self.doc
        letter = doc.format == std.FORMAT_LETTER
        size = std.SIZE_4
        char = size * std.MM_PER_PT  # 一字 of 4号
        bands: list[list[Item]] = []
        if doc.cc:
            text = std.COMMA.join(doc.cc) + std.FULL_STOP
            label = std.COPIES_TO_LABEL
            hang = char + text_width(label, self.faces["fangsong"], size)
            lines = self.lines(
                [(label, "fangsong"), (text, "fangsong")],
                size=size,
                spacing=0.0,
                width=std.TYPE_WIDTH - char,
                first_indent=char,
                indent=hang,
            )
            for line in lines:
                bands.append(
                    [
                        self.text(
                            line.spans,
                            left=line.indent,
                            width=std.TYPE_WIDTH - char - line.indent,
                            size=size,
                        )
                    ]
                )
        cc_bands = len(bands)
        printed = doc.printed_by.strip() or doc.print_date_text
        if printed and not letter:
            band = []
            if doc.printed_by.strip():
                band.append(
                    self.text(
                        [Span(doc.printed_by.strip(), "fangsong", 0.0)],
                        left=char,
                        width=std.TYPE_WIDTH - char,
                        size=size,
                    )
                )
            if doc.print_date_text:
                band.append(
                    self.text(
                        [Span(doc.print_date_text + std.PRINTED_SUFFIX, "fangsong", 0.0)],
                        left=0.0,
                        width=std.TYPE_WIDTH - char,
                        align="right",
                        size=size,
                    )
                )
            bands.append(band)
        if not bands:
            return None
        row = Row(len(bands) * std.LINE)
        for i, band in enumerate(bands):
            row.items += [_shift(item, i * std.LINE) for item in band]
        if not letter:
            height = row.height
            row.items.append(Rule(0.0, 0.0, std.TYPE_WIDTH, std.IMPRINT_THICK))
            if 0 < cc_bands < len(bands):
                y = cc_bands * std.LINE - std.IMPRINT_THIN / 2
                row.items.append(Rule(y, 0.0, std.TYPE_WIDTH, std.IMPRINT_THIN))
            row.items.append(
                Rule(height - std.IMPRINT_THICK, 0.0, std.TYPE_WIDTH, std.IMPRINT_THICK)
            )
        return row


def title_lines(document: Document, faces: dict[str, Face], title: str) -> list[str]:
    """The lines a title is broken into (for the DOCX, which breaks it the same way)."""
    rows = _Builder(document, faces).title_rows(title)
    return [item.text for row in rows for item in row.items if isinstance(item, Text)]


def _chains(rows: list[Row]) -> list[list[Row]]:
    chains, current = [], []
    for row in rows:
        current.append(row)
        if not row.keep_with_next:
            chains.append(current)
            current = []
    if current:
        chains.append(current)
    return chains


def build(document: Document, faces: dict[str, Face]) -> Layout:
    """Lay ``document`` out on pages (one copy; the 份号 is filled in per copy later)."""
    builder = _Builder(document, faces)
    head, start = builder.head()
    pages = [Page(1, list(head), folio=document.format != std.FORMAT_LETTER)]
    y = start
    fresh = False  # the first page holds the 版头

    def new_page():
        nonlocal y, fresh
        pages.append(Page(len(pages) + 1))
        y, fresh = 0.0, True

    def place(row: Row):
        nonlocal y, fresh
        if fresh and row.blank:
            return  # no blank line at the top of a page
        pages[-1].items += [_shift(item, y) for item in row.items]
        y += row.height
        fresh = False

    for chain in _chains(builder.flow()):
        if chain[0].break_before and not (fresh and len(pages) > 1):
            new_page()
        height = sum(r.height for r in chain if not (fresh and r is chain[0] and r.blank))
        if y + height > std.TYPE_HEIGHT + EPSILON and not fresh:
            new_page()
        for row in chain:
            if y + row.height > std.TYPE_HEIGHT + EPSILON and not fresh:
                new_page()
            place(row)
    layout = Layout(document, faces, pages, body_end=(len(pages), y))
    imprint = builder.imprint()
    if imprint is not None:
        _place_imprint(layout, imprint, y)
    for page in pages:
        if page.folio:
            page.items.append(_folio(builder, page))
    return layout


def _folio(builder: _Builder, page: Page) -> Text:
    """— n —, 4号半角宋体, its top 7 mm below the type area; odd pages on the right, even on
    the left, one character in (§7.5)."""
    size = std.SIZE_4
    em = size * std.MM_PER_PT
    face = builder.faces["songti"]
    odd = page.number % 2 == 1
    return Text(
        baseline=std.TYPE_HEIGHT + std.FOLIO_GAP + face.metrics.em_top * em,
        left=0.0 if odd else em,
        width=std.TYPE_WIDTH - em,
        align="right" if odd else "left",
        size=size,
        spans=(Span(page.folio_text, "songti", 0.0),),
    )


def _place_imprint(layout: Layout, imprint: Row, y: float) -> None:
    """版记 on the last lines of an even page (§7.4; 双面印刷), its last rule on the bottom edge
    of the type area. A 信函 has no rules and puts it on its last page (§10.1)."""
    pages = layout.pages
    top = std.TYPE_HEIGHT - imprint.height
    fits = y <= top + EPSILON
    if layout.document.format == std.FORMAT_LETTER:
        if not fits:
            pages.append(Page(len(pages) + 1))
    elif len(pages) % 2:
        pages.append(Page(len(pages) + 1))  # the next, even, page
    elif not fits:
        # A full even page: a blank page, then the 版记 page, neither numbered (§7.5).
        pages.append(Page(len(pages) + 1, folio=False))
        layout.blank_pages = (len(pages),)
        pages.append(Page(len(pages) + 1, folio=False))
    pages[-1].items += [_shift(item, top) for item in imprint.items]
    layout.imprint_page = len(pages)
