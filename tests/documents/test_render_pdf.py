"""GB/T 9704-2012 geometry of the rendered PDF, measured with pdfplumber (gongwen.md §2).

Positions are millimetres from the page's top-left corner. A character's top is the top of its
em box (the 上边缘 the standard measures), from its baseline and the face's ideographic ascent.
"""

import pytest

from tests.documents import render_samples as s
from zhongshu.documents.render import Attachment, Block, Seal, paginate, render_pdf
from zhongshu.documents.render import standard as std

TOP, LEFT = std.TOP_MARGIN, std.LEFT_MARGIN
RIGHT = LEFT + std.TYPE_WIDTH  # 184 mm
BOTTOM = TOP + std.TYPE_HEIGHT  # 262 mm
L, CELL = std.LINE, std.CELL
S3, S4 = std.SIZE_3 / s.PT, std.SIZE_4 / s.PT
FIRST_EM_TOP = TOP + (L - S3) / 2  # a 3号 character centred in the first line


@pytest.fixture(scope="module")
def fonts_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fonts")


def _render(fonts_dir, **overrides):
    with s.free_fonts(fonts_dir):
        doc = s.document(**overrides)
        return s.read(render_pdf(doc)), paginate(doc)


@pytest.fixture(scope="module")
def wenjian(fonts_dir):
    return _render(fonts_dir)[0]


@pytest.fixture(scope="module")
def xinhan(fonts_dir):
    return _render(
        fonts_dir, format="信函", classification="", secrecy_period="", cc=["市委办公室"]
    )[0]


@pytest.fixture(scope="module")
def jiyao(fonts_dir):
    return _render(
        fonts_dir,
        format="纪要",
        issuers=["某市人民政府常务会议"],
        attachments=[],
        signatures=[],
        date=None,
        note="",
        present=["张三", "李四", "王五"],
        absent=["赵六"],
        attending=["钱七"],
    )[0]


@pytest.fixture(scope="module")
def mingling(fonts_dir):
    return _render(
        fonts_dir,
        format="命令",
        classification="",
        secrecy_period="",
        urgency="",
        doc_number="",
        order_number="第12号",
        title="",
        main_recipients=[],
        signer_titles=["市长"],
    )[0]


# --- paper and type area ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wenjian", "xinhan", "jiyao", "mingling"])
def test_every_page_is_a4(name, request):
    pages = request.getfixturevalue(name)
    for page in pages:
        assert page["width"] == pytest.approx(210, abs=0.5)
        assert page["height"] == pytest.approx(297, abs=0.5)


def test_a_full_body_page_has_22_lines_on_the_grid(wenjian):
    lines = s.body_lines(wenjian[1])
    assert len(lines) == 22
    assert lines[0].em_top == pytest.approx(FIRST_EM_TOP, abs=0.2)
    for n, line in enumerate(lines):
        assert line.em_top == pytest.approx(FIRST_EM_TOP + n * L, abs=0.05)
        assert line.size == pytest.approx(16, abs=0.01)
    # The last line's em box ends inside the type area, as far from its bottom as the first
    # line's from its top.
    assert BOTTOM - lines[-1].em_bottom == pytest.approx(lines[0].em_top - TOP, abs=0.05)


def test_a_full_line_holds_28_characters_on_28_cells(wenjian):
    lines = [ln for pg in wenjian for ln in s.body_lines(pg)]
    full = [
        ln for ln in lines if ln.x0 == pytest.approx(LEFT, abs=0.1) and ln.text in s.FULL_LINE * 3
    ]
    assert full, "the sample has full lines of ideographs"
    line = full[0]
    assert len(line.chars) == 28
    for n, char in enumerate(line.chars):
        assert char["x0"] / s.PT == pytest.approx(LEFT + n * CELL, abs=0.05)
    # 28 cells are the 156 mm of the type area (the last glyph overhangs by the spacing).
    assert line.x1 == pytest.approx(RIGHT, abs=0.2)


def test_a_paragraph_starts_two_characters_in_and_wraps_to_the_edge(wenjian):
    first = s.find(wenjian[0], s.PARAGRAPH[:10])
    assert first.x0 == pytest.approx(LEFT + 2 * CELL, abs=0.1)
    assert first.x1 == pytest.approx(RIGHT, abs=0.2)  # justified
    lines = wenjian[0]["lines"]
    following = lines[lines.index(first) + 1]
    assert following.x0 == pytest.approx(LEFT, abs=0.1)


