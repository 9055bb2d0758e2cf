"""The annual report (年报) on A4: a title, then blocks in the order given — headings, paragraphs,
tables and charts — flowed over as many pages as they need, every page numbered.

Plain values in (every text already in the reader's language, every figure already a string),
PDF bytes out. Everything is set in the bundled Chinese font, embedded; paragraphs wrap
between any two Chinese characters by the Chinese rule (no closing punctuation starts a line,
``printing.paragraphs``) and open with a two-character indent, as Chinese documents do.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from printing.charts import bar_chart, column_chart
from printing.fonts import register_cjk_font
from printing.pages import A4
from printing.paragraphs import ChineseParagraph, chinese_style

MARGIN = 20 * mm
BODY_SIZE = 10.5


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: 一、… 2: （一）… 3: a heading inside a text


@dataclass(frozen=True)
class Text:
    text: str
    indent: bool = True  # the first line indented by two characters


@dataclass(frozen=True)
class Grid:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    weights: tuple[float, ...] = ()
    numeric_from: int = 1  # columns from this one are right-aligned figures


@dataclass(frozen=True)
class Chart:
    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]
    across: bool = False  # horizontal bars (long category names, e.g. branches)


@dataclass(frozen=True)
class NewPage:
    """A page break between the report's parts (the figures start on a page of their own)."""


Block = Heading | Text | Grid | Chart | NewPage


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    date_line: str
    blocks: tuple[Block, ...]
    footer: str
    page_word: str = "{page}"
    cover: bool = True  # the title stands a third down the first page, as on a report's cover


def _markup(text: str) -> str:
    """``text`` for a Paragraph: escaped, and its indents and runs of spaces kept (a Paragraph
    would collapse them, and the return's sub-items are set in by full-width spaces)."""
    kept = escape(text).replace("\u3000", "\u00a0\u00a0\u00a0")
    return re.sub(" {2,}", lambda run: "\u00a0" * len(run.group()), kept)


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": chinese_style("title", 22, alignment=1, spaceBefore=40 * mm, spaceAfter=6 * mm),
        "heading": chinese_style("heading", 16, alignment=1, spaceAfter=3 * mm),
        "subtitle": chinese_style("subtitle", 14, alignment=1, spaceAfter=4 * mm),
        "date": chinese_style("date", 12, alignment=1, spaceAfter=12 * mm),
        "h1": chinese_style("h1", 14, spaceBefore=5 * mm, spaceAfter=2 * mm),
        "h2": chinese_style("h2", 12, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        "h3": chinese_style("h3", BODY_SIZE + 0.5, spaceBefore=2 * mm, spaceAfter=1 * mm),
        "body": chinese_style("body", BODY_SIZE, firstLineIndent=2 * BODY_SIZE, spaceAfter=1.5 * mm),
        "plain": chinese_style("plain", BODY_SIZE, spaceAfter=1.5 * mm),
        "cell": chinese_style("cell", 8.5),
        "figure": chinese_style("figure", 8.5, alignment=2),
    }


def _grid(grid: Grid, width: float, styles: dict[str, ParagraphStyle]) -> Table:
    weights = list(grid.weights) or [1.0] * len(grid.columns)
    widths = [width * w / sum(weights) for w in weights]

    def cell(text: str, column: int) -> ChineseParagraph:
        return ChineseParagraph(_markup(text), styles["figure" if column >= grid.numeric_from else "cell"])

    data = [[ChineseParagraph(escape(c), styles["cell"]) for c in grid.columns]]
    data += [[cell(text, n) for n, text in enumerate(row)] for row in grid.rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _flowables(document: Document, width: float) -> list:
    styles = _styles()
    story: list = [
        ChineseParagraph(escape(document.title), styles["title" if document.cover else "heading"]),
        ChineseParagraph(_markup(document.subtitle), styles["subtitle" if document.cover else "plain"]),
    ]
    if document.date_line:
        story.append(ChineseParagraph(escape(document.date_line), styles["date"]))
    for block in document.blocks:
        if isinstance(block, Heading):
            story.append(ChineseParagraph(escape(block.text), styles[f"h{min(block.level, 3)}"]))
        elif isinstance(block, Text):
            story.append(ChineseParagraph(_markup(block.text), styles["body" if block.indent else "plain"]))
        elif isinstance(block, Grid):
            story += [_grid(block, width, styles), Spacer(1, 3 * mm)]
        elif isinstance(block, Chart):
            drawing = (
                bar_chart(block.title, block.labels, block.values, width)
                if block.across
                else column_chart(block.title, block.labels, block.values, width, 62 * mm)
            )
            story += [KeepTogether([drawing]), Spacer(1, 4 * mm)]
        elif isinstance(block, NewPage):
            story.append(PageBreak())
    return story


def render_annual_report(document: Document) -> bytes:
    font = register_cjk_font()
    buffer = io.BytesIO()

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillGray(0.35)
        canvas.drawString(MARGIN, MARGIN / 2, document.footer)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN / 2, document.page_word.format(page=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=document.title + document.subtitle,
        initialFontName=font,
    )
    doc.build(_flowables(document, A4[0] - 2 * MARGIN), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def text_blocks(text: str) -> list[Block]:
    """A text staff wrote: a line starting ``# `` is a heading, every other line a paragraph."""
    blocks: list[Block] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            blocks.append(Heading(line.lstrip("#").strip(), 3))
        elif line:
            blocks.append(Text(line))
    return blocks


def figures_grid(columns: Sequence[str], rows: Sequence[Sequence[str]], weights: Sequence[float] = ()) -> Grid:
    return Grid(tuple(columns), tuple(tuple(r) for r in rows), tuple(weights))
