"""The annual report as a Word file (DOCX, with python-docx), for the bureau that edits Word:
the same blocks as the PDF (``printing.annual_report.Document``). A chart becomes the small table
of its figures, which Word users can chart themselves; text is set in 宋体."""

from __future__ import annotations

import io

from docx import Document as Word
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from printing.annual_report import Chart, Document, Grid, Heading, NewPage, Text

FONT = "宋体"


def _font(style) -> None:
    style.font.name = FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _table(word, columns, rows) -> None:
    table = word.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def render_annual_report_docx(document: Document) -> bytes:
    word = Word()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        _font(word.styles[name])
    word.styles["Normal"].font.size = Pt(10.5)
    title = word.add_paragraph(document.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (document.subtitle, document.date_line):
        if line:
            word.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(block.level, 3))
        elif isinstance(block, Text):
            paragraph = word.add_paragraph(block.text)
            if block.indent:
                paragraph.paragraph_format.first_line_indent = Pt(21)
        elif isinstance(block, Grid):
            _table(word, block.columns, block.rows)
        elif isinstance(block, Chart):
            word.add_paragraph(block.title, style="Heading 3")
            _table(
                word, ("", ""), [(label, f"{value:,}") for label, value in zip(block.labels, block.values, strict=True)]
            )
        elif isinstance(block, NewPage):
            word.add_page_break()
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
