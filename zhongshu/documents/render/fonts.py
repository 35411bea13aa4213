"""The faces a document is set in: an office's licensed fonts first, Debian's free ones last.

Each GB/T 9704 role (仿宋 for the text, 小标宋 for the masthead and title, 楷体, 黑体, 宋体 for
page numbers) has a list of family names in ``settings.DOCUMENT_FONTS``. A font file in
``settings.DOCUMENT_FONTS_DIR`` whose family is on the list wins (the office drops its licensed
仿宋_GB2312.ttf there); then a face installed on the system (fontconfig); the free face of the
role ends every list, so a document always renders. Nothing is downloaded.

The layout needs three numbers from each face, read with fontTools: the ascent and descent that
Pango lays a line out with (to put a baseline where the grid wants it), the top of the
ideographic em box (the "上边缘" of a character), and the advance of each character that is not a
full-width ideograph (to break and justify lines). Reading a whole CJK cmap with fontTools takes
~0.4 s, so the two tables needed are looked up in their raw bytes instead.
"""

import bisect
import functools
import logging
import struct
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTCollection, TTFont, TTLibError

logger = logging.getLogger(__name__)

ROLES = ("fangsong", "xiaobiaosong", "kaiti", "heiti", "songti")

# The last resort of each role: Debian's fonts-noto-cjk and fonts-lxgw-wenkai (DESIGN.md "fonts").
FREE_FACES = {
    "fangsong": "Noto Serif CJK SC",
    "xiaobiaosong": "Noto Serif CJK SC:bold",
    "kaiti": "LXGW WenKai",
    "heiti": "Noto Sans CJK SC",
    "songti": "Noto Serif CJK SC",
}
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


class FontsMissing(RuntimeError):
    """No face at all for a role: neither in the fonts folder nor installed."""


@dataclass(frozen=True)
class Face:
    """One resolved face of a role, with what the layout needs to know about it."""

    role: str
    family: str  # the name CSS asks for (an alias for a file from the fonts folder)
    weight: int  # CSS font-weight to ask for
    path: str
    index: int  # face number inside a collection (.ttc)
    licensed: bool  # found in DOCUMENT_FONTS_DIR
    name: str  # the family name as the font calls itself (for Word: w:eastAsia)
    fallback: str  # the free family that fills in glyphs the face lacks
    metrics: "Metrics" = field(compare=False, repr=False)

    @property
    def css_family(self) -> str:
        families = [self.family] if self.family == self.fallback else [self.family, self.fallback]
        return ", ".join(f'"{family}"' for family in families)

    @property
    def url(self) -> str:
        return Path(self.path).resolve().as_uri()


class Metrics:
    """Vertical metrics and advance widths of one face, in em."""

    def __init__(self, path: str, index: int):
        font = TTFont(path, fontNumber=index, lazy=True) if _is_collection(path) else None
        if font is None:
            font = TTFont(path, lazy=True)
        units = font["head"].unitsPerEm
        hhea, os2 = font["hhea"], font.get("OS/2")
        # HarfBuzz's choice, which Pango lays lines out with: typo metrics when the font says
        # USE_TYPO_METRICS (fsSelection bit 7), else hhea, else the Windows metrics.
        if os2 is not None and os2.fsSelection & (1 << 7) and os2.sTypoAscender:
            ascent, descent = os2.sTypoAscender, -os2.sTypoDescender
        elif hhea.ascent or hhea.descent:
            ascent, descent = hhea.ascent, -hhea.descent
        elif os2 is not None:
            ascent, descent = os2.usWinAscent, os2.usWinDescent
        else:
            ascent, descent = 0.88 * units, 0.12 * units
        self.ascent = ascent / units
        self.descent = descent / units
        self.em_top = _em_box_top(font, os2, units)
        self._units = units
        self._hmetrics = hhea.numberOfHMetrics
        self._hmtx = font.reader["hmtx"]
        self._glyph = _raw_cmap(font.reader["cmap"])
        self._advances: dict[str, float | None] = {}

    def has(self, char: str) -> bool:
        return self._glyph(ord(char)) != 0

    def advance(self, char: str) -> float | None:
        """The advance of ``char`` in em; None when the face has no glyph for it."""
        if char in self._advances:
            return self._advances[char]
        glyph = self._glyph(ord(char))
        width = None
        if glyph:
            offset = 4 * min(glyph, self._hmetrics - 1)
            width = struct.unpack_from(">H", self._hmtx, offset)[0] / self._units
        self._advances[char] = width
        return width


