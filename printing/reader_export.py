"""A reader's own data, printed for them on A4 (the PIPL right of access).

The document is a title, a subtitle (who and when) and sections of
(label, value) rows: the reader's details, consents, loans, the loan history.
A long history runs over many pages, so the layout is done first, page by
page, and drawn afterwards, when the page count for "n / N" is known.  Each
page repeats the footer, which says why the document exists, because pages
of a printout get separated.  Every string arrives already translated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Final

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import render_pdf
from printing.pages import A4
from printing.text import LEADING, draw_lines, string_width, wrap


@dataclass(frozen=True)
class ExportSection:
    """One section: a ``heading`` and its (label, value) rows, in order.

    For example ("姓名", "张三") or ("证件号码", "430281********1234"); a
    value may be long, it is wrapped.
    """

    heading: str
    rows: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple((label, value) for label, value in self.rows))


_MARGIN: Final[float] = 18 * mm
_WIDTH: Final[float] = A4[0] - 2 * _MARGIN
_GREY: Final[float] = 0.35
_RULE_GREY: Final[float] = 0.8
_HEADING_FILL: Final[float] = 0.9

_TITLE_SIZE: Final[float] = 18.0
_SUBTITLE_SIZE: Final[float] = 10.0
_HEADING_SIZE: Final[float] = 12.0
_ROW_SIZE: Final[float] = 10.0
_FOOTER_SIZE: Final[float] = 8.0
_PAGE_NUMBER_SIZE: Final[float] = 9.0

#: Labels are short ("姓名", "借出时间"); a long one wraps rather than
#: squeezing the values.
_LABEL_SHARE: Final[float] = 0.3
_GUTTER: Final[float] = 4 * mm
_ROW_PAD: Final[float] = 1 * mm
_HEADING_PAD: Final[float] = 1.2 * mm
_SECTION_GAP: Final[float] = 5 * mm
#: Room for "123 / 456" beside the footer text.
_PAGE_NUMBER_WIDTH: Final[float] = 22 * mm
_FOOTER_GAP: Final[float] = 3 * mm

_STEP: Final[float] = _ROW_SIZE * LEADING
_HEADING_HEIGHT: Final[float] = _HEADING_SIZE * LEADING + 2 * _HEADING_PAD

_Draw = Callable[[Canvas], None]
#: One printed line of a row: its label part and its value part (either may be "").
_Pair = tuple[str, str]


def render_reader_export(
    title: str,
    subtitle: str,
    sections: Sequence[ExportSection],
    footer: str,
    continued: str = "（续）",
) -> bytes:
    """The export as A4 PDF bytes, as many pages as the rows need.

    ``title`` heads the first page and names the PDF; ``subtitle`` (the
    reader, the export time) sits under it.  A section that runs onto a
    new page repeats its heading there followed by ``continued``, so pass
    " (continued)" for English.  ``footer`` and "n / N" are on every page.
    """
    footer_lines = wrap(footer, _WIDTH - _PAGE_NUMBER_WIDTH, _FOOTER_SIZE)
    pages = _Pages(bottom=_MARGIN + _footer_height(footer_lines) + _FOOTER_GAP)
    _lay_out_title(pages, title, subtitle)
    label_width = _label_width(sections)
    for number, section in enumerate(sections):
        if number:
            pages.top -= _SECTION_GAP
        _lay_out_section(pages, section, label_width, continued)

    def draw(canvas: Canvas) -> None:
        for number, page in enumerate(pages.pages, start=1):
            if number > 1:
                canvas.showPage()
            for operation in page:
                operation(canvas)
            _draw_footer(canvas, footer_lines, f"{number} / {len(pages.pages)}")

    return render_pdf(A4, title, draw)


@dataclass
class _Pages:
    """Drawing operations grouped by page, and where the next one goes."""

    bottom: float
    top: float = A4[1] - _MARGIN
    pages: list[list[_Draw]] = field(default_factory=lambda: [[]])

    @property
    def room(self) -> float:
        return self.top - self.bottom

    @property
    def capacity(self) -> float:
        """The height of an empty page's body."""
        return A4[1] - _MARGIN - self.bottom

    def add(self, operation: _Draw) -> None:
        self.pages[-1].append(operation)

    def new_page(self) -> None:
        self.pages.append([])
        self.top = A4[1] - _MARGIN


def _lay_out_title(pages: _Pages, title: str, subtitle: str) -> None:
    title_lines = wrap(title, _WIDTH, _TITLE_SIZE)
    subtitle_lines = wrap(subtitle, _WIDTH, _SUBTITLE_SIZE) if subtitle else []
    top = pages.top

    def draw(canvas: Canvas) -> None:
        below = draw_lines(canvas, title_lines, _MARGIN, top, _WIDTH, _TITLE_SIZE, "center")
        canvas.setFillGray(_GREY)
        below = draw_lines(canvas, subtitle_lines, _MARGIN, below - 1 * mm, _WIDTH, _SUBTITLE_SIZE, "center")
        canvas.setFillGray(0)
        _rule(canvas, below - 2 * mm, 0.6, 0)

    pages.add(draw)
    pages.top -= (
        len(title_lines) * _TITLE_SIZE * LEADING
        + 1 * mm
        + len(subtitle_lines) * _SUBTITLE_SIZE * LEADING
        + 2 * mm
        + _SECTION_GAP
    )


