"""Front-desk receipts and slips on the 80 mm roll, checked as the reader and the
sorting table would: every title and date readable and extractable, the whole
list of items on the paper, and the slips' barcodes scanning back to the item."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from reportlab.lib.units import mm

from printing.pages import RECEIPT_END_MARGIN
from printing.receipts import (
    HoldSlip,
    Receipt,
    ReceiptLabels,
    ReceiptLine,
    TransitSlip,
    render_checkout_receipt,
    render_hold_slip,
    render_return_receipt,
    render_transit_slip,
)

from .conftest import PdfTools, Word

CHINESE = ReceiptLabels(
    checkout_title="借书凭条",
    return_title="还书凭条",
    transit_title="在途单",
    hold_title="预约单",
    card_number="读者证号",
    reader_name="读者",
    due_date="应还日期",
    total="共 {count} 册",
    printed_at="打印时间",
    staff="经办人",
    to_branch="送往",
    from_branch="发出馆",
    reason="原因",
    pickup_branch="取书馆",
    keep_until="保留至",
)
ENGLISH = ReceiptLabels(
    checkout_title="Checkout receipt",
    return_title="Return receipt",
    transit_title="Transit slip",
    hold_title="Hold slip",
    card_number="Card",
    reader_name="Reader",
    due_date="Due",
    total="{count} items",
    printed_at="Printed",
    staff="Staff",
    to_branch="Send to",
    from_branch="From",
    reason="Reason",
    pickup_branch="Pick up at",
    keep_until="Keep until",
)

MASKED_CARD = "4302********1234"
LONG_TITLE = "中华人民共和国公共图书馆法释义与适用指南：县级图书馆总分馆制建设实务（第二版）"
LOANS = [
    ReceiptLine("红楼梦", "T0001234", due_date="2025-12-25"),
    ReceiptLine(LONG_TITLE, "10000012345", due_date="2025-12-26"),
    ReceiptLine("Python编程：从入门到实践", "T0009999", due_date="2025-12-27", note="已续借 1 次"),
]
RETURNS = [
    ReceiptLine("红楼梦", "T0001234", note="已归还"),
    ReceiptLine("围城", "T0004321", note="在途：送往 白兔潭镇汆溪分馆"),
    ReceiptLine(LONG_TITLE, "10000012345", note="预约保留：张*，保留至 2025-11-28"),
]
#: Text stays on the printable 72 mm of the 80 mm roll.
LEFT, RIGHT = 4 * mm, 76 * mm
#: pdftotext rounds boxes and the font's box can poke a hair past the glyphs.
TOLERANCE = 0.5


def checkout(**changes: object) -> Receipt:
    receipt = Receipt(
        library_name="醴陵市图书馆",
        branch_name="白兔潭镇汆溪分馆",
        service_point="一楼借阅处",
        card_number=MASKED_CARD,
        reader_name="张*",
        lines=LOANS,
        printed_at="2025-11-25 10:30",
        staff_name="李老师",
        footer="续借电话 0731-23456789，或在微信公众号自助续借。",
    )
    return replace(receipt, **changes)


def transit(**changes: object) -> TransitSlip:
    slip = TransitSlip(
        library_name="醴陵市图书馆",
        to_branch="白兔潭镇汆溪分馆",
        from_branch="总馆",
        barcode="T0001234",
        title=LONG_TITLE,
        reason="异馆归还，送回所属馆",
        printed_at="2025-11-25 10:31",
    )
    return replace(slip, **changes)


def hold(**changes: object) -> HoldSlip:
    slip = HoldSlip(
        library_name="醴陵市图书馆",
        pickup_branch="总馆",
        card_number=MASKED_CARD,
        name_key="张*",
        barcode="10000012345",
        title="红楼梦（全两册）",
        keep_until="2025-11-28",
        printed_at="2025-11-25 10:32",
    )
    return replace(slip, **changes)


def _squash(text: str) -> str:
    """Text without the spaces and line breaks layout puts in."""
    return re.sub(r"\s+", "", text)


def _overlapping(words: list[Word]) -> list[tuple[str, str]]:
    clashes = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if a.page == b.page and not (
                a.x_max <= b.x_min + TOLERANCE
                or b.x_max <= a.x_min + TOLERANCE
                or a.y_max <= b.y_min + TOLERANCE
                or b.y_max <= a.y_min + TOLERANCE
            ):
                clashes.append((a.text, b.text))
    return clashes


def assert_a_readable_roll(pdf_tools: PdfTools, pdf: bytes) -> list[Word]:
    """One 80 mm page in the embedded Chinese font, its text on the printable
    width without overlaps, and no blank paper after the content."""
    [(width, height)] = pdf_tools.page_sizes(pdf)
    assert width == pytest.approx(80 * mm, abs=0.01)
    pdf_tools.assert_only_cjk_font(pdf)
    words = pdf_tools.words(pdf)
    for word in words:
        assert LEFT - TOLERANCE <= word.x_min and word.x_max <= RIGHT + TOLERANCE, word
        assert RECEIPT_END_MARGIN - TOLERANCE <= word.y_min, word
    assert max(word.y_max for word in words) > height - RECEIPT_END_MARGIN - 3 * mm
    assert _overlapping(words) == []
    return words


def _height(words: list[Word], text: str) -> float:
    [word] = [word for word in words if word.text == text]
    return word.y_max - word.y_min


# --- checkout and return receipts ---------------------------------------------


def test_checkout_receipt_shows_the_reader_masked_and_every_title_with_its_due_date(
    pdf_tools: PdfTools,
) -> None:
    pdf = render_checkout_receipt(checkout(), CHINESE)
    assert_a_readable_roll(pdf_tools, pdf)
    # The print queue shows the document's name, never the reader's.
    assert pdf_tools.info(pdf)["Title"] == "借书凭条"
    text = _squash(pdf_tools.text(pdf))
    for string in (
        "醴陵市图书馆",
        "白兔潭镇汆溪分馆·一楼借阅处",
        "借书凭条",
        "读者证号",
        MASKED_CARD,
        "张*",
        "共3册",
        "打印时间2025-11-25 10:30",
        "经办人李老师",
        "续借电话0731-23456789",
        "已续借1次",
    ):
        assert _squash(string) in text
    for line in LOANS:
        assert _squash(line.title) in text
        assert _squash(f"{line.barcode} 应还日期 {line.due_date}") in text


def test_a_long_title_wraps_inside_the_roll_rather_than_shrinking(pdf_tools: PdfTools) -> None:
    words = pdf_tools.words(render_checkout_receipt(checkout(), CHINESE))
    parts = [word for word in words if len(word.text) > 1 and word.text in LONG_TITLE]
    assert len({round(word.y_min) for word in parts}) >= 2
    # Each line of the title is as tall as a short title: wrapped, not shrunk.
    short = _height(words, "红楼梦")
    assert all(word.y_max - word.y_min == pytest.approx(short, abs=0.5) for word in parts)


def test_the_receipt_grows_so_a_long_list_of_items_all_fits(pdf_tools: PdfTools) -> None:
    many = [ReceiptLine(f"第{n}本书 {LONG_TITLE}", f"T{n:07d}", due_date="2025-12-25") for n in range(1, 21)]
    short_pdf = render_checkout_receipt(checkout(lines=LOANS[:1]), CHINESE)
    long_pdf = render_checkout_receipt(checkout(lines=many), CHINESE)
    [(_, short_height)] = pdf_tools.page_sizes(short_pdf)
    [(_, long_height)] = pdf_tools.page_sizes(long_pdf)
    # Twenty items of three lines each need at least 20 × 3 lines of 10 pt.
    assert long_height > short_height + 19 * 3 * 10

    assert_a_readable_roll(pdf_tools, long_pdf)
    text = _squash(pdf_tools.text(long_pdf))
    for line in many:
        assert _squash(line.title) in text and line.barcode in text
    assert "共20册" in text and "20." in text


def test_return_receipt_shows_what_happens_to_each_item(pdf_tools: PdfTools) -> None:
    receipt = checkout(card_number=None, reader_name=None, service_point=None, lines=RETURNS, footer=None)
    pdf = render_return_receipt(receipt, CHINESE)
    assert_a_readable_roll(pdf_tools, pdf)
    assert pdf_tools.info(pdf)["Title"] == "还书凭条"
    text = _squash(pdf_tools.text(pdf))
    assert "还书凭条" in text and "共3册" in text
    for line in RETURNS:
        assert _squash(line.title) in text and line.barcode in text and _squash(line.note) in text
    # Without a reader open there is no reader block, and no due dates on a return.
    assert "读者证号" not in text and "应还日期" not in text and "·" not in text


def test_receipt_prints_in_english_labels_too(pdf_tools: PdfTools) -> None:
    pdf = render_checkout_receipt(checkout(), ENGLISH)
    assert pdf_tools.info(pdf)["Title"] == "Checkout receipt"
    text = pdf_tools.text(pdf)
    assert "Due 2025-12-25" in text and "3 items" in text and f"Card {MASKED_CARD}" in _single_spaces(text)


def _single_spaces(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


def test_a_receipt_without_items_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one item"):
        checkout(lines=[])


def test_a_total_label_without_the_count_is_refused() -> None:
    with pytest.raises(ValueError, match="count"):
        replace(CHINESE, total="合计")


# --- transit and hold slips ---------------------------------------------------


def test_transit_slip_names_the_destination_large_and_its_barcode_scans(pdf_tools: PdfTools) -> None:
    slip = transit()
    pdf = render_transit_slip(slip, CHINESE)
    words = assert_a_readable_roll(pdf_tools, pdf)
    assert pdf_tools.info(pdf)["Title"] == "在途单"
    assert pdf_tools.decode(pdf) == [slip.barcode]
    text = _squash(pdf_tools.text(pdf))
    for string in (
        "在途单",
        "送往",
        slip.to_branch,
        slip.barcode,
        slip.title,
        "发出馆总馆",
        "原因" + slip.reason,
        "打印时间" + _squash(slip.printed_at),
    ):
        assert _squash(string) in text
    # Read from arm's length at the sorting table: twice the height of the rest.
    assert _height(words, slip.to_branch) > 2 * _height(words, slip.from_branch)


def test_hold_slip_shows_whose_item_it_is_and_until_when_and_its_barcode_scans(
    pdf_tools: PdfTools,
) -> None:
    slip = hold()
    pdf = render_hold_slip(slip, CHINESE)
    words = assert_a_readable_roll(pdf_tools, pdf)
    assert pdf_tools.info(pdf)["Title"] == "预约单"
    assert pdf_tools.decode(pdf) == [slip.barcode]
    text = _squash(pdf_tools.text(pdf))
    for string in (
        "预约单",
        slip.name_key,
        MASKED_CARD,
        "取书馆总馆",
        "保留至2025-11-28",
        slip.title,
        "打印时间" + _squash(slip.printed_at),
    ):
        assert _squash(string) in text
    # The hold shelf is sorted by the name key: it is the largest thing on the slip.
    assert _height(words, slip.name_key) > 2 * _height(words, "总馆")


def test_long_names_and_reasons_wrap_whole_and_the_barcode_still_scans(pdf_tools: PdfTools) -> None:
    slip = transit(
        to_branch="醴陵市图书馆白兔潭镇汆溪分馆流动汽车图书屋服务点",
        from_branch="醴陵市图书馆少年儿童分馆二楼低幼阅览室",
        reason="读者张*在总馆预约，本馆归还后送往取书馆，请于到馆当日上架预约书架",
        barcode="LL-2025-000123",
    )
    pdf = render_transit_slip(slip, CHINESE)
    assert_a_readable_roll(pdf_tools, pdf)
    text = _squash(pdf_tools.text(pdf))
    for string in (slip.to_branch, slip.from_branch, slip.reason):
        assert _squash(string) in text
    assert pdf_tools.decode(pdf) == [slip.barcode]


def test_a_barcode_a_scanner_cannot_type_is_refused() -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        render_hold_slip(hold(barcode="T０００１"), CHINESE)
