"""The printer test pages, checked as a librarian holding the printout would."""

from __future__ import annotations

import itertools
import re
from collections import Counter

import pytest
from PIL import Image
from reportlab.lib.units import mm

from printing import testpage
from printing.pages import A4, CR80, LABEL_SHEETS, RECEIPT_END_MARGIN, LabelSheet

MARGIN = 18 * mm
DETAILS = [
    ("打印机", "HP LaserJet Pro M404dn"),
    ("纸张", "A4（210 × 297 毫米）"),
    ("程序版本", "ils 0.1.0"),
    (
        "说明",
        "若下方条码与二维码都能扫描，且尺子上 170 毫米量出来也正好是 170 毫米，"
        "则打印机设置正确。请勿选择“适合页面大小”。",
    ),
]


def sample_page(details: list[tuple[str, str]] = DETAILS) -> testpage.TestPage:
    return testpage.TestPage(
        title="打印测试页",
        library_name="醴陵市图书馆",
        branch_name="白兔潭镇汆溪分馆",
        node_name="节点：汆溪分馆前台",
        printed_at="打印时间：2025-11-25 10:30",
        details=details,
        barcode_value="ILS-0001234",
        barcode_caption="扫描枪应读出 ILS-0001234",
        qr_value="https://opac.example.cn/item/ILS-0001234",
        qr_caption="手机扫描应打开馆藏页面",
        ruler_caption="每格 10 毫米，请用直尺量一量。",
    )


def _squash(text: str) -> str:
    """Text without the spaces and line breaks layout puts in."""
    return re.sub(r"\s+", "", text)


def _overlapping(words) -> list[tuple[str, str]]:
    tolerance = 0.3
    clashes = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if a.page == b.page and not (
                a.x_max <= b.x_min + tolerance
                or b.x_max <= a.x_min + tolerance
                or a.y_max <= b.y_min + tolerance
                or b.y_max <= a.y_min + tolerance
            ):
                clashes.append((a.text, b.text))
    return clashes


# --- A4 test page -----------------------------------------------------------


def test_test_page_is_one_a4_page_in_the_embedded_chinese_font(pdf_tools) -> None:
    pdf = testpage.render_test_page(sample_page())
    assert pdf_tools.page_sizes(pdf) == [pytest.approx(A4, abs=0.01)]
    pdf_tools.assert_only_cjk_font(pdf)
    assert pdf_tools.info(pdf)["Title"] == "打印测试页"


def test_test_page_shows_every_text_it_was_given(pdf_tools) -> None:
    page = sample_page()
    text = _squash(pdf_tools.text(testpage.render_test_page(page)))
    expected = [
        page.title,
        page.library_name,
        page.branch_name,
        page.node_name,
        page.printed_at,
        page.barcode_caption,
        page.qr_caption,
        page.ruler_caption,
        page.barcode_value,
    ]
    expected += [part for pair in DETAILS for part in pair]
    for string in expected:
        assert _squash(string) in text
    assert "醴陵市图书馆" in text and "白兔潭镇汆溪分馆" in text


def test_test_page_codes_scan(pdf_tools) -> None:
    pdf = testpage.render_test_page(sample_page())
    assert Counter(pdf_tools.decode(pdf)) == Counter(["ILS-0001234", "https://opac.example.cn/item/ILS-0001234"])


def test_test_page_text_stays_in_the_margins_without_overlap(pdf_tools) -> None:
    words = pdf_tools.words(testpage.render_test_page(sample_page()))
    tolerance = 0.5
    for word in words:
        assert MARGIN - tolerance <= word.x_min and word.x_max <= A4[0] - MARGIN + tolerance, word
        assert MARGIN - tolerance <= word.y_min and word.y_max <= A4[1] - MARGIN + tolerance, word
    assert _overlapping(words) == []


def test_test_page_ruler_is_printed_at_actual_size(pdf_tools) -> None:
    pdf = testpage.render_test_page(sample_page())
    words = [word.text for word in pdf_tools.words(pdf)]
    assert [str(n) for n in range(0, 171, 10)] == [w for w in words if w.isdigit()][-18:]

    image = Image.open(pdf_tools.render(pdf)[0]).convert("L")
    pixels = image.load()
    scale = image.height / A4[1]
    # A row through the middle of the grid's lower squares, 5 mm above its foot.
    row = round((A4[1] - MARGIN - 5 * mm) * scale)
    dark = [pixels[col, row] < 128 for col in range(image.width)]
    lines = []
    for col in range(1, image.width):
        if dark[col] and not dark[col - 1]:
            lines.append(col)
    assert len(lines) == 18  # 17 squares of 10 mm
    ten_mm = 10 * mm * scale
    assert all(b - a == pytest.approx(ten_mm, abs=1.5) for a, b in itertools.pairwise(lines))
    assert lines[-1] - lines[0] == pytest.approx(17 * ten_mm, abs=1.5)


def test_test_page_refuses_more_details_than_fit() -> None:
    too_many = [(f"项目{n}", "值") for n in range(60)]
    with pytest.raises(ValueError, match="do not fit"):
        testpage.render_test_page(sample_page(too_many))


def test_test_page_details_may_be_given_as_a_list_and_are_frozen() -> None:
    page = sample_page(list(DETAILS))
    assert page.details == tuple(DETAILS)


