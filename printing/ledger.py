"""A ledger (台账) on A4: a title, then sections of tables, as assessors file them.

Plain values in (every label already in the reader's language, every figure already a
string), PDF bytes out. Columns share the width in proportion to the weights given; a cell
too long for its column wraps; a section that does not fit the page goes on the next one
with its header repeated, and every page carries the footer and its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import render_pdf
from printing.pages import A4
from printing.text import line_height, wrap

MARGIN = 15 * mm
TITLE_SIZE, HEADING_SIZE, BODY_SIZE, FOOT_SIZE = 16, 11.5, 9, 7.5
CELL_PAD = 1.5 * mm
KEEP_TOGETHER = 12  # rows: a table this short never breaks across pages


@dataclass(frozen=True)
class Table:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    weights: tuple[float, ...] = ()  # column widths in proportion; equal when empty
    empty: str = ""  # shown when there are no rows


@dataclass(frozen=True)
class Ledger:
    title: str
    subtitle: str
    tables: tuple[Table, ...]
    footer: str  # e.g. the library's name and when it was printed
    page_word: str = "{page}"  # "第 {page} 页"


class _Pages:
    def __init__(self, canvas: Canvas, ledger: Ledger) -> None:
        self.canvas, self.ledger = canvas, ledger
        self.width = A4[0] - 2 * MARGIN
        self.page = 1
        self.y = A4[1] - MARGIN

    def room(self, height: float) -> bool:
        return self.y - height >= MARGIN + 2 * line_height(FOOT_SIZE)

    def new_page(self) -> None:
        self.footer()
        self.canvas.showPage()
        self.page += 1
        self.y = A4[1] - MARGIN

    def footer(self) -> None:
        c = self.canvas
        c.setFont(c._fontname, FOOT_SIZE)
        c.setFillGray(0.35)
        c.drawString(MARGIN, MARGIN, self.ledger.footer)
        c.drawRightString(MARGIN + self.width, MARGIN, self.ledger.page_word.format(page=self.page))
        c.setFillGray(0)


def _widths(table: Table, width: float) -> list[float]:
    weights = list(table.weights) or [1.0] * len(table.columns)
    total = sum(weights)
    return [width * w / total for w in weights]


def _cells(row: Sequence[str], widths: list[float], size: float) -> list[list[str]]:
    return [wrap(text, w - 2 * CELL_PAD, size) or [""] for text, w in zip(row, widths, strict=True)]


def _draw_row(pages: _Pages, cells: list[list[str]], widths: list[float], size: float, shade: bool) -> None:
    c = pages.canvas
    height = max(len(lines) for lines in cells) * line_height(size) + CELL_PAD
    if shade:
        c.setFillGray(0.9)
        c.rect(MARGIN, pages.y - height, pages.width, height, stroke=0, fill=1)
        c.setFillGray(0)
    c.setFont(c._fontname, size)
    x = MARGIN
    for lines, w in zip(cells, widths, strict=True):
        for n, line in enumerate(lines):
            c.drawString(x + CELL_PAD, pages.y - (n + 1) * line_height(size) + CELL_PAD / 2, line)
        x += w
    pages.y -= height
    c.setStrokeGray(0.75)
    c.setLineWidth(0.3)
    c.line(MARGIN, pages.y, MARGIN + pages.width, pages.y)
    c.setStrokeGray(0)


def _row_height(cells: list[list[str]], size: float) -> float:
    return max(len(lines) for lines in cells) * line_height(size) + CELL_PAD


def _table(pages: _Pages, table: Table) -> None:
    widths = _widths(table, pages.width)
    header = _cells(table.columns, widths, BODY_SIZE)
    rows = [_cells(r, widths, BODY_SIZE) for r in table.rows]
    heading = line_height(HEADING_SIZE) * 1.6
    # A short table is kept on one page; a long one starts where at least its first row fits.
    kept = rows if len(rows) <= KEEP_TOGETHER else rows[:1]
    body = sum(_row_height(r, BODY_SIZE) for r in kept) if kept else line_height(BODY_SIZE)
    if not pages.room(heading + _row_height(header, BODY_SIZE) + body):
        pages.new_page()
    c = pages.canvas
    pages.y -= line_height(HEADING_SIZE) * 0.6
    c.setFont(c._fontname, HEADING_SIZE)
    c.drawString(MARGIN, pages.y - line_height(HEADING_SIZE) * 0.8, table.heading)
    pages.y -= line_height(HEADING_SIZE)
    _draw_row(pages, header, widths, BODY_SIZE, True)
    if not rows:
        c.setFont(c._fontname, BODY_SIZE)
        c.drawString(MARGIN + CELL_PAD, pages.y - line_height(BODY_SIZE), table.empty)
        pages.y -= line_height(BODY_SIZE) * 1.3
    for cells in rows:
        if not pages.room(_row_height(cells, BODY_SIZE)):
            pages.new_page()
            _draw_row(pages, header, widths, BODY_SIZE, True)
        _draw_row(pages, cells, widths, BODY_SIZE, False)


def render_ledger(ledger: Ledger) -> bytes:
    def draw(canvas: Canvas) -> None:
        pages = _Pages(canvas, ledger)
        canvas.setFont(canvas._fontname, TITLE_SIZE)
        canvas.drawCentredString(A4[0] / 2, pages.y - line_height(TITLE_SIZE), ledger.title)
        pages.y -= line_height(TITLE_SIZE) * 1.4
        canvas.setFont(canvas._fontname, BODY_SIZE)
        canvas.drawCentredString(A4[0] / 2, pages.y - line_height(BODY_SIZE), ledger.subtitle)
        pages.y -= line_height(BODY_SIZE) * 1.8
        for table in ledger.tables:
            _table(pages, table)
        pages.footer()

    return render_pdf(A4, ledger.title, draw)
