"""Time the GB/T 9704 renderer (DESIGN.md budget: a 3-page document as PDF in ≤ 1 s).

Renders a 文件 whose PDF has exactly three pages (版头, title, body, signature; no 版记, which
would make it four) and prints the first render in a fresh process (fonts looked up and parsed,
WeasyPrint warming up) and the median and worst of the following ones, plus the same for the
DOCX and for a four-page 文件 with its 版记.

    .venv/bin/python bench/render.py [--runs 20]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.settings")
os.environ.setdefault("ZHONGSHU_MODE", "demo")

import django  # noqa: E402

django.setup()

from zhongshu.documents.render import Block, Document, paginate, render_docx, render_pdf  # noqa: E402

PARAGRAPH = (
    "为进一步加强和改进新形势下办公室工作，充分发挥办公室参谋助手、督促检查、协调服务作用，"
    "推动各项决策部署落地见效，经市政府同意，现就有关事项通知如下。"
)


def document(paragraphs: int, imprint: bool) -> Document:
    body = [Block(PARAGRAPH)]
    for n in range(paragraphs):
        if n % 4 == 0:
            body.append(Block(f"{'一二三四五六七八九十'[n // 4 % 10]}、工作要求", 1))
        body.append(Block(PARAGRAPH * 2))
    return Document(
        issuers=["某市人民政府"],
        doc_number="某政发〔2026〕12号",
        title="某市人民政府关于进一步加强和改进新形势下办公室工作的通知",
        main_recipients=["各区人民政府", "市政府各部门", "各直属机构"],
        body=body,
        signatures=["某市人民政府"],
        date=datetime.date(2026, 11, 26),
        cc=["市委办公室", "市人大常委会办公室"] if imprint else [],
        printed_by="某市人民政府办公室" if imprint else "",
        print_date=datetime.date(2026, 11, 27) if imprint else None,
    )


def with_pages(pages: int, imprint: bool) -> Document:
    for paragraphs in range(1, 100):
        doc = document(paragraphs, imprint)
        if len(paginate(doc).pages) == pages:
            return doc
    raise SystemExit(f"no body length gives {pages} pages")


def timed(label: str, render, doc: Document, runs: int) -> None:
    start = time.perf_counter()
    render(doc)
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render(doc)
        times.append(time.perf_counter() - start)
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    print(f"{label:<28} first {first * 1000:6.0f} ms  median {median:5.0f} ms  max {worst:5.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    three = with_pages(3, imprint=False)
    print(f"fonts resolved and a layout found in {(time.perf_counter() - start) * 1000:.0f} ms")
    timed("PDF, 文件, 3 pages", render_pdf, three, args.runs)
    timed("PDF, 文件, 4 pages with 版记", render_pdf, with_pages(4, imprint=True), args.runs)
    timed("DOCX, 文件, 3 pages", render_docx, three, args.runs)
    print("budget: PDF of 3 pages ≤ 1000 ms (DESIGN.md)")


if __name__ == "__main__":
    main()