# --- label calibration ------------------------------------------------------

TITLE = "标签校准页"
CAPTION = "将本页叠在标签纸上对着光看：每个框线应落在对应标签的边缘。编号为“行-列”。"


@pytest.mark.parametrize("sheet", LABEL_SHEETS.values(), ids=list(LABEL_SHEETS))
def test_calibration_numbers_every_label_inside_its_outline(pdf_tools, sheet: LabelSheet) -> None:
    pdf = testpage.render_label_calibration(sheet, TITLE, CAPTION)
    assert pdf_tools.page_sizes(pdf) == [pytest.approx(sheet.page_size, abs=0.01)]
    pdf_tools.assert_only_cjk_font(pdf)

    words = pdf_tools.words(pdf)
    numbers = [word for word in words if re.fullmatch(r"\d+-\d+", word.text)]
    assert len(numbers) == sheet.count
    assert {word.text for word in numbers} == {
        f"{row}-{column}" for row in range(1, sheet.rows + 1) for column in range(1, sheet.columns + 1)
    }
    page_height = sheet.page_size[1]
    by_text = {word.text: word for word in numbers}
    for label in sheet.labels():
        word = by_text[f"{label.row + 1}-{label.column + 1}"]
        assert label.x < word.x_min and word.x_max < label.x + label.width
        assert page_height - label.y - label.height < word.y_min
        assert word.y_max < page_height - label.y

    text = _squash(pdf_tools.text(pdf))
    assert TITLE in text and _squash(CAPTION) in text
    assert _overlapping(words) == []


@pytest.mark.parametrize("sheet", LABEL_SHEETS.values(), ids=list(LABEL_SHEETS))
def test_calibration_outlines_every_label_within_the_page(pdf_tools, sheet: LabelSheet) -> None:
    pdf = testpage.render_label_calibration(sheet, TITLE, CAPTION)
    image = Image.open(pdf_tools.render(pdf)[0]).convert("L")
    pixels = image.load()
    scale = image.height / sheet.page_size[1]

    def dark_near(x: float, y: float) -> bool:
        col, row = round(x * scale), round((sheet.page_size[1] - y) * scale)
        return any(
            pixels[c, r] < 160
            for c in range(max(col - 2, 0), min(col + 3, image.width))
            for r in range(max(row - 2, 0), min(row + 3, image.height))
        )

    for label in sheet.labels():
        middle_x, middle_y = label.x + label.width / 2, label.y + label.height / 2
        assert dark_near(middle_x, label.y + label.height), label  # top edge
        assert dark_near(middle_x, label.y), label  # bottom edge
        assert dark_near(label.x, middle_y), label  # left edge
        assert dark_near(label.x + label.width, middle_y), label  # right edge


def test_card_calibration_is_a_cr80_page(pdf_tools) -> None:
    pdf = testpage.render_label_calibration(LABEL_SHEETS["cr80-card"], TITLE, CAPTION)
    assert pdf_tools.page_sizes(pdf) == [pytest.approx(CR80, abs=0.01)]


# --- receipt roll -----------------------------------------------------------

RECEIPT_LINES = [
    "醴陵市图书馆 白兔潭镇汆溪分馆",
    "这是一张小票打印测试。如果文字清晰、没有被截断，条码可以扫描，说明小票打印机工作正常。",
    "",
    "Receipt printer test on the 80 mm roll.",
]


def test_receipt_is_80_mm_wide_and_as_long_as_its_content(pdf_tools) -> None:
    short = testpage.render_receipt_test(RECEIPT_LINES[:1], "ILS-0001234", "小票打印测试")
    long = testpage.render_receipt_test(RECEIPT_LINES * 3, "ILS-0001234", "小票打印测试")
    [(short_width, short_height)] = pdf_tools.page_sizes(short)
    [(long_width, long_height)] = pdf_tools.page_sizes(long)
    assert short_width == long_width == pytest.approx(80 * mm, abs=0.01)
    assert long_height > short_height + 30 * mm

    # The content fills the page down to the end margin: no blank tail of paper.
    words = pdf_tools.words(long)
    assert min(word.y_min for word in words) >= RECEIPT_END_MARGIN - 0.5
    lowest = max(word.y_max for word in words)
    assert long_height - RECEIPT_END_MARGIN - 2 * mm < lowest <= long_height - RECEIPT_END_MARGIN + 0.01


def test_receipt_wraps_its_lines_inside_the_printable_width(pdf_tools) -> None:
    pdf = testpage.render_receipt_test(RECEIPT_LINES, "ILS-0001234", "小票打印测试")
    pdf_tools.assert_only_cjk_font(pdf)
    words = pdf_tools.words(pdf)
    for word in words:
        assert 4 * mm - 0.5 <= word.x_min and word.x_max <= 76 * mm + 0.5, word
    assert _overlapping(words) == []
    text = _squash(pdf_tools.text(pdf))
    assert "小票打印测试" in text
    for line in RECEIPT_LINES:
        assert _squash(line) in text


@pytest.mark.parametrize("value", ["ILS-0001234", "20250001"])
def test_receipt_barcode_scans(pdf_tools, value: str) -> None:
    pdf = testpage.render_receipt_test(RECEIPT_LINES, value, "小票打印测试")
    assert pdf_tools.decode(pdf) == [value]
