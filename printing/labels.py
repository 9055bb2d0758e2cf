"""Spine (call number) labels and item barcode labels on sheets of label stock.

Both renderers take any number of labels and fill the sheet's positions row
by row from the top-left, the order staff count stickers in, over as many
pages as needed.  ``start_at`` skips the first positions of the first page so
a part-used sheet can go back into the printer.  Every string arrives already
translated; nothing here knows the library's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import MIN_MODULE, code128_min_width, draw_code128
from printing.fonts import register_cjk_font, render_pdf
from printing.pages import LabelRect, LabelSheet
from printing.text import baseline_offset, draw_fitted, fit_font_size, line_height

_Label = TypeVar("_Label")

#: Blank border kept inside every label: stickers are die-cut with some
#: play, and printers shift the page by a millimetre or so.
_PAD_X: Final[float] = 1.5 * mm
_PAD_Y: Final[float] = 1.5 * mm


@dataclass(frozen=True)
class SpineLabel:
    """A call number as it is shelved, one part per line, and where it belongs.

    ``lines`` is e.g. ("I247.5", "123", "2"): the class number, the book
    number, and the volume or copy when there is one.  ``branch`` is the
    optional small line at the foot, such as "总馆 地方文献".
    """

    lines: Sequence[str]
    branch: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if not self.lines:
            raise ValueError("a spine label needs at least one call number line")
        if any(not line.strip() for line in self.lines):
            raise ValueError(f"spine label lines must not be blank: {self.lines!r}")


@dataclass(frozen=True)
class BarcodeLabel:
    """An item barcode: the Code 128 ``value``, the ``text`` printed under the
    bars (usually the same number, for keying in when a scan fails) and an
    optional ``top_line`` above them, usually the library's name.
    """

    value: str
    text: str
    top_line: str | None = None


def _positions(labels: Sequence[_Label], sheet: LabelSheet, start_at: int) -> Iterator[tuple[int, LabelRect, _Label]]:
    """(page index, rectangle, label) for each label, filling row-major from ``start_at``."""
    if not 1 <= start_at <= sheet.count:
        raise ValueError(f"start_at must be between 1 and {sheet.count} for sheet {sheet.name!r}, got {start_at}")
    rects = list(sheet.labels())
    for index, label in enumerate(labels, start=start_at - 1):
        page, position = divmod(index, sheet.count)
        yield page, rects[position], label


def _render(
    labels: Sequence[_Label],
    sheet: LabelSheet,
    start_at: int,
    title: str,
    draw_one: Callable[[Canvas, LabelRect, _Label], None],
) -> bytes:
    labels = list(labels)
    if not labels:
        raise ValueError("no labels to print")
    placed = list(_positions(labels, sheet, start_at))

    def draw(canvas: Canvas) -> None:
        current_page = 0
        for page, rect, label in placed:
            if page != current_page:
                canvas.showPage()
                current_page = page
            canvas.saveState()
            draw_one(canvas, rect, label)
            canvas.restoreState()

    return render_pdf(sheet.page_size, title, draw)


# --- spine labels -----------------------------------------------------------

#: The call number is what a shelver reads at arm's length: as large as fits.
_CALL_NUMBER_MAX_SIZE: Final[float] = 24.0
_BRANCH_MAX_SIZE: Final[float] = 8.0
#: Stroke around the glyphs, as a fraction of the size, to make the call
#: number bold: the bundled font has no bold face.
_BOLD_STROKE: Final[float] = 0.035
_BRANCH_GAP: Final[float] = 0.8 * mm
#: Call numbers are Latin letters and digits, which need less air between
#: lines than Chinese text (``LEADING``); tighter lines leave room for larger type.
_CALL_NUMBER_LEADING: Final[float] = 1.15


def render_spine_labels(
    labels: Sequence[SpineLabel], sheet: LabelSheet, *, start_at: int = 1, title: str = ""
) -> bytes:
    """Spine labels, one per position of ``sheet``, as PDF bytes.

    The call number lines share one size, the largest at which the longest
    line fits the label, and are centred; the branch line is small at the
    foot.  ``title`` is the PDF title a print queue shows.
    """
    return _render(labels, sheet, start_at, title, _draw_spine_label)


def _draw_spine_label(canvas: Canvas, rect: LabelRect, label: SpineLabel) -> None:
    width = rect.width - 2 * _PAD_X
    bottom = rect.y + _PAD_Y
    top = rect.y + rect.height - _PAD_Y
    centre = rect.x + rect.width / 2

    if label.branch:
        branch_size = min(_BRANCH_MAX_SIZE, rect.height * 0.13)
        size = draw_fitted(
            canvas,
            label.branch,
            centre,
            bottom + baseline_offset(branch_size),
            width,
            branch_size,
            align="center",
        )
        bottom += line_height(size) + _BRANCH_GAP

    lines = label.lines
    stroke = _BOLD_STROKE * _CALL_NUMBER_MAX_SIZE
    size = min(_CALL_NUMBER_MAX_SIZE, (top - bottom) / (len(lines) * _CALL_NUMBER_LEADING))
    # The stroke straddles each glyph's outline, so leave room for half of it
    # on either side of the line.
    size = min(fit_font_size(line, width - stroke, size) for line in lines)
    stroke = _BOLD_STROKE * size
    step = size * _CALL_NUMBER_LEADING
    block_top = bottom + (top - bottom + len(lines) * step) / 2
    canvas.setFont(register_cjk_font(), size)
    canvas.setLineWidth(stroke)
    canvas.setLineJoin(1)
    for number, line in enumerate(lines, start=1):
        line_bottom = block_top - number * step + (step - line_height(size)) / 2
        # Render mode 2 fills and strokes the glyphs: a faux bold.
        canvas.drawCentredString(centre, line_bottom + baseline_offset(size), line, mode=2)


# --- barcode labels ---------------------------------------------------------

_TOP_LINE_MAX_SIZE: Final[float] = 7.5
_NUMBER_MAX_SIZE: Final[float] = 9.0
#: Wider bars than this add nothing for a scanner and look crude.
_MAX_MODULE: Final[float] = 0.5 * mm
_TOP_GAP: Final[float] = 0.5 * mm


def render_barcode_labels(
    labels: Sequence[BarcodeLabel], sheet: LabelSheet, *, start_at: int = 1, title: str = ""
) -> bytes:
    """Item barcode labels, one per position of ``sheet``, as PDF bytes.

    Each label has the optional top line in small type, a Code 128 as wide
    as the label allows (quiet zones included) and its text under the bars.
    Raises ValueError before drawing anything if a value cannot be printed
    across the label at the narrowest readable module.
    """
    width = sheet.label_width - 2 * _PAD_X
    for label in labels:
        needed = code128_min_width(label.value)
        if needed > width:
            raise ValueError(
                f"barcode {label.value!r} needs {needed / mm:.1f} mm including quiet zones "
                f"at the minimum module width of {MIN_MODULE / mm:.2f} mm, but labels on "
                f"sheet {sheet.name!r} leave only {width / mm:.1f} mm; "
                f"use wider label stock or a shorter barcode"
            )
    return _render(labels, sheet, start_at, title, _draw_barcode_label)


def _draw_barcode_label(canvas: Canvas, rect: LabelRect, label: BarcodeLabel) -> None:
    width = rect.width - 2 * _PAD_X
    bottom = rect.y + _PAD_Y
    top = rect.y + rect.height - _PAD_Y
    centre = rect.x + rect.width / 2

    if label.top_line:
        top_size = min(_TOP_LINE_MAX_SIZE, rect.height * 0.12)
        size = fit_font_size(label.top_line, width, top_size)
        top -= line_height(size)
        draw_fitted(
            canvas,
            label.top_line,
            centre,
            top + baseline_offset(size),
            width,
            size,
            align="center",
        )
        top -= _TOP_GAP

    modules = round(code128_min_width(label.value) / MIN_MODULE)
    code_width = min(width, modules * _MAX_MODULE)
    number_size = min(_NUMBER_MAX_SIZE, rect.height * 0.15)
    draw_code128(
        canvas,
        label.value,
        centre - code_width / 2,
        bottom,
        code_width,
        top - bottom,
        text=label.text or None,
        font_size=number_size,
    )
