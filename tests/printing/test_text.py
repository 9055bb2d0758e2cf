"""Chinese text fits where it is put: wrapped, shrunk or cut, never overflowing."""

from __future__ import annotations

import itertools

import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import render_pdf
from printing.pages import A4
from printing.text import (
    draw_block,
    draw_fitted,
    draw_lines,
    fit_font_size,
    string_width,
    truncate,
    wrap,
)

NOTICE = (
    "醴陵市图书馆白兔潭镇汆溪分馆开放时间为每周二至周日上午九时至下午五时，"
    "逢法定节假日另行通知。借阅图书请携带读者证，每证可借图书五册，借期三十天，"
    "可续借一次。逾期未还者按日收取滞纳金，图书损坏或遗失须按价赔偿。"
)


@pytest.mark.parametrize("width", [20 * mm, 35 * mm, 48.5 * mm, 72 * mm, 174 * mm])
@pytest.mark.parametrize("size", [7, 9, 12])
def test_wrapped_chinese_never_exceeds_the_width(width: float, size: float) -> None:
    lines = wrap(NOTICE, width, size)
    assert all(string_width(line, size) <= width for line in lines)
    # Nothing lost or added: Chinese has no spaces to drop.
    assert "".join(lines) == NOTICE
    # Lines are filled: at most a character and its punctuation are carried over.
    assert all(string_width(line, size) > width - 2 * size for line in lines[:-1])


def test_closing_punctuation_never_starts_a_line() -> None:
    size = 10
    for characters in range(2, 30):
        width = string_width("图" * characters, size)
        for line in wrap(NOTICE, width, size):
            assert line[0] not in "，。、；：？！）」》”"


def test_opening_punctuation_never_ends_a_line() -> None:
    text = "请在打印对话框中选择“实际大小”，不要选择“适合页面大小”。"
    size = 10
    for characters in range(3, 20):
        for line in wrap(text, string_width("图" * characters, size), size):
            assert line[-1] != "“"


def test_latin_words_and_numbers_stay_whole() -> None:
    text = "馆藏条码 ILS-0001234 请扫描 Code 128 barcode to check out"
    size = 10
    width = string_width("馆藏条码 ILS-000", size)
    lines = wrap(text, width, size)
    assert all(string_width(line, size) <= width for line in lines)
    words = " ".join(lines).split()
    assert "ILS-0001234" in words and "barcode" in words
    assert all(line == line.strip() for line in lines)


def test_word_wider_than_the_line_is_broken_to_fit() -> None:
    size = 10
    width = string_width("ILS-000", size)
    lines = wrap("ILS-0001234567", width, size)
    assert "".join(lines) == "ILS-0001234567"
    assert all(string_width(line, size) <= width for line in lines)


def test_newlines_start_lines_and_blank_lines_survive() -> None:
    assert wrap("第一行\n\n第三行", 100 * mm, 10) == ["第一行", "", "第三行"]
    assert wrap("", 100 * mm, 10) == [""]


def test_width_narrower_than_one_character_is_refused() -> None:
    with pytest.raises(ValueError):
        wrap("图书馆", string_width("图", 10) - 1, 10)


def test_truncate_marks_what_was_cut() -> None:
    size = 10
    width = string_width("醴陵市图书馆", size)
    assert truncate("醴陵市图书馆", width, size) == "醴陵市图书馆"
    cut = truncate("醴陵市图书馆白兔潭镇汆溪分馆", width, size)
    assert cut == "醴陵市图书…"
    assert string_width(cut, size) <= width
    assert truncate("醴陵市图书馆", 1, size) == ""


def test_fit_font_size_only_ever_shrinks() -> None:
    assert fit_font_size("醴陵", 100 * mm, 12) == 12
    shrunk = fit_font_size("醴陵市图书馆白兔潭镇汆溪分馆", 30 * mm, 12)
    assert shrunk < 12
    assert string_width("醴陵市图书馆白兔潭镇汆溪分馆", shrunk) == pytest.approx(30 * mm)


def test_fitted_string_is_printed_whole_inside_its_width(pdf_tools) -> None:
    name = "醴陵市图书馆白兔潭镇汆溪分馆"
    left, width = 50 * mm, 40 * mm

    def draw(canvas: Canvas) -> None:
        draw_fitted(canvas, name, left, 200 * mm, width, 14)
        draw_fitted(canvas, "居中", left + width / 2, 180 * mm, width, 14, align="center")
        draw_fitted(canvas, "右对齐", left + width, 160 * mm, width, 14, align="right")

    pdf = render_pdf(A4, "fit", draw)
    words = {word.text: word for word in pdf_tools.words(pdf)}
    assert set(words) == {name, "居中", "右对齐"}
    tolerance = 0.5
    assert words[name].x_min == pytest.approx(left, abs=tolerance)
    assert words[name].x_max == pytest.approx(left + width, abs=tolerance)
    assert (words["居中"].x_min + words["居中"].x_max) / 2 == pytest.approx(left + width / 2, abs=tolerance)
    assert words["右对齐"].x_max == pytest.approx(left + width, abs=tolerance)


def test_lines_run_down_the_page_without_touching(pdf_tools) -> None:
    top, size = 250 * mm, 10
    lines = wrap(NOTICE, 60 * mm, size)
    pdf = render_pdf(A4, "lines", lambda canvas: draw_lines(canvas, lines, 20 * mm, top, 60 * mm, size))
    words = pdf_tools.words(pdf)
    assert [word.text for word in words] == lines
    assert words[0].y_min >= A4[1] - top
    for upper, lower in itertools.pairwise(words):
        assert upper.y_max <= lower.y_min


def test_block_keeps_inside_its_box_and_marks_the_cut(pdf_tools) -> None:
    x, top, width, height = 30 * mm, 200 * mm, 30 * mm, 10 * mm
    pdf = render_pdf(A4, "block", lambda canvas: draw_block(canvas, ["标签校准页", NOTICE], x, top, width, height, 7))
    words = pdf_tools.words(pdf)
    assert words[0].text == "标签校准页"
    assert words[-1].text.endswith("…")
    for word in words:
        assert x <= word.x_min and word.x_max <= x + width
        assert A4[1] - top <= word.y_min and word.y_max <= A4[1] - top + height