def test_no_line_starts_with_a_closing_mark(wenjian):
    for page in wenjian:
        for line in s.body_lines(page):
            assert line.text[0] not in "，。、；：？！）》”"


def test_headings_take_the_faces_of_their_level(wenjian):
    pages = [ln for pg in wenjian for ln in pg["lines"]]
    level1 = next(ln for ln in pages if ln.text.startswith("一、总体要求"))
    assert "Sans" in level1.fontname  # 黑体 (Noto Sans CJK SC)
    level2 = next(ln for ln in pages if ln.text.startswith("（一）加强组织领导"))
    assert "WenKai" in level2.fontname  # 楷体 (LXGW WenKai)
    assert "Serif" in level2.chars[len("（一）加强组织领导。")]["fontname"]  # then 仿宋
    level3 = next(ln for ln in pages if ln.text.startswith("1.明确工作责任"))
    assert "Serif" in level3.fontname
    # One baseline whatever the face: the run-in text sits on the heading's line.
    assert len({round(c["baseline"], 2) for c in level2.chars}) == 1


# --- 版头 ------------------------------------------------------------------------------------


def test_marks_are_top_left_in_order_in_heiti(wenjian):
    lines = wenjian[0]["lines"]
    assert lines[0].text == "机密★1年"
    assert lines[1].text == "特急"
    for n, line in enumerate(lines[:2]):
        assert line.x0 == pytest.approx(LEFT, abs=0.1)
        assert line.em_top == pytest.approx(FIRST_EM_TOP + n * L, abs=0.1)
        assert "Sans" in line.fontname


def _masthead(page):
    red = [ln for ln in page["lines"] if ln.color == s.RED]
    assert red, "a red 发文机关标志"
    return red


def test_masthead_is_red_xiaobiaosong_35_mm_below_the_type_area(wenjian):
    (mast,) = _masthead(wenjian[0])
    assert mast.text == "某市人民政府文件"
    assert mast.em_top == pytest.approx(TOP + 35, abs=0.3)
    assert (mast.x0 + mast.x1) / 2 == pytest.approx(LEFT + std.TYPE_WIDTH / 2, abs=0.5)


def test_number_is_two_lines_below_the_masthead_and_the_red_rule_4_mm_below_it(wenjian):
    (mast,) = _masthead(wenjian[0])
    number = s.find(wenjian[0], "某政发〔2026〕12号")
    assert number.em_top == pytest.approx(mast.em_bottom + 2 * L + (L - S3) / 2, abs=0.1)
    assert (number.x0 + number.x1) / 2 == pytest.approx(LEFT + 78, abs=0.5)
    (rule,) = [r for r in wenjian[0]["rects"] if r["color"] == s.RED]
    assert rule["width"] == pytest.approx(156, abs=0.1)
    assert rule["x0"] == pytest.approx(LEFT, abs=0.1)
    assert (rule["top"] + rule["bottom"]) / 2 - number.em_bottom == pytest.approx(4, abs=0.2)


def test_title_is_2hao_two_lines_below_the_rule_and_recipients_one_line_below(wenjian):
    (rule,) = [r for r in wenjian[0]["rects"] if r["color"] == s.RED]
    titles = [ln for ln in wenjian[0]["lines"] if ln.size == pytest.approx(22, abs=0.01)]
    assert "".join(t.text for t in titles) == s.document().title
    centre = (rule["top"] + rule["bottom"]) / 2
    assert titles[0].em_top == pytest.approx(centre + 2 * L + (L - 22 / s.PT) / 2, abs=0.2)
    for title in titles:
        assert (title.x0 + title.x1) / 2 == pytest.approx(LEFT + 78, abs=0.5)
    recipients = s.find(wenjian[0], "各区人民政府")
    assert recipients.text.endswith("：")
    assert recipients.x0 == pytest.approx(LEFT, abs=0.1)
    assert recipients.em_middle - titles[-1].em_middle == pytest.approx(2 * L, abs=0.05)


