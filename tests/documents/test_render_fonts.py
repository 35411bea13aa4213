"""Fonts: the office's own faces win, the free ones fill in, the grid holds whatever the face."""

import shutil

import pytest
from django.test import override_settings

from tests.documents import render_samples as s
from zhongshu.documents.render import Block, FontsMissing, fonts, render_pdf
from zhongshu.documents.render import standard as std

# A face with other metrics than Noto Serif CJK (ascent 0.928 em against 1.151): standing in for
# an office's licensed 仿宋_GB2312 dropped into the fonts folder.
WENKAI = "LXGW WenKai"


@pytest.fixture
def licensed_dir(tmp_path):
    source = fonts.resolve("kaiti").path
    shutil.copy(source, tmp_path / "office-fangsong.ttf")
    lists = {"fangsong": [WENKAI, "Noto Serif CJK SC"]}
    with override_settings(DOCUMENT_FONTS_DIR=tmp_path, DOCUMENT_FONTS=lists):
        yield tmp_path


def test_a_font_in_the_fonts_folder_wins(licensed_dir):
    face = fonts.resolve("fangsong")
    assert face.licensed
    assert face.path == str(licensed_dir / "office-fangsong.ttf")
    assert face.family == "zhongshu-fangsong"  # declared with @font-face from the file
    assert face.metrics.ascent == pytest.approx(0.928, abs=0.001)


def test_the_grid_holds_with_another_face(licensed_dir):
    doc = s.document(body=[Block(s.FULL_LINE * 40)], attachments=[], note="")
    pages = s.read(render_pdf(doc))
    lines = s.body_lines(pages[1])
    assert lines[0].fontname.endswith("zhongshu-fangsong")  # the file from the folder
    assert len(lines) == 22
    first = std.TOP_MARGIN + (std.LINE - std.SIZE_3 / s.PT) / 2
    for n, line in enumerate(lines):
        assert line.em_top == pytest.approx(first + n * std.LINE, abs=0.05)
        assert len(line.chars) == 28
        for k, char in enumerate(line.chars):
            assert char["x0"] / s.PT == pytest.approx(std.LEFT_MARGIN + k * std.CELL, abs=0.05)


def test_unknown_names_fall_back_to_the_free_face(tmp_path):
    with override_settings(DOCUMENT_FONTS_DIR=tmp_path, DOCUMENT_FONTS={"heiti": ["不存在的黑体"]}):
        face = fonts.resolve("heiti")
    assert face.name == "Noto Sans CJK SC" and not face.licensed


def test_no_font_at_all_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "_installed", lambda: ())
    with override_settings(DOCUMENT_FONTS_DIR=tmp_path), pytest.raises(FontsMissing) as raised:
        fonts.resolve("fangsong")
    assert "fonts-noto-cjk" in str(raised.value)
