"""GB/T 9704-2012 rendering of outgoing documents (公文) to PDF and DOCX.

A pure library: build a :class:`Document` and call :func:`render_pdf` or :func:`render_docx`.

    from zhongshu.documents.render import Block, Document, render_pdf

    pdf = render_pdf(Document(issuers=["某市人民政府"], doc_number="某政发〔2026〕12号",
                              title="某市人民政府关于……的通知", main_recipients=["各区人民政府"],
                              body=[Block("为……，现通知如下。"), Block("一、总体要求", level=1)],
                              signatures=["某市人民政府"], date=datetime.date(2026, 11, 26)))
"""

from . import fonts, standard
from .fonts import FontsMissing
from .layout import Layout, build
from .model import Attachment, Block, Document, RenderError, Seal


def paginate(document: Document) -> Layout:
    """The pages of one copy of ``document``, as the PDF prints them (no WeasyPrint needed)."""
    return build(document, fonts.resolve_all())


# WeasyPrint and python-docx are imported on first use: WeasyPrint alone takes ~0.3 s, and
# the documents app imports this package for its dataclasses.


def render_pdf(document: Document) -> bytes:
    """The print run as one PDF: one copy per 份号 (page numbers restart with each copy)."""
    from . import pdf

    return pdf.write(paginate(document))


def render_docx(document: Document, copy_number: str | None = None) -> bytes:
    """An editable DOCX for Word and WPS with the same layout (one copy: ``copy_number``,
    else the first 份号)."""
    from . import word

    return word.write(document, paginate(document), copy_number)


__all__ = [
    "Attachment",
    "Block",
    "Document",
    "FontsMissing",
    "Layout",
    "RenderError",
    "Seal",
    "fonts",
    "paginate",
    "render_docx",
    "render_pdf",
    "standard",
]
