"""What the renderer prints: a plain, frozen snapshot of an outgoing document.

No database here: the documents app builds a :class:`Document` from its models and calls
``render_pdf`` / ``render_docx``. Texts are printed as given; the layout adds only what GB/T 9704
puts around them (附件：, 抄送：, 签发人：, the colon after the main recipients, 印发, ★).
Field names follow the proofreader's ``Draft`` where the two meet.
"""

import datetime
from dataclasses import dataclass, fields
from enum import StrEnum

from . import standard


class RenderError(ValueError):
    """A document the renderer cannot lay out; ``field`` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class Seal(StrEnum):
    """How the document is authenticated at the signature (GB/T 9704 §7.3.5)."""

    SEAL = "seal"  # 加盖印章: room is left for the physical seal, none is drawn
    NONE = "none"  # 不加盖印章
    SIGNATURE = "signature"  # 加盖签发人签名章 (命令, §7.3.5.3)


@dataclass(frozen=True)
class Block:
    """A body block: a paragraph (level 0) or a heading of level 1–4 (一、 （一） 1. （1）).

    The text is as typed, sequence number included. A heading in the same block as its text
    (（一）加强组织领导。各单位要……) is set in the heading face up to the first 。 and in 仿宋
    after it.
    """

    text: str
    level: int = 0

    def __post_init__(self):
        if not 0 <= self.level <= 4:
            raise RenderError(
                "body", f"a heading level is 1–4 (0 for a paragraph), not {self.level}"
            )


@dataclass(frozen=True)
class Attachment:
    """An attachment: its name in the 附件说明 and, when bound with the document, its body."""

    name: str
    body: tuple[Block, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "body", _blocks(self.body, "attachments"))


@dataclass(frozen=True)
class Document:
    """An outgoing document as GB/T 9704-2012 lays it out.

    Every list may be given as a list; it is kept as a tuple.
    """

    format: str = standard.FORMAT_FILE  # 文件 / 信函 / 纪要 / 命令
    copy_numbers: tuple[str, ...] = ()  # 份号, six digits each: one copy is printed per number
    classification: str = ""  # 密级: 秘密 / 机密 / 绝密; empty when not classified
    secrecy_period: str = ""  # 保密期限 as printed after ★: "1年", "6个月", "长期"
    urgency: str = ""  # 紧急程度: 特急 / 加急
    issuers: tuple[str, ...] = ()  # 发文机关标志 text of each organ, the lead (主办) organ first
    mark_suffix: str | None = None  # after the organs: None → 文件 / (信函: none) / 纪要 / 令
    mark_size: float | None = None  # masthead size in points; None → 初号, smaller to fit
    doc_number: str = ""  # 发文字号, e.g. 某发〔2026〕12号
    order_number: str = ""  # 令号 of a 命令, e.g. 第12号
    upward: bool = False  # 上行文: 发文字号 on the left, 签发人 on the right
    signers: tuple[str, ...] = ()  # 签发人 (上行文)
    title: str = ""  # a "\n" forces a line break in the title
    main_recipients: tuple[str, ...] = ()  # 主送机关
    body: tuple[Block, ...] = ()  # Block, or a str for a paragraph
    attachments: tuple[Attachment, ...] = ()  # Attachment, or a str for a name only
    signatures: tuple[str, ...] = ()  # 发文机关署名, in the order of the issuers
    signer_titles: tuple[str, ...] = ()  # 签发人职务 beside each 签名章 (seal=SIGNATURE)
    date: datetime.date | str | None = None  # 成文日期
    seal: Seal | None = None  # None → 印章; 命令: 签名章; 纪要: none
    note: str = ""  # 附注, printed as given (with its brackets)
    present: tuple[str, ...] = ()  # 纪要: 出席
    absent: tuple[str, ...] = ()  # 纪要: 请假
    attending: tuple[str, ...] = ()  # 纪要: 列席
    cc: tuple[str, ...] = ()  # 抄送机关
    printed_by: str = ""  # 印发机关
    print_date: datetime.date | str | None = None  # 印发日期

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))
        object.__setattr__(self, "body", _blocks(self.body, "body"))
        object.__setattr__(
            self,
            "attachments",
            tuple(a if isinstance(a, Attachment) else Attachment(str(a)) for a in self.attachments),
        )
        if self.seal is not None:
            object.__setattr__(self, "seal", Seal(self.seal))
        self._check()

    def _check(self):
        if self.format not in standard.FORMATS:
            raise RenderError("format", f"expected one of {standard.FORMATS}, not {self.format!r}")
        for number in self.copy_numbers:
            if not standard.COPY_NUMBER.match(number):
                raise RenderError("copy_numbers", f"a 份号 has six digits, not {number!r}")
        if len(set(self.copy_numbers)) != len(self.copy_numbers):
            raise RenderError("copy_numbers", "the same 份号 is given twice")
        if self.classification and self.classification not in standard.CLASSIFICATIONS:
            raise RenderError(
                "classification",
                f"expected one of {standard.CLASSIFICATIONS}, not {self.classification!r}",
            )
        if self.secrecy_period:
            if not self.classification:
                raise RenderError("secrecy_period", "a 保密期限 needs a 密级")
            if not standard.SECRECY_PERIOD.match(self.secrecy_period):
                raise RenderError(
                    "secrecy_period", f"expected e.g. 1年 or 6个月, not {self.secrecy_period!r}"
                )
        if self.urgency and self.urgency not in standard.URGENCIES:
            raise RenderError(
                "urgency", f"expected one of {standard.URGENCIES}, not {self.urgency!r}"
            )
        if not any(name.strip() for name in self.issuers):
            raise RenderError("issuers", "the 发文机关标志 needs at least one organ")
        if self.mark_size is not None and not 10 <= self.mark_size <= 100:
            raise RenderError("mark_size", "a masthead size is 10–100 pt")
        if self.signers and not self.upward:
            raise RenderError("signers", "签发人 are printed on 上行文 only")
        if self.signer_titles and self.effective_seal != Seal.SIGNATURE:
            raise RenderError("signer_titles", "职务 stand beside a 签名章 only")

    @property
    def effective_seal(self) -> Seal:
        if self.seal is not None:
            return self.seal
        if self.format == standard.FORMAT_ORDER:
            return Seal.SIGNATURE
        if self.format == standard.FORMAT_MINUTES:
            return Seal.NONE
        return Seal.SEAL

    @property
    def effective_mark_suffix(self) -> str:
        if self.mark_suffix is not None:
            return self.mark_suffix
        return {
            standard.FORMAT_FILE: standard.MASTHEAD_SUFFIX_FILE,
            standard.FORMAT_LETTER: "",
            standard.FORMAT_MINUTES: standard.MASTHEAD_SUFFIX_MINUTES,
            standard.FORMAT_ORDER: standard.MASTHEAD_SUFFIX_ORDER,
        }[self.format]

    @property
    def date_text(self) -> str:
        return _date_text(self.date)

    @property
    def print_date_text(self) -> str:
        return _date_text(self.print_date)

    @property
    def classification_text(self) -> str:
        if not self.classification:
            return ""
        return standard.classification_mark(self.classification, self.secrecy_period)


def _date_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return standard.chinese_date(value)
    return str(value)


def _blocks(blocks, field: str) -> tuple[Block, ...]:
    result = []
    for block in blocks:
        if isinstance(block, str):
            block = Block(block)
        elif not isinstance(block, Block):
            # Anything with .text and .level, e.g. the proofreader's Block.
            try:
                block = Block(str(block.text), int(getattr(block, "level", 0)))
            except AttributeError as exc:
                raise RenderError(field, f"not a block: {block!r}") from exc
        # One paragraph per line of text: a typed line break starts a new paragraph.
        for part in block.text.split("\n"):
            if part.strip():
                result.append(Block(part.strip(), block.level))
    return tuple(result)
