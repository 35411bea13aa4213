"""PDF through WeasyPrint: one page box per laid-out page, every line absolutely positioned.

CSS paged media gives the A4 page with the GB/T 9704 margins, so the type area is the page area
and the layout's coordinates are CSS positions in it. Each line is a ``div`` whose top puts the
baseline where the layout wants it: with ``line-height`` equal to the face's ascent + descent,
the baseline lies exactly one ascent below the top, whatever the face. Runs in another face
(a heading run-in) get ``line-height: 0`` so that they never move the baseline.
"""

from html import escape

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from . import standard as std
from .fonts import Face
from .layout import Layout, Rule, Text

_RED = "device-cmyk({} {} {} {})".format(*std.RED_CMYK)


def _mm(value: float) -> str:
    return f"{value:.4f}mm"


def _stylesheet(faces: dict[str, Face]) -> str:
    rules = [
        f"@page {{ size: {std.PAGE_WIDTH}mm {std.PAGE_HEIGHT}mm; "
        f"margin: {std.TOP_MARGIN}mm {std.RIGHT_MARGIN}mm {std.BOTTOM_MARGIN}mm "
        f"{std.LEFT_MARGIN}mm; }}",
        "html, body { margin: 0; padding: 0; }",
        "section { position: relative; height: 0; margin: 0; }",
        "section + section { break-before: page; }",
        ".t { position: absolute; margin: 0; padding: 0; white-space: pre; "
        "font-kerning: none; font-variant-ligatures: none; color: black; }",
        ".r { position: absolute; margin: 0; background: black; }",
        f".red {{ color: {_RED}; }}",
        f".r.red {{ background: {_RED}; }}",
        ".x { line-height: 0; }",
    ]
    for face in faces.values():
        if face.licensed and face.family.startswith("zhongshu-"):
            rules.append(f'@font-face {{ font-family: "{face.family}"; src: url("{face.url}"); }}')
        rules.append(
            f".{face.role} {{ font-family: {face.css_family}; font-weight: {face.weight}; }}"
        )
    return "\n".join(rules)


def _text(item: Text, faces: dict[str, Face], copy_number: str | None) -> str:
    strut = faces[item.strut].metrics
    em = item.size * std.MM_PER_PT
    top = item.baseline - strut.ascent * em
    width = item.width
    if item.align != "left":
        # Letter-spacing also follows the last character: let the box absorb it.
        width += item.spans[-1].spacing
    style = (
        f"top:{_mm(top)};left:{_mm(item.left)};width:{_mm(width)};"
        f"font-size:{item.size:.3f}pt;line-height:{_mm((strut.ascent + strut.descent) * em)};"
        f"text-align:{item.align}"
    )
    classes = f"t {item.strut}" + (" red" if item.red else "")
    spans = []
    for span in item.spans:
        text = copy_number if item.copy_number and copy_number else span.text
        extra = "" if span.role == item.strut else f' class="{span.role} x"'
        spacing = f' style="letter-spacing:{_mm(span.spacing)}"' if span.spacing else ""
        spans.append(f"<span{extra}{spacing}>{escape(text)}</span>")
    return f'<div class="{classes}" style="{style}">{"".join(spans)}</div>'


def _rule(item: Rule) -> str:
    style = (
        f"top:{_mm(item.top)};left:{_mm(item.left)};width:{_mm(item.width)};"
        f"height:{_mm(item.thickness)}"
    )
    return f'<div class="r{" red" if item.red else ""}" style="{style}"></div>'


def html(layout: Layout) -> str:
    """The whole print run as HTML: every copy, each with its own 份号."""
    faces = layout.faces
    copies = list(layout.document.copy_numbers) or [None]
    sections = []
    for n, copy_number in enumerate(copies):
        for page in layout.pages:
            parts = [
                _text(item, faces, copy_number) if isinstance(item, Text) else _rule(item)
                for item in page.items
            ]
            sections.append(f"<section>{''.join(parts)}</section>")
        if len(copies) > 1 and len(layout.pages) % 2 and n < len(copies) - 1:
            sections.append("<section></section>")  # each copy starts on a front side
    title = escape(layout.document.title.replace("\n", ""))
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_stylesheet(faces)}</style></head><body>{''.join(sections)}</body></html>"
    )


def write(layout: Layout) -> bytes:
    font_config = FontConfiguration()
    return HTML(string=html(layout)).write_pdf(font_config=font_config)
