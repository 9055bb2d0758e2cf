"""Barcodes scan back to exactly what was printed, at a laser printer's 300 dpi."""

from __future__ import annotations

from collections import Counter

import pytest
from PIL import Image
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import (
    CODE128_QUIET_MODULES,
    MIN_MODULE,
    code128_min_width,
    draw_code128,
    draw_qr,
)
from printing.fonts import render_pdf
from printing.pages import A4

CODE128_VALUES = [
    "ILS-0001234",  # the item barcode format
    "9787020002207",  # digits only (an ISBN), encoded in Code 128's digit-pair set
    "0000012345",  # digits only with leading zeros that must survive
    "R-2025/07 a.b",  # mixed case, space and punctuation
]
QR_VALUES = [
    "ILS-0001234",
    "4300000000001",
    "https://opac.example.cn/item/ILS-0001234?branch=13",
    "醴陵市图书馆 白兔潭镇汆溪分馆",
]


def _pdf(draw) -> bytes:
    return render_pdf(A4, "barcodes", draw)


def test_code128_values_decode_exactly(pdf_tools) -> None:
    def draw(canvas: Canvas) -> None:
        for row, value in enumerate(CODE128_VALUES):
            draw_code128(canvas, value, 20 * mm, (240 - 45 * row) * mm, 70 * mm, 20 * mm, text=value)

    pdf = _pdf(draw)
    assert Counter(pdf_tools.decode(pdf)) == Counter(CODE128_VALUES)
    pdf_tools.assert_only_cjk_font(pdf)


def test_qr_values_decode_exactly(pdf_tools) -> None:
    def draw(canvas: Canvas) -> None:
        for row, value in enumerate(QR_VALUES):
            draw_qr(canvas, value, 30 * mm, (240 - 55 * row) * mm, 35 * mm)

    pdf = _pdf(draw)
    assert Counter(pdf_tools.decode(pdf)) == Counter(QR_VALUES)
    # QR codes are drawn shapes: they must not drag in a (Helvetica) font.
    assert pdf_tools.fonts(pdf) == []


@pytest.mark.parametrize("value", ["ILS-0001234", "9787020002207"])
def test_narrowest_allowed_code128_still_decodes(pdf_tools, value: str) -> None:
    # The floor the layout may go down to must itself be scannable.
    width = code128_min_width(value)
    pdf = _pdf(lambda canvas: draw_code128(canvas, value, 20 * mm, 200 * mm, width, 8 * mm))
    assert pdf_tools.decode(pdf) == [value]


def test_small_qr_on_a_spine_label_decodes(pdf_tools) -> None:
    pdf = _pdf(lambda canvas: draw_qr(canvas, "ILS-0001234", 20 * mm, 200 * mm, 12 * mm))
    assert pdf_tools.decode(pdf) == ["ILS-0001234"]


def _dark(pixel: int) -> bool:
    return pixel < 128


def test_code128_keeps_quiet_zones_and_text_clear_of_the_bars(pdf_tools) -> None:
    value = "ILS-0001234"
    x, y, width, height = 40 * mm, 150 * mm, 70 * mm, 22 * mm

    def draw(canvas: Canvas) -> None:
        # Black blocks hard against the box, as a careless neighbour would be.
        canvas.rect(x - 15 * mm, y, 15 * mm, height, stroke=0, fill=1)
        canvas.rect(x + width, y, 15 * mm, height, stroke=0, fill=1)
        draw_code128(canvas, value, x, y, width, height, text=value, font_size=9)

    pdf = _pdf(draw)
    assert pdf_tools.decode(pdf) == [value]

    image = Image.open(pdf_tools.render(pdf)[0]).convert("L")
    scale = image.height / A4[1]
    left, right = round(x * scale), round((x + width) * scale)
    top, bottom = round((A4[1] - y - height) * scale), round((A4[1] - y) * scale)
    pixels = image.load()
    # Ten modules of white inside each edge of the box, top to bottom.
    module = width / (code128_min_width(value) / MIN_MODULE)
    quiet = int(CODE128_QUIET_MODULES * module * scale) - 2
    for row in range(top + 2, bottom - 2):
        assert not any(_dark(pixels[col, row]) for col in range(left + 2, left + quiet))
        assert not any(_dark(pixels[col, row]) for col in range(right - quiet, right - 2))

    # The human-readable line sits under the bars, inside the box, centred.
    (word,) = [w for w in pdf_tools.words(pdf) if w.text == value]
    bar_rows = [
        row
        for row in range(top, bottom)
        if sum(_dark(pixels[col, row]) for col in range(left, right)) > 0.25 * (right - left)
    ]
    assert word.y_min * scale > max(bar_rows)
    assert word.y_max * scale <= bottom + 1
    assert (word.x_min + word.x_max) / 2 == pytest.approx(x + width / 2, abs=0.5)


def test_code128_refuses_what_it_cannot_print_readably() -> None:
    canvas = Canvas("unused.pdf")
    with pytest.raises(ValueError, match="at least"):
        draw_code128(canvas, "ILS-0001234", 0, 0, code128_min_width("ILS-0001234") - 1, 10 * mm)
    with pytest.raises(ValueError, match="ASCII"):
        draw_code128(canvas, "馆藏0001", 0, 0, 60 * mm, 10 * mm)
    with pytest.raises(ValueError, match="ASCII"):
        draw_code128(canvas, "ILS\t0001", 0, 0, 60 * mm, 10 * mm)
    with pytest.raises(ValueError):
        draw_code128(canvas, "", 0, 0, 60 * mm, 10 * mm)
    with pytest.raises(ValueError, match="no room"):
        draw_code128(canvas, "ILS-0001234", 0, 0, 60 * mm, 3 * mm, text="ILS-0001234", font_size=9)


def test_qr_refuses_a_square_too_small_to_scan() -> None:
    canvas = Canvas("unused.pdf")
    with pytest.raises(ValueError, match="too small"):
        draw_qr(canvas, "https://opac.example.cn/item/ILS-0001234?branch=13", 0, 0, 5 * mm)
    with pytest.raises(ValueError):
        draw_qr(canvas, "", 0, 0, 30 * mm)
