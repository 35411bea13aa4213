"""Line breaking, pagination rules and input checks of the renderer (no PDF involved)."""

import datetime
from types import SimpleNamespace

import pytest

from tests.documents import render_samples as s
from zhongshu.documents.render import Attachment, Block, Document, RenderError, fonts, paginate
from zhongshu.documents.render import standard as std
from zhongshu.documents.render.layout import BODY_SPACING, Text
from zhongshu.documents.render.typeset import NO_START, break_lines


@pytest.fixture(scope="module")
def faces(tmp_path_factory):
    with s.free_fonts(tmp_path_factory.mktemp("fonts")):
        yield fonts.resolve_all()


def _break(faces, text, **kwargs):
    options = {"size": std.SIZE_3, "spacing": BODY_SPACING, "width": std.TYPE_WIDTH}
    options.update(kwargs)
    return break_lines([(text, "fangsong")], faces, **options)


def test_28_ideographs_fill_a_line_exactly(faces):
    lines = _break(faces, "国" * 56)
    assert [len(line.text) for line in lines] == [28, 28]
    assert lines[0].width == pytest.approx(std.TYPE_WIDTH, abs=0.001)


def test_a_closing_mark_never_starts_a_line_it_hangs_instead(faces):
    lines = _break(faces, "国" * 28 + "，" + "国" * 5)
    assert lines[0].text == "国" * 28 + "，"  # 允许标点溢出边界: the comma hangs
    assert lines[1].text == "国" * 5
    # A closing quote cannot hang: the character before it goes down with it.
    lines = _break(faces, "国" * 27 + "“国”" + "国" * 3)
    assert lines[1].text[0] not in NO_START
    assert lines[0].text == "国" * 27
    assert lines[1].text.startswith("“国”")


def test_an_opening_mark_never_ends_a_line(faces):
    lines = _break(faces, "国" * 27 + "（国）")
    assert not lines[0].text.endswith("（")
    assert lines[1].text.startswith("（")
    # The short line is justified to the full measure.
    assert lines[0].width == pytest.approx(std.TYPE_WIDTH, abs=0.01)


def test_latin_words_and_numbers_stay_whole_and_slack_goes_between_characters(faces):
    lines = _break(faces, "国" * 22 + "GB/T 9704-2012" + "国" * 10)
    texts = [line.text for line in lines]
    assert any("GB/T" in t for t in texts) and any("9704-2012" in t for t in texts)
    first = lines[0]
    assert first.width == pytest.approx(std.TYPE_WIDTH, abs=0.01)  # justified
    # The slack goes between ideographs, not inside the Latin run.
    latin = [span for span in first.spans if span.text.strip("国")]
    assert all(span.spacing == pytest.approx(BODY_SPACING) for span in latin[:-1])


def test_first_line_indent_and_hanging_indent(faces):
    lines = _break(faces, "国" * 60, first_indent=2 * std.CELL, indent=5 * std.CELL)
    assert len(lines[0].text) == 26 and lines[0].indent == pytest.approx(2 * std.CELL)
    assert len(lines[1].text) == 23 and lines[1].indent == pytest.approx(5 * std.CELL)


def test_chinese_words_of_the_standard():
    assert [std.heading_number(n, 3) for n in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    assert std.chinese_numeral(10) == "十"
    assert std.chinese_numeral(21) == "二十一"
    assert std.chinese_numeral(15) == "十五"
    assert std.chinese_date(datetime.date(2026, 7, 1)) == "2026年7月1日"
    assert std.classification_mark("机密", "1年") == "机密★1年"
    assert std.classification_mark("秘密", "") == "秘密"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"format": "公告"}, "format"),
        ({"copy_numbers": ["12"]}, "copy_numbers"),
        ({"copy_numbers": ["000001", "000001"]}, "copy_numbers"),
        ({"classification": "内部"}, "classification"),
        ({"classification": "机密", "secrecy_period": "一年"}, "secrecy_period"),
        ({"secrecy_period": "1年"}, "secrecy_period"),
        ({"urgency": "急"}, "urgency"),
        ({"issuers": []}, "issuers"),
        ({"signers": ["张三"]}, "signers"),
        ({"body": [SimpleNamespace(text="x", level=5)]}, "body"),
        ({"signer_titles": ["市长"]}, "signer_titles"),
    ],
)
def test_bad_input_names_its_field(fields, field):
    values = {"issuers": ["某市人民政府"], **fields}
    with pytest.raises(RenderError) as raised:
        Document(**values)
    assert raised.value.field == field


def test_lists_become_tuples_and_strings_become_blocks():
    doc = Document(
        issuers=["某局"], body=["第一段\n第二段", Block("一、要求", 1)], attachments=["表"]
    )
    assert doc.issuers == ("某局",)
    assert [b.text for b in doc.body] == ["第一段", "第二段", "一、要求"]
    assert doc.attachments == (Attachment("表"),)
    assert doc.date_text == ""
    assert Document(issuers=["某局"], date="2026年11月26日").date_text == "2026年11月26日"


def test_the_signature_never_stands_alone_on_a_page(faces, tmp_path):
    # Whatever the length of the body, the page of the signature also has body text.
    with s.free_fonts(tmp_path):
        for count in range(1, 40):
            doc = s.document(body=[Block(s.PARAGRAPH)] * count, attachments=[], note="")
            pages = paginate(doc).pages
            page = next(p for p in pages if any(_text(i) == "某市人民政府" for i in p.items))
            texts = [_text(i) for i in page.items if isinstance(i, Text)]
            assert any(s.PARAGRAPH[-10:] in t or t in s.PARAGRAPH for t in texts if len(t) > 4)


def _text(item) -> str:
    return item.text if isinstance(item, Text) else ""


def test_imprint_goes_on_an_even_page(faces, tmp_path):
    with s.free_fonts(tmp_path):
        for count in range(1, 30):
            pages = paginate(s.document(body=[Block(s.PARAGRAPH)] * count, attachments=[]))
            assert pages.imprint_page % 2 == 0
            assert pages.imprint_page == len(pages.pages)