def _is_collection(path: str) -> bool:
    return Path(path).suffix.lower() in (".ttc", ".otc")


def _em_box_top(font: TTFont, os2, units: int) -> float:
    """Top of the ideographic em box above the baseline, in em (0.88 for most CJK faces)."""
    if "BASE" in font:
        try:
            axis = font["BASE"].table.HorizAxis
            tags = list(axis.BaseTagList.BaselineTag)
            records = {r.BaseScriptTag: r for r in axis.BaseScriptList.BaseScriptRecord}
            record = records.get("hani") or records.get("DFLT") or next(iter(records.values()))
            coords = [c.Coordinate for c in record.BaseScript.BaseValues.BaseCoord]
            values = dict(zip(tags, coords, strict=False))
            if "idtp" in values:
                return values["idtp"] / units
            if "ideo" in values:
                return 1 + values["ideo"] / units
        except (AttributeError, StopIteration, TypeError):
            pass  # a BASE table without the horizontal ideographic baseline
    if os2 is not None and abs(os2.sTypoAscender - os2.sTypoDescender - units) <= units * 0.02:
        return os2.sTypoAscender / units
    return 0.88


def _raw_cmap(data: bytes):
    """A char → glyph lookup over the best Unicode subtable (format 12, else 4) of a cmap."""
    count = struct.unpack_from(">H", data, 2)[0]
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHL", data, 4 + 8 * i)
        subtables[(platform, encoding)] = offset
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
        if key not in subtables:
            continue
        offset = subtables[key]
        kind = struct.unpack_from(">H", data, offset)[0]
        if kind == 12:
            return _format12(data, offset)
        if kind == 4:
            return _format4(data, offset)
    return lambda code: 0


def _format4(data: bytes, offset: int):
    segments = struct.unpack_from(">H", data, offset + 6)[0] // 2
    ends_at = offset + 14
    ends = struct.unpack_from(f">{segments}H", data, ends_at)
    starts = struct.unpack_from(f">{segments}H", data, ends_at + 2 * segments + 2)
    deltas = struct.unpack_from(f">{segments}h", data, ends_at + 4 * segments + 2)
    ranges_at = ends_at + 6 * segments + 2
    ranges = struct.unpack_from(f">{segments}H", data, ranges_at)

    def glyph(code: int) -> int:
        if code > 0xFFFF:
            return 0
        i = bisect.bisect_left(ends, code)
        if i == segments or starts[i] > code:
            return 0
        if ranges[i] == 0:
            return (code + deltas[i]) & 0xFFFF
        at = ranges_at + 2 * i + ranges[i] + 2 * (code - starts[i])
        if at + 2 > len(data):
            return 0
        value = struct.unpack_from(">H", data, at)[0]
        return (value + deltas[i]) & 0xFFFF if value else 0

    return glyph


def _format12(data: bytes, offset: int):
    groups = struct.unpack_from(">L", data, offset + 12)[0]
    table = struct.unpack_from(f">{3 * groups}L", data, offset + 16)
    starts, ends, first = table[0::3], table[1::3], table[2::3]

    def glyph(code: int) -> int:
        i = bisect.bisect_left(ends, code)
        if i == groups or starts[i] > code:
            return 0
        return first[i] + code - starts[i]

    return glyph


@functools.lru_cache(maxsize=32)
def _metrics(path: str, index: int, mtime: float) -> Metrics:
    return Metrics(path, index)


def metrics_for(path: str, index: int) -> Metrics:
    return _metrics(path, index, Path(path).stat().st_mtime)


# --- Finding faces ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    names: frozenset[str]  # every family/full name the face goes by, casefolded
    name: str  # its own family name
    bold: bool
    path: str
    index: int


def _parse_candidate(candidate: str) -> tuple[str, bool]:
    name, _, style = candidate.partition(":")
    return name.strip(), style.strip().lower() == "bold"


def _font_names(font: TTFont) -> tuple[set[str], str]:
    names, own = set(), ""
    for record in font["name"].names:
        if record.nameID not in (1, 4, 16):
            continue
        try:
            text = record.toUnicode().strip()
        except UnicodeDecodeError:
            continue
        if text:
            names.add(text.casefold())
            if record.nameID in (1, 16) and (not own or record.langID == 0x0804):
                own = text
    return names, own


