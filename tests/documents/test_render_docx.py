"""The DOCX for Word and WPS: page, grid, faces, sizes, footers and the 版记 (GB/T 9704-2012)."""

import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.documents import render_samples as s
from zhongshu.documents.render import Block, Seal, paginate, render_docx
from zhongshu.documents.render import standard as std

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def fonts_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fonts")


def _open(fonts_dir, **overrides):
    with s.office_fonts(fonts_dir):
        return docx.Document(io.BytesIO(render_docx(s.document(**overrides))))


@pytest.fixture(scope="module")
def wenjian(fonts_dir):
    return _open(fonts_dir)


def _runs(document):
    return [run for paragraph in document.paragraphs for run in paragraph.runs]


def _east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def _paragraph(document, text):
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(text):
            return paragraph
    raise AssertionError(f"no paragraph starts with {text!r}")


def test_page_is_a4_with_the_standard_margins(wenjian):
    section = wenjian.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.05)
    assert section.page_height.mm == pytest.approx(297, abs=0.05)
    assert section.top_margin.mm == pytest.approx(37, abs=0.05)
    assert section.left_margin.mm == pytest.approx(28, abs=0.05)
    assert section.right_margin.mm == pytest.approx(26, abs=0.05)
    assert section.bottom_margin.mm == pytest.approx(35, abs=0.05)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert int(grid.get(qn("w:linePitch"))) == round(std.LINE / std.MM_PER_PT * 20)  # 580


def test_defaults_are_3hao_fangsong_with_exact_22_line_spacing(wenjian):
    defaults = wenjian.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "32"
    assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    body = _paragraph(wenjian, s.PARAGRAPH[:10])
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == pytest.approx(std.LINE / std.MM_PER_PT, abs=0.05)
    assert fmt.first_line_indent.mm == pytest.approx(2 * std.CELL, abs=0.05)
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_body_runs_are_3hao_fangsong_condensed_onto_28_characters(wenjian):
    run = _paragraph(wenjian, s.PARAGRAPH[:10]).runs[0]
    assert run.font.size == Pt(16)
    assert run.font.name == "仿宋_GB2312"
    assert _east_asian(run) == "仿宋_GB2312"
    spacing = int(run._element.rPr.find(qn("w:spacing")).get(qn("w:val")))  # twentieths of pt
    per_char = 16 + spacing / 20
    assert per_char * 28 <= std.TYPE_WIDTH / std.MM_PER_PT < per_char * 29


def test_heading_faces(wenjian):
    level1 = _paragraph(wenjian, "一、总体要求").runs[0]
    assert _east_asian(level1) == "黑体"
    level2 = _paragraph(wenjian, "（一）加强组织领导").runs
    assert _east_asian(level2[0]) == "楷体_GB2312" and level2[0].text == "（一）加强组织领导。"
    assert _east_asian(level2[1]) == "仿宋_GB2312"


def test_masthead_is_red_xiaobiaosong_and_the_title_2hao(wenjian):
    masthead = _paragraph(wenjian, "某市人民政府文件")
    run = masthead.runs[0]
    assert str(run.font.color.rgb) == "FF0000"
    assert _east_asian(run) == "方正小标宋简体"
    assert masthead.alignment == WD_ALIGN_PARAGRAPH.CENTER
    title = _paragraph(wenjian, "某市人民政府关于")
    assert {r.font.size for r in title.runs} == {Pt(22)}
    assert all(_east_asian(r) == "方正小标宋简体" for r in title.runs)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_number_line_carries_the_red_separator_4_mm_below(wenjian):
    number = _paragraph(wenjian, "某政发〔2026〕12号")
    border = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "FF0000"
    assert int(border.get(qn("w:space"))) == round(4 / std.MM_PER_PT)


def test_footers_odd_right_even_left_with_a_page_field(wenjian):
    assert wenjian.settings.odd_and_even_pages_header_footer
    section = wenjian.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for paragraph in (odd, even):
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert {r.font.size for r in paragraph.runs} == {Pt(14)}
    assert odd.paragraph_format.right_indent.mm == pytest.approx(
        std.SIZE_4 * std.MM_PER_PT, abs=0.05
    )


def test_imprint_is_framed_at_the_bottom_with_its_rules(wenjian):
    cc = _paragraph(wenjian, "抄送：")
    assert {r.font.size for r in cc.runs} == {Pt(14)}
    frame = cc._p.pPr.find(qn("w:framePr"))
    assert frame.get(qn("w:vAnchor")) == "margin"
    printed = _paragraph(wenjian, "某市人民政府办公室")
    assert printed.text.endswith("2026年11月27日印发")
    borders = [
        p._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:sz"))
        for p in wenjian.paragraphs
        if p._p.pPr is not None
        and p._p.pPr.find(qn("w:framePr")) is not None
        and p._p.pPr.find(qn("w:pBdr")) is not None
    ]
    assert borders == ["8", "6", "8"]  # 0.35 mm, 0.25 mm, 0.35 mm in eighths of a point


def test_letter_has_no_page_number_on_the_first_page(fonts_dir):
    document = _open(fonts_dir, format="信函", cc=["市委办公室"])
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_footer.paragraphs[0].text == ""
    masthead = _paragraph(document, "某市人民政府")
    assert masthead._p.pPr.find(qn("w:framePr")).get(qn("w:vAnchor")) == "page"
    assert not [p for p in document.paragraphs if "印发" in p.text]


def test_blank_page_before_the_imprint_is_a_section_without_page_numbers(fonts_dir):
    with s.office_fonts(fonts_dir):
        for count in range(1, 80):
            doc = s.document(body=[Block(s.PARAGRAPH)] * count, attachments=[], note="")
            if paginate(doc).blank_pages:
                break
        document = docx.Document(io.BytesIO(render_docx(doc)))
    assert len(document.sections) == 2
    last = document.sections[1]
    assert all(p.text == "" for p in last.footer.paragraphs)
    assert all(p.text == "" for p in last.even_page_footer.paragraphs)


def test_copy_number_and_marks(fonts_dir):
    with s.office_fonts(fonts_dir):
        data = render_docx(s.document(copy_numbers=["000007", "000008"]), copy_number="000008")
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs[:3]]
    assert texts == ["000008", "机密★1年", "特急"]
    assert _east_asian(document.paragraphs[1].runs[0]) == "黑体"


def test_upward_document_tabs_the_signers_right(fonts_dir):
    document = _open(fonts_dir, upward=True, signers=["张三", "李四", "王五"])
    first = _paragraph(document, "\t签发人：")
    assert [r.text for r in first.runs] == ["\t签发人：", "\t张三", "\t李四"]
    assert _east_asian(first.runs[1]) == "楷体_GB2312"
    last = _paragraph(document, "某政发")
    assert last.paragraph_format.left_indent.mm == pytest.approx(std.CELL, abs=0.05)


def test_seal_none_and_signature_stamp_layouts(fonts_dir):
    unsealed = _open(fonts_dir, seal=Seal.NONE)
    name = next(p for p in unsealed.paragraphs if p.text == "某市人民政府")
    date = next(p for p in unsealed.paragraphs if p.text == "2026年11月26日")
    left = name.paragraph_format.left_indent.mm
    assert date.paragraph_format.left_indent.mm - left == pytest.approx(2 * std.CELL, abs=0.05)
    order = _open(fonts_dir, format="命令", order_number="第1号", signer_titles=["市长"])
    title = next(p for p in order.paragraphs if p.text == "市长")
    assert title.alignment == WD_ALIGN_PARAGRAPH.RIGHT