def _label_width(sections: Sequence[ExportSection]) -> float:
    """One label column for the whole document, as wide as its widest label allows."""
    widest = max(
        (string_width(label, _ROW_SIZE) for section in sections for label, _ in section.rows),
        default=0.0,
    )
    return min(widest, _LABEL_SHARE * _WIDTH)


def _lay_out_section(pages: _Pages, section: ExportSection, label_width: float, continued: str) -> None:
    value_width = _WIDTH - label_width - _GUTTER
    rows = [
        list(
            zip_longest(
                wrap(label, label_width, _ROW_SIZE) if label_width else [],
                wrap(value, value_width, _ROW_SIZE),
                fillvalue="",
            )
        )
        for label, value in section.rows
    ]
    # A heading never ends a page alone: its first row goes with it (its
    # first line, if the row is too tall for any page).
    page_body = pages.capacity - _HEADING_HEIGHT
    first_row = 0.0
    if rows:
        first_row = _row_height(len(rows[0]))
        if first_row > page_body:
            first_row = _row_height(1)
    if pages.room < _HEADING_HEIGHT + first_row:
        pages.new_page()
    _lay_out_heading(pages, section.heading)

    for pairs in rows:
        height = _row_height(len(pairs))
        if pages.room < height <= page_body:
            pages.new_page()
            _lay_out_heading(pages, section.heading + continued)
        # A row taller than a whole page (a very long note) is split by lines.
        while pairs:
            fits = max(0, int((pages.room - 2 * _ROW_PAD) // _STEP))
            if fits == 0:
                pages.new_page()
                _lay_out_heading(pages, section.heading + continued)
                continue
            _lay_out_row(pages, pairs[:fits], label_width)
            pairs = pairs[fits:]


def _lay_out_heading(pages: _Pages, text: str) -> None:
    top = pages.top

    def draw(canvas: Canvas) -> None:
        canvas.saveState()
        canvas.setFillGray(_HEADING_FILL)
        canvas.rect(_MARGIN, top - _HEADING_HEIGHT, _WIDTH, _HEADING_HEIGHT, stroke=0, fill=1)
        canvas.restoreState()
        draw_lines(
            canvas,
            [text],
            _MARGIN + 1.5 * mm,
            top - _HEADING_PAD,
            _WIDTH - 3 * mm,
            _HEADING_SIZE,
        )

    pages.add(draw)
    pages.top -= _HEADING_HEIGHT


def _lay_out_row(pages: _Pages, pairs: list[_Pair], label_width: float) -> None:
    """Labels grey on the left, values black beside them, a hairline under the row."""
    top = pages.top - _ROW_PAD
    labels = [label for label, _ in pairs]
    values = [value for _, value in pairs]
    value_x = _MARGIN + label_width + _GUTTER

    def draw(canvas: Canvas) -> None:
        canvas.setFillGray(_GREY)
        draw_lines(canvas, labels, _MARGIN, top, label_width, _ROW_SIZE)
        canvas.setFillGray(0)
        draw_lines(canvas, values, value_x, top, _WIDTH - label_width - _GUTTER, _ROW_SIZE)
        _rule(canvas, top - len(pairs) * _STEP - _ROW_PAD, 0.3, _RULE_GREY)

    pages.add(draw)
    pages.top -= _row_height(len(pairs))


def _row_height(lines: int) -> float:
    return lines * _STEP + 2 * _ROW_PAD


def _footer_height(lines: list[str]) -> float:
    """The footer's height: its text, or the page number if that is taller."""
    return max(len(lines) * _FOOTER_SIZE * LEADING, _PAGE_NUMBER_SIZE * LEADING)


def _draw_footer(canvas: Canvas, lines: list[str], page_number: str) -> None:
    """The footer text, grey, with "n / N" at its right, under a rule."""
    top = _MARGIN + _footer_height(lines)
    _rule(canvas, top + _FOOTER_GAP / 2, 0.5, _GREY)
    canvas.setFillGray(_GREY)
    draw_lines(canvas, lines, _MARGIN, top, _WIDTH - _PAGE_NUMBER_WIDTH, _FOOTER_SIZE)
    canvas.setFillGray(0)
    draw_lines(
        canvas,
        [page_number],
        A4[0] - _MARGIN - _PAGE_NUMBER_WIDTH,
        top,
        _PAGE_NUMBER_WIDTH,
        _PAGE_NUMBER_SIZE,
        "right",
    )


def _rule(canvas: Canvas, y: float, width: float, grey: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(width)
    canvas.setStrokeGray(grey)
    canvas.line(_MARGIN, y, _MARGIN + _WIDTH, y)
    canvas.restoreState()