@functools.lru_cache(maxsize=4)
def _folder_faces(folder: str, signature: tuple) -> tuple[_Found, ...]:
    found = []
    for path, _mtime in signature:
        try:
            if _is_collection(path):
                fonts = list(enumerate(TTCollection(path, lazy=True).fonts))
            else:
                fonts = [(0, TTFont(path, lazy=True))]
            for index, font in fonts:
                names, own = _font_names(font)
                weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
                found.append(_Found(frozenset(names), own, weight >= 600, path, index))
        except (TTLibError, OSError, KeyError, struct.error) as exc:
            logger.warning("Skipping unreadable font %s: %s", path, exc)
    return tuple(found)


def _folder() -> tuple[_Found, ...]:
    folder = Path(settings.DOCUMENT_FONTS_DIR)
    if not folder.is_dir():
        return ()
    files = sorted(
        (str(p), p.stat().st_mtime)
        for p in folder.rglob("*")
        if p.suffix.lower() in FONT_SUFFIXES and p.is_file()
    )
    return _folder_faces(str(folder), tuple(files))


@functools.lru_cache(maxsize=1)
def _installed() -> tuple[_Found, ...]:
    """Faces fontconfig knows (the same ones Pango will pick by family name)."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{family}\t%{weight}\t%{file}\t%{index}\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("fc-list failed (%s): only fonts in DOCUMENT_FONTS_DIR are used", exc)
        return ()
    found = []
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        families, weight, path, index = parts
        names = [name.strip() for name in families.split(",") if name.strip()]
        try:
            bold, index = float(weight) >= 180, int(index)
        except ValueError:
            continue
        if names:
            found.append(
                _Found(frozenset(n.casefold() for n in names), names[0], bold, path, index)
            )
    return tuple(found)


def _pick(found: tuple[_Found, ...], name: str, bold: bool) -> _Found | None:
    matches = [f for f in found if name.casefold() in f.names]
    if not matches:
        return None
    same_weight = [f for f in matches if f.bold == bold]
    return (same_weight or matches)[0]


def _candidates(role: str) -> list[str]:
    configured = list(getattr(settings, "DOCUMENT_FONTS", {}).get(role, ()))
    if FREE_FACES[role] not in configured:
        configured.append(FREE_FACES[role])
    return configured


def resolve(role: str) -> Face:
    """The face of ``role`` (see the module docstring for the order)."""
    fallback, _ = _parse_candidate(FREE_FACES[role])
    candidates = [_parse_candidate(c) for c in _candidates(role)]
    folder = _folder()
    for name, bold in candidates:
        hit = _pick(folder, name, bold)
        if hit is not None:
            return Face(
                role=role,
                family=f"zhongshu-{role}",
                weight=400,
                path=hit.path,
                index=hit.index,
                licensed=True,
                name=hit.name or name,
                fallback=fallback,
                metrics=metrics_for(hit.path, hit.index),
            )
    installed = _installed()
    for name, bold in candidates:
        hit = _pick(installed, name, bold)
        if hit is not None:
            return Face(
                role=role,
                family=name,
                weight=700 if bold else 400,
                path=hit.path,
                index=hit.index,
                licensed=name != fallback,
                name=name,
                fallback=fallback,
                metrics=metrics_for(hit.path, hit.index),
            )
    raise FontsMissing(
        f"No font for the {role} role: none of {[c for c, _ in candidates]} is in "
        f"{settings.DOCUMENT_FONTS_DIR} or installed. Install Debian's fonts-noto-cjk and "
        "fonts-lxgw-wenkai (make system-run does it)."
    )


def resolve_all() -> dict[str, Face]:
    return {role: resolve(role) for role in ROLES}


def preferred_name(role: str) -> tuple[str, bool]:
    """The first configured family of ``role`` and whether it is bold: what a DOCX names.

    A DOCX is laid out where it is opened, by Word or WPS on a desk that has the office fonts,
    so it names the face the office wants, not the one this server happens to have.
    """
    return _parse_candidate(_candidates(role)[0])


def is_wide(char: str) -> bool:
    """A full-width character: one 字 on the grid whatever the face."""
    return unicodedata.east_asian_width(char) in ("W", "F")
