"""Breaking text into lines on the GB/T 9704 grid, with Chinese line-breaking rules (禁则).

Pango would break lines too, but WeasyPrint justifies only at spaces, and Chinese text has none:
lines cut short by a closing mark or by half-width digits would leave a ragged right edge. So
the renderer breaks lines itself and gives each line the letter-spacing that fills it, the way
Word's 两端对齐 does: full-width characters keep their grid cells, the slack goes between
characters (never inside a run of Latin letters or digits), and a comma or full stop that does
not fit hangs past the edge (Word's default 允许标点溢出边界) instead of pulling a character down.
"""

from dataclasses import dataclass

from .fonts import Face, is_wide
from .standard import MM_PER_PT

# May not start a line (行首禁则).
NO_START = frozenset("，。、；：？！）》」』】〕〗〉’”…—·‧%‰℃°々〻ゝゞヽヾー～,.;:?!)]}")
# May not end a line (行尾禁则).
NO_END = frozenset("（《「『【〔〖〈‘“([{")
# May hang past the right edge.
HANGING = frozenset("，。、,.")
# Full-width marks whose default glyph is narrow in some faces but that Chinese text sets one
# 字 wide (Pango's locl for zh-Hans does the same).
FULL_WIDTH_MARKS = frozenset("—…")
EPSILON = 0.01  # mm


@dataclass(frozen=True)
class Span:
    """Characters set in one face with one letter-spacing (mm, added after each character)."""

    text: str
    role: str
    spacing: float


@dataclass(frozen=True)
class Line:
    indent: float  # mm from the left edge of the measure
    spans: tuple[Span, ...]
    width: float  # natural width in mm, letter-spacing included, hanging mark excluded

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class _Unit:
    char: str
    role: str
    width: float  # advance + letter-spacing, mm
    wide: bool


def char_width(char: str, face: Face, size: float) -> float:
    """Advance of ``char`` in mm at ``size`` points (without letter-spacing)."""
    em = size * MM_PER_PT
    if is_wide(char) or char in FULL_WIDTH_MARKS:
        advance = face.metrics.advance(char)
        return em if advance is None or advance < 0.95 else advance * em
    advance = face.metrics.advance(char)
    if advance is None:  # another face fills it in; a half-width guess is close enough
        advance = 0.5
    return advance * em


def text_width(text: str, face: Face, size: float, spacing: float = 0.0) -> float:
    return sum(char_width(c, face, size) + spacing for c in text)


def _is_word(unit: _Unit) -> bool:
    return not unit.wide and not unit.char.isspace()


def _can_break(units: list[_Unit], at: int) -> bool:
    """Whether a line may end before ``units[at]``."""
    if at <= 0 or at >= len(units):
        return at >= len(units)
    before, after = units[at - 1], units[at]
    if after.char.isspace():
        return False
    if before.char.isspace():
        return True
    if after.char in NO_START or before.char in NO_END:
        return False
    if before.char == after.char and before.char in FULL_WIDTH_MARKS:
        return False  # —— and …… stay whole
    return not (_is_word(before) and _is_word(after))


def break_lines(
    runs: list[tuple[str, str]],
    faces: dict[str, Face],
    *,
    size: float,
    spacing: float,
    width: float,
    first_indent: float = 0.0,
    indent: float = 0.0,
    justify: bool = True,
) -> list[Line]:
    """Lines of ``runs`` ((text, role) pairs) in a measure ``width`` mm wide.

    ``first_indent`` and ``indent`` are the left indents of the first and following lines.
    Every line but the last is justified when ``justify`` is true.
    """
    units = [
        _Unit(c, role, char_width(c, faces[role], size) + spacing, is_wide(c))
        for text, role in runs
        for c in text
        if c not in "\r\n"
    ]
    lines: list[Line] = []
    start = 0
    while start < len(units):
        left = first_indent if not lines else indent
        available = width - left
        end, used = start, 0.0
        while end < len(units) and used + units[end].width <= available + EPSILON:
            used += units[end].width
            end += 1
        if end == len(units):
            lines.append(_line(units[start:end], left, spacing, available, justify=False))
            break
        hang = (
            end > start
            and units[end].char in HANGING
            and _can_break(units, end + 1)
            and units[end - 1].char not in HANGING
        )
        if hang:
            cut = end + 1
        else:
            cut = end
            while cut > start and not _can_break(units, cut):
                cut -= 1
            if cut == start:  # one unbreakable run longer than the line: cut it
                cut = max(end, start + 1)
        lines.append(_line(units[start:cut], left, spacing, available, justify, hang))
        start = cut
        while start < len(units) and units[start].char.isspace():
            start += 1
    return lines


def _line(
    units: list[_Unit],
    indent: float,
    spacing: float,
    available: float,
    justify: bool,
    hang: bool = False,
) -> Line:
    body = units[:-1] if hang else units
    while body and body[-1].char.isspace():
        body = body[:-1]
    natural = sum(u.width for u in body)
    extra = [0.0] * len(units)
    slack = available - natural
    if justify and slack > EPSILON and len(body) > 1:
        gaps = [
            i for i in range(len(body) - 1) if not (_is_word(body[i]) and _is_word(body[i + 1]))
        ] or list(range(len(body) - 1))
        share = slack / len(gaps)
        for i in gaps:
            extra[i] = share
    spans: list[Span] = []
    for unit, add in zip(units, extra, strict=True):
        value = round(spacing + add, 4)
        if spans and spans[-1].role == unit.role and spans[-1].spacing == value:
            spans[-1] = Span(spans[-1].text + unit.char, unit.role, value)
        else:
            spans.append(Span(unit.char, unit.role, value))
    return Line(indent, tuple(spans), natural + (sum(extra) if justify else 0.0))
