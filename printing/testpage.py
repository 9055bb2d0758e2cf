"""Printer test pages: what librarians print to check a printer and its paper.

Three checks, one per kind of stock: an A4 page (Chinese text, both barcode
kinds, a ruler to catch "fit to page" scaling), a calibration sheet to hold
against label stock, and a strip for the 80 mm receipt printer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import draw_code128, draw_qr
from printing.fonts import register_cjk_font, render_pdf
from printing.pages import (
    A4,
    RECEIPT_END_MARGIN,
    RECEIPT_PRINTABLE_WIDTH,
    RECEIPT_SIDE_MARGIN,
    LabelSheet,
    receipt_page_size,
)
from printing.text import (
    LEADING,
    baseline_offset,
    draw_block,
    draw_lines,
    line_height,
    string_width,
    wrap,
)

_GREY: Final[float] = 0.35


@dataclass(frozen=True)
class TestPage:
    """What the A4 test page shows; every string is already translated.

    ``printed_at`` and ``node_name`` are printed as given, so they may carry
    their own label.  ``details`` are (label, value) rows, such as the
    printer's name or the program version.
    """

    title: str
    library_name: str
    branch_name: str
    node_name: str
    printed_at: str
    details: Sequence[tuple[str, str]]
    barcode_value: str
    barcode_caption: str
    qr_value: str
    qr_caption: str
    ruler_caption: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", tuple((label, value) for label, value in self.details))


def _rule(canvas: Canvas, x: float, y: float, width: float, dashed: bool = False) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.5)
    if dashed:
        canvas.setDash(2, 2)
    canvas.line(x, y, x + width, y)
    canvas.restoreState()


# --- A4 test page -----------------------------------------------------------

_MARGIN: Final[float] = 18 * mm
_RULER_LENGTH: Final[float] = 170 * mm
_GRID_ROWS: Final[int] = 2
_CODE128_BOX: Final[tuple[float, float]] = (90 * mm, 26 * mm)
_QR_SIZE: Final[float] = 36 * mm
_QR_CAPTION_WIDTH: Final[float] = 60 * mm


def render_test_page(page: TestPage) -> bytes:
    """The A4 printer test page as PDF bytes.

    Raises ValueError if the details are too many to fit on one page.
    """
    return render_pdf(A4, page.title, lambda canvas: _draw_test_page(canvas, page))


def _draw_test_page(canvas: Canvas, page: TestPage) -> None:
    page_width, page_height = A4
    x = _MARGIN
    width = page_width - 2 * _MARGIN
    top = page_height - _MARGIN

    top = draw_lines(canvas, [page.title], x, top, width, 20, "center")
    top -= 2 * mm
    top = draw_lines(canvas, [page.library_name], x, top, width, 14, "center")
    top = draw_lines(canvas, [page.branch_name], x, top, width, 12, "center")
    top -= 2 * mm
    canvas.setFillGray(_GREY)
    draw_lines(canvas, [page.node_name], x, top, width / 2, 9, "left")
    top = draw_lines(canvas, [page.printed_at], x + width / 2, top, width / 2, 9, "right")
    canvas.setFillGray(0)
    top -= 2 * mm
    _rule(canvas, x, top, width)
    top -= 3 * mm

    top = _draw_details(canvas, page.details, x, top, width)
    top -= 3 * mm
    _rule(canvas, x, top, width)
    top -= 6 * mm

    top = _draw_codes(canvas, page, x, top, width)

    # The ruler sits at the foot of the page, where a printer that clips or
    # shifts the page shows it first.
    ruler_top = _draw_ruler(canvas, page.ruler_caption, x, _MARGIN, width)
    if top - 6 * mm < ruler_top:
        raise ValueError("the test page details do not fit on one A4 page")


def _draw_details(canvas: Canvas, details: Sequence[tuple[str, str]], x: float, top: float, width: float) -> float:
    """(label, value) rows in two columns, labels grey, both wrapped."""
    size = 10.5
    gutter = 4 * mm
    label_width = min(
        max((string_width(label, size) for label, _ in details), default=0),
        0.4 * width,
    )
    value_width = width - label_width - gutter
    for label, value in details:
        canvas.setFillGray(_GREY)
        label_bottom = draw_lines(canvas, wrap(label, label_width, size), x, top, label_width, size)
        canvas.setFillGray(0)
        value_bottom = draw_lines(
            canvas, wrap(value, value_width, size), x + label_width + gutter, top, value_width, size
        )
        top = min(label_bottom, value_bottom)
    return top


def _draw_codes(canvas: Canvas, page: TestPage, x: float, top: float, width: float) -> float:
    """The Code 128 on the left and the QR code on the right, each captioned."""
    caption_size = 9
    code_width, code_height = _CODE128_BOX
    # Centre the barcode's height on the QR code's so the row looks level.
    code_bottom = top - (_QR_SIZE + code_height) / 2
    draw_code128(
        canvas,
        page.barcode_value,
        x,
        code_bottom,
        code_width,
        code_height,
        text=page.barcode_value,
        font_size=10,
    )
    # The QR caption gets a wider column than the code; both share a centre.
    qr_column = _QR_CAPTION_WIDTH
    qr_column_x = x + width - qr_column
    draw_qr(canvas, page.qr_value, qr_column_x + (qr_column - _QR_SIZE) / 2, top - _QR_SIZE, _QR_SIZE)

    caption_top = top - _QR_SIZE - 1 * mm
    canvas.setFillGray(_GREY)
    left = draw_lines(
        canvas,
        wrap(page.barcode_caption, code_width, caption_size),
        x,
        caption_top,
        code_width,
        caption_size,
        "center",
    )
    right = draw_lines(
        canvas,
        wrap(page.qr_caption, qr_column, caption_size),
        qr_column_x,
        caption_top,
        qr_column,
        caption_size,
        "center",
    )
    canvas.setFillGray(0)
    return min(left, right)


def _draw_ruler(canvas: Canvas, caption: str, x: float, bottom: float, width: float) -> float:
    """A millimetre ruler over a grid of 10 mm squares, standing on ``bottom``.

    A driver set to "fit to page" shrinks everything by a few percent, which
    spoils labels; a 170 mm ruler shows that as millimetres of error.
    Returns the top of the strip, caption included.
    """
    caption_size = 9
    number_size = 7
    caption_lines = wrap(caption, width, caption_size)
    edge = bottom + _GRID_ROWS * 10 * mm
    numbers_bottom = edge + 1 * mm
    caption_bottom = numbers_bottom + line_height(number_size) + 2 * mm
    top = caption_bottom + len(caption_lines) * caption_size * LEADING
    draw_lines(canvas, caption_lines, x, top, width, caption_size)

    left = x + (width - _RULER_LENGTH) / 2
    centimetres = round(_RULER_LENGTH / (10 * mm))
    canvas.setFont(register_cjk_font(), number_size)
    for centimetre in range(centimetres + 1):
        canvas.drawCentredString(
            left + centimetre * 10 * mm,
            numbers_bottom + baseline_offset(number_size),
            str(centimetre * 10),
        )
    canvas.saveState()
    canvas.setLineWidth(0.3)
    for millimetre in range(centimetres * 10 + 1):
        if millimetre % 10:
            tick = 3 * mm if millimetre % 5 == 0 else 1.5 * mm
            tick_x = left + millimetre * mm
            canvas.line(tick_x, edge, tick_x, edge - tick)
    canvas.setLineWidth(0.6)
    canvas.grid(
        [left + i * 10 * mm for i in range(centimetres + 1)],
        [edge - j * 10 * mm for j in range(_GRID_ROWS + 1)],
    )
    canvas.restoreState()
    return top


# --- label calibration ------------------------------------------------------

#: A margin band narrower than this is too thin to hold a line of text.
_MIN_BAND: Final[float] = 7 * mm


def render_label_calibration(sheet: LabelSheet, title: str, caption: str) -> bytes:
    """One page of ``sheet`` with every label outlined and numbered "row-column".

    Staff lay it over a sheet of label stock against the light: each outline
    should sit on the edge of its sticker.  The title and caption go in the
    top and bottom margins when the stock has margins, otherwise inside the
    first label under its number, as much of them as fits.
    """
    return render_pdf(sheet.page_size, title, lambda canvas: _draw_calibration(canvas, sheet, title, caption))


def _draw_calibration(canvas: Canvas, sheet: LabelSheet, title: str, caption: str) -> None:
    page_width, page_height = sheet.page_size
    # Outlines sit just inside each label, so one on the page edge (a card,
    # stock without margins) is printed whole rather than half cut off.
    line_width = 0.4
    inset = line_width / 2
    canvas.setLineWidth(line_width)
    first_number_bottom = 0.0
    for label in sheet.labels():
        canvas.rect(label.x + inset, label.y + inset, label.width - 2 * inset, label.height - 2 * inset)
        size = min(14.0, label.height * 0.3)
        number_top = label.y + label.height / 2 + size * LEADING / 2
        bottom = draw_lines(
            canvas,
            [f"{label.row + 1}-{label.column + 1}"],
            label.x,
            number_top,
            label.width,
            size,
            "center",
        )
        if label.row == label.column == 0:
            first_number_bottom = bottom

    side = 5 * mm
    canvas.setFillGray(_GREY)
    if sheet.top_margin >= _MIN_BAND and sheet.bottom_margin >= _MIN_BAND:
        draw_block(canvas, [title], side, page_height, page_width - 2 * side, sheet.top_margin, 10)
        draw_block(canvas, [caption], side, sheet.bottom_margin, page_width - 2 * side, sheet.bottom_margin, 7)
    else:
        first = next(sheet.labels())
        pad = 2 * mm
        draw_block(
            canvas,
            [title, caption],
            first.x + pad,
            first_number_bottom - pad,
            first.width - 2 * pad,
            first_number_bottom - pad - (first.y + pad),
            7,
        )
    canvas.setFillGray(0)


# --- receipt roll -----------------------------------------------------------

_RECEIPT_TITLE_SIZE: Final[float] = 12
_RECEIPT_TEXT_SIZE: Final[float] = 9
_RECEIPT_BARCODE_HEIGHT: Final[float] = 16 * mm
_RECEIPT_GAP: Final[float] = 3 * mm


def render_receipt_test(lines: Sequence[str], barcode_value: str, title: str) -> bytes:
    """A strip for the 80 mm receipt printer: title, wrapped lines and a Code 128.

    The page is exactly as long as its content, as a receipt would be.
    """
    width = RECEIPT_PRINTABLE_WIDTH
    title_lines = wrap(title, width, _RECEIPT_TITLE_SIZE)
    body_lines = [line for text in lines for line in wrap(text, width, _RECEIPT_TEXT_SIZE)]
    content_height = (
        len(title_lines) * _RECEIPT_TITLE_SIZE * LEADING
        + 2 * _RECEIPT_GAP
        + len(body_lines) * _RECEIPT_TEXT_SIZE * LEADING
        + 2 * _RECEIPT_GAP
        + _RECEIPT_BARCODE_HEIGHT
    )
    page_size = receipt_page_size(content_height)

    def draw(canvas: Canvas) -> None:
        x = RECEIPT_SIDE_MARGIN
        top = page_size[1] - RECEIPT_END_MARGIN
        top = draw_lines(canvas, title_lines, x, top, width, _RECEIPT_TITLE_SIZE, "center")
        top -= _RECEIPT_GAP
        _rule(canvas, x, top, width, dashed=True)
        top -= _RECEIPT_GAP
        top = draw_lines(canvas, body_lines, x, top, width, _RECEIPT_TEXT_SIZE)
        top -= _RECEIPT_GAP
        _rule(canvas, x, top, width, dashed=True)
        top -= _RECEIPT_GAP
        draw_code128(
            canvas,
            barcode_value,
            x,
            top - _RECEIPT_BARCODE_HEIGHT,
            width,
            _RECEIPT_BARCODE_HEIGHT,
            text=barcode_value,
            font_size=_RECEIPT_TEXT_SIZE,
        )

    return render_pdf(page_size, title, draw)
