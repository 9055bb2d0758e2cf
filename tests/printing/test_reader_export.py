"""A reader's own data on A4, checked as the reader holding the printout would:
every row there once and in order, however many pages it takes, each page saying
what it is and which page of how many, nothing outside the margins."""

from __future__ import annotations

import re

import pytest
from reportlab.lib.units import mm

from printing.pages import A4
from printing.reader_export import ExportSection, render_reader_export

from .conftest import PdfTools, Word

TITLE = "读者个人信息副本"
SUBTITLE = "读者：张三 · 证号 LL0012345678 · 导出时间 2025-11-25 10:30"
FOOTER = "本文件依据《个人信息保护法》第四十五条应读者本人请求导出 · 导出时间 2025-11-25 10:30 · 醴陵市图书馆"
MARGIN = 18 * mm
TOLERANCE = 0.5
NOTE = (
    "读者于二〇二四年在白兔潭镇汆溪分馆办证，后迁居城区，要求将所属馆改为总馆；"
    "借阅视障读物时由家属陪同，家属联系电话已另行登记。"
)

DETAILS = ExportSection(
    "基本信息",
    (
        ("姓名", "张三"),
        ("证件类型", "居民身份证"),
        ("证件号码", "430281********1234"),
        ("读者类型", "成人"),
        ("所属馆", "总馆"),
        ("备注", NOTE * 3),
    ),
)
CONSENTS = ExportSection(
    "同意记录",
    (("联合目录共享", "2025-01-02 10:00 同意（隐私声明第 3 版，经办：王五）"), ("短信通知", "未同意")),
)