def test_upward_document_puts_the_number_left_and_the_signers_right(fonts_dir):
    pages, _ = _render(fonts_dir, upward=True, signers=["张三", "李四", "王五"])
    number = s.find(pages[0], "某政发")
    assert number.x0 == pytest.approx(LEFT + CELL, abs=0.1)
    label = s.find(pages[0], "签发人")
    first_names = [c for c in label.chars if c["text"] in "张三李四"]
    assert first_names and all("WenKai" in c["fontname"] for c in first_names)  # 楷体
    # Two names a line; the number on the line of the last name, aligned under the first.
    last = [c for c in number.chars if c["text"] in "王五"]
    assert last[0]["x0"] == pytest.approx(first_names[0]["x0"], abs=0.1)
    assert label.chars[-1]["x1"] / s.PT <= RIGHT - CELL + 0.1
    assert number.baseline - label.baseline == pytest.approx(L, abs=0.05)


def test_joint_masthead_stacks_the_organs_with_wenjian_on_the_right(fonts_dir):
    pages, _ = _render(
        fonts_dir, issuers=["某市人民政府", "某市财政局"], signatures=["某市人民政府", "某市财政局"]
    )
    red = _masthead(pages[0])
    texts = [ln.text for ln in red]
    assert texts[0].startswith("某市人民政府") or "文件" in texts[0]
    organs = [c for ln in red for c in ln.chars if c["text"] not in "文件"]
    suffix = [c for ln in red for c in ln.chars if c["text"] in "文件"]
    assert min(c["em_top"] for c in organs) == pytest.approx(TOP + 35, abs=0.3)
    # Both organs spread to the same width; 文件 to their right, centred on the stack.
    first, second = red[0].chars, red[-1].chars
    organ_rows = [[c for c in row if c["text"] not in "文件"] for row in (first, second)]
    assert organ_rows[0][0]["x0"] == pytest.approx(organ_rows[1][0]["x0"], abs=0.1)
    assert organ_rows[0][-1]["x1"] == pytest.approx(organ_rows[1][-1]["x1"], abs=0.5)
    stack_middle = (min(c["em_top"] for c in organs) + max(c["em_top"] for c in organs)) / 2
    assert suffix[0]["em_top"] == pytest.approx(stack_middle, abs=0.3)
    assert suffix[0]["x0"] > organ_rows[0][-1]["x1"]


def test_letter_masthead_30_mm_from_the_page_top_with_170_mm_double_lines(xinhan):
    first = xinhan[0]
    (mast,) = _masthead(first)
    assert mast.text == "某市人民政府"
    assert mast.em_top == pytest.approx(30, abs=0.3)
    red = sorted((r for r in first["rects"] if r["color"] == s.RED), key=lambda r: r["top"])
    assert len(red) == 4
    for rule in red:
        assert rule["width"] == pytest.approx(170, abs=0.1)
        assert rule["x0"] + 85 == pytest.approx(LEFT + 78, abs=0.1)  # centred on the type area
    upper_thick, upper_thin, lower_thin, lower_thick = red
    assert upper_thick["top"] == pytest.approx(mast.em_bottom + 4, abs=0.2)
    assert upper_thick["height"] > upper_thin["height"]  # thick over thin
    assert lower_thick["bottom"] == pytest.approx(297 - 20, abs=0.2)
    assert lower_thick["height"] > lower_thin["height"]  # thin over thick
    number = s.find(first, "某政发")
    assert number.x1 == pytest.approx(RIGHT, abs=0.2)  # 发文字号 flush right
    assert number.em_top - upper_thin["bottom"] == pytest.approx(S3 * 7 / 8, abs=0.2)


def test_letter_has_no_page_number_on_its_first_page_and_no_imprint_rules(xinhan):
    assert s.folio(xinhan[0]) is None
    assert s.folio(xinhan[1]).text == "— 2 —"
    last = xinhan[-1]
    assert s.find(last, "抄送：市委办公室。")
    assert not [r for r in last["rects"] if r["color"] != s.RED]
    assert not [ln for pg in xinhan for ln in pg["lines"] if "印发" in ln.text]


