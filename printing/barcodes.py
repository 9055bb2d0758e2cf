"""Code 128 and QR codes drawn to fit a box on a canvas.

Documents lay out boxes, not bar widths, so both functions take the box the
code must fill and work out the module (narrowest bar / QR cell) size from
it.  The box includes the quiet zones the scanners need, so neighbouring
text can never creep into them.  A box too small for a module a desk scanner
can read is refused rather than printed unreadable.
"""

from __future__ import annotations

from typing import Final

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import register_cjk_font
from printing.text import baseline_offset, draw_fitted, line_height

#: Narrowest module printed: 7.5 mil, the usual floor for laser and 203 dpi
#: thermal printers read by handheld scanners.
MIN_MODULE: Final[float] = 0.19 * mm
#: Code 128 needs ten modules of white either side (ISO/IEC 15417).
CODE128_QUIET_MODULES: Final[int] = 10
#: QR needs four modules of white all round (ISO/IEC 18004).
QR_QUIET_MODULES: Final[int] = 4
#: Medium error correction survives a scuffed label without growing the code much.
QR_ERROR_CORRECTION: Final[str] = "M"
#: Space between the bars and the human-readable line, as a fraction of its size.
_TEXT_GAP: Final[float] = 0.25


def _check_code128_value(value: str) -> None:
    # reportlab silently drops characters it cannot encode; a barcode that
    # scans as something else is worse than an error.  Control characters
    # would reach the desk as stray keystrokes from a keyboard-wedge scanner.
    if not value:
        raise ValueError("a Code 128 barcode needs a value")
    bad = sorted({char for char in value if not " " <= char <= "~"})
    if bad:
        raise ValueError(f"Code 128 encodes printable ASCII only, not {bad!r} in {value!r}")


def _code128_modules(value: str) -> int:
    """Modules in the symbol itself (start, data, check, stop), quiet zones excluded."""
    return round(Code128(value, barWidth=1, quiet=0).width)


def code128_min_width(value: str) -> float:
    """Narrowest box, in points and quiet zones included, that ``value`` can be printed in.

    Lets a layout check that a label is wide enough before drawing it.
    """
    _check_code128_value(value)
    return (_code128_modules(value) + 2 * CODE128_QUIET_MODULES) * MIN_MODULE


def draw_code128(
    canvas: Canvas,
    value: str,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    text: str | None = None,
    font_size: float = 8.0,
) -> None:
    """Draw ``value`` as Code 128 filling the box whose bottom-left corner is (x, y).

    ``width`` includes the quiet zones and ``height`` includes the line of
    ``text`` (usually the value itself, for staff to key in when a scan
    fails), which is centred under the bars in the CJK font.
    """
    _check_code128_value(value)
    module = width / (_code128_modules(value) + 2 * CODE128_QUIET_MODULES)
    if module < MIN_MODULE:
        raise ValueError(
            f"{value!r} needs a box at least {code128_min_width(value) / mm:.1f} mm wide, got {width / mm:.1f} mm"
        )
    text_band = 0.0 if text is None else line_height(font_size) + _TEXT_GAP * font_size
    bar_height = height - text_band
    if bar_height <= 0:
        raise ValueError(f"a {height / mm:.1f} mm box leaves no room for bars under the text")
    quiet = CODE128_QUIET_MODULES * module
    barcode = Code128(
        value,
        barWidth=module,
        barHeight=bar_height,
        quiet=1,
        lquiet=quiet,
        rquiet=quiet,
        humanReadable=0,
    )
    barcode.drawOn(canvas, x, y + text_band)
    if text is not None:
        canvas.saveState()
        draw_fitted(
            canvas,
            text,
            x + width / 2,
            y + baseline_offset(font_size),
            width - 2 * quiet,
            font_size,
            align="center",
        )
        canvas.restoreState()


def draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """Draw ``value`` as a QR code (error correction M) in the square at (x, y).

    ``size`` is the side of the square, quiet zone included.
    """
    if not value:
        raise ValueError("a QR code needs a value")
    widget = QrCodeWidget(
        value,
        barLevel=QR_ERROR_CORRECTION,
        barWidth=size,
        barHeight=size,
        barBorder=QR_QUIET_MODULES,
    )
    widget.qr.make()
    module = size / (widget.qr.getModuleCount() + 2 * QR_QUIET_MODULES)
    if module < MIN_MODULE:
        raise ValueError(f"a {size / mm:.1f} mm square is too small for a QR code of {value!r}")
    # A Drawing starts in Helvetica unless told otherwise, which would put an
    # unembedded font in the PDF; start it in the font the page already uses.
    drawing = Drawing(size, size, initialFontName=register_cjk_font())
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
