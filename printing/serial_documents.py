"""The periodicals room's A4 documents: claim letters, routing slips, binding lists and the
yearly order list. One layout serves them all: a heading, paragraphs, a table with a totals
row, closing lines; each section may start a page of its own (one letter per supplier, one
slip per room). Values come in as plain text; nothing here queries anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import render_pdf
from printing.pages import A4
from printing.text import draw_fitted, truncate, wrap

MARGIN = 18 * mm
BODY_SIZE = 10.5
TABLE_SIZE = 9.5
ROW = TABLE_SIZE * 1.9


@dataclass(frozen=True)
class Column:
    name: str
    share: float  # of the table's width
    align: Literal["left", "right"] = "left"


@dataclass(frozen=True)
class Section:
    heading: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    paragraphs: tuple[str, ...] = ()
    totals: tuple[str, ...] | None = None
    closing: tuple[str, ...] = ()
    new_page: bool = True

    def __post_init__(self) -> None:
        for row in (*self.rows, *((self.totals,) if self.totals else ())):
            if len(row) != len(self.columns):
                raise ValueError(f"a row has {len(row)} cells for {len(self.columns)} columns")


@dataclass(frozen=True)
class SerialDocument:
    title: str
    library_name: str
    sections: tuple[Section, ...]
    footer: str = ""
    empty_text: str = ""
    page_word: str = "{page}"


class _Pages:
    def __init__(self, canvas: Canvas, doc: SerialDocument) -> None:
        self.canvas, self.doc = canvas, doc
        self.width, self.height = A4
        self.page = 0
        self.top = 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self._foot()
            self.canvas.showPage()
        self.page += 1
        self.top = self.height - MARGIN
        draw_fitted(
            self.canvas, self.doc.library_name, self.width / 2, self.top - 12, self.width - 2 * MARGIN, 15, "center"
        )
        self.top -= 20
        draw_fitted(self.canvas, self.doc.title, self.width / 2, self.top - 12, self.width - 2 * MARGIN, 13, "center")
        self.top -= 26

    def _foot(self) -> None:
        text = self.doc.page_word.format(page=self.page)
        if self.doc.footer:
            text = f"{self.doc.footer}  {text}"
        draw_fitted(self.canvas, text, self.width / 2, MARGIN / 2, self.width - 2 * MARGIN, 8, "center")

    def need(self, height: float) -> None:
        if self.top - height < MARGIN + 10:
            self.new_page()

    def line(self, text: str, size: float = BODY_SIZE) -> None:
        self.need(size * 1.6)
        self.top -= size * 1.6
        draw_fitted(self.canvas, text, MARGIN, self.top + size * 0.4, self.width - 2 * MARGIN, size)

    def finish(self) -> None:
        self._foot()


def _cells(pages: _Pages, columns: Sequence[Column], cells: Sequence[str], top: float, *, rule: bool) -> None:
    canvas, width = pages.canvas, pages.width - 2 * MARGIN
    x = MARGIN
    baseline = top - ROW + (ROW - TABLE_SIZE) / 2 + 2
    for column, text in zip(columns, cells, strict=True):
        cell = column.share * width
        shown = truncate(text, cell - 6, TABLE_SIZE)
        if column.align == "right":
            draw_fitted(canvas, shown, x + cell - 3, baseline, cell - 6, TABLE_SIZE, "right")
        else:
            draw_fitted(canvas, shown, x + 3, baseline, cell - 6, TABLE_SIZE)
        x += cell
    canvas.setLineWidth(0.8 if rule else 0.3)
    canvas.line(MARGIN, top - ROW, MARGIN + width, top - ROW)


def _section(pages: _Pages, section: Section, first: bool) -> None:
    if section.new_page and not first:
        pages.new_page()
    pages.need(60)
    pages.line(section.heading, 12)
    for paragraph in section.paragraphs:
        for text in wrap(paragraph, pages.width - 2 * MARGIN, BODY_SIZE) or [""]:
            pages.line(text)
    pages.top -= 4
    header = tuple(c.name for c in section.columns)
    pages.need(2 * ROW)
    pages.canvas.setLineWidth(0.8)
    pages.canvas.line(MARGIN, pages.top, pages.width - MARGIN, pages.top)
    _cells(pages, section.columns, header, pages.top, rule=True)
    pages.top -= ROW
    for row in section.rows:
        if pages.top - ROW < MARGIN + 10:
            pages.new_page()
            _cells(pages, section.columns, header, pages.top, rule=True)
            pages.top -= ROW
        _cells(pages, section.columns, row, pages.top, rule=False)
        pages.top -= ROW
    if section.totals:
        pages.need(ROW)
        _cells(pages, section.columns, section.totals, pages.top, rule=True)
        pages.top -= ROW
    pages.top -= 8
    for text in section.closing:
        pages.line(text)


def render_serial_document(doc: SerialDocument) -> bytes:
    def draw(canvas: Canvas) -> None:
        pages = _Pages(canvas, doc)
        if not doc.sections:
            pages.line(doc.empty_text)
        for index, section in enumerate(doc.sections):
            _section(pages, section, index == 0)
        pages.finish()

    return render_pdf(A4, doc.title, draw)
