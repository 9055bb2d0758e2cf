"""EAN-13 with its two-digit add-on (EAN-2), as on a magazine's cover: 977 + ISSN, and the issue.

Drawn module by module from the encoding tables of ISO/IEC 15420, so the add-on (which
reportlab does not draw) sits at the distance the standard gives (9 modules of space between
the main symbol and the add-on, which stands lower by the height of the digits). Used for the
practice sheet of cover barcodes that trains the check-in desk's scanner and staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import render_pdf
from printing.pages import A4
from printing.text import draw_fitted

_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011")
_G = tuple(code.translate(str.maketrans("01", "10"))[::-1] for code in _L)
_R = tuple(code.translate(str.maketrans("01", "10")) for code in _L)
_FIRST = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")
_ADD_ON_PARITY = ("LL", "LG", "GL", "GG")
MODULE = 0.33 * mm
GAP_MODULES = 9
QUIET_MODULES = 11


def check_digit(twelve: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve))
    return str((10 - total % 10) % 10)


def ean13_modules(code: str) -> str:
    if len(code) != 13 or not code.isdigit() or check_digit(code[:12]) != code[12]:
        raise ValueError(f"{code!r} is not an EAN-13 with a correct check digit")
    parity = _FIRST[int(code[0])]
    left = "".join((_L if p == "L" else _G)[int(d)] for p, d in zip(parity, code[1:7], strict=True))
    right = "".join(_R[int(d)] for d in code[7:])
    return "101" + left + "01010" + right + "101"


def ean2_modules(add_on: str) -> str:
    if len(add_on) != 2 or not add_on.isdigit():
        raise ValueError(f"{add_on!r} is not a two-digit add-on")
    parity = _ADD_ON_PARITY[int(add_on) % 4]
    first, second = ((_L if p == "L" else _G)[int(d)] for p, d in zip(parity, add_on, strict=True))
    return "1011" + first + "01" + second


def _bars(canvas: Canvas, modules: str, x: float, y: float, height: float) -> None:
    run_start = None
    for i, bit in enumerate(modules + "0"):
        if bit == "1" and run_start is None:
            run_start = i
        elif bit == "0" and run_start is not None:
            canvas.rect(x + run_start * MODULE, y, (i - run_start) * MODULE, height, stroke=0, fill=1)
            run_start = None


def width_of(add_on: bool) -> float:
    return (2 * QUIET_MODULES + 95 + (GAP_MODULES + 20 if add_on else 0)) * MODULE


def draw_cover_barcode(canvas: Canvas, code: str, add_on: str | None, x: float, y: float, height: float) -> None:
    """The symbol with its digits underneath, bottom-left at (x, y), quiet zones included."""
    digits = 8.0
    text_band = digits * 1.3
    left = x + QUIET_MODULES * MODULE
    _bars(canvas, ean13_modules(code), left, y + text_band, height - text_band)
    draw_fitted(canvas, f"{code[0]} {code[1:7]} {code[7:]}", left + 47.5 * MODULE, y + 2, 95 * MODULE, digits, "center")
    if add_on is not None:
        start = left + (95 + GAP_MODULES) * MODULE
        _bars(canvas, ean2_modules(add_on), start, y, height - text_band)
        draw_fitted(canvas, add_on, start + 10 * MODULE, y + height - text_band + 2, 20 * MODULE, digits, "center")


@dataclass(frozen=True)
class CoverBarcode:
    caption: str
    code: str
    add_on: str | None = None


def render_cover_barcodes(barcodes: Sequence[CoverBarcode], title: str) -> bytes:
    """A sheet of cover barcodes, two across, for practising check-in by scan."""
    width, height = A4
    cell_w, cell_h, margin = (width - 30 * mm) / 2, 42 * mm, 15 * mm

    def draw(canvas: Canvas) -> None:
        draw_fitted(canvas, title, width / 2, height - margin, width - 2 * margin, 13, "center")
        for index, barcode in enumerate(barcodes):
            per_page = int((height - 2 * margin - 10 * mm) // cell_h) * 2
            if index and index % per_page == 0:
                canvas.showPage()
            slot = index % per_page
            col, row = slot % 2, slot // 2
            x = margin + col * cell_w
            top = height - margin - 10 * mm - row * cell_h
            draw_fitted(canvas, barcode.caption, x, top - 10, cell_w - 5 * mm, 9)
            draw_cover_barcode(canvas, barcode.code, barcode.add_on, x, top - cell_h + 6 * mm, 26 * mm)

    return render_pdf(A4, title, draw)