def history(count: int, heading: str = "借阅历史") -> ExportSection:
    return ExportSection(
        heading,
        tuple(
            (f"H{i:03d}", f"《平凡的世界》第{i}册 借出 总馆 归还 白兔潭镇汆溪分馆 R{i:03d}")
            for i in range(1, count + 1)
        ),
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages_of(words: list[Word]) -> dict[int, list[Word]]:
    pages: dict[int, list[Word]] = {}
    for word in words:
        pages.setdefault(word.page, []).append(word)
    return pages


def _in_footer(word: Word) -> bool:
    return word.y_min > A4[1] - MARGIN - 6 * mm


def _reading_order(words: list[Word]) -> list[Word]:
    return sorted(words, key=lambda w: (w.page, round(w.y_min), w.x_min))


def footer_text(words: list[Word]) -> str:
    """The page's words below the body, in reading order, squashed."""
    return "".join(word.text for word in _reading_order([w for w in words if _in_footer(w)]))


def body_text(words: list[Word], leave_out: str) -> str:
    """All pages' words above the footers, in reading order, without ``leave_out``."""
    body = [w for w in words if not _in_footer(w) and w.text != leave_out]
    return "".join(word.text for word in _reading_order(body))


def assert_inside_margins_without_overlap(words: list[Word]) -> None:
    for word in words:
        assert MARGIN - TOLERANCE <= word.x_min and word.x_max <= A4[0] - MARGIN + TOLERANCE, word
        assert MARGIN - TOLERANCE <= word.y_min and word.y_max <= A4[1] - MARGIN + TOLERANCE, word
    by_page = pages_of(words)
    for page_words in by_page.values():
        for i, a in enumerate(page_words):
            for b in page_words[i + 1 :]:
                assert (
                    a.x_max <= b.x_min + TOLERANCE
                    or b.x_max <= a.x_min + TOLERANCE
                    or a.y_max <= b.y_min + TOLERANCE
                    or b.y_max <= a.y_min + TOLERANCE
                ), (a, b)


def test_short_export_is_one_a4_page_with_everything_on_it(pdf_tools: PdfTools) -> None:
    pdf = render_reader_export(TITLE, SUBTITLE, [DETAILS, CONSENTS], FOOTER)
    assert pdf_tools.page_sizes(pdf) == [pytest.approx(A4, abs=0.01)]
    pdf_tools.assert_only_cjk_font(pdf)
    assert pdf_tools.info(pdf)["Title"] == TITLE

    text = _squash(pdf_tools.text(pdf))
    for string in [TITLE, SUBTITLE, DETAILS.heading, CONSENTS.heading]:
        assert _squash(string) in text
    for label, value in DETAILS.rows + CONSENTS.rows:
        assert _squash(label) in text and _squash(value) in text
    words = pdf_tools.words(pdf)
    assert footer_text(words) == _squash(FOOTER) + "1/1"
    assert "（续）" not in text
    assert_inside_margins_without_overlap(words)


def test_long_value_wraps_inside_the_value_column(pdf_tools: PdfTools) -> None:
    # The note is the last row: everything from its label to the footer is the note.
    words = pdf_tools.words(render_reader_export(TITLE, SUBTITLE, [DETAILS], FOOTER))
    label = next(word for word in words if word.text == "备注")
    note = [w for w in words if w.y_min >= label.y_min - TOLERANCE and not _in_footer(w) and w is not label]
    assert len({round(word.y_min) for word in note}) >= 3
    # Every wrapped line starts in the value column, right of the labels.
    assert min(word.x_min for word in note) > label.x_max + 3 * mm
    assert "".join(word.text for word in _reading_order(note)) == NOTE * 3
    assert_inside_margins_without_overlap(words)


def test_three_hundred_rows_flow_over_pages_with_headings_footer_and_page_numbers(
    pdf_tools: PdfTools,
) -> None:
    loans = history(300)
    pdf = render_reader_export(TITLE, SUBTITLE, [DETAILS, loans, CONSENTS], FOOTER)
    count = int(pdf_tools.info(pdf)["Pages"])
    assert count >= 5
    assert pdf_tools.page_sizes(pdf) == [pytest.approx(A4, abs=0.01)] * count
    pdf_tools.assert_only_cjk_font(pdf)

    words = pdf_tools.words(pdf)
    by_page = pages_of(words)
    assert sorted(by_page) == list(range(1, count + 1))
    for page, page_words in by_page.items():
        assert footer_text(page_words) == f"{_squash(FOOTER)}{page}/{count}"
        texts = [word.text for word in page_words]
        if page == 1:
            assert "借阅历史" in texts and "借阅历史（续）" not in texts
        elif page < count:
            # A middle page is all history, and says so at its top.
            top = min(page_words, key=lambda w: w.y_min)
            assert top.text == "借阅历史（续）"

    # Every row once, in order, each value beside its own label.
    text = _squash(pdf_tools.text(pdf))
    found = re.findall(r"H(\d{3})《平凡的世界》第(\d+)册借出总馆归还白兔潭镇汆溪分馆R(\d{3})", text)
    rows = [tuple(int(part) for part in row) for row in found]
    assert rows == [(i, i, i) for i in range(1, 301)]
    assert text.index("同意记录") > text.index("R300")
    assert_inside_margins_without_overlap(words)


def test_continuation_word_is_the_callers(pdf_tools: PdfTools) -> None:
    pdf = render_reader_export(
        "Your data",
        "Reader: Zhang San",
        [history(120, "Loan history")],
        "Exported at your request",
        continued=" (continued)",
    )
    text = pdf_tools.text(pdf)
    assert int(pdf_tools.info(pdf)["Pages"]) >= 2
    assert "Loan history (continued)" in text
    assert "（续）" not in text


@pytest.mark.parametrize("before", range(28, 46))
def test_a_heading_never_ends_a_page_alone(pdf_tools: PdfTools, before: int) -> None:
    # However many rows come first, the next section's heading lands on
    # the same page as its first row.
    consents = ExportSection("同意记录", (("短信通知", "未同意"),))
    pdf = render_reader_export(TITLE, SUBTITLE, [history(before), consents], FOOTER)
    words = pdf_tools.words(pdf)
    heading = next(word for word in words if word.text == "同意记录")
    row = next(word for word in words if word.text == "短信通知")
    assert heading.page == row.page
    assert row.y_min > heading.y_max - TOLERANCE


def test_a_value_longer_than_a_page_is_split_across_pages(pdf_tools: PdfTools) -> None:
    long_value = "".join(f"第{i:03d}条说明，" for i in range(700))
    section = ExportSection("备注", (("补充", long_value), ("之后", "最后一行")))
    pdf = render_reader_export("", "", [section], FOOTER)
    count = int(pdf_tools.info(pdf)["Pages"])
    assert count >= 2
    words = pdf_tools.words(pdf)
    continued = [w.page for w in words if w.text == "备注（续）"]
    assert continued == list(range(2, count + 1))
    # Nothing lost or repeated at the page breaks.
    assert body_text(words, leave_out="备注（续）") == "备注补充" + long_value + "之后最后一行"
    assert_inside_margins_without_overlap(words)