def test_minutes_masthead_attendance_and_no_seal(jiyao):
    (mast,) = _masthead(jiyao[0])
    assert mast.text == "某市人民政府常务会议纪要"
    assert mast.em_top == pytest.approx(TOP + 35, abs=0.3)
    lines = [ln for pg in jiyao for ln in pg["lines"]]
    present = next(ln for ln in lines if ln.text.startswith("出席："))
    absent = next(ln for ln in lines if ln.text.startswith("请假："))
    attending = next(ln for ln in lines if ln.text.startswith("列席："))
    assert present.text == "出席：张三、李四、王五"
    assert "Sans" in present.fontname  # 黑体
    assert "Serif" in present.chars[3]["fontname"]  # 仿宋
    assert present.x0 == pytest.approx(LEFT + 2 * CELL, abs=0.1)
    assert absent.baseline - present.baseline == pytest.approx(L, abs=0.05)
    assert attending.baseline - absent.baseline == pytest.approx(L, abs=0.05)
    assert not [ln for ln in lines if "2026年11月26日" in ln.text and "印发" not in ln.text]


def test_order_masthead_20_mm_below_the_type_area_and_the_order_number_two_lines_below(mingling):
    (mast,) = _masthead(mingling[0])
    assert mast.text == "某市人民政府令"
    assert mast.em_top == pytest.approx(TOP + 20, abs=0.3)
    number = s.find(mingling[0], "第12号")
    assert number.em_top == pytest.approx(mast.em_bottom + 2 * L + (L - S3) / 2, abs=0.1)
    assert (number.x0 + number.x1) / 2 == pytest.approx(LEFT + 78, abs=0.5)
    body = s.find(mingling[0], s.PARAGRAPH[:10])
    assert body.baseline - number.baseline == pytest.approx(3 * L, abs=0.05)
    assert not [r for r in mingling[0]["rects"] if r["color"] == s.RED]


def test_order_signature_stamp_leaves_room_with_the_title_two_characters_left(mingling):
    lines = [ln for pg in mingling for ln in pg["lines"]]
    title = next(ln for ln in lines if ln.text == "市长")
    date = next(ln for ln in lines if ln.text == "2026年11月26日")
    assert date.x1 == pytest.approx(RIGHT - 4 * CELL, abs=0.2)
    assert date.baseline - title.baseline == pytest.approx(2.5 * L, abs=0.05)


# --- signature ----------------------------------------------------------------------------


def test_sealed_signature_centres_the_organ_over_the_date_four_characters_in(wenjian):
    lines = [(n, ln) for n, pg in enumerate(wenjian) for ln in pg["lines"]]
    page, date = next((n, ln) for n, ln in lines if ln.text == "2026年11月26日")
    name = next(ln for n, ln in lines if n == page and ln.text == "某市人民政府")
    assert date.x1 == pytest.approx(RIGHT - 4 * CELL, abs=0.2)
    assert (name.x0 + name.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=0.5)
    assert date.baseline - name.baseline == pytest.approx(L, abs=0.05)
    # Room for the seal: two empty lines between the text above and the name (印章顶端
    # 上距正文一行之内 for a 42 mm seal centred a little above the name and date).
    note = next(ln for n, ln in lines if n == page and ln.text.startswith("附件："))
    above = [ln for n, ln in lines if n == page and ln.baseline < name.baseline]
    assert name.baseline - above[-1].baseline == pytest.approx(3 * L, abs=0.05)
    assert note in above
    # 附注 on the next line, two characters in.
    remark = next(ln for n, ln in lines if n == page and ln.text == "（此件公开发布）")
    assert remark.baseline - date.baseline == pytest.approx(L, abs=0.05)
    assert remark.x0 == pytest.approx(LEFT + 2 * CELL, abs=0.1)


def test_unsealed_signature_two_characters_in_date_two_characters_further(fonts_dir):
    pages, _ = _render(fonts_dir, seal=Seal.NONE, attachments=[])
    lines = [ln for pg in pages for ln in pg["lines"]]
    name = next(ln for ln in lines if ln.text == "某市人民政府")
    date = next(ln for ln in lines if ln.text == "2026年11月26日")
    assert date.x0 - name.x0 == pytest.approx(2 * CELL, abs=0.1)
    # The date is longer than the name: it keeps two characters from the edge.
    assert date.x1 == pytest.approx(RIGHT - 2 * CELL, abs=0.2)


def test_attachment_note_aligns_the_names(wenjian):
    lines = [ln for pg in wenjian for ln in pg["lines"]]
    first = next(ln for ln in lines if ln.text.startswith("附件：1."))
    second = next(ln for ln in lines if ln.text.startswith("2."))
    assert first.x0 == pytest.approx(LEFT + 2 * CELL, abs=0.1)
    assert second.x0 == pytest.approx(first.chars[3]["x0"] / s.PT, abs=0.1)


