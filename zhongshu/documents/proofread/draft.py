"""What the proofreader reads: a plain snapshot of an outgoing document, free of the database."""

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from . import terms


@dataclass(frozen=True)
class Block:
    """One block of the body: a paragraph (level 0) or a heading of level 1–4.

    The text is as typed, with its sequence number (一、 （一） 1. （1）) if it has one.
    """

    text: str
    level: int = 0

    def __post_init__(self):
        if not 0 <= self.level <= 4:
            raise ValueError(f"A heading level is 1–4 (0 for a paragraph), not {self.level}.")


@dataclass(frozen=True)
class Typo:
    """A word the office knows to be mistyped (R29), e.g. 己经 → 已经.

    ``exceptions`` are correct words that contain ``wrong`` (自己经常 contains 己经); a match
    inside one of them is not reported.
    """

    wrong: str
    right: str
    exceptions: tuple[str, ...] = ()


DEFAULT_TYPOS = tuple(
    Typo(wrong, right, exceptions) for wrong, right, exceptions in terms.DEFAULT_TYPOS
)

Subordinates = Collection[str] | Callable[[str], bool]
DateValue = str | datetime.date | None


@dataclass(frozen=True)
class Draft:
    """An outgoing document as the proofreader sees it.

    Lists may be given as lists; they are kept as tuples. Names are names only: the layout adds
    the labels, numbers and separators (附件：1., 抄送：…，…。, the colon after the main
    recipients, the 签发人 label), so a label, number or separator typed into a name is reported
    (R22–R24). The 附注 is kept as it is printed, with its brackets (R28).
    """

    kind: str  # 文种, one of terms.KINDS, e.g. "请示"
    title: str = ""
    body: tuple[Block, ...] = ()  # Block or plain str (a paragraph)
    format: str = terms.FORMAT_FILE  # 文件 / 信函 / 纪要 / 命令
    direction: str = ""  # 上行 / 平行 / 下行; empty: the kind's usual direction
    doc_number: str = ""  # 发文字号; empty until 发文登记
    classification: str = ""  # 密级: 绝密 / 机密 / 秘密, empty when not classified
    secrecy_period: str = ""  # 保密期限 as printed after ★, e.g. "1年" or "6个月"
    copy_numbered: bool = False  # 份号 printed
    urgency: str = ""  # 紧急程度: 特急 / 加急
    issuers: tuple[str, ...] = ()  # issuing organs, the lead (主办) organ first
    issuer_abbreviations: tuple[str, ...] = ()  # their 规范化简称, accepted wherever a name is
    issuer_mark: str = ""  # 发文机关标志 as printed, e.g. "某市人民政府文件"
    signatures: tuple[str, ...] = ()  # 发文机关署名
    signers: tuple[str, ...] = ()  # 签发人
    main_recipients: tuple[str, ...] = ()  # 主送机关
    cc: tuple[str, ...] = ()  # 抄送机关
    # Which of the cc organs are below the issuer (R13): names or a predicate. None: unknown.
    subordinates: Subordinates | None = None
    attachments: tuple[str, ...] = ()  # 附件说明: the names listed after 附件：
    attachment_titles: tuple[str, ...] | None = None  # titles of the attached files; None: unknown
    date: DateValue = None  # 成文日期, as typed or a date
    print_date: DateValue = None  # 印发日期, as typed or a date
    note: str = ""  # 附注, with its brackets
    sealed: bool | None = None  # 印章 on the document; None: not known yet
    typos: tuple[Typo, ...] = field(default=DEFAULT_TYPOS)  # Typo or (wrong, right) pairs

    def __post_init__(self):
        if self.kind not in terms.KINDS:
            raise ValueError(f"Unknown kind {self.kind!r}; expected one of {terms.KINDS}.")
        if self.format not in terms.FORMATS:
            raise ValueError(f"Unknown format {self.format!r}; expected one of {terms.FORMATS}.")
        if self.direction and self.direction not in terms.DIRECTIONS:
            raise ValueError(
                f"Unknown direction {self.direction!r}; expected one of {terms.DIRECTIONS}."
            )
        body = tuple(b if isinstance(b, Block) else Block(str(b)) for b in self.body)
        object.__setattr__(self, "body", body)
        for name in (
            "issuers",
            "issuer_abbreviations",
            "signatures",
            "signers",
            "main_recipients",
            "cc",
            "attachments",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        # An office's list may be plain (wrong, right) pairs.
        typos = tuple(t if isinstance(t, Typo) else Typo(*t) for t in self.typos)
        object.__setattr__(self, "typos", typos)
        if self.subordinates is not None and not callable(self.subordinates):
            object.__setattr__(self, "subordinates", frozenset(self.subordinates))
        if self.attachment_titles is not None:
            object.__setattr__(self, "attachment_titles", tuple(self.attachment_titles))

    @property
    def effective_direction(self) -> str:
        """The direction given, else the kind's usual one, else "" (it depends)."""
        return self.direction or terms.USUAL_DIRECTION.get(self.kind, "")

    @property
    def is_upward(self) -> bool:
        # 请示 and 报告 go up whatever the form says (条例 §15).
        return self.effective_direction == terms.UPWARD or self.kind in (
            terms.REQUEST,
            terms.REPORT,
        )

    @property
    def organ_names(self) -> tuple[str, ...]:
        """Every name the issuing organs may go by, longest first (for matching)."""
        names = {n.strip() for n in (*self.issuers, *self.issuer_abbreviations) if n.strip()}
        return tuple(sorted(names, key=len, reverse=True))

    def is_subordinate(self, organ: str) -> bool | None:
        """Whether ``organ`` is below the issuer; None when the draft does not say."""
        if self.subordinates is None:
            return None
        if callable(self.subordinates):
            return bool(self.subordinates(organ))
        return organ in self.subordinates
