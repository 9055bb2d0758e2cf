"""The national statistical return (文化和旅游统计, public-library items) as the form lays it
out: as a workbook (XLSX) and as a PDF. Plain values in (``ReturnSheet``), bytes out."""

from __future__ import annotations

from printing.annual_report import Document, Grid, Text, render_annual_report
from printing.annual_report_xlsx import ReturnSheet, render_workbook


def render_return_xlsx(sheet: ReturnSheet) -> bytes:
    return render_workbook(sheet.title, [sheet], [])


def _figure(value: int | float | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def render_return_pdf(sheet: ReturnSheet, footer: str, page_word: str = "{page}") -> bytes:
    rows = tuple(("　" * (2 * r.indent) + r.label, r.code, r.unit, _figure(r.value)) for r in sheet.rows)
    grid = Grid(sheet.columns, rows, (5, 1, 1.6, 2), numeric_from=3)
    document = Document(
        sheet.title, sheet.heading, "", (grid, Text(sheet.footer, indent=False)), footer, page_word, cover=False
    )
    return render_annual_report(document)