def test_attachment_starts_a_page_with_its_label_and_title_on_line_3(wenjian):
    page = next(pg for pg in wenjian if pg["lines"][0].text == "附件1")
    label = page["lines"][0]
    assert "Sans" in label.fontname and label.x0 == pytest.approx(LEFT, abs=0.1)
    title = page["lines"][1]
    assert title.text == "某市办公室工作考核细则" and title.size == pytest.approx(22, abs=0.01)
    assert title.em_middle - label.em_middle == pytest.approx(2 * L, abs=0.05)


# --- page numbers and 版记 -----------------------------------------------------------------


def test_page_numbers_7_mm_below_the_type_area_odd_right_even_left(wenjian):
    for number, page in enumerate(wenjian, start=1):
        folio = s.folio(page)
        assert folio.text == f"— {number} —"
        assert folio.size == pytest.approx(14, abs=0.01)
        assert folio.em_top == pytest.approx(BOTTOM + 7, abs=0.2)
        if number % 2:
            assert folio.x1 == pytest.approx(RIGHT - S4, abs=0.3)
        else:
            assert folio.x0 == pytest.approx(LEFT + S4, abs=0.3)


def test_imprint_sits_on_an_even_page_with_its_last_rule_on_the_bottom_edge(wenjian):
    last = wenjian[-1]
    assert len(wenjian) % 2 == 0
    cc = s.find(last, "抄送：")
    assert cc.size == pytest.approx(14, abs=0.01)
    assert cc.x0 == pytest.approx(LEFT + S4, abs=0.1)
    printed = s.find(last, "印发")
    assert printed.x0 == pytest.approx(LEFT + S4, abs=0.1)
    assert printed.x1 == pytest.approx(RIGHT - S4, abs=0.2)
    assert printed.size == pytest.approx(14, abs=0.01)
    rules = sorted((r for r in last["rects"] if r["color"] != s.RED), key=lambda r: r["top"])
    assert [round(r["height"], 2) for r in rules] == [0.35, 0.25, 0.35]
    assert all(r["width"] == pytest.approx(156, abs=0.1) for r in rules)
    assert rules[-1]["bottom"] == pytest.approx(BOTTOM, abs=0.05)
    assert rules[0]["bottom"] < cc.em_top < rules[1]["top"] < printed.em_top
    assert printed.em_bottom < rules[-1]["top"]


def test_a_full_even_page_gets_a_blank_page_and_neither_is_numbered(fonts_dir):
    # Lengthen the body until the 版记 no longer fits on the last (even) page.
    with s.free_fonts(fonts_dir):
        for count in range(1, 80):
            doc = s.document(body=[Block(s.PARAGRAPH)] * count, attachments=[], note="")
            pages = paginate(doc)
            if pages.blank_pages:
                break
        else:
            pytest.fail("no length puts the 版记 after a blank page")
        rendered = s.read(render_pdf(doc))
    blank, imprint = pages.blank_pages[0], pages.imprint_page
    assert imprint == blank + 1 and imprint % 2 == 0
    assert rendered[blank - 1]["lines"] == [] and rendered[blank - 1]["rects"] == []
    assert s.folio(rendered[imprint - 1]) is None
    assert s.folio(rendered[blank - 2]) is not None


def test_each_copy_number_prints_its_own_copy(fonts_dir):
    single, _ = _render(fonts_dir)
    copies, _ = _render(fonts_dir, copy_numbers=["000001", "000002"])
    assert len(copies) == 2 * len(single)
    for n, number in enumerate(["000001", "000002"]):
        first = copies[n * len(single)]
        mark = first["lines"][0]
        assert mark.text == number
        assert mark.x0 == pytest.approx(LEFT, abs=0.1)
        assert mark.em_top == pytest.approx(FIRST_EM_TOP, abs=0.1)
        assert first["lines"][1].text == "机密★1年"
        assert s.folio(first).text == "— 1 —"  # numbering restarts with each copy
    assert all(
        not any(ln.text in ("000001", "000002") for ln in pg["lines"])
        for n, pg in enumerate(copies)
        if n % len(single)
    )


def test_single_attachment_note_reads_fujian_colon_name(fonts_dir):
    pages, _ = _render(fonts_dir, attachments=[Attachment("任务分解表")])
    lines = [ln.text for pg in pages for ln in pg["lines"]]
    assert "附件：任务分解表" in lines
